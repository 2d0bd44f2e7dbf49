"""How many exports stream at once: per client and per worker process.

An export holds one of the worker's threads for as long as its client reads,
which for a large export on a slow link is minutes. Bounding them per client
(its key, or its address when anonymous) and per process keeps threads free
for everything else; a request beyond a bound is a 429 to retry later.
"""

import threading
from collections import Counter

from flask import current_app

from flask_smorest import abort

from api.http.auth import client_identity

# What a refused export is told to wait: long enough for a typical export to
# end, short enough that a script's retry loop does not give up.
RETRY_AFTER_S = 10


class Slots:
    """Counts of running exports, in total and per client, in this process."""

    def __init__(self, total: int, per_client: int):
        self.total, self.per_client = total, per_client
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()

    def take(self, client: str) -> str | None:
        """Take a slot for ``client``; None if taken, else why not."""
        with self._lock:
            if self._running[client] >= self.per_client:
                return (
                    f"This client already runs {self.per_client} export(s) at "
                    "once, the most allowed; retry when one has ended."
                )
            if self._running.total() >= self.total:
                return "The service runs as many exports as it allows; retry shortly."
            self._running[client] += 1
            return None

    def give_back(self, client: str) -> None:
        with self._lock:
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]


def init_slots(app) -> None:
    app.extensions["dateline_export_slots"] = Slots(
        app.config["DATELINE_EXPORT_SLOTS"],
        app.config["DATELINE_EXPORT_SLOTS_PER_CLIENT"],
    )


def hold_slot():
    """Take an export slot for this request's client, or answer 429.

    Returns the function that gives it back, once however often it is called.
    """
    slots: Slots = current_app.extensions["dateline_export_slots"]
    client = client_identity()
    refused = slots.take(client)
    if refused is not None:
        abort(429, message=refused, headers={"Retry-After": str(RETRY_AFTER_S)})
    given_back = threading.Event()

    def give_back():
        # Both the end of the rows and the server closing the response call
        # this; whichever comes first frees the slot.
        if not given_back.is_set():
            given_back.set()
            slots.give_back(client)

    return give_back

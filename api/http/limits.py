"""Rate limits: one budget per client (API key, or address) across every
endpoint, counted in Redis shared by every worker, in memory while Redis is
down.

Windows are fixed and aligned to the clock (a minute's window ends on the
minute). A worker reserves a client's budget in Redis a batch at a time, a
hundredth of the limit (one request for limits under 200), and serves from
the batch without asking Redis again for up to a second; what a batch leaves
unused stays the client's. So a busy client costs one Redis round trip per
batch instead of one per request, no client ever gets more than its limit,
and one may be refused early by at most a batch per worker. The counting
itself is the ``limits`` library's (its Redis increment sets the key's expiry
in the same round trip).
"""

import logging
import math
import threading
import time
from dataclasses import dataclass

from flask import Flask, g, request

from flask_smorest import abort

import redis
from limits import parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage

from api.http.auth import client_identity

EXEMPT_BLUEPRINTS = {"Operations", "docs", "api-docs"}
# Redis answers in well under a millisecond; a stalled one must not stall
# every request, and one that is down is asked again only after a pause.
REDIS_TIMEOUT_S = 0.5
RETRY_REDIS_AFTER_S = 5.0
# How long a worker serves from a reserved batch before it asks Redis again:
# what other workers spent shows in X-RateLimit-Remaining this late at most.
BATCH_FRESH_S = 1.0
BATCH_SHARE = 100

log = logging.getLogger("dateline.limits")


@dataclass
class _Batch:
    """What one worker holds of a client's budget in the current window."""

    window: int
    left: int = 0  # reserved in the store, not yet spent by a request
    total: int = 0  # the store's count when this worker last asked
    fresh_until: float = 0.0


@dataclass(frozen=True)
class Counted:
    """One limit's answer to one request."""

    window: "Window"
    batch: _Batch
    allowed: bool
    remaining: int
    reset: int


class Window:
    """One limit of DATELINE_RATE_LIMIT (``100/minute``), in fixed windows."""

    def __init__(self, item, prefix: str):
        self.limit = item.amount
        self.seconds = item.get_expiry()
        self.batch = max(1, self.limit // BATCH_SHARE)
        self.description = f"{item.amount} per {item.multiples} {item.GRANULARITY.name}"
        self.prefix = f"{prefix}/{self.limit}/{self.seconds}"
        self._batches: dict[tuple[int, str], _Batch] = {}
        self._lock = threading.Lock()

    def hit(self, store: Storage, identity: str, now: float) -> Counted:
        window = int(now // self.seconds)
        reset = (window + 1) * self.seconds
        with self._lock:
            batch = self._batches.get((id(store), identity))
            if batch is None or batch.window != window:
                if len(self._batches) > 100_000:
                    self._batches.clear()
                batch = self._batches[(id(store), identity)] = _Batch(window)
            ask = batch.left == 0 or now >= batch.fresh_until
            # Top the batch up; what it still holds stays reserved.
            amount = self.batch - batch.left if ask else 0
        if ask:
            key = f"{self.prefix}/{identity}/{window}"
            total = store.incr(key, self.seconds, amount)
            granted = min(amount, max(0, self.limit - (total - amount)))
            with self._lock:
                batch.left += granted
                batch.total = max(batch.total, total)
                batch.fresh_until = now + BATCH_FRESH_S
        with self._lock:
            if batch.left == 0:
                return Counted(self, batch, False, 0, reset)
            batch.left -= 1
            return Counted(self, batch, True, self._remaining(batch), reset)

    def refund(self, counted: Counted) -> Counted:
        """Give a counted request back (a 304): the batch holds it again."""
        with self._lock:
            counted.batch.left += 1
            remaining = self._remaining(counted.batch)
        return Counted(self, counted.batch, True, remaining, counted.reset)

    def _remaining(self, batch: _Batch) -> int:
        # Spent: what the store has counted, less what this worker holds.
        return max(0, self.limit - (batch.total - batch.left))


class RateLimiter:
    """Counts requests per client against every limit of DATELINE_RATE_LIMIT."""

    def __init__(self, rate_limit: str, prefix: str, redis_url: str | None):
        self.windows = [Window(item, prefix) for item in parse_many(rate_limit)]
        self.memory = MemoryStorage()
        self.shared = None
        if redis_url:
            self.shared = RedisStorage(
                redis_url,
                socket_timeout=REDIS_TIMEOUT_S,
                socket_connect_timeout=REDIS_TIMEOUT_S,
            )
        self.shared_back_at = 0.0
        self.clock = time.time

    def hit(self, identity: str) -> list[Counted]:
        now = self.clock()
        if self.shared is not None and now >= self.shared_back_at:
            try:
                return [w.hit(self.shared, identity, now) for w in self.windows]
            except (redis.RedisError, OSError) as error:
                self.shared_back_at = now + RETRY_REDIS_AFTER_S
                log.warning("rate limits counted in memory: Redis %r", error)
        return [w.hit(self.memory, identity, now) for w in self.windows]

    @staticmethod
    def telling(answers: list[Counted]) -> Counted:
        """The answer a client is told of: a limit it broke, else the nearest."""
        refused = [a for a in answers if not a.allowed]
        return min(refused or answers, key=lambda a: (a.remaining, -a.reset))

    @staticmethod
    def headers(counted: Counted) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(counted.window.limit),
            "X-RateLimit-Remaining": str(counted.remaining),
            "X-RateLimit-Reset": str(counted.reset),
        }


def _exempt() -> bool:
    return request.blueprint in EXEMPT_BLUEPRINTS or request.method == "OPTIONS"


def init_limits(app: Flask) -> RateLimiter | None:
    """Apply DATELINE_RATE_LIMIT to every API request, counted in Redis if set.

    Registered after ``identify`` (it counts by the key that request sends)
    and before ``authenticate``, so refused attempts spend their sender's
    budget.
    """
    if not app.config.get("RATELIMIT_ENABLED", True):
        return None
    limiter = RateLimiter(
        app.config["DATELINE_RATE_LIMIT"],
        app.config.get("RATELIMIT_KEY_PREFIX", "dateline"),
        app.config.get("REDIS_URL"),
    )

    def count_request():
        if _exempt():
            return
        answers = limiter.hit(client_identity())
        g.rate_limit = answers
        counted = limiter.telling(answers)
        if not counted.allowed:
            wait = max(1, math.ceil(counted.reset - limiter.clock()))
            abort(
                429,
                message=f"Rate limit exceeded: {counted.window.description}.",
                headers={"Retry-After": str(wait), **limiter.headers(counted)},
            )

    def tell_budget(response):
        answers = g.pop("rate_limit", None)
        if answers is None:
            return response
        # A 304 costs next to nothing: revalidating clients are not punished.
        if response.status_code == 304 and all(a.allowed for a in answers):
            answers = [a.window.refund(a) for a in answers]
        response.headers.update(limiter.headers(limiter.telling(answers)))
        return response

    app.before_request(count_request)
    app.after_request(tell_budget)
    app.extensions["dateline_limiter"] = limiter
    return limiter

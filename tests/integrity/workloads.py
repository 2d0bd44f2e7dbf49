"""What the concurrency tests send, and how they read back a live server's state."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from tests.integrity.helpers import MISSING, PATHS, as_in_data


def ok(response, status: int = 200, raw: bool = False):
    assert response.status == status, response
    return response if raw else response.body


def run_threads(target, count: int, timeout: float):
    """``target(n)`` in ``count`` threads at once; the first error is raised here."""
    errors = []

    def guarded(n):
        try:
            target(n)
        except Exception as error:  # noqa: BLE001 - raised again below
            errors.append(error)

    threads = [
        threading.Thread(target=guarded, args=(n,), daemon=True) for n in range(count)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    running = sum(thread.is_alive() for thread in threads)
    assert running == 0, f"{running} thread(s) still running after {timeout} s"
    if errors:
        raise errors[0]


def wait_until(condition, sender, answer, timeout: float = 30.0):
    """Until ``condition()``, while the ``sender`` thread is still waiting."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert sender.is_alive(), f"the batch ended before the kill: {answer}"
        assert time.monotonic() < deadline, "the batch never began writing"
        time.sleep(0.01)


def read_feed(http, after: str = "0", limit: int = 100) -> list[dict]:
    changes = []
    while True:
        page = ok(http.get(f"/changes/?after={after}&limit={limit}"), raw=True)
        if not page.body:
            return changes
        changes += page.body
        after = page.headers["X-Next-Cursor"]


def list_all(http, kind: str) -> list[dict]:
    records, page = [], 1
    while page:
        listed = ok(http.get(f"{PATHS[kind]}/?page_size=500&page={page}"), raw=True)
        records += listed.body
        page = json.loads(listed.headers["X-Pagination"]).get("next_page")
    return records


def current_state(http) -> dict:
    """Every record of every kind, each as GET by id shows it."""
    paths = [(kind, r["id"]) for kind in PATHS for r in list_all(http, kind)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        records = pool.map(lambda p: ok(http.get(f"{PATHS[p[0]]}/{p[1]}")), paths)
        return dict(zip(paths, records, strict=True))


def mirror_mismatches(mirror: dict, state: dict) -> dict:
    """Where a mirror built from the feed differs from the API (empty if nowhere)."""
    differ = {}
    for key in state.keys() & mirror.keys():
        record, data = state[key], as_in_data(state[key], mirror[key])
        if data != record:
            differ[key] = {
                name: (value, data[name] if data[name] != MISSING else "-")
                for name, value in record.items()
                if data[name] != value
            }
    found = {
        "in the API, not in the feed": sorted(state.keys() - mirror.keys()),
        "in the feed, gone from the API": sorted(mirror.keys() - state.keys()),
        "fields that differ (API, feed)": differ,
    }
    return {what: keys for what, keys in found.items() if keys}


def batch_events(prefix: str, bad_at: int | None = None) -> dict:
    """20 events with identities; with ``bad_at``, that one has an unknown code."""
    events = []
    for i in range(20):
        mark = f"{prefix}-e{i}"
        events.append(
            {
                "source": "concurrency",
                "source_id": mark,
                "summary": mark,
                "event_code": "9999" if i == bad_at else "190",
                "date_start": "2020-02-27",
                "fatalities": i,
                "location": {
                    "name": f"{prefix} town",
                    "kind": "city",
                    "country": "SYR",
                    "latitude": 35.9,
                    "longitude": 36.6,
                },
                "actors": [
                    {
                        "role": "initiator",
                        "actor": {
                            "name": f"{prefix} unit",
                            "kind": "military",
                            "source": "concurrency",
                            "source_id": f"{prefix}-unit",
                        },
                    }
                ],
            }
        )
    return {"events": events}


def big_batch(tag: str) -> dict:
    """1000 events, each with a new place and two new actors: slow to write."""
    return {
        "events": [
            {
                "source": tag,
                "source_id": f"e{i}",
                "summary": f"{tag} event {i}",
                "event_code": "190",
                "date_start": "2020-02-27",
                "location": {
                    "source": tag,
                    "source_id": f"l{i}",
                    "name": f"{tag} town {i}",
                    "kind": "city",
                    "country": "SYR",
                    "latitude": 35.0 + i / 1000,
                    "longitude": 36.5,
                    "parent": {"name": f"{tag} district {i % 50}", "kind": "admin2"},
                },
                "actors": [
                    {
                        "role": role,
                        "actor": {
                            "source": tag,
                            "source_id": f"a{i}-{role}",
                            "name": f"{tag} unit {i} {role}",
                            "kind": "military",
                        },
                    }
                    for role in ("initiator", "target")
                ],
            }
            for i in range(1000)
        ]
    }


def mixed_writes(http, name: str, rounds: int = 2):
    """Creates, updates, merges, deletes and batches: every kind of revision."""
    for round_ in range(rounds):
        mark = f"{name}-{round_}"
        actors = [
            ok(http.post("/actors/", {"name": f"{mark} {i}", "kind": "other"}), 201)
            for i in range(3)
        ]
        events = [
            ok(http.post("/events/", _event(mark, i, actors[i]["id"])), 201)
            for i in range(3)
        ]
        for i, event in enumerate(events):
            ok(http.patch(f"/events/{event['id']}", {"fatalities": i + 1}))
        ok(http.patch(f"/actors/{actors[0]['id']}", {"description": "survivor"}))
        ok(http.post(f"/actors/{actors[1]['id']}/merge", {"into": actors[0]["id"]}))
        ok(http.delete(f"/events/{events[2]['id']}"), 204)
        ok(http.delete(f"/actors/{actors[2]['id']}?force=true"), 204)
        batch = batch_events(mark)["events"][:5]
        ids = ok(http.post("/events/batch", {"events": batch}))["ids"]
        ok(http.patch(f"/events/{ids[0]}", {"summary": f"{mark} revised"}))
        changed = [{**batch[1], "fatalities": 99}]
        assert ok(http.post("/events/batch", {"events": changed}))["updated"] == 1


def _event(mark: str, i: int, actor_id: int) -> dict:
    return {
        "event_code": "0861",
        "date_start": "2020-03-05",
        "summary": f"{mark} event {i}",
        "actors": [{"actor_id": actor_id, "role": "initiator"}],
    }

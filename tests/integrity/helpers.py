"""Helpers shared by the integrity tests: reading history and the change feed."""

PATHS = {
    "article": "/articles",
    "actor": "/actors",
    "location": "/locations",
    "event": "/events",
}
# A key the record's `data` lacks, told apart from a null value.
MISSING = "<missing from data>"


def as_in_data(api: dict, data: dict) -> dict:
    """The fields the API returned, with their values as `data` holds them.

    The API output is the reference: each of its keys is looked up in `data`,
    so `as_in_data(api, data) == api` says the revision holds the record as
    GET shows it (keys `data` has beyond those, like `created_by`, are ignored).
    """
    return {name: data.get(name, MISSING) for name in api}


def history(client, kind: str, record_id: int) -> list[dict]:
    response = client.get(f"{PATHS[kind]}/{record_id}/history")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def read_feed(client, after: str = "0", limit: int = 100, **params) -> list[dict]:
    """Every change after a cursor, following X-Next-Cursor page by page."""
    changes = []
    while True:
        response = client.get(
            "/changes/", query_string={"after": after, "limit": limit, **params}
        )
        assert response.status_code == 200, response.get_json()
        page = response.get_json()
        if not page:
            assert response.headers["X-Next-Cursor"] == after
            return changes
        changes += page
        after = response.headers["X-Next-Cursor"]
        assert after == page[-1]["cursor"]


def replay(changes: list[dict]) -> dict:
    """A mirror built only from the feed: {(record_type, id): data}."""
    mirror = {}
    for change in changes:
        key = (change["record_type"], change["record_id"])
        if change["action"] in ("create", "update"):
            mirror[key] = change["data"]
        else:
            assert change["action"] in ("delete", "merge"), change
            assert change["data"] is None, change
            mirror.pop(key, None)
    return mirror


def last_revision_id(client) -> int:
    changes = read_feed(client)
    return changes[-1]["id"] if changes else 0


# For each record type: a body to create one, and a change to PATCH or PUT.
SAMPLES = {
    "article": (
        {"url": "https://news.example.org/1", "title": "Strikes on Saraqib"},
        {"title": "Strikes hit Saraqib"},
    ),
    "actor": ({"name": "HTS", "kind": "armed_group"}, {"country": "SYR"}),
    "location": (
        {"name": "Saraqib", "kind": "city", "latitude": 35.86, "longitude": 36.8},
        {"name": "Saraqeb"},
    ),
    "event": ({"event_code": "190", "date_start": "2020-02-27"}, {"fatalities": 4}),
}

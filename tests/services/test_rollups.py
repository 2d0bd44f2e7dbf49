"""Statistics from the roll-up equal statistics from the events (PostgreSQL).

The roll-up (migration 015) is kept by triggers under every kind of write:
creates, changes, deletes, a place's country changed, places merged, and
imports (which may write with session_replication_role = replica). After
each, every statistic it answers must equal the one computed from events.
"""

import json
from datetime import date

import pytest

import peewee as pw

from api.db import db
from api.services import rollups, stats
from api.services.errors import InvalidFilter

INTERVALS = ["day", "week", "month", "year", "none"]
GROUPS = [[], ["country"], ["source"], ["country", "source"]]
FILTERS = [
    {},
    {"date_from": date(2020, 3, 1), "date_to": date(2020, 3, 31)},
    {"country": ["SYR"]},
    {"source": ["acled", "none"]},
    {"date_from": date(2019, 12, 20), "country": ["TUR", "SYR"]},
]


@pytest.fixture
def pg_only(app):
    if not isinstance(app.extensions["dateline_db"], pw.PostgresqlDatabase):
        pytest.skip("the roll-up is PostgreSQL's; SQLite counts from events")
    return app


def answer(ask: dict) -> dict:
    try:
        return stats.event_stats(**ask)
    except InvalidFilter as error:
        # Too many buckets (days over decades): refused the same either way.
        return {"refused": error.errors, "totals": {"events": 0}}


def both_ways(app, monkeypatch) -> list[tuple]:
    """Every statistic the roll-up answers, from it and from events."""
    pairs = []
    with app.app_context(), db.connection_context():
        for interval in INTERVALS:
            for group_by in GROUPS:
                for filters in FILTERS:
                    names = group_by
                    assert rollups.servable(names, None, filters)
                    ask = {"interval": interval, "group_by": group_by, **filters}
                    from_rollup = answer(ask)
                    with monkeypatch.context() as patch:
                        patch.setattr(rollups, "servable", lambda *args: False)
                        from_events = answer(ask)
                    pairs.append((ask, from_rollup, from_events))
    return pairs


def assert_same(app, monkeypatch):
    pairs = both_ways(app, monkeypatch)
    for ask, from_rollup, from_events in pairs:
        assert json.dumps(from_rollup, default=str) == json.dumps(
            from_events, default=str
        ), ask
    # Not all empty: the data reached the statistics.
    assert any(p[2]["totals"]["events"] for p in pairs)


def test_the_rollup_follows_every_write(pg_only, client, make_event, monkeypatch):
    app = pg_only
    places = {}
    for name, country in (("Idlib", "SYR"), ("Ankara", "TUR"), ("Nowhere", None)):
        body = {"name": name, "kind": "city", "latitude": 36.0, "longitude": 36.6}
        if country:
            body["country"] = country
        response = client.post("/locations/", json=body)
        assert response.status_code == 201, response.get_json()
        places[name] = response.get_json()["id"]
    made = [
        make_event(date_start="2020-03-05", location_id=places["Idlib"], fatalities=33),
        make_event(date_start="2020-03-01", date_precision="month", fatalities=None),
        make_event(date_start="2019-12-30", location_id=places["Ankara"], fatalities=2),
        make_event(date_start="2020-03-09", location_id=places["Nowhere"]),
        make_event(date_start="2020-02-27", location_id=places["Idlib"], fatalities=0),
    ]
    assert_same(app, monkeypatch)

    # Changes: dates, place, deaths; a delete.
    assert (
        client.patch(f"/events/{made[0]['id']}", json={"fatalities": 34}).status_code
        == 200
    )
    assert (
        client.patch(
            f"/events/{made[2]['id']}",
            json={"date_start": "2020-03-02", "location_id": places["Idlib"]},
        ).status_code
        == 200
    )
    assert client.delete(f"/events/{made[4]['id']}").status_code == 204
    assert_same(app, monkeypatch)

    # A place changes country; then places merge (their events move).
    response = client.patch(f"/locations/{places['Nowhere']}", json={"country": "IRQ"})
    assert response.status_code == 200, response.get_json()
    assert_same(app, monkeypatch)
    response = client.post(
        f"/locations/{places['Ankara']}/merge", json={"into": places["Idlib"]}
    )
    assert response.status_code in (200, 204), response.get_json()
    assert_same(app, monkeypatch)


def test_what_it_cannot_answer_comes_from_events(app):
    with app.app_context():
        assert not rollups.servable(["event_code"], None, {})
        assert not rollups.servable(["country"], "ceasefire", {})
        assert not rollups.servable(["country"], None, {"event_code": ["19"]})
        postgres = isinstance(app.extensions["dateline_db"], pw.PostgresqlDatabase)
        assert rollups.servable(["country"], None, {"country": ["SYR"]}) is postgres

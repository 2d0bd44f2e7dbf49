"""PostgreSQL writes the event CSV itself: the same file, byte for byte."""

import csv
import io
from datetime import datetime

import pytest

from api.models import Event
from api.services.export import event_csv


@pytest.fixture
def db_url(postgres_url):
    # Only PostgreSQL writes CSV in SQL; SQLite's exports are the Python path.
    return postgres_url


@pytest.fixture
def app(make_app):
    # Small batches: lines cross batch ends, places recur across batches.
    return make_app(DATELINE_EXPORT_BATCH_SIZE=2)


@pytest.fixture
def awkward(app, client, make_location, make_actor, make_article, make_event):
    """Events with every kind of cell a CSV must quote, escape or leave empty."""
    country = make_location(name="Syria", kind="country", latitude=35, longitude=-38)
    town = make_location(
        name='Idlib, "the city"\nnorth', parent_id=country["id"], latitude=-0.00001
    )
    nowhere = {"latitude": None, "longitude": None}
    road = make_location(name="M4; \\ road", kind="route", **nowhere)
    stray = make_location(name="Nowhere", country=None, parent_id=road["id"])
    front = make_actor(name='Front; "West" \\ North', kind="armed_group", country=None)
    army = make_actor(name="Army, of the North", kind="military", country="SYR")
    first = make_article(url='https://example.org/a,b?q="x"')
    second = make_article(url="https://example.org/semi;colon\\")
    make_event(
        event_code="0871",
        summary='A "ceasefire",\r\nfrom midnight; \\ at last',
        date_start="2020-03-05",
        location_id=town["id"],
        fatalities=0,
        actors=[
            {"actor_id": front["id"], "role": "initiator"},
            {"actor_id": army["id"], "role": "target"},
        ],
        sources=[
            {"article_id": second["id"], "quote": None},
            {"article_id": first["id"], "quote": 'He said: "no; never",\nthen left.'},
        ],
    )
    month = make_event(event_code="20", date_start="2019-12-01", date_precision="month")
    # Whole seconds: isoformat() then writes no fraction at all.
    with app.extensions["dateline_db"].connection_context():
        stamp = datetime(2019, 12, 2, 8, 30)
        Event.update(created_at=stamp, updated_at=stamp).where(
            Event.id == month["id"]
        ).execute()
    for place in (country, road, stray, town, country):
        make_event(event_code="042", date_start="2020-01-02", location_id=place["id"])
    make_event(summary="", fatalities=12, location_id=road["id"])
    batch = {
        "source": 'client "one", ltd',
        "source_id": "id,with;odd\\chars",
        "event_code": "195",
        "date_start": "2020-02-27",
        "fatalities": 4,
        "source_attributes": {"notes": 'said "4, maybe 5"', "n": [1.5, None]},
        "location": {"name": "Saraqib", "kind": "city", "country": "SYR"},
        "actors": [{"role": "initiator", "actor": {"name": "Ünïcode ☃ group"}}],
    }
    response = client.post("/events/batch", json={"events": [batch]})
    assert response.status_code in (200, 201), response.get_json()


def _export(client, monkeypatch, query: str, server: bool) -> bytes:
    calls = []
    real = event_csv.batches
    monkeypatch.setattr(event_csv, "available", lambda: server)
    monkeypatch.setattr(event_csv, "batches", lambda *a: calls.append(a) or real(*a))
    response = client.get(f"/events/?format=csv{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_data()
    assert bool(calls) == server
    return body


@pytest.mark.parametrize(
    "query", ["", "&sort=-fatalities", "&sort=date_start,-id", "&q=ceasefire"]
)
def test_postgres_writes_the_file_the_python_writer_writes(
    client, awkward, monkeypatch, query
):
    written = _export(client, monkeypatch, query, server=True)
    expected = _export(client, monkeypatch, query, server=False)
    assert written == expected
    rows = list(csv.DictReader(io.StringIO(written.decode(), newline="")))
    assert rows, "the export is empty"
    if not query:
        assert len(rows) == 9
        by_code = {row["event_code"]: row for row in rows}
        assert by_code["20"]["latitude"] == ""
        assert by_code["0871"]["actors"] == (
            'Front\\; "West" \\\\ North [initiator]; Army, of the North [target]'
        )
        assert by_code["195"]["source"] == 'client "one", ltd'


def test_a_cursor_resumes_the_server_written_file_where_json_left_off(
    client, awkward, monkeypatch
):
    page = client.get("/events/?sort=-fatalities&page_size=3&cursor=")
    cursor = page.headers["X-Next-Cursor"]
    query = f"&sort=-fatalities&cursor={cursor}"
    written = _export(client, monkeypatch, query, server=True)
    assert written == _export(client, monkeypatch, query, server=False)
    ids = [row["id"] for row in csv.DictReader(io.StringIO(written.decode()))]
    assert ids and not {str(e["id"]) for e in page.get_json()} & set(ids)

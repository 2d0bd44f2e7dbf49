"""The compiled dump answers byte for byte what marshmallow's dump answers.

Every record type, list and single, with every include and sparse fieldset,
is requested twice: as served, and with the compiled dump switched off so
that marshmallow dumps every schema itself. Bodies and ETags must be equal.
"""

from datetime import UTC, datetime
from itertools import combinations

import pytest

from api.db import db
from api.models import Event
from api.services import examples
from schemas.actors import ActorSchema
from schemas.articles import ArticleSchema
from schemas.compiled import compile_dump
from schemas.events import EVENT_FIELDS
from schemas.locations import LocationSchema

INCLUDES = ("actors", "sources", "location")


def include_sets():
    for size in range(len(INCLUDES) + 1):
        yield from combinations(INCLUDES, size)


def query(include=(), fields=()) -> str:
    parts = [f"include={name}" for name in include]
    parts += [f"fields={name}" for name in fields]
    return "&".join(parts)


@pytest.fixture
def loaded(app, client):
    """The example records, an event with every optional field empty, and one
    with an import's provenance."""
    with app.app_context(), db.connection_context():
        examples.load()
    bare = client.post(
        "/events/",
        json={"event_code": "010", "date_start": "2020-03-09", "actors": []},
    )
    assert bare.status_code == 201, bare.get_json()
    with app.app_context(), db.connection_context():
        first = Event.select(Event.id).order_by(Event.id).first()
        Event.update(
            source="acled",
            source_id="SYR100001",
            source_file="acled_2020.csv",
            source_imported_at=datetime(2020, 3, 10, 6, tzinfo=UTC),
            source_attributes={"event_type": "Battles", "inter1": 1, "notes": None},
        ).where(Event.id == first.id).execute()
    return client


def paths(client) -> list[str]:
    events = [e["id"] for e in client.get("/events/?page_size=500").get_json()]
    actor = client.get("/actors/").get_json()[0]["id"]
    article = client.get("/articles/").get_json()[0]["id"]
    location = client.get("/locations/").get_json()[-1]["id"]
    found = []
    for include in include_sets():
        for fields in [(), *[(name,) for name in EVENT_FIELDS], EVENT_FIELDS[:4]]:
            found.append(f"/events/?page_size=500&{query(include, fields)}")
        for event_id in events:
            found.append(f"/events/{event_id}?{query(include)}")
        found.append(f"/events/{events[0]}?{query(include, ('summary', 'location'))}")
    for kind, schema, record in (
        ("actors", ActorSchema, actor),
        ("articles", ArticleSchema, article),
        ("locations", LocationSchema, location),
    ):
        found += [f"/{kind}/", f"/{kind}/{record}", f"/{kind}/{record}/events"]
        found += [f"/{kind}/?fields={name}" for name in schema._declared_fields]
    found += [f"/locations/{location}/ancestors", f"/locations/{location}/children"]
    for event_id in events:
        found += [f"/events/{event_id}/actors", f"/events/{event_id}/sources"]
    return found


def test_every_read_is_what_marshmallow_dumps(loaded, monkeypatch):
    served = {}
    for path in paths(loaded):
        response = loaded.get(path)
        if response.status_code == 404:
            continue
        assert response.status_code == 200, (path, response.get_json())
        served[path] = response

    monkeypatch.setattr("schemas.compiled.compile_dump", lambda schema: None)
    for path, response in served.items():
        reference = loaded.get(path)
        assert response.data == reference.data, path
        assert response.headers["ETag"] == reference.headers["ETag"], path
    assert len(served) > 300


def test_what_it_cannot_compile_it_leaves_to_marshmallow():
    import marshmallow as ma

    class Hooked(ma.Schema):
        name = ma.fields.String()

        @ma.post_dump
        def shout(self, data, **_kwargs):
            return {key: value.upper() for key, value in data.items()}

    assert compile_dump(Hooked()) is None

    class Odd(ma.Schema):
        where = ma.fields.String(attribute="place.name")
        when = ma.fields.Method("describe")

        def describe(self, obj):
            return "then"

    class Place:
        name = "Idlib"

    class Record:
        place = Place()

    dump = compile_dump(Odd())
    assert dump(Record()) == {"where": "Idlib", "when": "then"}

"""POST /events/batch: inline records matched, not duplicated; all or nothing."""

import pytest

from api.models import Event
from tests.conftest import issue_key
from tests.services.ingest.conftest import MAARAT_AL_NUMAN, counts, get_json

IDLIB = {"name": "Idlib Governorate", "kind": "admin1", "country": "SYR"}
SYRIA = {"name": "Syria", "kind": "country", "country": "SY"}
ARMY = {
    "name": "Military Forces of Syria (2000-)",
    "kind": "military",
    "country": "SYR",
    "aliases": ["Syrian Arab Army"],
    "source": "acled",
    "source_id": "Military Forces of Syria (2000-)",
}
STRIKES = "https://news.example.org/2020/02/27/idlib-strikes"


def _strike(source_id, **over):
    return {
        "source": "newsroom",
        "source_id": source_id,
        "event_code": "195",
        "summary": "Air strikes on Maarat al-Numan.",
        "date_start": "2020-02-27",
        "fatalities": 4,
        "location": {**MAARAT_AL_NUMAN, "parent": {**IDLIB, "parent": SYRIA}},
        "actors": [{"role": "initiator", "actor": ARMY}],
        "sources": [
            {
                "article": {"url": STRIKES, "title": "Strikes in Idlib"},
                "quote": "Four people were killed in the strikes.",
            }
        ],
        **over,
    }


def _post(client, events):
    return client.post("/events/batch", json={"events": events})


def _first_batch(make_actor):
    turkey = make_actor(name="Turkish Armed Forces", kind="military", country="TUR")
    return [
        _strike("SY-1", source_attributes={"admin2": "Maarat al-Numan district"}),
        _strike(
            "SY-2",
            event_code="190",
            date_start="2020-02-28",
            location={
                "name": "Saraqib",
                "kind": "city",
                "country": "SYR",
                "latitude": 35.8644,
                "longitude": 36.8056,
                "parent": {**IDLIB, "parent": SYRIA},
            },
            actors=[
                {"role": "initiator", "actor_id": turkey["id"]},
                # The same army by one of its aliases, from another source.
                {
                    "role": "target",
                    "actor": {"name": "syrian arab army", "country": "SYR"},
                },
            ],
        ),
    ]


def test_batch_creates_inline_records_once(client, app, make_actor):
    response = _post(client, _first_batch(make_actor))

    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert (result["created"], result["updated"], result["unchanged"]) == (2, 0, 0)
    first, second = result["ids"]
    # Two places share Idlib and Syria; the army is named twice, the URL too.
    assert counts(app) == {
        "events": 2,
        "actors": 2,
        "locations": 4,
        "articles": 1,
        "event_actors": 3,
        "event_sources": 2,
    }
    strike = get_json(client, f"/events/{first}?include=location&include=actors")
    assert strike["fatalities"] == 4
    assert strike["location"]["name"] == "Maarat al-Numan"
    assert [a["name"] for a in strike["location"]["ancestors"]] == [
        "Idlib Governorate",
        "Syria",
    ]
    [army] = strike["actors"]
    assert army["actor"]["name"] == ARMY["name"]
    assert army["actor"]["aliases"] == ["Syrian Arab Army"]
    clash = get_json(client, f"/events/{second}?include=actors&include=sources")
    roles = {link["role"]: link["actor_id"] for link in clash["actors"]}
    assert roles["target"] == army["actor_id"]
    [source] = clash["sources"]
    assert source["article"]["url"] == STRIKES
    assert strike["sources"][0]["article_id"] == source["article_id"]


@pytest.fixture
def first_batch(client, make_actor):
    batch = _first_batch(make_actor)
    response = _post(client, batch)
    assert response.status_code == 200, response.get_json()
    return batch, response.get_json()["ids"]


def _updated_at(client, ids):
    return {i: get_json(client, f"/events/{i}")["updated_at"] for i in ids}


def test_resending_a_batch_changes_nothing(client, app, first_batch):
    batch, ids = first_batch
    before, stamps = counts(app), _updated_at(client, ids)

    # A client that timed out sends the same batch again.
    response = _post(client, batch)

    assert response.status_code == 200
    assert response.get_json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "ids": ids,
    }
    assert counts(app) == before
    assert _updated_at(client, ids) == stamps


def test_later_batches_match_and_update(client, app, first_batch):
    batch, (first, second) = first_batch
    before, stamps = counts(app), _updated_at(client, (first, second))
    created_at = get_json(client, f"/events/{first}")["created_at"]
    army_id = get_json(client, f"/events/{first}")["actors"][0]["actor_id"]
    # The army by its dataset identity under another name, and by name and
    # country; the article by its URL under another title.
    third = _strike(
        "SY-3",
        date_start="2020-03-01",
        actors=[
            {
                "role": "initiator",
                "actor": {"name": "SAA", "source": "acled", "source_id": ARMY["name"]},
            },
            {"role": "target", "actor": {"name": ARMY["name"], "country": "SYR"}},
        ],
        sources=[{"article": {"url": STRIKES, "title": "Another headline"}}],
    )
    batch[0]["fatalities"] = 5

    response = _post(client, [*batch, third])

    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert (result["created"], result["updated"], result["unchanged"]) == (1, 1, 1)
    assert result["ids"][:2] == [first, second]
    after = counts(app)
    assert (after["actors"], after["articles"], after["locations"]) == (
        before["actors"],
        before["articles"],
        before["locations"],
    )
    new = get_json(client, f"/events/{result['ids'][2]}")
    assert {link["actor_id"] for link in new["actors"]} == {army_id}
    updated = get_json(client, f"/events/{first}")
    assert updated["fatalities"] == 5
    assert updated["created_at"] == created_at
    assert updated["updated_at"] != stamps[first]
    assert get_json(client, f"/events/{second}")["updated_at"] == stamps[second]
    with app.extensions["dateline_db"].connection_context():
        attributes = Event.get_by_id(first).source_attributes
    assert attributes == {"admin2": "Maarat al-Numan district"}


def test_batch_with_ids_of_existing_records(client, make_actor, make_location):
    actor = make_actor()
    place = make_location()
    article = client.post(
        "/articles/", json={"url": STRIKES, "title": "Strikes in Idlib"}
    ).get_json()
    record = {
        "event_code": "0861",
        "date_start": "2020-03-05",
        "location_id": place["id"],
        "actors": [{"role": "initiator", "actor_id": actor["id"]}],
        "sources": [{"article_id": article["id"], "quote": "A ceasefire."}],
    }

    response = _post(client, [record])

    assert response.status_code == 200, response.get_json()
    [event_id] = response.get_json()["ids"]
    event = get_json(client, f"/events/{event_id}")
    assert event["location_id"] == place["id"]
    assert event["actors"] == [{"actor_id": actor["id"], "role": "initiator"}]
    assert event["sources"][0]["article_id"] == article["id"]


def test_every_bad_record_is_reported_and_nothing_written(client, app, make_actor):
    good = _strike("SY-1")
    schema_errors = _strike(
        "SY-2",
        date_start="yesterday",
        location={"name": "Idlib", "kind": "planet", "latitude": 95},
        actors=[{"role": "bystander", "actor": {"name": "Someone"}}],
    )
    references = _strike(
        "SY-3",
        event_code="9999",
        actors=[
            {"role": "initiator", "actor": ARMY},
            {"role": "target", "actor_id": 999999},
        ],
        sources=[{"article_id": 888888}],
    )
    also_good = _strike("SY-4", sources=[{"article": {"url": "https://e.org/x"}}])
    before = counts(app)

    response = _post(client, [good, schema_errors, references, also_good])

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    errors = response.get_json()["errors"]["json"]["events"]
    assert set(errors) == {"1", "2"}
    assert {"date_start", "location", "actors"} <= errors["1"].keys()
    assert {"kind", "latitude"} <= errors["1"]["location"].keys()
    assert "role" in errors["1"]["actors"]["0"]
    assert "event_code" in errors["2"]
    assert "actor_id" in errors["2"]["actors"]["1"]
    assert "article_id" in errors["2"]["sources"]["0"]
    assert counts(app) == before


def test_batch_size_is_limited(client, app):
    events = [_strike(f"SY-{i}") for i in range(1001)]

    response = _post(client, events)

    assert response.status_code == 422
    assert "events" in response.get_json()["errors"]["json"]
    assert counts(app)["events"] == 0


def test_batch_needs_the_write_scope(app, anonymous):
    response = _post(anonymous, [_strike("SY-1")])
    assert response.status_code == 401

    reader = app.test_client()
    key = issue_key(app, "reader", ["read"])
    reader.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    response = _post(reader, [_strike("SY-1")])
    assert response.status_code == 403
    assert counts(app)["events"] == 0


def test_identity_needs_both_parts(client, app):
    record = _strike("SY-1")
    del record["source_id"]
    actor_without_id = _strike(
        "SY-2", actors=[{"role": "target", "actor": {"name": "X", "source": "acled"}}]
    )

    response = _post(client, [record, actor_without_id])

    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]["events"]
    assert "source_id" in errors["0"]
    assert "source_id" in errors["1"]["actors"]["0"]["actor"]
    assert counts(app)["events"] == 0


def test_one_identity_twice_in_a_batch(client, app):
    response = _post(client, [_strike("SY-1"), _strike("SY-1", fatalities=5)])

    # Either refused, naming the repeated record, or written once.
    assert response.status_code in (200, 422), response.get_json()
    if response.status_code == 422:
        errors = response.get_json()["errors"]["json"]["events"]
        assert set(errors) == {"1"}
        assert counts(app)["events"] == 0
    else:
        ids = response.get_json()["ids"]
        assert ids[0] == ids[1]
        assert counts(app)["events"] == 1


def test_a_deleted_events_id_is_not_given_again(client, app, first_batch):
    # A mirror that saw event N deleted must never meet another event N.
    _, ids = first_batch
    last = max(ids)
    assert client.delete(f"/events/{last}").status_code == 204

    unkeyed = _strike(None)
    del unkeyed["source"], unkeyed["source_id"]
    response = _post(client, [_strike("SY-3"), unkeyed])

    assert response.status_code == 200, response.get_json()
    new = response.get_json()["ids"]
    assert len(set(new)) == 2 and min(new) > last
    assert client.get(f"/events/{last}").status_code == 404
    assert [get_json(client, f"/events/{i}")["id"] for i in new] == new


def test_inline_actors_match_by_name_or_alias_in_their_country(client, make_actor):
    army = make_actor(
        name="Syrian Armed Forces", kind="military", country="SYR", aliases=["SAA"]
    )
    gunmen = make_actor(name="Unidentified gunmen", kind="armed_group", country=None)

    def links(*actors):
        return [
            {"role": role, "actor": actor}
            for role, actor in zip(("initiator", "target"), actors, strict=True)
        ]

    response = _post(
        client,
        [
            _strike(
                "M-1",
                actors=links(
                    {"name": "saa", "country": "SYR"},
                    {"name": "Syrian Armed Forces", "country": "LBN"},
                ),
            ),
            _strike(
                "M-2",
                actors=links(
                    {"name": "UNIDENTIFIED GUNMEN"},
                    {"name": "Unidentified gunmen", "country": "SYR"},
                ),
            ),
        ],
    )

    assert response.status_code == 200, response.get_json()
    found = []
    for event_id in response.get_json()["ids"]:
        event = get_json(client, f"/events/{event_id}?include=actors")
        found.append({link["role"]: link["actor_id"] for link in event["actors"]})
    # By alias and by name, each in its own country (none is a country too);
    # the same name in another country is another actor.
    assert found[0]["initiator"] == army["id"]
    assert found[1]["initiator"] == gunmen["id"]
    assert found[0]["target"] not in (army["id"], gunmen["id"])
    assert found[1]["target"] not in (army["id"], gunmen["id"], found[0]["target"])


def test_batch_events_are_searchable_and_an_update_replaces_their_text(client):
    def found(words):
        response = client.get("/events/", query_string={"q": words})
        assert response.status_code == 200, response.get_json()
        return [event["source_id"] for event in response.get_json()]

    first = _post(
        client, [_strike("SY-1"), _strike("SY-2", summary="Saraqib shelled.")]
    )
    assert first.status_code == 200, first.get_json()
    assert found("Maarat") == ["SY-1"]
    # The quote is searched as well as the summary.
    assert sorted(found("killed")) == ["SY-1", "SY-2"]

    changed = _strike("SY-1", summary="Convoy hit near Ariha.", sources=[])
    second = _post(
        client, [changed, _strike("SY-3", summary="Ariha market struck.", sources=[])]
    )

    assert second.status_code == 200, second.get_json()
    assert (second.get_json()["created"], second.get_json()["updated"]) == (1, 1)
    assert found("Maarat") == []
    assert sorted(found("Ariha")) == ["SY-1", "SY-3"]
    assert found("killed") == ["SY-2"]


def test_a_summary_holding_a_control_character_is_searched_as_written(client):
    # PostgreSQL is sent a chunk's texts joined by the unit separator; a
    # chunk with a text holding one is sent otherwise, with the same result.
    def found(words):
        response = client.get("/events/", query_string={"q": words})
        assert response.status_code == 200, response.get_json()
        return sorted(event["source_id"] for event in response.get_json())

    response = _post(
        client,
        [
            _strike("SY-1", summary="Idlib\x1fshelled at dawn.", sources=[]),
            _strike("SY-2", summary="Saraqib shelled.", sources=[]),
        ],
    )

    assert response.status_code == 200, response.get_json()
    assert found("Idlib") == ["SY-1"]
    assert found("shelled") == ["SY-1", "SY-2"]
    assert found("Saraqib") == ["SY-2"]


def test_a_large_batch_stores_what_a_small_one_does(client):
    # PostgreSQL copies 50 rows or more in one COPY, fewer row by row.
    def strike(source_id):
        return _strike(
            source_id,
            date_start="2020-02-01",
            date_precision="month",
            source_attributes={"admin2": "Maarat al-Numan", "notes": ["a", 1]},
        )

    def stored(event_id):
        event = get_json(client, f"/events/{event_id}?include=actors&include=sources")
        # What differs by the record and by the batch.
        for varying in ("id", "source_id", "created_at", "updated_at"):
            event.pop(varying, None)
        for varying in ("source_imported_at", "source_file"):
            event.pop(varying, None)
        for source in event.get("sources", []):
            source.pop("event_id", None)
        for actor in event.get("actors", []):
            actor.pop("event_id", None)
        return event

    small = _post(client, [strike("ONE")])
    large = _post(client, [strike(f"MANY-{i}") for i in range(60)])

    assert small.status_code == 200, small.get_json()
    assert large.status_code == 200, large.get_json()
    (one,) = small.get_json()["ids"]
    expected = stored(one)
    assert expected["date_end"] == "2020-02-29"
    assert expected["source_attributes"]["notes"] == ["a", 1]
    assert [a["role"] for a in expected["actors"]] == ["initiator"]
    assert expected["sources"][0]["quote"].startswith("Four people")
    for event_id in large.get_json()["ids"]:
        assert stored(event_id) == expected

"""The mirror promise: replaying the change feed rebuilds exactly what the API holds."""

from tests.integrity.helpers import PATHS, as_in_data, read_feed, replay


def _ok(response, status=200):
    assert response.status_code == status, response.data
    return response.get_json() if response.data else None


def _batch(client, events):
    return _ok(client.post("/events/batch", json={"events": events}))["ids"]


def _make_world(client, editor, make_location, make_actor, make_article, make_event):
    """Creates, updates, deletes and merges of every kind, by two keys.

    Returns the (record_type, id) of the records that must be gone.
    """
    syria = make_location(name="Syria", kind="country", latitude=35, longitude=38)
    idlib_gov = make_location(name="Idlib", kind="admin1", parent_id=syria["id"])
    saraqib = make_location(name="Saraqib", parent_id=idlib_gov["id"])
    saraqeb = make_location(name="Saraqeb", parent_id=idlib_gov["id"])
    camp = make_location(name="Atmeh camp", kind="site", parent_id=saraqeb["id"])
    lonely = make_location(name="Nowhere", kind="route")
    army = make_actor(name="Syrian Army", kind="military", country="SYR")
    army_dup = make_actor(name="SAA", kind="military", aliases=["Syrian Arab Army"])
    rebels = make_actor(name="HTS", kind="armed_group", country="SYR")
    doomed = make_actor(name="Unknown gunmen", kind="other")
    report = make_article(dateline_location_id=saraqib["id"])
    wire = make_article(dateline_location_id=saraqeb["id"])
    retracted = make_article()

    def link(*pairs):
        return [{"actor_id": a["id"], "role": role} for a, role in pairs]

    strike = make_event(
        location_id=saraqib["id"],
        fatalities=33,
        actors=link((army, "initiator"), (rebels, "target")),
        sources=[{"article_id": report["id"], "quote": "33 soldiers died."}],
    )
    shelling = make_event(
        event_code="190",
        location_id=saraqeb["id"],
        actors=link((army, "initiator"), (army_dup, "initiator"), (rebels, "target")),
        sources=[{"article_id": retracted["id"], "quote": None}],
    )
    ambush = make_event(actors=link((doomed, "initiator")), location_id=camp["id"])
    doubtful = make_event(summary="Unconfirmed.")

    _ok(editor.patch(f"/events/{strike['id']}", json={"fatalities": 34}))
    _ok(
        client.put(
            f"/actors/{rebels['id']}",
            json={
                "name": "Hayat Tahrir al-Sham",
                "kind": "armed_group",
                "aliases": ["HTS"],
            },
        )
    )
    _ok(editor.patch(f"/locations/{syria['id']}", json={"name": "Syrian Arab Rep."}))
    _ok(editor.patch(f"/articles/{wire['id']}", json={"outlet": "AFP"}))

    inline = {
        "source": "acled",
        "event_code": "195",
        "date_start": "2020-02-27",
        "location": {
            "name": "Maarat al-Numan",
            "kind": "city",
            "country": "SY",
            "latitude": 35.64,
            "longitude": 36.68,
            "parent": {"name": "Idlib", "kind": "admin1", "country": "SYR"},
        },
        "sources": [{"article": {"url": "https://example.org/numan", "title": "N"}}],
    }
    first, second = (
        {
            **inline,
            "source_id": "SYR1",
            "fatalities": 4,
            "actors": link((army, "initiator")),
        },
        {
            **inline,
            "source_id": "SYR2",
            "actors": [{"role": "target", "actor": {"name": "Civilians"}}],
        },
    )
    batch_ids = _batch(editor, [first, second])
    # Sent again, one changed and one not: an update and nothing.
    assert _batch(client, [{**first, "fatalities": 5}, second]) == batch_ids

    _ok(client.post(f"/actors/{army_dup['id']}/merge", json={"into": army["id"]}))
    _ok(editor.post(f"/locations/{saraqeb['id']}/merge", json={"into": saraqib["id"]}))
    _ok(editor.delete(f"/actors/{doomed['id']}?force=true"), 204)
    _ok(client.delete(f"/articles/{retracted['id']}?force=true"), 204)
    _ok(client.delete(f"/locations/{idlib_gov['id']}?force=true"), 204)
    _ok(editor.delete(f"/events/{doubtful['id']}"), 204)
    _ok(client.delete(f"/locations/{lonely['id']}"), 204)
    _ok(client.patch(f"/events/{ambush['id']}", json={"summary": "An ambush."}))
    _ok(client.patch(f"/events/{shelling['id']}", json={"fatalities": 2}))
    return {
        ("actor", army_dup["id"]),
        ("actor", doomed["id"]),
        ("location", saraqeb["id"]),
        ("location", idlib_gov["id"]),
        ("location", lonely["id"]),
        ("article", retracted["id"]),
        ("event", doubtful["id"]),
    }


def _current_state(client) -> dict:
    """Every record as GET shows it, found through the list endpoints."""
    state = {}
    for kind, path in PATHS.items():
        listed = _ok(client.get(f"{path}/?page_size=500"))
        for record in listed:
            state[(kind, record["id"])] = _ok(client.get(f"{path}/{record['id']}"))
    return state


def test_replaying_the_feed_mirrors_the_api(
    client, editor, make_location, make_actor, make_article, make_event
):
    gone = _make_world(
        client, editor, make_location, make_actor, make_article, make_event
    )

    changes = read_feed(client, limit=7)
    assert [c["id"] for c in changes] == sorted({c["id"] for c in changes})
    assert {c["action"] for c in changes} == {"create", "update", "delete", "merge"}
    assert {c["record_type"] for c in changes} == set(PATHS)
    mirror = replay(changes)
    state = _current_state(client)

    assert sorted(mirror) == sorted(state)
    for key, record in state.items():
        assert as_in_data(record, mirror[key]) == record, key
    for kind, record_id in gone:
        assert (kind, record_id) not in mirror
        response = client.get(f"{PATHS[kind]}/{record_id}")
        assert response.status_code in (308, 404), (kind, record_id)


def test_a_mirror_that_follows_along_stays_exact(
    client, editor, make_location, make_actor, make_article, make_event
):
    # A mirror that syncs now and then, with a small page, ends the same as one
    # that reads the whole feed at the end.
    mirror_changes = read_feed(client)
    cursor = mirror_changes[-1]["cursor"] if mirror_changes else "0"
    syria = make_location(name="Syria", kind="country")
    mirror_changes += read_feed(client, after=cursor, limit=1)
    cursor = mirror_changes[-1]["cursor"]
    _make_world(client, editor, make_location, make_actor, make_article, make_event)
    mirror_changes += read_feed(client, after=cursor, limit=3)

    assert mirror_changes == read_feed(client, limit=1000)
    mirror = replay(mirror_changes)
    state = _current_state(client)
    assert sorted(mirror) == sorted(state)
    assert ("location", syria["id"]) in mirror
    for key, record in state.items():
        assert as_in_data(record, mirror[key]) == record, key

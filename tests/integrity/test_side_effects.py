"""A forced delete changes the records that referenced the deleted one: each
such change is an update revision, by the key that deleted."""

from tests.integrity.helpers import as_in_data, history


def test_force_deleting_an_actor_updates_its_events(
    client, editor, make_actor, make_event
):
    army, rebels = make_actor(name="Syrian Army"), make_actor(name="HTS")
    links = [
        {"actor_id": army["id"], "role": "initiator"},
        {"actor_id": rebels["id"], "role": "target"},
    ]
    event = make_event(actors=links)
    untouched = make_event(actors=links[1:])

    response = editor.delete(f"/actors/{army['id']}")
    assert response.status_code == 409
    assert len(history(client, "event", event["id"])) == 1

    response = editor.delete(f"/actors/{army['id']}?force=true")
    assert response.status_code == 204
    now = client.get(f"/events/{event['id']}").get_json()
    assert now["actors"] == links[1:]

    revisions = history(client, "event", event["id"])
    assert [(r["action"], r["by"]) for r in revisions] == [
        ("create", "test-admin"),
        ("update", "editor"),
    ]
    update = revisions[-1]
    assert [link["actor_id"] for link in update["data"]["actors"]] == [rebels["id"]]
    assert update["changes"]["actors"] == [links, links[1:]]
    assert as_in_data(now, update["data"]) == now
    assert [r["action"] for r in history(client, "event", untouched["id"])] == [
        "create"
    ]
    actor_revisions = history(client, "actor", army["id"])
    assert [(r["action"], r["by"]) for r in actor_revisions] == [
        ("create", "test-admin"),
        ("delete", "editor"),
    ]
    # The events changed before the actor went: a mirror never holds a link
    # to an actor it has already removed.
    assert update["id"] < actor_revisions[-1]["id"]


def test_force_deleting_a_location_detaches_what_referenced_it(
    client, editor, make_location, make_event, make_article
):
    governorate = make_location(name="Idlib Governorate", kind="admin1")
    city = make_location(name="Idlib", parent_id=governorate["id"])
    town = make_location(name="Saraqib", parent_id=governorate["id"])
    event = make_event(location_id=governorate["id"])
    city_event = make_event(location_id=city["id"])
    article = make_article(dateline_location_id=governorate["id"])

    response = editor.delete(f"/locations/{governorate['id']}")
    assert response.status_code == 409
    response = editor.delete(f"/locations/{governorate['id']}?force=true")
    assert response.status_code == 204

    for kind, record, field in (
        ("location", city, "parent_id"),
        ("location", town, "parent_id"),
        ("event", event, "location_id"),
        ("article", article, "dateline_location_id"),
    ):
        now = client.get(f"/{kind}s/{record['id']}").get_json()
        assert now[field] is None
        revisions = history(client, kind, record["id"])
        assert [(r["action"], r["by"]) for r in revisions] == [
            ("create", "test-admin"),
            ("update", "editor"),
        ], (kind, record["id"])
        update = revisions[-1]
        assert update["changes"][field] == [governorate["id"], None]
        assert set(update["changes"]) - {"updated_at", "updated_by"} == {field}
        assert as_in_data(now, update["data"]) == now

    # An event placed in a child keeps its place and gets no revision.
    assert (
        client.get(f"/events/{city_event['id']}").get_json()["location_id"]
        == (city["id"])
    )
    assert len(history(client, "event", city_event["id"])) == 1
    assert client.get(f"/locations/{city['id']}/ancestors").get_json() == []
    response = client.get(f"/events/?location={governorate['id']}")
    assert response.status_code == 200
    assert response.get_json() == []
    assert history(client, "location", governorate["id"])[-1]["action"] == "delete"


def test_force_deleting_an_article_updates_the_events_it_sourced(
    client, editor, make_article, make_event
):
    article, other = make_article(), make_article()
    sources = [
        {"article_id": article["id"], "quote": "Four killed."},
        {"article_id": other["id"], "quote": None},
    ]
    event = make_event(sources=sources)

    response = editor.delete(f"/articles/{article['id']}?force=true")
    assert response.status_code == 204

    now = client.get(f"/events/{event['id']}").get_json()
    assert now["sources"] == sources[1:]
    update = history(client, "event", event["id"])[-1]
    assert (update["action"], update["by"]) == ("update", "editor")
    assert update["changes"]["sources"] == [sources, sources[1:]]
    assert as_in_data(now, update["data"]) == now

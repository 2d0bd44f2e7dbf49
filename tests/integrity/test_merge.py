"""Merging duplicates: links move to the survivor, and the duplicate's id redirects."""

from tests.integrity.helpers import history, read_feed


def _event_ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return sorted(event["id"] for event in response.get_json())


def test_merging_a_duplicate_actor(client, editor, make_actor, make_event):
    survivor = make_actor(name="Syrian Army", aliases=["SAA"])
    duplicate = make_actor(name="Syrian Arab Army", aliases=["Assad's army", "SAA"])
    rebels = make_actor(name="HTS")
    only_dup = make_event(actors=[{"actor_id": duplicate["id"], "role": "initiator"}])
    shared = make_event(
        actors=[
            {"actor_id": survivor["id"], "role": "initiator"},
            {"actor_id": rebels["id"], "role": "target"},
            {"actor_id": duplicate["id"], "role": "initiator"},
        ]
    )
    other_role = make_event(
        actors=[
            {"actor_id": duplicate["id"], "role": "target"},
            {"actor_id": survivor["id"], "role": "initiator"},
        ]
    )
    only_survivor = make_event(actors=[{"actor_id": survivor["id"], "role": "target"}])
    cursor = read_feed(client)[-1]["cursor"]

    response = editor.post(
        f"/actors/{duplicate['id']}/merge", json={"into": survivor["id"]}
    )
    assert response.status_code == 200, response.get_json()
    merged = response.get_json()
    assert merged["id"] == survivor["id"]
    assert merged["name"] == "Syrian Army"
    assert merged["aliases"] == ["SAA", "Syrian Arab Army", "Assad's army"]
    assert client.get(f"/actors/{survivor['id']}").get_json() == merged

    def linked(event):
        return client.get(f"/events/{event['id']}").get_json()["actors"]

    assert linked(only_dup) == [{"actor_id": survivor["id"], "role": "initiator"}]
    assert linked(shared) == [
        {"actor_id": survivor["id"], "role": "initiator"},
        {"actor_id": rebels["id"], "role": "target"},
    ]
    assert linked(other_role) == [
        {"actor_id": survivor["id"], "role": "target"},
        {"actor_id": survivor["id"], "role": "initiator"},
    ]
    assert _event_ids(client, f"/actors/{survivor['id']}/events") == sorted(
        e["id"] for e in (only_dup, shared, other_role, only_survivor)
    )
    assert client.get("/actors/?name=Assad's army").get_json() == [merged]

    response = client.get(f"/actors/{duplicate['id']}")
    assert response.status_code == 308
    assert response.headers["Location"] == f"/actors/{survivor['id']}"
    assert str(survivor["id"]) in response.get_json()["detail"]
    response = client.get(f"/actors/{duplicate['id']}/events")
    assert response.status_code == 308
    assert response.headers["Location"] == f"/actors/{survivor['id']}/events"
    assert client.get(
        f"/actors/{duplicate['id']}", follow_redirects=True
    ).get_json() == (merged)

    revisions = history(client, "actor", duplicate["id"])
    assert [r["action"] for r in revisions] == ["create", "merge"]
    assert revisions[-1]["merged_into"] == survivor["id"]
    assert (revisions[-1]["by"], revisions[-1]["data"]) == ("editor", None)
    assert history(client, "actor", survivor["id"])[-1]["changes"]["aliases"] == [
        ["SAA"],
        ["SAA", "Syrian Arab Army", "Assad's army"],
    ]

    feed = read_feed(client, after=cursor)
    assert {(c["record_type"], c["record_id"], c["action"]) for c in feed} == {
        ("event", only_dup["id"], "update"),
        ("event", shared["id"], "update"),
        ("event", other_role["id"], "update"),
        ("actor", survivor["id"], "update"),
        ("actor", duplicate["id"], "merge"),
    }
    assert feed[-1] == revisions[-1]
    assert all(c["by"] == "editor" for c in feed)


def test_a_merged_actors_redirect_keeps_the_query(client, make_actor, make_event):
    survivor, duplicate = make_actor(name="A"), make_actor(name="B")
    make_event(actors=[{"actor_id": duplicate["id"], "role": "target"}])
    response = client.post(
        f"/actors/{duplicate['id']}/merge", json={"into": survivor["id"]}
    )
    assert response.status_code == 200

    response = client.get(f"/actors/{duplicate['id']}/events?date_from=2020-03-01")
    assert response.status_code == 308
    # A 308 repeats the request elsewhere; dropping the filter changes its answer.
    assert response.headers["Location"] == (
        f"/actors/{survivor['id']}/events?date_from=2020-03-01"
    )


def test_merging_into_itself_a_missing_or_merged_actor_is_refused(client, make_actor):
    actor, other, third = make_actor(name="A"), make_actor(name="B"), make_actor()
    response = client.post(f"/actors/{actor['id']}/merge", json={"into": actor["id"]})
    assert response.status_code == 422
    assert "into" in response.get_json()["errors"]["json"]

    response = client.post(f"/actors/{actor['id']}/merge", json={"into": 4242})
    assert response.status_code == 404
    response = client.post("/actors/4242/merge", json={"into": actor["id"]})
    assert response.status_code == 404
    for body in ({}, {"into": "B"}, {"into": other["id"], "also": 1}):
        response = client.post(f"/actors/{actor['id']}/merge", json=body)
        assert response.status_code == 422, body
    assert [r["action"] for r in history(client, "actor", actor["id"])] == ["create"]

    response = client.post(f"/actors/{other['id']}/merge", json={"into": third["id"]})
    assert response.status_code == 200
    # `other` is gone: merging into it must fail cleanly, not with a 500.
    response = client.post(f"/actors/{actor['id']}/merge", json={"into": other["id"]})
    assert response.status_code in (404, 422), response.get_json()
    assert client.get(f"/actors/{actor['id']}").status_code == 200


def test_a_merged_actors_id_is_not_given_to_a_new_actor(client, make_actor):
    survivor, duplicate = make_actor(name="A"), make_actor(name="B")
    response = client.post(
        f"/actors/{duplicate['id']}/merge", json={"into": survivor["id"]}
    )
    assert response.status_code == 200
    fresh = make_actor(name="C")
    assert fresh["id"] != duplicate["id"]
    response = client.get(f"/actors/{duplicate['id']}")
    assert response.status_code == 308


def test_merging_a_duplicate_place(client, make_location, make_event, make_article):
    syria = make_location(name="Syria", kind="country")
    survivor = make_location(name="Idlib Governorate", kind="admin1")
    duplicate = make_location(name="Idleb", kind="admin1", parent_id=syria["id"])
    city = make_location(name="Idlib", parent_id=duplicate["id"])
    town = make_location(name="Saraqib", parent_id=city["id"])
    at_dup = make_event(location_id=duplicate["id"])
    in_city = make_event(location_id=city["id"])
    in_town = make_event(location_id=town["id"])
    article = make_article(dateline_location_id=duplicate["id"])

    response = client.post(
        f"/locations/{duplicate['id']}/merge", json={"into": survivor["id"]}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == client.get(f"/locations/{survivor['id']}").get_json()

    event = client.get(f"/events/{at_dup['id']}").get_json()
    assert event["location_id"] == survivor["id"]
    dateline = client.get(f"/articles/{article['id']}").get_json()
    assert dateline["dateline_location_id"] == survivor["id"]
    children = client.get(f"/locations/{survivor['id']}/children").get_json()
    assert [c["id"] for c in children] == [city["id"]]
    ancestors = client.get(f"/locations/{town['id']}/ancestors").get_json()
    assert [a["id"] for a in ancestors] == [city["id"], survivor["id"]]
    everything = sorted(e["id"] for e in (at_dup, in_city, in_town))
    assert _event_ids(client, f"/events/?location={survivor['id']}") == everything
    assert _event_ids(client, f"/locations/{survivor['id']}/events") == everything
    assert _event_ids(client, f"/events/?location={syria['id']}") == []

    response = client.get(f"/locations/{duplicate['id']}")
    assert response.status_code == 308
    assert response.headers["Location"] == f"/locations/{survivor['id']}"
    response = client.get(f"/locations/{duplicate['id']}/events")
    assert response.status_code == 308
    assert response.headers["Location"] == f"/locations/{survivor['id']}/events"
    revisions = history(client, "location", duplicate["id"])
    assert [r["action"] for r in revisions] == ["create", "merge"]
    assert revisions[-1]["merged_into"] == survivor["id"]
    for kind, record, field in (
        ("event", at_dup, "location_id"),
        ("article", article, "dateline_location_id"),
        ("location", city, "parent_id"),
    ):
        update = history(client, kind, record["id"])[-1]
        assert update["action"] == "update"
        assert update["changes"][field] == [duplicate["id"], survivor["id"]]
    assert len(history(client, "event", in_city["id"])) == 1


def test_a_place_cannot_merge_into_itself_or_a_place_inside_it(client, make_location):
    governorate = make_location(name="Idlib Governorate", kind="admin1")
    city = make_location(name="Idlib", parent_id=governorate["id"])
    town = make_location(name="Saraqib", parent_id=city["id"])
    for into in (governorate["id"], city["id"], town["id"]):
        response = client.post(
            f"/locations/{governorate['id']}/merge", json={"into": into}
        )
        assert response.status_code == 422, into
        assert "into" in response.get_json()["errors"]["json"]
    response = client.post(f"/locations/{city['id']}/merge", json={"into": 4242})
    assert response.status_code == 404
    for place in (governorate, city, town):
        assert len(history(client, "location", place["id"])) == 1
    assert client.get(f"/locations/{town['id']}").get_json()["parent_id"] == city["id"]

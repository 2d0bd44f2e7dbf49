"""History: every create, update and delete of a record, by whom, and what it was."""

import pytest

from tests.integrity.helpers import PATHS, as_in_data, history

BOOKKEEPING = {"updated_at", "updated_by"}


def _event_bodies(client):
    response = client.post("/actors/", json={"name": "Syrian Army", "kind": "military"})
    assert response.status_code == 201
    actors = [{"actor_id": response.get_json()["id"], "role": "initiator"}]
    base = {"event_code": "190", "date_start": "2020-02-27", "actors": actors}
    return (
        {**base, "fatalities": 33},
        ({"fatalities": 34}, "fatalities", 33, 34),
        ({**base, "fatalities": 34, "summary": "Strikes on Saraqib."}, "summary")
        + (None, "Strikes on Saraqib."),
    )


def _actor_bodies(_client):
    base = {"kind": "person", "country": "TUR"}
    return (
        {**base, "name": "Erdogan"},
        ({"aliases": ["Tayyip"]}, "aliases", [], ["Tayyip"]),
        ({**base, "name": "Recep Tayyip Erdoğan", "aliases": ["Tayyip"]}, "name")
        + ("Erdogan", "Recep Tayyip Erdoğan"),
    )


def _location_bodies(_client):
    base = {"kind": "city", "country": "SYR", "latitude": 35.82, "longitude": 36.72}
    return (
        {**base, "name": "Saraqeb"},
        ({"name": "Saraqib"}, "name", "Saraqeb", "Saraqib"),
        ({**base, "name": "Saraqib", "latitude": 35.8623}, "latitude", 35.82, 35.8623),
    )


def _article_bodies(_client):
    base = {
        "url": "https://news.example.org/saraqib",
        "language": "en",
        "published_at": "2020-02-28T08:00:00+00:00",
    }
    return (
        {**base, "title": "Strikes on Saraqib"},
        ({"title": "Strikes hit Saraqib"}, "title")
        + ("Strikes on Saraqib", "Strikes hit Saraqib"),
        ({**base, "title": "Strikes hit Saraqib", "outlet": "Reuters"}, "outlet")
        + (None, "Reuters"),
    )


BODIES = {
    "event": _event_bodies,
    "actor": _actor_bodies,
    "location": _location_bodies,
    "article": _article_bodies,
}


def _check_change(revision, field, old, new, by_before, by):
    changes = revision["changes"]
    assert set(changes) - BOOKKEEPING == {field}, changes
    assert changes[field] == [old, new]
    assert changes["updated_at"][0] != changes["updated_at"][1]
    if by_before != by:
        assert changes["updated_by"] == [by_before, by]


@pytest.mark.parametrize("kind", list(BODIES))
def test_history_of_a_lifecycle(client, editor, kind):
    created, (patch, *patched), (put, *replaced) = BODIES[kind](client)
    path = PATHS[kind]

    response = client.post(f"{path}/", json=created)
    assert response.status_code == 201
    url = f"{path}/{response.get_json()['id']}"
    seen = [client.get(url).get_json()]
    response = editor.patch(url, json=patch)
    assert response.status_code == 200, response.get_json()
    seen.append(client.get(url).get_json())
    response = client.put(url, json=put)
    assert response.status_code == 200, response.get_json()
    seen.append(client.get(url).get_json())
    response = editor.delete(url)
    assert response.status_code == 204

    revisions = history(client, kind, seen[0]["id"])
    assert [r["action"] for r in revisions] == ["create", "update", "update", "delete"]
    assert [r["by"] for r in revisions] == ["test-admin", "editor", "test-admin"] + [
        "editor"
    ]
    assert [r["id"] for r in revisions] == sorted(r["id"] for r in revisions)
    assert [r["at"] for r in revisions] == sorted(r["at"] for r in revisions)
    for revision in revisions:
        assert (revision["record_type"], revision["record_id"]) == (kind, seen[0]["id"])
        assert revision["cursor"] == str(revision["id"])
        assert revision["merged_into"] is None
    for revision, record in zip(revisions, seen, strict=False):
        assert as_in_data(record, revision["data"]) == record
    assert revisions[0]["changes"][patched[0]][0] is None
    assert revisions[0]["changes"]["id"] == [None, seen[0]["id"]]
    _check_change(revisions[1], *patched, "test-admin", "editor")
    _check_change(revisions[2], *replaced, "editor", "test-admin")
    assert revisions[3]["data"] is None
    assert revisions[3]["changes"]["id"] == [seen[0]["id"], None]


@pytest.mark.parametrize("kind", list(PATHS))
def test_history_of_a_record_that_never_existed(client, kind):
    response = client.get(f"{PATHS[kind]}/4242/history")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert "4242" in response.get_json()["detail"]


def test_a_deleted_record_is_gone_but_its_history_answers(client, make_event):
    event = make_event(fatalities=3)
    url = f"/events/{event['id']}"
    assert client.delete(url).status_code == 204

    response = client.get(url)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    detail = response.get_json()["detail"]
    assert "deleted" in detail
    assert f"{url}/history" in detail
    for method in (client.patch, client.put):
        response = method(url, json={"event_code": "190", "date_start": "2020-01-01"})
        assert response.status_code == 404
        assert "deleted" in response.get_json()["detail"]
    assert client.delete(url).status_code == 404

    revisions = history(client, "event", event["id"])
    assert [r["action"] for r in revisions] == ["create", "delete"]
    assert as_in_data(event, revisions[0]["data"]) == event


def test_a_deleted_records_sub_resource_points_to_its_history(client, make_actor):
    actor = make_actor()
    assert client.delete(f"/actors/{actor['id']}").status_code == 204

    response = client.get(f"/actors/{actor['id']}/events")
    assert response.status_code == 404
    detail = response.get_json()["detail"]
    assert "deleted" in detail
    # The history lives at /actors/<id>/history, not under /events.
    assert f"/actors/{actor['id']}/history" in detail
    assert "/events/history" not in detail


@pytest.mark.parametrize("kind", list(PATHS))
def test_a_new_record_never_takes_a_deleted_ones_id(client, kind):
    created = BODIES[kind](client)[0]
    path = PATHS[kind]
    response = client.post(f"{path}/", json=created)
    assert response.status_code == 201
    gone = response.get_json()["id"]
    assert client.delete(f"{path}/{gone}").status_code == 204
    if kind == "article":
        created = {**created, "url": "https://news.example.org/another"}

    response = client.post(f"{path}/", json=created)
    assert response.status_code == 201
    fresh = response.get_json()["id"]
    # Reusing the id would give the new record the old one's history and
    # tell mirrors the deleted record came back.
    assert fresh != gone
    assert [r["action"] for r in history(client, kind, fresh)] == ["create"]
    assert [r["action"] for r in history(client, kind, gone)] == ["create", "delete"]


def test_a_creation_read_before_a_change_commits_keeps_the_first_state(
    app, client, make_event
):
    # A feed page read just before a change commits, filled in after it: the
    # creation is what was created, not the record as the change left it.
    from api.models import Revision
    from api.services import history as history_service

    event = make_event(fatalities=3)
    with app.app_context():
        read = list(Revision.select().where(Revision.record_id == event["id"]))
    assert [(r.action, r.data) for r in read] == [("create", None)]
    response = client.patch(f"/events/{event['id']}", json={"fatalities": 40})
    assert response.status_code == 200

    with app.app_context():
        (creation,) = history_service.with_data(read)
    assert creation.data["fatalities"] == 3
    assert as_in_data(event, creation.data) == event

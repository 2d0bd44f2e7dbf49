"""Idempotency-Key: a retried POST gets the first answer, and writes nothing twice."""

import pytest

from tests.conftest import issue_key
from tests.integrity.helpers import read_feed

EVENT = {"event_code": "190", "date_start": "2020-02-27", "fatalities": 4}


def _post(client, path, body, key):
    return client.post(path, json=body, headers={"Idempotency-Key": key})


def _count(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return len(response.get_json())


def test_a_retry_gets_the_first_answer(client):
    first = _post(client, "/events/", EVENT, "retry-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    feed = read_feed(client)

    again = _post(client, "/events/", EVENT, "retry-1")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Location"] == first.headers["Location"]
    assert first.headers["Location"] == f"/events/{first.get_json()['id']}"
    assert again.content_type == first.content_type
    assert _count(client, "/events/") == 1
    assert read_feed(client) == feed


def test_a_retry_may_spell_the_path_with_or_without_its_slash(client):
    first = _post(client, "/events/", EVENT, "retry-slash")
    again = _post(client, "/events", EVENT, "retry-slash")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()


def test_the_same_key_with_another_request_is_refused(client):
    assert _post(client, "/events/", EVENT, "retry-2").status_code == 201
    for path, body in (
        ("/events/", {**EVENT, "fatalities": 5}),
        ("/events/?dry_run=1", EVENT),
        ("/actors/", {"name": "HTS", "kind": "armed_group"}),
    ):
        response = _post(client, path, body, "retry-2")
        assert response.status_code == 422, path
        assert response.content_type == "application/problem+json"
        assert "Idempotency-Key" in response.get_json()["errors"]["headers"]
    assert _count(client, "/events/") == 1
    assert _count(client, "/actors/") == 0


def test_keys_belong_to_the_api_key_that_sent_them(app, client, editor):
    first = _post(client, "/events/", EVENT, "shared-name")
    second = _post(editor, "/events/", EVENT, "shared-name")
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second.headers
    assert second.get_json()["id"] != first.get_json()["id"]
    # Another body under the same name is fine too: it is another owner's key.
    third = issue_key(app, "third", ["write"])
    response = client.post(
        "/events/",
        json={**EVENT, "fatalities": 9},
        headers={"Idempotency-Key": "shared-name", "Authorization": f"Bearer {third}"},
    )
    assert response.status_code == 201
    assert _count(client, "/events/") == 3

    replay = _post(editor, "/events/", EVENT, "shared-name")
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == second.get_json()


def test_a_refused_first_request_is_replayed_as_refused(client, make_location):
    bad = {**EVENT, "event_code": "9999"}
    first = _post(client, "/events/", bad, "retry-3")
    assert first.status_code == 422
    assert "event_code" in first.get_json()["errors"]["json"]

    again = _post(client, "/events/", bad, "retry-3")
    assert again.status_code == 422
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert again.content_type == "application/problem+json"
    assert _count(client, "/events/") == 0


@pytest.mark.parametrize("key", ["", " ", "k" * 256, "k" * 300, "clé-1", "a b"])
def test_an_invalid_key_is_refused(client, key):
    response = _post(client, "/events/", EVENT, key)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "Idempotency-Key" in response.get_json()["errors"]["headers"]
    assert _count(client, "/events/") == 0


def test_the_longest_key_is_accepted(client):
    key = "~" * 255
    assert _post(client, "/events/", EVENT, key).status_code == 201
    assert _post(client, "/events/", EVENT, key).headers["Idempotent-Replayed"] == (
        "true"
    )
    assert _count(client, "/events/") == 1


def test_without_a_key_each_post_writes(client):
    first = client.post("/events/", json=EVENT)
    second = client.post("/events/", json=EVENT)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["id"] != second.get_json()["id"]
    assert "Idempotent-Replayed" not in second.headers
    assert _count(client, "/events/") == 2


def test_a_batch_is_replayed_too(client):
    batch = {
        "events": [
            {**EVENT, "summary": "One."},
            {
                **EVENT,
                "summary": "Two.",
                "actors": [{"role": "target", "actor": {"name": "Civilians"}}],
            },
        ]
    }
    first = _post(client, "/events/batch", batch, "batch-1")
    assert first.status_code == 200
    assert first.get_json()["created"] == 2
    feed = read_feed(client)

    again = _post(client, "/events/batch", batch, "batch-1")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert _count(client, "/events/") == 2
    assert _count(client, "/actors/") == 1
    assert read_feed(client) == feed

    response = _post(
        client, "/events/batch", {"events": batch["events"][:1]}, "batch-1"
    )
    assert response.status_code == 422


def test_other_methods_ignore_the_header(client, make_event):
    event = make_event()
    url = f"/events/{event['id']}"
    for fatalities in (1, 2):
        response = client.patch(
            url, json={"fatalities": fatalities}, headers={"Idempotency-Key": "p-1"}
        )
        assert response.status_code == 200
        assert "Idempotent-Replayed" not in response.headers
    assert client.get(url).get_json()["fatalities"] == 2

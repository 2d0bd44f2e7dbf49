"""Conditional requests: ETags on every read, If-Match guarding every write."""

import pytest

from tests.integrity.helpers import PATHS, SAMPLES, history, read_feed

KINDS = list(PATHS)


def _create(client, kind):
    response = client.post(f"{PATHS[kind]}/", json=SAMPLES[kind][0])
    assert response.status_code == 201, response.get_json()
    return f"{PATHS[kind]}/{response.get_json()['id']}", response.headers["ETag"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_read_has_an_etag_that_answers_304(client, kind):
    url, etag = _create(client, kind)
    for path in (url, f"{PATHS[kind]}/", f"{url}/history", "/changes/?after=0"):
        response = client.get(path)
        assert response.status_code == 200, path
        tag = response.headers.get("ETag")
        assert tag, path
        response = client.get(path, headers={"If-None-Match": tag})
        assert response.status_code == 304, path
        assert response.data == b""
        response = client.get(path, headers={"If-None-Match": '"stale"'})
        assert response.status_code == 200, path
    assert client.get(url).headers["ETag"] == etag


@pytest.mark.parametrize("kind", KINDS)
def test_an_etag_changes_with_the_record(client, kind):
    url, etag = _create(client, kind)
    listed = client.get(f"{PATHS[kind]}/").headers["ETag"]
    assert client.patch(url, json=SAMPLES[kind][1]).status_code == 200
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    response = client.get(f"{PATHS[kind]}/", headers={"If-None-Match": listed})
    assert response.status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_a_stale_if_match_changes_nothing(client, editor, kind):
    created, change = SAMPLES[kind]
    url, stale = _create(client, kind)
    response = editor.patch(url, json=change, headers={"If-Match": stale})
    assert response.status_code == 200
    current = client.get(url).get_json()
    revisions, feed = history(client, kind, current["id"]), read_feed(client)

    for method, body in (
        (client.put, {**created, **change}),
        (client.patch, change),
        (client.delete, None),
    ):
        response = method(url, json=body, headers={"If-Match": stale})
        assert response.status_code == 412, method
        assert response.content_type == "application/problem+json"
    assert client.get(url).get_json() == current
    assert history(client, kind, current["id"]) == revisions
    assert read_feed(client) == feed


@pytest.mark.parametrize("kind", KINDS)
def test_a_current_if_match_writes(client, kind):
    url, etag = _create(client, kind)
    response = client.patch(url, json=SAMPLES[kind][1], headers={"If-Match": etag})
    assert response.status_code == 200
    fresh = response.headers["ETag"]
    assert fresh != etag
    assert client.get(url).headers["ETag"] == fresh
    assert client.delete(url, headers={"If-Match": fresh}).status_code == 204
    record_id = int(url.rsplit("/", 1)[1])
    actions = [r["action"] for r in history(client, kind, record_id)]
    assert actions == ["create", "update", "delete"]


@pytest.fixture
def strict(app):
    app.config["DATELINE_REQUIRE_IF_MATCH"] = True
    return app


@pytest.mark.parametrize("kind", KINDS)
def test_if_match_can_be_required(strict, client, kind):
    created, change = SAMPLES[kind]
    url, etag = _create(client, kind)
    record_id = int(url.rsplit("/", 1)[1])
    for method, body in (
        (client.patch, change),
        (client.put, {**created, **change}),
        (client.delete, None),
    ):
        response = method(url, json=body)
        assert response.status_code == 428, method
        assert response.content_type == "application/problem+json"
    assert len(history(client, kind, record_id)) == 1

    response = client.patch(url, json=change, headers={"If-Match": '"stale"'})
    assert response.status_code == 412
    response = client.patch(url, json=change, headers={"If-Match": etag})
    assert response.status_code == 200
    assert [r["action"] for r in history(client, kind, record_id)] == [
        "create",
        "update",
    ]
    # Creating needs no If-Match: there is nothing to match yet.
    if kind == "article":
        created = {**created, "url": "https://news.example.org/2"}
    assert client.post(f"{PATHS[kind]}/", json=created).status_code == 201

"""Who changed what is for key holders: the feed, histories and import jobs."""

import pytest

from api.models import ImportJob
from tests.conftest import issue_key

REALM = 'Bearer realm="dateline"'
HISTORIES = ("/events", "/actors", "/articles", "/locations")


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def private_paths(app, client, make_location, make_actor, make_article, make_event):
    """A path of each private read, with a record (and a job) behind it."""
    ids = {
        "/locations": make_location()["id"],
        "/actors": make_actor()["id"],
        "/articles": make_article()["id"],
        "/events": make_event()["id"],
    }
    with app.extensions["dateline_db"].connection_context():
        job = ImportJob.create(
            format="acled", filename="acled_2020.csv", on_error="abort"
        )
    return [
        "/changes",
        *(f"{path}/{ids[path]}/history" for path in HISTORIES),
        "/imports",
        f"/imports/{job.id}",
    ]


def test_anonymous_readers_are_asked_for_a_key(anonymous, private_paths):
    for path in private_paths:
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == REALM, path
        assert response.content_type == "application/problem+json", path
        body = response.get_json()
        assert body["status"] == 401
        assert "API key" in body["detail"]
        assert "acled_2020.csv" not in response.get_data(as_text=True)


@pytest.mark.parametrize("scope", ["read", "write", "admin"])
def test_a_key_of_any_scope_reads_them(app, anonymous, private_paths, scope):
    key = issue_key(app, f"{scope}-key", [scope])
    for path in private_paths:
        response = anonymous.get(path, headers=bearer(key))
        assert response.status_code == 200, (path, response.get_json())
    jobs = anonymous.get("/imports", headers=bearer(key)).get_json()
    assert [job["filename"] for job in jobs] == ["acled_2020.csv"]
    feed = anonymous.get("/changes", headers=bearer(key)).get_json()
    assert {change["by"] for change in feed} == {"test-admin"}


def test_records_stay_open_to_anonymous_readers(anonymous, make_event):
    event = make_event()
    response = anonymous.get(f"/events/{event['id']}")
    assert response.status_code == 200
    assert response.get_json() == event
    assert anonymous.get("/events/").status_code == 200


def test_a_bad_key_is_refused_on_them(anonymous, private_paths):
    response = anonymous.get(private_paths[0], headers=bearer("dl_nope"))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def _operation(spec: dict, path: str, method: str = "get") -> dict:
    return spec["paths"][path][method]


def test_the_openapi_document_says_they_need_a_key(anonymous):
    spec = anonymous.get("/openapi.json").get_json()
    private = [
        "/changes",
        "/imports",
        "/imports/{import_id}",
        "/events/{event_id}/history",
        "/actors/{actor_id}/history",
        "/articles/{article_id}/history",
        "/locations/{location_id}/history",
    ]
    for path in private:
        operation = _operation(spec, path)
        assert operation["security"] == [{"bearerAuth": []}], path
        assert "401" in operation["responses"], path
    # Records themselves may still be read without one: they state no
    # requirement, and take the document's (no key, or one).
    assert "security" not in _operation(spec, "/events/{event_id}")
    assert spec["security"] == [{}, {"bearerAuth": []}]

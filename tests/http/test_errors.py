"""Errors the whole service shares: routes, methods, media types, sizes, crashes."""

import pytest

from api import create_app


@pytest.fixture
def sqlite_app(tmp_path):
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/e.db"})


def test_unknown_route_is_a_problem(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 404 and body["title"] == "Not Found"
    assert body["instance"] == "/nowhere"


def test_wrong_method_lists_the_allowed_ones(client):
    response = client.delete("/events/")
    assert response.status_code == 405
    assert response.content_type == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_query_parameters_are_checked_on_every_endpoint(client, make_actor):
    actor = make_actor()
    response = client.get(f"/actors/{actor['id']}?expand=all")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "query": {"expand": ["Unknown parameter."]}
    }


def test_a_body_that_is_not_json_is_refused(client):
    response = client.post("/actors/", data="name=NATO", content_type="text/plain")
    assert response.status_code == 415
    assert response.content_type == "application/problem+json"
    assert client.get("/actors/").get_json() == []


@pytest.mark.parametrize("body", ["{", "[1, 2", "null", "[]", '"NATO"'])
def test_malformed_or_non_object_json_is_a_client_error(client, body):
    response = client.post("/actors/", data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    problem = response.get_json()
    assert problem["status"] == response.status_code
    assert "json" in problem["errors"]


def test_too_large_a_body_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/actors/", json={"name": "x" * 2000, "kind": "person"})
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"


def test_a_crash_is_a_500_problem_without_internals(sqlite_app):
    @sqlite_app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    sqlite_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = sqlite_app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert "secret" not in response.get_data(as_text=True)


def test_a_request_target_past_the_limit_is_a_problem(client):
    ids = "&".join(f"location_id={i}" for i in range(1000, 1700))
    response = client.get(f"/events/?{ids}")
    assert response.status_code == 414
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"].startswith(
        "The request target is longer than 8190 bytes"
    )
    fewer = "&".join(f"location_id={i}" for i in range(1000, 1300))
    assert client.get(f"/events/?{fewer}").status_code == 200

"""What a load balancer sees: /health while the process runs, /ready while it serves."""

import pytest

import peewee as pw

from tests.conftest import issue_key
from tests.helpers import assert_degraded_by_redis
from tests.http.conftest import REDIS_URL

# Nothing listens on port 1: connections are refused at once.
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"
ACTOR = {"name": "NATO", "kind": "international_organisation"}


def refuse_connections(app, monkeypatch):
    """The app's database refusing every new connection, as in an outage."""
    database = app.extensions["dateline_db"]
    database.close_all()

    def refused():
        raise pw.OperationalError("connection refused")

    monkeypatch.setattr(database, "_connect", refused)


def test_redis_down_is_degraded_while_the_api_serves(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REDIS_URL=DEAD_REDIS_URL)
    writer = issue_key(app, "writer", ["write"])
    client = app.test_client()

    response = client.post(
        "/actors/", json=ACTOR, headers={"Authorization": f"Bearer {writer}"}
    )
    assert response.status_code == 201
    response = client.get("/actors/")
    assert response.status_code == 200
    assert [a["name"] for a in response.get_json()] == ["NATO"]
    # Still limited, by the in-memory fallback.
    assert "X-RateLimit-Remaining" in response.headers

    assert_degraded_by_redis(client.get("/ready"), "unreachable: ConnectionError")


@pytest.mark.usefixtures("redis_client")
def test_ready_with_redis_reachable(make_app):
    response = make_app(REDIS_URL=REDIS_URL).test_client().get("/ready")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "redis": "ok"},
    }


def test_database_down_is_not_ready_but_alive(app, monkeypatch):
    refuse_connections(app, monkeypatch)
    client = app.test_client()

    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}

    response = client.get("/ready")
    assert response.status_code == 503
    assert response.content_type == "application/json"
    body = response.get_json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == "unreachable: OperationalError"
    assert body["checks"]["migrations"] == "unknown"


def test_database_down_and_redis_down_is_not_ready(make_app, monkeypatch):
    app = make_app(REDIS_URL=DEAD_REDIS_URL)
    refuse_connections(app, monkeypatch)
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    assert response.get_json()["status"] == "not ready"


def test_the_document_describes_ready_degraded_and_503(anonymous):
    spec = anonymous.get("/openapi.json").get_json()
    responses = spec["paths"]["/ready"]["get"]["responses"]
    assert set(responses) >= {"200", "503"}
    schema = spec["components"]["schemas"]["Readiness"]
    assert schema["properties"]["status"]["enum"] == ["ready", "degraded", "not ready"]
    examples = responses["200"]["content"]["application/json"]["examples"]
    assert {e["value"]["status"] for e in examples.values()} == {"ready", "degraded"}
    example = responses["503"]["content"]["application/json"]["example"]
    assert example["status"] == "not ready"

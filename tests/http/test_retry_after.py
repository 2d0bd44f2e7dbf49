"""Retry-After as each answer means it: the handler's wait, the limiter's on 429."""

import uuid

import pytest

import peewee as pw

from api.db import is_sqlite
from api.services import actors, idempotency
from tests.conftest import issue_key

ACTOR = {"name": "NATO", "kind": "international_organisation"}


@pytest.fixture
def limited_app(make_app):
    """An app on the test database with rate-limit headers on every answer."""
    return make_app(
        RATELIMIT_ENABLED=True,
        DATELINE_RATE_LIMIT="3/minute",
        RATELIMIT_KEY_PREFIX=f"dateline-test-{uuid.uuid4().hex}",
        REDIS_URL=None,
    )


def busy_error() -> pw.OperationalError:
    """What each database says when a lock is held too long."""
    if is_sqlite():
        return pw.OperationalError("database is locked")
    return pw.OperationalError("canceling statement due to lock timeout")


def test_a_busy_database_answers_retry_after_one_second(limited_app, monkeypatch):
    writer = issue_key(limited_app, "writer", ["write"])
    client = limited_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {writer}"

    def locked(_data):
        raise busy_error()

    monkeypatch.setattr(actors, "create_actor", locked)
    for remaining in ("2", "1", "0"):
        response = client.post("/actors/", json=ACTOR)
        assert response.status_code == 503
        assert response.content_type == "application/problem+json"
        assert response.headers["Retry-After"] == "1"
        assert response.headers["X-RateLimit-Limit"] == "3"
        assert response.headers["X-RateLimit-Remaining"] == remaining

    # Out of budget, the limiter's wait is the one that counts.
    response = client.post("/actors/", json=ACTOR)
    assert response.status_code == 429
    assert 1 < int(response.headers["Retry-After"]) <= 60


def test_a_retry_while_the_first_runs_answers_retry_after(limited_app, monkeypatch):
    writer = issue_key(limited_app, "writer", ["write"])
    client = limited_app.test_client()

    def running(*_args):
        raise idempotency.InProgress()

    monkeypatch.setattr(idempotency, "claim", running)
    response = client.post(
        "/actors/",
        json=ACTOR,
        headers={"Authorization": f"Bearer {writer}", "Idempotency-Key": "k-1"},
    )
    assert response.status_code == 409
    assert response.headers["Retry-After"] == "1"
    assert response.headers["X-RateLimit-Remaining"] == "2"


def test_an_answer_that_asks_no_wait_carries_no_retry_after(limited_app):
    response = limited_app.test_client().get("/events/")
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "2"
    assert "Retry-After" not in response.headers

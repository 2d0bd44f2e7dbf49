"""Limits as clients meet them: request rates (in memory and in Redis), sizes, pages."""

import uuid

import pytest

import redis

from api import create_app, migrate
from api.http.problems import RATE_LIMIT_HEADERS
from tests.conftest import issue_key
from tests.http.conftest import REDIS_URL


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def make_app(tmp_path):
    """Apps on one SQLite file, rate limited at 3/minute unless told otherwise.

    Each app counts under a prefix of its own, so runs never share counters.
    """
    made = []

    def make(**config):
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{tmp_path}/limits.db",
                "DATELINE_RATE_LIMIT": "3/minute",
                "RATELIMIT_KEY_PREFIX": f"dateline-test-{uuid.uuid4().hex}",
                # Memory unless the test names a Redis, whatever the environment.
                "REDIS_URL": None,
                **config,
            }
        )
        migrate.upgrade(app.extensions["dateline_db"])
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["dateline_db"].close_all()
        if app.config["REDIS_URL"]:
            client = redis.Redis.from_url(app.config["REDIS_URL"])
            prefix = app.config["RATELIMIT_KEY_PREFIX"]
            for name in client.scan_iter(match=f"*{prefix}*"):
                client.delete(name)
            client.close()


@pytest.fixture(params=["memory", "redis"])
def storage(request):
    """The settings that choose where counts are kept, and Redis when it is there."""
    if request.param == "memory":
        return {}, None
    return {"REDIS_URL": REDIS_URL}, request.getfixturevalue("redis_client")


@pytest.fixture
def limited_app(make_app, storage):
    return make_app(**storage[0])


def counted_in_redis(client, app) -> list[bytes]:
    return list(client.scan_iter(match=f"*{app.config['RATELIMIT_KEY_PREFIX']}*"))


def test_the_fourth_request_in_a_minute_is_429(limited_app, storage):
    client = limited_app.test_client()
    for remaining in ("2", "1", "0"):
        response = client.get("/events/")
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "3"
        assert response.headers["X-RateLimit-Remaining"] == remaining

    response = client.get("/events/")
    assert response.status_code == 429
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.headers["X-RateLimit-Limit"] == "3"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    # Every header the document promises with a 429 comes, as an integer.
    for name in RATE_LIMIT_HEADERS:
        assert int(response.headers[name]) >= 0, name

    redis_client = storage[1]
    if redis_client is not None:
        assert counted_in_redis(redis_client, limited_app)


def test_one_budget_covers_every_endpoint(limited_app):
    # DATELINE_RATE_LIMIT is per client, not per client and endpoint: three
    # different lists spend the budget that a fourth then lacks.
    client = limited_app.test_client()
    for path in ("/events/", "/actors/", "/locations/"):
        assert client.get(path).status_code == 200, path
    response = client.get("/articles/")
    assert response.status_code == 429
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_each_key_has_its_own_budget(limited_app):
    alice = issue_key(limited_app, "alice", ["read"])
    bob = issue_key(limited_app, "bob", ["read"])
    client = limited_app.test_client()

    for _ in range(3):
        assert client.get("/events/", headers=bearer(alice)).status_code == 200
    assert client.get("/events/", headers=bearer(alice)).status_code == 429

    response = client.get("/events/", headers=bearer(bob))
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "2"
    response = client.get("/events/")
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "2"


def test_health_and_ready_are_never_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(10):
        assert client.get("/health").status_code == 200
        assert client.get("/ready").status_code == 200

    response = client.get("/events/")
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "2"


def test_addresses_are_counted_apart_and_forwarded_for_is_not_believed(make_app):
    client = make_app().test_client()
    # Without trusted proxies, a client cannot reset its budget by inventing hops.
    for hop in range(3):
        response = client.get(
            "/events/",
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
            headers={"X-Forwarded-For": f"198.51.100.{hop}"},
        )
        assert response.status_code == 200
    response = client.get(
        "/events/",
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
        headers={"X-Forwarded-For": "198.51.100.99"},
    )
    assert response.status_code == 429

    response = client.get("/events/", environ_base={"REMOTE_ADDR": "203.0.113.8"})
    assert response.status_code == 200


def test_behind_a_trusted_proxy_clients_are_counted_apart(make_app):
    client = make_app(DATELINE_TRUSTED_PROXIES=1).test_client()
    for _ in range(3):
        response = client.get("/events/", headers={"X-Forwarded-For": "198.51.100.1"})
        assert response.status_code == 200
    response = client.get("/events/", headers={"X-Forwarded-For": "198.51.100.1"})
    assert response.status_code == 429

    response = client.get("/events/", headers={"X-Forwarded-For": "198.51.100.2"})
    assert response.status_code == 200


def test_workers_share_their_counts_through_redis(make_app, redis_client):
    first = make_app(REDIS_URL=REDIS_URL)
    prefix = first.config["RATELIMIT_KEY_PREFIX"]
    second = make_app(REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)

    assert first.test_client().get("/events/").status_code == 200
    assert second.test_client().get("/events/").status_code == 200
    assert first.test_client().get("/events/").status_code == 200
    response = second.test_client().get("/events/")
    assert response.status_code == 429
    assert counted_in_redis(redis_client, first)


def test_too_large_a_body_is_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    writer = issue_key(app, "writer", ["write"])
    client = app.test_client()

    response = client.post(
        "/actors/",
        json={"name": "x" * 2000, "kind": "person"},
        headers=bearer(writer),
    )
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 413
    assert client.get("/actors/").get_json() == []

    response = client.post(
        "/actors/", json={"name": "x" * 200, "kind": "person"}, headers=bearer(writer)
    )
    assert response.status_code == 201


def test_page_size_has_a_maximum(make_app):
    client = make_app().test_client()
    response = client.get("/events/?page_size=501")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "page_size" in response.get_json()["errors"]["query"]

    assert client.get("/events/?page_size=500").status_code == 200

"""Limits as clients meet them: request rates (in memory and in Redis), sizes, pages."""

import time
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


def test_a_revalidation_answered_304_spends_no_budget(limited_app):
    client = limited_app.test_client()
    first = client.get("/events/")
    assert first.headers["X-RateLimit-Remaining"] == "2"
    for _ in range(5):
        response = client.get(
            "/events/", headers={"If-None-Match": first.headers["ETag"]}
        )
        assert response.status_code == 304
        assert response.headers["X-RateLimit-Remaining"] == "2"
    assert client.get("/events/").headers["X-RateLimit-Remaining"] == "1"


def test_the_window_ends_on_the_clock_and_retry_after_points_there(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        client.get("/events/")
    before = time.time()
    response = client.get("/events/")
    assert response.status_code == 429
    reset = int(response.headers["X-RateLimit-Reset"])
    # Windows of a minute end on the minute, for every client alike.
    assert reset % 60 == 0
    assert before < reset <= before + 60
    assert (
        reset - before - 1 <= int(response.headers["Retry-After"]) <= reset - before + 1
    )


def test_counts_move_to_memory_while_redis_fails_and_back_after(
    make_app, redis_client, monkeypatch
):
    app = make_app(REDIS_URL=REDIS_URL)
    limiter = app.extensions["dateline_limiter"]
    client = app.test_client()
    assert client.get("/events/").headers["X-RateLimit-Remaining"] == "2"

    def refused(*args, **kwargs):
        raise redis.ConnectionError("Redis went away")

    with monkeypatch.context() as patch:
        patch.setattr(limiter.shared, "incr", refused)
        response = client.get("/events/")
        # Served, and still limited, by a count of its own in this process.
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Remaining"] == "2"

    # Redis is asked again only after a pause, then counts where it left off.
    assert client.get("/events/").headers["X-RateLimit-Remaining"] == "1"
    monkeypatch.setattr(limiter, "shared_back_at", 0.0)
    assert client.get("/events/").headers["X-RateLimit-Remaining"] == "1"
    assert client.get("/events/").headers["X-RateLimit-Remaining"] == "0"
    assert client.get("/events/").status_code == 429


def steady_clock(*apps) -> float:
    """Stop the limiters' clocks mid-window, so a test never sees the window end."""
    now = int(time.time() // 60) * 60 + 30.0
    for app in apps:
        app.extensions["dateline_limiter"].clock = lambda: now
    return now


def redis_count(client, app) -> int:
    (name,) = counted_in_redis(client, app)
    return int(client.get(name))


def test_a_busy_client_reserves_its_budget_in_batches(make_app, redis_client):
    # 1000 a minute: each worker reserves ten requests at a time in Redis.
    app = make_app(REDIS_URL=REDIS_URL, DATELINE_RATE_LIMIT="1000/minute")
    steady_clock(app)
    client = app.test_client()
    response = client.get("/events/")
    assert response.headers["X-RateLimit-Remaining"] == "999"
    assert redis_count(redis_client, app) == 10
    for _ in range(9):
        client.get("/events/")
    assert redis_count(redis_client, app) == 10
    response = client.get("/events/")
    assert response.headers["X-RateLimit-Remaining"] == "989"
    assert redis_count(redis_client, app) == 20


def two_workers(make_app, limit: str):
    """Two apps counting one budget in Redis, as two worker processes do."""
    first = make_app(REDIS_URL=REDIS_URL, DATELINE_RATE_LIMIT=limit)
    prefix = first.config["RATELIMIT_KEY_PREFIX"]
    second = make_app(
        REDIS_URL=REDIS_URL, DATELINE_RATE_LIMIT=limit, RATELIMIT_KEY_PREFIX=prefix
    )
    return first, second


def test_batches_never_let_workers_past_the_limit_together(make_app, redis_client):
    # 200 a minute, two requests a batch: two workers taking turns get exactly
    # the 200, and what a batch left unused was not lost to either.
    first, second = two_workers(make_app, "200/minute")
    steady_clock(first, second)
    clients = [first.test_client(), second.test_client()]
    statuses = [clients[n % 2].get("/events/").status_code for n in range(200)]
    assert statuses == [200] * 200
    assert clients[0].get("/events/").status_code == 429
    assert clients[1].get("/events/").status_code == 429


def test_what_other_workers_spent_shows_once_a_batch_is_stale(make_app, redis_client):
    first, second = two_workers(make_app, "1000/minute")
    mine, theirs = first.test_client(), second.test_client()
    now = steady_clock(first, second)
    assert mine.get("/events/").headers["X-RateLimit-Remaining"] == "999"
    for _ in range(50):
        theirs.get("/events/")
    # Within a second this worker answers from its batch, without asking.
    assert mine.get("/events/").headers["X-RateLimit-Remaining"] == "998"
    # A second on, it asks Redis again: 3 spent here and 50 there, and the 7
    # its batch still holds are its own, not spent.
    first.extensions["dateline_limiter"].clock = lambda: now + 1.5
    assert mine.get("/events/").headers["X-RateLimit-Remaining"] == "947"


def test_every_limit_of_several_holds(make_app, storage):
    # The README's syntax: several limits, each its own window.
    app = make_app(DATELINE_RATE_LIMIT="5/minute;2/hour", **storage[0])
    client = app.test_client()
    response = client.get("/events/")
    assert response.headers["X-RateLimit-Limit"] == "2"
    assert response.headers["X-RateLimit-Remaining"] == "1"
    assert client.get("/events/").status_code == 200
    response = client.get("/events/")
    assert response.status_code == 429
    assert "2 per 1 hour" in response.get_json()["detail"]
    assert response.headers["X-RateLimit-Limit"] == "2"
    # The hour's window ends on the hour.
    assert int(response.headers["X-RateLimit-Reset"]) % 3600 == 0
    assert int(response.headers["Retry-After"]) <= 3600

"""HTTP fixtures: the real Redis that the rate limiter and /ready may use."""

import os

import pytest

import redis

REDIS_URL = os.environ.get("DATELINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# CI sets this so that an unreachable Redis fails the run instead of skipping.
REQUIRE_REDIS = os.environ.get("DATELINE_TEST_REQUIRE_REDIS") == "1"


@pytest.fixture
def redis_client():
    """Redis at REDIS_URL, answering; skips (or fails, if required) without it."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        reason = f"Redis unreachable at {REDIS_URL}: {error}"
        if REQUIRE_REDIS:
            pytest.fail(reason)
        pytest.skip(reason)
    yield client
    client.close()

"""Whom the rate limit counts: a key however it is spelt, failures by address."""

import uuid

import pytest

from api.services import keys
from tests.conftest import issue_key
from tests.http.conftest import REDIS_URL

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
NEIGHBOUR = {"REMOTE_ADDR": "203.0.113.67"}


@pytest.fixture(params=["memory", "redis"])
def limited_app(request, make_app):
    """An app on the test database (SQLite, PostgreSQL) limited to 3/minute,
    counting in memory or in the real Redis."""
    url = None
    if request.param == "redis":
        url = REDIS_URL
        client = request.getfixturevalue("redis_client")
    prefix = f"dateline-test-{uuid.uuid4().hex}"
    yield make_app(
        RATELIMIT_ENABLED=True,
        DATELINE_RATE_LIMIT="3/minute",
        RATELIMIT_KEY_PREFIX=prefix,
        REDIS_URL=url,
    )
    if url:
        for name in client.scan_iter(match=f"*{prefix}*"):
            client.delete(name)


def test_one_key_has_one_budget_however_its_header_is_spelt(limited_app):
    key = issue_key(limited_app, "reader", ["read"])
    client = limited_app.test_client()
    spellings = [f"Bearer {key}", f"Bearer   {key}", f"bearer {key}", f"BEARER {key} "]

    for header in spellings[:3]:
        response = client.get("/events/", headers={"Authorization": header})
        assert response.status_code == 200
    response = client.get("/events/", headers={"Authorization": spellings[3]})
    assert response.status_code == 429
    assert response.content_type == "application/problem+json"
    assert response.headers["X-RateLimit-Remaining"] == "0"

    # From another address too: the budget is the key's, not the address's.
    response = client.get(
        "/events/", headers={"Authorization": f"Bearer {key}"}, environ_base=NEIGHBOUR
    )
    assert response.status_code == 429


def test_cycling_invented_tokens_is_throttled_by_address(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        response = client.get(
            "/events/",
            headers={"Authorization": f"Bearer dl_{uuid.uuid4().hex}"},
            environ_base=ATTACKER,
        )
        assert response.status_code == 401

    response = client.get(
        "/events/",
        headers={"Authorization": f"Bearer dl_{uuid.uuid4().hex}"},
        environ_base=ATTACKER,
    )
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    # Anonymous requests from that address share the exhausted budget...
    assert client.get("/events/", environ_base=ATTACKER).status_code == 429
    # ...and other addresses keep theirs.
    response = client.get("/events/", environ_base=NEIGHBOUR)
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "2"


def test_malformed_headers_are_counted_by_address(limited_app):
    client = limited_app.test_client()
    malformed = ["Basic x", "Bearer", "Bearer  ", "Token dl_x"]
    for header in malformed[:3]:
        response = client.get(
            "/events/", headers={"Authorization": header}, environ_base=ATTACKER
        )
        assert response.status_code == 401

    response = client.get(
        "/events/", headers={"Authorization": malformed[3]}, environ_base=ATTACKER
    )
    assert response.status_code == 429


def test_a_revoked_key_is_counted_by_address_at_once(limited_app):
    key = issue_key(limited_app, "leaked", ["read"])
    client = limited_app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/events/", headers=headers).status_code == 200
    with limited_app.extensions["dateline_db"].connection_context():
        keys.revoke_key(keys.find_key("leaked").id)

    for _ in range(3):
        response = client.get("/events/", headers=headers, environ_base=ATTACKER)
        assert response.status_code == 401
    response = client.get("/events/", headers=headers, environ_base=ATTACKER)
    assert response.status_code == 429


def test_a_valid_key_is_not_held_back_by_failures_from_its_address(limited_app):
    key = issue_key(limited_app, "reader", ["read"])
    client = limited_app.test_client()
    for _ in range(4):
        client.get(
            "/events/",
            headers={"Authorization": "Bearer dl_invented"},
            environ_base=ATTACKER,
        )

    response = client.get(
        "/events/", headers={"Authorization": f"Bearer {key}"}, environ_base=ATTACKER
    )
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "2"


def test_the_key_is_looked_up_once_per_request(limited_app, monkeypatch):
    key = issue_key(limited_app, "reader", ["read"])
    looked_up = []
    authenticate = keys.authenticate

    def counting(plain):
        looked_up.append(plain)
        return authenticate(plain)

    monkeypatch.setattr(keys, "authenticate", counting)
    client = limited_app.test_client()
    response = client.get("/events/", headers={"Authorization": f"Bearer  {key}"})
    assert response.status_code == 200
    assert looked_up == [key]
    # Liveness neither counts nor looks keys up.
    response = client.get("/health", headers={"Authorization": "Bearer x"})
    assert response.status_code == 200
    assert looked_up == [key]

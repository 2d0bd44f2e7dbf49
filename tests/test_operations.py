"""What operators see: health, readiness, metrics, request ids, headers and CORS."""

import logging
import re

from prometheus_client.parser import text_string_to_metric_families

from api import create_app, migrate
from tests.helpers import access_lines, assert_degraded_by_redis

ORIGIN = "https://example.org"
GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")


def test_health(anonymous):
    response = anonymous.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_when_everything_is_there(make_app):
    # Whatever REDIS_URL the environment holds.
    client = make_app(REDIS_URL=None).test_client()
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "redis": "not configured"},
    }


def test_degraded_without_redis(make_app):
    # The limiter counts in memory meanwhile: still ready to serve.
    client = make_app(REDIS_URL="redis://127.0.0.1:1/0").test_client()
    assert_degraded_by_redis(client.get("/ready"), "unreachable")


def test_not_ready_with_migrations_pending(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/fresh.db",
            "REDIS_URL": None,
        }
    )
    database = app.extensions["dateline_db"]
    client = app.test_client()
    try:
        response = client.get("/ready")
        assert response.status_code == 503
        body = response.get_json()
        assert body["status"] == "not ready"
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["migrations"].startswith("pending: 001_")

        migrate.upgrade(database)
        response = client.get("/ready")
        assert response.status_code == 200
        assert response.get_json()["checks"]["migrations"] == "ok"
    finally:
        database.close_all()


def request_durations(text: str) -> dict[tuple[str, str, str], float]:
    """(method, url rule, status) -> requests counted by the latency histogram."""
    return {
        (s.labels["method"], s.labels["url_rule"], s.labels["status"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "dateline_http_request_duration_seconds_count"
    }


def test_metrics_count_requests_by_url_rule_and_status(client, anonymous):
    assert anonymous.get("/events/").status_code == 200
    assert anonymous.get("/events/").status_code == 200
    assert anonymous.get("/events/999999").status_code == 404
    assert anonymous.post("/actors/", json={}).status_code == 401
    assert client.post("/actors/", json={"kind": "person"}).status_code == 422

    # Metrics need an admin key by default (DATELINE_METRICS=key).
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "dateline_http_request_total" in text
    assert request_durations(text) == {
        ("GET", "/events", "200"): 2.0,
        ("GET", "/events/<int:event_id>", "404"): 1.0,
        ("POST", "/actors", "401"): 1.0,
        ("POST", "/actors", "422"): 1.0,
    }


def test_request_ids_are_echoed_or_made_and_logged(anonymous, caplog):
    caplog.set_level(logging.INFO, logger="dateline.access")
    sent = "lb-7f3a.2020-03-09:42_x"
    echoed = anonymous.get("/events/", headers={"X-Request-ID": sent})
    assert echoed.status_code == 200
    assert echoed.headers["X-Request-ID"] == sent

    made = [
        anonymous.get("/events/"),
        anonymous.get("/events/"),
        anonymous.get("/events/", headers={"X-Request-ID": "two words"}),
        anonymous.get("/events/", headers={"X-Request-ID": "x" * 129}),
        anonymous.get("/events/", headers={"X-Request-ID": "<script>"}),
    ]
    ids = [response.headers["X-Request-ID"] for response in made]
    assert all(GENERATED_ID.match(request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)

    lines = access_lines(caplog)
    for response in [echoed, *made]:
        line = lines[response.headers["X-Request-ID"]]
        assert (line["method"], line["path"], line["status"]) == (
            "GET",
            "/events/",
            200,
        )
        assert line["key"] is None


def test_a_request_id_with_a_line_break_is_replaced(anonymous):
    # The raw WSGI value: a trailing newline must not pass as a valid id.
    response = anonymous.get("/health", environ_base={"HTTP_X_REQUEST_ID": "abc\n"})
    assert response.status_code == 200
    assert GENERATED_ID.match(response.headers["X-Request-ID"])


def test_security_headers_on_api_responses(client, anonymous):
    responses = [
        anonymous.get("/events/"),
        anonymous.get("/events/999999"),
        anonymous.post("/actors/", json={}),
        client.post("/actors/", json={}),
        anonymous.get("/health"),
    ]
    assert [r.status_code for r in responses] == [200, 404, 401, 422, 200]
    for response in responses:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def header_set(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",")}


def test_cors_preflight_and_exposed_headers(anonymous):
    response = anonymous.options(
        "/actors/",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    assert "post" in header_set(response.headers["Access-Control-Allow-Methods"])
    assert "authorization" in header_set(
        response.headers["Access-Control-Allow-Headers"]
    )

    response = anonymous.get("/events/", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    exposed = header_set(response.headers["Access-Control-Expose-Headers"])
    assert {"etag", "x-request-id", "x-pagination"} <= exposed


def test_cors_preflight_needs_no_key_where_reads_do(make_app):
    # Browsers send preflights without credentials.
    client = make_app(DATELINE_READS_REQUIRE_KEY=True).test_client()
    response = client.options(
        "/events/",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    assert client.get("/events/", headers={"Origin": ORIGIN}).status_code == 401

"""/metrics is closed by default: for an admin key, opened on purpose, or apart."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from environs import EnvValidationError

from api.config import Config
from tests.conftest import issue_key
from tests.integrity.live_db import prepare, sqlite_database
from tests.integrity.server import ROOT, free_port

REALM = 'Bearer realm="dateline"'


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_metrics_need_an_admin_key_by_default(make_app):
    app = make_app()
    client = app.test_client()

    response = client.get("/metrics")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == REALM
    assert response.content_type == "application/problem+json"
    assert "admin" in response.get_json()["detail"]

    for scope in ("read", "write"):
        response = client.get(
            "/metrics", headers=bearer(issue_key(app, scope, [scope]))
        )
        assert response.status_code == 403, scope
        challenge = response.headers["WWW-Authenticate"]
        assert 'error="insufficient_scope"' in challenge
        assert 'scope="admin"' in challenge

    admin = issue_key(app, "ops", ["admin"])
    response = client.get("/metrics", headers=bearer(admin))
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "dateline_http_request_total" in response.get_data(as_text=True)
    # Health and readiness stay open to load balancers.
    assert client.get("/health").status_code == 200


def test_metrics_can_be_opened_to_all(make_app):
    client = make_app(DATELINE_METRICS="open").test_client()
    assert client.get("/events/").status_code == 200

    response = client.get("/metrics")
    assert response.status_code == 200
    assert 'url_rule="/events"' in response.get_data(as_text=True)


def test_metrics_can_be_hidden_as_if_there_were_none(make_app):
    app = make_app(DATELINE_METRICS="off")
    client = app.test_client()
    unknown = client.get("/no-such-path")
    admin = issue_key(app, "ops", ["admin"])

    for headers in ({}, bearer(admin)):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 404
        assert response.content_type == "application/problem+json"
        assert "WWW-Authenticate" not in response.headers
        assert response.get_json()["detail"] == unknown.get_json()["detail"]


def test_the_setting_defaults_to_a_key_and_refuses_other_values(monkeypatch):
    monkeypatch.delenv("DATELINE_METRICS", raising=False)
    assert Config().DATELINE_METRICS == "key"
    monkeypatch.setenv("DATELINE_METRICS", "public")
    with pytest.raises(EnvValidationError, match="DATELINE_METRICS"):
        Config()


def test_the_openapi_document_says_metrics_need_a_key(anonymous):
    spec = anonymous.get("/openapi.json").get_json()
    metrics = spec["paths"]["/metrics"]["get"]
    assert metrics["security"] == [{"bearerAuth": []}]
    assert {"200", "401", "403", "404"} <= set(metrics["responses"])
    # Never rate limited: no 429.
    assert "429" not in metrics["responses"]
    for path in ("/health", "/ready"):
        assert spec["paths"][path]["get"]["security"] == []


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server exited with {server.returncode}"
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    raise TimeoutError(url)


def test_the_server_serves_metrics_on_a_bind_of_their_own(tmp_path):
    # The bind belongs to the server process, whatever the database: SQLite.
    live = prepare(sqlite_database(tmp_path))
    port, metrics_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DATABASE_URL": live.url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "DATELINE_METRICS": "off",
        "DATELINE_METRICS_BIND": f"127.0.0.1:{metrics_port}",
    }
    (tmp_path / "metrics").mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        api = f"http://127.0.0.1:{port}"
        _wait_for(f"{api}/health", server)
        assert _get(f"{api}/events/")[0] == 200
        assert _get(f"{api}/metrics")[0] == 404
        status, text = _get(f"http://127.0.0.1:{metrics_port}/metrics")
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    assert status == 200
    assert "dateline_http_request_duration_seconds_count" in text
    assert 'url_rule="/events"' in text

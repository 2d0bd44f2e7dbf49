"""Charts are an extra: without matplotlib, PNG is a 501 that says how to add it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.http.charts import NOT_INSTALLED

ROOT = Path(__file__).resolve().parents[2]
ENABLE = "pip install 'dateline[charts]'"


@pytest.fixture
def without_matplotlib(monkeypatch):
    # None in sys.modules makes every `import matplotlib` raise ImportError.
    monkeypatch.setitem(sys.modules, "matplotlib", None)


def test_png_without_matplotlib_is_a_501_naming_the_extra(client, without_matplotlib):
    for url, headers in (
        ("/events/stats.png", {}),
        ("/events/stats?format=png", {}),
        ("/events/stats", {"Accept": "image/png"}),
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 501, url
        assert response.content_type == "application/problem+json"
        body = response.get_json()
        assert body["title"] == "Not Implemented"
        assert body["detail"] == NOT_INSTALLED
        assert ENABLE in body["detail"]
    for query in ("", "?format=csv"):
        assert client.get(f"/events/stats{query}").status_code == 200, query


def test_the_app_runs_without_matplotlib(tmp_path):
    # A process of its own: no import anywhere in the app may need matplotlib.
    script = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "from api import create_app\n"
        "client = create_app({'TESTING': True}).test_client()\n"
        "assert client.get('/openapi.json').status_code == 200\n"
        "status = client.get('/events/stats.png').status_code\n"
        "assert status == 501, status\n"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/bare.db"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr

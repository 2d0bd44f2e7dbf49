"""Reads from a streaming replica (.ci/replica starts one on port 5433).

Routing is shown with the replica's replay paused: a record written since
is missing from what the replica serves and present in what the primary
serves, so each answer says where it was read.
"""

import os
import time
import uuid
from contextlib import contextmanager

import pytest

import psycopg

from api import create_app
from tests.conftest import SESSION_PG_URL, _empty, issue_key
from tests.http.conftest import REDIS_URL

REPLICA_PORT = os.environ.get("DATELINE_TEST_REPLICA_PORT", "5433")
REQUIRE_REPLICA = os.environ.get("DATELINE_TEST_REQUIRE_REPLICA") == "1"
DEAD_REPLICA = SESSION_PG_URL.replace(":5432/", ":5439/")


def replica_url() -> str:
    return SESSION_PG_URL.replace(":5432/", f":{REPLICA_PORT}/")


def admin(url: str):
    plain = url.split("?")[0]
    return psycopg.connect(plain, autocommit=True, connect_timeout=3)


@pytest.fixture
def replica(postgres_url):
    """The replica's URL; skipped (failed in CI) when none streams from here."""
    try:
        with admin(replica_url()) as connection:
            standby = connection.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    except psycopg.Error as error:
        standby, reason = False, f"no replica on port {REPLICA_PORT}: {error}"
    else:
        reason = f"port {REPLICA_PORT} is not a replica"
    if not standby:
        if REQUIRE_REPLICA:
            pytest.fail(reason)
        pytest.skip(reason)
    return replica_url()


def caught_up(url: str, timeout: float = 30.0) -> None:
    with admin(SESSION_PG_URL) as primary, admin(url) as standby:
        target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replayed = standby.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
            ).fetchone()[0]
            if replayed:
                return
            time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


@contextmanager
def replay_paused(url: str):
    caught_up(url)
    with admin(url) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture
def make_app(postgres_url):
    made = []

    def make(**config):
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": postgres_url,
                "RATELIMIT_ENABLED": False,
                "REDIS_URL": REDIS_URL,
                "RATELIMIT_KEY_PREFIX": f"dateline-test-{uuid.uuid4().hex}",
                **config,
            }
        )
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["dateline_db"].close_all()
        replicas = app.extensions.get("dateline_replicas")
        if replicas is not None:
            replicas.close()


def names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [record["name"] for record in response.get_json()]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.usefixtures("redis_client")
def test_reads_come_from_the_replica_and_writers_read_their_writes(make_app, replica):
    app = make_app(DATABASE_REPLICA_URLS=[replica])
    _empty(app.extensions["dateline_db"])
    writer = issue_key(app, "writer", ["write"])
    reader = issue_key(app, "reader", ["read"])
    client = app.test_client()
    # Another worker, sharing Redis: it learns of the write from there.
    other = make_app(
        DATABASE_REPLICA_URLS=[replica],
        RATELIMIT_KEY_PREFIX=app.config["RATELIMIT_KEY_PREFIX"],
    ).test_client()

    with replay_paused(replica):
        created = client.post(
            "/actors/",
            json={"name": "NATO", "kind": "international_organisation"},
            headers=bearer(writer),
        )
        assert created.status_code == 201
        # The replica has not replayed the write: reads from it miss NATO.
        assert names(client.get("/actors/")) == []
        assert names(client.get("/actors/", headers=bearer(reader))) == []
        assert client.get(f"/actors/{created.get_json()['id']}").status_code == 404
        # Who asks for it, and who just wrote, read the primary.
        assert names(client.get("/actors/", headers={"Consistency": "strong"})) == [
            "NATO"
        ]
        assert names(client.get("/actors/", headers=bearer(writer))) == ["NATO"]
        assert names(other.get("/actors/", headers=bearer(writer))) == ["NATO"]
        ready = client.get("/ready").get_json()
        assert ready["checks"]["replica 1"].startswith("ok (lag ")

    caught_up(replica)
    assert names(client.get("/actors/")) == ["NATO"]


def test_a_replica_lagging_past_the_limit_is_skipped(make_app, replica):
    app = make_app(DATABASE_REPLICA_URLS=[replica], DATELINE_REPLICA_MAX_LAG_S=0.0)
    _empty(app.extensions["dateline_db"])
    writer = issue_key(app, "writer", ["write"])
    client = app.test_client()
    with replay_paused(replica):
        client.post(
            "/actors/",
            json={"name": "NATO", "kind": "international_organisation"},
            headers=bearer(writer),
        )
        time.sleep(0.05)
        app.extensions["dateline_replicas"].replicas[0].checked_at = 0.0
        # Behind by any time at all is too far here: the primary answers.
        assert names(client.get("/actors/")) == ["NATO"]
        ready = client.get("/ready")
        assert ready.status_code == 200
        assert ready.get_json()["status"] == "degraded"
        assert ready.get_json()["checks"]["replica 1"].startswith("lagging (lag ")


def test_an_unreachable_replica_is_skipped_and_reported(make_app, postgres_url):
    app = make_app(DATABASE_REPLICA_URLS=[DEAD_REPLICA])
    _empty(app.extensions["dateline_db"])
    writer = issue_key(app, "writer", ["write"])
    client = app.test_client()
    client.post(
        "/actors/",
        json={"name": "NATO", "kind": "international_organisation"},
        headers=bearer(writer),
    )
    assert names(client.get("/actors/")) == ["NATO"]
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.get_json()["status"] == "degraded"
    assert ready.get_json()["checks"]["replica 1"] == "unreachable: OperationalError"


def test_replicas_need_a_postgresql_primary(tmp_path):
    with pytest.raises(ValueError, match="DATABASE_REPLICA_URLS"):
        create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                "DATABASE_REPLICA_URLS": [replica_url()],
            }
        )

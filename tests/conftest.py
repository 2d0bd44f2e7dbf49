"""Fixtures: the app on a fresh database (SQLite, PostgreSQL), a client, factories."""

import os

import pytest

import peewee as pw

from api import create_app, migrate
from api.db import open_database

PG_URL = os.environ.get(
    "DATELINE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# CI sets this so that an unreachable PostgreSQL fails the run instead of skipping.
REQUIRE_PG = os.environ.get("DATELINE_TEST_REQUIRE_PG") == "1"


def _pg_unreachable_reason() -> str | None:
    import psycopg

    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as error:
        return f"PostgreSQL unreachable at {PG_URL}: {str(error).strip()}"
    return None


def drop_everything(database):
    with database.connection_context():
        if not isinstance(database, pw.PostgresqlDatabase):
            database.pragma("foreign_keys", 0)
        for table in database.get_tables():
            cascade = " CASCADE" if isinstance(database, pw.PostgresqlDatabase) else ""
            database.execute_sql(f'DROP TABLE IF EXISTS "{table}"{cascade}')


@pytest.fixture(scope="session")
def pg_unreachable():
    reason = _pg_unreachable_reason()
    if reason is None:
        # Build the schema once per session from the migrations; tests truncate.
        database = open_database(PG_URL)
        drop_everything(database)
        migrate.upgrade(database)
        database.close_all()
    return reason


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path, pg_unreachable):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/dateline.db"
    if pg_unreachable:
        if REQUIRE_PG:
            pytest.fail(pg_unreachable)
        pytest.skip(pg_unreachable)
    return PG_URL


def _empty(database):
    """A database with the current schema and no rows."""
    if isinstance(database, pw.PostgresqlDatabase):
        with database.connection_context():
            tables = [t for t in database.get_tables() if t != "migratehistory"]
            quoted = ", ".join(f'"{t}"' for t in tables)
            database.execute_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        migrate.upgrade(database)


@pytest.fixture
def app(db_url):
    app = create_app({"TESTING": True, "DATABASE_URL": db_url})
    database = app.extensions["dateline_db"]
    _empty(database)
    yield app
    database.close_all()


@pytest.fixture
def client(app):
    return app.test_client()


def _maker(client, path, defaults):
    def make(**overrides):
        body = {**defaults(), **overrides}
        response = client.post(path, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def make_location(client):
    return _maker(
        client,
        "/locations/",
        lambda: {
            "name": "Idlib",
            "kind": "city",
            "country": "SYR",
            "latitude": 35.9306,
            "longitude": 36.6339,
        },
    )


@pytest.fixture
def make_actor(client):
    return _maker(
        client,
        "/actors/",
        lambda: {"name": "Recep Tayyip Erdoğan", "kind": "person", "country": "TUR"},
    )


@pytest.fixture
def make_article(client):
    counter = iter(range(1, 1_000_000))
    return _maker(
        client,
        "/articles/",
        lambda: {
            "url": f"https://news.example.org/idlib/{next(counter)}",
            "title": "NATO notices decrease in violence in Idlib",
            "language": "en",
            "published_at": "2020-03-09T10:42:00+00:00",
        },
    )


@pytest.fixture
def make_event(client):
    return _maker(
        client,
        "/events/",
        lambda: {"event_code": "0861", "date_start": "2020-03-05"},
    )

"""Fixtures: the app on a fresh database (SQLite, PostgreSQL), a client, factories."""

import os

import pytest

import peewee as pw

from api import create_app, migrate
from api.db import open_database
from api.services import keys

# Asserts in shared helpers explain their failures as those in tests do.
pytest.register_assert_rewrite("tests.helpers")

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
            if table.startswith("sqlite_"):
                continue  # sqlite_sequence belongs to SQLite, not to us
            cascade = " CASCADE" if isinstance(database, pw.PostgresqlDatabase) else ""
            database.execute_sql(f'DROP TABLE IF EXISTS "{table}"{cascade}')


# Each test session works in a schema of its own, so that runs side by side
# (two developers, a developer and a benchmark) never see each other's tables.
PG_SCHEMA = f"dateline_test_{os.getpid()}"
SESSION_PG_URL = f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}"


@pytest.fixture(scope="session")
def pg_unreachable():
    reason = _pg_unreachable_reason()
    if reason is not None:
        yield reason
        return
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
        connection.execute(f"CREATE SCHEMA {PG_SCHEMA}")
    # Build the schema once per session from the migrations; tests truncate.
    database = open_database(SESSION_PG_URL)
    migrate.upgrade(database)
    database.close_all()
    yield None
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")


@pytest.fixture
def postgres_url(pg_unreachable):
    """The session's PostgreSQL; a module whose tests are for it alone makes
    this its ``db_url``."""
    if pg_unreachable:
        if REQUIRE_PG:
            pytest.fail(pg_unreachable)
        pytest.skip(pg_unreachable)
    return SESSION_PG_URL


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/dateline.db"
    return request.getfixturevalue("postgres_url")


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
def pg_app(postgres_url):
    """An app on the session's PostgreSQL, emptied, for tests of it alone."""
    app = create_app({"DATABASE_URL": postgres_url, "TESTING": True})
    _empty(app.extensions["dateline_db"])
    yield app
    app.extensions["dateline_db"].close_all()


@pytest.fixture
def make_app(db_url):
    """Apps on the test database, emptied, with settings of the test's choosing."""
    made = []

    def make(**config):
        # Rate limits have tests of their own; elsewhere they would slow tests.
        settings = {"TESTING": True, "DATABASE_URL": db_url, "RATELIMIT_ENABLED": False}
        app = create_app({**settings, **config})
        _empty(app.extensions["dateline_db"])
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["dateline_db"].close_all()


@pytest.fixture
def app(make_app):
    return make_app()


def issue_key(app, name: str, scopes: list[str]) -> str:
    with app.extensions["dateline_db"].connection_context():
        return keys.create_key(name, scopes)[1]


@pytest.fixture
def api_key(app):
    """An admin key: what the default client sends."""
    return issue_key(app, "test-admin", ["admin"])


@pytest.fixture
def client(app, api_key):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_key}"
    return client


@pytest.fixture
def anonymous(app):
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

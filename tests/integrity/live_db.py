"""Databases for the live-server tests: made fresh, probed while written, counted."""

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from api import create_app, migrate
from api.db import open_database
from tests.conftest import PG_URL, issue_key


@dataclass
class LiveDatabase:
    kind: str
    url: str
    key: str = ""
    path: Path | None = None  # the SQLite file
    schema: str | None = None  # the PostgreSQL schema


def sqlite_database(directory: Path) -> LiveDatabase:
    path = directory / "dateline.db"
    return LiveDatabase("sqlite", f"sqlite:///{path}", path=path)


def postgres_database(schema: str) -> LiveDatabase:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.execute(f"CREATE SCHEMA {schema}")
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    return LiveDatabase("postgres", url, schema=schema)


def drop_postgres(schema: str):
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def prepare(live: LiveDatabase) -> LiveDatabase:
    """Apply the migrations and issue an admin key, as `flask db upgrade` would."""
    app = create_app({"DATABASE_URL": live.url, "TESTING": True})
    database = app.extensions["dateline_db"]
    try:
        migrate.upgrade(database)
        live.key = issue_key(app, "concurrency-admin", ["admin"])
    finally:
        database.close_all()
    return live


class WriteProbe:
    """Tells whether some other connection is inside a write transaction now."""

    def __init__(self, live: LiveDatabase):
        self.live = live
        if live.kind == "sqlite":
            self.connection = sqlite3.connect(
                live.path, timeout=0, isolation_level=None
            )
        else:
            import psycopg

            self.connection = psycopg.connect(PG_URL, autocommit=True)

    def busy(self) -> bool:
        if self.live.kind == "sqlite":
            # Writers hold the lock from BEGIN IMMEDIATE to COMMIT: while one
            # does, taking it fails at once (timeout 0).
            try:
                self.connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if "locked" in str(error) or "busy" in str(error):
                    return True
                raise
            self.connection.execute("ROLLBACK")
            return False
        # Rows inserted and not yet committed: a RowExclusiveLock on one of the
        # schema's tables, held until the transaction ends.
        row = self.connection.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND l.mode = 'RowExclusiveLock' AND l.granted "
            "AND l.pid <> pg_backend_pid()",
            (self.live.schema,),
        ).fetchone()
        return row[0] > 0

    def close(self):
        self.connection.close()


@contextmanager
def _reading(live: LiveDatabase):
    """A connection of its own to the live database, past the API."""
    database = open_database(live.url, pool_size=1)
    try:
        with database.connection_context():
            yield database
    finally:
        database.close_all()


def count_tagged(live: LiveDatabase, tag: str, after: int) -> dict[str, int]:
    """Rows of a batch whose every record carries ``tag``, read past the API.

    ``revisions`` counts those after revision ``after``: a batch's creations
    carry no data to tag (the record holds it), and the callers write alone.
    """
    with _reading(live) as database:
        mark = database.param
        queries = {
            "events": (f"SELECT count(*) FROM event WHERE source = {mark}", (tag,)),
            "actors": (f"SELECT count(*) FROM actor WHERE source = {mark}", (tag,)),
            "locations": (
                f"SELECT count(*) FROM location WHERE name LIKE {mark}",
                (f"{tag} %",),
            ),
            "revisions": (
                f"SELECT count(*) FROM revision WHERE id > {mark}",
                (after,),
            ),
        }
        return {
            name: database.execute_sql(sql, values).fetchone()[0]
            for name, (sql, values) in queries.items()
        }


def last_revision(live: LiveDatabase) -> int:
    with _reading(live) as database:
        sql = "SELECT coalesce(max(id), 0) FROM revision"
        return database.execute_sql(sql).fetchone()[0]

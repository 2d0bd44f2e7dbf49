"""The database proxy and its binding to DATABASE_URL (and replicas)."""

import contextvars
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import peewee as pw
from playhouse import db_url

from flask import request

# The database a request reads from when it is not the primary: a replica
# chosen by api.http.replicas for this request (context-local: each thread
# serving a request has its own).
_reading: contextvars.ContextVar = contextvars.ContextVar("dateline_reading")


class RoutingProxy(pw.DatabaseProxy):
    """peewee's proxy, pointing at the primary or at this request's replica."""

    __slots__ = ("primary",)

    def initialize(self, obj):
        self.primary = obj
        for callback in self._callbacks:
            callback(obj)

    @property
    def obj(self):
        return _reading.get(None) or self.primary

    def __setattr__(self, attr, value):
        if attr == "obj":
            attr = "primary"
        object.__setattr__(self, attr, value)


db = RoutingProxy()


def read_from(database) -> contextvars.Token:
    """Send this context's queries to ``database`` until ``reset`` is called."""
    return _reading.set(database)


def reading_from():
    """The replica this context reads from, or None for the primary."""
    return _reading.get(None)


def reset_reading(token: contextvars.Token) -> None:
    try:
        _reading.reset(token)
    except ValueError:
        # Set in another context (a streamed body ended elsewhere): clear it.
        _reading.set(None)


# Our URLs name the database, not the driver: pool connections (a new connection
# per request costs more than the request itself) and prefer psycopg 3.
_SCHEMES = {
    "sqlite": "sqlite+pool",
    "postgres": "psycopg3+pool",
    "postgresql": "psycopg3+pool",
}


# Bytes a SQLite WAL file keeps once checkpointed, whatever it grew to.
WAL_SIZE_LIMIT = 64 * 1024 * 1024


def is_sqlite() -> bool:
    return isinstance(db.obj, pw.SqliteDatabase)


def open_database(
    url: str, pool_size: int = 8, busy_timeout_ms: int = 5000, **driver_options
):
    """Return a peewee database for ``url``: sqlite:///path or postgresql://..."""
    parts = urlsplit(url)
    scheme = _SCHEMES.get(parts.scheme, parts.scheme)
    options = {"max_connections": pool_size, "stale_timeout": 300, **driver_options}
    if scheme.startswith("sqlite"):
        path = parts.path[1:]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        options.update(
            timeout=busy_timeout_ms / 1000,
            # The pool hands a connection to one thread at a time, but not
            # always to the thread that opened it: a request after an import
            # thread ended was refused its connection ("SQLite objects
            # created in a thread can only be used in that same thread").
            check_same_thread=False,
            # Writers take the lock when they begin, not when they first write:
            # a read-then-write transaction in WAL mode otherwise fails at once
            # with "database is locked", whatever the busy timeout.
            lock_type="IMMEDIATE",
            pragmas={
                # Only a new database takes it, before its first table (and
                # before WAL). 8 KiB pages make a large import markedly faster
                # than the 4 KiB default; 16 KiB gained little more and made
                # lookups of scattered rows (events by actor) much slower.
                "page_size": 8192,
                "journal_mode": "wal",
                "foreign_keys": 1,
                "synchronous": "normal",
                "busy_timeout": busy_timeout_ms,
                "cache_size": -32000,
                # A large import grows the WAL to its own size; without a
                # limit the file keeps that size until the last connection
                # closes, and a server's pooled connections stay open.
                "journal_size_limit": WAL_SIZE_LIMIT,
            },
        )
        return db_url.connect(f"{scheme}:///{path}", **options)
    # psycopg prepares a statement on the server after a few runs, and
    # PostgreSQL then settles on a generic plan, blind to the values: for
    # date windows, id lists and text searches the plan it chose for the
    # values at hand was up to 30 times faster. So nothing is prepared but
    # the few reads made with the same values' shape on every request
    # (``execute_prepared``), whose one plan suits every value.
    # (None would turn explicit preparing off too.)
    options["prepare_threshold"] = 2**31 - 1
    return db_url.connect(
        urlunsplit((scheme, *parts[1:3], _without_jit(parts.query), parts[4])),
        **options,
    )


# JIT compiled the plan of every costly-looking statement (a count, a
# statistic over millions of rows) for longer than the statement then ran.
NO_JIT = "-c jit=off"


def _without_jit(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    given = [value for name, value in pairs if name == "options"]
    pairs = [(name, value) for name, value in pairs if name != "options"]
    pairs.append(("options", " ".join([*given, NO_JIT])))
    return urlencode(pairs, quote_via=quote)


def execute_prepared(database: pw.Database, sql: str, params):
    """``database.execute_sql``, prepared on the server on PostgreSQL."""
    if not isinstance(database, pw.PostgresqlDatabase):
        return database.execute_sql(sql, params)
    if database.query_hooks:
        # Query hooks (bench.explain) see it as any other statement.
        return database.execute_sql(sql, params)
    with pw.__exception_wrapper__:
        cursor = database.cursor()
        cursor.execute(sql, params, prepare=True)
    return cursor


def init_db(app):
    """Bind the proxy to the app's database and manage connections per request."""
    database = open_database(
        app.config["DATABASE_URL"],
        pool_size=app.config.get("DATELINE_DB_POOL_SIZE", 8),
        busy_timeout_ms=app.config.get("DATELINE_SQLITE_BUSY_TIMEOUT_MS", 5000),
    )
    db.initialize(database)
    app.extensions["dateline_db"] = database

    @app.before_request
    def _connect():
        # A view may answer without a connection (liveness) or open its own to
        # report on it (readiness): an outage must not turn either into a 503.
        view = app.view_functions.get(request.endpoint)
        if getattr(getattr(view, "view_class", None), "needs_database", True):
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(_exc):
        if not db.is_closed():
            db.close()

    return database

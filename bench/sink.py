"""Bulk writes for the corpus: executemany on SQLite, COPY on PostgreSQL."""

import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import peewee as pw

from api.db import open_database
from api.migrate import upgrade
from api.services import search

# Tables whose ids the corpus assigns itself; PostgreSQL's sequences must then
# be moved past them, or the API's next insert would collide.
ID_TABLES = ("location", "actor", "actor_alias", "article", "event")
ID_TABLES += ("event_actor", "event_source")
# The tests own this PostgreSQL database; the corpus never touches it.
PROTECTED = {"test"}


class Sink:
    """Writes batches of rows and keeps count of rows and seconds per table."""

    def __init__(self, database: pw.Database):
        self.database = database
        self.rows = defaultdict(int)
        self.seconds = defaultdict(float)

    def write(self, table: str, columns: tuple[str, ...], rows: list) -> None:
        if not rows:
            return
        started = time.perf_counter()
        with self.database.atomic():
            self._write(table, columns, rows)
        self.rows[table] += len(rows)
        self.seconds[table] += time.perf_counter() - started

    def _write(self, table, columns, rows):
        raise NotImplementedError

    def event_text(self, rows: list) -> None:
        """(event_id, summary, quotes) rows, written as search.index_event would."""
        raise NotImplementedError

    def article_text(self, rows: list) -> None:
        """(article_id, title, body) rows, written as search.index_article would."""
        raise NotImplementedError

    def finish(self) -> None:
        """Make the database ready to serve: counters and planner statistics."""
        raise NotImplementedError


class SqliteSink(Sink):
    def _write(self, table, columns, rows):
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
        self.database.cursor().executemany(sql, rows)

    def event_text(self, rows):
        self.write("event_text", ("rowid", "summary", "quotes"), rows)

    def article_text(self, rows):
        self.write("article_text", ("rowid", "title", "body"), rows)

    def finish(self):
        self.database.execute_sql("ANALYZE")
        self.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


class PostgresSink(Sink):
    def _write(self, table, columns, rows):
        names = ", ".join(f'"{c}"' for c in columns)
        with self.database.cursor() as cursor:
            with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)

    def _text(self, table, key, rows):
        # The same document the services build: non-empty columns joined by
        # newlines, through to_tsvector in the database with the
        # configuration api.services.search gives such a text.
        staged = [(row[0], "\n".join(v for v in row[1:] if v)) for row in rows]
        started = time.perf_counter()
        with self.database.atomic():
            self.database.execute_sql(
                "CREATE TEMPORARY TABLE IF NOT EXISTS text_stage "
                "(id INTEGER, text TEXT) ON COMMIT DELETE ROWS"
            )
            self._write("text_stage", ("id", "text"), staged)
            self.database.execute_sql(
                f'INSERT INTO "{table}" ("{key}", document) '
                f"SELECT id, to_tsvector('{search.PG_CONFIG}', text) FROM text_stage"
            )
        self.rows[table] += len(rows)
        self.seconds[table] += time.perf_counter() - started

    def event_text(self, rows):
        self._text("event_text", "event_id", rows)

    def article_text(self, rows):
        self._text("article_text", "article_id", rows)

    def finish(self):
        for table in ID_TABLES:
            self.database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"), false)'
            )
        # VACUUM too: a settled database has its visibility map set (index-only
        # scans rely on it), which autovacuum would otherwise do at random later.
        self.database.execute_sql("VACUUM ANALYZE")


def open_empty(url: str) -> Sink:
    """Open ``url``, drop everything in it, migrate it, and return a Sink on it."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = parts.path[1:]
        if not path or path == ":memory:":
            raise SystemExit("The corpus needs a SQLite file: sqlite:///path/to.db")
        # A new file is the emptiest database there is, and dropping tables
        # from a large file would leave its pages behind.
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    elif parts.path.lstrip("/") in PROTECTED:
        raise SystemExit(f"Refusing to overwrite the {parts.path[1:]!r} database.")
    database = open_database(url)
    if isinstance(database, pw.PostgresqlDatabase):
        with database.connection_context():
            for table in database.get_tables():
                database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    upgrade(database)
    database.connect(reuse_if_open=True)
    if isinstance(database, pw.PostgresqlDatabase):
        return PostgresSink(database)
    # Loading only: a bigger page cache for index builds (this connection only).
    database.execute_sql("PRAGMA cache_size = -262144")
    return SqliteSink(database)

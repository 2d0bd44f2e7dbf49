"""SQLite's full-text tables keep up to 8 MB of new terms before writing them.

FTS5 holds the terms of the rows a transaction inserts in memory, and
writes them out as a new segment, to be merged with others later, whenever
they pass its ``hashsize`` (1 MB by default). At 8 MB the 200k ACLED notes
of an import went in in 0.88-0.99 s against 1.16-1.36 s (fresh tables,
interleaved), and one-word searches of them took the same 3-4 ms. The
setting is kept in the table's own configuration, so every connection
writes with it; only a large transaction fills the memory. PostgreSQL has
no such tables.
"""

import peewee as pw
from peewee_migrate import Migrator

TABLES = ("event_text", "article_text")


def _set(migrator: Migrator, size: int) -> None:
    for table in TABLES:
        migrator.sql(f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', {size})")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.SqliteDatabase) and not fake:
        _set(migrator, 8 * 1024 * 1024)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.SqliteDatabase) and not fake:
        _set(migrator, 1024 * 1024)

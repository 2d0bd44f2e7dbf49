"""Long texts compressed with lz4 instead of pglz, on PostgreSQL.

PostgreSQL compresses a row's long values once the row passes 2 kB: a
revision of a GDELT event (its 61 source columns twice) does, and pglz made
writing 200k of them take 5.3 s; lz4, 2.6 s, for the same space. Values
already stored keep their compression; a server built without lz4 (or older
than PostgreSQL 14) keeps pglz. SQLite does not compress.
"""

import peewee as pw
from peewee_migrate import Migrator

COLUMNS = {
    "revision": ("data", "changes"),
    "event": ("summary", "source_attributes"),
    "article": ("body", "source_attributes"),
    "actor": ("source_attributes",),
    "location": ("source_attributes",),
}


def _has_lz4(database: pw.Database) -> bool:
    # The setting lists the methods the server was built with (14 and later).
    return bool(
        database.execute_sql(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
            "AND 'lz4' = ANY(enumvals)"
        ).fetchone()
    )


def _set(migrator: Migrator, method: str) -> None:
    for table, columns in COLUMNS.items():
        changes = ", ".join(
            f'ALTER COLUMN "{c}" SET COMPRESSION {method}' for c in columns
        )
        migrator.sql(f'ALTER TABLE "{table}" {changes}')


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase) and not fake and _has_lz4(database):
        _set(migrator, "lz4")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase) and not fake and _has_lz4(database):
        _set(migrator, "pglz")

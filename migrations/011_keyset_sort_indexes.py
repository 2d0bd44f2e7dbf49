"""Indexes that let a sorted list resume where its last page ended.

Lists and exports read by keyset: each page starts after the last row of the
one before, a range of an index on the sort keys then id. Sorted by
fatalities (whose unknowns sort as -1), or on PostgreSQL by any field, no
index had them with id: every page of a million-event export re-read the
table up to its start (0.25 s a page on PostgreSQL, 2 s on SQLite). SQLite
ends every index with the rowid, which is the id, but an expression's index
needs it named, as PostgreSQL's indexes all do.

``event (fatalities)`` gives way to the expression, which the fatality
filters now use; on PostgreSQL each one-column index of a sort field gives
way to the pair it leads, which serves every lookup it did. The expression's
index holds the column too: neither database answers from an index alone
(a count of matches, say) unless it holds the column an expression reads.
"""

import peewee as pw
from peewee_migrate import Migrator

SQLITE = [
    "CREATE INDEX event_fatalities_sort ON event "
    "(COALESCE(fatalities, -1), id, fatalities)",
    "DROP INDEX IF EXISTS event_fatalities",
]
# The one-column indexes that PostgreSQL's pairs replace, as peewee named them.
REPLACED = {
    "event_event_code": "event_code",
    "event_date_start": "date_start",
    "event_date_end": "date_end",
    "event_updated_at": "updated_at",
}
POSTGRES = [
    "CREATE INDEX event_fatalities_sort ON event (COALESCE(fatalities, -1), id) "
    "INCLUDE (fatalities)",
    "DROP INDEX IF EXISTS event_fatalities",
    *(
        statement
        for name, column in REPLACED.items()
        for statement in (
            f"CREATE INDEX event_{column}_sort ON event ({column}, id)",
            f"DROP INDEX IF EXISTS {name}",
        )
    ),
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    postgres = isinstance(database, pw.PostgresqlDatabase)
    for statement in POSTGRES if postgres else SQLITE:
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    postgres = isinstance(database, pw.PostgresqlDatabase)
    migrator.sql("CREATE INDEX IF NOT EXISTS event_fatalities ON event (fatalities)")
    migrator.sql("DROP INDEX IF EXISTS event_fatalities_sort")
    if postgres:
        for name, column in REPLACED.items():
            migrator.sql(f"CREATE INDEX IF NOT EXISTS {name} ON event ({column})")
            migrator.sql(f"DROP INDEX IF EXISTS event_{column}_sort")

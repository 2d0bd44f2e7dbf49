"""Indexes for the query language at a million events (see bench/README.md).

- event.span_days, a generated column (date_end - date_start) with an index:
  MAX(span_days) bounds date_start in date-window queries;
- event (location_id, date_start), event (fatalities);
- event_actor (actor_id, role, event_id), which answers actor filters alone.
"""

import peewee as pw
from peewee_migrate import Migrator

SQLITE = [
    "ALTER TABLE event ADD COLUMN span_days INTEGER GENERATED ALWAYS AS "
    "(CAST(julianday(date_end) - julianday(date_start) AS INTEGER)) VIRTUAL",
]
POSTGRES = [
    "ALTER TABLE event ADD COLUMN span_days INTEGER GENERATED ALWAYS AS "
    "(date_end - date_start) STORED",
]
COMMON = [
    "CREATE INDEX event_span_days ON event (span_days)",
    "CREATE INDEX event_location_date ON event (location_id, date_start)",
    "CREATE INDEX event_fatalities ON event (fatalities)",
    "CREATE INDEX event_actor_actor_role_event ON event_actor (actor_id, role, event_id)",
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    postgres = isinstance(database, pw.PostgresqlDatabase)
    for statement in (POSTGRES if postgres else SQLITE) + COMMON:
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for name in (
        "event_actor_actor_role_event",
        "event_fatalities",
        "event_location_date",
        "event_span_days",
    ):
        migrator.sql(f"DROP INDEX IF EXISTS {name}")
    migrator.sql("ALTER TABLE event DROP COLUMN span_days")

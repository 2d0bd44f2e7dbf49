"""Widen event (location_id, date_start) to cover what statistics read.

``GET /events/stats`` reads, of every matching event, its place, dates and
fatalities. With those four in one index SQLite scans the index instead of
the table, whose rows carry summaries and original dataset rows: 3.1 s ->
1.3 s for month x country over a million events (bench/stats_export.py).
The wider index serves every lookup the narrower one did, so it replaces it:
an import still writes one index for these columns.
"""

import peewee as pw
from peewee_migrate import Migrator

COLUMNS = "location_id, date_start, date_end, fatalities"


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(f"CREATE INDEX event_place_dates_cover ON event ({COLUMNS})")
    migrator.sql("DROP INDEX IF EXISTS event_location_date")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(
        "CREATE INDEX IF NOT EXISTS event_location_date ON event (location_id, date_start)"
    )
    migrator.sql("DROP INDEX IF EXISTS event_place_dates_cover")

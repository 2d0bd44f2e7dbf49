"""PostgreSQL: statistics on the root event code, with each interval's periods.

GET /events/stats?group_by=event_code&event_code_level=root groups by
SUBSTR(event_code, 1, 2). As with the periods (migration 009), the planner
took a group per row for that expression and sorted every event on one core:
week x root code at a million events took twice as long as month x country.
These statistics cover the root code alone and with each interval's periods.
The expression is that of api/services/stats.py, written there with literal
arguments so that the planner can match it. SQLite has no use for them.
"""

import peewee as pw
from peewee_migrate import Migrator

PARTS = {"week": "isodow", "month": "day", "year": "doy"}
ROOT = "(substr(event_code, 1, 2))"


def _period(column: str, part: str) -> str:
    return f"(CAST(({column} - (CAST(date_part('{part}', {column}) AS integer) - 1)) AS date))"


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for interval, part in PARTS.items():
        periods = f"{_period('date_start', part)}, {_period('date_end', part)}"
        migrator.sql(
            f"CREATE STATISTICS IF NOT EXISTS event_{interval}_periods_root "
            f"(ndistinct) ON {periods}, {ROOT} FROM event"
        )
    migrator.sql(
        f"CREATE STATISTICS IF NOT EXISTS event_root_code ON {ROOT} FROM event"
    )
    migrator.sql("ANALYZE event")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for interval in PARTS:
        migrator.sql(f"DROP STATISTICS IF EXISTS event_{interval}_periods_root")
    migrator.sql("DROP STATISTICS IF EXISTS event_root_code")

"""PostgreSQL: statistics on the periods GET /events/stats groups by.

The planner knows nothing of a computed expression's distinct values, and
takes a group per row: grouping a million events by month, it sorted them
all on one core. Extended statistics on each interval's (first period, last
period) pair tell it there are a few hundred, and it then aggregates in
parallel workers' hash tables: 870 -> 330-530 ms of SQL for month x country
at a million events. The expressions are those of api/services/periods.py,
which must stay in step with them. SQLite has no use for them.
"""

import peewee as pw
from peewee_migrate import Migrator

# The day of the period each interval counts back from (see periods.truncate).
PARTS = {"week": "isodow", "month": "day", "year": "doy"}


def _period(column: str, part: str) -> str:
    return f"(CAST(({column} - (CAST(date_part('{part}', {column}) AS integer) - 1)) AS date))"


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for interval, part in PARTS.items():
        migrator.sql(
            f"CREATE STATISTICS IF NOT EXISTS event_{interval}_periods (ndistinct) "
            f"ON {_period('date_start', part)}, {_period('date_end', part)} FROM event"
        )
    migrator.sql("ANALYZE event")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for interval in PARTS:
        migrator.sql(f"DROP STATISTICS IF EXISTS event_{interval}_periods")

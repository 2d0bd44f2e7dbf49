"""Statistics read from ``event_rollup`` (migration 015) where it holds the answer.

The roll-up keeps events, fatalities and known fatalities per (date_start,
date_end, country, source) on PostgreSQL, so statistics grouped by country
or source and filtered by dates, country or source read a few hundred
thousand rows at most, whatever the number of events. Anything else (other
groups or filters, text, SQLite) is computed from events.
"""

import peewee as pw

from api.db import is_sqlite
from api.services.periods import truncate

ROLLUP = pw.Table(
    "event_rollup",
    ("date_start", "date_end", "country", "source", "events", "fatalities", "known"),
)
GROUPS = {"country", "source"}
FILTERS = {"date_from", "date_to", "country", "source"}


def servable(names: list[str], q: str | None, filters: dict) -> bool:
    """Whether the roll-up answers a statistics request of these groups and filters."""
    if is_sqlite() or q or not set(names) <= GROUPS:
        return False
    given = {name for name, value in filters.items() if value not in (None, [], "")}
    return given <= FILTERS


def rollup_query(interval: str, names: list[str], filters: dict) -> pw.Select:
    """Rows shaped as ``stats.aggregate_query``'s: periods, groups, then
    events, fatalities and known fatalities."""
    table = ROLLUP
    keys = []
    if interval != "none":
        keys = [
            truncate(table.date_start, interval),
            truncate(table.date_end, interval),
        ]
    # '' stands for "none" in the roll-up's key, NULL in the events.
    keys += [pw.fn.NULLIF(getattr(table, name), pw.SQL("''")) for name in names]
    query = table.select(
        *keys,
        pw.fn.SUM(table.events).cast("bigint"),
        pw.fn.SUM(table.fatalities).cast("bigint"),
        pw.fn.SUM(table.known).cast("bigint"),
    ).where(table.events != 0)
    if filters.get("date_from") is not None:
        query = query.where(table.date_end >= filters["date_from"])
    if filters.get("date_to") is not None:
        query = query.where(table.date_start <= filters["date_to"])
    if filters.get("country"):
        query = query.where(table.country.in_(filters["country"]))
    if filters.get("source"):
        named = [s if s != "none" else "" for s in filters["source"]]
        query = query.where(table.source.in_(named))
    return query.group_by(*[pw.SQL(str(i)) for i in range(1, len(keys) + 1)])

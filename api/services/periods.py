"""Calendar periods: truncating dates in SQL on either database, stepping in Python."""

from datetime import date, datetime, timedelta

import peewee as pw

from api.db import is_sqlite


def truncate(column: pw.Field, interval: str) -> pw.Node:
    """SQL for the period holding ``column``: its first day, or a prefix of it."""
    if not is_sqlite():
        if interval == "day":
            return column
        # The days back to the period's first, subtracted from the date:
        # cheaper per row than date_trunc, which goes through timestamps.
        # Migration 009 keeps statistics on these very expressions, which
        # match only as the planner sees them: literals, not parameters.
        part = pw.SQL(
            "'{}'".format({"week": "isodow", "month": "day", "year": "doy"}[interval])
        )
        back = pw.fn.date_part(part, column).cast("integer") - pw.SQL("1")
        return (column - back).cast("date")
    # coerce(False): peewee would parse every result as a date with strptime,
    # much of the request's time, and fail on the prefixes anyway.
    return _sqlite_period(column, interval).coerce(False)


def _sqlite_period(column: pw.Field, interval: str) -> pw.Function:
    # SQLite keeps dates as ISO text: a prefix is the cheapest truncation.
    if interval == "day":
        return pw.fn.SUBSTR(column, 1, 10)
    if interval == "month":
        return pw.fn.SUBSTR(column, 1, 7)
    if interval == "year":
        return pw.fn.SUBSTR(column, 1, 4)
    # ISO weeks begin on Monday; %w counts days from Sunday (0).
    # (peewee reads % as LIKE, so the modulo is spelt out.)
    back = pw.Expression(pw.fn.strftime("%w", column).cast("INTEGER") + 6, "%", 7)
    return pw.fn.date(column, pw.fn.printf("-%d days", back))


def as_date(value) -> date:
    """A period from either database: a date, or ISO text (perhaps a prefix)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if len(value) == 4:
        return date(int(value), 1, 1)
    if len(value) == 7:
        return date(int(value[:4]), int(value[5:7]), 1)
    return date.fromisoformat(value[:10])


def floor(day: date, interval: str) -> date:
    """The first day of the period of ``interval`` that holds ``day``."""
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    if interval == "year":
        return day.replace(month=1, day=1)
    return day


def following(day: date, interval: str) -> date | None:
    """The first day of the period after the one starting on ``day``; None
    past the year 9999, where dates end."""
    try:
        if interval == "day":
            return day + timedelta(days=1)
        if interval == "week":
            return day + timedelta(days=7)
        if interval == "month":
            return date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return date(day.year + 1, 1, 1)
    except (OverflowError, ValueError):
        return None


def last_day(day: date, interval: str) -> date:
    """The last day of the period that starts on ``day``."""
    after = following(day, interval)
    return date.max if after is None else after - timedelta(days=1)

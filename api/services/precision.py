"""What a date known only to a precision spans.

Kept apart from the events service so that the import's reading process,
which derives the end of every row's date, need not load the query code
(and geopy, requests and the database drivers with it), which would slow its
start.
"""

import calendar
from datetime import date, timedelta


def derive_date_end(start: date, precision: str) -> date:
    """The last day a date known to ``precision`` from ``start`` can mean."""
    if precision == "week":
        return start + timedelta(days=6)
    if precision == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision == "year":
        return start.replace(month=12, day=31)
    return start

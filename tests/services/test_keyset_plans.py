"""A sorted list resumes from an index range, not by re-reading what came before.

Every page of a keyset scan (lists with a cursor, whole exports) starts
after the last row of the one before. Before migration 011 a million-event
export sorted by fatalities read the table up to each page's start: 2 s a
page on SQLite. Here the plans of such pages must read an index in order,
with no sort of their own.
"""

import pytest

import peewee as pw

from api.models import Event
from api.services.event_queries import list_events
from api.services.listing import _decode, _encode

SORTS = ["fatalities", "-fatalities", "event_code", "-event_code", "-date_start"]


def _page_query(listing):
    last = [
        {"fatalities": 3, "event_code": "190", "date_start": "2020-03-05"}.get(
            key.name, 40
        )
        for key in listing.keys
    ]
    after = _decode(_encode(last), listing.keys)
    query = listing.query.where(listing._after(after))
    return listing._ordered(query).limit(1000).sql()


def _plan(database, sql, params) -> str:
    if not isinstance(database, pw.PostgresqlDatabase):
        rows = database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        return "\n".join(row[-1] for row in rows)
    rows = database.execute_sql(f"EXPLAIN {sql}", params).fetchall()
    return "\n".join(row[0] for row in rows)


@pytest.mark.parametrize("sort", SORTS)
def test_a_sorted_page_starts_at_its_place_in_an_index(app, make_event, sort):
    for day in range(1, 9):
        make_event(date_start=f"2020-03-0{day}", fatalities=day % 3 or None)
    database = app.extensions["dateline_db"]
    with database.connection_context():
        postgres = isinstance(database, pw.PostgresqlDatabase)
        if postgres:
            # A table this small is cheaper to scan and sort; the question is
            # whether an index can hand the page over in order at all.
            for kind in ("seqscan", "bitmapscan", "sort"):
                database.execute_sql(f"SET enable_{kind} = off")
        sql, params = _page_query(list_events(sort=sort))
        plan = _plan(database, sql, params)
        if postgres:
            database.execute_sql("RESET ALL")
        assert Event.select().count() == 8
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
    assert "INDEX" in plan.upper(), plan

"""Lists without sort read in an index's order; large counts are not counted.

A list's default order follows its filters (updated_since: updated_at; q and
date windows: newest first), so that its first page is the start of an index
range whatever the size of the table. The plans here must read such a range
with no sort of their own. Counts past the limit in the planner's estimate
are not run: the total is then the limit, marked inexact.
"""

import json
from datetime import date, datetime

import pytest

import peewee as pw

from api.services import listing
from api.services.event_queries import list_events
from tests.services.test_keyset_plans import _plan


def _first_page(listing_):
    return listing_._ordered(listing_.query).limit(25).sql()


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"updated_since": datetime(2020, 3, 1)}, "updated_at"),
        ({"date_from": date(2020, 3, 1), "date_to": date(2020, 3, 31)}, "date_start"),
        ({"q": "ceasefire"}, "date_start"),
    ],
)
def test_a_default_order_is_an_index_range(app, make_event, filters, index):
    for day in range(1, 9):
        make_event(date_start=f"2020-03-0{day}", summary=f"ceasefire day {day}")
    database = app.extensions["dateline_db"]
    postgres = isinstance(database, pw.PostgresqlDatabase)
    if "q" in filters and not postgres:
        pytest.skip("SQLite reads FTS5 matches whole, then sorts them")
    with database.connection_context():
        if postgres:
            # A table this small is cheaper to scan and sort; the question is
            # whether an index can hand the page over in order at all.
            for kind in ("seqscan", "bitmapscan", "sort"):
                database.execute_sql(f"SET enable_{kind} = off")
        sql, params = _first_page(list_events(**filters))
        plan = _plan(database, sql, params)
        if postgres:
            database.execute_sql("RESET ALL")
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
    assert index in plan, plan


def test_a_count_the_planner_puts_far_past_the_limit_is_not_run(
    app, client, make_event, monkeypatch
):
    make_event()
    database = app.extensions["dateline_db"]
    postgres = isinstance(database, pw.PostgresqlDatabase)
    counted = []
    monkeypatch.setattr(
        listing, "_estimate", lambda query: 2 * listing.COUNT_LIMIT if postgres else 0
    )
    original = pw.Select.scalar

    def scalar(self, *args, **kwargs):
        counted.append(True)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pw.Select, "scalar", scalar)
    meta = json.loads(client.get("/events/").headers["X-Pagination"])
    if postgres:
        # Taken to be past the limit: not counted, and said to be inexact.
        assert meta["total"] == listing.COUNT_LIMIT
        assert meta["total_is_exact"] is False
        assert not counted
    else:
        # SQLite has no estimate to go by: it counts.
        assert meta["total"] == 1
        assert meta["total_is_exact"] is True


def test_the_planner_estimate_is_read(app, make_event):
    for _ in range(3):
        make_event()
    database = app.extensions["dateline_db"]
    if not isinstance(database, pw.PostgresqlDatabase):
        pytest.skip("PostgreSQL's planner only")
    with database.connection_context():
        estimate = listing._estimate(list_events().query.select(pw.SQL("1")))
    assert estimate >= 1


def test_a_count_that_takes_too_long_gives_the_estimate(
    app, client, make_event, monkeypatch
):
    for _ in range(3):
        make_event()
    database = app.extensions["dateline_db"]
    if not isinstance(database, pw.PostgresqlDatabase):
        pytest.skip("SQLite counts whatever it takes")
    original = pw.Select.scalar

    def slow_scalar(self, *args, **kwargs):
        # Stands for a count whose filters no index intersects.
        database.execute_sql("SELECT pg_sleep(0.2)")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pw.Select, "scalar", slow_scalar)
    response = client.get("/events/")
    assert response.status_code == 200
    assert len(response.get_json()) == 3
    meta = json.loads(response.headers["X-Pagination"])
    # The page held every match: the total is known after all.
    assert meta["total"] == 3
    assert meta["total_is_exact"] is True
    # A full page of a list it could not count: estimated, but never fewer
    # than the rows the pages up to it held.
    response = client.get("/events/?page_size=2")
    meta = json.loads(response.headers["X-Pagination"])
    assert meta["total_is_exact"] is False
    assert 3 <= meta["total"] <= listing.COUNT_LIMIT
    # The page after it is served whole: the timeout ended with the count.
    database.execute_sql("SELECT pg_sleep(0.05)")

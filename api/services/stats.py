"""Counts and fatalities of events per period and group, computed with GROUP BY.

The rule for dates known only roughly: an event is counted in a period when its
whole date range (date_start to date_end) lies inside that one period. An event
known only to December 2019 is counted in December's bucket when asked per month
or per year; asked per week or per day, it belongs to no single bucket, and is
counted in ``imprecise`` with the first and last periods it may fall in, never
put on the 1st.
"""

from collections.abc import Callable

import peewee as pw

from api.db import db
from api.models import Actor, Event, EventActor, Location, LocationAncestor
from api.services import event_codes, rollups, search
from api.services.errors import InvalidFilter
from api.services.event_queries import filter_events
from api.services.periods import as_date, floor, following, last_day, truncate

# Zero-filled periods times groups: past this, the answer is no longer a chart.
MAX_BUCKETS = 100_000
# Without an interval asked for, the first of these whose buckets stay within
# MAX_BUCKETS: months, or years when the data spans centuries (one event
# dated in the year 1 made months too many, a 422 for every caller).
AUTOMATIC_INTERVALS = ("month", "year")
# These put one event in several buckets (one per actor, per role).
MULTIPLYING = {"actor", "role"}


def _places_at(kind: str) -> pw.ModelSelect:
    """Each location's enclosing place of ``kind`` (itself, when of that kind)."""
    enclosing = Location.alias("enclosing")
    return (
        LocationAncestor.select(
            LocationAncestor.location,
            pw.fn.MIN(LocationAncestor.ancestor).alias("ancestor_id"),
        )
        .join(enclosing, on=(LocationAncestor.ancestor == enclosing.id))
        .where(enclosing.kind == kind)
        .group_by(LocationAncestor.location)
        .alias("level")
    )


def grouping(group_by, location_level, event_code_level):
    """[(output name, SQL)] to group by, and the joins they need, in request order."""
    columns, joins = [], []
    links = None
    if MULTIPLYING & set(group_by):
        wanted = [EventActor.event]
        wanted += [EventActor.actor] if "actor" in group_by else []
        wanted += [EventActor.role] if "role" in group_by else []
        links = EventActor.select(*wanted)
        if len(wanted) == 2:
            # One row per event and value: an actor in two roles of one event
            # (or a role two actors share) must not count the event twice.
            links = links.distinct()
        links = links.alias("links")
        joins.append(lambda q: _outer(q, links, links.c.event_id == Event.id))
    for name in group_by:
        if name == "country":
            place = Location.alias("place")
            columns.append(("country", place.country))
            joins.append(lambda q, p=place: _outer(q, p, Event.location == p.id))
        elif name == "location" and location_level:
            level = _places_at(location_level)
            columns.append(("location_id", level.c.ancestor_id))
            joins.append(
                lambda q, v=level: _outer(q, v, v.c.location_id == Event.location)
            )
        elif name == "location":
            columns.append(("location_id", Event.location))
        elif name == "event_code":
            full = event_code_level != "root"
            # Literal arguments: PostgreSQL's statistics on this expression
            # (migration 010) then match it in a prepared statement's generic
            # plan too, where parameters would be unknown.
            root = pw.fn.SUBSTR(Event.event_code, pw.SQL("1"), pw.SQL("2"))
            code = Event.event_code if full else root
            columns.append(("event_code", code))
        elif name == "actor":
            columns.append(("actor_id", links.c.actor_id))
        elif name == "role":
            columns.append(("role", links.c.role))
        elif name == "source":
            columns.append(("source", Event.source))
    return columns, joins


def _outer(query: pw.ModelSelect, dest, on) -> pw.ModelSelect:
    return query.join_from(Event, dest, pw.JOIN.LEFT_OUTER, on=on)


def aggregate_query(interval: str, columns, joins, q, filters) -> pw.ModelSelect:
    """The GROUP BY: periods (unless ``interval`` is none), then ``columns``,
    then events, deaths and known deaths."""
    periods = []
    if interval != "none":
        # PostgreSQL keeps statistics on these expressions (migration 009).
        periods = [
            truncate(Event.date_start, interval),
            truncate(Event.date_end, interval),
        ]
    keys = periods + [expression for _, expression in columns]
    query = Event.select(
        *keys,
        pw.fn.COUNT(pw.SQL("*")),
        pw.fn.SUM(Event.fatalities),
        pw.fn.COUNT(Event.fatalities),
    )
    for join in joins:
        query = join(query)
    if q:
        matches = search.matching_events(q).alias("text_match")
        query = query.join_from(Event, matches, on=(Event.id == matches.c.id))
    # By position: PostgreSQL does not see that two parameterised copies of
    # one expression (SELECT and GROUP BY) are the same.
    return filter_events(query, filters).group_by(
        *[pw.SQL(str(i)) for i in range(1, len(keys) + 1)]
    )


def _aggregate(interval: str, columns, joins, q, filters):
    """(first period, last period, group values, events, deaths, known) rows."""
    names = [name for name, _ in columns]
    if rollups.servable(names, q, filters):
        query = rollups.rollup_query(interval, names, filters)
    else:
        query = aggregate_query(interval, columns, joins, q, filters)
    # A few hundred periods recur in thousands of rows: each is read once.
    day = {}
    for row in db.execute(query).fetchall():
        if not row[-3]:
            continue  # no GROUP BY and nothing matched: the one all-zero row
        first = last = None
        if interval != "none":
            first = day.get(row[0]) or day.setdefault(row[0], as_date(row[0]))
            last = day.get(row[1]) or day.setdefault(row[1], as_date(row[1]))
            row = row[2:]
        yield first, last, tuple(row[:-3]), row[-3], row[-2] or 0, row[-1]


def event_stats(
    interval: str | None = None,
    group_by: list[str] | None = None,
    location_level: str | None = None,
    event_code_level: str = "full",
    q: str | None = None,
    **filters,
) -> dict:
    """Buckets of events per period and group, zero-filled, with the imprecise ones.

    ``filters`` are GET /events's. With ``group_by`` actor or role an event is
    counted once per actor (role) it has; ``totals`` count each event once.
    Without ``interval``, the first of AUTOMATIC_INTERVALS that fits.
    """
    group_by = list(dict.fromkeys(group_by or []))
    columns, joins = grouping(group_by, location_level, event_code_level)
    intervals = (interval,) if interval else AUTOMATIC_INTERVALS
    interval, precise, imprecise, periods, groups = _series(
        intervals, columns, joins, q, filters
    )
    once = (precise, imprecise)
    if MULTIPLYING & set(group_by):
        once = _collect(_aggregate(interval, [], [], q, filters))
    names = [name for name, _ in columns]
    labels = _labels(names, groups)
    return {
        "interval": interval,
        "group_by": group_by,
        **_range(periods, interval),
        "totals": _totals(*once),
        "buckets": [
            {"period": p, **_named(names, g, labels), **precise.get((p, g), _ZERO)}
            for p in periods
            for g in groups
        ],
        "imprecise": [
            {"period": key[0], "last_period": key[1], **_named(names, key[2], labels)}
            | counts
            for key, counts in sorted(imprecise.items(), key=_spread_order(groups))
        ],
    }


_ZERO = {"events": 0, "fatalities": 0, "fatalities_unknown": 0}


def _series(intervals: tuple[str, ...], columns, joins, q, filters) -> tuple:
    """(interval, precise, imprecise, periods, groups) for the first of
    ``intervals`` whose periods times groups stay within MAX_BUCKETS."""
    for interval in intervals:
        aggregated = _aggregate(interval, columns, joins, q, filters)
        precise, imprecise = _collect(aggregated)
        periods = _periods(interval, filters, precise, imprecise)
        groups = sorted({k[-1] for k in (*precise, *imprecise)}, key=_nulls_last)
        if len(periods) * max(1, len(groups)) <= MAX_BUCKETS:
            return interval, precise, imprecise, periods, groups
    raise InvalidFilter(
        "Too many buckets.",
        {
            "interval": [
                f"Over {MAX_BUCKETS} buckets: ask for a longer interval, a "
                "shorter date range or fewer groups."
            ]
        },
    )


def _range(periods: list, interval: str) -> dict:
    """The first and last day the series covers (none without periods)."""
    known = [p for p in periods if p is not None]
    if not known:
        return {"date_from": None, "date_to": None}
    last = last_day(known[-1], interval)
    return {"date_from": known[0], "date_to": last}


def _collect(rows) -> tuple[dict, dict]:
    """Counts by (period, group) where the event fits one period, else by span."""
    precise, imprecise = {}, {}
    for first, last, group, events, deaths, known in rows:
        if first == last:
            into, key = precise, (first, group)
        else:
            into, key = imprecise, (first, last, group)
        counts = into.setdefault(key, dict(_ZERO))
        counts["events"] += events
        counts["fatalities"] += deaths
        counts["fatalities_unknown"] += events - known
    return precise, imprecise


def _totals(precise: dict, imprecise: dict) -> dict:
    totals = dict(_ZERO)
    for counts in (*precise.values(), *imprecise.values()):
        for name, value in counts.items():
            totals[name] += value
    totals["imprecise_events"] = sum(c["events"] for c in imprecise.values())
    return totals


def _spread_order(groups: list[tuple]) -> Callable:
    """Imprecise buckets by their periods, then in the order of ``groups``."""
    rank = {group: index for index, group in enumerate(groups)}

    def order(item) -> tuple:
        (first, last, group), _ = item
        return first, last, rank[group]

    return order


def _nulls_last(group: tuple) -> tuple:
    return tuple((True, 0) if v is None else (False, v) for v in group)


def _periods(interval, filters, precise, imprecise) -> list:
    """Every period from the asked range, or else from the data's first to last."""
    if interval == "none":
        return [None]
    seen = [k[0] for k in precise] + [k[0] for k in imprecise]
    ends = [k[0] for k in precise] + [k[1] for k in imprecise]
    low, high = filters.get("date_from"), filters.get("date_to")
    low = floor(low, interval) if low else min(seen, default=None)
    high = floor(high, interval) if high else max(ends, default=None)
    periods = []
    while low is not None and high is not None and low <= high:
        periods.append(low)
        low = following(low, interval)
        if len(periods) > MAX_BUCKETS:
            break  # the caller refuses the request
    return periods


def _labels(names: list[str], groups: list[tuple]) -> dict[str, Callable]:
    """Readable names for ids and codes, looked up once for all groups."""
    found = {}
    for index, name in enumerate(names):
        values = {g[index] for g in groups if g[index] is not None}
        if name == "location_id":
            rows = Location.select(Location.id, Location.name).where(
                Location.id.in_(list(values))
            )
            found["location_name"] = (index, dict(rows.tuples()))
        elif name == "actor_id":
            rows = Actor.select(Actor.id, Actor.name).where(Actor.id.in_(list(values)))
            found["actor_name"] = (index, dict(rows.tuples()))
        elif name == "event_code":
            book = event_codes.codebook()
            names_of = {v: book.get(v, {}).get("name") for v in values}
            found["event_name"] = (index, names_of)
    return found


def _named(names: list[str], group: tuple, labels: dict) -> dict:
    named = dict(zip(names, group, strict=True))
    for label, (index, lookup) in labels.items():
        named[label] = lookup.get(group[index])
    return named

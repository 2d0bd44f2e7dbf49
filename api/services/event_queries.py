"""The analyst's query language over events: filters, sorting, embedding."""

import math
from datetime import date, timedelta

import peewee as pw

from geopy.distance import geodesic

from api.models import (
    Actor,
    ActorAlias,
    Event,
    EventActor,
    EventSource,
    Location,
)
from api.services import event_codes, hierarchy, search
from api.services.listing import (
    Listing,
    SortKey,
    key,
    parse_sort,
    ranked_sort,
    to_date,
    to_datetime,
)
from api.services.loading import attach
from reference.text import fold

# Written as a literal: an index on an expression serves only that expression,
# and a bound parameter in its place is another one (migration 011).
UNKNOWN_FATALITIES = -1
KNOWN_FATALITIES = pw.fn.COALESCE(Event.fatalities, pw.SQL(str(UNKNOWN_FATALITIES)))
SORTS = {
    "id": key(Event.id, int),
    "date_start": key(Event.date_start, to_date),
    "date_end": key(Event.date_end, to_date),
    "event_code": key(Event.event_code),
    # Unknown fatalities sort below zero.
    "fatalities": SortKey("fatalities", KNOWN_FATALITIES, int, UNKNOWN_FATALITIES),
    "created_at": key(Event.created_at, to_datetime),
    "updated_at": key(Event.updated_at, to_datetime),
}
DEFAULT_SORT = "id"
INCLUDES = ("actors", "sources", "location")


def _codes(prefixes: list[str]) -> list[str]:
    # CAMEO nests by prefix (19 > 195 > 1951); expand to the codebook's codes so
    # the filter is an indexed IN on both databases.
    return sorted(
        {c for c in event_codes.codebook() if any(c.startswith(p) for p in prefixes)}
    )


def matching_actor_ids(values: list[str]) -> pw.ModelSelect:
    """Actors named by id, by name or by any alias, ignoring case and accents."""
    numeric = [v for v in values if v.isascii() and v.isdigit()]
    ids = [int(v) for v in numeric if int(v) < 2**31]
    condition = Actor.id.in_(ids) if ids else None
    for text in (fold(v) for v in values if v not in numeric):
        text = text.replace("%", "").replace("_", "")
        if not text:
            continue
        words = (
            (Actor.search_name == text)
            | Actor.search_name.startswith(text + " ")
            | Actor.search_name.endswith(" " + text)
            | Actor.search_name.contains(" " + text + " ")
        )
        aliased = ActorAlias.select(ActorAlias.actor).where(
            ActorAlias.search_name == text
        )
        clause = words | Actor.id.in_(aliased)
        condition = clause if condition is None else condition | clause
    if condition is None:
        condition = Actor.id.is_null()
    return Actor.select(Actor.id).where(condition)


def _near_location_ids(near: dict) -> list[int]:
    lat, lon, radius = near["lat"], near["lon"], near["radius_km"]
    # A box around the circle narrows the candidates in SQL; the exact distance
    # is then measured on the few that remain.
    dlat = radius / 110.574
    box = Location.latitude.between(lat - dlat, lat + dlat)
    dlon = radius / (111.320 * max(0.01, math.cos(math.radians(lat))))
    if -180 <= lon - dlon and lon + dlon <= 180:
        box &= Location.longitude.between(lon - dlon, lon + dlon)
    rows = Location.select(Location.id, Location.latitude, Location.longitude).where(
        box & Location.longitude.is_null(False)
    )
    return [
        location_id
        for location_id, la, lo in rows.tuples()
        if geodesic((lat, lon), (la, lo)).km <= radius
    ]


def bbox_condition(box: dict) -> pw.Expression:
    lat = Location.latitude.between(box["min_lat"], box["max_lat"])
    if box["min_lon"] <= box["max_lon"]:
        return lat & Location.longitude.between(box["min_lon"], box["max_lon"])
    # Crossing the antimeridian: east of min_lon or west of max_lon.
    return lat & (
        (Location.longitude >= box["min_lon"]) | (Location.longitude <= box["max_lon"])
    )


def _actor_links(actor, actor_id, role, actor_kind, actor_country) -> pw.ModelSelect:
    """Events with one actor link that meets every actor-side condition at once."""
    links = EventActor.select(EventActor.event)
    if actor:
        # Resolved first: planners cannot guess how few actors a name matches,
        # and plan the link lookup as if it were thousands.
        ids = [i for (i,) in matching_actor_ids(actor).tuples()]
        links = links.where(EventActor.actor.in_(ids))
    if actor_id:
        links = links.where(EventActor.actor.in_(actor_id))
    if role:
        links = links.where(EventActor.role.in_(role))
    if actor_kind or actor_country:
        chosen = Actor.select(Actor.id)
        if actor_kind:
            chosen = chosen.where(Actor.kind.in_(actor_kind))
        if actor_country:
            chosen = chosen.where(Actor.country.in_(actor_country))
        links = links.where(EventActor.actor.in_(chosen))
    return links


def longest_span() -> int:
    """Days between date_start and date_end of the longest event (indexed)."""
    value = Event._meta.database.execute_sql(
        "SELECT MAX(span_days) FROM event"
    ).fetchone()[0]
    return int(value or 0)


def _days_before(day: date) -> date:
    """``day`` less the longest span stored, or the first day there is: a
    date_from near the year 1 overflowed (a 422 naming nothing)."""
    widest = longest_span()
    if (day - date.min).days <= widest:
        return date.min
    return day - timedelta(days=widest)


def filter_events(query: pw.ModelSelect, f: dict) -> pw.ModelSelect:
    """Apply every filter given in ``f`` (the names of GET /events parameters)."""
    if f.get("event_code"):
        query = query.where(Event.event_code.in_(_codes(f["event_code"])))
    # Overlap: an event known only to a month matches any day of that month.
    if f.get("date_from") is not None:
        query = query.where(Event.date_end >= f["date_from"])
        # The same bound on date_start, from the longest span stored, lets the
        # date_start index narrow both sides of the window.
        query = query.where(Event.date_start >= _days_before(f["date_from"]))
    if f.get("date_to") is not None:
        query = query.where(Event.date_start <= f["date_to"])
    if f.get("date_precision"):
        query = query.where(Event.date_precision.in_(f["date_precision"]))
    if f.get("updated_since") is not None:
        query = query.where(Event.updated_at >= f["updated_since"])
    if f.get("location"):
        query = query.where(
            Event.location.in_(hierarchy.descendants_or_self(f["location"]))
        )
    if f.get("location_id"):
        query = query.where(Event.location.in_(f["location_id"]))
    if f.get("country"):
        placed = Location.select(Location.id).where(Location.country.in_(f["country"]))
        query = query.where(Event.location.in_(placed))
    if f.get("bbox"):
        # Resolved first, like `near`: the place list is small and exact, and a
        # subquery's estimate would send planners to fetch and sort every match.
        boxed = Location.select(Location.id).where(bbox_condition(f["bbox"]))
        query = query.where(Event.location.in_([i for (i,) in boxed.tuples()]))
    if f.get("near"):
        query = query.where(Event.location.in_(_near_location_ids(f["near"])))
    actor_side = [
        f.get(k) for k in ("actor", "actor_id", "role", "actor_kind", "actor_country")
    ]
    if any(actor_side):
        query = query.where(Event.id.in_(_actor_links(*actor_side)))
    if f.get("article_id") is not None:
        reported = EventSource.select(EventSource.event).where(
            EventSource.article == f["article_id"]
        )
        query = query.where(Event.id.in_(reported))
    # On the sort key's expression, whose index (migration 011) they then use;
    # unknown fatalities (-1 there) match neither bound, as NULL would not.
    if f.get("fatalities_min") is not None:
        query = query.where(KNOWN_FATALITIES >= f["fatalities_min"])
    if f.get("fatalities_max") is not None:
        query = query.where(KNOWN_FATALITIES.between(0, f["fatalities_max"]))
    if f.get("source"):
        named = [s for s in f["source"] if s != "none"]
        condition = Event.source.in_(named)
        if len(named) < len(f["source"]):
            condition |= Event.source.is_null()
        query = query.where(condition)
    if f.get("source_id"):
        query = query.where(Event.source_id == f["source_id"])
    return query


def _narrow_window(filters: dict) -> bool:
    start, end = filters.get("date_from"), filters.get("date_to")
    return start is not None and end is not None and (end - start).days <= 120


def default_sort(filters: dict, q: str | None) -> str:
    """The order of a list asked for without ``sort``: the one its filters
    read in index order, so a page costs the same at any size of table."""
    if filters.get("updated_since") is not None:
        # A sync scan: changes in the order they were made.
        return "updated_at"
    if q or filters.get("date_from") is not None or filters.get("date_to") is not None:
        return "-date_start"
    return DEFAULT_SORT


def list_events(
    sort: str | None = None,
    fields: list[str] | None = None,
    include: list[str] | None = None,
    cursor: str | None = None,
    q: str | None = None,
    **filters,
) -> Listing:
    query = filter_events(Event.select(), filters)
    ranked, sort = ranked_sort(sort)
    order = parse_sort(sort or default_sort(filters, q), SORTS)
    if order[0][0].name == "id" and _narrow_window(filters):
        # Ids follow time, so walking the id index to a narrow window reads
        # most of the table; sorting the window's rows is far cheaper.
        order = [
            (SortKey("id", Event.id + 0, int) if k.name == "id" else k, d)
            for k, d in order
        ]
    if q:
        matches = search.matching_events(q, ranked).alias("text_match")
        query = query.join(matches, on=(Event.id == matches.c.id))
        if ranked:
            order = [(SortKey("score", matches.c.score), True), *order]
    return Listing(
        query,
        order,
        hydrate=lambda rows: attach(rows, include or ()),
        fields=fields,
        cursor=cursor,
        renames={"location": "place"},
    )

"""Whole result sets as plain rows, a batch at a time, for streamed exports.

An export is bound by per-row Python work, so rows are read from the cursor
and decoded here rather than through peewee's per-value converters (which
parse every SQLite timestamp with strptime), and each batch's links are asked
for with one array parameter rather than a thousand placeholders. Values
come as every writer outputs them: a date is a date or its ISO text (as
SQLite stores it), a timestamp aware UTC or its ISO 8601 text with +00:00.
"""

from collections.abc import Iterator, Sequence
from datetime import UTC
from functools import cache
from itertools import groupby
from operator import itemgetter

import peewee as pw

import orjson

from api.db import is_sqlite
from api.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventSource,
    Location,
    LocationAncestor,
)
from api.models.base import JSONTextField, UTCDateTimeField
from api.services import event_codes
from api.services.common import among_listed, id_list
from api.services.listing import Listing


def batches(
    listing: Listing, columns: Sequence[str], size: int
) -> Iterator[list[dict]]:
    """The rows of ``listing`` in its order, as dicts keyed by column name.

    Nothing is read until the batches are iterated; a bad cursor raises now.
    Rows are read ``size`` at a time by keyset from the listing's cursor on:
    memory stays flat whatever the number of rows. Events also carry their
    place (``location_*``; ``location_parents``: the places it lies in,
    nearest first, each as name, kind, country, latitude, longitude), their
    fatality range, code name and links
    (``actor_links``: event id, actor id, role, name, kind, country;
    ``source_links``: event id, article id, quote, URL); actors their aliases.
    """
    model = listing.query.model
    names = list(dict.fromkeys([*columns, *(k.name for k in listing.keys)]))
    selected = [model._meta.columns[name].alias(name) for name in names]
    widen, attach = _EXTRAS.get(model, (None, None))

    def shape(query):
        query = query.select(*selected)
        return widen(query) if widen else query

    return _attached(listing.scan(size, shape, _read), attach)


def _attached(scan, attach):
    # What later batches meet again (places with their chains, actors): read
    # once per export. It grows with the places and actors met, not the rows.
    known: dict = {}
    for rows in scan:
        if attach:
            attach(rows, known)
        yield rows


def _as_utc(value):
    if value.__class__ is str:
        # UTCDateTimeField keeps naive UTC as "YYYY-MM-DD HH:MM:SS[.ffffff]";
        # rewritten, it is exactly isoformat() of the aware value, for far
        # less than parsing it, which would be much of the cost of reading a row.
        return value.replace(" ", "T", 1) + "+00:00"
    # PostgreSQL's: the same text (what isoformat() writes of the aware
    # value), which every format takes as it is, and in one call.
    if value.tzinfo is None:
        return value.isoformat() + "+00:00"
    return value.astimezone(UTC).isoformat()


def _decoder(node):
    field = node.unwrap() if isinstance(node, pw.Node) else node
    if isinstance(field, UTCDateTimeField):
        return _as_utc
    return orjson.loads if isinstance(field, JSONTextField) else None


def _read(query: pw.ModelSelect) -> list[dict]:
    """The rows of ``query`` as dicts, timestamps aware UTC as the models give."""
    names = [getattr(node, "_alias", None) or node.name for node in query._returning]
    decoders = [(names[i], d) for i, d in enumerate(map(_decoder, query._returning))]
    cursor = query.model._meta.database.execute(query)
    rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    # Column by column: a loop per decoded column, not per row and column.
    for name, decode in decoders:
        if decode is not None:
            for row in rows:
                value = row[name]
                if value is not None:
                    row[name] = decode(value)
    return rows


# Where the ids go in a query compiled once (see _ByIds).
_IDS = object()


def _among(column: pw.Field, ids) -> pw.Expression:
    return among_listed(column, ids if ids is _IDS else id_list(ids))


class _ByIds:
    """A query of the rows for some ids, its SQL built once per kind of database.

    An export runs each such query once a batch; peewee building it anew cost
    a sixth of reading the rows it returns.
    """

    def __init__(self, build):
        self.build = build
        self.compiled: dict[bool, tuple[str, list]] = {}

    def __call__(self, ids: list[int]) -> list[tuple]:
        sqlite = is_sqlite()
        if sqlite not in self.compiled:
            self.compiled[sqlite] = self.build(_IDS).sql()
        sql, params = self.compiled[sqlite]
        value = id_list(ids)
        bound = [value if param is _IDS else param for param in params]
        return Event._meta.database.execute_sql(sql, bound).fetchall()


_ACTOR_LINKS = _ByIds(
    lambda ids: (
        EventActor.select(EventActor.event, EventActor.actor, EventActor.role)
        .where(_among(EventActor.event, ids))
        .order_by(EventActor.event, EventActor.position, EventActor.id)
    )
)
_ACTORS = _ByIds(
    lambda ids: Actor.select(Actor.id, Actor.name, Actor.kind, Actor.country).where(
        _among(Actor.id, ids)
    )
)
_SOURCE_LINKS = _ByIds(
    lambda ids: (
        EventSource.select(
            EventSource.event, EventSource.article, EventSource.quote, Article.url
        )
        .join(Article, on=(EventSource.article == Article.id))
        .where(_among(EventSource.event, ids))
        .order_by(EventSource.event, EventSource.position, EventSource.id)
    )
)
_PARENTS = _ByIds(
    lambda ids: (
        LocationAncestor.select(
            LocationAncestor.location,
            Location.name,
            Location.kind,
            Location.country,
            Location.latitude,
            Location.longitude,
        )
        .join(Location, on=(LocationAncestor.ancestor == Location.id))
        .where(_among(LocationAncestor.location, ids) & (LocationAncestor.depth > 0))
        .order_by(LocationAncestor.location, LocationAncestor.depth)
    )
)


PLACE_ROWS = _ByIds(
    lambda ids: Location.select(
        Location.id,
        Location.name,
        Location.kind,
        Location.country,
        Location.latitude,
        Location.longitude,
    ).where(_among(Location.id, ids))
)
_PLACE_KEYS = (
    "location_name",
    "location_kind",
    "location_country",
    "location_latitude",
    "location_longitude",
)
_NO_PLACE = (dict.fromkeys(_PLACE_KEYS), ())


def _widen_events(query: pw.ModelSelect) -> pw.ModelSelect:
    """What the CSV has beyond the JSON record (the fatality range), so that
    it can be imported again."""
    return query.select_extend(
        Event.fatalities_low.alias("fatalities_low"),
        Event.fatalities_high.alias("fatalities_high"),
    )


def _attach_places(rows: list[dict], known: dict) -> None:
    """Each event's place and the places it lies in, and its code's name.

    Places recur across an export: each is read once, with its chain, rather
    than joined to every event row, which made the events query much slower.
    """
    names = _code_names()
    places = known.setdefault("places", {})
    new = {row["location_id"] for row in rows} - places.keys() - {None}
    if new:
        chains = parent_chains(new)
        for place_id, *values in PLACE_ROWS(sorted(new)):
            fields = dict(zip(_PLACE_KEYS, values, strict=True))
            places[place_id] = (fields, chains.get(place_id, ()))
    for row in rows:
        fields, chain = places.get(row["location_id"], _NO_PLACE)
        row.update(fields)
        row["location_parents"] = chain
        row["event_name"] = names.get(row["event_code"])


def _attach_event_links(rows: list[dict], known: dict) -> None:
    _attach_places(rows, known)
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["actor_links"] = row["source_links"] = ()
    links = _ACTOR_LINKS(list(by_id))
    actors = known.setdefault("actors", {})
    new_actors = {link[1] for link in links} - actors.keys()
    if new_actors:
        actors.update((row[0], row[1:]) for row in _ACTORS(sorted(new_actors)))
    _group(by_id, "actor_links", [(*link, *actors[link[1]]) for link in links])
    _group(by_id, "source_links", _SOURCE_LINKS(list(by_id)))


def parent_chains(location_ids: set[int]) -> dict[int, tuple]:
    """Each place's enclosing places, nearest first, from the closure table.

    The places new to an export: one query, and one tuple per place (equal
    chains are equal tuples, which lets a writer cache their cells).
    """
    if not location_ids:
        return {}
    rows = _PARENTS(sorted(location_ids))
    return {
        place_id: tuple(link[1:] for link in links)
        for place_id, links in groupby(rows, itemgetter(0))
    }


def _group(by_id: dict, key: str, rows: list[tuple]) -> None:
    """Rows ordered by event id, given to each event as they are."""
    for event_id, links in groupby(rows, itemgetter(0)):
        by_id[event_id][key] = list(links)


@cache
def _code_names() -> dict[str, str]:
    return {code: entry["name"] for code, entry in event_codes.codebook().items()}


def _attach_aliases(rows: list[dict], _known: dict) -> None:
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["aliases"] = []
    aliases = (
        ActorAlias.select(ActorAlias.actor, ActorAlias.name)
        .where(_among(ActorAlias.actor, list(by_id)))
        .order_by(ActorAlias.id)
    )
    for actor_id, name in Actor._meta.database.execute(aliases):
        by_id[actor_id]["aliases"].append(name)


_EXTRAS = {
    Event: (_widen_events, _attach_event_links),
    Actor: (None, _attach_aliases),
}

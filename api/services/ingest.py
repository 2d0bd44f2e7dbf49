"""Bulk writes of events with their actors, places and articles, idempotently.

Both the batch endpoint and the file importers hand records here. A record is
an event in the API's shape, whose ``location``, ``actors[].actor`` and
``sources[].article`` may be given inline instead of by id. Inline records are
matched before one is created: by external identity (source + source_id),
then actors by name or alias and country, places by kind, name, country and
parent, articles by URL. An event whose identity exists is updated, and left
alone when the row it came from has not changed.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import orjson

from api.db import db, is_sqlite
from api.models import (
    Actor,
    Article,
    Event,
    EventActor,
    EventSource,
    Location,
)
from api.models.base import current_author, utcnow
from api.services import bulk_sql, event_codes, history, search
from api.services.common import fold, missing_ids
from api.services.errors import InvalidData
from api.services.events import derive_date_end
from api.services.native_ids import NATIVE_SOURCE, find_native

EVENT_FIELDS = (
    "event_code",
    "summary",
    "date_start",
    "date_end",
    "date_precision",
    "geo_precision",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: list[int | None] = field(default_factory=list)

    def add(self, other: "Tally"):
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.ids.extend(other.ids)


def record_errors(record: dict) -> dict:
    """What is wrong with one record, field by field (empty when it is good)."""
    errors: dict = {}
    code = record.get("event_code")
    if not code or not event_codes.is_known(code):
        errors["event_code"] = [f"Unknown CAMEO event code {code!r}."]
    start, end = record.get("date_start"), record.get("date_end")
    if not isinstance(start, date):
        errors["date_start"] = ["A date is required."]
    elif end is not None and end < start:
        errors["date_end"] = ["Must not be before date_start."]
    for name in ("fatalities", "fatalities_low", "fatalities_high"):
        value = record.get(name)
        if value is not None and not 0 <= value < 2**31:
            errors[name] = ["Must be a whole number from 0."]
    place = record.get("location")
    while isinstance(place, dict):
        lat, lon = place.get("latitude"), place.get("longitude")
        if (lat is not None and not -90 <= lat <= 90) or (
            lon is not None and not -180 <= lon <= 180
        ):
            errors.setdefault("location", {})["latitude"] = [
                "Coordinates out of range."
            ]
        place = place.get("parent")
    for index, link in enumerate(record.get("actors") or []):
        actor = link.get("actor")
        if actor is not None and not (actor.get("name") or "").strip():
            errors.setdefault("actors", {})[index] = {"actor": {"name": ["Required."]}}
    return errors


def _digest(record: dict) -> str:
    raw = orjson.dumps(record, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.md5(raw, usedforsecurity=False).hexdigest()


class Resolver:
    """Finds or creates the actors, places and articles records name.

    Lookups are cached for the whole import, and a country's places, or a
    dataset's actors, are loaded once on first need, so a large file costs a
    few queries per new record rather than several per row.
    """

    def __init__(self, source_file: str | None):
        self.source_file = source_file
        self.now = utcnow()
        # The stored form of ``now`` (naive UTC), for rows written as plain values.
        self.stamp = bulk_sql.storable(self.now)
        self.author = current_author.get()
        self.places: dict[tuple, int] = {}
        self.chains: dict[int, list[tuple[int, int]]] = {}
        self.loaded_countries: set[str | None] = set()
        self.actors: dict[tuple, int] = {}
        self.loaded_actor_sources: set[str] = set()
        self.articles: dict[str, int] = {}
        # Records this import created, for their revisions.
        self.created: dict[type, list[int]] = {Location: [], Actor: [], Article: []}
        self.written = 0
        self.analyzed_at = 0
        self.resolved: dict[str, dict] = {"place": {}, "actor": {}, "article": {}}
        self.unresolved: dict[str, dict] = {"place": {}, "actor": {}, "article": {}}
        self.finders = {
            "place": self.place,
            "actor": self.actor,
            "article": self.article,
        }
        # What every event of this import shares, as values and as JSON.
        shared = {
            "source_file": None,
            "source_imported_at": None,
            "created_at": self.now,
            "updated_at": self.now,
            "created_by": self.author,
            "updated_by": self.author,
        }
        sourced = {
            **shared,
            "source_file": source_file,
            "source_imported_at": self.now,
        }
        self.stamps = b"," + orjson.dumps(shared)[1:-1] + b","
        self.sourced_stamps = b"," + orjson.dumps(sourced)[1:-1] + b","
        self._writer_values = tuple(bulk_sql.storable(v) for v in list(shared.values()))
        self._sourced_writer_values = tuple(
            bulk_sql.storable(v) for v in list(sourced.values())
        )

    def writer_values(self, prepared) -> tuple:
        """WRITER_COLUMNS after location_id, for one event."""
        return self._sourced_writer_values if prepared.key[0] else self._writer_values

    def _provenance(self, spec: dict) -> dict:
        sourced = bool(spec.get("source"))
        return {
            "source": spec.get("source"),
            "source_id": spec.get("source_id"),
            "source_file": self.source_file if sourced else None,
            "source_imported_at": self.now if sourced else None,
            "source_attributes": spec.get("source_attributes"),
            "created_at": self.now,
            "updated_at": self.now,
            "created_by": self.author,
            "updated_by": self.author,
        }

    # Places ---------------------------------------------------------------

    def _load_country(self, country: str | None) -> None:
        if country in self.loaded_countries:
            return
        self.loaded_countries.add(country)
        where = "country = ?" if country else "country IS NULL"
        rows = bulk_sql.select(
            "SELECT id, kind, name, country, parent_id, source, source_id "
            f"FROM location WHERE {where} ORDER BY id",
            (country,) if country else (),
        )
        for place_id, kind, name, code, parent_id, source, source_id in rows:
            self.places.setdefault(_place_key(kind, name, code, parent_id), place_id)
            if source and source_id:
                self.places.setdefault((source, source_id), place_id)

    def _chain(self, place_id: int) -> list[tuple[int, int]]:
        """(ancestor, depth) pairs of a place, itself included at depth 0."""
        if place_id not in self.chains:
            self.chains[place_id] = bulk_sql.select(
                "SELECT ancestor_id, depth FROM location_ancestor "
                "WHERE location_id = ?",
                (place_id,),
            )
        return self.chains[place_id]

    def known(self, kind: str, key, spec: dict | None) -> int:
        """The id of an inline place, actor or article by the key ``prepare`` gave.

        Each is resolved once per import; ``spec`` may be left out (None)
        once its key was seen, which spares sending it again.
        """
        found = self.resolved[kind].get(key)
        if found is None:
            spec = spec or self.unresolved[kind].pop(key, None)
            if spec is None:
                raise LookupError(f"{kind} {key!r} was not given before")
            self.resolved[kind][key] = found = self.finders[kind](spec)
        return found

    def remember(self, prepared: "Prepared") -> None:
        """Keep the specs of a record left unwritten, for later ones that need them."""
        place = prepared.location
        if place is not None and place[1] is not None:
            self.unresolved["place"].setdefault(place[0], place[1])
        for kind, links in (("actor", prepared.actors), ("article", prepared.sources)):
            for _, key, spec, _ in links:
                if spec is not None and key not in self.resolved[kind]:
                    self.unresolved[kind].setdefault(key, spec)

    def place(self, spec: dict | None) -> int | None:
        """The id of a place and its parents, given inline; one lookup when seen."""
        if spec is None:
            return None
        chain = _chain_key(spec)
        if chain in self.places:
            return self.places[chain]
        self.places[chain] = found = self._place(spec)
        return found

    def _place(self, spec: dict) -> int:
        parent_id = self.place(spec.get("parent"))
        country = spec.get("country")
        self._load_country(country)
        identity = (spec.get("source"), spec.get("source_id"))
        key = _place_key(spec["kind"], spec["name"], country, parent_id)
        found = self.places.get(identity) if identity[1] else None
        found = found or self.places.get(key)
        if found is None:
            row = {
                "name": spec["name"].strip()[:300],
                "kind": spec["kind"],
                "country": country,
                "parent_id": parent_id,
                "latitude": spec.get("latitude"),
                "longitude": spec.get("longitude"),
                **self._provenance(spec),
            }
            found = bulk_sql.insert_one("location", row)
            self.created[Location].append(found)
            chain = [(found, 0)]
            if parent_id is not None:
                chain += [(a, d + 1) for a, d in self._chain(parent_id)]
            self.chains[found] = chain
            bulk_sql.insert_many(
                "location_ancestor",
                ("location_id", "ancestor_id", "depth"),
                [(found, a, d) for a, d in chain],
            )
        self.places[key] = found
        if identity[1]:
            self.places[identity] = found
        return found

    # Actors ---------------------------------------------------------------

    def _load_actor_source(self, source: str) -> None:
        if source in self.loaded_actor_sources:
            return
        self.loaded_actor_sources.add(source)
        rows = bulk_sql.select(
            "SELECT source_id, id FROM actor WHERE source = ?", (source,)
        )
        for source_id, actor_id in rows:
            self.actors[(source, source_id)] = actor_id

    def _find_actor(self, folded: str, country: str | None) -> int | None:
        where = "country = ?" if country else "country IS NULL"
        params = (folded, folded, country) if country else (folded, folded)
        rows = bulk_sql.select(
            "SELECT id FROM actor WHERE (search_name = ? OR id IN "
            "(SELECT actor_id FROM actor_alias WHERE search_name = ?)) "
            f"AND {where} ORDER BY id LIMIT 1",
            params,
        )
        return rows[0][0] if rows else None

    def actor(self, spec: dict) -> int:
        name = spec["name"].strip()[:300]
        folded = fold(name)
        identity = (spec.get("source"), spec.get("source_id"))
        if identity[1]:
            self._load_actor_source(identity[0])
            if identity in self.actors:
                return self.actors[identity]
        key = (folded, spec.get("country"))
        found = self.actors.get(key)
        if found is None:
            found = self._find_actor(folded, spec.get("country"))
        if found is None:
            row = {
                "name": name,
                "search_name": folded,
                "kind": spec.get("kind") or "other",
                "country": spec.get("country"),
                "description": spec.get("description"),
                **self._provenance(spec),
            }
            found = bulk_sql.insert_one("actor", row)
            self.created[Actor].append(found)
            aliases = {fold(a): a.strip()[:300] for a in spec.get("aliases") or []}
            aliases.pop("", None)
            bulk_sql.insert_many(
                "actor_alias",
                ("actor_id", "name", "search_name"),
                [(found, a, f) for f, a in aliases.items()],
            )
        self.actors[key] = found
        if identity[1]:
            self.actors[identity] = found
        return found

    # Articles -------------------------------------------------------------

    def article(self, spec: dict) -> int:
        url = spec["url"].strip()
        if url in self.articles:
            return self.articles[url]
        rows = bulk_sql.select("SELECT id FROM article WHERE url = ?", (url,))
        found = rows[0][0] if rows else None
        if found is None:
            row = {
                "url": url,
                "title": spec.get("title") or url,
                "body": spec.get("body"),
                "outlet": spec.get("outlet"),
                "wire_agency": spec.get("wire_agency"),
                "published_at": spec.get("published_at"),
                "language": spec.get("language"),
                **self._provenance(spec),
            }
            found = bulk_sql.insert_one("article", row)
            self.created[Article].append(found)
            search.index_article(
                Article(id=found, title=row["title"], body=row["body"])
            )
        self.articles[url] = found
        return found


def _chain_key(spec: dict) -> tuple:
    """Everything that identifies an inline place, its parents included."""
    key = []
    while spec is not None:
        key.append(
            (spec["kind"], spec["name"], spec.get("country"), spec.get("source_id"))
        )
        spec = spec.get("parent")
    return ("chain", *key)


def _place_key(kind: str, name: str, country: str | None, parent_id) -> tuple:
    # A country is the same country whatever a dataset calls it.
    if kind == "country":
        return (kind, country)
    return (kind, fold(name), country, parent_id)


# Columns an event's values fill in this order: what the record says (known
# before any lookup, so a parser process can compute them), then what the
# writer adds.
PREPARED_COLUMNS = (
    *EVENT_FIELDS,
    "source",
    "source_id",
    "source_attributes",
    "source_hash",
)
WRITER_COLUMNS = (
    "location_id",
    "source_file",
    "source_imported_at",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
)
EVENT_COLUMNS = PREPARED_COLUMNS + WRITER_COLUMNS


class Prepared(NamedTuple):
    """A valid record reduced to what the writer needs, with no lookup done.

    Plain values only: a parser process builds these and sends them over a
    pipe, and tuples of plain values cost a fraction of nested dicts to send.
    """

    key: tuple[str | None, str | None]
    digest: str
    values: tuple  # PREPARED_COLUMNS
    location_id: int | None
    # Inline records as (key, spec), spec None when an earlier record of the
    # same import gave it (see ``once``).
    location: tuple | None
    # (actor_id, key, spec, role): the id, or the key and spec.
    actors: tuple[tuple, ...]
    # (article_id, key, spec, quote)
    sources: tuple[tuple, ...]
    summary: str | None
    # The revision's data without what the writer adds: a JSON object.
    snapshot: bytes
    # A copy of a Dateline record (an export imported again): compared with
    # the event it names by content, since its digest is of another row.
    compares: bool = False
    # The record does not carry the dataset's original row: an update keeps it.
    keeps_attributes: bool = False


def prepare(record: dict) -> Prepared:
    """What a valid record will write, computed without the database."""
    digest = _digest(record)
    precision = record.get("date_precision") or "day"
    end = record.get("date_end") or derive_date_end(record["date_start"], precision)
    fields = {n: record.get(n) for n in EVENT_FIELDS}
    fields["date_precision"], fields["date_end"] = precision, end
    attributes = record.get("source_attributes")
    source = record.get("source")
    values = (
        *fields.values(),
        source,
        record.get("source_id"),
        None if attributes is None else orjson.dumps(attributes).decode(),
        digest,
    )
    fields.update(
        source=source,
        source_id=record.get("source_id"),
        source_attributes=attributes,
    )
    place = record.get("location")
    return Prepared(
        (source, record.get("source_id")),
        digest,
        values,
        record.get("location_id"),
        None if place is None else (_chain_key(place), place),
        tuple(
            (
                link.get("actor_id"),
                _actor_key(link.get("actor")),
                link.get("actor"),
                link["role"],
            )
            for link in record.get("actors") or ()
        ),
        tuple(
            (
                link.get("article_id"),
                _article_key(link.get("article")),
                link.get("article"),
                link.get("quote"),
            )
            for link in record.get("sources") or ()
        ),
        record.get("summary"),
        orjson.dumps(fields),
        bool(record.get("compare_content")),
        bool(record.get("keep_source_attributes")),
    )


def _actor_key(spec: dict | None) -> bytes | None:
    return None if spec is None else orjson.dumps(spec, option=orjson.OPT_SORT_KEYS)


def _article_key(spec: dict | None) -> str | None:
    return None if spec is None else spec["url"].strip()


def once(prepared: Prepared, seen: set) -> Prepared:
    """``prepared`` without the inline specs an earlier record gave (in ``seen``).

    Places and actors recur in every row of a dataset; sent from the reading
    process once each, they cost a fraction to send.
    """
    place = prepared.location
    if place is not None:
        if ("place", place[0]) in seen:
            place = (place[0], None)
        seen.add(("place", place[0]))
    actors = []
    for actor_id, key, spec, role in prepared.actors:
        if spec is not None and ("actor", key) in seen:
            spec = None
        seen.add(("actor", key))
        actors.append((actor_id, key, spec, role))
    sources = []
    for article_id, key, spec, quote in prepared.sources:
        if spec is not None and ("article", key) in seen:
            spec = None
        seen.add(("article", key))
        sources.append((article_id, key, spec, quote))
    return prepared._replace(
        location=place, actors=tuple(actors), sources=tuple(sources)
    )


def _links(prepared: Prepared, event_id: int, resolver: Resolver):
    actors, seen = [], set()
    for position, (actor_id, key, spec, role) in enumerate(prepared.actors):
        actor_id = actor_id or resolver.known("actor", key, spec)
        if (actor_id, role) not in seen:
            seen.add((actor_id, role))
            actors.append((event_id, actor_id, role, position))
    sources = [
        (event_id, article_id or resolver.known("article", key, spec), quote, i)
        for i, (article_id, key, spec, quote) in enumerate(prepared.sources)
    ]
    return actors, sources


def _data(resolver: Resolver, prepared: Prepared, event_id, location_id, links):
    """The revision's data: the prepared part spliced with what the writer adds."""
    actors, sources = links
    added = orjson.dumps(
        {
            "id": event_id,
            "location_id": location_id,
            "actors": [{"actor_id": a, "role": r} for _, a, r, _ in actors],
            "sources": [{"article_id": a, "quote": q} for _, a, q, _ in sources],
        }
    )
    stamps = resolver.sourced_stamps if prepared.key[0] else resolver.stamps
    # Both are non-empty JSON objects: drop one's "}" and the other's "{".
    return b"".join((added[:-1], stamps, prepared.snapshot[1:]))


def write(records: list[Prepared], resolver: Resolver) -> Tally:
    """Write prepared records (in the caller's transaction); count what changed."""
    tally = Tally()
    records = list(records)
    keys = [p.key for p in records]
    existing = _existing(keys)
    # The events this chunk may change, as they are before it.
    before = {
        r.id: history.snapshot(r)
        for r in history.load(
            Event,
            {
                existing[p.key][0]
                for p in records
                if p.key in existing and existing[p.key][1] != p.digest
            },
        )
    }
    fresh, fresh_keyed, changed, unchanged = [], {}, [], {}
    # A file may list one identity twice: the later row wins, the earlier
    # ones count as unchanged and report the same event id.
    latest = {key: index for index, key in enumerate(keys) if key[1]}
    superseded = {}
    location_ids = {}
    # Comparing a record's links resolves them before the records before it
    # had theirs: those must have left their specs.
    compares = any(
        p.compares or existing.get(p.key, (None, None))[1] is NATIVE for p in records
    )
    for index, prepared in enumerate(records):
        key = prepared.key
        if compares:
            resolver.remember(prepared)
        if key[1] and latest[key] != index:
            superseded[index] = latest[key]
            tally.unchanged += 1
            resolver.remember(prepared)
            continue
        known = existing.get(key) if key[1] else None
        if known is not None and known[1] == prepared.digest:
            tally.unchanged += 1
            unchanged[index] = known[0]
            resolver.remember(prepared)
            continue
        place = prepared.location
        location_ids[index] = location_id = prepared.location_id or (
            None if place is None else resolver.known("place", *place)
        )
        if known is not None and (known[1] is NATIVE or prepared.compares):
            prepared = records[index] = _kept(prepared, before[known[0]], known)
            if _same_as(before[known[0]], prepared, location_id, resolver):
                tally.unchanged += 1
                unchanged[index] = known[0]
                continue
        values = (*prepared.values, location_id, *resolver.writer_values(prepared))
        if known is not None:
            changed.append((index, known[0], values))
        elif key[1]:
            fresh_keyed[key] = (index, values)
        else:
            fresh.append((index, values))
    ids: dict[int, int] = {}
    # Keyed new events go in one executemany; their ids come back by identity.
    bulk_sql.insert_many(
        "event", EVENT_COLUMNS, [v for _, v in fresh_keyed.values()], plain=True
    )
    for key, (event_id, _) in _existing(list(fresh_keyed)).items():
        ids[fresh_keyed[key][0]] = event_id
    for index, values in fresh:
        ids[index] = bulk_sql.insert_one(
            "event", dict(zip(EVENT_COLUMNS, values, strict=True))
        )
    tally.created = len(fresh_keyed) + len(fresh)
    columns = Event._meta.columns
    for index, event_id, values in changed:
        row = dict(zip(EVENT_COLUMNS, values, strict=True))
        del row["created_at"], row["created_by"]
        row["source_attributes"] = orjson.loads(row["source_attributes"] or "null")
        Event.update({columns[c]: v for c, v in row.items()}).where(
            Event.id == event_id
        ).execute()
        ids[index] = event_id
    tally.updated = len(changed)
    if changed:
        touched = [event_id for _, event_id, _ in changed]
        EventActor.delete().where(EventActor.event.in_(touched)).execute()
        EventSource.delete().where(EventSource.event.in_(touched)).execute()
    actor_rows, source_rows, texts, revisions = [], [], {}, []
    for index, event_id in sorted(ids.items()):
        prepared = records[index]
        links = actors, sources = _links(prepared, event_id, resolver)
        actor_rows += actors
        source_rows += sources
        quotes = "\n".join(q for *_, q, _ in sources if q)
        texts[event_id] = (prepared.summary, quotes)
        data = _data(resolver, prepared, event_id, location_ids[index], links)
        if event_id in before:
            after = orjson.loads(data)
            after["created_at"] = before[event_id]["created_at"]
            after["created_by"] = before[event_id]["created_by"]
            revisions.append(("event", event_id, "update", before[event_id], after))
        else:
            revisions.append(("event", event_id, "create", None, data))
    bulk_sql.insert_many(
        "event_actor", ("event_id", "actor_id", "role", "position"), actor_rows, True
    )
    bulk_sql.insert_many(
        "event_source",
        ("event_id", "article_id", "quote", "position"),
        source_rows,
        True,
    )
    search.index_texts(texts, replacing=[event_id for _, event_id, _ in changed])
    # Places, actors and articles first, so a mirror meets them before events.
    for model, created in resolver.created.items():
        history.record_created(model, created)
        created.clear()
    history.record_many(r + (None,) for r in revisions)
    _keep_statistics(resolver, len(records))
    for index, final in superseded.items():
        unchanged[index] = ids.get(final, unchanged.get(final))
    tally.ids = [ids.get(i, unchanged.get(i)) for i in range(len(records))]
    return tally


# What an import grows; their statistics steer its lookups on PostgreSQL.
GROWING_TABLES = (
    "event",
    "event_actor",
    "event_source",
    "actor",
    "actor_alias",
    "location",
    "location_ancestor",
    "article",
)


def _keep_statistics(resolver: Resolver, count: int) -> None:
    """Refresh PostgreSQL's statistics each time the import has doubled.

    A long import's tables outgrow the statistics autovacuum last took (it
    cannot see uncommitted rows), and the planner then scans where an index
    lookup would do: at 50k rows into an empty database each lookup read
    the whole table. ANALYZE in the import's own transaction counts its rows.
    """
    resolver.written += count
    if is_sqlite() or resolver.written < max(2 * resolver.analyzed_at, 2000):
        return
    resolver.analyzed_at = resolver.written
    db.execute_sql(f"ANALYZE {', '.join(GROWING_TABLES)}")


def _existing(keys: list[tuple]) -> dict[tuple, tuple[int, str]]:
    by_source: dict[str, list[str]] = {}
    for source, source_id in keys:
        if source and source_id:
            by_source.setdefault(source, []).append(source_id)
    found = {}
    for source, ids in by_source.items():
        rows = bulk_sql.select_in(
            "SELECT source_id, id, source_hash FROM event "
            "WHERE source = ? AND source_id IN ({marks})",
            (source,),
            ids,
        )
        for source_id, event_id, digest in rows:
            found[(source, source_id)] = (event_id, digest)
        if source == NATIVE_SOURCE:
            rest = [i for i in ids if (source, i) not in found]
            for source_id, event_id in find_native(rest).items():
                found[(source, source_id)] = (event_id, NATIVE)
    return found


# The digest of an event entered here: it has none, its content is compared.
NATIVE = object()


def _kept(prepared: Prepared, before: dict, known: tuple) -> Prepared:
    """``prepared`` with what the event keeps of its own: an event entered here
    stays without a dataset identity, and a record that does not carry the
    dataset's original row (``keeps_attributes``) keeps the one stored."""
    values = dict(zip(PREPARED_COLUMNS, prepared.values, strict=True))
    snapshot = orjson.loads(prepared.snapshot)
    if known[1] is NATIVE:
        values.update(source=None, source_id=None, source_hash=None)
        snapshot.update(source=None, source_id=None)
        prepared = prepared._replace(key=(None, None))
    if prepared.keeps_attributes:
        kept = snapshot["source_attributes"] = before["source_attributes"]
        values["source_attributes"] = (
            None if kept is None else orjson.dumps(kept).decode()
        )
    return prepared._replace(
        values=tuple(values.values()), snapshot=orjson.dumps(snapshot)
    )


def _same_as(before: dict, prepared: Prepared, location_id, resolver) -> bool:
    """Whether writing ``prepared`` would leave the event ``before`` as it is."""
    fields = dict(zip(EVENT_FIELDS, prepared.values, strict=False))
    fields["source_attributes"] = orjson.loads(prepared.snapshot)["source_attributes"]
    if any(before[name] != value for name, value in fields.items()):
        return False
    actors, sources = _links(prepared, before["id"], resolver)
    return (
        before["location_id"] == location_id
        and [(a["actor_id"], a["role"]) for a in before["actors"]]
        == [(a, r) for _, a, r, _ in actors]
        and [(s["article_id"], s["quote"]) for s in before["sources"]]
        == [(a, q) for _, a, q, _ in sources]
    )


def _missing_references(records: list[dict]) -> dict:
    errors: dict = {}
    first_seen: dict[tuple, int] = {}
    for index, record in enumerate(records):
        key = (record.get("source"), record.get("source_id"))
        if key[1] and key in first_seen:
            errors[index] = {
                "source_id": [f"Repeats the identity of record {first_seen[key]}."]
            }
        first_seen.setdefault(key, index)
    wanted = {
        "location_id": (Location, {r.get("location_id") for r in records}),
        "actor_id": (
            Actor,
            {a.get("actor_id") for r in records for a in r.get("actors") or []},
        ),
        "article_id": (
            Article,
            {s.get("article_id") for r in records for s in r.get("sources") or []},
        ),
    }
    absent = {name: missing_ids(model, ids) for name, (model, ids) in wanted.items()}
    for index, record in enumerate(records):
        problems = record_errors(record)
        if record.get("location_id") in absent["location_id"]:
            problems["location_id"] = [
                f"Location {record['location_id']} does not exist."
            ]
        for group, name, label in (
            ("actors", "actor_id", "Actor"),
            ("sources", "article_id", "Article"),
        ):
            for position, link in enumerate(record.get(group) or []):
                if link.get(name) in absent[name]:
                    problems.setdefault(group, {})[position] = {
                        name: [f"{label} {link[name]} does not exist."]
                    }
        if problems:
            errors[index] = {**errors.get(index, {}), **problems}
    return errors


def write_batch(records: list[dict | None], label: str, errors: dict) -> Tally:
    """Write every record or none: one bad record and nothing is written.

    ``errors`` holds the records that failed to load (their slot is None);
    the others are checked here, and all problems are reported together.
    """
    with db.atomic():
        loaded = {i: r for i, r in enumerate(records) if r is not None}
        found = _missing_references(list(loaded.values()))
        for position, index in enumerate(loaded):
            if position in found:
                errors[index] = found[position]
        if errors:
            raise InvalidData("Some records are invalid.", {"events": errors})
        return write([prepare(r) for r in loaded.values()], Resolver(label))

"""Bulk writes of events with their actors, places and articles, idempotently.

Both the batch endpoint and the file importers hand records here. A record is
an event in the API's shape, whose ``location``, ``actors[].actor`` and
``sources[].article`` may be given inline instead of by id. Inline records are
matched before one is created: by external identity (source + source_id),
then actors by name or alias and country, places by kind, name, country and
parent, articles by URL. An event whose identity exists is updated, and left
alone when the row it came from has not changed.
"""

from dataclasses import dataclass, field
from datetime import date

import orjson

from api.db import db, is_sqlite
from api.models import (
    Event,
    EventActor,
    EventSource,
)
from api.services import bulk_sql, history, search
from api.services.ingest import bulk_references, identity
from api.services.ingest.records import (
    EVENT_COLUMNS,
    EVENT_FIELDS,
    Prepared,
    Seen,
    prepare,
    record_errors,
    source_attributes,
)
from api.services.ingest.resolver import Resolver

# Callers take these from here: an ingest is prepared, resolved and written.
__all__ = [
    "EVENT_FIELDS",
    "Prepared",
    "Resolver",
    "Seen",
    "Tally",
    "prepare",
    "record_errors",
    "write",
]


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


_LOCATION = EVENT_COLUMNS.index("location_id")


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


def write(records: list[Prepared], resolver: Resolver) -> Tally:
    """Write prepared records (in the caller's transaction); count what changed."""
    tally = Tally()
    records = list(records)
    keys = [p.key for p in records]
    existing = identity.existing(keys)
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
    fresh, changed, unchanged = [], [], {}
    # A file may list one identity twice: the later row wins, the earlier
    # ones count as unchanged and report the same event id.
    latest = {key: index for index, key in enumerate(keys) if key[1]}
    superseded = {}
    # Comparing a record's links resolves them before the records before it
    # had theirs: those must have left their specs.
    compares = any(
        p.key in existing and existing[p.key][1] != p.digest for p in records
    )
    # Events whose row is unchanged although its digest is not (a digest
    # made by an earlier version): they get the new digest, and no revision.
    restamps = []
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
        location_id = prepared.location_id or (
            None if place is None else resolver.known("place", *place)
        )
        if known is not None:
            prepared = records[index] = identity.kept(prepared, before[known[0]], known)
            if _same_as(before[known[0]], prepared, location_id, resolver):
                tally.unchanged += 1
                unchanged[index] = known[0]
                if known[1] is not identity.NATIVE and not prepared.compares:
                    restamps.append((prepared.digest, known[0]))
                continue
        values = (*prepared.values, location_id, *resolver.writer_values(prepared))
        if known is not None:
            changed.append((index, known[0], values))
        else:
            fresh.append((index, values))
    # New events take ids reserved up front, so all go in one statement and
    # none has to be looked up again.
    reserved = bulk_sql.reserve_ids("event", len(fresh))
    ids: dict[int, int] = {
        index: i for (index, _), i in zip(fresh, reserved, strict=True)
    }
    ids.update((index, event_id) for index, event_id, _ in changed)
    # Links resolved first: an actor or article they create is checked as
    # any other insert, before the checks may be turned off below.
    actor_rows, source_rows, texts, revisions = [], [], {}, []
    for index, event_id in sorted(ids.items()):
        prepared = records[index]
        actors, sources = _links(prepared, event_id, resolver)
        actor_rows += actors
        source_rows += sources
        quotes = "\n".join(q for *_, q, _ in sources if q)
        texts[event_id] = (prepared.summary, quotes)
        if event_id not in before:
            revisions.append(("event", event_id, "create", None, None))
    resolver.flush()
    if resolver.checks_in_bulk is None:
        resolver.checks_in_bulk = bulk_references.may_check_in_bulk()
    with bulk_references.checked_in_bulk(
        resolver.checks_in_bulk, resolver.references_held
    ) as references:
        bulk_sql.insert_many(
            "event",
            ("id", *EVENT_COLUMNS),
            [(i, *values) for (_, values), i in zip(fresh, reserved, strict=True)],
            plain=True,
        )
        columns = Event._meta.columns
        for _, event_id, values in changed:
            row = dict(zip(EVENT_COLUMNS, values, strict=True))
            del row["created_at"], row["created_by"]
            row["source_attributes"] = orjson.loads(row["source_attributes"] or "null")
            Event.update({columns[c]: v for c, v in row.items()}).where(
                Event.id == event_id
            ).execute()
        bulk_sql.execute_many("UPDATE event SET source_hash = ? WHERE id = ?", restamps)
        if changed:
            touched = [event_id for _, event_id, _ in changed]
            EventActor.delete().where(EventActor.event.in_(touched)).execute()
            EventSource.delete().where(EventSource.event.in_(touched)).execute()
        bulk_sql.insert_many(
            "event_actor",
            ("event_id", "actor_id", "role", "position"),
            actor_rows,
            True,
        )
        bulk_sql.insert_many(
            "event_source",
            ("event_id", "article_id", "quote", "position"),
            source_rows,
            True,
        )
        search.index_texts(texts, replacing=[event_id for _, event_id, _ in changed])
        # The events the links and texts name are this chunk's own, inserted
        # or updated above: they exist, and are locked until the commit.
        references.add("location", (v[_LOCATION] for _, v in fresh))
        references.add("location", (v[_LOCATION] for _, _, v in changed))
        references.add("actor", (row[1] for row in actor_rows))
        references.add("article", (row[1] for row in source_rows))
    tally.created = len(fresh)
    tally.updated = len(changed)
    revisions += [
        ("event", r.id, "update", before[r.id], history.snapshot(r))
        for r in history.load(Event, [event_id for _, event_id, _ in changed])
    ]
    revisions.sort(key=lambda revision: revision[1])
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
# The events' own tables need statistics only until their shape shows: the
# import looks events up by unique keys, which the planner then estimates
# at a row each however large the table grows (it scales row counts by the
# table's pages). ANALYZE of a 200k-event table took 1.4 s, and 4.3 s of a
# 200k-row import went to analysing these again and again.
EVENT_TABLES = ("event", "event_actor", "event_source")
EVENT_STATISTICS_UNTIL = 20_000


def _keep_statistics(resolver: Resolver, count: int) -> None:
    """Refresh PostgreSQL's statistics each time the import has doubled.

    A long import's tables outgrow the statistics autovacuum last took (it
    cannot see uncommitted rows), and the planner then scans where an index
    lookup would do: at 50k rows into an empty database each lookup read
    the whole table. ANALYZE in the import's own transaction counts its rows.
    Autovacuum analyses the events' tables again once the import commits.
    """
    resolver.written += count
    if is_sqlite() or resolver.written < max(2 * resolver.analyzed_at, 2000):
        return
    resolver.analyzed_at = resolver.written
    tables = GROWING_TABLES
    if resolver.written >= EVENT_STATISTICS_UNTIL:
        tables = tuple(t for t in GROWING_TABLES if t not in EVENT_TABLES)
    db.execute_sql(f"ANALYZE {', '.join(tables)}")


def _same_as(before: dict, prepared: Prepared, location_id, resolver) -> bool:
    """Whether writing ``prepared`` would leave the event ``before`` as it is."""
    fields = dict(zip(EVENT_FIELDS, prepared.values, strict=False))
    fields["source_attributes"] = source_attributes(prepared.values)
    for name in ("date_start", "date_end"):
        fields[name] = date.fromisoformat(fields[name])
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

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
from operator import attrgetter
from typing import NamedTuple

import orjson

from api.db import db, is_sqlite
from api.models import (
    Event,
    EventActor,
    EventSource,
)
from api.services import bulk_sql, history, loading, search
from api.services.ingest import bulk_references
from api.services.ingest.plan import Plan, link_rows, plan_chunk
from api.services.ingest.records import (
    EVENT_COLUMNS,
    EVENT_FIELDS,
    Prepared,
    Seen,
    prepare,
    record_errors,
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


class Links(NamedTuple):
    """What a chunk's written events link to, as rows, and the text they index."""

    actors: list[tuple]  # event_actor rows: event_id, actor_id, role, position
    sources: list[tuple]  # event_source rows: event_id, article_id, quote, position
    texts: dict[int, tuple[str | None, str]]  # event id -> (summary, quotes)


class EventRevision(NamedTuple):
    """A revision of an event, as ``history.record_many`` stores it."""

    kind: str
    record_id: int
    action: str
    before: dict | None
    after: dict | None
    merged_into: int | None


_LOCATION = EVENT_COLUMNS.index("location_id")
_RECORD_ID = attrgetter("record_id")


def write(records: list[Prepared], resolver: Resolver) -> Tally:
    """Write prepared records (in the caller's transaction); count what changed."""
    records = list(records)
    plan = plan_chunk(records, resolver)
    # New events take ids reserved up front, so all go in one statement and
    # none has to be looked up again.
    reserved = bulk_sql.reserve_ids("event", len(plan.fresh))
    ids: dict[int, int] = {
        index: i for (index, _), i in zip(plan.fresh, reserved, strict=True)
    }
    ids.update((index, event_id) for index, event_id, _ in plan.changed)
    # Links resolved first: an actor or article they create is checked as
    # any other insert, before ``_write_rows`` may turn the checks off.
    links = _resolve_links(records, ids, resolver)
    resolver.flush()
    _write_rows(plan, reserved, links, resolver)
    _record_history(plan, ids, resolver)
    _keep_statistics(resolver, len(records))
    return _tally(plan, ids, len(records))


def _resolve_links(
    records: list[Prepared], ids: dict[int, int], resolver: Resolver
) -> Links:
    """The links and texts of the events written, in the records' order."""
    actor_rows, source_rows, texts = [], [], {}
    for index, event_id in sorted(ids.items()):
        prepared = records[index]
        actors, sources = link_rows(prepared, event_id, resolver)
        actor_rows += actors
        source_rows += sources
        quotes = "\n".join(quote for _, _, quote, _ in sources if quote)
        texts[event_id] = (prepared.summary, quotes)
    return Links(actor_rows, source_rows, texts)


def _write_rows(
    plan: Plan, reserved: list[int], links: Links, resolver: Resolver
) -> None:
    """Write the chunk's events, links and texts, their references checked."""
    if resolver.checks_in_bulk is None:
        resolver.checks_in_bulk = bulk_references.may_check_in_bulk()
    with bulk_references.checked_in_bulk(
        resolver.checks_in_bulk, resolver.references_held
    ) as references:
        _write_events(plan, reserved)
        _write_links(plan, links)
        # The events the links and texts name are this chunk's own, inserted
        # or updated above: they exist, and are locked until the commit.
        references.add("location", (v[_LOCATION] for _, v in plan.fresh))
        references.add("location", (v[_LOCATION] for _, _, v in plan.changed))
        references.add("actor", (actor for _, actor, _, _ in links.actors))
        references.add("article", (article for _, article, _, _ in links.sources))


def _write_events(plan: Plan, reserved: list[int]) -> None:
    """Insert the new events, rewrite the changed ones, restamp the unchanged."""
    bulk_sql.insert_many(
        "event",
        ("id", *EVENT_COLUMNS),
        [(i, *values) for (_, values), i in zip(plan.fresh, reserved, strict=True)],
        plain=True,
    )
    columns = Event._meta.columns
    for _, event_id, values in plan.changed:
        row = dict(zip(EVENT_COLUMNS, values, strict=True))
        del row["created_at"], row["created_by"]
        row["source_attributes"] = orjson.loads(row["source_attributes"] or "null")
        Event.update({columns[c]: v for c, v in row.items()}).where(
            Event.id == event_id
        ).execute()
    bulk_sql.execute_many(
        "UPDATE event SET source_hash = ? WHERE id = ?", plan.restamps
    )


def _write_links(plan: Plan, links: Links) -> None:
    """Replace the written events' actor and article links, and index their text."""
    touched = [event_id for _, event_id, _ in plan.changed]
    if touched:
        EventActor.delete().where(EventActor.event.in_(touched)).execute()
        EventSource.delete().where(EventSource.event.in_(touched)).execute()
    bulk_sql.insert_many(
        "event_actor",
        ("event_id", "actor_id", "role", "position"),
        links.actors,
        True,
    )
    bulk_sql.insert_many(
        "event_source",
        ("event_id", "article_id", "quote", "position"),
        links.sources,
        True,
    )
    search.index_texts(links.texts, replacing=touched)


def _record_history(plan: Plan, ids: dict[int, int], resolver: Resolver) -> None:
    """Record the revisions of the events written and what they created."""
    revisions = [
        EventRevision("event", event_id, "create", None, None, None)
        for event_id in ids.values()
        if event_id not in plan.before
    ]
    revisions += [
        EventRevision(
            "event", r.id, "update", plan.before[r.id], history.snapshot(r), None
        )
        for r in loading.load(Event, [event_id for _, event_id, _ in plan.changed])
    ]
    revisions.sort(key=_RECORD_ID)
    # Places, actors and articles first, so a mirror meets them before events.
    for model, created in resolver.created.items():
        history.record_created(model, created)
        created.clear()
    history.record_many(resolver.places.revisions)
    resolver.places.revisions = []
    history.record_many(revisions)


def _tally(plan: Plan, ids: dict[int, int], count: int) -> Tally:
    """What the chunk changed, and each record's event id in the records' order."""
    unchanged = plan.unchanged
    tally = Tally(
        created=len(plan.fresh),
        updated=len(plan.changed),
        unchanged=len(unchanged) + len(plan.superseded),
    )
    for index, final in plan.superseded.items():
        unchanged[index] = ids.get(final, unchanged.get(final))
    tally.ids = [ids.get(i, unchanged.get(i)) for i in range(count)]
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
# table's pages). ANALYZE of a large event table is slow, and a long import
# spent much of its time analysing these again and again.
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

"""What each record of a chunk does to the stored events, worked out first.

A record creates an event, changes the stored event of its identity, leaves
it as it is, or is superseded by a later record of the same identity in its
chunk. Records compared by content resolve their links here already.
"""

from datetime import date
from typing import NamedTuple

from api.models import Event
from api.services import history, loading
from api.services.ingest import identity
from api.services.ingest.records import EVENT_FIELDS, Prepared, source_attributes
from api.services.ingest.resolver import Resolver


class Fresh(NamedTuple):
    """A record that becomes a new event."""

    index: int  # the record's place in its chunk
    values: tuple  # EVENT_COLUMNS


class Changed(NamedTuple):
    """A record that rewrites the stored event of its identity."""

    index: int
    event_id: int
    values: tuple  # EVENT_COLUMNS


class Plan(NamedTuple):
    """What each record of a chunk does to the stored events."""

    # Snapshots of the stored events the chunk may change, by id.
    before: dict[int, dict]
    fresh: list[Fresh]
    changed: list[Changed]
    # Record index -> the id of the event it leaves as it is.
    unchanged: dict[int, int]
    # Record index -> the index of the later record of the same identity.
    superseded: dict[int, int]
    # (digest, event id) of events whose row is unchanged although its digest
    # is not (a digest made by an earlier version): they get the new digest,
    # and no revision.
    restamps: list[tuple[str, int]]


class Lookup(NamedTuple):
    """What a chunk's records are sorted by, looked up once per chunk."""

    # (source, source_id) -> (event id, digest) of the stored events.
    existing: dict[tuple, tuple]
    # The events this chunk may change, as they are before it, by id.
    before: dict[int, dict]
    # (source, source_id) -> the index of its last record in the chunk.
    latest: dict[tuple, int]
    # Whether any record is compared with its stored event.
    compares: bool


def plan_chunk(records: list[Prepared], resolver: Resolver) -> Plan:
    """Sort a chunk's records by what each does to the stored events."""
    existing, before, latest, compares = _look_up(records)
    fresh, changed, unchanged, superseded, restamps = [], [], {}, {}, []
    for index, prepared in enumerate(records):
        key = prepared.key
        _, source_id = key
        # Comparing a record's links resolves them before the records before
        # it had theirs: those must have left their specs.
        if compares:
            resolver.remember(prepared)
        if source_id and latest[key] != index:
            superseded[index] = latest[key]
            resolver.remember(prepared)
            continue
        known = existing.get(key) if source_id else None
        if known is not None:
            event_id, digest = known
            if digest == prepared.digest:
                unchanged[index] = event_id
                resolver.remember(prepared)
                resolver.offer_points(prepared.location)
                continue
        place = prepared.location
        location_id = prepared.location_id or (
            None if place is None else resolver.known("place", *place)
        )
        if known is not None:
            prepared = records[index] = identity.kept(prepared, before[event_id], known)
            if _same_as(before[event_id], prepared, location_id, resolver):
                unchanged[index] = event_id
                if digest is not identity.NATIVE and not prepared.compares:
                    restamps.append((prepared.digest, event_id))
                continue
        values = (*prepared.values, location_id, *resolver.writer_values(prepared))
        if known is None:
            fresh.append(Fresh(index, values))
        else:
            changed.append(Changed(index, event_id, values))
    return Plan(before, fresh, changed, unchanged, superseded, restamps)


def _look_up(records: list[Prepared]) -> Lookup:
    """The chunk's stored events, and what its records are sorted by."""
    keys = [p.key for p in records]
    existing = identity.existing(keys)
    stale = _stale_ids(records, existing)
    before = {r.id: history.snapshot(r) for r in loading.load(Event, stale)}
    # A file may list one identity twice: the later row wins, the earlier
    # ones count as unchanged and report the same event id.
    latest = {key: index for index, key in enumerate(keys) if key[1]}
    return Lookup(existing, before, latest, compares=bool(stale))


def _stale_ids(records: list[Prepared], existing: dict) -> set[int]:
    """The stored events whose record differs from the row they came from."""
    stale = set()
    for prepared in records:
        known = existing.get(prepared.key)
        if known is not None:
            event_id, digest = known
            if digest != prepared.digest:
                stale.add(event_id)
    return stale


def link_rows(prepared: Prepared, event_id: int, resolver: Resolver):
    """The event_actor and event_source rows of one record's event."""
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


def _same_as(before: dict, prepared: Prepared, location_id, resolver) -> bool:
    """Whether writing ``prepared`` would leave the event ``before`` as it is."""
    fields = dict(zip(EVENT_FIELDS, prepared.values, strict=False))
    fields["source_attributes"] = source_attributes(prepared.values)
    for name in ("date_start", "date_end"):
        fields[name] = date.fromisoformat(fields[name])
    if any(before[name] != value for name, value in fields.items()):
        return False
    actors, sources = link_rows(prepared, before["id"], resolver)
    return (
        before["location_id"] == location_id
        and [(a["actor_id"], a["role"]) for a in before["actors"]]
        == [(a, r) for _, a, r, _ in actors]
        and [(s["article_id"], s["quote"]) for s in before["sources"]]
        == [(a, q) for _, a, q, _ in sources]
    )

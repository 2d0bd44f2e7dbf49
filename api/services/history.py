"""History: a revision for every change of a record, and the change feed over all.

Each revision holds the record as it is after the change (``data``, None once
deleted) and the fields the change touched (``changes``). Revision ids grow
in commit order: writers hold a lock from their first revision to their
commit (SQLite has one writer at a time anyway), so a feed reader that asks
for everything after the last id it saw never misses a change.

A creation is stored without its data: until the record's next change, the
record itself holds it, and that change stores it (every change has the
record as it was). Readers get it filled in (``with_data``). Bulk imports
write a creation per event, and storing each row twice, once in the event and
once in its revision, cost imports much of their time and size.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

import peewee as pw

import orjson

from api.db import db
from api.models import Actor, Article, Event, Location, Revision
from api.models.base import current_author, utcnow
from api.services import bulk_sql
from api.services.common import among
from api.services.errors import InvalidFilter, NotFound
from api.services.loading import load

TYPES = {"article": Article, "actor": Actor, "location": Location, "event": Event}
KIND_OF = {model: kind for kind, model in TYPES.items()}
# Internal columns: derived for search or re-imports, not part of the record.
HIDDEN = {"search_name", "source_hash"}
REVISION_COLUMNS = (
    "record_type",
    "record_id",
    "action",
    "at",
    "by",
    "changes",
    "data",
    "merged_into",
)
# A constant the serialising lock is known by on PostgreSQL.
FEED_LOCK = 7_417_001


def snapshot(record) -> dict:
    """The record as a plain dict with the API's field names (links loaded)."""
    data = {}
    for field in type(record)._meta.sorted_fields:
        if field.name in HIDDEN:
            continue
        name = (
            f"{field.name}_id" if isinstance(field, pw.ForeignKeyField) else field.name
        )
        data[name] = record.__data__.get(field.name)
    if isinstance(record, Actor):
        data["aliases"] = list(getattr(record, "aliases", []))
    if isinstance(record, Event):
        data["actors"] = [dict(a) for a in getattr(record, "actors", [])]
        data["sources"] = [dict(s) for s in getattr(record, "sources", [])]
        for link in data["actors"] + data["sources"]:
            link.pop("actor", None)
            link.pop("article", None)
    return data


def _comparable(value):
    # A datetime as the models store it (naive UTC) before it is compared.
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat() if hasattr(value, "isoformat") else value


def unchanged(before: dict, record, **links) -> bool:
    """Whether ``record``, changed in memory, is still what ``before`` was.

    ``links`` are the lists an update replaces (an event's ``actors``, an
    actor's ``aliases``), as ``snapshot`` gives them. An update that changes
    nothing writes nothing: no revision in the change feed, the same ETag.
    """
    return not _changes(before, snapshot(record) | links)


def _changes(before: dict | None, after: dict | None) -> dict:
    before, after = before or {}, after or {}
    changed = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if _comparable(old) != _comparable(new):
            changed[name] = [old, new]
    return changed


def _json(value, sort: bool = False) -> str | None:
    # As the model's JSON column stores it; bulk writers may give it serialised.
    if value is None or value.__class__ is bytes:
        return value and value.decode()
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort else 0).decode()


def _serialise_writers() -> None:
    database = db.obj
    if isinstance(database, pw.PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (FEED_LOCK,))


def record(record, action: str, before: dict | None = None, merged_into=None):
    """Store a revision of ``record`` (a model instance, links loaded)."""
    after = None if action in ("create", "delete", "merge") else snapshot(record)
    record_many(
        [(KIND_OF[type(record)], record.id, action, before, after, merged_into)]
    )


def record_many(rows: Iterable[tuple]) -> None:
    """Store revisions: (kind, id, action, before, after, merged_into) each.

    A creation's ``after`` is not stored (see the module's docstring); every
    other change must give ``before``, which becomes its creation's data if
    that is still unstored.
    """
    rows = list(rows)
    if not rows:
        return
    _serialise_writers()
    now, author = bulk_sql.storable(utcnow()), current_author.get()
    # Raw executemany: building the ORM statement for thousands of revisions
    # cost more than storing them (bulk imports write one per event).
    bulk_sql.insert_many(
        "revision",
        REVISION_COLUMNS,
        [
            (
                kind,
                record_id,
                action,
                now,
                author,
                # A creation's changes are derived from its data when read.
                None
                if action in ("create", "merge")
                else _json(_changes(before, after), sort=True),
                None if action == "create" else _json(after),
                merged_into,
            )
            for kind, record_id, action, before, after, merged_into in rows
        ],
        plain=True,
    )
    _store_creations(
        [
            (_json(before), kind, record_id)
            for kind, record_id, action, before, _, _ in rows
            if action != "create" and before is not None
        ]
    )


def _store_creations(rows: list[tuple]) -> None:
    """Store (data, kind, id): each record's creation, if it has no data yet."""
    bulk_sql.execute_many(
        "UPDATE revision SET data = ? WHERE record_type = ? AND record_id = ?"
        " AND action = 'create' AND data IS NULL",
        rows,
    )


def with_data(revisions: list[Revision]) -> list[Revision]:
    """``revisions`` with the data of creations the next change has not stored."""
    unstored = [r for r in revisions if r.action == "create" and r.data is None]
    if not unstored:
        return revisions
    wanted: dict[str, set[int]] = {}
    for revision in unstored:
        wanted.setdefault(revision.record_type, set()).add(revision.record_id)
    current = {
        (kind, found.id): orjson.loads(_json(snapshot(found)))
        for kind, ids in wanted.items()
        for found in load(TYPES[kind], ids)
    }
    # A change committed since the revisions were read has stored the data as
    # it was before that change, which the records just loaded may show.
    stored = dict(
        Revision.select(Revision.id, Revision.data)
        .where(
            among(Revision.id, [r.id for r in unstored]),
            Revision.data.is_null(False),
        )
        .tuples()
    )
    for revision in unstored:
        revision.data = stored.get(revision.id) or current.get(
            (revision.record_type, revision.record_id)
        )
    return revisions


def history(kind: str, record_id: int) -> list[Revision]:
    revisions = list(
        Revision.select()
        .where((Revision.record_type == kind) & (Revision.record_id == record_id))
        .order_by(Revision.id)
    )
    if not revisions:
        raise NotFound(kind.capitalize(), record_id)
    return with_data(revisions)


def tombstone(kind: str, record_id: int) -> Revision | None:
    """The revision that deleted or merged away a record, if it is gone."""
    last = (
        Revision.select()
        .where((Revision.record_type == kind) & (Revision.record_id == record_id))
        .order_by(Revision.id.desc())
        .first()
    )
    return last if last is not None and last.action in ("delete", "merge") else None


def tombstone_for(error: NotFound) -> Revision | None:
    """The tombstone behind a NotFound for a record that once existed."""
    kind = str(error.record).lower()
    if kind not in TYPES or not isinstance(error.record_id, int):
        return None
    return tombstone(kind, error.record_id)


def changes_after(after: int, limit: int, kinds: list[str] | None = None):
    query = Revision.select().where(Revision.id > after)
    if kinds:
        query = query.where(Revision.record_type.in_(kinds))
    return with_data(list(query.order_by(Revision.id).limit(limit)))


def parse_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    if cursor.isascii() and cursor.isdigit() and int(cursor) < 2**63:
        return int(cursor)
    raise InvalidFilter(
        "Invalid cursor.", {"after": ["Use the cursor of a previous page, or 0."]}
    )


def record_created(model, ids: Iterable[int]) -> None:
    record_many((KIND_OF[model], i, "create", None, None, None) for i in sorted(ids))


def updating(model, ids: Iterable[int]):
    """Snapshots before a bulk change; call the result after it to record it."""
    ids = list(ids)
    before = {r.id: snapshot(r) for r in load(model, ids)}

    def done():
        record_many(
            (KIND_OF[model], r.id, "update", before.get(r.id), snapshot(r), None)
            for r in load(model, ids)
        )

    return done

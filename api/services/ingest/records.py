"""What an ingested record will write, worked out without the database.

A record is checked (``record_errors``) and reduced to a ``Prepared`` tuple
of plain values: its event columns and digest, and its
inline places, actors and articles by key. A reading process does this for
a large file while the writer writes (see ``import_reading``).
"""

import hashlib
from datetime import date
from typing import NamedTuple

import orjson

from api.services import event_codes
from api.services.precision import derive_date_end

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


# The longest text each column takes (the models' max_length, as the batch
# schema checks it): PostgreSQL refuses a longer value, and SQLite would
# keep what the API refuses.
IDENTITY_LIMITS = {"source": 32, "source_id": 100}
LIMITS = {
    "event": IDENTITY_LIMITS,
    "place": {"name": 300, "kind": 32, **IDENTITY_LIMITS},
    "actor": {"name": 300, "kind": 32, **IDENTITY_LIMITS},
    "article": {
        "url": 2048,
        "title": 1000,
        "outlet": 300,
        "wire_agency": 300,
        **IDENTITY_LIMITS,
    },
}


def _too_long(kind: str, spec: dict) -> dict:
    errors = {}
    for name, limit in LIMITS[kind].items():
        value = spec.get(name)
        if value.__class__ is str and len(value) > limit:
            errors[name] = [f"Longer than {limit} characters ({len(value)})."]
    return errors


def _place_errors(place: dict) -> dict:
    errors: dict = {}
    while isinstance(place, dict):
        lat, lon = place.get("latitude"), place.get("longitude")
        if (lat is not None and not -90 <= lat <= 90) or (
            lon is not None and not -180 <= lon <= 180
        ):
            errors["latitude"] = ["Coordinates out of range."]
        # A place's parents are reported as the place: a file's row names them
        # all in one place's columns.
        errors.update(_too_long("place", place))
        place = place.get("parent")
    return errors


def _actor_errors(actor: dict) -> dict:
    if not (actor.get("name") or "").strip():
        return {"name": ["Required."]}
    return _too_long("actor", actor)


def _article_errors(article: dict) -> dict:
    return _too_long("article", article)


def _part_errors(check, spec: dict, checked: dict | None) -> dict:
    """``check(spec)``, once per spec object in ``checked``."""
    if checked is None:
        return check(spec)
    known = checked.get(id(spec))
    if known is None or known[0] is not spec:
        known = checked[id(spec)] = (spec, check(spec))
    return known[1]


def record_errors(record: dict, checked: dict | None = None) -> dict:
    """What is wrong with one record, field by field (empty when it is good).

    Importers hand the same place, actor and article objects for the parts
    that recur in a file (``importers.base.built_once``); given a dict that
    lives as long as those, ``checked`` keeps what each was found to be.
    """
    errors: dict = _too_long("event", record)
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
    if isinstance(place, dict) and (
        found := _part_errors(_place_errors, place, checked)
    ):
        errors["location"] = found
    for index, link in enumerate(record.get("actors") or ()):
        actor = link.get("actor")
        if actor is not None and (found := _part_errors(_actor_errors, actor, checked)):
            errors.setdefault("actors", {})[index] = {"actor": found}
    for index, link in enumerate(record.get("sources") or ()):
        article = link.get("article")
        if article is not None and (
            found := _part_errors(_article_errors, article, checked)
        ):
            errors.setdefault("sources", {})[index] = {"article": found}
    return errors


# What a record's digest takes from the forms its parts were sent in.
_PARTS = ("location", "actors", "sources", "source_attributes")


def _digest(record: dict, attributes: str | None, parts: list[bytes]) -> str:
    """A digest of everything in ``record``, taken from forms already made.

    ``attributes`` is the attributes' JSON and ``parts`` the sorted JSON of
    each inline place, actor and article, in the record's order: serialising
    the whole record once more was a large part of what preparing it cost.
    """
    rest = {name: value for name, value in record.items() if name not in _PARTS}
    rest["has_location"] = record.get("location") is not None
    rest["actors"] = [
        (link.get("actor_id"), link["role"], link.get("actor") is not None)
        for link in record.get("actors") or ()
    ]
    rest["sources"] = [
        (link.get("article_id"), link.get("quote"), link.get("article") is not None)
        for link in record.get("sources") or ()
    ]
    # SHA-256 cut to the column's 32 characters: with the CPU's SHA
    # instructions it is cheaper than MD5 over a row's text.
    digest = hashlib.sha256(
        orjson.dumps(rest, option=orjson.OPT_SORT_KEYS, default=str)
    )
    digest.update(b"null" if attributes is None else attributes.encode())
    for part in parts:
        digest.update(part)
    return digest.hexdigest()[:32]


def chain_key(spec: dict) -> tuple:
    """Everything that identifies an inline place, its parents included, and
    whether each comes with a point.

    A place named first without a point (a city's region, say) and later
    with one (a row located at the region) is looked up again the second
    time, so that a place stored without a point gets the one given.
    """
    key = []
    while spec is not None:
        key.append(
            (
                spec["kind"],
                spec["name"],
                spec.get("country"),
                spec.get("source_id"),
                spec.get("latitude") is not None,
            )
        )
        spec = spec.get("parent")
    return ("chain", *key)


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
    values: tuple  # PREPARED_COLUMNS, dates as ISO text
    location_id: int | None
    # Inline records as (key, spec), spec None when an earlier record of the
    # same import gave it (see ``prepare``); the key may be a handle.
    location: tuple | None
    # (actor_id, key, spec, role): the id, or the key and spec.
    actors: tuple[tuple, ...]
    # (article_id, key, spec, quote)
    sources: tuple[tuple, ...]
    summary: str | None
    # A copy of a Dateline record (an export imported again): compared with
    # the event it names by content, since its digest is of another row.
    compares: bool = False
    # The record does not carry the dataset's original row: an update keeps it.
    keeps_attributes: bool = False


# Parts whose checks a reading process keeps: about what the importers'
# caches hold (importers.base.built_once).
CHECKED_AT_MOST = 16_384


class Seen:
    """The inline places, actors and articles an import has prepared so far."""

    def __init__(self):
        # (kind, key) -> the handle that stands for it: a small number, which
        # costs the pipe and the writer's lookups less than the key.
        self.handles: dict = {}
        # id(spec) -> (spec, handle, sorted JSON): importers hand the same
        # object for a part that recurs (see ``importers.base.built_once``).
        # Kept for one chunk only, or a file of distinct URLs would hold
        # every article; the spec is held so that its id is not reused.
        self.parts: dict[int, tuple] = {}
        # id(spec) -> (spec, its errors), for ``record_errors``: kept across
        # chunks (a file's places recur far apart), up to a bound.
        self.checked: dict[int, tuple] = {}

    def next_chunk(self) -> None:
        self.parts.clear()
        if len(self.checked) > CHECKED_AT_MOST:
            self.checked.clear()

    def mark(self) -> int:
        return len(self.handles)

    def back_to(self, mark: int) -> None:
        """Forget the parts handed since ``mark``: their record was dropped,
        so nothing downstream ever learns those handles."""
        self.handles = {k: h for k, h in self.handles.items() if h < mark}
        self.parts = {i: part for i, part in self.parts.items() if part[1] < mark}


def prepare(record: dict, seen: Seen | None = None) -> Prepared:
    """What a valid record will write, computed without the database.

    Given ``seen``, the inline places, actors and articles an earlier record
    of the same import gave are left out, a handle standing for each: they
    recur in every row of a dataset, and a reading process sends each once.
    """
    get = record.get
    precision = get("date_precision") or "day"
    start = record["date_start"]
    end = get("date_end") or derive_date_end(start, precision)
    fields = {n: get(n) for n in EVENT_FIELDS}
    fields["date_precision"] = precision
    # ISO text, as both databases take it: bound as dates, each would cost
    # Python's sqlite3 a call of its date adapter, on every row written.
    fields["date_start"], fields["date_end"] = start.isoformat(), end.isoformat()
    attributes = get("source_attributes")
    if attributes is not None:
        attributes = orjson.dumps(attributes).decode()
    key = (get("source"), get("source_id"))
    parts: list[bytes] = []
    place = get("location")
    if place is not None:
        place = _part(seen, "place", place, parts)
    actors = []
    for link in get("actors") or ():
        actor_key, spec = None, link.get("actor")
        if spec is not None:
            actor_key, spec = _part(seen, "actor", spec, parts)
        actors.append((link.get("actor_id"), actor_key, spec, link["role"]))
    sources = []
    for link in get("sources") or ():
        article_key, spec = None, link.get("article")
        if spec is not None:
            article_key, spec = _part(seen, "article", spec, parts)
        sources.append((link.get("article_id"), article_key, spec, link.get("quote")))
    digest = _digest(record, attributes, parts)
    return Prepared(
        key,
        digest,
        (*fields.values(), *key, attributes, digest),
        get("location_id"),
        place,
        tuple(actors),
        tuple(sources),
        get("summary"),
        bool(get("compare_content")),
        bool(get("keep_source_attributes")),
    )


def _sorted_json(spec: dict) -> bytes:
    return orjson.dumps(spec, option=orjson.OPT_SORT_KEYS, default=str)


def _key(kind: str, spec: dict, dumped: bytes):
    if kind == "place":
        return chain_key(spec)
    if kind == "actor":
        return dumped
    return spec["url"].strip()


def _part(seen: Seen | None, kind: str, spec: dict, parts: list[bytes]) -> tuple:
    """(key, spec) of an inline record, its sorted JSON added to ``parts``.

    Given ``seen``, the key is a handle, and spec is None when the handle
    was handed before.
    """
    if seen is None:
        dumped = _sorted_json(spec)
        parts.append(dumped)
        return _key(kind, spec, dumped), spec
    known = seen.parts.get(id(spec))
    if known is not None and known[0] is spec:
        parts.append(known[2])
        return known[1], None
    dumped = _sorted_json(spec)
    parts.append(dumped)
    key = (kind, _key(kind, spec, dumped))
    handle = seen.handles.get(key)
    first = handle is None
    if first:
        handle = seen.handles[key] = len(seen.handles)
    seen.parts[id(spec)] = (spec, handle, dumped)
    return handle, spec if first else None


_ATTRIBUTES = PREPARED_COLUMNS.index("source_attributes")


def source_attributes(values: tuple):
    attributes = values[_ATTRIBUTES]
    return None if attributes is None else orjson.loads(attributes)

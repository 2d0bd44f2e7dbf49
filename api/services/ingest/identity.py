"""Which stored event a record is, and what of its own that event keeps."""

import orjson

from api.services import bulk_sql
from api.services.ingest.native_ids import NATIVE_SOURCE, find_native
from api.services.ingest.records import PREPARED_COLUMNS, Prepared


def existing(keys: list[tuple]) -> dict[tuple, tuple[int, str]]:
    """The stored events of these (source, source_id) keys: their id and the
    digest of the row they came from (``NATIVE`` for one entered here)."""
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


def kept(prepared: Prepared, before: dict, known: tuple) -> Prepared:
    """``prepared`` with what the event keeps of its own: an event entered here
    stays without a dataset identity, and a record that does not carry the
    dataset's original row (``keeps_attributes``) keeps the one stored."""
    values = dict(zip(PREPARED_COLUMNS, prepared.values, strict=True))
    if known[1] is NATIVE:
        values.update(source=None, source_id=None, source_hash=None)
        prepared = prepared._replace(key=(None, None))
    if prepared.keeps_attributes:
        kept = before["source_attributes"]
        values["source_attributes"] = (
            None if kept is None else orjson.dumps(kept).decode()
        )
    return prepared._replace(values=tuple(values.values()))

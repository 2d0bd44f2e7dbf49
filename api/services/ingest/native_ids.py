"""The identity an event entered in Dateline carries in files, and finding it again.

An event entered here has no dataset identity. Its CSV export names it
``dateline`` + ``<id>@<created_at>``: neither part ever changes, and an event
of another instance would need the same id, created in the same microsecond,
to share it. The instance that made the event finds it again by both parts;
another instance keeps the identity as the event's source and source id.
"""

from datetime import UTC, datetime

from api.services import bulk_sql

NATIVE_SOURCE = "dateline"


def _instant(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def native_id(event_id: int, created_at) -> str:
    text = created_at.__class__ is str
    if text and created_at.endswith("+00:00") and "T" in created_at:
        # Already UTC as isoformat() writes it (exports read SQLite's so).
        return f"{event_id}@{created_at}"
    return f"{event_id}@{_instant(created_at).isoformat()}"


def _parse(source_id: str) -> tuple[int, datetime] | None:
    number, _, stamp = source_id.partition("@")
    if not (number.isascii() and number.isdigit()) or len(number) > 18:
        return None
    try:
        return int(number), _instant(stamp)
    except ValueError:
        return None


def find_native(source_ids: list[str]) -> dict[str, int]:
    """The events entered here that ``source_ids`` (``<id>@<created_at>``) name."""
    wanted = {}
    for source_id in source_ids:
        parsed = _parse(source_id)
        if parsed is not None:
            wanted[parsed[0]] = (source_id, parsed[1])
    found = {}
    rows = bulk_sql.select_in(
        "SELECT id, created_at FROM event WHERE source IS NULL AND id IN ({marks})",
        (),
        list(wanted),
    )
    for event_id, created_at in rows:
        source_id, stamp = wanted[event_id]
        if _instant(created_at) == stamp:
            found[source_id] = event_id
    return found

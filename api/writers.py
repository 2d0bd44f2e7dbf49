"""Rows to bytes: CSV (RFC 4180), NDJSON and GeoJSON, one chunk per batch of rows."""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime

import orjson

Batches = Iterable[list[dict]]
Record = Callable[[dict], dict]

LIST_SEPARATOR = "; "


# The csv module writes these as wanted by itself: None empty, dates ISO 8601.
_PLAIN = frozenset({str, int, float, type(None), date})


def _item(text: str) -> str:
    # A separator inside a value must not split it when read back.
    return text.replace("\\", "\\\\").replace(";", "\\;")


def cell(value):
    """A CSV cell: empty for null, ISO 8601 for times, lists joined by ``; ``.

    This runs for every value of every exported row: the common types are
    dispatched on their class, before any isinstance chain.
    """
    kind = value.__class__
    if kind in _PLAIN:
        return "" if value is None else value
    if kind is datetime:
        return value.isoformat()
    if kind is list or kind is tuple:
        texts = [v if v.__class__ is str else str(cell(v)) for v in value]
        joined = LIST_SEPARATOR.join(texts)
        if joined.count(";") < len(texts) and "\\" not in joined:
            return joined  # no value holds a separator: nothing to escape
        return LIST_SEPARATOR.join(map(_item, texts))
    return str(value)


def split_cell(text: str) -> list[str]:
    """The values of a list cell written by :func:`cell`.

    Imports read every list cell of every row: without a backslash nothing
    was escaped, and each ``;`` is a separator, split at C speed.
    """
    if not text:
        return []
    if "\\" not in text:
        return text.split(LIST_SEPARATOR)
    values, current, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == ";":
            values.append("".join(current))
            current = []
            next(chars, None)  # the space after the separator
        else:
            current.append(char)
    values.append("".join(current))
    return values


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data


def csv_chunks(
    batches: Batches, header: list[str], values: Callable[[dict], list]
) -> Iterator[bytes]:
    """A header row, then one row per record; UTF-8, CRLF, minimal quoting.

    ``values`` gives a record's cells as the writer takes them (see ``cell``).
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield _drain(buffer)
    for rows in batches:
        writer.writerows(map(values, rows))
        yield _drain(buffer)


def ndjson_chunks(batches: Batches, record: Record) -> Iterator[bytes]:
    """One JSON object per line."""
    option = orjson.OPT_APPEND_NEWLINE
    for rows in batches:
        yield b"".join(orjson.dumps(record(row), option=option) for row in rows)


def geojson_chunks(
    batches: Batches,
    record: Record,
    point: Callable[[dict], tuple[float | None, float | None]],
) -> Iterator[bytes]:
    """A FeatureCollection (RFC 7946); a record without coordinates has no geometry."""
    yield b'{"type":"FeatureCollection","features":[\n'
    separator = b""
    for rows in batches:
        features = []
        for row in rows:
            lon, lat = point(row)
            geometry = (
                None
                if lon is None or lat is None
                else {"type": "Point", "coordinates": [lon, lat]}
            )
            feature = {
                "type": "Feature",
                "id": row["id"],
                "geometry": geometry,
                "properties": record(row),
            }
            features.append(orjson.dumps(feature))
        if features:
            yield separator + b",\n".join(features)
            separator = b",\n"
    yield b"\n]}\n"

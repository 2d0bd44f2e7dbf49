"""Rows to bytes: CSV (RFC 4180), NDJSON and GeoJSON, one chunk per batch of rows."""

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def chain_cells(chain: tuple) -> tuple:
    """The cells of the places a place lies in, each a tuple of name, kind,
    country, latitude, longitude: one list cell per part, in chain order.

    Many events share a place: each chain is written once, not once a row.
    """
    return tuple(cell([place[i] for place in chain]) for i in range(5))


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


def _quoted(text: str) -> str:
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def csv_line(values: list) -> str:
    """One CSV record as the csv module writes it with minimal quoting.

    The csv module tests every character of every field against the dialect
    in a call of its own, a large part of an export's time. Here a row is joined
    at C speed and looked at once; only a row in which some field holds a
    comma, a quote or a line break is joined again field by field.
    """
    texts = ["" if v is None else v if v.__class__ is str else str(v) for v in values]
    line = ",".join(texts)
    if line.count(",") >= len(texts) or '"' in line or "\n" in line or "\r" in line:
        return ",".join(map(_quoted, texts))
    if len(texts) == 1 and not line:
        return '""'  # as the csv module: an empty line would be no record
    return line


def csv_chunks(
    batches: Batches, header: list[str], values: Callable[[dict], list]
) -> Iterator[bytes]:
    """A header row, then one row per record; UTF-8, CRLF, minimal quoting.

    ``values`` gives a record's cells as the writer takes them (see ``cell``).
    """
    yield (csv_line(header) + "\r\n").encode()
    for rows in batches:
        if rows:
            lines = [csv_line(values(row)) for row in rows]
            lines.append("")
            yield "\r\n".join(lines).encode()


def line_chunks(batches: Iterable[list[str]], header: list[str]) -> Iterator[bytes]:
    """As csv_chunks, from lines already written (see services.event_csv)."""
    yield (csv_line(header) + "\r\n").encode()
    for lines in batches:
        if lines:
            yield ("\r\n".join(lines) + "\r\n").encode()


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

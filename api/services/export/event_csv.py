"""Event CSV lines written by PostgreSQL, for exports at the server's speed.

Reading a million events into Python values and writing them out again costs
the client far more than it costs PostgreSQL to write the same text. So on
PostgreSQL the event CSV's cells are made in SQL, quoted as
:func:`writers.csv_line` quotes them and escaped as :func:`writers.cell` joins
lists, and the client only joins each line from its pieces.

What recurs across an export stays in Python: the code's name (from the
codebook) and the place's cells, made once per place by the same writer as
the rest of the app, floats included (``str`` and PostgreSQL's ``float8``
text differ: ``35.0`` against ``35``). The SQL path must give the file the
Python path gives, byte for byte; ``tests/services/export/test_event_csv.py`` holds
it to that on awkward values.
"""

from collections.abc import Iterator, Sequence

import peewee as pw

from api.db import is_sqlite
from api.models import Event
from api.services import event_codes
from api.services.export.rows import PLACE_ROWS, parent_chains
from api.services.export.writers import chain_cells, csv_line
from api.services.ingest.native_ids import NATIVE_SOURCE
from api.services.listing import Listing

# Cells the client fills, and the header columns each group covers, in order.
NAME_CELLS = ("event_name",)
PLACE_CELLS = ("location_name", "country", "latitude", "longitude")
CHAIN_CELLS = (
    "location_kind",
    "location_parents",
    "location_parent_kinds",
    "location_parent_countries",
    "location_parent_latitudes",
    "location_parent_longitudes",
)
_CLIENT = (NAME_CELLS, PLACE_CELLS, CHAIN_CELLS)

# The event's columns the lines are made from (``b`` in the SQL below).
_READ = (
    "id",
    "event_code",
    "summary",
    "date_start",
    "date_end",
    "date_precision",
    "location",
    "geo_precision",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "source",
    "source_id",
    "source_file",
    "source_imported_at",
    "source_attributes",
    "created_at",
    "updated_at",
)


def _quoted(text: str) -> str:
    """A cell as csv_line writes it: in quotes, doubled, if it holds , " CR LF."""
    return (
        f"CASE WHEN {text} ~ '[\",\\r\\n]' "
        f"THEN '\"' || replace({text}, '\"', '\"\"') || '\"' ELSE {text} END"
    )


def _item(text: str) -> str:
    """A value of a list cell, its separator and backslash escaped as cell() does."""
    return f"replace(replace({text}, '\\', '\\\\'), ';', '\\;')"


def _iso(stamp: str) -> str:
    """Naive UTC as isoformat() writes the aware value (microseconds only if any)."""
    return (
        f"to_char({stamp}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        f"date_part('microseconds', {stamp})::integer %% 1000000 <> 0 "
        f"THEN to_char({stamp}, '.US') ELSE '' END || '+00:00'"
    )


def _day(day: str) -> str:
    return f"to_char({day}, 'YYYY-MM-DD')"


_IDENTITY = (
    f"CASE WHEN b.source IS NOT NULL AND b.source_id IS NOT NULL "
    f"THEN {_quoted('b.source')} || ',' || {_quoted('b.source_id')} "
    f"ELSE '{NATIVE_SOURCE},' || b.id || '@' || {_iso('b.created_at')} END"
)
# Header column -> its cell in SQL. Identity is two columns made as one.
_CELLS = {
    "id": "b.id",
    "event_code": "b.event_code",
    "summary": _quoted("b.summary"),
    "date_start": _day("b.date_start"),
    "date_end": _day("b.date_end"),
    "date_precision": "b.date_precision",
    "location_id": "b.location_id",
    "geo_precision": "b.geo_precision",
    "fatalities": "b.fatalities",
    "actors": _quoted("a.labels"),
    "actor_ids": "a.ids",
    "roles": "a.roles",
    "sources": _quoted("s.urls"),
    "quotes": _quoted("s.quotes"),
    ("source", "source_id"): _IDENTITY,
    "fatalities_low": "b.fatalities_low",
    "fatalities_high": "b.fatalities_high",
    "actor_kinds": "a.kinds",
    "actor_countries": "a.countries",
    "source_file": _quoted("b.source_file"),
    "source_imported_at": _iso("b.source_imported_at"),
    "source_attributes": _quoted("b.source_attributes"),
    "created_at": _iso("b.created_at"),
    "updated_at": _iso("b.updated_at"),
}

# Aggregates over a sorted subquery: one sort per event, not one per cell.
_LINKS = f"""
LEFT JOIN LATERAL (
  SELECT string_agg({_item("x.name")} || ' [' || x.role || ']', '; ') AS labels,
         string_agg(x.actor_id::text, '; ') AS ids,
         string_agg(x.role, '; ') AS roles,
         string_agg(x.kind, '; ') AS kinds,
         string_agg(coalesce(x.country, ''), '; ') AS countries
  FROM (SELECT actor.name, event_actor.role, event_actor.actor_id, actor.kind,
               actor.country
        FROM event_actor JOIN actor ON actor.id = event_actor.actor_id
        WHERE event_actor.event_id = b.id
        ORDER BY event_actor.position, event_actor.id) x
) a ON true
LEFT JOIN LATERAL (
  SELECT string_agg({_item("x.url")}, '; ') AS urls,
         string_agg({_item("coalesce(x.quote, '')")}, '; ') AS quotes
  FROM (SELECT article.url, event_source.quote
        FROM event_source JOIN article ON article.id = event_source.article_id
        WHERE event_source.event_id = b.id
        ORDER BY event_source.position, event_source.id) x
) s ON true
"""


def available() -> bool:
    """Whether the database writes the lines (SQLite's exports stay in Python:
    its link cells cost more in SQL than they save)."""
    return not is_sqlite()


def _segments(header: Sequence[str]) -> list:
    """The header cut into runs of SQL cells and the client's groups of cells."""
    segments, run, at = [], [], 0
    while at < len(header):
        group = next((g for g in _CLIENT if g[0] == header[at]), None)
        pair = tuple(header[at : at + 2])
        if group is not None:
            if tuple(header[at : at + len(group)]) != group:
                raise ValueError(f"columns {group} must come together, in order")
            if run:
                segments.append(run)
            segments.append(group)
            run, at = [], at + len(group)
        elif pair in _CELLS:
            run.append(_CELLS[pair])
            at += 2
        elif header[at] in _CELLS:
            run.append(_CELLS[header[at]])
            at += 1
        else:
            raise ValueError(f"no SQL for the event CSV column {header[at]!r}")
    if run:
        segments.append(run)
    return segments


class _Lines:
    """One export's SQL and the client's cells, by code and by place."""

    def __init__(self, listing: Listing, header: Sequence[str]):
        self.listing = listing
        segments = _segments(header)
        self.pieces = [
            "concat(" + ", ',', ".join(part) + ")"
            for part in segments
            if part not in _CLIENT
        ]
        # Where each piece and client cell goes in the line, as format fields.
        fields, piece = [], 0
        for part in segments:
            if part in _CLIENT:
                fields.append(f"{{{len(self.pieces) + _CLIENT.index(part)}}}")
            else:
                fields.append(f"{{{piece}}}")
                piece += 1
        self.template = ",".join(fields)
        self.names = {
            code: csv_line([entry["name"]])
            for code, entry in event_codes.codebook().items()
        }
        # An event without a place: its cells are empty.
        self.places: dict = {
            None: tuple(csv_line([None] * len(g)) for g in (PLACE_CELLS, CHAIN_CELLS))
        }

    def shape(self, query: pw.ModelSelect) -> pw.ModelSelect:
        keys = self.listing.keys
        sorts = [key.expression.alias(f"sort_{i}") for i, key in enumerate(keys)]
        names = dict.fromkeys([*_READ, *(key.name for key in keys)])
        return query.select(*(Event._meta.fields[n] for n in names), *sorts)

    def read(self, query: pw.ModelSelect) -> list[dict]:
        inner, params = query.sql()
        wanted = [f"b.{key.name}" for key in self.listing.keys]
        wanted = dict.fromkeys([*wanted, "b.location_id", "b.event_code"])
        # The nested loops keep the batch's order; ORDER BY says so anyway.
        order = ", ".join(
            f"b.sort_{i}" + (" DESC" if descending else "")
            for i, (_, descending) in enumerate(self.listing.order)
        )
        sql = (
            f"SELECT {', '.join(wanted)}, "
            + ", ".join(f"{piece} AS piece_{i}" for i, piece in enumerate(self.pieces))
            + f" FROM ({inner}) AS b {_LINKS} ORDER BY {order}"
        )
        cursor = Event._meta.database.execute_sql(sql, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, values, strict=True)) for values in cursor]

    def lines(self, rows: list[dict]) -> list[str]:
        self._learn_places({row["location_id"] for row in rows})
        names, places, form = self.names, self.places, self.template.format
        keys = [f"piece_{i}" for i in range(len(self.pieces))]
        out = []
        for row in rows:
            place, chain = places[row["location_id"]]
            pieces = [row[key] for key in keys]
            out.append(form(*pieces, names.get(row["event_code"], ""), place, chain))
        return out

    def _learn_places(self, ids: set) -> None:
        new = ids - self.places.keys()
        if not new:
            return
        chains = parent_chains(new)
        for place_id, name, kind, country, lat, lon in PLACE_ROWS(sorted(new)):
            self.places[place_id] = (
                csv_line([name, country, lat, lon]),
                csv_line([kind, *chain_cells(chains.get(place_id, ()))]),
            )


def batches(listing: Listing, header: Sequence[str], size: int) -> Iterator[list[str]]:
    """The events of ``listing`` as CSV lines under ``header``, ``size`` a batch.

    Read by keyset from the listing's cursor on, as every export is; a bad
    cursor or a column without SQL raises now, before any row is read.
    """
    lines = _Lines(listing, header)
    scan = listing.scan(size, lines.shape, lines.read)
    return (lines.lines(rows) for rows in scan)

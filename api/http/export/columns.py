"""What each kind of record looks like as a file: columns, records and points,
and which reader and writer make the file.

Events, whose files carry their links and places, have a module of their own
(``api.http.export.event_columns``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

import marshmallow as ma

import orjson

from api.services.export import event_csv, writers
from api.services.export import rows as export_rows
from api.services.export.writers import cell
from schemas.actors import ActorSchema
from schemas.articles import ArticleSchema
from schemas.locations import LocationSchema

LAST = ("created_at", "updated_at")
SAME = "as in the JSON record"


@dataclass(frozen=True)
class Cells:
    """Adjacent CSV columns, each with its doc, and how a row fills them: a
    value read at ``key`` (through ``convert``), or ``compute(row)`` for all."""

    names: tuple[str, ...]
    docs: tuple[str, ...]
    key: str | None = None
    convert: Callable | None = None
    compute: Callable | None = None


@dataclass(frozen=True)
class Label:
    """A GeoJSON property beyond the JSON record: a name a map can label a
    feature with where the record has only an id or a code."""

    name: str
    schema: dict
    value: Callable[[dict], object]


def column(name: str, doc: str, key: str | None = None, convert=None) -> Cells:
    return Cells((name,), (doc,), key or name, convert)


def compile_row(cells: list[Cells]) -> Callable[[dict], list]:
    """A function from a row to its CSV values, reading plain values in one go.

    It runs for every exported row: one itemgetter call takes every plain
    value, and only the few converted or computed cells cost Python calls.
    """
    keys, converts, computes = [], [], []
    for part in cells:
        start = len(keys)
        if part.compute:
            keys += [keys[0] if keys else "id"] * len(part.names)
            computes.append((start, start + len(part.names), part.compute))
        else:
            keys.append(part.key)
            if part.convert:
                converts.append((start, part.convert))
    fetch = itemgetter(*keys)

    def row(values: dict) -> list:
        out = list(fetch(values))
        for index, convert in converts:
            out[index] = convert(out[index])
        for start, end, compute in computes:
            out[start:end] = compute(values)
        return out

    return row


class Export:
    """How one kind of record leaves as a file.

    Its columns are the plain fields of the schema the JSON list uses, so the
    files follow the JSON contract as fields are added to it.
    """

    def __init__(
        self,
        schema: type[ma.Schema],
        *,
        lists: tuple[str, ...] = (),
        links: Callable[[dict], dict] | None = None,
        csv_head: tuple = (),
        point: Callable[[dict], tuple] | None = None,
        labels: tuple[Label, ...] = (),
        server_csv: bool = False,
        example: dict | None = None,
    ):
        fields = schema().dump_fields
        nested = ma.fields.List | ma.fields.Nested
        self.schema = schema
        self.columns = tuple(n for n, f in fields.items() if not isinstance(f, nested))
        self.lists = lists
        self.links = links
        self.point = point
        self.labels = labels
        # Whether the database may write the CSV lines (services.export.event_csv).
        self.server_csv = server_csv
        self.formats = ("json", "csv", "ndjson") + (("geojson",) if point else ())
        cells = self._csv(csv_head, fields)
        self.csv_header = [name for part in cells for name in part.names]
        self.csv_docs = [
            d for part in cells for d in zip(part.names, part.docs, strict=True)
        ]
        self.csv_row = compile_row(cells)
        sample = {n: f.metadata.get("example") for n, f in fields.items()}
        self.sample = {**sample, **(example or {})}

    def record(self, row: dict) -> dict:
        """The record as the JSON list has it."""
        out = {name: row[name] for name in self.columns}
        for name in self.lists:
            out[name] = row[name]
        if self.links:
            out.update(self.links(row))
        return out

    def properties(self, row: dict) -> dict:
        """A GeoJSON feature's properties: the record, then its labels."""
        out = self.record(row)
        for label in self.labels:
            out[label.name] = label.value(row)
        return out

    def files(self, name: str) -> tuple[Callable, Callable]:
        """How the records leave as format ``name``: a reader of a listing's rows,
        ``size`` a batch, and the writer of the batches' bytes. A whole export
        and a page of it use the same pair: a page is the lines of its rows.
        """
        if name == "csv" and self.server_csv and event_csv.available():
            header = self.csv_header
            return (
                lambda listing, size: event_csv.batches(listing, header, size),
                lambda batches: writers.line_chunks(batches, header),
            )

        def read(listing, size):
            return export_rows.batches(listing, self.columns, size)

        if name == "csv":
            header, row = self.csv_header, self.csv_row
            return read, lambda batches: writers.csv_chunks(batches, header, row)
        if name == "ndjson":
            return read, lambda batches: writers.ndjson_chunks(batches, self.record)
        return read, lambda batches: writers.geojson_chunks(
            batches, self.properties, self.point
        )

    def _csv(self, head: tuple[Cells, ...], fields: dict) -> list[Cells]:
        named = {name for part in head for name in part.names}
        rest = [n for n in (*self.columns, *self.lists) if n not in named]
        first = [n for n in rest if n == "id"]
        middle = [n for n in rest if n != "id" and n not in LAST]
        last = [n for n in LAST if n in rest]
        return [
            *(_plain(n, fields[n]) for n in first),
            *head,
            *(_plain(n, fields[n]) for n in (*middle, *last)),
        ]

    def example(self, writer, *args) -> str:
        """What ``writer`` makes of one sample record, for the OpenAPI examples."""
        return b"".join(writer([[self.sample]], *args)).decode()

    def feature_collection(self) -> dict:
        point = {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["Point"]},
                "coordinates": {
                    "type": "array",
                    "items": {"type": "number"},
                    "description": "[longitude, latitude], WGS 84",
                },
            },
        }
        feature = {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "integer"},
                "geometry": {"anyOf": [point, {"type": "null"}]},
                "properties": self._properties(),
            },
        }
        properties = "the JSON record"
        if self.labels:
            names = ", ".join(f"`{label.name}`" for label in self.labels)
            properties += f" and what a map labels it with ({names})"
        return {
            "type": "object",
            "description": "A GeoJSON FeatureCollection (RFC 7946): one Feature "
            f"per record, its properties {properties}, its geometry the point "
            "of its place, or null where the place has no coordinates.",
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": feature},
            },
        }

    def _properties(self):
        # The record's schema stays the named component the JSON list uses.
        if not self.labels:
            return self.schema
        labels = {label.name: label.schema for label in self.labels}
        return {"allOf": [self.schema, {"type": "object", "properties": labels}]}


def _plain(name: str, field: ma.fields.Field) -> Cells:
    if isinstance(field, ma.fields.DateTime):
        return column(name, SAME, convert=iso_text)
    if isinstance(field, ma.fields.List):
        return column(name, SAME, convert=cell)
    if isinstance(field, ma.fields.Dict):
        return column(name, "as in the JSON record, as JSON text", convert=json_text)
    # None, str, numbers and dates: the csv module writes them as wanted.
    return column(name, SAME)


def json_text(value):
    return None if value is None else orjson.dumps(value).decode()


def iso_text(value):
    """A timestamp as ISO 8601 text (SQLite's are read as such already)."""
    return value.isoformat() if value.__class__ is datetime else value


LOCATIONS = Export(
    LocationSchema,
    point=itemgetter("longitude", "latitude"),
    example={"id": 3},
)
ACTORS = Export(ActorSchema, lists=("aliases",), example={"id": 1})
ARTICLES = Export(ArticleSchema, example={"id": 1})

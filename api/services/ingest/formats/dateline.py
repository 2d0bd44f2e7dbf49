"""Dateline's own event CSV (``GET /events?format=csv``) -> Dateline events.

Identity: a row is the event its ``source`` + ``source_id`` name. Every
exported row has them; an event entered in Dateline, which has none, is
exported as ``dateline`` + ``<id>@<created_at>`` (``api.services.ingest.native_ids``).
An import creates the event under that identity or updates the one that has
it; the instance that made an event finds it by that identity and leaves it
without one. A file imported twice, or a later export of the same events,
changes only what changed.

References: ids are the exporting instance's and mean nothing in another,
so ``id``, ``location_id`` and ``actor_ids`` are ignored. The row's place
(with the places it lies in), actors and articles are given inline, as the
file describes them, and matched like any import's (places by kind, name,
country and parent; actors by name or alias and country; articles by URL)
before one is created. ``source_attributes`` (the dataset's original row, as
JSON) is imported with the event; an empty cell keeps what is stored.

Not in the file, so not imported: actors' aliases and descriptions,
articles' titles and bodies (a new article is titled with its URL), and
places' identities in other datasets. ``event_name``, ``source_file`` and
the timestamps are the exporting instance's, and are ignored.
"""

from collections.abc import Iterator
from urllib.parse import urlsplit

from api.services.export.writers import split_cell
from api.services.ingest.formats.base import (
    Row,
    RowError,
    choice,
    country,
    day,
    decimal,
    integer,
    read_csv,
    text,
)
from api.services.ingest.formats.json_cell import json_object
from api.services.ingest.records import EVENT_FIELDS
from reference.limits import MAX_PLACE_CHAIN
from reference.vocabulary import (
    ACTOR_KINDS,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    LOCATION_KINDS,
    POINT_LOCATION_KINDS,
    ROLES,
)

PLACE_COLUMNS = (
    "location_name",
    "location_kind",
    "country",
    "latitude",
    "longitude",
    "location_parents",
    "location_parent_kinds",
    "location_parent_countries",
    "location_parent_latitudes",
    "location_parent_longitudes",
)
# The columns read; the export's others (ids, names of codes, timestamps) may
# be there or not.
COLUMNS = (
    "source",
    "source_id",
    *EVENT_FIELDS,
    *PLACE_COLUMNS,
    "actors",
    "roles",
    "actor_kinds",
    "actor_countries",
    "sources",
    "quotes",
)
# What the identity columns of the event table hold.
IDENTITY_LENGTHS = {"source": 32, "source_id": 100}
MAX_URL = 2048


def _table(values: tuple[str, ...]) -> dict[str, str]:
    return {value: value for value in values}


DATE_PRECISION = _table(DATE_PRECISIONS)
GEO_PRECISION = _table(GEO_PRECISIONS)
LOCATION_KIND = _table(LOCATION_KINDS)
ACTOR_KIND = _table(ACTOR_KINDS)
ROLE = _table(ROLES)


def rows(path) -> Iterator[Row]:
    """The file's rows, once its header shows a Dateline event export."""
    reader = read_csv(path)
    for row in reader:
        missing = [name for name in COLUMNS if name not in row.cells]
        if missing:
            raise RowError(
                "_header",
                f"Not a Dateline event export: no column {', '.join(missing)}.",
                1,
            )
        yield row
        yield from reader
        return


def _listed(cells: dict, name: str, count: int, of: str) -> list[str | None]:
    """A list cell with one value per item of another; an empty cell, all null."""
    values = split_cell(cells.get(name) or "")
    if not values:
        return [None] * count
    if len(values) != count:
        raise RowError(
            name, f"Expected one value per {of} ({count}), found {len(values)}."
        )
    return [value or None for value in values]


def _item(value: str | None, name: str, reader, *args):
    """One value of a list cell, read as a cell of its own would be."""
    return reader({name: (value or "").strip()}, name, *args)


def _point(place: dict, name: str) -> dict:
    if place["kind"] in POINT_LOCATION_KINDS and (
        place["latitude"] is None or place["longitude"] is None
    ):
        raise RowError(name, f"A {place['kind']} needs latitude and longitude.")
    return place


def _parents(cells: dict) -> list[dict]:
    names = split_cell(cells.get("location_parents") or "")
    if len(names) >= MAX_PLACE_CHAIN:
        raise RowError(
            "location_parents",
            f"At most {MAX_PLACE_CHAIN - 1} parents: a place's chain holds at "
            f"most {MAX_PLACE_CHAIN} places, itself included.",
        )
    kinds, homes, lats, lons = (
        _listed(cells, f"location_parent_{part}", len(names), "parent")
        for part in ("kinds", "countries", "latitudes", "longitudes")
    )
    chain = []
    for name, kind, home, lat, lon in zip(names, kinds, homes, lats, lons, strict=True):
        if not name.strip():
            raise RowError("location_parents", "A place needs a name.")
        place = {
            "name": name,
            "kind": _item(kind, "location_parent_kinds", choice, LOCATION_KIND, True),
            "country": country((home or "").strip(), "location_parent_countries"),
            "latitude": _item(lat, "location_parent_latitudes", decimal, -90, 90),
            "longitude": _item(lon, "location_parent_longitudes", decimal, -180, 180),
        }
        chain.append(_point(place, "location_parent_latitudes"))
    return chain


def _place(cells: dict) -> dict | None:
    name = text(cells, "location_name")
    if name is None:
        for column in PLACE_COLUMNS:
            if text(cells, column):
                raise RowError(column, "Given for a row without location_name.")
        return None
    place = _point(
        {
            "name": name,
            "kind": choice(cells, "location_kind", LOCATION_KIND, required=True),
            "country": country(text(cells, "country"), "country"),
            "latitude": decimal(cells, "latitude", -90, 90),
            "longitude": decimal(cells, "longitude", -180, 180),
        },
        "latitude",
    )
    node = place
    for parent in _parents(cells):
        node["parent"] = parent
        node = parent
    return place


def _actors(cells: dict) -> list[dict]:
    labels = split_cell(cells.get("actors") or "")
    roles, kinds, homes = (
        _listed(cells, name, len(labels), "actor")
        for name in ("roles", "actor_kinds", "actor_countries")
    )
    links = []
    for label, role, kind, home in zip(labels, roles, kinds, homes, strict=True):
        role = _item(role, "roles", choice, ROLE, True)
        # The roles column says where a name ends: names may hold brackets.
        suffix = f" [{role}]"
        if not label.endswith(suffix):
            raise RowError("actors", f"Expected `Name [{role}]`, found {label!r}.")
        actor = {
            "name": label[: -len(suffix)],
            "kind": _item(kind, "actor_kinds", choice, ACTOR_KIND, True),
            "country": country((home or "").strip(), "actor_countries"),
        }
        links.append({"role": role, "actor": actor})
    return links


def _sources(cells: dict) -> list[dict]:
    urls = [url.strip() for url in split_cell(cells.get("sources") or "")]
    for url in urls:
        if urlsplit(url).scheme not in ("http", "https") or len(url) > MAX_URL:
            raise RowError("sources", f"Not an http(s) URL: {url[:100]!r}.")
    quotes = _listed(cells, "quotes", len(urls), "source")
    return [
        {"article": {"url": url}, "quote": quote}
        for url, quote in zip(urls, quotes, strict=True)
    ]


def _identity(cells: dict, name: str) -> str:
    value = text(cells, name, required=True)
    if len(value) > IDENTITY_LENGTHS[name]:
        raise RowError(name, f"At most {IDENTITY_LENGTHS[name]} characters.")
    return value


def record(row: Row) -> dict:
    cells = row.cells
    return {
        "source": _identity(cells, "source"),
        "source_id": _identity(cells, "source_id"),
        "event_code": text(cells, "event_code", required=True),
        # Free text as written: the csv module keeps its spaces and line ends.
        "summary": cells["summary"] or None,
        "date_start": day(cells, "date_start"),
        "date_end": day(cells, "date_end", required=False),
        "date_precision": choice(
            cells, "date_precision", DATE_PRECISION, required=True
        ),
        "geo_precision": choice(cells, "geo_precision", GEO_PRECISION),
        "fatalities": integer(cells, "fatalities"),
        "fatalities_low": integer(cells, "fatalities_low"),
        "fatalities_high": integer(cells, "fatalities_high"),
        "location": _place(cells),
        "actors": _actors(cells),
        "sources": _sources(cells),
        **_attributes(cells),
        "compare_content": True,
    }


def _attributes(cells: dict) -> dict:
    """The dataset's original row, from its JSON cell; kept as stored when the
    file has none (an empty cell, or an export without the column)."""
    raw = cells.get("source_attributes")
    if not raw:
        return {"source_attributes": None, "keep_source_attributes": True}
    return {"source_attributes": json_object(raw, "source_attributes")}

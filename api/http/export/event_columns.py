"""What an event looks like as a file: its CSV columns, links and sample.

The CSV carries, beyond the JSON record, what an import of the file (format
``dateline``) needs to make the same event in another instance: its identity,
its place's kind and parents, its actors' kinds and countries.
"""

from datetime import UTC, date, datetime
from operator import itemgetter

from api.http.export.columns import SAME, Cells, Export, Label, column
from api.services.export.writers import cell, chain_cells
from api.services.ingest.native_ids import NATIVE_SOURCE, native_id
from schemas.events import EventSchema

_NO_ACTORS = ("",) * 5


def _actor_texts(links: list[tuple]) -> tuple:
    """The five actor cells of a row: labels, ids, roles, kinds, countries."""
    if not links:
        return _NO_ACTORS
    names = "".join([link[3] for link in links])
    if ";" in names or "\\" in names:
        return (
            cell([f"{link[3]} [{link[2]}]" for link in links]),
            *(cell([link[i] for link in links]) for i in (1, 2, 4, 5)),
        )
    # Only names are free text: without a separator or backslash in them, no
    # cell needs escaping (roles, kinds and countries are codes), and plain
    # joins make them at a fraction of the cost.
    return (
        "; ".join([f"{link[3]} [{link[2]}]" for link in links]),
        "; ".join([str(link[1]) for link in links]),
        "; ".join([link[2] for link in links]),
        "; ".join([link[4] for link in links]),
        "; ".join([link[5] or "" for link in links]),
    )


def _actor_cells(row: dict) -> tuple:
    texts = row["actor_cells"] = _actor_texts(row["actor_links"])
    return texts[:3]


def _actor_detail_cells(row: dict) -> tuple:
    # Filled by _actor_cells, whose columns come first in every row.
    return row["actor_cells"][3:]


def _source_cells(row: dict) -> list:
    links = row["source_links"]
    return [cell([link[3] for link in links]), cell([link[2] for link in links])]


def _identity_cells(row: dict) -> list:
    if row["source"] is not None and row["source_id"] is not None:
        return [row["source"], row["source_id"]]
    # An event entered here has no identity in a dataset (see native_ids).
    return [NATIVE_SOURCE, native_id(row["id"], row["created_at"])]


def _parent_cells(row: dict) -> tuple:
    return chain_cells(row["location_parents"])


def _event_links(row: dict) -> dict:
    return {
        "actors": [{"actor_id": a[1], "role": a[2]} for a in row["actor_links"]],
        "sources": [
            {"article_id": a, "quote": q} for _, a, q, _ in row["source_links"]
        ],
    }


def _actor_names(row: dict) -> list[str]:
    return [link[3] for link in row["actor_links"]]


def _text(doc: str) -> dict:
    return {"type": ["string", "null"], "description": doc}


# The CSV's names for the same values: a file opened either way reads alike.
EVENT_LABELS = (
    Label(
        "event_name",
        _text("the name of `event_code` in the CAMEO codebook"),
        itemgetter("event_name"),
    ),
    Label(
        "location_name",
        _text("the name of the event's place"),
        itemgetter("location_name"),
    ),
    Label(
        "country",
        _text("the place's country (ISO alpha-3)"),
        itemgetter("location_country"),
    ),
    Label(
        "actor_names",
        {
            "type": "array",
            "items": {"type": "string"},
            "description": "the actors' names, in the order of `actors`",
        },
        _actor_names,
    ),
)
EVENT_CSV = (
    column("event_code", "CAMEO code"),
    column("event_name", "the code's name in the CAMEO codebook"),
    column("summary", SAME),
    column("date_start", "ISO 8601 date"),
    column("date_end", "ISO 8601 date"),
    column("date_precision", "day, week, month or year"),
    column("location_id", SAME),
    column("location_name", "name of the location"),
    column("country", "the location's country (ISO alpha-3)", "location_country"),
    column("latitude", "the location's latitude (WGS 84)", "location_latitude"),
    column("longitude", "the location's longitude (WGS 84)", "location_longitude"),
    column("geo_precision", SAME),
    column("fatalities", "empty when unknown"),
    Cells(
        ("actors", "actor_ids", "roles"),
        (
            "each actor as `Name [role]`, in the event's order",
            "their ids, in the same order",
            "their roles, in the same order",
        ),
        compute=_actor_cells,
    ),
    Cells(
        ("sources", "quotes"),
        (
            "URLs of the articles that report it",
            "each source's quote, in the same order (empty where none)",
        ),
        compute=_source_cells,
    ),
    # Later columns: what an import of the file (format `dateline`) needs.
    Cells(
        ("source", "source_id"),
        (
            "the dataset the event was imported from (acled, ucdp-ged, gdelt, "
            "a client's name), or `dateline` for an event entered in Dateline",
            "the event's id in that dataset, or `<id>@<created_at>` for an event "
            "entered in Dateline. Together they identify the event: importing "
            "the file (format `dateline`) updates the event that has them",
        ),
        compute=_identity_cells,
    ),
    column("fatalities_low", "lowest estimate of deaths, where the dataset has one"),
    column("fatalities_high", "highest estimate of deaths, where the dataset has one"),
    column("location_kind", "the location's kind (country, admin1, city...)"),
    Cells(
        (
            "location_parents",
            "location_parent_kinds",
            "location_parent_countries",
            "location_parent_latitudes",
            "location_parent_longitudes",
        ),
        (
            "names of the places the location lies in, nearest first",
            "their kinds, in the same order",
            "their countries, in the same order (empty where none)",
            "their latitudes, in the same order (empty where none)",
            "their longitudes, in the same order (empty where none)",
        ),
        compute=_parent_cells,
    ),
    Cells(
        ("actor_kinds", "actor_countries"),
        (
            "the actors' kinds, in the order of `actors`",
            "their countries, in the same order (empty where none)",
        ),
        compute=_actor_detail_cells,
    ),
)
_STAMP = datetime(2020, 3, 9, 12, 0, tzinfo=UTC)
EVENT_SAMPLE = {
    "id": 7,
    "event_code": "0871",
    "event_name": "Declare truce, ceasefire",
    "summary": "Russia and Turkey agree a ceasefire in Idlib from midnight.",
    "date_start": date(2020, 3, 5),
    "date_end": date(2020, 3, 5),
    "location_id": 3,
    "location_name": "Idlib Governorate",
    "location_kind": "admin1",
    "location_country": "SYR",
    "location_latitude": 35.75,
    "location_longitude": 36.75,
    "location_parents": (("Syria", "country", "SYR", 35.0, 38.0),),
    "geo_precision": "admin1",
    "fatalities": 0,
    "fatalities_low": None,
    "fatalities_high": None,
    "source": None,
    "source_id": None,
    "actor_links": [
        (7, 1, "initiator", "Russia", "state", "RUS"),
        (7, 2, "initiator", "Turkey", "state", "TUR"),
    ],
    "source_links": [(7, 1, "A joint document was adopted.", "https://example.org/1")],
    "created_at": _STAMP,
    "updated_at": _STAMP,
}

EVENTS = Export(
    EventSchema,
    links=_event_links,
    csv_head=EVENT_CSV,
    point=itemgetter("location_longitude", "location_latitude"),
    labels=EVENT_LABELS,
    server_csv=True,
    example=EVENT_SAMPLE,
)

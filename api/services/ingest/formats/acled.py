"""ACLED export CSV -> Dateline events.

ACLED codes events by event type and sub-event type; the table below maps
each pair to the closest CAMEO code (the original types stay in the record's
source attributes). Actor kinds come from ACLED's inter codes.
"""

from functools import lru_cache

from api.services.ingest.formats.base import (
    Row,
    RowError,
    built_once,
    choice,
    country,
    day,
    decimal,
    integer,
    text,
)
from reference.countries import to_alpha3

SOURCE = "acled"

CAMEO = {
    ("Battles", "Armed clash"): "190",
    ("Battles", "Government regains territory"): "192",
    ("Battles", "Non-state actor overtakes territory"): "192",
    ("Explosions/Remote violence", "Chemical weapon"): "2041",
    ("Explosions/Remote violence", "Air/drone strike"): "195",
    ("Explosions/Remote violence", "Suicide bomb"): "1831",
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"): "194",
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"): "1833",
    ("Explosions/Remote violence", "Grenade"): "193",
    ("Protests", "Peaceful protest"): "141",
    ("Protests", "Protest with intervention"): "141",
    ("Protests", "Excessive force against protesters"): "175",
    # The codebook's spelling.
    ("Protests", "Excessive force against protestors"): "175",
    ("Riots", "Violent demonstration"): "145",
    ("Riots", "Mob violence"): "145",
    ("Strategic developments", "Agreement"): "057",
    ("Strategic developments", "Arrests"): "173",
    ("Strategic developments", "Change to group/activity"): "010",
    ("Strategic developments", "Disrupted weapons use"): "1711",
    ("Strategic developments", "Headquarters or base established"): "154",
    ("Strategic developments", "Looting/property destruction"): "171",
    ("Strategic developments", "Non-violent transfer of territory"): "192",
    ("Strategic developments", "Other"): "010",
    ("Violence against civilians", "Sexual violence"): "1821",
    ("Violence against civilians", "Attack"): "180",
    ("Violence against civilians", "Abduction/forced disappearance"): "181",
}
# When a sub-event type is new to us, the event type still says something.
CAMEO_BY_TYPE = {
    "Battles": "190",
    "Explosions/Remote violence": "190",
    "Protests": "141",
    "Riots": "145",
    "Strategic developments": "010",
    "Violence against civilians": "180",
}
# Inter codes: numbers in older exports, names (in several spellings over
# the years) in newer ones, compared without case.
ACTOR_KINDS = {
    "1": "military",
    "2": "armed_group",
    "3": "armed_group",
    "4": "armed_group",
    "5": "protesters",
    "6": "protesters",
    "7": "civilians",
    "8": "other",
    "state forces": "military",
    "rebel group": "armed_group",
    "rebel groups": "armed_group",
    "rebel forces": "armed_group",
    "political militia": "armed_group",
    "political militias": "armed_group",
    "militia groups": "armed_group",
    "identity militia": "armed_group",
    "identity militias": "armed_group",
    "communal / identity groups": "armed_group",
    "rioters": "protesters",
    "protesters": "protesters",
    "protestors": "protesters",
    "civilians": "civilians",
    "external/other forces": "other",
    "foreign / others": "other",
}
PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": "exact", "2": "near", "3": "admin1"}


@lru_cache(maxsize=50_000)
def _actor_country(name: str) -> str | None:
    # ACLED names carry their country: "Rioters (Uganda)", "Military Forces of
    # Rwanda (1994-)". An actor abroad is not of the event's country.
    candidates = []
    if name.endswith(")") and "(" in name:
        candidates.append(name[name.rindex("(") + 1 : -1])
    if " of " in name:
        candidates.append(name.split(" of ", 1)[1].split(" (")[0])
    for candidate in candidates:
        try:
            found = country(candidate.strip(), "actor1")
        except RowError:
            found = None
        if found:
            return found
    return None


def _actor(name: str, kind: str) -> dict:
    return {
        "name": name,
        "kind": kind,
        "country": _actor_country(name),
        # ACLED's actor names are its identifiers.
        "source": SOURCE,
        "source_id": name[:100],
    }


@built_once("actor1", "inter1", "assoc_actor_1", "actor2", "inter2", "assoc_actor_2")
def _actors(cells: dict) -> list[dict]:
    links = []
    for side, role, assoc_role in (
        ("1", "initiator", "supporter"),
        ("2", "target", "affected"),
    ):
        name = text(cells, f"actor{side}")
        if name:
            inter = (text(cells, f"inter{side}") or "").casefold()
            kind = ACTOR_KINDS.get(inter, "other")
            links.append({"role": role, "actor": _actor(name, kind)})
        for other in (text(cells, f"assoc_actor_{side}") or "").split(";"):
            if other.strip():
                links.append(
                    {"role": assoc_role, "actor": _actor(other.strip(), "other")}
                )
    return links


@built_once(
    "iso",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
)
def _place(cells: dict) -> dict | None:
    iso = _country(cells)
    place = {"name": text(cells, "country") or iso, "kind": "country", "country": iso}
    if place["name"] is None:
        return None
    for level in ("admin1", "admin2", "admin3"):
        name = text(cells, level)
        if name:
            place = {"name": name, "kind": level, "country": iso, "parent": place}
    name = text(cells, "location")
    if name:
        place = {
            "name": name,
            "kind": "city",
            "country": iso,
            "parent": place,
            "latitude": decimal(cells, "latitude", -90, 90),
            "longitude": decimal(cells, "longitude", -180, 180),
        }
        if place["latitude"] is None or place["longitude"] is None:
            raise RowError("latitude", "A located event needs latitude and longitude.")
    return place


@built_once("iso", "country")
def _country(cells: dict) -> str | None:
    """By the numeric ``iso`` code, else by name (ACLED gives Kosovo iso 0)."""
    code, name = text(cells, "iso"), text(cells, "country")
    for value in (code, name):
        found = value and to_alpha3(value)
        if found:
            return found
    if code is None and name is None:
        return None
    raise RowError(
        "iso" if code else "country",
        f"Unknown country (iso {code!r}, country {name!r}).",
    )


def record(row: Row) -> dict:
    cells = row.cells
    event_type = text(cells, "event_type", required=True)
    sub_type = text(cells, "sub_event_type")
    code = CAMEO.get((event_type, sub_type)) or CAMEO_BY_TYPE.get(event_type)
    if code is None:
        raise RowError("event_type", f"Unknown ACLED event type {event_type!r}.")
    _country(cells)  # reported before the dates, as a bad country always was
    precision = choice(cells, "time_precision", PRECISION) or "day"
    start = day(cells, "event_date")
    if precision == "month":
        start = start.replace(day=1)
    return {
        "source": SOURCE,
        "source_id": text(cells, "event_id_cnty", required=True),
        "event_code": code,
        "summary": text(cells, "notes"),
        "date_start": start,
        "date_precision": precision,
        "geo_precision": choice(cells, "geo_precision", GEO_PRECISION),
        "fatalities": integer(cells, "fatalities"),
        "location": _place(cells),
        "actors": _actors(cells),
        "sources": [],
        # The whole row: ACLED's own typology, sources, interaction codes...
        "source_attributes": cells,
    }

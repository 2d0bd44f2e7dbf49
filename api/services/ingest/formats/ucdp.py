"""UCDP GED CSV -> Dateline events.

UCDP's three types of violence map to CAMEO codes; deaths become fatalities
(the best estimate, with low and high kept); dates keep UCDP's own range.
The event's place is the one ``where_prec`` locates it at (a town, an admin2
or admin1, a region, the country), with the row's point.
"""

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

SOURCE = "ucdp-ged"

CAMEO = {
    "1": "190",  # state-based armed conflict: conventional military force
    "2": "190",  # non-state conflict: fighting between organised groups
    "3": "180",  # one-sided violence against civilians: unconventional violence
}
PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
GEO_PRECISION = {
    "1": "exact",
    "2": "near",
    "3": "admin2",
    "4": "admin1",
    "5": "region",
    "6": "country",
    "7": "region",
}


def _kind(name: str, violence: str, side: str) -> str:
    if name.lower().startswith("government of"):
        return "government"
    if name.lower() == "civilians":
        return "civilians"
    return "armed_group" if violence in ("1", "2", "3") else "other"


@built_once(
    "type_of_violence",
    "side_a",
    "side_a_new_id",
    "side_a_dset_id",
    "side_b",
    "side_b_new_id",
    "side_b_dset_id",
)
def _actors(cells: dict) -> list[dict]:
    violence = text(cells, "type_of_violence")
    links = []
    for side, role in (("a", "initiator"), ("b", "target")):
        name = text(cells, f"side_{side}")
        if name:
            ucdp_id = text(cells, f"side_{side}_new_id") or text(
                cells, f"side_{side}_dset_id"
            )
            links.append(
                {
                    "role": role,
                    "actor": {
                        "name": name,
                        "kind": _kind(name, violence, side),
                        "source": SOURCE if ucdp_id else None,
                        "source_id": f"actor:{ucdp_id}" if ucdp_id else None,
                    },
                }
            )
    return links


# The kind of place a where_prec names, when the row's admin columns lack it:
# 3 and 4 are an admin2 and an admin1, 5 a part of a country (larger than an
# admin1, or a stretch of road or river), 7 international waters or airspace.
AREA_KINDS = {"3": "admin2", "4": "admin1", "5": "region", "7": "region"}
# The admin column whose place a where_prec names.
AREA_LEVELS = {"3": "adm_2", "4": "adm_1"}


@built_once(
    "country",
    "adm_1",
    "adm_2",
    "where_coordinates",
    "where_prec",
    "latitude",
    "longitude",
)
def _place(cells: dict) -> dict | None:
    name = text(cells, "country")
    if name is None:
        return None
    iso = country(name, "country")
    place = {"name": name, "kind": "country", "country": iso}
    levels = {"country": place}
    for level, kind in (("adm_1", "admin1"), ("adm_2", "admin2")):
        value = text(cells, level)
        if value:
            place = {"name": value, "kind": kind, "country": iso, "parent": place}
            levels[level] = place
    where = text(cells, "where_coordinates")
    precision = text(cells, "where_prec")
    lat = decimal(cells, "latitude", -90, 90)
    lon = decimal(cells, "longitude", -180, 180)
    if where and where != place["name"] and precision in ("1", "2"):
        if lat is None or lon is None:
            raise RowError("latitude", "A located event needs latitude and longitude.")
        return {
            "name": where,
            "kind": "city",
            "country": iso,
            "parent": place,
            "latitude": lat,
            "longitude": lon,
        }
    if lat is None or lon is None:
        return place
    return {**_area(levels, place, where, precision), "latitude": lat, "longitude": lon}


def _area(
    levels: dict, deepest: dict, where: str | None, precision: str | None
) -> dict:
    """The place whose representative point a row's coordinates are.

    UCDP fills adm_1 and adm_2 from where the point lies (an admin1's
    centroid comes with the admin2 it falls in), so the place is the row's
    admin of the level where_prec gives, or the country. Else it is the
    place where_coordinates names: one of the row's, or one made under the
    admins the point lies in. A row that names none locates its point in
    the deepest admin.
    """
    if precision == "6":
        return levels["country"]
    if precision in AREA_LEVELS and AREA_LEVELS[precision] in levels:
        return levels[AREA_LEVELS[precision]]
    named = [p for p in levels.values() if p["name"] == where]
    if named:
        return named[-1]
    if where and precision in AREA_KINDS:
        kind = AREA_KINDS[precision]
        return {
            "name": where,
            "kind": kind,
            "country": deepest["country"],
            "parent": deepest,
        }
    return deepest


def record(row: Row) -> dict:
    cells = row.cells
    violence = text(cells, "type_of_violence", required=True)
    if violence not in CAMEO:
        raise RowError("type_of_violence", f"Expected 1, 2 or 3, not {violence!r}.")
    start, end = day(cells, "date_start"), day(cells, "date_end")
    if end < start:
        raise RowError("date_end", "Before date_start.")
    best, low, high = (integer(cells, n) for n in ("best", "low", "high"))
    dyad = text(cells, "dyad_name")
    where = text(cells, "where_description")
    return {
        "source": SOURCE,
        "source_id": text(cells, "id", required=True),
        "event_code": CAMEO[violence],
        "summary": ": ".join(p for p in (dyad, where) if p) or None,
        "date_start": start,
        "date_end": end,
        "date_precision": choice(cells, "date_prec", PRECISION) or "day",
        "geo_precision": choice(cells, "where_prec", GEO_PRECISION),
        "fatalities": best,
        "fatalities_low": low,
        "fatalities_high": high,
        "location": _place(cells),
        "actors": _actors(cells),
        "sources": [],
        # Citations, death counts by side, conflict and dyad ids, precisions...
        "source_attributes": cells,
    }

"""GDELT events exports (tab-separated, no header) -> Dateline events.

GDELT 2.0's export has 61 columns. GDELT 1.0's daily files, from 1979 on,
have the same but the three geographies' ADM2 codes: 58 columns, or 57 in
the historical files before April 2013, which have no source URL. A file's
first row tells which. GDELT codes events in CAMEO already. Places use the
action geography (FIPS 10-4 country codes mapped to ISO alpha-3), the
source URL becomes an article.
"""

from datetime import UTC, date, datetime

from api.services.ingest.formats.base import Row, RowError, built_once, decimal, text
from reference.countries import fips_to_alpha3, to_alpha3

SOURCE = "gdelt"
# GDELT 1.0 is its own dataset, coded by its own run: its event ids are kept
# apart from 2.0's, so that one never updates an event of the other.
SOURCE_V1 = "gdelt1"
COLUMNS = (
    "GLOBALEVENTID SQLDATE MonthYear Year FractionDate Actor1Code Actor1Name "
    "Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode Actor1Religion1Code "
    "Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code Actor2Code "
    "Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode "
    "Actor2Religion1Code Actor2Religion2Code Actor2Type1Code Actor2Type2Code "
    "Actor2Type3Code IsRootEvent EventCode EventBaseCode EventRootCode QuadClass "
    "GoldsteinScale NumMentions NumSources NumArticles AvgTone Actor1Geo_Type "
    "Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code "
    "Actor1Geo_Lat Actor1Geo_Long Actor1Geo_FeatureID Actor2Geo_Type "
    "Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code Actor2Geo_ADM2Code "
    "Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID ActionGeo_Type "
    "ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code ActionGeo_ADM2Code "
    "ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID DATEADDED SOURCEURL"
).split()
COLUMNS_V1 = [name for name in COLUMNS if not name.endswith("_ADM2Code")]
# By a file's row length; the first is assumed for a length none has.
LAYOUTS = {61: COLUMNS, 58: COLUMNS_V1, 57: COLUMNS_V1[:-1]}
# CAMEO actor type codes -> our actor kinds.
KINDS = {
    "GOV": "government",
    "MIL": "military",
    "COP": "police",
    "REB": "armed_group",
    "INS": "armed_group",
    "SEP": "armed_group",
    "UAF": "armed_group",
    "OPP": "political_party",
    "PTY": "political_party",
    "CVL": "civilians",
    "MED": "media",
    "BUS": "business",
    "NGO": "ngo",
    "IGO": "international_organisation",
    "REL": "religious_group",
    "LEG": "government",
    "JUD": "government",
}
GEO_PRECISION = {
    "1": "country",
    "2": "admin1",
    "3": "exact",
    "4": "exact",
    "5": "admin1",
}


def _actor(cells: dict, side: str) -> dict | None:
    name = text(cells, f"Actor{side}Name")
    if name is None:
        return None
    code = text(cells, f"Actor{side}Code") or ""
    home = text(cells, f"Actor{side}CountryCode")
    kind = KINDS.get(text(cells, f"Actor{side}Type1Code") or "")
    if kind is None:
        kind = "state" if home and code == home else "other"
    return {
        "name": name.title(),
        "kind": kind,
        "country": to_alpha3(home) if home else None,
        # The actor code tells a state (CHN) from its opposition (CHNOPP).
        "source": SOURCE,
        "source_id": f"actor:{code}:{name}"[:100],
    }


def _links_of(side: str, role: str):
    names = [f"Actor{side}{c}" for c in ("Name", "Code", "CountryCode", "Type1Code")]

    @built_once(*names)
    def links(cells: dict) -> list[dict]:
        actor = _actor(cells, side)
        return [{"role": role, "actor": actor}] if actor else []

    return links


SIDES = (_links_of("1", "initiator"), _links_of("2", "target"))


@built_once(
    "ActionGeo_Type",
    "ActionGeo_CountryCode",
    "ActionGeo_FullName",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
)
def _place(cells: dict) -> dict | None:
    geo_type = text(cells, "ActionGeo_Type")
    fips = text(cells, "ActionGeo_CountryCode")
    if not geo_type or geo_type == "0" or not fips:
        return None
    iso = fips_to_alpha3(fips)
    if iso is None:
        raise RowError("ActionGeo_CountryCode", f"Unknown FIPS 10-4 code {fips!r}.")
    parts = [p.strip() for p in (text(cells, "ActionGeo_FullName") or "").split(",")]
    lat = decimal(cells, "ActionGeo_Lat", -90, 90)
    lon = decimal(cells, "ActionGeo_Long", -180, 180)
    point = {"latitude": lat, "longitude": lon}
    place = {"name": parts[-1] or iso, "kind": "country", "country": iso}
    if geo_type == "1":
        return {**place, **point}
    if len(parts) >= 2:
        place = {"name": parts[-2], "kind": "admin1", "country": iso, "parent": place}
    if geo_type in ("2", "5"):
        return {**place, **point}
    feature = text(cells, "ActionGeo_FeatureID")
    if lat is None or lon is None:
        raise RowError("ActionGeo_Lat", "A city needs latitude and longitude.")
    return {
        "name": parts[0],
        "kind": "city",
        "country": iso,
        "parent": place,
        **point,
        "source": SOURCE if feature else None,
        "source_id": f"feature:{feature}" if feature else None,
    }


@built_once("SOURCEURL", "DATEADDED")
def _sources(cells: dict) -> list[dict]:
    article = _article(cells)
    return [{"article": article, "quote": None}] if article else []


def _article(cells: dict) -> dict | None:
    url = text(cells, "SOURCEURL")
    # Split by hand: urlsplit was a noticeable part of reading a row, and only
    # the scheme and the path's last part are needed.
    scheme, separator, rest = (url or "").partition("://")
    if not separator or scheme.lower() not in ("http", "https"):
        return None
    path = rest.split("#", 1)[0].split("?", 1)[0].partition("/")[2]
    slug = path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    title = " ".join(w for w in slug.replace("_", "-").split("-") if not w.isdigit())
    added = text(cells, "DATEADDED")
    published = None
    # isdigit alone admits digits int() refuses (superscripts).
    if added and len(added) == 14 and added.isascii() and added.isdigit():
        # Sliced, not strptime'd: far cheaper, and done on every row of a file.
        parts = [int(added[i : i + 2]) for i in range(4, 14, 2)]
        try:
            published = datetime(int(added[:4]), *parts, tzinfo=UTC)
        except ValueError:
            published = None
    return {
        "url": url[:2048],
        # Made from the URL, so cut to what a title takes rather than refused.
        "title": (title.capitalize() or url)[:1000],
        "published_at": published,
    }


def record(row: Row) -> dict:
    cells = row.cells
    raw_date = text(cells, "SQLDATE", required=True)
    try:
        if len(raw_date) != 8 or not raw_date.isdigit():
            raise ValueError(raw_date)
        start = date(int(raw_date[:4]), int(raw_date[4:6]), int(raw_date[6:]))
    except ValueError as error:
        raise RowError("SQLDATE", f"Not a YYYYMMDD date: {raw_date!r}.") from error
    links = [*SIDES[0](cells), *SIDES[1](cells)]
    names = [link["actor"]["name"] for link in links]
    code = text(cells, "EventCode", required=True)
    return {
        "source": SOURCE if "ActionGeo_ADM2Code" in cells else SOURCE_V1,
        "source_id": text(cells, "GLOBALEVENTID", required=True),
        "event_code": code,
        "summary": " / ".join([*names, f"CAMEO {code}"]),
        "date_start": start,
        "date_precision": "day",
        "geo_precision": GEO_PRECISION.get(text(cells, "ActionGeo_Type") or ""),
        "fatalities": None,
        "location": _place(cells),
        "actors": links,
        "sources": _sources(cells),
        "source_attributes": cells,
    }

"""Places keep the representative point their rows give, at every level.

The rows are real (see fixtures/SOURCES.md): besides the format samples,
``ucdp_ged231_areas.csv`` holds UCDP GED 23.1 ids 28797, 62534, 21300,
322134, 89398 and 23893 (a town in Baghdād province, then the province; an
admin1, a country, a region and international waters),
``gdelt2_events_areas.export.CSV`` GLOBALEVENTID 669666354, 669666358,
669666392 and 669666395 (two US places, then their states), and
``acled_2022_admin1.csv`` ACLED's TUR25262 (located to its admin1), each
copied byte for byte from the files in /work/shared/data.
"""

import csv
import io
from urllib.parse import urlencode

import pytest

from api.models import Location
from tests.services.ingest.conftest import (
    FIXTURES,
    GDELT_COLUMNS,
    ID_COLUMNS,
    SAMPLES,
    events_by_source_id,
    get_json,
    run_import,
)

AREAS = {
    "ucdp-ged": FIXTURES / "ucdp_ged231_areas.csv",
    "gdelt": FIXTURES / "gdelt2_events_areas.export.CSV",
    "acled": FIXTURES / "acled_2022_admin1.csv",
}
# (format, source id, place name, kind, latitude, longitude, geo_precision)
AREA_ROWS = [
    ("ucdp-ged", "21300", "Lunda Sul province", "admin1", -9.65, 20.4, "admin1"),
    ("ucdp-ged", "62534", "Baghdād province", "admin1", 33.133333, 44.25, "admin1"),
    ("ucdp-ged", "322134", "Syria", "country", 35, 38, "country"),
    ("ucdp-ged", "89398", "Kashmir valley", "region", 34.16667, 74.75, "region"),
    ("ucdp-ged", "23893", "Lake Albert (off Irumu)", "region", 1.3, 30.5, "region"),
    ("gdelt", "669666358", "Louisiana", "admin1", 31.1801, -91.8749, "admin1"),
    ("gdelt", "669666395", "California", "admin1", 36.17, -119.746, "admin1"),
    ("acled", "TUR25262", "Hatay", "city", 36.2066, 36.1572, "admin1"),
]


def _imported(app, format_name, path=None):
    report = run_import(app, format_name, path or AREAS[format_name])
    assert report.committed is True, report.errors
    return report


def _place(client, event_id):
    return get_json(client, f"/events/{event_id}?include=location")["location"]


def _found(client, **query) -> list[int]:
    """The ids of the events a listing with these filters gives."""
    return [e["id"] for e in get_json(client, f"/events/?{urlencode(query)}")]


def _box(lat, lon, margin=0.1):
    return f"{lon - margin},{lat - margin},{lon + margin},{lat + margin}"


@pytest.mark.parametrize(
    ("format_name", "source_id", "name", "kind", "lat", "lon", "precision"),
    AREA_ROWS,
    ids=[row[1] for row in AREA_ROWS],
)
def test_an_area_row_places_its_event_at_its_point(
    app, client, format_name, source_id, name, kind, lat, lon, precision
):
    _imported(app, format_name)

    event_id = events_by_source_id(app, format_name)[source_id].id
    event = get_json(client, f"/events/{event_id}?include=location")
    assert event["geo_precision"] == precision
    place = event["location"]
    assert (place["name"], place["kind"]) == (name, kind)
    stored = get_json(client, f"/locations/{place['id']}")
    assert (stored["latitude"], stored["longitude"]) == (lat, lon)
    assert _found(client, bbox=_box(lat, lon)) == [event_id]
    assert event_id in _found(client, near=f"{lat},{lon},5")


def test_a_region_lies_in_the_admins_its_row_names(app, client):
    _imported(app, "ucdp-ged")

    events = events_by_source_id(app, "ucdp-ged")
    kashmir = get_json(client, f"/locations/{_place(client, events['89398'].id)['id']}")
    state = get_json(client, f"/locations/{kashmir['parent_id']}")
    assert (state["name"], state["kind"]) == ("Jammu and Kashmir state", "admin1")
    # The row's point is the valley's, not the state's.
    assert (state["latitude"], state["longitude"]) == (None, None)
    state_events = _found(client, location=state["id"])
    assert events["89398"].id in state_events


@pytest.mark.parametrize(
    ("format_name", "city", "area"),
    [("ucdp-ged", "28797", "62534"), ("gdelt", "669666354", "669666358")],
)
def test_an_area_named_first_as_a_parent_gets_the_point_of_its_own_row(
    app, client, format_name, city, area
):
    _imported(app, format_name)

    events = events_by_source_id(app, format_name)
    region = _place(client, events[area].id)
    parent = _place(client, events[city].id)["parent_id"]
    assert parent == region["id"]
    assert region["latitude"] is not None and region["longitude"] is not None


def _point_of_every_place(app) -> dict[int, tuple]:
    with app.extensions["dateline_db"].connection_context():
        return {p.id: (p.latitude, p.longitude) for p in Location.select()}


def _unlocate_areas(app) -> None:
    """What imports left before places kept their rows' points."""
    with app.extensions["dateline_db"].connection_context():
        Location.update(latitude=None, longitude=None).where(
            Location.kind != "city"
        ).execute()


@pytest.mark.parametrize(
    ("format_name", "source_id", "point"),
    [("ucdp-ged", "21300", (-9.65, 20.4)), ("gdelt", "669666358", (31.1801, -91.8749))],
)
def test_importing_a_file_again_gives_stored_places_their_points(
    app, client, format_name, source_id, point
):
    _imported(app, format_name)
    points = _point_of_every_place(app)
    _unlocate_areas(app)

    again = _imported(app, format_name)

    assert (again.created, again.updated, again.unchanged) == (0, 0, again.rows)
    assert _point_of_every_place(app) == points
    event_id = events_by_source_id(app, format_name)[source_id].id
    assert _found(client, bbox=_box(*point)) == [event_id]
    # The place given its point again has a revision that says so.
    area = _place(client, event_id)["id"]
    created, updated = get_json(client, f"/locations/{area}/history")
    assert (created["action"], updated["action"]) == ("create", "update")
    assert created["data"]["latitude"] is None
    assert updated["changes"]["latitude"] == [None, point[0]]


def test_a_place_with_a_point_keeps_it(app, client):
    _imported(app, "ucdp-ged")
    lunda = _place(client, events_by_source_id(app, "ucdp-ged")["21300"].id)
    fields = ("name", "kind", "country", "parent_id")
    moved = {**{f: lunda[f] for f in fields}, "latitude": -10.0, "longitude": 20.0}
    response = client.put(f"/locations/{lunda['id']}", json=moved)
    assert response.status_code == 200, response.get_json()
    feed = get_json(client, f"/locations/{lunda['id']}/history")

    _imported(app, "ucdp-ged")

    stored = get_json(client, f"/locations/{lunda['id']}")
    assert (stored["latitude"], stored["longitude"]) == (-10.0, 20.0)
    assert get_json(client, f"/locations/{lunda['id']}/history") == feed


def test_a_country_entered_without_a_point_gets_its_rows(app, client, make_location):
    nowhere = {"latitude": None, "longitude": None}
    syria = make_location(name="Syria", kind="country", country="SYR", **nowhere)
    chad = make_location(
        name="Chad", kind="country", country="TCD", latitude=12.1, longitude=15.0
    )

    _imported(app, "gdelt", SAMPLES["gdelt"])

    # GDELT's centroid of Syria; Chad keeps the point it was given.
    syria = get_json(client, f"/locations/{syria['id']}")
    assert (syria["latitude"], syria["longitude"]) == (35, 38)
    chad = get_json(client, f"/locations/{chad['id']}")
    assert (chad["latitude"], chad["longitude"]) == (12.1, 15.0)
    event_id = events_by_source_id(app, "gdelt")["669666363"].id
    assert _found(client, near="35,38,10") == [event_id]


def _latitudes(format_name, path) -> dict[str, str]:
    """Each row's latitude cell, by the row's id."""
    text = io.StringIO(path.read_text(encoding="utf-8"), newline="")
    if format_name == "gdelt":
        reader = csv.DictReader(
            text, fieldnames=GDELT_COLUMNS, delimiter="\t", quoting=csv.QUOTE_NONE
        )
        return {r["GLOBALEVENTID"]: r["ActionGeo_Lat"] for r in reader}
    return {r[ID_COLUMNS[format_name]]: r["latitude"] for r in csv.DictReader(text)}


@pytest.mark.parametrize(
    ("format_name", "path"),
    [*SAMPLES.items(), *AREAS.items()],
    ids=[p.name for p in [*SAMPLES.values(), *AREAS.values()]],
)
def test_only_rows_without_a_point_leave_their_event_unlocated(
    app, client, format_name, path
):
    _imported(app, format_name, path)

    events = events_by_source_id(app, format_name)
    located = {
        event["id"]
        for event in get_json(client, "/events/?bbox=-180,-90,180,90&page_size=100")
    }
    latitudes = _latitudes(format_name, path)
    pointless = {source_id for source_id, lat in latitudes.items() if not lat}
    assert {s for s, e in events.items() if e.id not in located} == pointless

"""Lists as CSV, NDJSON and GeoJSON: same records as JSON, streamed, negotiated."""

import csv
import io
import json

import pytest

from api.services.export.writers import split_cell

FORMATS = {
    "csv": "text/csv; charset=utf-8; header=present",
    "ndjson": "application/x-ndjson",
    "geojson": "application/geo+json",
}


@pytest.fixture
def records(client, make_location, make_actor, make_article, make_event):
    """Events with awkward text, several links, and one without a place."""
    syria = make_location(name="Syria", kind="country", latitude=35, longitude=38)
    idlib = make_location(name='Idlib, "the city"', parent_id=syria["id"])
    route = make_location(
        name="M4; highway", kind="route", latitude=None, longitude=None
    )
    erdogan = make_actor(aliases=["Erdogan", "Tayyip; Erdoğan"])
    putin = make_actor(name="Vladimir Putin", country="RUS")
    # A name with the list separator, a quote and a backslash; no country.
    front = make_actor(name='Front; "West" \\ North', kind="armed_group", country=None)
    first = make_article(title="Ceasefire, at last")
    second = make_article()
    made = [
        make_event(
            event_code="0871",
            summary='Russia and Turkey agree a "ceasefire",\r\nfrom midnight.',
            date_start="2020-03-05",
            location_id=idlib["id"],
            geo_precision="near",
            fatalities=0,
            actors=[
                {"actor_id": erdogan["id"], "role": "initiator"},
                {"actor_id": putin["id"], "role": "initiator"},
            ],
            sources=[
                {"article_id": first["id"], "quote": "A joint document; adopted."},
                {"article_id": second["id"], "quote": None},
            ],
        ),
        make_event(
            event_code="190",
            date_start="2019-12-01",
            date_precision="month",
            location_id=route["id"],
            actors=[
                {"actor_id": front["id"], "role": "initiator"},
                {"actor_id": putin["id"], "role": "target"},
            ],
        ),
        make_event(event_code="195", date_start="2020-02-27", fatalities=34),
    ]
    for day in range(1, 5):
        made.append(make_event(date_start=f"2020-01-0{day}", location_id=syria["id"]))
    return {
        "events": made,
        "places": [syria, idlib, route],
        "actors": [erdogan, putin, front],
        "articles": [first, second],
    }


def export(client, url: str, fmt: str, **headers):
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}format={fmt}", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Content-Type"] == FORMATS[fmt]
    assert response.is_streamed
    return response


def json_list(client, url: str) -> list[dict]:
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}page_size=500")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_csv_parses_back_to_the_json_records(client, records):
    response = export(client, "/events/", "csv")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="events.csv"'
    )
    raw = response.get_data()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    text = raw.decode("utf-8")
    assert text.count("\r\n") >= 8 and "\n" not in text.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    events = json_list(
        client, "/events/?include=location&include=sources&include=actors"
    )
    actors = {a["id"]: a for a in json_list(client, "/actors/")}
    assert [int(r["id"]) for r in rows] == [e["id"] for e in events]
    for row, event in zip(rows, events, strict=True):
        for name in ("event_code", "date_start", "date_end", "date_precision"):
            assert row[name] == event[name]
        assert row["summary"] == (event["summary"] or "")
        assert row["fatalities"] == (
            "" if event["fatalities"] is None else str(event["fatalities"])
        )
        assert row["geo_precision"] == (event["geo_precision"] or "")
        assert row["created_at"] == event["created_at"]
        place = event.get("location") or {}
        assert row["location_id"] == str(place.get("id") or "")
        assert row["location_name"] == place.get("name", "")
        assert row["country"] == (place.get("country") or "")
        assert row["latitude"] == str(place.get("latitude") or "")
        assert row["location_kind"] == place.get("kind", "")
        parents = place.get("ancestors", [])
        assert split_cell(row["location_parents"]) == [p["name"] for p in parents]
        assert split_cell(row["location_parent_kinds"]) == [p["kind"] for p in parents]
        assert split_cell(row["location_parent_latitudes"]) == [
            str(p["latitude"]) for p in parents
        ]
        # Entered here: the identity a copy keeps (see the dateline importer).
        assert (row["source"], row["source_id"]) == (
            "dateline",
            f"{event['id']}@{event['created_at']}",
        )
        assert row["fatalities_low"] == row["fatalities_high"] == ""
        links = event["actors"]
        assert [int(i) for i in split_cell(row["actor_ids"])] == [
            a["actor_id"] for a in links
        ]
        assert split_cell(row["roles"]) == [a["role"] for a in links]
        assert split_cell(row["actors"]) == [
            f"{actors[a['actor_id']]['name']} [{a['role']}]" for a in links
        ]
        assert split_cell(row["actor_kinds"]) == [a["actor"]["kind"] for a in links]
        assert split_cell(row["actor_countries"]) == [
            a["actor"]["country"] or "" for a in links
        ]
        sources = event["sources"]
        assert split_cell(row["sources"]) == [s["article"]["url"] for s in sources]
        assert split_cell(row["quotes"]) == [s["quote"] or "" for s in sources]
    assert rows[0]["quotes"] == "A joint document\\; adopted.; "
    assert rows[0]["event_name"] == "Declare truce, ceasefire"
    (attack,) = [row for row in rows if row["event_code"] == "190"]
    assert attack["actors"] == (
        'Front\\; "West" \\\\ North [initiator]; Vladimir Putin [target]'
    )
    assert attack["actor_countries"] == "; RUS"


@pytest.mark.parametrize("resource", ["events", "locations", "actors", "articles"])
def test_every_list_exports_the_same_records(client, records, resource):
    expected = json_list(client, f"/{resource}/")
    lines = export(client, f"/{resource}/", "ndjson").get_data(as_text=True)
    assert lines.endswith("\n")
    assert [json.loads(line) for line in lines.splitlines()] == expected

    rows = list(
        csv.DictReader(
            io.StringIO(
                export(client, f"/{resource}/", "csv").get_data(as_text=True),
                newline="",
            )
        )
    )
    assert [int(r["id"]) for r in rows] == [r["id"] for r in expected]
    assert list(rows[0])[0] == "id" and list(rows[0])[-2:] == [
        "created_at",
        "updated_at",
    ]


@pytest.mark.parametrize("resource", ["events", "locations"])
def test_geojson_is_a_feature_collection(client, records, resource):
    response = export(client, f"/{resource}/", "geojson")
    assert response.headers["Content-Disposition"].endswith(f'{resource}.geojson"')
    collection = json.loads(response.get_data())
    assert set(collection) == {"type", "features"}
    assert collection["type"] == "FeatureCollection"
    expected = json_list(client, f"/{resource}/")
    places = {p["id"]: p for p in json_list(client, "/locations/")}
    assert len(collection["features"]) == len(expected)
    for feature, record in zip(collection["features"], expected, strict=True):
        assert feature["type"] == "Feature"
        assert feature["id"] == record["id"]
        # Events add labels a map can show (tests/http/test_geojson_labels.py).
        assert feature["properties"].items() >= record.items()
        place = places.get(record.get("location_id", record["id"]))
        if place is None or place["latitude"] is None:
            assert feature["geometry"] is None
            continue
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert (lon, lat) == (place["longitude"], place["latitude"])
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert any(f["geometry"] is None for f in collection["features"])


def test_exports_stream_in_batches_with_filters_sort_and_cursor(
    app, client, records, monkeypatch
):
    app.config["DATELINE_EXPORT_BATCH_SIZE"] = 2
    query = "sort=-date_start&date_from=2019-12-15"
    expected = json_list(client, f"/events/?{query}")
    assert len(expected) > 2 * 2
    for fmt in ("ndjson", "csv", "geojson"):
        response = export(client, f"/events/?{query}", fmt)
        body = response.get_data(as_text=True)
        if fmt == "ndjson":
            got = [json.loads(line)["id"] for line in body.splitlines()]
        elif fmt == "csv":
            got = [int(r["id"]) for r in csv.DictReader(io.StringIO(body, newline=""))]
        else:
            got = [f["id"] for f in json.loads(body)["features"]]
        assert got == [e["id"] for e in expected], fmt

    response = client.get(f"/events/?{query}&cursor=&page_size=2")
    cursor = response.headers["X-Next-Cursor"]
    rest = export(client, f"/events/?{query}&cursor={cursor}", "ndjson")
    ids = [json.loads(line)["id"] for line in rest.get_data(as_text=True).splitlines()]
    assert ids == [e["id"] for e in expected[2:]]
    assert app.extensions["dateline_db"].is_closed()


def test_related_lists_export_too(client, records):
    putin = records["actors"][1]
    response = export(client, f"/actors/{putin['id']}/events", "csv")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="actors-2-events.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2
    syria = records["places"][0]
    response = export(client, f"/locations/{syria['id']}/events", "geojson")
    assert len(json.loads(response.get_data())["features"]) == 5
    article = records["articles"][0]
    response = export(client, f"/articles/{article['id']}/events", "ndjson")
    assert len(response.get_data(as_text=True).splitlines()) == 1


def test_accept_header_chooses_and_format_wins(client, records):
    for accept, fmt in (
        ("text/csv", "csv"),
        ("application/x-ndjson", "ndjson"),
        ("application/geo+json", "geojson"),
        ("application/geo+json;q=0.5, text/csv", "csv"),
    ):
        response = client.get("/events/", headers={"Accept": accept})
        assert response.status_code == 200
        assert response.headers["Content-Type"] == FORMATS[fmt], accept
        assert response.get_data()
    for accept in ("application/json", "*/*", "text/html,*/*;q=0.8"):
        response = client.get("/events/", headers={"Accept": accept})
        assert response.content_type == "application/json", accept
        assert "X-Pagination" in response.headers
    response = client.get("/events/?format=ndjson", headers={"Accept": "text/csv"})
    assert response.headers["Content-Type"] == FORMATS["ndjson"]
    assert response.get_data()
    response = client.get("/events/?format=json", headers={"Accept": "text/csv"})
    assert response.content_type == "application/json"


def test_export_errors(client, records):
    cases = [
        ("/actors/", {"Accept": "application/geo+json"}, 406),
        ("/articles/", {"Accept": "application/geo+json"}, 406),
        ("/events/", {"Accept": "application/xml"}, 406),
        ("/actors/?format=geojson", {}, 422),
        ("/events/?format=xlsx", {}, 422),
        ("/events/?format=csv&page_size=501", {}, 422),
        ("/events/?format=csv&cursor=&page=2", {}, 422),
        ("/events/?format=ndjson&fields=date_start", {}, 422),
        ("/events/?format=ndjson&include=actors", {}, 422),
        ("/events/?format=csv&cursor=garbage", {}, 422),
    ]
    for url, headers, status in cases:
        response = client.get(url, headers=headers)
        assert response.status_code == status, url
        assert response.content_type == "application/problem+json", url


def test_children_export(client, records):
    syria = records["places"][0]
    expected = json_list(client, f"/locations/{syria['id']}/children")
    response = export(client, f"/locations/{syria['id']}/children", "ndjson")
    lines = response.get_data(as_text=True).splitlines()
    assert [json.loads(line) for line in lines] == expected != []

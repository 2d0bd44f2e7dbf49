"""GeoJSON a map can label: names beside the ids and codes of each record."""

import csv
import io
import json

import pytest


@pytest.fixture
def ceasefire(make_location, make_actor, make_event):
    syria = make_location(name="Syria", kind="country", latitude=35, longitude=38)
    idlib = make_location(name="Idlib", parent_id=syria["id"])
    erdogan = make_actor()
    putin = make_actor(name="Vladimir Putin", country="RUS")
    event = make_event(
        event_code="0871",
        date_start="2020-03-05",
        location_id=idlib["id"],
        actors=[
            {"actor_id": putin["id"], "role": "initiator"},
            {"actor_id": erdogan["id"], "role": "target"},
        ],
    )
    return {"event": event, "place": idlib, "actors": [putin, erdogan]}


def features(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/geo+json"
    return json.loads(response.get_data())["features"]


def test_an_event_carries_its_place_code_and_actor_names(client, ceasefire):
    (feature,) = features(client, "/events?format=geojson")
    labels = feature["properties"]
    assert labels["location_name"] == "Idlib"
    assert labels["country"] == "SYR"
    assert labels["event_name"] == "Declare truce, ceasefire"
    assert labels["actor_names"] == ["Vladimir Putin", "Recep Tayyip Erdoğan"]
    # Beside the ids they name, which stay as they were.
    assert labels["location_id"] == ceasefire["place"]["id"]
    assert labels["event_code"] == "0871"
    assert [a["actor_id"] for a in labels["actors"]] == [
        a["id"] for a in ceasefire["actors"]
    ]


def test_the_labels_are_the_csv_columns_of_the_same_names(client, ceasefire):
    text = client.get("/events?format=csv").get_data(as_text=True)
    (row,) = csv.DictReader(io.StringIO(text, newline=""))
    (feature,) = features(client, "/events?format=geojson")
    for name in ("location_name", "country", "event_name"):
        assert feature["properties"][name] == row[name]


def test_an_event_without_place_or_actors_has_empty_labels(client, make_event):
    make_event(event_code="195", date_start="2020-02-27")
    (feature,) = features(client, "/events?format=geojson")
    assert feature["geometry"] is None
    labels = feature["properties"]
    assert labels["location_name"] is None and labels["country"] is None
    assert labels["event_name"] == "Employ aerial weapons, not specified below"
    assert labels["actor_names"] == []


def test_labels_hold_across_batches_and_pages(
    app, client, make_location, make_actor, make_event
):
    # Places and actors met in one batch are named again in later ones.
    app.config["DATELINE_EXPORT_BATCH_SIZE"] = 2
    homs = make_location(name="Homs")
    hama = make_location(name="Hama", country="SYR")
    actor = make_actor(name="Syrian Arab Army", kind="state", country="SYR")
    for day in range(1, 8):
        make_event(
            date_start=f"2020-01-0{day}",
            location_id=(homs if day % 2 else hama)["id"],
            actors=[{"actor_id": actor["id"], "role": "initiator"}],
        )
    streamed = features(client, "/events?format=geojson")
    assert [f["properties"]["location_name"] for f in streamed] == [
        "Homs" if day % 2 else "Hama" for day in range(1, 8)
    ]
    assert {tuple(f["properties"]["actor_names"]) for f in streamed} == {
        ("Syrian Arab Army",)
    }
    paged = features(client, "/events?format=geojson&page_size=3&page=2")
    assert [f["properties"] for f in paged] == [f["properties"] for f in streamed[3:6]]


def test_a_location_carries_its_name_and_country(client, ceasefire):
    collection = features(client, "/locations?format=geojson")
    labels = {f["id"]: f["properties"] for f in collection}
    idlib = labels[ceasefire["place"]["id"]]
    assert idlib["name"] == "Idlib"
    assert idlib["country"] == "SYR"

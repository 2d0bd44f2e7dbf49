"""Locations over HTTP: lifecycle, hierarchy, validation and deletion rules."""


def test_location_lifecycle(client):
    response = client.post(
        "/locations/",
        json={
            "name": "Syria",
            "kind": "country",
            "country": "SY",
            "latitude": 35.0,
            "longitude": 38.5,
        },
    )
    assert response.status_code == 201
    syria = response.get_json()
    assert syria["country"] == "SYR"
    assert {"id", "created_at", "updated_at"} <= syria.keys()
    etag = response.headers["ETag"]

    response = client.get(f"/locations/{syria['id']}")
    assert response.status_code == 200
    assert response.get_json() == syria
    assert response.headers["ETag"] == etag

    response = client.get(f"/locations/{syria['id']}", headers={"If-None-Match": etag})
    assert response.status_code == 304

    response = client.get("/locations/")
    assert response.status_code == 200
    assert [loc["id"] for loc in response.get_json()] == [syria["id"]]
    assert '"total": 1' in response.headers["X-Pagination"]

    response = client.put(
        f"/locations/{syria['id']}",
        json={
            "name": "Syrian Arab Republic",
            "kind": "country",
            "country": "SYR",
            "latitude": 35.0,
            "longitude": 38.5,
        },
        headers={"If-Match": etag},
    )
    assert response.status_code == 200
    assert response.get_json()["name"] == "Syrian Arab Republic"

    response = client.patch(
        f"/locations/{syria['id']}", json={"name": "Syria"}, headers={"If-Match": etag}
    )
    assert response.status_code == 412
    assert client.get(f"/locations/{syria['id']}").get_json()["name"] == (
        "Syrian Arab Republic"
    )

    response = client.patch(f"/locations/{syria['id']}", json={"name": "Syria"})
    assert response.status_code == 200
    assert response.get_json()["latitude"] == 35.0

    response = client.delete(f"/locations/{syria['id']}")
    assert response.status_code == 204
    response = client.get(f"/locations/{syria['id']}")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_hierarchy_children_and_ancestors(client, make_location):
    syria = make_location(name="Syria", kind="country", latitude=35, longitude=38)
    governorate = make_location(
        name="Idlib Governorate", kind="admin1", parent_id=syria["id"]
    )
    city = make_location(name="Idlib", parent_id=governorate["id"])

    response = client.get(f"/locations/{syria['id']}/children")
    assert response.status_code == 200
    assert [c["id"] for c in response.get_json()] == [governorate["id"]]

    response = client.get(f"/locations/{city['id']}/ancestors")
    assert response.status_code == 200
    assert [a["name"] for a in response.get_json()] == ["Idlib Governorate", "Syria"]


def test_cycles_are_rejected(client, make_location):
    syria = make_location(name="Syria", kind="country")
    governorate = make_location(
        name="Idlib Governorate", kind="admin1", parent_id=syria["id"]
    )
    city = make_location(name="Idlib", parent_id=governorate["id"])

    for new_parent in (city["id"], syria["id"]):
        response = client.patch(
            f"/locations/{syria['id']}", json={"parent_id": new_parent}
        )
        assert response.status_code == 422
        assert "parent_id" in response.get_json()["errors"]["json"]
    assert client.get(f"/locations/{syria['id']}").get_json()["parent_id"] is None


def test_coordinates_are_checked(client):
    response = client.post(
        "/locations/",
        json={"name": "Idlib", "kind": "city", "latitude": 95, "longitude": 36},
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["latitude"]

    response = client.post("/locations/", json={"name": "Idlib", "kind": "city"})
    assert response.status_code == 422
    assert {"latitude", "longitude"} <= response.get_json()["errors"]["json"].keys()

    response = client.post(
        "/locations/", json={"name": "M4 highway", "kind": "route", "country": "SYR"}
    )
    assert response.status_code == 201
    assert response.get_json()["latitude"] is None
    assert client.get("/locations/?kind=city").get_json() == []


def test_bad_inputs_name_the_field(client, make_location):
    cases = [
        ({"name": "X", "kind": "planet", "latitude": 1, "longitude": 1}, "kind"),
        (
            {"name": "X", "kind": "city", "latitude": "north", "longitude": 1},
            "latitude",
        ),
        ({"name": "X", "kind": "route", "country": "Atlantis"}, "country"),
        ({"name": "X", "kind": "route", "parent_id": 999}, "parent_id"),
        ({"name": "X", "kind": "route", "colour": "red"}, "colour"),
        ({"kind": "route"}, "name"),
    ]
    for body, field in cases:
        response = client.post("/locations/", json=body)
        assert response.status_code == 422, body
        assert response.content_type == "application/problem+json"
        assert field in response.get_json()["errors"]["json"], body
    assert client.get("/locations/").get_json() == []


def test_filters_and_unknown_parameters(client, make_location):
    syria = make_location(name="Syria", kind="country")
    make_location(
        name="Moscow", kind="city", country="RUS", latitude=55.75, longitude=37.62
    )
    make_location(name="Idlib", parent_id=syria["id"])

    names = [x["name"] for x in client.get("/locations/?country=SY").get_json()]
    assert names == ["Syria", "Idlib"]
    names = [
        x["name"]
        for x in client.get("/locations/?kind=city&kind=country&country=RUS").get_json()
    ]
    assert names == ["Moscow"]
    assert [x["name"] for x in client.get("/locations/?name=idlib").get_json()] == [
        "Idlib"
    ]

    response = client.get("/locations/?contry=SYR")
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"] == {"contry": ["Unknown parameter."]}


def test_delete_referenced_location_needs_force(client, make_location, make_event):
    syria = make_location(name="Syria", kind="country")
    city = make_location(name="Idlib", parent_id=syria["id"])
    event = make_event(location_id=city["id"])

    response = client.delete(f"/locations/{syria['id']}")
    assert response.status_code == 409
    assert "child locations" in response.get_json()["detail"]
    response = client.delete(f"/locations/{city['id']}")
    assert response.status_code == 409

    response = client.delete(f"/locations/{city['id']}?force=true")
    assert response.status_code == 204
    assert client.get(f"/events/{event['id']}").get_json()["location_id"] is None

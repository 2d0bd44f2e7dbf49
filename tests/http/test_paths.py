"""Collection paths with and without a trailing slash, for scripts and browsers."""

import email.utils

import pytest

COLLECTIONS = [
    "/events",
    "/actors",
    "/articles",
    "/locations",
    "/event-codes",
    "/changes",
    "/imports",
    "/keys",
]


@pytest.mark.parametrize("path", COLLECTIONS)
def test_both_forms_answer_directly(client, path):
    plain = client.get(path)
    slashed = client.get(path + "/")
    assert plain.status_code == 200, plain.get_json()
    assert slashed.status_code == 200
    assert slashed.get_json() == plain.get_json()


def test_a_write_to_either_form_creates(client):
    for path in ("/actors", "/actors/"):
        response = client.post(path, json={"name": f"Actor at {path}", "kind": "state"})
        assert response.status_code == 201, response.get_json()
        assert response.headers["Location"].endswith(f"/actors/{response.json['id']}")
    names = {actor["name"] for actor in client.get("/actors").get_json()}
    assert names == {"Actor at /actors", "Actor at /actors/"}


@pytest.mark.parametrize("path", ["/events", "/events/", "/events/stats"])
def test_a_browser_preflight_is_answered_not_redirected(anonymous, path):
    response = anonymous.options(
        path,
        headers={
            "Origin": "https://newsroom.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in (
        "*",
        "https://newsroom.example",
    )
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed


def test_scripts_can_read_the_headers_they_need(client):
    response = client.post(
        "/actors",
        json={"name": "NATO", "kind": "international_organisation"},
        headers={"Origin": "https://newsroom.example"},
    )
    exposed = {
        name.strip().lower()
        for name in response.headers["Access-Control-Expose-Headers"].split(",")
    }
    for header in (
        "location",
        "content-disposition",
        "etag",
        "link",
        "x-pagination",
        "retry-after",
        "deprecation",
        "sunset",
    ):
        assert header in exposed


def test_the_slash_form_is_deprecated_with_its_successor(anonymous):
    canonical = anonymous.get("/events?page_size=5")
    assert "Deprecation" not in canonical.headers
    assert "Sunset" not in canonical.headers

    slashed = anonymous.get("/events/?page_size=5")
    deprecated_at = slashed.headers["Deprecation"]
    assert deprecated_at.startswith("@") and deprecated_at[1:].isdigit()
    sunset = email.utils.parsedate_to_datetime(slashed.headers["Sunset"])
    assert sunset.timestamp() - int(deprecated_at[1:]) >= 365 * 86400
    links = slashed.headers.getlist("Link")
    assert '</events>; rel="successor-version"' in links
    assert any('rel="deprecation"' in link for link in links)


def test_a_record_path_is_not_deprecated(client, make_actor):
    actor = make_actor()
    response = client.get(f"/actors/{actor['id']}")
    assert response.status_code == 200
    assert "Deprecation" not in response.headers


def test_the_document_names_paths_without_a_trailing_slash(anonymous):
    paths = anonymous.get("/openapi.json").get_json()["paths"]
    assert "/events" in paths
    assert [path for path in paths if path != "/" and path.endswith("/")] == []


def test_a_record_refuses_a_format_it_does_not_offer(anonymous, client, make_actor):
    actor = make_actor()
    refused = anonymous.get(
        f"/actors/{actor['id']}", headers={"Accept": "application/xml"}
    )
    assert refused.status_code == 406
    assert refused.mimetype == "application/problem+json"
    assert "application/json" in refused.get_json()["detail"]
    for accept in ("application/json", "application/*", "*/*", "text/html, */*;q=0.8"):
        response = anonymous.get(f"/actors/{actor['id']}", headers={"Accept": accept})
        assert response.status_code == 200, accept


def test_formats_chosen_by_parameter_win_over_accept(anonymous, make_event):
    make_event()
    response = anonymous.get(
        "/events?format=csv", headers={"Accept": "application/xml"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    chart = anonymous.get("/events/stats.png", headers={"Accept": "application/json"})
    assert chart.status_code == 406


def test_paths_that_never_had_a_slash_do_not_take_one(anonymous, make_actor):
    actor = make_actor()
    assert anonymous.get(f"/actors/{actor['id']}/").status_code == 404
    assert anonymous.get("/events/stats/").status_code == 404


def test_the_chart_comes_as_bytes_to_a_client_asking_for_bytes(anonymous, make_event):
    make_event()
    response = anonymous.get(
        "/events/stats.png", headers={"Accept": "application/octet-stream"}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/octet-stream"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert anonymous.get("/events/stats.png").mimetype == "image/png"


def test_the_document_names_the_location_a_create_sends(anonymous):
    paths = anonymous.get("/openapi.json").get_json()["paths"]
    for path in ("/events", "/actors", "/articles", "/locations", "/keys"):
        headers = paths[path]["post"]["responses"]["201"]["headers"]
        assert "Location" in headers, path
    assert "Location" in paths["/imports"]["post"]["responses"]["202"]["headers"]

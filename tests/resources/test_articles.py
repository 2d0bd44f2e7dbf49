"""Articles over HTTP: lifecycle, unique URLs, times, languages, filters, deletion."""

import json

import pytest

from tests.helpers import ids

URL = "https://www.urdupoint.com/en/world/nato-idlib-860425.html"


def error_at(response, field, location="json"):
    """The messages for ``field`` in a 422 problem."""
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422
    assert field in problem["errors"][location], problem["errors"]
    return problem["errors"][location][field]


def test_article_lifecycle(client, make_location):
    islamabad = make_location(name="Islamabad", country="PAK")
    response = client.post(
        "/articles/",
        json={
            "url": URL,
            "title": "NATO Notices Decrease In Violence In Syria's Idlib",
            "body": "NATO has noticed a decrease in violence in the Syrian province.",
            "outlet": "Pakistan Point News",
            "wire_agency": "Sputnik",
            "dateline_location_id": islamabad["id"],
            "published_at": "2020-03-09T15:42:00+05:00",
            "language": "en",
        },
    )
    assert response.status_code == 201
    article = response.get_json()
    assert {"id", "created_at", "updated_at"} <= article.keys()
    assert article["url"] == URL
    assert article["published_at"] == "2020-03-09T10:42:00+00:00"
    assert article["dateline_location_id"] == islamabad["id"]
    assert (article["outlet"], article["wire_agency"]) == (
        "Pakistan Point News",
        "Sputnik",
    )
    url = f"/articles/{article['id']}"

    response = client.get(url)
    assert response.status_code == 200
    assert response.get_json() == article
    etag = response.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    response = client.get("/articles/")
    assert response.status_code == 200
    assert response.get_json() == [article]
    assert json.loads(response.headers["X-Pagination"])["total"] == 1

    response = client.put(
        url,
        json={"url": URL, "title": "NATO sees less violence"},
        headers={"If-Match": etag},
    )
    assert response.status_code == 200
    replaced = response.get_json()
    assert (replaced["id"], replaced["title"]) == (
        article["id"],
        "NATO sees less violence",
    )
    for field in (
        "body",
        "outlet",
        "wire_agency",
        "dateline_location_id",
        "published_at",
        "language",
    ):
        assert replaced[field] is None, field
    assert replaced["created_at"] == article["created_at"]
    assert client.get(url).get_json() == replaced

    response = client.patch(url, json={"outlet": "Sputnik", "language": "English"})
    assert response.status_code == 200
    patched = response.get_json()
    assert (patched["outlet"], patched["language"]) == ("Sputnik", "en")
    unchanged = set(replaced) - {"outlet", "language", "updated_at"}
    assert {k: patched[k] for k in unchanged} == {k: replaced[k] for k in unchanged}
    assert client.get(url).get_json() == patched

    stale = {"If-Match": etag}
    body = {"url": "https://example.org/other", "title": "Other"}
    for method in (client.put, client.patch):
        response = method(url, json=body, headers=stale)
        assert response.status_code == 412
        assert response.content_type == "application/problem+json"
    response = client.delete(url, headers=stale)
    assert response.status_code == 412
    assert client.get(url).get_json() == patched

    response = client.delete(url)
    assert response.status_code == 204
    response = client.get(url)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 404
    assert client.get("/articles/").get_json() == []


def test_url_is_unique(client, make_article):
    first = make_article(url="https://example.org/a")
    second = make_article(url="https://example.org/b")
    before = client.get("/articles/").get_json()

    response = client.post(
        "/articles/", json={"url": "https://example.org/a", "title": "Copy"}
    )
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert "url" in response.get_json()["errors"]["json"]

    url = f"/articles/{second['id']}"
    response = client.put(url, json={"url": "https://example.org/a", "title": "B"})
    assert response.status_code == 409
    assert "url" in response.get_json()["errors"]["json"]
    response = client.patch(url, json={"url": "https://example.org/a"})
    assert response.status_code == 409
    assert "url" in response.get_json()["errors"]["json"]
    assert client.get("/articles/").get_json() == before

    response = client.patch(
        f"/articles/{first['id']}", json={"url": "https://example.org/a", "title": "A"}
    )
    assert response.status_code == 200
    assert response.get_json()["title"] == "A"


@pytest.mark.parametrize(
    "url", ["not a url", "example.org/a", "ftp://example.org/a", "javascript:alert(1)"]
)
def test_invalid_url_is_422(client, make_article, url):
    article = make_article()
    response = client.post("/articles/", json={"url": url, "title": "T"})
    assert error_at(response, "url")
    response = client.patch(f"/articles/{article['id']}", json={"url": url})
    assert error_at(response, "url")
    assert client.get("/articles/").get_json() == [article]


def test_published_at_is_stored_in_utc(client, make_article):
    cases = {
        "2020-03-09T15:42:00+05:00": "2020-03-09T10:42:00+00:00",
        "2020-03-09T10:42:00Z": "2020-03-09T10:42:00+00:00",
        "2020-03-08T23:30:00-04:00": "2020-03-09T03:30:00+00:00",
    }
    for given, stored in cases.items():
        article = make_article(published_at=given)
        assert article["published_at"] == stored, given
        response = client.get(f"/articles/{article['id']}")
        assert response.get_json()["published_at"] == stored, given


@pytest.mark.parametrize("value", ["2020-03-09T15:42:00", "2020-03-09", "yesterday", 5])
def test_naive_or_invalid_published_at_is_422(client, make_article, value):
    article = make_article()
    body = {"url": "https://example.org/naive", "title": "T", "published_at": value}
    response = client.post("/articles/", json=body)
    assert error_at(response, "published_at")
    response = client.patch(f"/articles/{article['id']}", json={"published_at": value})
    assert error_at(response, "published_at")
    assert client.get("/articles/").get_json() == [article]


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"]
)
def test_published_at_beyond_the_calendar_in_utc_is_422(client, value):
    body = {"url": "https://example.org/edge", "title": "T", "published_at": value}
    response = client.post("/articles/", json=body)
    assert error_at(response, "published_at")
    assert client.get("/articles/").get_json() == []

    query = value.replace("+", "%2B")
    response = client.get(f"/articles/?published_at_min={query}")
    assert error_at(response, "published_at_min", "query")


def test_language_is_stored_as_iso_639_1(client, make_article):
    for given in ("en", "eng", "English", "EN"):
        article = make_article(language=given)
        assert article["language"] == "en", given
        assert client.get(f"/articles/{article['id']}").get_json()["language"] == "en"
    before = client.get("/articles/").get_json()

    for given in ("xx", "Elvish", "", 12):
        body = {"url": "https://example.org/x", "title": "T", "language": given}
        response = client.post("/articles/", json=body)
        assert error_at(response, "language"), given
    response = client.patch(f"/articles/{before[0]['id']}", json={"language": "zz"})
    assert error_at(response, "language")
    assert client.get("/articles/").get_json() == before


def test_dateline_location_must_exist(client, make_article, make_location):
    article = make_article()
    body = {"url": "https://example.org/x", "title": "T", "dateline_location_id": 999}
    response = client.post("/articles/", json=body)
    assert error_at(response, "dateline_location_id")
    url = f"/articles/{article['id']}"
    response = client.put(url, json=body)
    assert error_at(response, "dateline_location_id")
    response = client.patch(url, json={"dateline_location_id": 999})
    assert error_at(response, "dateline_location_id")
    assert client.get("/articles/").get_json() == [article]

    idlib = make_location()
    response = client.patch(url, json={"dateline_location_id": idlib["id"]})
    assert response.status_code == 200
    assert response.get_json()["dateline_location_id"] == idlib["id"]


def test_filters(client, make_article, make_location, make_event):
    idlib = make_location()["id"]
    moscow = make_location(name="Moscow", country="RUS")["id"]
    reuters = make_article(
        outlet="Reuters",
        published_at="2020-03-05T12:00:00Z",
        dateline_location_id=idlib,
    )["id"]
    sputnik = make_article(
        outlet="Sputnik",
        language="ru",
        published_at="2020-03-09T10:42:00+00:00",
        dateline_location_id=moscow,
    )["id"]
    undated = make_article(outlet="Reuters", language="ar", published_at=None)["id"]
    event = make_event(sources=[{"article_id": sputnik}, {"article_id": reuters}])
    unsourced = make_event()

    expected = {
        "outlet=Reuters": [reuters, undated],
        "outlet=Reuters&outlet=Sputnik": [reuters, sputnik, undated],
        "outlet=reuters": [],
        "language=en": [reuters],
        "language=English&language=rus": [reuters, sputnik],
        "published_at_min=2020-03-06T00:00:00Z": [sputnik],
        "published_at_max=2020-03-09T10:42:00Z": [reuters, sputnik],
        "published_at_max=2020-03-09T10:41:59Z": [reuters],
        "published_at_min=2020-03-09T15:42:00%2B05:00": [sputnik],
        "published_at_max=2020-03-09T15:41:59%2B05:00": [reuters],
        "published_at_min=2020-03-05T12:00:00Z&published_at_max=2020-03-05T12:00:00Z": [
            reuters
        ],
        f"dateline_location_id={idlib}": [reuters],
        f"dateline_location_id={moscow}&outlet=Reuters": [],
        f"event_id={event['id']}": [reuters, sputnik],
        f"event_id={unsourced['id']}": [],
    }
    for query, found in expected.items():
        assert ids(client, f"/articles/?{query}") == found, query

    bad = {
        "published_at_min": "2020-03-06T00:00:00",
        "language": "Elvish",
        "dateline_location_id": "idlib",
        "event_id": "0",
    }
    for name, value in bad.items():
        response = client.get(f"/articles/?{name}={value}")
        assert error_at(response, name, "query"), name


def test_article_events(client, make_article, make_event):
    first, second, unused = make_article(), make_article(), make_article()
    ceasefire = make_event(sources=[{"article_id": first["id"]}])["id"]
    talks = make_event(
        event_code="040",
        sources=[{"article_id": second["id"]}, {"article_id": first["id"]}],
    )["id"]

    assert ids(client, f"/articles/{first['id']}/events") == [ceasefire, talks]
    assert ids(client, f"/articles/{second['id']}/events") == [talks]
    assert ids(client, f"/articles/{unused['id']}/events") == []
    response = client.get(f"/articles/{first['id']}/events")
    assert json.loads(response.headers["X-Pagination"])["total"] == 2

    response = client.get("/articles/9999/events")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_delete_source_article_needs_force(client, make_article, make_event):
    article, other = make_article(), make_article()
    other_source = {"article_id": other["id"], "quote": "Shelling resumed."}
    event = make_event(
        sources=[{"article_id": article["id"], "quote": "From midnight."}, other_source]
    )
    url = f"/articles/{article['id']}"

    for query in ("", "?force=false"):
        response = client.delete(url + query)
        assert response.status_code == 409
        assert response.content_type == "application/problem+json"
        assert response.get_json()["status"] == 409
        assert client.get(url).get_json() == article
        assert client.get(f"/events/{event['id']}").get_json() == event

    response = client.delete(url + "?force=true")
    assert response.status_code == 204
    assert client.get(url).status_code == 404
    response = client.get(f"/events/{event['id']}")
    assert response.status_code == 200
    assert response.get_json()["sources"] == [other_source]
    assert ids(client, "/articles/") == [other["id"]]


def test_malformed_json_is_400_and_writes_nothing(client, make_article):
    article = make_article()
    for method, url in (
        (client.post, "/articles/"),
        (client.put, f"/articles/{article['id']}"),
        (client.patch, f"/articles/{article['id']}"),
    ):
        response = method(
            url, data='{"url": "https://', content_type="application/json"
        )
        assert response.status_code == 400, url
        assert response.content_type == "application/problem+json"
        assert response.get_json()["status"] == 400
    assert client.get("/articles/").get_json() == [article]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"author": "Jens Stoltenberg"}, "author"),
        ({"title": 42}, "title"),
        ({"title": ""}, "title"),
        ({"url": None}, "url"),
        ({"dateline_location_id": "12"}, "dateline_location_id"),
        ({"dateline_location_id": 0}, "dateline_location_id"),
        ({"dateline_location_id": 2**63}, "dateline_location_id"),
        ({"outlet": ["Reuters"]}, "outlet"),
        ({"body": 3.5}, "body"),
    ],
    ids=lambda case: json.dumps(case) if isinstance(case, dict) else None,
)
def test_bad_bodies_name_the_field_and_write_nothing(
    client, make_article, override, field
):
    article = make_article()
    url = f"/articles/{article['id']}"
    body = {"url": "https://example.org/new", "title": "New", **override}

    response = client.post("/articles/", json=body)
    assert error_at(response, field)
    response = client.put(url, json=body)
    assert error_at(response, field)
    response = client.patch(url, json=override)
    assert error_at(response, field)
    assert client.get("/articles/").get_json() == [article]


def test_missing_required_fields(client):
    response = client.post("/articles/", json={"outlet": "Reuters"})
    assert response.status_code == 422
    assert {"url", "title"} <= response.get_json()["errors"]["json"].keys()
    assert client.get("/articles/").get_json() == []


def test_unknown_query_parameter_and_page_size(client, make_article):
    for _ in range(3):
        make_article()

    response = client.get("/articles/?langauge=en")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["errors"]["query"] == {
        "langauge": ["Unknown parameter."]
    }

    response = client.get("/articles/?page_size=501")
    assert error_at(response, "page_size", "query")

    response = client.get("/articles/?page_size=500")
    assert response.status_code == 200
    assert len(response.get_json()) == 3

    response = client.get("/articles/?page=2&page_size=2")
    assert response.status_code == 200
    assert len(response.get_json()) == 1
    pagination = json.loads(response.headers["X-Pagination"])
    assert (pagination["total"], pagination["page"]) == (3, 2)

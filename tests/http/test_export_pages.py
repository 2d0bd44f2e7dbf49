"""Pages of CSV, NDJSON and GeoJSON: the lines of the whole export, headed as
JSON pages are (X-Pagination, Link, X-Next-Cursor)."""

import json
import re

import pytest

CSV = "text/csv; charset=utf-8; header=present"


@pytest.fixture
def many(client, make_location, make_actor, make_article, make_event):
    """23 events with awkward text and links, some without a place, and a few
    of every other kind of record."""
    syria = make_location(name="Syria", kind="country", latitude=35, longitude=38)
    idlib = make_location(name='Idlib, "the city"', parent_id=syria["id"])
    make_location(name="M4; highway", kind="route", latitude=None, longitude=None)
    putin = make_actor(name="Vladimir Putin", country="RUS")
    front = make_actor(name='Front; "West" \\ North', kind="armed_group", country=None)
    make_actor(name="Bashar al-Assad", country="SYR")
    article = make_article(title="Ceasefire, at last")
    make_article()
    events = []
    for day in range(1, 24):
        links = {}
        if day % 3 == 0:
            links["actors"] = [
                {"actor_id": putin["id"], "role": "initiator"},
                {"actor_id": front["id"], "role": "target"},
            ]
            links["sources"] = [{"article_id": article["id"], "quote": "a; b"}]
        events.append(
            make_event(
                event_code="190" if day % 2 else "0871",
                summary=f'Day {day}: "shelling",\r\nnear the M4' if day % 4 else None,
                date_start=f"2020-01-{day:02d}",
                location_id=[None, idlib["id"], syria["id"]][day % 3],
                fatalities=day if day % 5 else None,
                **links,
            )
        )
    return {"events": events, "putin": putin, "syria": syria}


def records(body: bytes) -> list[bytes]:
    """A CSV's records as written, header first (a CRLF inside quotes is data)."""
    out, pending = [], b""
    for part in body.split(b"\r\n")[:-1]:
        pending += part
        if pending.count(b'"') % 2:
            pending += b"\r\n"
        else:
            out.append(pending)
            pending = b""
    assert pending == b"" and body.endswith(b"\r\n")
    return out


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response


def links(response) -> dict[str, str]:
    return dict(
        (rel, url)
        for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])
    )


def test_a_csv_page_is_those_rows_of_the_whole_export(client, many):
    whole = records(get(client, "/events?format=csv").get_data())
    assert len(whole) == 1 + 23

    response = get(client, "/events?format=csv&page_size=10&page=2")
    assert response.headers["Content-Type"] == CSV
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="events.csv"'
    )
    assert records(response.get_data()) == [whole[0], *whole[11:21]]
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] == 23
    assert pagination["page"] == 2 and pagination["total_pages"] == 3
    assert pagination["previous_page"] == 1 and pagination["next_page"] == 3
    # The same page, in the same order, with the same totals as in JSON.
    page = get(client, "/events?page_size=10&page=2")
    assert [int(r.split(b",")[0]) for r in whole[11:21]] == [
        e["id"] for e in page.get_json()
    ]
    assert response.headers["X-Pagination"] == page.headers["X-Pagination"]

    following = links(response)
    assert "format=csv" in following["next"]
    last = get(client, following["next"])
    assert records(last.get_data()) == [whole[0], *whole[21:]]
    assert "next" not in links(last)
    assert json.loads(last.headers["X-Pagination"])["page"] == 3
    first = get(client, following["prev"])
    assert records(first.get_data()) == whole[:11]


def test_page_alone_or_page_size_alone_makes_a_page(client, many):
    whole = records(get(client, "/events?format=csv").get_data())
    # page_size defaults as for JSON (25): one page holds all 23.
    assert get(client, "/events?format=csv&page=1").get_data() == b"".join(
        line + b"\r\n" for line in whole
    )
    assert (
        records(get(client, "/events?format=csv&page_size=4").get_data()) == (whole[:5])
    )


def test_filters_and_sort_page_as_in_json(client, many):
    query = "sort=-fatalities,date_start&date_from=2020-01-05"
    whole = records(get(client, f"/events?{query}&format=csv").get_data())
    expected = [e["id"] for e in get(client, f"/events?{query}&page_size=500").json]
    assert [int(r.split(b",")[0]) for r in whole[1:]] == expected
    page = records(get(client, f"/events?{query}&format=csv&page_size=6&page=2").data)
    assert page == [whole[0], *whole[7:13]]


def test_ndjson_and_geojson_pages(client, many):
    json_page = get(client, "/events?page_size=5&page=3").get_json()
    response = get(client, "/events?format=ndjson&page_size=5&page=3")
    assert response.headers["Content-Type"] == "application/x-ndjson"
    lines = response.get_data(as_text=True).splitlines()
    assert [json.loads(line) for line in lines] == json_page
    assert 'rel="next"' in response.headers["Link"]

    response = client.get(
        "/events?page_size=5&page=3", headers={"Accept": "application/geo+json"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/geo+json"
    collection = json.loads(response.get_data())
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == [e["id"] for e in json_page]
    for feature, record in zip(collection["features"], json_page, strict=True):
        assert feature["properties"].items() >= record.items()
    assert json.loads(response.headers["X-Pagination"])["page"] == 3


def test_a_cursor_page_and_the_next(client, many):
    whole = records(get(client, "/events?format=csv").get_data())
    response = get(client, "/events?format=csv&cursor=&page_size=10")
    assert records(response.get_data()) == whole[:11]
    cursor = response.headers["X-Next-Cursor"]
    assert json.loads(response.headers["X-Pagination"])["next_cursor"] == cursor
    following = links(response)["next"]
    assert f"cursor={cursor}" in following and "format=csv" in following

    second = get(client, following)
    assert records(second.get_data()) == [whole[0], *whole[11:21]]
    last = get(client, links(second)["next"])
    assert records(last.get_data()) == [whole[0], *whole[21:]]
    assert "X-Next-Cursor" not in last.headers

    # Without page_size a cursor still resumes the whole stream from there.
    rest = get(client, f"/events?format=csv&cursor={cursor}")
    assert records(rest.get_data()) == [whole[0], *whole[11:]]


def test_page_size_is_bounded_as_for_json(client, many):
    for url in ("/events?format=csv&page_size=501", "/events?page_size=501"):
        response = get(client, url, 422)
        assert response.content_type == "application/problem+json"
        assert "page_size" in response.get_json()["errors"]["query"]
    response = get(client, "/events?format=ndjson&cursor=&page=2", 422)
    assert "page" in response.get_json()["errors"]["query"]
    # Exports still carry whole records, paged or not.
    response = get(client, "/events?format=csv&page_size=5&fields=summary", 422)
    assert "fields" in response.get_json()["errors"]["query"]


def test_an_empty_page_is_the_header_alone(client, many):
    header = records(get(client, "/events?format=csv").get_data())[0]
    for url in (
        "/events?format=csv&page=9&page_size=10",
        "/events?format=csv&date_from=2100-01-01&page_size=10",
        "/events?format=csv&date_from=2100-01-01&cursor=&page_size=10",
    ):
        assert get(client, url).get_data() == header + b"\r\n", url
    assert get(client, "/events?format=ndjson&page=9").get_data() == b""
    empty = get(client, "/events?format=geojson&page=9").get_data()
    assert json.loads(empty) == {"type": "FeatureCollection", "features": []}


def test_a_page_revalidates_with_its_etag(client, many, make_event):
    url = "/events?format=csv&page_size=5&page=5"
    response = get(client, url)
    tag = response.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.get_data() == b""
    # Another format of the same page is another representation.
    assert get(client, url.replace("csv", "ndjson")).headers["ETag"] != tag
    make_event(date_start="2020-02-01")
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert len(records(changed.get_data())) == 1 + 4


@pytest.mark.parametrize("resource", ["events", "actors", "articles", "locations"])
def test_every_list_pages_its_export(client, many, resource):
    whole = records(get(client, f"/{resource}?format=csv").get_data())
    page = records(get(client, f"/{resource}?format=csv&page_size=1&page=2").data)
    assert page == [whole[0], whole[2]]


def test_nested_lists_page_their_exports(client, many):
    url = f"/actors/{many['putin']['id']}/events?format=csv"
    whole = records(get(client, url).get_data())
    assert len(whole) == 1 + 7
    response = get(client, f"{url}&page_size=3&page=3")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="actors-{many["putin"]["id"]}-events.csv"'
    )
    assert records(response.get_data()) == [whole[0], *whole[7:]]
    assert json.loads(response.headers["X-Pagination"])["total"] == 7

    syria = many["syria"]["id"]
    children = get(client, f"/locations/{syria}/children?format=ndjson&page_size=1")
    assert [json.loads(line)["name"] for line in children.data.splitlines()] == [
        'Idlib, "the city"'
    ]
    places = get(
        client, f"/locations/{syria}/events?format=geojson&cursor=&page_size=4"
    )
    features = json.loads(places.get_data())["features"]
    expected = get(client, f"/locations/{syria}/events?page_size=4&cursor=").json
    assert [f["id"] for f in features] == [e["id"] for e in expected]
    assert places.headers["X-Next-Cursor"]

"""The shape of lists: fields, include, query budget, pages, cursors, other lists."""

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from playhouse.test_utils import count_queries

from tests.resources.test_queries import events_at, ids, places, query_error


def links(response) -> dict[str, str]:
    """rel -> URL, from the Link header."""
    header = response.headers.get("Link", "")
    return {rel: url for url, rel in re.findall(r'<([^>]*)>;\s*rel="(\w+)"', header)}


def args_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def next_page(client, response):
    """The page the Link rel=next names, or None at the end of a cursor scan."""
    assert response.status_code == 200, response.get_json()
    assert "total" not in json.loads(response.headers["X-Pagination"])
    url = links(response).get("next")
    cursor = response.headers.get("X-Next-Cursor")
    assert (url is None) == (cursor is None)
    if url is None:
        return None
    assert args_of(url)["cursor"] == [cursor]
    return client.get(url)


def scan(client, path, **params):
    """Every id of a cursor scan, and how many requests it took."""
    seen, requests = [], 0
    response = client.get(path, query_string={**params, "cursor": ""})
    while response is not None:
        requests += 1
        seen += [item["id"] for item in response.get_json()]
        response = next_page(client, response)
    return seen, requests


def linked_event(make_location, make_actor, make_article, make_event):
    world = places(make_location)
    erdogan = make_actor(aliases=["Erdogan"])
    putin = make_actor(name="Vladimir Putin", country="RUS")
    article = make_article(body="Full text of the report.")
    event = make_event(
        location_id=world.idlib["id"],
        actors=[
            {"actor_id": erdogan["id"], "role": "initiator"},
            {"actor_id": putin["id"], "role": "target"},
        ],
        sources=[{"article_id": article["id"], "quote": "A ceasefire from midnight."}],
    )
    return event, article


def test_fields_return_only_what_is_asked(client, make_event):
    for day in ("2020-03-05", "2020-03-06"):
        make_event(date_start=day, summary="Talks in Moscow.", fatalities=2)

    response = client.get("/events/?fields=date_start&fields=event_code")
    assert response.status_code == 200
    items = response.get_json()
    assert [item["date_start"] for item in items] == ["2020-03-05", "2020-03-06"]
    assert all(set(item) == {"id", "date_start", "event_code"} for item in items)

    response = client.get(f"/events/{items[0]['id']}?fields=summary")
    assert response.status_code == 200
    assert response.get_json() == {"id": items[0]["id"], "summary": "Talks in Moscow."}

    response = client.get("/events/?fields=fatalities&cursor=&page_size=1")
    assert response.status_code == 200
    assert response.get_json() == [{"id": items[0]["id"], "fatalities": 2}]

    query_error(client.get("/events/?fields=bogus"), "fields")
    query_error(client.get(f"/events/{items[0]['id']}?fields=bogus"), "fields")


def test_include_embeds_related_records(
    client, make_location, make_actor, make_article, make_event
):
    event, article = linked_event(make_location, make_actor, make_article, make_event)
    bare = make_event()

    response = client.get("/events/")
    assert response.status_code == 200
    plain = response.get_json()[0]
    assert "location" not in plain
    assert all("actor" not in link for link in plain["actors"])
    assert all("article" not in link for link in plain["sources"])

    response = client.get("/events/?include=actors")
    assert response.status_code == 200
    actors = response.get_json()[0]["actors"]
    assert [(a["role"], a["actor"]["name"]) for a in actors] == [
        ("initiator", "Recep Tayyip Erdoğan"),
        ("target", "Vladimir Putin"),
    ]
    assert actors[0]["actor"]["aliases"] == ["Erdogan"]
    assert actors[0]["actor_id"] == actors[0]["actor"]["id"]

    response = client.get("/events/?include=sources")
    assert response.status_code == 200
    source = response.get_json()[0]["sources"][0]
    assert source["quote"] == "A ceasefire from midnight."
    assert source["article"]["title"] == article["title"]
    assert source["article"]["url"] == article["url"]
    assert "body" not in source["article"]

    response = client.get("/events/?include=location")
    assert response.status_code == 200
    with_place, without_place = response.get_json()
    assert with_place["location"]["name"] == "Idlib"
    ancestors = with_place["location"]["ancestors"]
    assert [a["name"] for a in ancestors] == ["Idlib Governorate", "Syria"]
    assert without_place["id"] == bare["id"]
    assert without_place.get("location") is None

    response = client.get(f"/events/{event['id']}?include=location")
    assert response.status_code == 200
    assert response.get_json()["location"] == with_place["location"]
    assert "location" not in client.get(f"/events/{event['id']}").get_json()

    response = client.get("/events/?include=location&fields=location")
    assert response.status_code == 200
    assert response.get_json()[0] == {
        "id": event["id"],
        "location": with_place["location"],
    }
    query_error(client.get("/events/?include=everything"), "include")


def test_a_page_costs_the_same_queries_for_5_or_100_events(
    app, client, make_location, make_actor, make_article
):
    world = places(make_location)
    spots = [world.idlib["id"], world.aleppo["id"], world.route["id"]]
    people = [make_actor(aliases=["Erdogan"])["id"], make_actor(name="Putin")["id"]]
    reports = [make_article()["id"], make_article()["id"]]

    def add(count):
        for i in range(count):
            response = client.post(
                "/events/",
                json={
                    "event_code": "190",
                    "date_start": "2020-03-05",
                    "location_id": spots[i % 3],
                    "actors": [{"actor_id": people[i % 2], "role": "initiator"}],
                    "sources": [{"article_id": reports[i % 2], "quote": f"q {i}"}],
                },
            )
            assert response.status_code == 201

    url = "/events/?page_size=100&include=actors&include=sources&include=location"
    counts = []
    for count in (5, 95):
        add(count)
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.get_json()) == len(counts) * 95 + 5
        assert all(e["location"]["ancestors"] for e in response.get_json())
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert counts[1] < 15


def test_page_numbers_with_total_and_links(client, make_event):
    made = [make_event()["id"] for _ in range(5)]
    make_event(event_code="190")

    response = client.get("/events/?event_code=08&page_size=2")
    assert response.status_code == 200
    meta = json.loads(response.headers["X-Pagination"])
    assert (meta["total"], meta["total_pages"]) == (5, 3)
    rel = links(response)
    assert {"first", "last", "next"} <= rel.keys()
    assert "prev" not in rel
    assert args_of(rel["first"])["page"] == ["1"]
    assert args_of(rel["last"])["page"] == ["3"]
    assert args_of(rel["next"])["page"] == ["2"]
    assert args_of(rel["next"])["event_code"] == ["08"]

    seen = [e["id"] for e in response.get_json()]
    while "next" in links(response):
        response = client.get(links(response)["next"])
        assert response.status_code == 200
        seen += [e["id"] for e in response.get_json()]
    assert seen == made
    rel = links(response)
    assert args_of(rel["prev"])["page"] == ["2"]
    assert {"first", "last"} <= rel.keys()
    assert "next" not in rel


def test_cursor_scan_visits_every_event_once(client, make_event):
    days = ["2020-03-05", "2020-03-01", "2020-03-05", "2020-03-09", "2020-03-03"]
    dead = [None, 4, 0, None, 12]
    made = [
        make_event(date_start=day, fatalities=n)["id"]
        for day, n in zip(days, dead, strict=True)
    ]

    assert scan(client, "/events/", page_size=2) == (made, 3)
    assert scan(client, "/events/", page_size=5) == (made, 1)
    assert scan(client, "/events/", page_size=10) == (made, 1)
    for sort in ("-date_start", "fatalities", "-fatalities,date_start"):
        expected = ids(client, "/events/", sort=sort)
        assert scan(client, "/events/", page_size=2, sort=sort)[0] == expected, sort
    assert scan(client, "/events/", page_size=1, event_code="190") == ([], 1)


def test_records_added_mid_scan_appear_once(client, make_event):
    made = [make_event(date_start=f"2020-03-0{d}")["id"] for d in (5, 6, 7, 8)]

    first = client.get("/events/?cursor=&page_size=2")
    assert [e["id"] for e in first.get_json()] == made[:2]
    added = make_event(date_start="2020-03-01")["id"]
    seen = [e["id"] for e in first.get_json()]
    response = next_page(client, first)
    while response is not None:
        seen += [e["id"] for e in response.get_json()]
        response = next_page(client, response)
    assert seen == [*made, added]

    first = client.get("/events/?cursor=&page_size=2&sort=-date_start")
    assert [e["id"] for e in first.get_json()] == [made[3], made[2]]
    later = make_event(date_start="2020-03-06")["id"]
    seen = [e["id"] for e in first.get_json()]
    response = next_page(client, first)
    while response is not None:
        seen += [e["id"] for e in response.get_json()]
        response = next_page(client, response)
    # Ties run the sort's way: the later of the two on 2020-03-06 comes first.
    assert seen == [made[3], made[2], later, made[1], made[0], added]


def test_bad_cursors_are_422(client, make_event):
    for _ in range(3):
        make_event()
    query_error(client.get("/events/?cursor=garbage"), "cursor")
    query_error(client.get("/events/?cursor=W10"), "cursor")
    next_cursor = client.get("/events/?cursor=&page_size=1").headers["X-Next-Cursor"]
    response = client.get(f"/events/?cursor={next_cursor}&sort=-date_start")
    query_error(response, "cursor")
    query_error(client.get("/events/?page=2&cursor="), "page")
    query_error(client.get("/events/?page=2&cursor=garbage"), "page")


def forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "path, cursor",
    [
        ("/events/", "null"),
        ("/events/?sort=date_start", '["2020-13-45", 1]'),
        ("/events/?sort=date_start", "[5, 1]"),
        ("/events/", "[1e400]"),
        ("/events/", f"[{10**30}]"),
        ("/events/?sort=fatalities", f"[{10**30}, 1]"),
        ("/articles/?sort=published_at", '["9999-12-31T23:59:59-05:00", 1]'),
        ("/articles/?sort=published_at", '["0001-01-01T00:00:00+05:00", 1]'),
    ],
    ids=[
        "null",
        "impossible-date",
        "number-for-date",
        "infinite-id",
        "id-beyond-64-bits",
        "fatalities-beyond-64-bits",
        "after-9999-in-utc",
        "before-year-1-in-utc",
    ],
)
def test_forged_cursors_are_422(client, make_event, make_article, path, cursor):
    make_event()
    make_article()
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}cursor={forged(cursor)}")
    query_error(response, "cursor")


def test_articles_search_sort_fields_and_scan(client, make_article):
    mention = make_article(
        title="NATO notices decrease in violence",
        body="Stoltenberg said the ceasefire in Idlib is holding.",
        published_at="2020-03-09T10:42:00+00:00",
    )["id"]
    undated = make_article(title="Idlib: a timeline", published_at=None)["id"]
    repeat = make_article(
        title="Ceasefire in Idlib",
        body="The ceasefire holds; a ceasefire monitor confirmed the ceasefire.",
        published_at="2020-03-06T08:00:00+00:00",
    )["id"]
    other = make_article(
        title="Markets rally", body="Shares rose.", published_at="2020-03-10T00:00Z"
    )["id"]

    # Newest first by default; the best match first when asked.
    assert ids(client, "/articles/", q="ceasefire") == [mention, repeat]
    assert ids(client, "/articles/", q="ceasefire", sort="relevance") == [
        repeat,
        mention,
    ]
    assert ids(client, "/articles/", q="stoltenberg") == [mention]
    assert ids(client, "/articles/", q="timeline") == [undated]
    assert ids(client, "/articles/", q="idlib", sort="id") == [mention, undated, repeat]
    assert ids(client, "/articles/", q='"ceasefire in idlib"', sort="id") == [
        mention,
        repeat,
    ]
    assert ids(client, "/articles/", q="idlib -ceasefire") == [undated]

    assert ids(client, "/articles/", sort="-published_at") == [
        other,
        mention,
        repeat,
        undated,
    ]
    response = client.get("/articles/?fields=title")
    assert response.status_code == 200
    assert all(set(item) == {"id", "title"} for item in response.get_json())

    every = [mention, undated, repeat, other]
    assert scan(client, "/articles/", page_size=3) == (every, 2)
    for sort in ("published_at", "-published_at", "title"):
        expected = ids(client, "/articles/", sort=sort)
        assert scan(client, "/articles/", page_size=1, sort=sort)[0] == expected, sort
    query_error(client.get("/articles/?sort=body"), "sort")


def test_actors_sort_by_name(client, make_actor):
    made = {
        name: make_actor(name=name)["id"]
        for name in ("Vladimir Putin", "Recep Tayyip Erdoğan", "Bashar al-Assad")
    }
    by_name = [made[n] for n in sorted(made)]
    assert ids(client, "/actors/", sort="name") == by_name
    assert ids(client, "/actors/", sort="-name") == by_name[::-1]
    assert scan(client, "/actors/", page_size=2, sort="name") == (by_name, 2)
    query_error(client.get("/actors/?sort=kind"), "sort")


def test_locations_within_and_bbox(client, make_location):
    world = places(make_location)
    inside = [
        world.syria["id"],
        world.governorate["id"],
        world.idlib["id"],
        world.aleppo["id"],
        world.route["id"],
    ]
    assert ids(client, "/locations/", within=world.syria["id"]) == inside
    assert ids(
        client, "/locations/", within=world.syria["id"], bbox="36,35.5,37.5,36.5"
    ) == [world.idlib["id"], world.aleppo["id"]]
    assert ids(
        client, "/locations/", within=world.governorate["id"], bbox="36,35.5,37.5,36.5"
    ) == [world.idlib["id"]]
    assert ids(client, "/locations/", bbox="170,-20,-170,-10") == [world.suva["id"]]
    assert (
        ids(client, "/locations/", within=world.moscow["id"], bbox="36,35.5,37.5,36.5")
        == []
    )
    query_error(client.get("/locations/?bbox=36,36,37,35"), "bbox")


def test_related_lists_take_the_same_filters(
    client, make_location, make_actor, make_article, make_event
):
    world = places(make_location)
    at = events_at(make_event, world)
    erdogan = make_actor(aliases=["Erdogan"])["id"]
    article = make_article()["id"]
    by_him = {
        code: make_event(
            event_code=code,
            date_start=day,
            location_id=world.idlib["id"],
            actors=[{"actor_id": erdogan, "role": role}],
            sources=[{"article_id": article, "quote": None}],
        )["id"]
        for code, day, role in (
            ("190", "2020-03-02", "initiator"),
            ("057", "2020-03-04", "initiator"),
            ("1951", "2020-03-03", "target"),
        )
    }

    url = f"/actors/{erdogan}/events"
    assert ids(client, url, event_code="19") == [by_him["190"], by_him["1951"]]
    assert ids(client, url, role="target") == [by_him["1951"]]
    assert ids(client, url, sort="-date_start") == [
        by_him["057"],
        by_him["1951"],
        by_him["190"],
    ]
    query_error(client.get(f"{url}?sort=nope"), "sort")
    assert client.get("/actors/999999/events").status_code == 404

    url = f"/locations/{world.syria['id']}/events"
    in_syria = [at.syria, at.governorate, at.idlib, at.aleppo, at.route]
    assert ids(client, url) == [*in_syria, *by_him.values()]
    assert ids(client, url, event_code="19") == [by_him["190"], by_him["1951"]]
    assert ids(client, url, bbox="36,35.5,37,36.5") == [at.idlib, *by_him.values()]
    assert scan(client, url, page_size=3)[0] == [*in_syria, *by_him.values()]
    url = f"/locations/{world.governorate['id']}/events"
    assert at.moscow not in ids(client, url)

    url = f"/articles/{article}/events"
    assert ids(client, url, sort="-date_start", fields="event_code") == [
        by_him["057"],
        by_him["1951"],
        by_him["190"],
    ]
    assert ids(client, url, actor="ERDOĞAN", role="initiator") == [
        by_him["190"],
        by_him["057"],
    ]


def test_a_records_event_list_refuses_the_filter_its_path_sets(
    client, make_actor, make_location, make_article, make_event
):
    # /actors/3/events?actor_id=5 used to answer actor 3's events, the
    # filter silently overridden by the path.
    erdogan, putin = make_actor()["id"], make_actor(name="Vladimir Putin")["id"]
    idlib = make_location()["id"]
    article = make_article()["id"]
    talks = make_event(
        location_id=idlib,
        actors=[{"actor_id": erdogan, "role": "initiator"}],
        sources=[{"article_id": article}],
    )["id"]
    refused = {
        f"/actors/{erdogan}/events": {"actor_id": putin},
        f"/locations/{idlib}/events": {"location": idlib, "location_id": idlib},
        f"/articles/{article}/events": {"article_id": article},
    }
    for path, shadowed in refused.items():
        assert ids(client, path) == [talks]
        assert ids(client, path, event_code="08") == [talks]
        assert ids(client, path, event_code="19") == []
        for name, value in shadowed.items():
            response = client.get(path, query_string={name: value})
            assert response.status_code == 422, (path, name)
            assert name in response.get_json()["errors"]["query"], (path, name)


@pytest.mark.parametrize("path", ["/events", "/actors", "/locations", "/articles"])
def test_sort_is_accepted_exactly_as_its_published_pattern_says(client, path):
    # Clients and fuzzers build sorts from the pattern; the server used to
    # take more ("--id", tabs around a name) than it published.
    spec = client.get("/openapi.json").get_json()
    (sort,) = [
        p for p in spec["paths"][path]["get"]["parameters"] if p.get("name") == "sort"
    ]
    pattern = re.compile(sort["schema"]["pattern"])
    for value in (
        "id",
        "-id",
        " -id , id",
        "id,-id",
        "--id",
        "id,",
        "\tid",
        "id;id",
        "",
        "ID",
    ):
        documented = pattern.search(value) is not None
        status = client.get(path, query_string={"sort": value}).status_code
        assert status == (200 if documented else 422), (path, repr(value))


@pytest.mark.parametrize("name", ["bbox", "near"])
def test_points_are_accepted_exactly_as_their_published_pattern_says(client, name):
    spec = client.get("/openapi.json").get_json()
    (param,) = [
        p
        for p in spec["paths"]["/events"]["get"]["parameters"]
        if p.get("name") == name
    ]
    pattern = re.compile(param["schema"]["pattern"])
    good = {"bbox": "36,35.5,37.5,36.5", "near": "35.93,36.63,50"}[name]
    for value in (
        good,
        f"-{good}",
        f" {good}",
        f"+{good}",
        good.replace("36", "3.6e1", 1),
        good.replace("36", "nan", 1),
        good + ",1",
        good.rsplit(",", 1)[0],
        "",
        "1.,2,3,4",
    ):
        documented = pattern.search(value) is not None
        status = client.get("/events/", query_string={name: value}).status_code
        assert status == (200 if documented else 422), (name, repr(value))

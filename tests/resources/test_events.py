"""Events over HTTP: lifecycle, derived dates, all-or-nothing writes, filters, links."""

import json

import pytest

from tests.helpers import ids


def error_at(response, *path):
    """The messages at ``errors.json.<path>`` of a 422 problem."""
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    node = response.get_json()["errors"]["json"]
    for key in path:
        assert key in node, (path, response.get_json()["errors"])
        node = node[key]
    assert node and all(isinstance(message, str) for message in node)
    return node


def test_event_lifecycle(client, make_actor, make_article, make_location):
    putin = make_actor(name="Vladimir Putin", country="RUS")
    erdogan = make_actor()
    first, second = make_article(), make_article()
    idlib = make_location()
    actors = [
        {"actor_id": putin["id"], "role": "target"},
        {"actor_id": erdogan["id"], "role": "initiator"},
    ]
    sources = [
        {"article_id": second["id"], "quote": "Agreed a ceasefire from midnight."},
        {"article_id": first["id"], "quote": None},
    ]
    response = client.post(
        "/events/",
        json={
            "event_code": "0871",
            "summary": "Russia and Turkey agree a ceasefire in Idlib.",
            "date_start": "2020-03-05",
            "location_id": idlib["id"],
            "geo_precision": "admin1",
            "actors": actors,
            "sources": sources,
        },
    )
    assert response.status_code == 201
    event = response.get_json()
    assert event["actors"] == actors
    assert event["sources"] == sources
    assert event["date_end"] == "2020-03-05"
    assert (event["date_precision"], event["fatalities"]) == ("day", None)
    etag = response.headers["ETag"]
    url = f"/events/{event['id']}"

    response = client.get(url)
    assert response.status_code == 200
    assert response.get_json() == event
    assert response.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    response = client.get("/events/")
    assert response.status_code == 200
    assert response.get_json() == [event]
    assert json.loads(response.headers["X-Pagination"])["total"] == 1

    response = client.patch(url, json={"fatalities": 3}, headers={"If-Match": etag})
    assert response.status_code == 200
    patched = response.get_json()
    assert patched["fatalities"] == 3
    assert (patched["actors"], patched["sources"]) == (actors, sources)
    assert patched["event_code"] == "0871"

    response = client.patch(url, json={"actors": actors[1:]})
    assert response.status_code == 200
    assert response.get_json()["actors"] == actors[1:]
    assert response.get_json()["sources"] == sources
    etag = response.headers["ETag"]

    response = client.put(
        url,
        json={
            "event_code": "196",
            "date_start": "2020-03-06",
            "fatalities": 2,
            "sources": [{"article_id": first["id"], "quote": "Shelling resumed."}],
        },
        headers={"If-Match": etag},
    )
    assert response.status_code == 200
    replaced = response.get_json()
    assert (replaced["event_code"], replaced["fatalities"]) == ("196", 2)
    assert (replaced["summary"], replaced["location_id"]) == (None, None)
    assert (replaced["date_start"], replaced["date_end"]) == ("2020-03-06",) * 2
    assert replaced["actors"] == []
    assert replaced["sources"] == [
        {"article_id": first["id"], "quote": "Shelling resumed."}
    ]
    assert client.get(url).get_json() == replaced

    for method in (client.put, client.patch):
        response = method(
            url,
            json={"event_code": "057", "date_start": "2020-03-05"},
            headers={"If-Match": etag},
        )
        assert response.status_code == 412
        assert response.content_type == "application/problem+json"
    response = client.delete(url, headers={"If-Match": etag})
    assert response.status_code == 412
    assert client.get(url).get_json() == replaced

    response = client.delete(url)
    assert response.status_code == 204
    response = client.get(url)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 404
    assert client.get("/events/").get_json() == []


def test_date_end_is_derived_from_precision(client):
    cases = [
        ("day", "2019-12-01", "2019-12-01"),
        ("week", "2019-12-01", "2019-12-07"),
        ("week", "2019-12-28", "2020-01-03"),
        ("month", "2019-12-01", "2019-12-31"),
        ("month", "2020-02-10", "2020-02-29"),
        ("year", "2019-03-10", "2019-12-31"),
    ]
    for precision, start, end in cases:
        body = {"event_code": "190", "date_start": start, "date_precision": precision}
        response = client.post("/events/", json=body)
        assert response.status_code == 201, body
        assert response.get_json()["date_end"] == end, body

    body = {"event_code": "190", "date_start": "2020-02-27", "date_end": "2020-03-01"}
    response = client.post("/events/", json=body)
    assert response.status_code == 201
    assert response.get_json()["date_end"] == "2020-03-01"


def test_date_end_before_date_start_is_rejected(client, make_event):
    response = client.post(
        "/events/",
        json={
            "event_code": "190",
            "date_start": "2020-03-05",
            "date_end": "2020-03-04",
        },
    )
    error_at(response, "date_end")
    assert client.get("/events/").get_json() == []

    event = make_event(date_start="2020-03-05")
    response = client.patch(f"/events/{event['id']}", json={"date_end": "2020-03-01"})
    error_at(response, "date_end")
    assert client.get(f"/events/{event['id']}").get_json() == event


def test_patch_moving_date_start_rederives_date_end(client, make_event):
    event = make_event(date_start="2019-12-01", date_precision="month")
    url = f"/events/{event['id']}"

    response = client.patch(url, json={"date_start": "2020-02-01"})
    assert response.status_code == 200
    assert response.get_json()["date_end"] == "2020-02-29"

    response = client.patch(url, json={"date_precision": "week"})
    assert response.status_code == 200
    assert response.get_json()["date_end"] == "2020-02-07"

    response = client.patch(
        url, json={"date_start": "2020-03-02", "date_end": "2020-03-04"}
    )
    assert response.status_code == 200
    assert response.get_json()["date_end"] == "2020-03-04"


def test_a_patch_checks_the_links_it_sends_whole(client, make_event):
    # Partial for the event's own fields, not for its links: a source without
    # its article_id was a 500.
    event = make_event()
    url = f"/events/{event['id']}"
    response = client.patch(url, json={"sources": [{"quote": "holding"}]})
    assert error_at(response, "sources", "0", "article_id")
    response = client.patch(url, json={"actors": [{"role": "initiator"}]})
    assert error_at(response, "actors", "0", "actor_id")
    assert client.get(url).get_json() == event


def test_invalid_events_write_nothing(client, make_actor, make_article):
    actor, article = make_actor(), make_article()
    link = {"actor_id": actor["id"], "role": "initiator"}
    cases = [
        ({"actors": [link, {"actor_id": 999, "role": "target"}]}, "actors.1.actor_id"),
        ({"sources": [{"article_id": 999, "quote": "?"}]}, "sources.0.article_id"),
        ({"actors": [link, link]}, "actors.1.role"),
        ({"actors": [{"actor_id": actor["id"], "role": "bystander"}]}, "actors.0.role"),
        ({"event_code": "999"}, "event_code"),
        ({"event_code": "0000"}, "event_code"),
        ({"event_code": "19a"}, "event_code"),
        # What the published pattern ^[0-9]{2,4}$ refuses: other scripts'
        # digits, and a final newline (which Python's $ lets through).
        ({"event_code": "\u0661\u0669\u0660"}, "event_code"),
        ({"event_code": "190\n"}, "event_code"),
        ({"fatalities": -1}, "fatalities"),
        ({"fatalities": "3"}, "fatalities"),
        ({"geo_precision": "street"}, "geo_precision"),
        ({"location_id": 999}, "location_id"),
    ]
    for override, field in cases:
        body = {
            "event_code": "190",
            "date_start": "2020-03-05",
            "actors": [link],
            "sources": [{"article_id": article["id"], "quote": "Shells fell."}],
            **override,
        }
        path = field.split(".")
        response = client.post("/events/", json=body)
        error_at(response, *path)
        assert list(response.get_json()["errors"]["json"]) == [path[0]], body
        assert client.get("/events/").get_json() == [], body
    assert client.get(f"/actors/{actor['id']}").status_code == 200


@pytest.mark.parametrize(
    ("override", "fields"),
    [
        ({"fatalities": 2**31}, {"fatalities"}),
        ({"actors": [{"actor_id": 2**63, "role": "target"}]}, {"actors"}),
        ({"location_id": 2**63}, {"location_id"}),
        (
            {"date_start": "9999-12-30", "date_precision": "week"},
            {"date_start", "date_end"},
        ),
    ],
    ids=["fatalities", "actor_id", "location_id", "date_end"],
)
def test_out_of_range_values_are_422_not_500(client, override, fields):
    body = {"event_code": "190", "date_start": "2020-03-05", **override}
    response = client.post("/events/", json=body)
    assert response.status_code == 422, response.get_json()
    assert set(response.get_json()["errors"]["json"]) & fields
    assert client.get("/events/").get_json() == []


def test_nul_in_text_is_kept_or_refused_not_500(client):
    summary = "Shelling\x00 in Idlib"
    response = client.post(
        "/events/",
        json={"event_code": "190", "date_start": "2020-03-05", "summary": summary},
    )
    assert response.status_code in (201, 422), response.get_json()
    if response.status_code == 201:
        assert (
            client.get(f"/events/{response.get_json()['id']}").get_json()["summary"]
            == summary
        )
    else:
        assert "summary" in response.get_json()["errors"]["json"]


def test_huge_id_in_a_filter_is_not_a_500(client, make_event):
    make_event()
    response = client.get(f"/events/?location_id={10**20}")
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert response.get_json() == []


def test_rejected_replace_keeps_event_and_links(
    client, make_actor, make_article, make_event
):
    actor, article = make_actor(), make_article()
    event = make_event(
        fatalities=4,
        actors=[{"actor_id": actor["id"], "role": "target"}],
        sources=[{"article_id": article["id"], "quote": "Four were killed."}],
    )
    url = f"/events/{event['id']}"
    etag = client.get(url).headers["ETag"]
    replacement = {"event_code": "057", "date_start": "2020-03-06", "fatalities": 0}
    bad_bodies = [
        ({"actors": [{"actor_id": 999, "role": "initiator"}]}, "actors", "actor_id"),
        ({"sources": [{"article_id": 999}]}, "sources", "article_id"),
    ]
    for links, name, field in bad_bodies:
        for method in (client.put, client.patch):
            response = method(url, json={**replacement, **links})
            error_at(response, name, "0", field)
            response = client.get(url)
            assert response.get_json() == event
            assert response.headers["ETag"] == etag

    response = client.get(f"/events/{event['id']}/actors")
    assert [link["actor_id"] for link in response.get_json()] == [actor["id"]]


def test_event_code_filter_matches_the_subtree(client, make_event):
    by_code = {c: make_event(event_code=c)["id"] for c in ("190", "1951", "195")}
    by_code |= {c: make_event(event_code=c)["id"] for c in ("200", "201", "0861")}

    def codes(query):
        found = ids(client, f"/events/?{query}")
        return sorted(code for code, event_id in by_code.items() if event_id in found)

    assert codes("event_code=19") == ["190", "195", "1951"]
    assert codes("event_code=195") == ["195", "1951"]
    assert codes("event_code=1951") == ["1951"]
    assert codes("event_code=20") == ["200", "201"]
    assert codes("event_code=195&event_code=0861") == ["0861", "195", "1951"]
    assert codes("event_code=08") == ["0861"]
    assert codes("event_code=18") == []

    response = client.get("/events/?event_code=fight")
    assert response.status_code == 422
    assert "event_code" in response.get_json()["errors"]["query"]


def test_date_filters_use_overlap(client, make_event):
    december = make_event(date_start="2019-12-01", date_precision="month")["id"]
    february = make_event(date_start="2020-02-27")["id"]
    march = make_event(date_start="2020-03-05")["id"]

    assert ids(client, "/events/?date_from=2019-12-15&date_to=2020-01-10") == [december]
    assert ids(client, "/events/?date_to=2020-02-26") == [december]
    # A date window lists the newest first.
    assert ids(client, "/events/?date_to=2020-02-27") == [february, december]
    assert ids(client, "/events/?date_from=2020-02-27&date_to=2020-02-27") == [february]
    assert ids(client, "/events/?date_from=2020-01-01") == [march, february]
    assert ids(client, "/events/?date_from=2020-02-28") == [march]

    response = client.get("/events/?date_from=2020-03-01&date_to=2020-02-01")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "date_to" in response.get_json()["errors"]["query"]


def test_link_place_and_fatality_filters(
    client, make_actor, make_article, make_location, make_event
):
    a1, a2, a3 = (make_actor(name=n)["id"] for n in ("Erdoğan", "Putin", "UN"))
    idlib = make_location()["id"]
    moscow = make_location(name="Moscow", country="RUS")["id"]
    art1, art2 = make_article()["id"], make_article()["id"]
    e1 = make_event(
        location_id=idlib,
        fatalities=33,
        actors=[
            {"actor_id": a1, "role": "initiator"},
            {"actor_id": a2, "role": "target"},
        ],
        sources=[{"article_id": art1}],
    )["id"]
    e2 = make_event(
        location_id=moscow,
        fatalities=0,
        actors=[{"actor_id": a2, "role": "initiator"}],
        sources=[{"article_id": art2}, {"article_id": art1, "quote": "Talks."}],
    )["id"]
    e3 = make_event(actors=[{"actor_id": a3, "role": "mediator"}])["id"]

    expected = {
        f"actor_id={a1}": [e1],
        f"actor_id={a2}": [e1, e2],
        f"actor_id={a1}&actor_id={a3}": [e1, e3],
        "role=initiator": [e1, e2],
        "role=mediator&role=target": [e1, e3],
        f"actor_id={a2}&role=target": [e1],
        f"actor_id={a1}&role=target": [],
        f"location_id={idlib}": [e1],
        f"location_id={idlib}&location_id={moscow}": [e1, e2],
        "country=SY": [e1],
        "country=RUS": [e2],
        "country=SYR&country=RU": [e1, e2],
        "country=TUR": [],
        f"article_id={art1}": [e1, e2],
        f"article_id={art2}": [e2],
        "fatalities_min=0": [e1, e2],
        "fatalities_min=1": [e1],
        "fatalities_max=10": [e2],
        "fatalities_min=0&fatalities_max=33": [e1, e2],
    }
    for query, events in expected.items():
        assert ids(client, f"/events/?{query}") == events, query

    response = client.get("/events/?fatality_min=1")
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"] == {
        "fatality_min": ["Unknown parameter."]
    }
    response = client.get("/events/?country=Atlantis")
    assert response.status_code == 422
    assert "country" in response.get_json()["errors"]["query"]


def test_related_actors_and_sources(client, make_actor, make_article, make_event):
    erdogan = make_actor(aliases=["Erdogan"])
    putin = make_actor(name="Vladimir Putin", country="RUS", aliases=[])
    article = make_article(title="Ceasefire in Idlib")
    event = make_event(
        actors=[
            {"actor_id": putin["id"], "role": "initiator"},
            {"actor_id": erdogan["id"], "role": "initiator"},
        ],
        sources=[{"article_id": article["id"], "quote": "From midnight."}],
    )

    response = client.get(f"/events/{event['id']}/actors")
    assert response.status_code == 200
    assert response.get_json() == [
        {"actor_id": putin["id"], "role": "initiator", "actor": putin},
        {"actor_id": erdogan["id"], "role": "initiator", "actor": erdogan},
    ]
    assert response.get_json()[1]["actor"]["aliases"] == ["Erdogan"]

    response = client.get(f"/events/{event['id']}/sources")
    assert response.status_code == 200
    assert response.get_json() == [
        {"article_id": article["id"], "quote": "From midnight.", "article": article}
    ]

    bare = make_event()
    assert client.get(f"/events/{bare['id']}/actors").get_json() == []
    assert client.get(f"/events/{bare['id']}/sources").get_json() == []
    for related in ("actors", "sources"):
        response = client.get(f"/events/999/{related}")
        assert response.status_code == 404
        assert response.content_type == "application/problem+json"
        assert response.get_json()["status"] == 404

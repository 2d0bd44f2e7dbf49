"""GET /events/ as an analyst uses it: places, actors, codes, text, time, order."""

from types import SimpleNamespace

import pytest


def ids(client, url, **params):
    response = client.get(url, query_string=params)
    assert response.status_code == 200, (params, response.get_json())
    return [item["id"] for item in response.get_json()]


def query_error(response, name):
    """The messages for query parameter ``name`` of a 422 problem."""
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    messages = response.get_json()["errors"]["query"][name]
    assert messages and all(isinstance(message, str) for message in messages)
    return messages


def places(make_location):
    """Syria > Idlib Governorate > Idlib; Aleppo; Moscow; Suva; a bare route."""
    syria = make_location(name="Syria", kind="country", latitude=35.0, longitude=38.5)
    governorate = make_location(
        name="Idlib Governorate",
        kind="admin1",
        parent_id=syria["id"],
        latitude=None,
        longitude=None,
    )
    return SimpleNamespace(
        syria=syria,
        governorate=governorate,
        idlib=make_location(name="Idlib", parent_id=governorate["id"]),
        aleppo=make_location(
            name="Aleppo", parent_id=syria["id"], latitude=36.20, longitude=37.13
        ),
        moscow=make_location(
            name="Moscow", country="RUS", latitude=55.7558, longitude=37.6173
        ),
        suva=make_location(
            name="Suva", country="FJI", latitude=-18.1416, longitude=178.4419
        ),
        route=make_location(
            name="M4 highway",
            kind="route",
            parent_id=governorate["id"],
            latitude=None,
            longitude=None,
        ),
    )


def events_at(make_event, world):
    """One event at each place of ``places``, and one placed nowhere."""
    at = {
        name: make_event(location_id=getattr(world, name)["id"])["id"]
        for name in ("syria", "governorate", "idlib", "aleppo", "moscow", "suva")
    }
    at["route"] = make_event(location_id=world.route["id"])["id"]
    at["nowhere"] = make_event()["id"]
    return SimpleNamespace(**at)


def test_location_finds_descendants_and_follows_moves(
    client, make_location, make_event
):
    world = places(make_location)
    at = events_at(make_event, world)
    syria, governorate = world.syria["id"], world.governorate["id"]

    assert ids(client, "/events/", location=syria) == [
        at.syria,
        at.governorate,
        at.idlib,
        at.aleppo,
        at.route,
    ]
    assert ids(client, "/events/", location=governorate) == [
        at.governorate,
        at.idlib,
        at.route,
    ]
    assert ids(client, "/events/", location=[governorate, world.moscow["id"]]) == [
        at.governorate,
        at.idlib,
        at.moscow,
        at.route,
    ]
    assert ids(client, "/events/", location_id=syria) == [at.syria]
    assert ids(client, "/events/", location_id=governorate) == [at.governorate]

    turkey = make_location(name="Turkey", kind="country", country="TUR")["id"]
    response = client.patch(
        f"/locations/{world.idlib['id']}", json={"parent_id": turkey}
    )
    assert response.status_code == 200
    assert ids(client, "/events/", location=governorate) == [at.governorate, at.route]
    assert ids(client, "/events/", location=turkey) == [at.idlib]
    assert at.idlib not in ids(client, "/events/", location=syria)

    # Moving a whole subtree carries what lies inside it.
    client.patch(f"/locations/{world.idlib['id']}", json={"parent_id": governorate})
    response = client.patch(f"/locations/{governorate}", json={"parent_id": turkey})
    assert response.status_code == 200
    assert ids(client, "/events/", location=turkey) == [
        at.governorate,
        at.idlib,
        at.route,
    ]
    assert ids(client, "/events/", location=syria) == [at.syria, at.aleppo]
    assert ids(client, "/events/", location_id=turkey) == []


def test_bbox_includes_and_excludes_by_coordinates(client, make_location, make_event):
    world = places(make_location)
    at = events_at(make_event, world)

    assert ids(client, "/events/", bbox="36,35.5,37.5,36.5") == [at.idlib, at.aleppo]
    assert ids(client, "/events/", bbox="36,35.5,37,36.5") == [at.idlib]
    assert ids(client, "/events/", bbox="37,55,38,56") == [at.moscow]
    assert ids(client, "/events/", bbox="-10,-10,10,10") == []
    # min_lon > max_lon crosses the antimeridian.
    assert ids(client, "/events/", bbox="170,-20,-170,-10") == [at.suva]
    assert ids(client, "/events/", bbox="-180,-90,180,90") == [
        at.syria,
        at.idlib,
        at.aleppo,
        at.moscow,
        at.suva,
    ]


@pytest.mark.parametrize(
    "bbox",
    [
        "1,2,3",
        "1,2,3,4,5",
        "a,b,c,d",
        "",
        "36,95,37,96",
        "200,35,201,36",
        "36,36,37,35",
    ],
)
def test_malformed_bbox_is_422(client, bbox):
    query_error(client.get("/events/", query_string={"bbox": bbox}), "bbox")


def test_near_measures_the_distance(client, make_location, make_event):
    world = places(make_location)
    at = events_at(make_event, world)

    # Aleppo is about 55 km from Idlib.
    assert ids(client, "/events/", near="35.93,36.63,50") == [at.idlib]
    assert ids(client, "/events/", near="35.93,36.63,60") == [at.idlib, at.aleppo]
    assert ids(client, "/events/", near="55.75,37.62,10") == [at.moscow]
    assert ids(client, "/events/", near="-18.14,-179.9,200") == [at.suva]
    for bad in ("35.93,36.63", "x,y,z", "95,36,10", "35,190,10", "35,36,0", "35,36,-5"):
        query_error(client.get("/events/", query_string={"near": bad}), "near")


def cast(make_actor):
    return SimpleNamespace(
        erdogan=make_actor(aliases=["Erdogan"])["id"],
        putin=make_actor(name="Vladimir Putin", country="RUS")["id"],
        saa=make_actor(name="Syrian Arab Army", kind="military", country="SYR")["id"],
        tsk=make_actor(name="Turkish Land Forces", kind="military", country="TUR")[
            "id"
        ],
    )


def test_actor_by_alias_name_or_id_and_role(client, make_actor, make_event):
    who = cast(make_actor)

    def acted(*links):
        actors = [{"actor_id": actor, "role": role} for actor, role in links]
        return make_event(actors=actors)["id"]

    talks = acted((who.erdogan, "initiator"), (who.putin, "target"))
    strike = acted((who.saa, "initiator"), (who.erdogan, "target"))
    speech = acted((who.putin, "initiator"))
    raid = acted((who.tsk, "initiator"), (who.saa, "target"))

    for name in (
        "erdogan",
        "ERDOĞAN",
        str(who.erdogan),
        "recep tayyip erdogan",
        "Recep Tayyip Erdoğan",
    ):
        assert ids(client, "/events/", actor=name) == [talks, strike], name
    assert ids(client, "/events/", actor="erdogan", role="target") == [strike]
    assert ids(client, "/events/", actor="erdogan", role="initiator") == [talks]
    assert ids(client, "/events/", actor=["erdogan", "putin"]) == [
        talks,
        strike,
        speech,
    ]
    assert ids(client, "/events/", actor="nobody") == []
    assert ids(client, "/events/", actor_kind="military", role="initiator") == [
        strike,
        raid,
    ]
    assert ids(client, "/events/", actor_kind="military", role="target") == [raid]
    assert ids(client, "/events/", actor_country="SY") == [strike, raid]
    assert ids(client, "/events/", actor_country="SY", role="target") == [raid]
    # One actor must meet every actor-side condition at once.
    assert ids(client, "/events/", actor="erdogan", actor_kind="military") == []
    query_error(client.get("/events/?role=bystander"), "role")


def test_actor_values_that_only_look_like_ids_are_not_a_500(
    client, make_actor, make_event
):
    erdogan = make_actor(aliases=["Erdogan"])["id"]
    make_event(actors=[{"actor_id": erdogan, "role": "initiator"}])

    # Beyond any id a database can hold, and a digit int() cannot read.
    for value in ("99999999999999999999", "\u00b2"):
        assert ids(client, "/events/", actor=value) == [], value


def test_event_code_matches_the_code_and_below(client, make_event):
    code = {c: make_event(event_code=c)["id"] for c in ("057", "190", "193", "1951")}

    assert ids(client, "/events/", event_code="19") == [
        code["190"],
        code["193"],
        code["1951"],
    ]
    assert ids(client, "/events/", event_code="195") == [code["1951"]]
    assert ids(client, "/events/", event_code="1951") == [code["1951"]]
    assert ids(client, "/events/", event_code=["057", "195"]) == [
        code["057"],
        code["1951"],
    ]
    assert ids(client, "/events/", event_code="112") == []
    query_error(client.get("/events/?event_code=abc"), "event_code")


def texts(make_article, make_event):
    article = make_article()["id"]
    c = make_event(summary="Russia and Turkey agree a ceasefire in Idlib.")["id"]
    b = make_event(
        summary="Turkish drones strike army positions near Saraqib.",
        sources=[
            {
                "article_id": article,
                "quote": "The truce is already broken, a ceasefire official said.",
            }
        ],
    )["id"]
    d = make_event(summary="Shelling near Saraqib.")["id"]
    a = make_event(summary="Ceasefire, ceasefire: the Idlib ceasefire holds.")["id"]
    return SimpleNamespace(agree=c, quoted=b, shelling=d, repeated=a)


def test_q_searches_summaries_and_quotes(client, make_article, make_event):
    ev = texts(make_article, make_event)

    found = ids(client, "/events/", q="ceasefire")
    assert sorted(found) == sorted([ev.agree, ev.quoted, ev.repeated])
    # Newest first unless the best matches are asked for.
    assert found == ids(client, "/events/", q="ceasefire", sort="-date_start")
    assert ids(client, "/events/", q="ceasefire", sort="relevance")[0] == ev.repeated
    assert ids(client, "/events/", q="CEASEFIRE", sort="id") == sorted(found)
    assert ids(client, "/events/", q="truce") == [ev.quoted]
    assert ids(client, "/events/", q="saraqib", sort="id") == [ev.quoted, ev.shelling]
    assert sorted(ids(client, "/events/", q="ceasefire idlib")) == [
        ev.agree,
        ev.repeated,
    ]
    # A phrase's stop words stand for any word on PostgreSQL ("the" for "in").
    assert ev.agree in ids(client, "/events/", q='"ceasefire in idlib"')
    assert ev.quoted not in ids(client, "/events/", q='"ceasefire in idlib"')
    assert ids(client, "/events/", q='"idlib in ceasefire"') == []
    assert sorted(ids(client, "/events/", q="truce OR agree")) == [
        ev.agree,
        ev.quoted,
    ]
    assert ids(client, "/events/", q="ceasefire -idlib") == [ev.quoted]
    assert ids(client, "/events/", q="armistice") == []
    assert ids(client, "/events/", q="ceasefire", event_code="0861", sort="-id") == [
        ev.repeated,
        ev.quoted,
        ev.agree,
    ]


def test_relevance_needs_text_comes_first_and_pages_by_number(client):
    query_error(client.get("/events/?sort=relevance"), "sort")
    query_error(client.get("/events/?q=ceasefire&sort=-relevance"), "sort")
    query_error(client.get("/events/?q=ceasefire&sort=id,relevance"), "sort")
    query_error(client.get("/events/?q=ceasefire&sort=relevance&cursor="), "cursor")
    query_error(client.get("/articles/?sort=relevance"), "sort")
    response = client.get("/events/?q=ceasefire&sort=relevance,-date_start")
    assert response.status_code == 200


def test_q_made_of_search_syntax_is_not_a_500(client, make_article, make_event):
    texts(make_article, make_event)
    for q in ('"(', "AND OR NOT", "*", '"', ")", "NEAR(", "-idlib", "a:b", "^", "'"):
        for url in ("/events/", "/articles/"):
            response = client.get(url, query_string={"q": q})
            assert response.status_code in (200, 422), (url, q, response.get_json())
            if response.status_code == 422:
                query_error(response, "q")


def test_q_follows_edits_and_deletes(client, make_article, make_event):
    ev = texts(make_article, make_event)

    response = client.patch(
        f"/events/{ev.shelling}", json={"summary": "Airstrikes hit a market."}
    )
    assert response.status_code == 200
    assert ids(client, "/events/", q="airstrikes") == [ev.shelling]
    assert ids(client, "/events/", q="saraqib") == [ev.quoted]

    response = client.patch(f"/events/{ev.quoted}", json={"sources": []})
    assert response.status_code == 200
    assert ids(client, "/events/", q="truce") == []

    assert client.delete(f"/events/{ev.repeated}").status_code == 204
    assert ids(client, "/events/", q="ceasefire") == [ev.agree]


def test_updated_since(client, make_event):
    first, second = make_event(), make_event()
    response = client.patch(f"/events/{first['id']}", json={"fatalities": 3})
    assert response.status_code == 200
    changed_at = response.get_json()["updated_at"]

    assert ids(client, "/events/", updated_since=changed_at) == [first["id"]]
    # A sync scan lists changes in the order they were made: the first
    # event, changed last, comes last.
    assert ids(client, "/events/", updated_since=first["created_at"]) == [
        second["id"],
        first["id"],
    ]
    assert ids(client, "/events/", updated_since=first["created_at"], sort="id") == [
        first["id"],
        second["id"],
    ]
    assert ids(client, "/events/", updated_since="2999-01-01T00:00:00Z") == []
    query_error(client.get("/events/?updated_since=yesterday"), "updated_since")
    query_error(
        client.get("/events/?updated_since=2020-03-05T10:00:00"), "updated_since"
    )


def test_sort_orders_with_id_as_tiebreak(client, make_event):
    made = [
        make_event(date_start=day, fatalities=dead)["id"]
        for day, dead in (
            ("2020-03-05", 5),
            ("2020-03-07", None),
            ("2020-03-05", 0),
            ("2020-03-01", 33),
            ("2020-03-07", None),
        )
    ]
    e1, e2, e3, e4, e5 = made

    # Ties by id, run the way the last named field runs.
    assert ids(client, "/events/", sort="-date_start") == [e5, e2, e3, e1, e4]
    assert ids(client, "/events/", sort="date_start") == [e4, e1, e3, e2, e5]
    assert ids(client, "/events/", sort="-date_start,id") == [e2, e5, e1, e3, e4]
    assert ids(client, "/events/", sort="fatalities") == [e2, e5, e3, e1, e4]
    assert ids(client, "/events/", sort="-fatalities") == [e4, e1, e3, e5, e2]
    assert ids(client, "/events/", sort="-fatalities,date_start") == [
        e4,
        e1,
        e3,
        e2,
        e5,
    ]
    assert ids(client, "/events/", sort="-id") == made[::-1]
    assert ids(client, "/events/") == made

    for bad in ("nope", "-nope", "date_start,", "summary"):
        messages = query_error(
            client.get("/events/", query_string={"sort": bad}), "sort"
        )
        assert "date_start" in " ".join(messages)


def test_q_matches_english_words_by_their_stem(client, make_article, make_event):
    attacked = make_event(summary="Government forces attacked a market in Ariha.")["id"]
    attacks = make_event(summary="Drone attacks continue near Saraqib.")["id"]
    other = make_event(summary="Talks on the ceasefire resume in Moscow.")["id"]
    for word in ("attack", "attacks", "attacking"):
        assert sorted(ids(client, "/events/", q=word)) == sorted([attacked, attacks])
    assert ids(client, "/events/", q="attacks -drones") == [attacked]
    assert ids(client, "/events/", q="ceasefires") == [other]
    article = make_article(title="Markets reopen", body="Shops were attacked twice.")
    assert ids(client, "/articles/", q="attack") == [article["id"]]


def test_exports_refuse_relevance(client, make_event):
    make_event(summary="A ceasefire in Idlib.")
    for path in (
        "/events/?q=ceasefire&sort=relevance&format=csv",
        "/events/?q=ceasefire&sort=relevance&format=ndjson",
        "/articles/?q=ceasefire&sort=relevance&format=csv",
    ):
        query_error(client.get(path), "sort")
    response = client.get(
        "/events/?q=ceasefire&sort=relevance", headers={"Accept": "text/csv"}
    )
    query_error(response, "sort")

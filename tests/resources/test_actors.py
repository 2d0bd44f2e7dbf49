"""Actors over HTTP: lifecycle, countries, kinds, aliases, filters, events, deletion."""

import json

import pytest

from tests.helpers import ids

ACTOR_KINDS = [
    "person",
    "state",
    "government",
    "military",
    "police",
    "armed_group",
    "political_party",
    "organisation",
    "international_organisation",
    "ngo",
    "media",
    "business",
    "religious_group",
    "ethnic_group",
    "civilians",
    "protesters",
    "other",
]


def error_at(response, field, location="json"):
    """The messages for ``field`` in a 422 problem."""
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422
    assert field in problem["errors"][location], problem["errors"]
    return problem["errors"][location][field]


def test_actor_lifecycle(client):
    response = client.post(
        "/actors/",
        json={
            "name": "Recep Tayyip Erdoğan",
            "kind": "person",
            "country": "TR",
            "description": "President of Turkey",
            "aliases": ["Erdogan", "Tayyip Erdogan"],
        },
    )
    assert response.status_code == 201
    actor = response.get_json()
    assert {"id", "created_at", "updated_at"} <= actor.keys()
    assert actor["name"] == "Recep Tayyip Erdoğan"
    assert actor["country"] == "TUR"
    assert actor["description"] == "President of Turkey"
    assert actor["aliases"] == ["Erdogan", "Tayyip Erdogan"]
    url = f"/actors/{actor['id']}"

    response = client.get(url)
    assert response.status_code == 200
    assert response.get_json() == actor
    etag = response.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    response = client.get("/actors/")
    assert response.status_code == 200
    assert response.get_json() == [actor]
    assert json.loads(response.headers["X-Pagination"])["total"] == 1

    response = client.put(
        url, json={"name": "Erdoğan", "kind": "person"}, headers={"If-Match": etag}
    )
    assert response.status_code == 200
    replaced = response.get_json()
    assert (replaced["id"], replaced["name"]) == (actor["id"], "Erdoğan")
    assert (replaced["country"], replaced["description"]) == (None, None)
    assert replaced["aliases"] == []
    assert replaced["created_at"] == actor["created_at"]
    assert client.get(url).get_json() == replaced

    response = client.patch(url, json={"country": "Turkey"})
    assert response.status_code == 200
    patched = response.get_json()
    assert patched["country"] == "TUR"
    unchanged = ("id", "name", "kind", "description", "aliases", "created_at")
    assert {k: patched[k] for k in unchanged} == {k: replaced[k] for k in unchanged}
    assert client.get(url).get_json() == patched

    stale = {"If-Match": etag}
    for method in (client.put, client.patch):
        response = method(url, json={"name": "Putin", "kind": "person"}, headers=stale)
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
    assert client.get("/actors/").get_json() == []


@pytest.mark.parametrize("country", ["TR", "Turkey", "Türkiye", "TUR", "tur"])
def test_country_is_stored_as_alpha3(client, country):
    response = client.post(
        "/actors/", json={"name": "Turkey", "kind": "state", "country": country}
    )
    assert response.status_code == 201
    assert response.get_json()["country"] == "TUR"
    response = client.get(f"/actors/{response.get_json()['id']}")
    assert response.get_json()["country"] == "TUR"


def test_unknown_country_is_rejected(client, make_actor):
    response = client.post(
        "/actors/", json={"name": "Atlantis", "kind": "state", "country": "Atlantis"}
    )
    assert error_at(response, "country")
    assert client.get("/actors/").get_json() == []

    actor = make_actor()
    response = client.patch(f"/actors/{actor['id']}", json={"country": "XYZ"})
    assert error_at(response, "country")
    assert client.get(f"/actors/{actor['id']}").get_json() == actor


def test_kind_is_one_of_the_documented_list(client, make_actor):
    for kind in ACTOR_KINDS:
        response = client.post("/actors/", json={"name": f"A {kind}", "kind": kind})
        assert response.status_code == 201, kind
        assert response.get_json()["kind"] == kind
    before = client.get("/actors/?page_size=100").get_json()
    assert len(before) == len(ACTOR_KINDS)

    for kind in ("planet", "", "rebels"):
        response = client.post("/actors/", json={"name": "X", "kind": kind})
        assert error_at(response, "kind"), kind
    actor = before[0]
    response = client.patch(f"/actors/{actor['id']}", json={"kind": "planet"})
    assert error_at(response, "kind")
    response = client.put(f"/actors/{actor['id']}", json={"name": "X", "kind": "cat"})
    assert error_at(response, "kind")
    assert client.get("/actors/?page_size=100").get_json() == before


def test_aliases_are_a_set_replaced_whole(client, make_actor):
    actor = make_actor(
        aliases=["Erdogan", "erdogan", " Erdoğan ", "ERDOGAN", "Tayyip Erdogan"]
    )
    assert actor["aliases"] == ["Erdogan", "Tayyip Erdogan"]
    url = f"/actors/{actor['id']}"

    response = client.patch(url, json={"aliases": ["RTE", "rte"]})
    assert response.status_code == 200
    assert response.get_json()["aliases"] == ["RTE"]

    response = client.patch(url, json={"description": "President of Turkey"})
    assert response.status_code == 200
    assert response.get_json()["aliases"] == ["RTE"]
    assert client.get(url).get_json()["aliases"] == ["RTE"]

    response = client.put(
        url,
        json={
            "name": "Recep Tayyip Erdoğan",
            "kind": "person",
            "aliases": ["Tayyip", "Erdogan"],
        },
    )
    assert response.status_code == 200
    assert response.get_json()["aliases"] == ["Tayyip", "Erdogan"]
    assert response.get_json()["description"] is None
    assert ids(client, "/actors/?name=rte") == []
    assert ids(client, "/actors/?name=tayyip") == [actor["id"]]

    response = client.patch(url, json={"aliases": []})
    assert response.status_code == 200
    assert response.get_json()["aliases"] == []
    assert ids(client, "/actors/?name=erdogan") == []
    assert ids(client, "/actors/?name=recep tayyip erdogan") == [actor["id"]]


def test_longest_names_are_accepted_even_when_folding_lengthens_them(client):
    # Folding turns "ß" into "ss": a valid 300-character name folds to 600.
    name = "ß" * 300
    response = client.post(
        "/actors/", json={"name": name, "kind": "person", "aliases": [name[:-1]]}
    )
    assert response.status_code == 201, response.get_json()
    actor = response.get_json()
    assert (actor["name"], actor["aliases"]) == (name, [name[:-1]])
    assert ids(client, "/actors/?name=" + "ss" * 300) == [actor["id"]]
    assert ids(client, "/actors/?name=" + "SS" * 299) == [actor["id"]]


def test_name_filter_matches_name_or_alias_folded(client, make_actor):
    erdogan = make_actor(aliases=["Erdogan"])["id"]
    putin = make_actor(name="Vladimir Putin", country="RUS", aliases=["Putin"])["id"]

    expected = {
        "erdogan": [erdogan],
        "ERDOĞAN": [erdogan],
        "recep tayyip erdogan": [erdogan],
        "Recep Tayyip Erdoğan": [erdogan],
        "putin": [putin],
        "vladimir putin": [putin],
        "assad": [],
    }
    for name, found in expected.items():
        assert ids(client, f"/actors/?name={name}") == found, name


def test_kind_and_country_filters(client, make_actor):
    erdogan = make_actor()["id"]
    turkey = make_actor(name="Turkey", kind="state")["id"]
    putin = make_actor(name="Vladimir Putin", country="RUS")["id"]
    hts = make_actor(name="Hayat Tahrir al-Sham", kind="armed_group", country="SYR")[
        "id"
    ]

    expected = {
        "kind=person": [erdogan, putin],
        "kind=person&kind=state": [erdogan, turkey, putin],
        "kind=armed_group&kind=state": [turkey, hts],
        "kind=ngo": [],
        "country=TR": [erdogan, turkey],
        "country=Russia&country=SYR": [putin, hts],
        "kind=person&country=RUS": [putin],
        "kind=state&country=RUS": [],
    }
    for query, found in expected.items():
        assert ids(client, f"/actors/?{query}") == found, query

    response = client.get("/actors/?kind=planet")
    assert error_at(response, "kind", "query")
    response = client.get("/actors/?country=Atlantis")
    assert error_at(response, "country", "query")


def test_event_id_filter_and_actor_events(client, make_actor, make_event):
    erdogan = make_actor()["id"]
    putin = make_actor(name="Vladimir Putin", country="RUS")["id"]
    guterres = make_actor(name="António Guterres", country="PRT")["id"]
    talks = make_event(
        actors=[
            {"actor_id": erdogan, "role": "initiator"},
            {"actor_id": putin, "role": "target"},
        ]
    )["id"]
    mediation = make_event(
        event_code="040", actors=[{"actor_id": erdogan, "role": "mediator"}]
    )["id"]
    empty = make_event()["id"]

    assert ids(client, f"/actors/?event_id={talks}") == [erdogan, putin]
    assert ids(client, f"/actors/?event_id={mediation}") == [erdogan]
    assert ids(client, f"/actors/?event_id={empty}") == []

    assert ids(client, f"/actors/{erdogan}/events") == [talks, mediation]
    assert ids(client, f"/actors/{erdogan}/events?role=mediator") == [mediation]
    assert ids(client, f"/actors/{erdogan}/events?role=target") == []
    assert ids(client, f"/actors/{putin}/events?role=target") == [talks]
    assert ids(client, f"/actors/{guterres}/events") == []

    response = client.get(f"/actors/{erdogan}/events")
    assert "X-Pagination" in response.headers
    response = client.get(f"/actors/{erdogan}/events?role=bystander")
    assert error_at(response, "role", "query")
    response = client.get("/actors/9999/events")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_delete_linked_actor_needs_force(client, make_actor, make_event):
    erdogan = make_actor()
    putin = make_actor(name="Vladimir Putin", country="RUS")
    putin_link = {"actor_id": putin["id"], "role": "target"}
    event = make_event(
        actors=[{"actor_id": erdogan["id"], "role": "initiator"}, putin_link]
    )
    url = f"/actors/{erdogan['id']}"

    for query in ("", "?force=false"):
        response = client.delete(url + query)
        assert response.status_code == 409
        assert response.content_type == "application/problem+json"
        assert response.get_json()["status"] == 409
        assert client.get(url).get_json() == erdogan
        assert client.get(f"/events/{event['id']}").get_json() == event

    response = client.delete(url + "?force=true")
    assert response.status_code == 204
    assert client.get(url).status_code == 404
    response = client.get(f"/events/{event['id']}")
    assert response.status_code == 200
    assert response.get_json()["actors"] == [putin_link]
    assert ids(client, "/actors/") == [putin["id"]]


def test_malformed_json_is_400_and_writes_nothing(client, make_actor):
    actor = make_actor()
    before = client.get("/actors/").get_json()
    for method, url in (
        (client.post, "/actors/"),
        (client.put, f"/actors/{actor['id']}"),
        (client.patch, f"/actors/{actor['id']}"),
    ):
        response = method(url, data='{"name": "NATO",', content_type="application/json")
        assert response.status_code == 400, url
        assert response.content_type == "application/problem+json"
        assert response.get_json()["status"] == 400
    assert client.get("/actors/").get_json() == before


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"id": 7}, "id"),
        ({"name": 42}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        # Blank as the published schema's pattern reads it (ECMA-262's \s
        # counts U+FEFF, Python's does not), and as Python does.
        ({"name": "\ufeff \u3000"}, "name"),
        ({"name": "\x1c"}, "name"),
        ({"name": None}, "name"),
        ({"kind": 1}, "kind"),
        ({"country": 792}, "country"),
        ({"aliases": "Erdogan"}, "aliases"),
        ({"aliases": [""]}, "aliases"),
        ({"description": ["President"]}, "description"),
    ],
    ids=lambda case: json.dumps(case) if isinstance(case, dict) else None,
)
def test_bad_bodies_name_the_field_and_write_nothing(
    client, make_actor, override, field
):
    actor = make_actor(aliases=["Erdogan"])
    url = f"/actors/{actor['id']}"
    body = {"name": "NATO", "kind": "international_organisation", **override}

    response = client.post("/actors/", json=body)
    assert error_at(response, field)
    response = client.put(url, json=body)
    assert error_at(response, field)
    response = client.patch(url, json=override)
    assert error_at(response, field)
    assert client.get("/actors/").get_json() == [actor]


def test_missing_required_fields(client):
    response = client.post("/actors/", json={"description": "Nobody"})
    assert response.status_code == 422
    assert {"name", "kind"} <= response.get_json()["errors"]["json"].keys()
    assert client.get("/actors/").get_json() == []


def test_unknown_query_parameter_and_page_size(client, make_actor):
    for n in range(3):
        make_actor(name=f"Actor {n}")

    response = client.get("/actors/?nmae=erdogan")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["errors"]["query"] == {"nmae": ["Unknown parameter."]}

    response = client.get("/actors/?page_size=501")
    assert error_at(response, "page_size", "query")

    response = client.get("/actors/?page_size=500")
    assert response.status_code == 200
    assert len(response.get_json()) == 3

    response = client.get("/actors/?page=2&page_size=2")
    assert response.status_code == 200
    assert [a["name"] for a in response.get_json()] == ["Actor 2"]
    pagination = json.loads(response.headers["X-Pagination"])
    assert (pagination["total"], pagination["page"]) == (3, 2)

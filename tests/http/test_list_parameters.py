"""Parameters that take several values: repeated or separated by commas."""

import pytest


@pytest.fixture
def two_events(make_event, make_location, make_actor):
    idlib = make_location()
    ankara = make_location(
        name="Ankara", country="TUR", latitude=39.93, longitude=32.86
    )
    erdogan = make_actor()
    first = make_event(
        event_code="190",
        location_id=idlib["id"],
        actors=[{"actor_id": erdogan["id"], "role": "initiator"}],
    )
    second = make_event(event_code="042", location_id=ankara["id"])
    make_event(event_code="0861")
    return first, second


def ids(response):
    assert response.status_code == 200, response.get_json()
    return sorted(record["id"] for record in response.get_json())


@pytest.mark.parametrize(
    "repeated, commas",
    [
        ("include=actors&include=location", "include=actors,location"),
        ("fields=id&fields=summary", "fields=id,summary"),
        ("event_code=19&event_code=04", "event_code=19,04"),
        ("country=SYR&country=TUR", "country=SYR, TUR"),
        ("date_precision=day&date_precision=month", "date_precision=day,month"),
    ],
)
def test_commas_mean_what_repetition_means(anonymous, two_events, repeated, commas):
    one = anonymous.get(f"/events?{repeated}")
    other = anonymous.get(f"/events?{commas}")
    assert one.status_code == other.status_code == 200
    assert one.get_json() == other.get_json()


def test_commas_select_several(anonymous, two_events):
    first, second = two_events
    assert ids(anonymous.get("/events?event_code=19,04")) == sorted(
        [first["id"], second["id"]]
    )
    shaped = anonymous.get(f"/events/{first['id']}?include=actors,location")
    body = shaped.get_json()
    assert body["location"]["name"] == "Idlib"
    assert body["actors"][0]["actor"]["name"] == "Recep Tayyip Erdoğan"


def test_statistics_group_by_takes_commas(anonymous, two_events):
    repeated = anonymous.get("/events/stats?group_by=country&group_by=event_code")
    commas = anonymous.get("/events/stats?group_by=country,event_code")
    assert repeated.status_code == 200
    assert commas.get_json() == repeated.get_json()


def test_a_bad_value_names_the_parameter_and_what_is_accepted(anonymous):
    response = anonymous.get("/events?include=actors,places")
    assert response.status_code == 422
    errors = response.get_json()["errors"]["query"]["include"]
    assert errors == {"1": ["Must be one of: actors, sources, location."]}


def test_a_name_with_a_comma_is_one_value(client, make_actor, make_event):
    named = make_actor(name="Police Forces of Syria, Idlib", kind="police")
    event = make_event(actors=[{"actor_id": named["id"], "role": "target"}])
    found = client.get(
        "/events", query_string={"actor": "Police Forces of Syria, Idlib"}
    )
    assert ids(found) == [event["id"]]


def test_the_document_says_how_to_send_several(anonymous):
    parameters = anonymous.get("/openapi.json").get_json()["paths"]["/events"]["get"][
        "parameters"
    ]
    described = {p["name"]: p.get("description", "") for p in parameters if "name" in p}
    assert "separate them with commas" in described["include"]
    assert "separate them with commas" in described["event_code"]
    assert "may hold commas" in described["actor"]

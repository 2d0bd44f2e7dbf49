"""Hostile bodies and parameters: each one a 4xx naming where, never a 500, and
nothing written."""

import json

import pytest

from flask_smorest import abort

EVENT = {"event_code": "0861", "date_start": "2020-03-05"}


def post_json(client, path: str, text: str):
    """POST ``text`` as it is: the test client's serialiser would refuse some."""
    return client.post(path, data=text, content_type="application/json")


def batch_with(**fields) -> str:
    return json.dumps({"events": [{**EVENT, **fields}]})


def nested(levels: int) -> str:
    """An array ``levels`` deep, as JSON text."""
    return "[" * levels + "1" + "]" * levels


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    return json.loads(response.get_data(as_text=True))


def assert_nothing_written(client):
    assert client.get("/events/").get_json() == []
    assert client.get("/locations/").get_json() == []


def test_a_body_nested_a_thousand_deep_is_a_400_not_a_crash(client):
    problem = problem_of(post_json(client, "/events/", nested(1000)), 400)

    assert problem["errors"] == {
        "json": {"_schema": ["Arrays and objects nest at most 32 deep."]}
    }
    assert_nothing_written(client)


def test_bodies_nest_at_most_32_deep(client):
    # The body, events, the event and source_attributes are four levels.
    fits = batch_with(source_attributes={"a": json.loads(nested(28))})
    too_deep = batch_with(source_attributes={"a": json.loads(nested(29))})

    problem = problem_of(post_json(client, "/events/batch", too_deep), 422)
    where = "events.0.source_attributes.a" + ".0" * 28
    assert problem["detail"] == f"Invalid fields: json.{where}."
    assert_nothing_written(client)

    response = post_json(client, "/events/batch", fits)
    assert response.status_code == 200, response.get_json()
    [event] = client.get("/events/").get_json()
    assert event["source_attributes"] == {"a": json.loads(nested(28))}


@pytest.mark.parametrize("levels", [33, 300, 500])
def test_a_body_too_deep_is_refused_naming_where(client, levels):
    problem = problem_of(post_json(client, "/locations/", nested(levels)), 422)

    assert problem["detail"] == "Invalid fields: json" + ".0" * 32 + "."
    node = problem["errors"]["json"]
    for _ in range(32):
        node = node["0"]
    assert node == ["Arrays and objects nest at most 32 deep."]


def test_brackets_inside_strings_do_not_count_as_nesting(client):
    text = batch_with(summary="[" * 100, source_attributes={"note": "{" * 100})

    response = post_json(client, "/events/batch", text)

    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("path", ["/events/", "/locations/", "/actors/"])
def test_a_field_name_with_a_lone_surrogate_is_named_escaped(client, path):
    problem = problem_of(post_json(client, path, '{"\\ud800": 1}'), 422)

    assert list(problem["errors"]["json"]) == ["\\ud800"]
    assert "lone surrogates" in problem["errors"]["json"]["\\ud800"][0]
    assert "\\ud800" in problem["detail"]


@pytest.mark.parametrize(
    ("attributes", "path", "words"),
    [
        ('{"a": 123456789012345678901234567890}', ["a"], "64 bits"),
        ('{"a": -9223372036854775809}', ["a"], "64 bits"),
        ('{"a": [1, ' + "9" * 5000 + "]}", ["a", "1"], "64 bits"),
        ('{"a": NaN}', ["a"], "NaN and Infinity"),
        ('{"a": {"b": -Infinity}}', ["a", "b"], "NaN and Infinity"),
        ('{"a": 1e400}', ["a"], "NaN and Infinity"),
        ('{"a\\u0000": 1}', ["a\\x00"], "NUL"),
        ('{"\\udc00": 1}', ["\\udc00"], "lone surrogates"),
        ('{"a": "\\ud83d"}', ["a"], "lone surrogates"),
    ],
)
def test_source_attributes_no_database_stores_as_sent_are_refused(
    client, attributes, path, words
):
    text = (
        '{"events": [{"event_code": "0861", "date_start": "2020-03-05", '
        f'"source_attributes": {attributes}}}]}}'
    )

    problem = problem_of(post_json(client, "/events/batch", text), 422)

    node = problem["errors"]["json"]["events"]["0"]["source_attributes"]
    for step in path:
        node = node[step]
    [message] = node
    assert words in message
    assert_nothing_written(client)


def test_integers_of_64_bits_are_kept_exactly(client):
    attributes = {"low": -(2**63), "high": 2**63 - 1, "ratio": 0.1}

    response = post_json(
        client, "/events/batch", batch_with(source_attributes=attributes)
    )

    assert response.status_code == 200, response.get_json()
    [event] = client.get("/events/").get_json()
    assert event["source_attributes"] == attributes


def _chain(places: int) -> dict:
    place = {"name": "Syria", "kind": "country", "country": "SYR"}
    for level in range(1, places):
        place = {"name": f"Place {level}", "kind": "admin1", "parent": place}
    return place


def test_an_inline_place_chain_holds_at_most_ten_places(client):
    problem = problem_of(
        post_json(client, "/events/batch", batch_with(location=_chain(11))), 422
    )

    node = problem["errors"]["json"]["events"]["0"]["location"]
    for _ in range(9):
        node = node["parent"]
    assert node["parent"] == ["An inline place chain holds at most 10 places."]
    assert problem["detail"].endswith("location" + ".parent" * 10 + ".")
    assert_nothing_written(client)

    response = post_json(client, "/events/batch", batch_with(location=_chain(10)))
    assert response.status_code == 200, response.get_json()
    assert len(client.get("/locations/").get_json()) == 10


def test_a_place_chain_250_deep_is_refused_naming_where(client):
    response = post_json(client, "/events/batch", batch_with(location=_chain(250)))

    problem = problem_of(response, 422)
    assert problem["detail"].startswith("Invalid fields: json.events.0.location.parent")
    assert_nothing_written(client)


@pytest.mark.parametrize("latitude", ["０１", "٣٥", "1_0", " 1", "+1", "0x1"])
def test_numbers_sent_as_text_take_ascii_digits_only(client, latitude):
    body = {"name": "Idlib", "kind": "city", "latitude": latitude, "longitude": 36}

    problem = problem_of(client.post("/locations/", json=body), 422)

    assert problem["errors"] == {
        "json": {"latitude": ["Not a valid number: use a JSON number (digits 0-9)."]}
    }
    assert_nothing_written(client)


def test_a_number_sent_as_ascii_text_is_still_read(client):
    body = {"name": "Idlib", "kind": "city", "latitude": "35.93", "longitude": "01"}

    response = client.post("/locations/", json=body)

    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["latitude"], response.get_json()["longitude"]) == (
        35.93,
        1.0,
    )


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("fatalities_min=１", "fatalities_min"),
        ("fatalities_max=99999999999999999999", "fatalities_max"),
        ("page=１", "page"),
        ("page_size=+5", "page_size"),
        ("page=99999999999999999999", "page"),
        ("page=1_0", "page"),
    ],
)
def test_numeric_parameters_take_ascii_digits_in_range(client, query, name):
    problem = problem_of(client.get(f"/events/?{query}"), 422)

    assert list(problem["errors"]["query"]) == [name]


def test_an_id_parameter_in_other_digits_is_refused(client, make_location):
    place = make_location()

    problem = problem_of(client.get("/events/?location=\uff11"), 422)

    assert place["id"] == 1
    assert problem["errors"] == {
        "query": {"location": {"0": ["Not a valid integer: use digits 0-9."]}}
    }


DATE_FORM = "Not a valid date: use YYYY-MM-DD (an ISO 8601 calendar date)."


# What date.fromisoformat also reads (Python 3.11), and two near misses.
OTHER_FORMS = ["20200301", "2020-W10", "2020-W10-1", "2020-061", "2020-3-1"]


@pytest.mark.parametrize("day", [*OTHER_FORMS, "2020-03-01T00:00"])
def test_event_dates_are_calendar_dates_only(client, make_event, day):
    event = make_event()

    created = client.post("/events/", json={**EVENT, "date_start": day})
    changed = client.patch(f"/events/{event['id']}", json={"date_end": day})
    batch = post_json(client, "/events/batch", batch_with(date_start=day))

    assert problem_of(created, 422)["errors"] == {"json": {"date_start": [DATE_FORM]}}
    assert problem_of(changed, 422)["errors"] == {"json": {"date_end": [DATE_FORM]}}
    assert problem_of(batch, 422)["errors"] == {
        "json": {"events": {"0": {"date_start": [DATE_FORM]}}}
    }
    assert [e["id"] for e in client.get("/events/").get_json()] == [event["id"]]


@pytest.mark.parametrize("path", ["/events/", "/events/stats", "/events/stats.png"])
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_date_filters_are_calendar_dates_only(client, path, name):
    for day in ("20200301", "2020-W10", "２０２０-03-01"):
        problem = problem_of(client.get(f"{path}?{name}={day}"), 422)
        assert problem["errors"] == {"query": {name: [DATE_FORM]}}


def test_an_error_that_echoes_unencodable_text_is_still_answered(app, client):
    # Every body schema names such text escaped; this is the last line behind
    # them, for any message that repeats what a client sent.
    def echo():
        abort(422, errors={"query": {"\ud800": ["Unknown parameter."]}})

    app.add_url_rule("/echo", view_func=echo)

    problem = problem_of(client.get("/echo"), 422)

    assert problem["errors"] == {"query": {"\\ud800": ["Unknown parameter."]}}
    assert problem["detail"] == "Invalid fields: query.\\ud800."

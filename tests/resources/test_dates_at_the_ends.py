"""Dates at the ends of the calendar (0001-01-01, 9999-12-31): filters and
statistics answer, or refuse naming the parameter, and never a bare 422."""

import pytest

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def listed(client, query: str) -> list[int]:
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200, response.get_json()
    return [event["id"] for event in response.get_json()]


def stats(client, query: str = "") -> dict:
    response = client.get(f"/events/stats?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def long_event(make_event):
    """An event known only to its year: the longest span stored, 365 days."""
    return make_event(date_start="2019-01-01", date_precision="year")


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02", "0001-12-31"])
def test_date_from_near_the_first_day_finds_events(client, long_event, day):
    first = client.post(
        "/events/", json={"event_code": "0861", "date_start": "0001-01-01"}
    ).get_json()

    found = listed(client, f"date_from={day}")

    assert long_event["id"] in found
    assert (first["id"] in found) == (day == "0001-01-01")


def test_date_filters_at_both_ends_of_the_calendar(client, long_event):
    assert listed(client, "date_from=0001-01-01&date_to=9999-12-31") == [
        long_event["id"]
    ]
    assert listed(client, "date_from=9999-12-31") == []
    assert listed(client, "date_to=0001-01-01") == []


@pytest.mark.parametrize(
    ("query", "events"),
    [
        ("interval=year&date_from=0001-01-01", 1),
        ("interval=day&date_from=0001-01-01&date_to=0001-01-05", 0),
        ("interval=week&date_from=9999-01-01&date_to=9999-12-31", 0),
        ("interval=none&date_from=0001-01-01&date_to=9999-12-31", 1),
    ],
)
def test_stats_over_the_ends_of_the_calendar(client, long_event, query, events):
    result = stats(client, query)

    assert result["totals"]["events"] == events
    chart = client.get(f"/events/stats.png?{query}")
    assert chart.status_code == 200
    assert chart.data.startswith(PNG_SIGNATURE)


def test_too_many_buckets_asked_for_are_refused_naming_interval(client, long_event):
    response = client.get(
        "/events/stats?interval=day&date_from=0001-01-01&date_to=9999-12-31"
    )

    assert response.status_code == 422
    assert list(response.get_json()["errors"]["query"]) == ["interval"]
    assert "buckets" in response.get_json()["errors"]["query"]["interval"][0]


def test_stats_without_an_interval_count_per_month(client, long_event):
    result = stats(client)

    assert result["interval"] == "month"
    assert (result["date_from"], result["date_to"]) == ("2019-01-01", "2019-12-31")


def test_data_over_centuries_is_counted_per_year_without_an_interval(
    client, make_event
):
    make_event(date_start="0001-01-01", fatalities=1)
    make_event(date_start="2020-03-05", fatalities=2)
    make_event(date_start="9999-12-31", fatalities=3)

    result = stats(client)

    assert result["interval"] == "year"
    assert (result["date_from"], result["date_to"]) == ("0001-01-01", "9999-12-31")
    assert len(result["buckets"]) == 9999
    assert result["totals"]["fatalities"] == 6
    assert [b["fatalities"] for b in result["buckets"] if b["events"]] == [1, 2, 3]
    chart = client.get("/events/stats.png")
    assert chart.status_code == 200
    assert chart.data.startswith(PNG_SIGNATURE)
    csv = client.get("/events/stats?format=csv")
    assert csv.status_code == 200
    assert csv.get_data(as_text=True).count("\r\n") == 1 + 9999


def test_an_interval_asked_for_is_kept_however_long_the_data(client, make_event):
    make_event(date_start="0001-01-01")
    make_event(date_start="9999-12-31")

    response = client.get("/events/stats?interval=month")

    assert response.status_code == 422
    assert list(response.get_json()["errors"]["query"]) == ["interval"]


def test_groups_too_many_even_per_year_are_refused_naming_interval(client, make_event):
    make_event(date_start="0001-01-01", event_code="010")
    make_event(date_start="9999-12-31", event_code="020")
    for code in ("030", "040", "050", "060", "070", "080", "090", "100", "110"):
        make_event(date_start="2020-03-05", event_code=code)

    response = client.get("/events/stats?group_by=event_code")

    # 9,999 years times 11 codes is over 100,000 buckets.
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["query"]) == ["interval"]
    assert stats(client, "group_by=event_code&interval=none")["totals"]["events"] == 11


def test_a_week_that_would_end_after_9999_is_refused_in_a_batch(client):
    event = {"event_code": "0861", "date_start": "9999-12-30", "date_precision": "week"}

    response = client.post("/events/batch", json={"events": [event]})

    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "json": {
            "events": {
                "0": {
                    "date_start": [
                        "Too late for this precision: the range would end after "
                        "9999-12-31."
                    ]
                }
            }
        }
    }
    assert client.get("/events/").get_json() == []
    last_week = {**event, "date_start": "9999-12-25"}
    assert client.post("/events/batch", json={"events": [last_week]}).status_code == 200

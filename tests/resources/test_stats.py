"""Event statistics over HTTP: buckets that add up, zero-filled, precision, groups."""

import csv
import io
import json
from datetime import date, timedelta

import pytest

from api.models import Event

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def world(client, make_location, make_actor, make_event):
    """Syria > Idlib Governorate > Idlib, Ankara, two actors, six events."""
    syria = make_location(name="Syria", kind="country", latitude=35, longitude=38)
    idlib_gov = make_location(
        name="Idlib Governorate", kind="admin1", parent_id=syria["id"]
    )
    idlib = make_location(name="Idlib", parent_id=idlib_gov["id"])
    ankara = make_location(
        name="Ankara", country="TUR", latitude=39.93, longitude=32.86
    )
    turkey = make_actor(name="Turkey", kind="state")
    russia = make_actor(name="Russia", kind="state", country="RUS")
    both = [
        {"actor_id": turkey["id"], "role": "initiator"},
        {"actor_id": russia["id"], "role": "target"},
    ]
    events = {
        # Known only to the month: fits December, but no week of it.
        "december": make_event(
            event_code="190",
            date_start="2019-12-01",
            date_precision="month",
            location_id=idlib["id"],
            fatalities=50,
            actors=both,
        ),
        "airstrike": make_event(
            event_code="195",
            date_start="2020-02-27",
            location_id=idlib["id"],
            fatalities=34,
            actors=both[1:],
        ),
        "clash": make_event(
            event_code="193",
            date_start="2020-02-28",
            location_id=idlib_gov["id"],
            fatalities=None,
            actors=both[:1],
        ),
        "ceasefire": make_event(
            event_code="0871",
            date_start="2020-03-05",
            location_id=idlib_gov["id"],
            fatalities=0,
            actors=both,
        ),
        "protest": make_event(
            event_code="141", date_start="2020-02-10", location_id=ankara["id"]
        ),
        "unplaced": make_event(event_code="190", date_start="2020-01-20"),
    }
    return {
        "places": {"syria": syria, "gov": idlib_gov, "idlib": idlib, "ankara": ankara},
        "actors": {"turkey": turkey, "russia": russia},
        "events": events,
    }


def stats(client, query: str) -> dict:
    response = client.get(f"/events/stats?{query}")
    assert response.status_code == 200, response.get_json()
    assert response.content_type == "application/json"
    return response.get_json()


def listed(client, query: str) -> list[dict]:
    response = client.get(f"/events/?page_size=500&{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def added(result: dict, key: str = "events") -> int:
    return sum(b[key] for b in result["buckets"] + result["imprecise"])


def test_weeks_add_up_and_empty_weeks_are_zero(client, world):
    query = "date_from=2019-12-01&date_to=2020-03-31"
    result = stats(client, f"interval=week&{query}")
    events = listed(client, query)

    assert added(result) == result["totals"]["events"] == len(events) == 6
    known = [e["fatalities"] for e in events if e["fatalities"] is not None]
    assert added(result, "fatalities") == result["totals"]["fatalities"] == sum(known)
    assert added(result, "fatalities_unknown") == 3  # clash, protest, unplaced

    periods = [date.fromisoformat(b["period"]) for b in result["buckets"]]
    assert periods[0] == date(2019, 11, 25)  # the Monday of 1 December 2019
    assert periods[-1] == date(2020, 3, 30)
    assert all(
        b - a == timedelta(days=7) for a, b in zip(periods, periods[1:], strict=False)
    )
    assert (result["date_from"], result["date_to"]) == ("2019-11-25", "2020-04-05")
    by_week = {b["period"]: b["events"] for b in result["buckets"]}
    assert by_week["2020-02-24"] == 2  # the airstrike and the clash
    assert by_week["2020-01-27"] == 0
    assert sum(1 for n in by_week.values() if n == 0) == len(by_week) - 4


def test_date_known_to_the_month_is_not_put_on_the_first(client, world):
    weekly = stats(client, "interval=week")
    assert weekly["imprecise"] == [
        {
            "period": "2019-11-25",
            "last_period": "2019-12-30",
            "events": 1,
            "fatalities": 50,
            "fatalities_unknown": 0,
        }
    ]
    assert weekly["totals"]["imprecise_events"] == 1
    assert all(b["fatalities"] != 50 for b in weekly["buckets"])
    daily = stats(client, "interval=day&date_from=2019-12-01&date_to=2019-12-31")
    assert added(daily) == 1 and daily["buckets"][0]["events"] == 0

    monthly = stats(client, "interval=month")
    assert monthly["imprecise"] == []
    assert monthly["buckets"][0] == {
        "period": "2019-12-01",
        "events": 1,
        "fatalities": 50,
        "fatalities_unknown": 0,
    }
    assert [b["period"] for b in monthly["buckets"]] == [
        "2019-12-01",
        "2020-01-01",
        "2020-02-01",
        "2020-03-01",
    ]
    yearly = stats(client, "interval=year")
    assert [(b["period"], b["events"]) for b in yearly["buckets"]] == [
        ("2019-01-01", 1),
        ("2020-01-01", 5),
    ]


def test_the_analysts_question(client, world):
    """Fatalities per week in Idlib Governorate since December 2019, by type."""
    gov = world["places"]["gov"]["id"]
    query = (
        f"location={gov}&date_from=2019-12-01&interval=week"
        "&group_by=event_code&event_code_level=root"
    )
    result = stats(client, query)
    assert added(result) == len(listed(client, f"location={gov}&date_from=2019-12-01"))
    assert {b["event_code"] for b in result["buckets"]} == {"08", "19"}
    assert {b["event_name"] for b in result["buckets"]} == {"YIELD", "FIGHT"}
    fight = {b["period"]: b for b in result["buckets"] if b["event_code"] == "19"}
    assert fight["2020-02-24"]["fatalities"] == 34
    assert fight["2020-02-24"]["fatalities_unknown"] == 1
    weeks = {b["period"] for b in result["buckets"]}
    assert len(result["buckets"]) == 2 * len(weeks)  # every week for each type


GROUPS = {
    "country": ("country", {"SYR": 4, "TUR": 1, None: 1}),
    "location": (
        "location_name",
        {"Idlib": 2, "Idlib Governorate": 2, "Ankara": 1, None: 1},
    ),
    "location&location_level=admin1": (
        "location_name",
        {"Idlib Governorate": 4, None: 2},
    ),
    "location&location_level=country": ("location_name", {"Syria": 4, None: 2}),
    "event_code": ("event_code", {"190": 2, "195": 1, "193": 1, "0871": 1, "141": 1}),
    "event_code&event_code_level=root": ("event_code", {"19": 4, "08": 1, "14": 1}),
    "actor": ("actor_name", {"Turkey": 3, "Russia": 3, None: 2}),
    "role": ("role", {"initiator": 3, "target": 3, None: 2}),
    "source": ("source", {None: 6}),
}


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_group_by_each_dimension(client, world, group):
    label, expected = GROUPS[group]
    result = stats(client, f"interval=none&group_by={group}")
    assert [b["period"] for b in result["buckets"]] == [None] * len(expected)
    counted = {b[label]: b["events"] for b in result["buckets"]}
    assert counted == expected
    assert result["totals"]["events"] == 6


def test_group_by_source_dataset(app, client, world):
    with app.extensions["dateline_db"].connection_context():
        Event.update(source="acled").where(
            Event.id.in_([world["events"][k]["id"] for k in ("airstrike", "clash")])
        ).execute()
    result = stats(client, "interval=month&group_by=source&date_from=2020-02-01")
    counted = {(b["period"], b["source"]): b["events"] for b in result["buckets"]}
    assert counted == {
        ("2020-02-01", "acled"): 2,
        ("2020-02-01", None): 1,
        ("2020-03-01", "acled"): 0,
        ("2020-03-01", None): 1,
    }


def test_an_event_with_two_actors_counts_once_per_actor(client, world):
    result = stats(client, "interval=month&group_by=actor&group_by=role")
    assert added(result) == 3 + 3 + 2  # each actor link, and the events without
    assert result["totals"]["events"] == 6
    assert result["totals"]["fatalities"] == 84
    turkey = [b for b in result["buckets"] if b["actor_name"] == "Turkey"]
    assert {b["role"] for b in turkey} == {"initiator"}
    assert sum(b["fatalities"] for b in turkey) == 50


def test_filters_are_those_of_the_list(client, world):
    russia = world["actors"]["russia"]["id"]
    for query in (
        f"actor_id={russia}",
        "country=TUR",
        "event_code=19&fatalities_min=1",
        "date_precision=month",
        "bbox=36,35.5,37,36.5",
    ):
        result = stats(client, f"interval=none&{query}")
        assert result["totals"]["events"] == len(listed(client, query)), query
    assert stats(client, "interval=none&actor=nobody")["buckets"] == []


def test_csv_table_and_png_chart(client, world):
    response = client.get("/events/stats?interval=week&group_by=country&format=csv")
    assert response.status_code == 200
    assert response.content_type.startswith("text/csv")
    assert 'filename="events-stats.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    result = stats(client, "interval=week&group_by=country")
    assert len(rows) == len(result["buckets"]) + len(result["imprecise"])
    assert sum(int(r["events"]) for r in rows) == 6
    assert [r for r in rows if r["imprecise"] == "true"] == [
        {
            "period": "2019-11-25",
            "last_period": "2019-12-30",
            "imprecise": "true",
            "country": "SYR",
            "events": "1",
            "fatalities": "50",
            "fatalities_unknown": "0",
        }
    ]

    for url, headers in (
        ("/events/stats.png?group_by=event_code&measure=fatalities", {}),
        ("/events/stats?format=png&interval=none&group_by=country", {}),
        ("/events/stats?interval=year", {"Accept": "image/png"}),
        ("/events/stats.png?country=FRA", {}),
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert response.content_type == "image/png"
        assert response.data.startswith(PNG_SIGNATURE)


def test_stats_errors(client, world):
    cases = [
        ("interval=fortnight", "interval"),
        ("group_by=weather", "group_by"),
        ("location_level=admin1", "location_level"),
        ("group_by=location&location_level=planet", "location_level"),
        ("event_code_level=leaf", "event_code_level"),
        ("sort=id", "sort"),
        ("format=geojson", "format"),
        ("measure=deaths", "measure"),
        ("interval=day&date_from=1700-01-01&date_to=2020-01-01", "interval"),
        ("date_from=2020-03-01&date_to=2020-02-01", "date_to"),
    ]
    for query, field in cases:
        response = client.get(f"/events/stats?{query}")
        assert response.status_code == 422, query
        assert response.content_type == "application/problem+json"
        assert field in response.get_json()["errors"]["query"], query
    response = client.get("/events/stats.png?format=png")
    assert response.status_code == 422
    response = client.get("/events/stats", headers={"Accept": "application/xml"})
    assert response.status_code == 406
    assert response.content_type == "application/problem+json"


def test_stats_route_leaves_event_routes_alone(client, world):
    event = world["events"]["ceasefire"]
    assert client.get(f"/events/{event['id']}").get_json()["id"] == event["id"]
    assert client.get("/events/stats").status_code == 200
    assert client.get("/events/stats/").status_code == 404
    response = client.get("/events/stats")
    assert "ETag" in response.headers
    again = client.get(
        "/events/stats", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    assert json.loads(response.data)["interval"] == "month"


def test_an_actor_in_two_roles_counts_once_per_actor(client, make_actor, make_event):
    turkey = make_actor(name="Turkey", kind="state")
    make_event(
        date_start="2020-03-01",
        fatalities=3,
        actors=[
            {"actor_id": turkey["id"], "role": "initiator"},
            {"actor_id": turkey["id"], "role": "target"},
        ],
    )
    by_actor = stats(client, "interval=none&group_by=actor")["buckets"]
    assert [(b["actor_name"], b["events"], b["fatalities"]) for b in by_actor] == [
        ("Turkey", 1, 3)
    ]
    by_role = stats(client, "interval=none&group_by=actor&group_by=role")["buckets"]
    assert [(b["role"], b["events"]) for b in by_role] == [
        ("initiator", 1),
        ("target", 1),
    ]


def test_dates_at_the_ends_of_the_calendar(client, make_event):
    make_event(date_start="0001-01-01", fatalities=1)
    make_event(date_start="9999-12-31", fatalities=2)
    make_event(date_start="9999-12-01", date_precision="month")
    result = stats(client, "interval=year&date_from=9990-01-01")
    assert result["date_to"] == "9999-12-31"
    assert result["buckets"][-1] == {
        "period": "9999-01-01",
        "events": 2,
        "fatalities": 2,
        "fatalities_unknown": 1,
    }
    weekly = stats(client, "interval=week&date_from=9999-12-01")
    assert weekly["imprecise"][0]["last_period"] == "9999-12-27"
    for query in (
        "interval=year",
        "interval=day&date_from=9999-12-25",
        "interval=week&date_from=9999-01-01",
    ):
        response = client.get(f"/events/stats.png?{query}")
        assert response.status_code == 200, query
        assert response.data.startswith(PNG_SIGNATURE)


# Statistics on expressions are PostgreSQL's: SQLite has no planner estimate.
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
@pytest.mark.parametrize(
    ("interval", "level", "most"),
    [
        # At most 60 days' periods, where a planner without statistics
        # expects one group per event (3000); with the root code, those times
        # 3 roots, where it would take one per full code (83).
        ("week", None, 100),
        ("month", None, 100),
        ("year", None, 100),
        ("week", "root", 100),
        ("month", "root", 30),
        ("none", "root", 10),
    ],
)
def test_postgres_knows_how_few_groups_there_are(app, client, interval, level, most):
    """The planner's estimate of a series' groups comes from the statistics of
    migrations 009 (periods) and 010 (root codes), which match the grouped
    expressions only while both agree."""
    from api.db import db
    from api.services import event_codes, stats

    codes = sorted(c for c in event_codes.codebook() if c[:2] in ("02", "03", "08"))
    first = date(2020, 1, 1)
    for start in range(0, 3000, 1000):
        batch = [
            {
                "event_code": codes[i % len(codes)],
                "date_start": str(first + timedelta(i % 60)),
            }
            for i in range(start, start + 1000)
        ]
        response = client.post("/events/batch", json={"events": batch})
        assert response.status_code == 200, response.get_json()
    with app.app_context(), db.connection_context():
        db.execute_sql("ANALYZE event")
        columns, joins = stats.grouping(["event_code"] if level else [], None, level)
        query = stats.aggregate_query(interval, columns, joins, None, {})
        sql, params = query.sql()
        plan = db.execute_sql(f"EXPLAIN (FORMAT JSON) {sql}", params).fetchone()[0]
    assert plan[0]["Plan"]["Plan Rows"] <= most

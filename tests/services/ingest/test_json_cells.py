"""Dateline CSV imports refuse, by line and field, what a batch would refuse:
source_attributes no database keeps as written, and place chains past 10."""

import csv
import io
import json

import pytest

from tests.services.ingest.conftest import MAARAT_AL_NUMAN, counts, run_import

EVENT = {
    "source": "acled",
    "source_id": "SYR100001",
    "event_code": "195",
    "date_start": "2020-02-27",
    "source_attributes": {"event_type": "Explosions/Remote violence"},
    "location": {
        **MAARAT_AL_NUMAN,
        "parent": {"name": "Syria", "kind": "country", "country": "SYR"},
    },
}


@pytest.fixture
def exported_row(client) -> dict[str, str]:
    response = client.post("/events/batch", json={"events": [EVENT]})
    assert response.status_code == 200, response.get_json()
    text = client.get("/events/?format=csv").get_data(as_text=True)
    [row] = csv.DictReader(io.StringIO(text, newline=""))
    return row


def import_row(app, tmp_path, row: dict[str, str]):
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    path = tmp_path / "events.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return run_import(app, "dateline", path)


def _nested(levels: int) -> str:
    return "[" * levels + "1" + "]" * levels


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ('{"a": 123456789012345678901234567890}', "64 bits"),
        ('{"a": 9223372036854775808}', "64 bits"),
        ('{"a": ' + _nested(300) + "}", "nest at most 32 deep"),
        ('{"a": ' + _nested(32) + "}", "nest at most 32 deep"),
        ('{"a\\u0000": 1}', "NUL"),
    ],
)
def test_attributes_no_database_keeps_as_written_are_refused(
    app, exported_row, tmp_path, cell, words
):
    before = counts(app)

    report = import_row(app, tmp_path, {**exported_row, "source_attributes": cell})

    assert not report.committed
    [error] = report.errors
    assert (error["line"], error["field"]) == (2, "source_attributes")
    assert words in error["message"]
    assert counts(app) == before


def test_attributes_within_the_limits_are_imported_exactly(
    app, client, exported_row, tmp_path
):
    attributes = {"a": json.loads(_nested(31)), "id": 2**63 - 1, "n": "1" * 40}

    report = import_row(
        app, tmp_path, {**exported_row, "source_attributes": json.dumps(attributes)}
    )

    assert report.committed, report.errors
    [event] = client.get("/events/").get_json()
    assert event["source_attributes"] == attributes


def _parents(count: int) -> dict[str, str]:
    names = [f"Area {level}" for level in range(count)]
    return {
        "location_parents": "; ".join(names),
        "location_parent_kinds": "; ".join(["region"] * count),
        "location_parent_countries": "",
        "location_parent_latitudes": "",
        "location_parent_longitudes": "",
    }


def test_a_place_with_more_than_nine_parents_is_refused(app, exported_row, tmp_path):
    before = counts(app)

    report = import_row(app, tmp_path, {**exported_row, **_parents(10)})

    assert not report.committed
    assert [(e["line"], e["field"]) for e in report.errors] == [(2, "location_parents")]
    assert counts(app) == before


def test_a_place_with_nine_parents_is_imported(app, client, exported_row, tmp_path):
    report = import_row(app, tmp_path, {**exported_row, **_parents(9)})

    assert report.committed, report.errors
    [event] = client.get("/events/?include=location").get_json()
    assert len(event["location"]["ancestors"]) == 9

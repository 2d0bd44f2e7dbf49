"""Ingest fixtures: small real export files written under tmp_path, and counts.

The rows come from tests/services/ingest/fixtures (real rows; see SOURCES.md there).
Tests change them by column name and write them back in the format's layout.
"""

import csv
import io
from pathlib import Path

import pytest

from api.models import (
    Actor,
    Article,
    Event,
    EventActor,
    EventSource,
    Location,
)
from api.services.ingest import files as imports
from api.services.ingest.reading import Report

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = {
    "acled": FIXTURES / "acled_2022_sample.csv",
    "ucdp-ged": FIXTURES / "ucdp_ged231_sample.csv",
    "gdelt": FIXTURES / "gdelt2_events_sample.export.CSV",
}
# Each format's column that holds the record's id in its dataset.
ID_COLUMNS = {"acled": "event_id_cnty", "ucdp-ged": "id", "gdelt": "GLOBALEVENTID"}
GDELT_COLUMNS = (FIXTURES / "gdelt2_events_columns.txt").read_text().split()
# A place as batches and Dateline CSV name it inline; tests add its parents.
MAARAT_AL_NUMAN = {
    "name": "Maarat al-Numan",
    "kind": "city",
    "country": "SYR",
    "latitude": 35.6433,
    "longitude": 36.6756,
}


def sample_text(format_name: str) -> str:
    return SAMPLES[format_name].read_text(encoding="utf-8")


def sample_rows(format_name: str) -> list[dict[str, str]]:
    """The fixture rows of a format, as dicts by column name."""
    text = io.StringIO(sample_text(format_name), newline="")
    if format_name == "gdelt":
        reader = csv.DictReader(
            text, fieldnames=GDELT_COLUMNS, delimiter="\t", quoting=csv.QUOTE_NONE
        )
    else:
        reader = csv.DictReader(text)
    return list(reader)


def render(format_name: str, rows: list[dict[str, str]]) -> str:
    """Rows as the text of a file in the format's layout."""
    out = io.StringIO(newline="")
    if format_name == "gdelt":
        for row in rows:
            out.write("\t".join(row[name] for name in GDELT_COLUMNS) + "\n")
        return out.getvalue()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def with_changes(
    format_name: str, source_id: str, rows=None, **cells
) -> list[dict[str, str]]:
    """The rows (by default the sample's) with one row's cells changed."""
    rows = [dict(row) for row in (rows or sample_rows(format_name))]
    matches = [r for r in rows if r[ID_COLUMNS[format_name]] == source_id]
    assert len(matches) == 1, source_id
    matches[0].update(cells)
    return rows


@pytest.fixture
def export_file(tmp_path):
    """Write a file under tmp_path: rows by column name, text, or bytes.

    With neither rows nor content it is a copy of the format's sample.
    """

    def write(format_name, rows=None, content=None, name=None) -> Path:
        path = tmp_path / (name or SAMPLES[format_name].name)
        if content is None:
            content = (
                render(format_name, rows)
                if rows is not None
                else sample_text(format_name)
            )
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    return write


def run_import(app, format_name, path, **options) -> Report:
    with app.extensions["dateline_db"].connection_context():
        return imports.run_import(format_name, path, **options)


TABLES = {
    "events": Event,
    "actors": Actor,
    "locations": Location,
    "articles": Article,
    "event_actors": EventActor,
    "event_sources": EventSource,
}


def counts(app) -> dict[str, int]:
    with app.extensions["dateline_db"].connection_context():
        return {name: model.select().count() for name, model in TABLES.items()}


def events_by_source_id(app, source: str) -> dict[str, Event]:
    with app.extensions["dateline_db"].connection_context():
        return {e.source_id: e for e in Event.select().where(Event.source == source)}


def get_json(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def upload(client, format_name, content, filename="export.csv", **form):
    """POST /imports/ as a multipart form; the response."""
    data = {"format": format_name, **form}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    return client.post("/imports/", data=data, content_type="multipart/form-data")

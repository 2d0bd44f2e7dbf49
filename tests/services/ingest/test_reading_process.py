"""Large files are read by a second process while the first writes.

What that imports must be exactly what one process imports, and a reader
that fails must fail the import, not leave it waiting or half-written.
"""

import gc

import pytest

from api.models import Event, Location, Revision
from api.services.ingest import collector
from api.services.ingest import reading as import_reading
from tests.services.ingest.conftest import counts, run_import

FORMATS = ["acled", "ucdp-ged", "gdelt"]


def _place(location: Location | None) -> list:
    names = []
    while location is not None:
        names.append((location.kind, location.name, location.country))
        location = location.parent
    return names


def imported(app) -> dict:
    """Every event by identity, as a user sees it but for ids and times."""
    with app.extensions["dateline_db"].connection_context():
        events = {}
        for event in Event.select().order_by(Event.id):
            fields = {
                name: getattr(event, name)
                for name in (
                    "event_code",
                    "summary",
                    "date_start",
                    "date_end",
                    "date_precision",
                    "geo_precision",
                    "fatalities",
                    "fatalities_low",
                    "fatalities_high",
                    "source_attributes",
                    "source_file",
                )
            }
            fields["place"] = _place(event.location)
            fields["actors"] = [
                (link.actor.name, link.actor.kind, link.actor.country, link.role)
                for link in event.actor_links.order_by("position")
            ]
            fields["sources"] = [
                (link.article.url, link.quote)
                for link in event.source_links.order_by("position")
            ]
            events[(event.source, event.source_id)] = fields
        revisions = sorted(
            (r.record_type, r.action)
            for r in Revision.select(Revision.record_type, Revision.action)
        )
        return {"events": events, "revisions": revisions, "counts": counts(app)}


@pytest.mark.parametrize("format_name", FORMATS)
def test_read_elsewhere_imports_what_one_process_does(
    make_app, db_url, tmp_path, export_file, format_name
):
    path = export_file(format_name)
    alone = make_app()
    report = run_import(alone, format_name, path, parallel=False)
    expected = imported(alone)
    assert report.created == len(expected["events"]) > 0

    # A second empty database (PostgreSQL's is emptied by make_app).
    other = f"sqlite:///{tmp_path}/split.db" if db_url.startswith("sqlite") else db_url
    split = make_app(DATABASE_URL=other)
    assert imported(split)["counts"]["events"] == 0
    again = run_import(split, format_name, path, parallel=True)

    assert again.as_dict() == report.as_dict()
    assert imported(split) == expected


def test_read_elsewhere_reports_bad_rows_by_line(app, export_file):
    text = export_file("acled").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",", ",,", 1)
    path = export_file("acled", content="\n".join(text) + "\n")

    report = run_import(app, "acled", path, parallel=True)

    assert report.committed is False
    assert [(e["line"], e["field"]) for e in report.errors] == [(4, "_row")]
    assert counts(app)["events"] == 0


def test_a_reader_that_fails_fails_the_import(app, tmp_path):
    missing = tmp_path / "gone.csv"

    with pytest.raises(RuntimeError, match="reading process stopped"):
        run_import(app, "acled", missing, parallel=True)
    assert counts(app)["events"] == 0


def test_large_files_are_read_elsewhere(tmp_path, monkeypatch):
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_bytes(b"x" * 10)
    large.write_bytes(b"x" * 20)
    monkeypatch.setattr(import_reading, "PARALLEL_MIN_BYTES", 15)
    monkeypatch.setattr(import_reading.os, "cpu_count", lambda: 2)

    assert not import_reading.read_elsewhere(small, None)
    assert import_reading.read_elsewhere(large, None)
    assert not import_reading.read_elsewhere(large, False)
    monkeypatch.setattr(import_reading.os, "cpu_count", lambda: 1)
    assert not import_reading.read_elsewhere(large, None)


def test_an_import_spaces_collections_and_puts_the_thresholds_back(app, export_file):
    """The server's collector is left as it was, even by an import that fails."""
    before = gc.get_threshold()
    during = []

    run_import(
        app,
        "acled",
        export_file("acled"),
        progress=lambda _rows: during.append(gc.get_threshold()),
    )
    with pytest.raises(RuntimeError):
        run_import(
            app, "acled", export_file("acled").parent / "gone.csv", parallel=True
        )

    assert during and all(t[0] >= collector.IMPORT_THRESHOLD for t in during)
    assert gc.get_threshold() == before


def test_overlapping_imports_put_the_thresholds_back_when_the_last_ends():
    before = gc.get_threshold()
    first, second = collector.collecting_less_often(), collector.collecting_less_often()

    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] >= collector.IMPORT_THRESHOLD
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before

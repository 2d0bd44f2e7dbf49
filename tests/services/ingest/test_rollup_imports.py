"""The statistics roll-up follows imports (see tests/services/test_rollups.py)."""

import pytest

import peewee as pw

from tests.services.ingest.conftest import run_import
from tests.services.test_rollups import assert_same


def test_the_rollup_follows_imports(app, export_file, monkeypatch):
    if not isinstance(app.extensions["dateline_db"], pw.PostgresqlDatabase):
        pytest.skip("the roll-up is PostgreSQL's; SQLite counts from events")
    for format_name in ("acled", "ucdp-ged", "gdelt"):
        report = run_import(app, format_name, export_file(format_name))
        assert report.committed is True
    assert_same(app, monkeypatch)
    # Imported again, changed rows replace theirs: still the same.
    report = run_import(app, "acled", export_file("acled"))
    assert report.committed is True
    assert_same(app, monkeypatch)

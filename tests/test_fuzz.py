"""Contract fuzzing: schemathesis drives every operation of the published schema
against the app (example data loaded) and checks that no request gets a 500
and every response matches the documented schema. On SQLite, then on
PostgreSQL with fewer cases each: the databases refuse different values
(NUL, out-of-range numbers), and each refusal must be a 4xx on both."""

import os
import tempfile

import pytest
from hypothesis import HealthCheck, settings

import schemathesis
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
)

from api import create_app, migrate
from api.db import db
from api.services import examples, keys
from tests.conftest import REQUIRE_PG, SESSION_PG_URL
from tests.conftest import _empty as empty

# Every default check but positive_data_acceptance: a request can match the
# schema and still be wrong for the data (a reference to a record that does
# not exist, date_to before date_from), and those must be 422s.
MAX_EXAMPLES = int(os.environ.get("DATELINE_FUZZ_EXAMPLES", "25"))
# PostgreSQL's half draws fewer cases, so that it adds a quarter to the time, not
# as much again: the same code answers, only the database differs.
PG_EXAMPLES = int(os.environ.get("DATELINE_FUZZ_PG_EXAMPLES", "10"))
FUZZ_SETTINGS = {
    # The same cases on every run, so CI judges the code, not the draw; set
    # DATELINE_FUZZ_RANDOM=1 to explore new ones.
    "derandomize": os.environ.get("DATELINE_FUZZ_RANDOM") != "1",
    "deadline": None,
    "suppress_health_check": list(HealthCheck),
}


def _settings(folder) -> dict:
    return {
        "RATELIMIT_ENABLED": False,
        "DATELINE_IMPORTS_INLINE": True,
        "DATELINE_IMPORT_DIR": str(folder),
        # Oversized generated bodies must reach validation (422): schemathesis
        # does not count a 413 as rejecting invalid data.
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    }


def _load_examples(app):
    with app.extensions["dateline_db"].connection_context():
        examples.load()
        app.config["FUZZ_KEY"] = keys.create_key("fuzzer", ["admin"])[1]
    return app


def _app():
    folder = tempfile.mkdtemp(prefix="dateline-fuzz-")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder}/fuzz.db",
            **_settings(folder),
        }
    )
    migrate.upgrade(app.extensions["dateline_db"])
    return _load_examples(app)


APP = _app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


def _excluded(case) -> list:
    """The checks a case is not held to.

    A list's 200 names JSON as its media type; CSV, NDJSON and GeoJSON, asked
    for with ``format``, are described in ``x-export-content``, which
    schemathesis does not read.
    """
    excluded = [positive_data_acceptance]
    ok = case.operation.definition.raw["responses"].get("200", {})
    if "x-export-content" in ok and (case.query or {}).get("format", "json") != "json":
        excluded.append(content_type_conformance)
    return excluded


def _headers(key: str) -> dict:
    # The in-process transport does not decompress; compression has tests
    # of its own (tests/http/test_compression.py).
    return {"Authorization": f"Bearer {key}", "Accept-Encoding": "identity"}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, **FUZZ_SETTINGS)
def test_every_operation_keeps_its_contract(case):
    case.call_and_validate(
        headers=_headers(APP.config["FUZZ_KEY"]), excluded_checks=_excluded(case)
    )


# The same published schema, loaded again for a configuration of its own:
# PostgreSQL's half skips the coverage phase (boundary values of every
# parameter, three quarters of SQLite's time) and draws fewer cases.
pg_schema = schemathesis.openapi.from_wsgi(
    "/openapi.json",
    APP,
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}}),
)


@pytest.fixture(scope="module")
def postgres_app(pg_unreachable, tmp_path_factory):
    """One app on the session's PostgreSQL for the module, as SQLite's is."""
    if pg_unreachable:
        if REQUIRE_PG:
            pytest.fail(pg_unreachable)
        pytest.skip(pg_unreachable)
    folder = tmp_path_factory.mktemp("fuzz-postgres")
    app = create_app(
        {"TESTING": True, "DATABASE_URL": SESSION_PG_URL, **_settings(folder)}
    )
    empty(app.extensions["dateline_db"])
    yield _load_examples(app)
    app.extensions["dateline_db"].close_all()


@pg_schema.parametrize()
@settings(max_examples=PG_EXAMPLES, **FUZZ_SETTINGS)
def test_every_operation_keeps_its_contract_on_postgresql(case, postgres_app):
    case.call_and_validate(
        app=postgres_app,
        headers=_headers(postgres_app.config["FUZZ_KEY"]),
        excluded_checks=_excluded(case),
    )


@pytest.fixture(autouse=True)
def _own_database(request):
    # Apps of other tests point the shared database proxy elsewhere.
    app = APP
    if "postgres_app" in request.fixturenames:
        app = request.getfixturevalue("postgres_app")
    db.initialize(app.extensions["dateline_db"])
    yield
    app.extensions["dateline_db"].close_all()

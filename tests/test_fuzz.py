"""Contract fuzzing: schemathesis drives every operation of the published schema
against the app (SQLite, example data loaded) and checks that no request gets
a 500 and every response matches the documented schema."""

import os
import tempfile

import pytest
from hypothesis import HealthCheck, settings

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api import create_app, migrate
from api.db import db
from api.services import examples, keys

# Every default check but positive_data_acceptance: a request can match the
# schema and still be wrong for the data (a reference to a record that does
# not exist, date_to before date_from), and those must be 422s.
MAX_EXAMPLES = int(os.environ.get("DATELINE_FUZZ_EXAMPLES", "25"))


def _app():
    folder = tempfile.mkdtemp(prefix="dateline-fuzz-")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder}/fuzz.db",
            "RATELIMIT_ENABLED": False,
            "DATELINE_IMPORTS_INLINE": True,
            "DATELINE_IMPORT_DIR": folder,
            # Oversized generated bodies must reach validation (422): schemathesis
            # does not count a 413 as rejecting invalid data.
            "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        }
    )
    database = app.extensions["dateline_db"]
    migrate.upgrade(database)
    with database.connection_context():
        examples.load()
        app.config["FUZZ_KEY"] = keys.create_key("fuzzer", ["admin"])[1]
    return app


APP = _app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    # The same cases on every run, so CI judges the code, not the draw; set
    # DATELINE_FUZZ_RANDOM=1 to explore new ones.
    derandomize=os.environ.get("DATELINE_FUZZ_RANDOM") != "1",
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract(case):
    headers = {"Authorization": f"Bearer {APP.config['FUZZ_KEY']}"}
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])


@pytest.fixture(autouse=True)
def _own_database():
    # Apps of other tests point the shared database proxy elsewhere.
    db.initialize(APP.extensions["dateline_db"])
    yield
    APP.extensions["dateline_db"].close_all()

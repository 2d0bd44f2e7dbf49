"""Fixtures for integrity tests: a second writer, so that `by` tells keys apart;
and the fresh databases that live-server tests start their servers on."""

import os
from contextlib import contextmanager

import pytest

from tests.conftest import REQUIRE_PG, _pg_unreachable_reason, issue_key
from tests.integrity.live_db import (
    drop_postgres,
    postgres_database,
    prepare,
    sqlite_database,
)


@pytest.fixture
def editor(app):
    """A client with a write key named "editor", besides the admin `client`."""
    editor = app.test_client()
    key = issue_key(app, "editor", ["write"])
    editor.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return editor


@contextmanager
def live_database(kind: str, tmp_path_factory, name: str):
    """A migrated database of ``kind`` ("sqlite" or "postgres") with an admin
    key, in a folder or a schema named after ``name``; the schema is dropped
    after. Skips (or fails, if required) without PostgreSQL."""
    if kind == "sqlite":
        yield prepare(sqlite_database(tmp_path_factory.mktemp(name)))
        return
    reason = _pg_unreachable_reason()
    if reason is not None:
        if REQUIRE_PG:
            pytest.fail(reason)
        pytest.skip(reason)
    schema = f"dateline_{name}_{os.getpid()}"
    try:
        yield prepare(postgres_database(schema))
    finally:
        drop_postgres(schema)

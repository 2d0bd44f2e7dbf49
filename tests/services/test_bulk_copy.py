"""PostgreSQL's bulk COPY: binary where every value fits its column as it is,
text otherwise, and the same rows stored or the same error either way."""

from datetime import UTC, datetime

import pytest

import peewee as pw

from api.db import db
from api.services import bulk_sql

COLUMNS = ("record_type", "record_id", "action", "at", "by")
AT = datetime(2020, 3, 5, 12, 30)


def _rows(**over) -> list[tuple]:
    count = bulk_sql.COPY_MIN_ROWS
    rows = [("event", i, "create", AT, "copy-test") for i in range(1, count + 1)]
    for index, row in over.items():
        rows[int(index[1:])] = row
    return rows


def _stored() -> list[tuple]:
    return db.execute_sql(
        'SELECT record_type, record_id, action, at, "by" FROM revision '
        "WHERE \"by\" = 'copy-test' ORDER BY record_id"
    ).fetchall()


@pytest.mark.parametrize(
    "odd",
    [
        ("event", "7", "create", AT, "copy-test"),
        ("event", 7, "create", "2020-03-05 12:30:00", "copy-test"),
        ("event", 7, "create", AT.replace(tzinfo=UTC), "copy-test"),
    ],
    ids=["number-as-text", "timestamp-as-text", "aware-timestamp"],
)
def test_a_chunk_with_a_value_of_another_kind_is_stored_the_same(pg_app, odd):
    with pg_app.extensions["dateline_db"].connection_context():
        with db.atomic() as transaction:
            bulk_sql.insert_many("revision", COLUMNS, _rows(), plain=True)
            expected = _stored()
            transaction.rollback()
        with db.atomic() as transaction:
            bulk_sql.insert_many("revision", COLUMNS, _rows(r6=odd), plain=True)
            assert _stored() == expected
            transaction.rollback()


def test_a_number_too_large_for_its_column_is_refused_not_wrapped(pg_app):
    too_large = ("event", 2**32 + 7, "create", AT, "copy-test")
    with pg_app.extensions["dateline_db"].connection_context():
        with pytest.raises(pw.DataError, match="out of range"):
            with db.atomic():
                bulk_sql.insert_many(
                    "revision", COLUMNS, _rows(r0=too_large), plain=True
                )
        assert _stored() == []

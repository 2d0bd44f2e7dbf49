"""How PostgreSQL stores what we write (SQLite does not compress)."""

import pytest

from api.db import execute_prepared


@pytest.fixture
def db_url(postgres_url):
    return postgres_url


def test_long_texts_are_stored_with_lz4_on_postgresql(app, client, make_event):
    database = app.extensions["dateline_db"]
    with database.connection_context():
        has_lz4 = database.execute_sql(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
            "AND 'lz4' = ANY(enumvals)"
        ).fetchone()
    if not has_lz4:
        pytest.skip("This PostgreSQL server was built without lz4.")
    summary = "Shelling resumed south of the M4 after the ceasefire. " * 80
    event = make_event(summary=summary)
    # A change stores the creation's data (until then the event holds it).
    response = client.patch(f"/events/{event['id']}", json={"fatalities": 2})
    assert response.status_code == 200

    assert client.get(f"/events/{event['id']}").get_json()["summary"] == summary
    with database.connection_context():
        methods = database.execute_sql(
            "SELECT pg_column_compression(e.summary), pg_column_compression(r.data) "
            "FROM event e JOIN revision r ON r.record_type = 'event' "
            "AND r.record_id = e.id WHERE e.id = %s ORDER BY r.id",
            (event["id"],),
        ).fetchall()
    assert methods == [("lz4", "lz4"), ("lz4", "lz4")]


def test_only_the_per_request_reads_are_prepared_and_nothing_is_jit_compiled(app):
    # Statements psycopg prepared on its own fell to generic plans, blind to
    # the values, and JIT compiled costly-looking plans for longer than they
    # ran: each made some reads of a large table many times slower. The
    # URL's own options (the tests' search_path) still apply.
    database = app.extensions["dateline_db"]
    with database.connection_context():
        for number in range(8):
            execute_prepared(database, "SELECT %s::int + 1", (number,)).fetchall()
            database.execute_sql("SELECT %s::int + 2", (number,)).fetchall()
        prepared = [
            statement
            for (statement,) in database.execute_sql(
                "SELECT statement FROM pg_prepared_statements"
            ).fetchall()
        ]
        (jit,) = database.execute_sql("SHOW jit").fetchone()
        (schema,) = database.execute_sql("SELECT current_schema()").fetchone()
    assert "SELECT $1::int + 1" in prepared
    assert not [p for p in prepared if "+ 2" in p]
    assert jit == "off"
    assert schema.startswith("dateline_test_")

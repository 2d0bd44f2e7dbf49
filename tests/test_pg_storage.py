"""How PostgreSQL stores what we write (SQLite does not compress)."""

import pytest


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


def test_each_statement_is_planned_for_its_values_without_jit(app):
    # Generic plans of prepared statements, blind to the values, and JIT
    # compilation each made some reads of a large table hundreds of times
    # slower; the URL's own options (the tests' search_path) still apply.
    database = app.extensions["dateline_db"]
    with database.connection_context():
        settings = dict(
            database.execute_sql(
                "SELECT name, setting FROM pg_settings "
                "WHERE name IN ('plan_cache_mode', 'jit')"
            ).fetchall()
        )
        (schema,) = database.execute_sql("SELECT current_schema()").fetchone()
    assert settings == {"plan_cache_mode": "force_custom_plan", "jit": "off"}
    assert schema.startswith("dateline_test_")

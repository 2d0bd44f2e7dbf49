"""Migrations build the same schema the models describe, on both databases."""

import peewee as pw

from api import migrate
from api.db import open_database
from api.models import MODELS
from tests.conftest import drop_everything

# Columns the database computes, which no model writes.
GENERATED = {"event": {"span_days"}}


def test_migrations_match_models(db_url):
    database = open_database(db_url)
    try:
        drop_everything(database)
        applied = migrate.upgrade(database)
        assert applied, "no migration ran on an empty database"
        assert migrate.pending(database) == []
        assert migrate.upgrade(database) == []

        with database.connection_context():
            for model in MODELS:
                table = model._meta.table_name
                columns = {c.name for c in database.get_columns(table)}
                columns -= GENERATED.get(table, set())
                expected = {f.column_name for f in model._meta.sorted_fields}
                assert columns == expected, table
                indexed = {tuple(i.columns) for i in database.get_indexes(table)}
                for fields, _unique in model._meta.indexes:
                    wanted = tuple(model._meta.fields[f].column_name for f in fields)
                    assert wanted in indexed, (table, wanted)
    finally:
        if isinstance(database, pw.PostgresqlDatabase):
            # Leave the schema the rest of the session expects.
            drop_everything(database)
            migrate.upgrade(database)
        database.close_all()

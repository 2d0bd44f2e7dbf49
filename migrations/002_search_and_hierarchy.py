"""Place hierarchy as a closure table; full-text indexes for events and articles.

SQLite gets FTS5 tables (diacritics folded); PostgreSQL gets tsvector tables
with GIN indexes. The services keep both up to date on every write.
"""

import peewee as pw
from peewee_migrate import Migrator

SQLITE = [
    "CREATE VIRTUAL TABLE event_text USING fts5("
    "summary, quotes, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE article_text USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
POSTGRES = [
    "CREATE TABLE event_text (event_id INTEGER PRIMARY KEY "
    "REFERENCES event (id) ON DELETE CASCADE, document TSVECTOR NOT NULL)",
    "CREATE INDEX event_text_document ON event_text USING GIN (document)",
    "CREATE TABLE article_text (article_id INTEGER PRIMARY KEY "
    "REFERENCES article (id) ON DELETE CASCADE, document TSVECTOR NOT NULL)",
    "CREATE INDEX article_text_document ON article_text USING GIN (document)",
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class LocationAncestor(pw.Model):
        location = pw.ForeignKeyField(
            column_name="location_id",
            field="id",
            model=migrator.orm["location"],
            on_delete="CASCADE",
        )
        ancestor = pw.ForeignKeyField(
            column_name="ancestor_id",
            field="id",
            model=migrator.orm["location"],
            on_delete="CASCADE",
            index=True,
        )
        depth = pw.IntegerField()

        class Meta:
            table_name = "location_ancestor"
            primary_key = pw.CompositeKey("location", "ancestor")

    statements = POSTGRES if isinstance(database, pw.PostgresqlDatabase) else SQLITE
    for statement in statements:
        migrator.sql(statement)
    migrator.run(_backfill, database)


def _backfill(database):
    from api.models import MODELS
    from api.models.search import SEARCH_MODELS
    from api.services import hierarchy, search

    with database.bind_ctx(MODELS + SEARCH_MODELS):
        hierarchy.rebuild()
        search.rebuild()


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql("DROP TABLE IF EXISTS event_text")
    migrator.sql("DROP TABLE IF EXISTS article_text")
    migrator.remove_model("location_ancestor")

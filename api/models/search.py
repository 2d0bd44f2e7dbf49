"""The full-text tables: FTS5 on SQLite, tsvector on PostgreSQL (see migration 002).

They are created by migrations, not by ``create_tables``: their DDL differs by
database. The rowid / primary key is the id of the indexed event or article.
"""

import peewee as pw
from playhouse.postgres_ext import TSVectorField
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField

from api.db import db


class EventTextFts(FTS5Model):
    rowid = RowIDField()
    summary = SearchField()
    quotes = SearchField()

    class Meta:
        database = db
        table_name = "event_text"


class ArticleTextFts(FTS5Model):
    rowid = RowIDField()
    title = SearchField()
    body = SearchField()

    class Meta:
        database = db
        table_name = "article_text"


class EventTextPg(pw.Model):
    event_id = pw.IntegerField(primary_key=True)
    document = TSVectorField()

    class Meta:
        database = db
        table_name = "event_text"


class ArticleTextPg(pw.Model):
    article_id = pw.IntegerField(primary_key=True)
    document = TSVectorField()

    class Meta:
        database = db
        table_name = "article_text"


SEARCH_MODELS = [EventTextFts, ArticleTextFts, EventTextPg, ArticleTextPg]

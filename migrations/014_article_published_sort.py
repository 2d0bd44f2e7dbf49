"""An index that lists articles newest first: a text search's default order.

Articles sort by publication time with the undated as the oldest, an
expression (``COALESCE(published_at, '0001-01-01 00:00:00')``) that the
plain ``published_at`` index does not serve: a search for a common word
fetched and sorted every match to find the newest 25. With the expression
and the id in one index, a page is a walk down it, each article checked
against the search until the page is full.
"""

import peewee as pw
from peewee_migrate import Migrator

INDEX = (
    "CREATE INDEX IF NOT EXISTS article_published_at_sort ON article "
    "(COALESCE(published_at, '0001-01-01 00:00:00'{cast}), id)"
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    postgres = isinstance(database, pw.PostgresqlDatabase)
    migrator.sql(INDEX.format(cast="::timestamp" if postgres else ""))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql("DROP INDEX IF EXISTS article_published_at_sort")

"""Full-text search: SQLite FTS5 or PostgreSQL tsvector, behind one interface.

Events are searched by summary and quotes, articles by title and body. The
text tables are written here on every record write, in the caller's
transaction, so a search never sees a half-written record.
"""

import peewee as pw
from playhouse.fts_parser import parse as fts5_query

from api.models import Article, Event, EventSource

# 'simple' keeps words as written (no stemming): the corpus is many languages.
PG_CONFIG = "simple"
# Each text table and the column (PostgreSQL) that names the indexed record.
KEYS = {"event_text": "event_id", "article_text": "article_id"}


def _database() -> pw.Database:
    # The records' own database, which migrations rebind to the one they upgrade.
    return Event._meta.database


def _is_postgres() -> bool:
    database = _database()
    database = getattr(database, "obj", database)
    return isinstance(database, pw.PostgresqlDatabase)


def _write(table: str, key: int, columns: dict[str, str]) -> None:
    database = _database()
    if _is_postgres():
        text = " ".join(v for v in columns.values() if v)
        database.execute_sql(
            f"INSERT INTO {table} ({KEYS[table]}, document) "
            f"VALUES (%s, to_tsvector('{PG_CONFIG}', %s)) "
            f"ON CONFLICT ({KEYS[table]}) "
            "DO UPDATE SET document = EXCLUDED.document",
            (key, text),
        )
    else:
        database.execute_sql(f"DELETE FROM {table} WHERE rowid = ?", (key,))
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        database.execute_sql(
            f"INSERT INTO {table} (rowid, {names}) VALUES (?, {marks})",
            (key, *[v or "" for v in columns.values()]),
        )


def _remove(table: str, key: int) -> None:
    if _is_postgres():
        _database().execute_sql(f"DELETE FROM {table} WHERE {KEYS[table]} = %s", (key,))
    else:
        _database().execute_sql(f"DELETE FROM {table} WHERE rowid = ?", (key,))


def index_event(event_id: int) -> None:
    summary = Event.select(Event.summary).where(Event.id == event_id).scalar()
    quotes = [
        q
        for (q,) in EventSource.select(EventSource.quote)
        .where(EventSource.event == event_id)
        .tuples()
        if q
    ]
    _write("event_text", event_id, {"summary": summary, "quotes": "\n".join(quotes)})


def index_events(event_ids) -> None:
    for event_id in event_ids:
        index_event(event_id)


def unindex_event(event_id: int) -> None:
    _remove("event_text", event_id)


def index_article(article: Article) -> None:
    _write("article_text", article.id, {"title": article.title, "body": article.body})


def unindex_article(article_id: int) -> None:
    _remove("article_text", article_id)


def matching(table: str, query: str):
    """SQL (text, params) selecting the ids of records whose text matches ``query``."""
    if _is_postgres():
        return (
            f"SELECT {KEYS[table]} FROM {table} "
            f"WHERE document @@ websearch_to_tsquery('{PG_CONFIG}', %s)",
            (query,),
        )
    return (f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (fts5_query(query),))


def ranked(table: str, query: str):
    """SQL (text, params) of (id, rank) pairs, best match first."""
    if _is_postgres():
        return (
            f"SELECT {KEYS[table]}, ts_rank(document, "
            f"websearch_to_tsquery('{PG_CONFIG}', %s)) AS score FROM {table} "
            f"WHERE document @@ websearch_to_tsquery('{PG_CONFIG}', %s)",
            (query, query),
        )
    return (
        f"SELECT rowid, -bm25({table}) AS score FROM {table} WHERE {table} MATCH ?",
        (fts5_query(query),),
    )


def rebuild() -> None:
    """Index every event and article again (for migrations and repairs)."""
    for (event_id,) in Event.select(Event.id).tuples():
        index_event(event_id)
    for article in Article.select(Article.id, Article.title, Article.body):
        index_article(article)

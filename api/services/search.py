"""Full-text search over SQLite FTS5 or PostgreSQL tsvector, behind one interface.

Events are searched by summary and quotes, articles by title and body. The
text tables are written here on every record write, inside the caller's
transaction, so a search never sees a half-written record.
"""

from dataclasses import dataclass

import peewee as pw
from playhouse.fts_parser import parse as fts5_query

from api.models import Article, Event, EventSource
from api.models.search import ArticleTextFts, ArticleTextPg, EventTextFts, EventTextPg
from api.services import bulk_sql

# Texts are indexed, and searches read, by English word stems, so `attack`
# finds attacked: the summaries and quotes of every dataset we take are in
# English, as most articles are. Words of other languages go through the
# same rules, which leave most of them as written, on both sides alike.
# (One configuration for all: a search combining two missed its exclusions,
# `-word` in one reading matching the other's form.)
PG_CONFIG = "english"


def _pg_query(query: str) -> pw.Node:
    return pw.fn.websearch_to_tsquery(PG_CONFIG, query)


@dataclass(frozen=True)
class _Index:
    fts: type[pw.Model]
    pg: type[pw.Model]
    pg_key: str


EVENTS = _Index(EventTextFts, EventTextPg, "event_id")
ARTICLES = _Index(ArticleTextFts, ArticleTextPg, "article_id")


def _on_postgres() -> bool:
    database = Event._meta.database
    return isinstance(getattr(database, "obj", database), pw.PostgresqlDatabase)


def _write(index: _Index, key: int, columns: dict[str, str | None]) -> None:
    if _on_postgres():
        text = "\n".join(v for v in columns.values() if v)
        vector = pw.fn.to_tsvector(PG_CONFIG, text)
        index.pg.insert({index.pg_key: key, "document": vector}).on_conflict(
            conflict_target=[getattr(index.pg, index.pg_key)],
            update={index.pg.document: vector},
        ).execute()
    else:
        index.fts.delete().where(index.fts.rowid == key).execute()
        index.fts.insert(
            rowid=key, **{k: v or "" for k, v in columns.items()}
        ).execute()


def _remove(index: _Index, key: int) -> None:
    if _on_postgres():
        index.pg.delete().where(getattr(index.pg, index.pg_key) == key).execute()
    else:
        index.fts.delete().where(index.fts.rowid == key).execute()


def index_event(event_id: int) -> None:
    summary = Event.select(Event.summary).where(Event.id == event_id).scalar()
    quotes = EventSource.select(EventSource.quote).where(
        (EventSource.event == event_id) & EventSource.quote.is_null(False)
    )
    text = "\n".join(q for (q,) in quotes.tuples())
    _write(EVENTS, event_id, {"summary": summary, "quotes": text})


def index_texts(
    texts: dict[int, tuple[str | None, str]], replacing: list[int] | None = None
) -> None:
    """Index events from their text at hand: {event_id: (summary, quotes)}.

    ``replacing`` names the events indexed before (all of them when None);
    new ones have nothing to remove.
    """
    if not texts:
        return
    if _on_postgres():
        # One statement over two arrays: executemany costs PostgreSQL a bind
        # and an execution per event, an overhead that rivalled the parsing.
        # New events cannot conflict, and ON CONFLICT costs every row a
        # speculative insertion.
        old = set(texts) if replacing is None else set(replacing) & set(texts)
        new = [i for i in texts if i not in old]
        for ids, upsert in ((new, False), (sorted(old), True)):
            if ids:
                _index_on_postgres(texts, ids, upsert)
    else:
        ids = list(texts) if replacing is None else replacing
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ", ".join("?" for _ in part)
            bulk_sql.db.execute_sql(
                f"DELETE FROM event_text WHERE rowid IN ({marks})", part
            )
        bulk_sql.insert_many(
            "event_text",
            ("rowid", "summary", "quotes"),
            [(i, s or "", q) for i, (s, q) in texts.items()],
            plain=True,
        )


def _index_on_postgres(texts: dict, ids, upsert: bool) -> None:
    ids = list(ids)
    documents = [f"{texts[i][0] or ''}\n{texts[i][1]}" for i in ids]
    joined = bulk_sql.joined_texts(documents)
    if joined is None:
        rows = "%s::integer[], %s::text[]"
        params = (ids, documents)
    else:
        split = bulk_sql.SPLIT_TEXTS.replace("?", "%s")
        rows = f"string_to_array(%s, ',')::integer[], {split}"
        params = (",".join(map(str, ids)), joined)
    sql = (
        "INSERT INTO event_text (event_id, document) "
        f"SELECT i, to_tsvector('{PG_CONFIG}', t) FROM unnest({rows}) AS u(i, t)"
    )
    if upsert:
        sql += " ON CONFLICT (event_id) DO UPDATE SET document = EXCLUDED.document"
    with bulk_sql.driver_errors():
        bulk_sql.db.cursor().execute(sql, params)


def unindex_event(event_id: int) -> None:
    _remove(EVENTS, event_id)


def index_article(article: Article) -> None:
    _write(ARTICLES, article.id, {"title": article.title, "body": article.body})


def unindex_article(article_id: int) -> None:
    _remove(ARTICLES, article_id)


def _matches(index: _Index, query: str, ranked: bool) -> pw.ModelSelect:
    """The ids of the records matching ``query``, with their ``score`` (higher
    ranks first) when ``ranked``: scoring reads every match's text, which is
    what made a common word slow in a large table."""
    if _on_postgres():
        key = getattr(index.pg, index.pg_key)
        columns = [key.alias("id")]
        tsquery = _pg_query(query)
        if ranked:
            columns.append(pw.fn.ts_rank(index.pg.document, tsquery).alias("score"))
        return index.pg.select(*columns).where(
            pw.Expression(index.pg.document, "@@", tsquery)
        )
    columns = [index.fts.rowid.alias("id")]
    if ranked:
        columns.append((0 - index.fts.bm25()).alias("score"))
    return index.fts.select(*columns).where(index.fts.match(fts5_query(query)))


def matching_events(query: str, ranked: bool = False) -> pw.ModelSelect:
    return _matches(EVENTS, query, ranked)


def matching_articles(query: str, ranked: bool = False) -> pw.ModelSelect:
    return _matches(ARTICLES, query, ranked)


REINDEX_EVENTS = f"""
UPDATE event_text AS t
SET document = to_tsvector('{PG_CONFIG}', concat_ws(E'\\n', e.summary, q.quotes))
FROM event AS e
LEFT JOIN LATERAL (
    SELECT string_agg(s.quote, E'\\n' ORDER BY s.position, s.id) AS quotes
    FROM event_source AS s WHERE s.event_id = e.id AND s.quote IS NOT NULL
) AS q ON true
WHERE t.event_id = e.id AND e.id >= %s AND e.id < %s
"""
REINDEX_ARTICLES = f"""
UPDATE article_text AS t
SET document = to_tsvector('{PG_CONFIG}', concat_ws(E'\\n', a.title, a.body))
FROM article AS a
WHERE t.article_id = a.id AND a.id >= %s AND a.id < %s
"""


def reindex(batch: int = 50_000, progress=None) -> dict[str, int]:
    """Index every text again as it is indexed now, ``batch`` ids per
    transaction (PostgreSQL; SQLite's tables are rebuilt by migration 016).

    Until it has run, documents written before stemming are found only by
    the words whose stem is the word itself; each batch commits, so no lock
    is held for long, and an interrupted run may simply be started again.
    """
    done = {"events": 0, "articles": 0}
    if not _on_postgres():
        return done
    for name, model, sql in (
        ("events", Event, REINDEX_EVENTS),
        ("articles", Article, REINDEX_ARTICLES),
    ):
        last = model.select(pw.fn.MAX(model.id)).scalar() or 0
        for start in range(1, last + 1, batch):
            with bulk_sql.db.atomic():
                cursor = bulk_sql.db.execute_sql(sql, (start, start + batch))
            done[name] += cursor.rowcount
            if progress:
                progress(name, min(start + batch - 1, last), last)
    return done


def rebuild() -> None:
    """Index every event and article again (for migrations and repairs)."""
    for (event_id,) in Event.select(Event.id).tuples():
        index_event(event_id)
    for article in Article.select(Article.id, Article.title, Article.body):
        index_article(article)

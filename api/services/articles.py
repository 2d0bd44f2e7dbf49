"""Articles: queries and writes."""

import peewee as pw

from api.db import db
from api.models import Article, Event, EventSource, Location
from api.services import history, search
from api.services.common import apply, check_reference, get_or_404, raise_if
from api.services.errors import Conflict
from api.services.listing import (
    Listing,
    SortKey,
    key,
    parse_sort,
    ranked_sort,
    to_datetime,
)

FIELDS = (
    "url",
    "title",
    "body",
    "outlet",
    "wire_agency",
    "dateline_location_id",
    "published_at",
    "language",
)
UNDATED = "0001-01-01 00:00:00"
SORTS = {
    "id": key(Article.id, int),
    # Undated articles sort as the oldest. The literal is written out: an
    # index on the expression (migration 014) serves only this spelling.
    "published_at": SortKey(
        "published_at",
        pw.fn.COALESCE(Article.published_at, pw.SQL(f"'{UNDATED}'")),
        to_datetime,
        UNDATED,
    ),
    "title": key(Article.title),
    "created_at": key(Article.created_at, to_datetime),
    "updated_at": key(Article.updated_at, to_datetime),
}


def list_articles(
    outlet=None,
    wire_agency=None,
    language=None,
    dateline_location_id=None,
    published_at_min=None,
    published_at_max=None,
    event_id=None,
    q=None,
    updated_since=None,
    sort=None,
    fields=None,
    cursor=None,
) -> Listing:
    query = Article.select()
    if updated_since is not None:
        query = query.where(Article.updated_at >= updated_since)
    if outlet:
        query = query.where(Article.outlet.in_(outlet))
    if wire_agency:
        query = query.where(Article.wire_agency.in_(wire_agency))
    if language:
        query = query.where(Article.language.in_(language))
    if dateline_location_id is not None:
        query = query.where(Article.dateline_location == dateline_location_id)
    if published_at_min is not None:
        query = query.where(Article.published_at >= published_at_min)
    if published_at_max is not None:
        query = query.where(Article.published_at <= published_at_max)
    if event_id is not None:
        reporting = EventSource.select(EventSource.article).where(
            EventSource.event == event_id
        )
        query = query.where(Article.id.in_(reporting))
    ranked, sort = ranked_sort(sort)
    if sort is None:
        # What the filters read in index order (see event_queries.default_sort).
        sort = (
            "updated_at"
            if updated_since is not None
            else "-published_at"
            if q
            else "id"
        )
    order = parse_sort(sort, SORTS)
    if q:
        matches = search.matching_articles(q, ranked).alias("text_match")
        query = query.join(matches, on=(Article.id == matches.c.id))
        if ranked:
            order = [(SortKey("score", matches.c.score), True), *order]
    return Listing(query, order, fields=fields, cursor=cursor)


def get_article(article_id: int, lock=False) -> Article:
    return get_or_404(Article, article_id, lock=lock)


def _check_url_free(url: str, article_id: int | None):
    clash = Article.get_or_none(
        (Article.url == url) & (Article.id != (article_id or 0))
    )
    if clash is not None:
        raise Conflict(
            f"An article with this URL already exists (id {clash.id}).",
            {"url": [f"Already used by article {clash.id}."]},
        )


def _save(article: Article, data: dict) -> Article:
    action = "create" if article.id is None else "update"
    before = None if article.id is None else history.snapshot(article)
    apply(article, data, FIELDS)
    errors = {}
    check_reference(
        errors,
        "dateline_location_id",
        Location,
        article.dateline_location_id,
        "Location",
    )
    raise_if(errors)
    _check_url_free(article.url, article.id)
    if before is not None and history.unchanged(before, article):
        return article
    article.touch()
    article.save()
    search.index_article(article)
    history.record(article, action, before)
    return article


def create_article(data: dict) -> Article:
    with db.atomic():
        return _save(Article(), data)


def update_article(article_id: int, data: dict, precondition=None) -> Article:
    """Change the given fields (all of them for a PUT) and keep the others.

    ``precondition(current)`` runs inside the transaction before any change.
    """
    with db.atomic():
        article = get_article(article_id, lock=True)
        if precondition:
            precondition(article)
        return _save(article, data)


def delete_article(article_id: int, force: bool = False, precondition=None):
    with db.atomic():
        article = get_article(article_id, lock=True)
        if precondition:
            precondition(article)
        links = EventSource.select().where(EventSource.article == article)
        count = links.count()
        if count and not force:
            raise Conflict(
                f"Article {article_id} is a source of {count} event(s). Remove it "
                "from them first, or delete with force=true to drop those links."
            )
        reporting = [e for (e,) in links.select(EventSource.event).distinct().tuples()]
        done = history.updating(Event, reporting)
        Event.update(Event.touched()).where(Event.id.in_(reporting)).execute()
        EventSource.delete().where(EventSource.article == article).execute()
        done()
        before = history.snapshot(article)
        article.delete_instance()
        history.record(article, "delete", before)
        search.unindex_article(article_id)
        for event_id in reporting:
            search.index_event(event_id)

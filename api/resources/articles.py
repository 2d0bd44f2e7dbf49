"""HTTP endpoints for articles and the events they report."""

from flask.views import MethodView

from api.http.export.negotiation import ARTICLES, EVENTS, exportable
from api.http.paging import PeeweePage
from api.resources.blueprint import (
    BAD_REQUEST,
    NOT_FOUND,
    REFERENCED,
    URL_TAKEN,
    Blueprint,
)
from api.resources.history_routes import add_history
from api.services import articles, event_queries
from schemas.articles import (
    ArticlePatchSchema,
    ArticleQueryArgsSchema,
    ArticleSchema,
    ArticleWriteSchema,
)
from schemas.common import DeleteArgsSchema
from schemas.events import ArticleEventQueryArgsSchema, EventSchema

blp = Blueprint(
    "Articles",
    __name__,
    url_prefix="/articles",
    description="News articles: the source text and its metadata.",
)

EXAMPLE = {
    "url": "https://www.urdupoint.com/en/world/nato-notices-decrease-in-violence-"
    "in-syrias-idlib-860425.html",
    "title": "NATO Notices Decrease In Violence In Syria's Idlib Since "
    "Putin-Erdogan Talks - Stoltenberg",
    "body": "NATO has noticed a decrease in violence in the Syrian province ...",
    "outlet": "Pakistan Point News",
    "wire_agency": "Sputnik",
    "dateline_location_id": 12,
    "published_at": "2020-03-09T15:42:00+05:00",
    "language": "en",
}


@blp.route("", strict_slashes=False)
class Articles(MethodView):
    @blp.etag
    @blp.arguments(ArticleQueryArgsSchema, location="query")
    @exportable(blp, ARTICLES)
    @blp.response(200, ArticleSchema(many=True))
    @blp.paginate(PeeweePage)
    def get(self, filters):
        """List articles

        The articles that match every filter given, a page at a time with the totals in
        X-Pagination, or in a cursor scan (`cursor`) that stays correct while articles
        are added. With `format`, the same articles as a file (see the 200 response).
        """
        return articles.list_articles(**filters)

    @blp.etag
    @blp.arguments(ArticleWriteSchema, example=EXAMPLE)
    @blp.response(201, ArticleSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(409, **URL_TAKEN)
    def post(self, data):
        """Create an article

        Stores an article and answers it with its id and ETag. Its URL must not be
        taken: a second article with the same URL is a 409 naming the first.
        """
        return articles.create_article(data)


@blp.route("/<int:article_id>")
class ArticleById(MethodView):
    @blp.etag
    @blp.response(200, ArticleSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, article_id):
        """Get an article

        One article, body included, with its ETag: sent back in If-None-Match, it gets a
        304 while the article is unchanged. A deleted article is a 404 that says when it
        was deleted.
        """
        return articles.get_article(article_id)

    @blp.etag
    @blp.arguments(ArticleWriteSchema, example=EXAMPLE)
    @blp.response(200, ArticleSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(409, **URL_TAKEN)
    def put(self, data, article_id):
        """Replace an article

        Sets every field: one left out takes its default (null where it is optional).
        With If-Match, the write applies only if the article is still at that ETag, else
        412.
        """
        return articles.update_article(
            article_id, data, blp.precondition(ArticleSchema)
        )

    @blp.etag
    @blp.arguments(ArticlePatchSchema, example={"language": "en"})
    @blp.response(200, ArticleSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(409, **URL_TAKEN)
    def patch(self, data, article_id):
        """Change some fields of an article

        Changes the fields sent and leaves the others as they are. With If-Match, the
        write applies only if the article is still at that ETag, else 412.
        """
        return articles.update_article(
            article_id, data, blp.precondition(ArticleSchema)
        )

    @blp.etag
    @blp.arguments(DeleteArgsSchema, location="query")
    @blp.response(204)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(409, **REFERENCED)
    def delete(self, args, article_id):
        """Delete an article

        Deletes the article; its history and the change feed keep the deletion. An
        article that events cite as a source is a 409 unless `force=true`, which drops
        those citations.
        """
        articles.delete_article(
            article_id, args["force"], blp.precondition(ArticleSchema)
        )


@blp.route("/<int:article_id>/events")
class ArticleEvents(MethodView):
    @blp.etag
    @blp.arguments(ArticleEventQueryArgsSchema, location="query")
    @exportable(blp, EVENTS)
    @blp.response(200, EventSchema(many=True))
    @blp.alt_response(404, **NOT_FOUND)
    @blp.paginate(PeeweePage)
    def get(self, filters, article_id):
        """List the events an article reports

        The events that cite this article as a source, filtered, paged and exported as
        GET /events does.
        """
        articles.get_article(article_id)
        filters["article_id"] = article_id
        return event_queries.list_events(**filters)


add_history(blp, "article", "Article")

"""HTTP endpoints for events, their actors and their sources."""

from flask.views import MethodView

from api.http.export.negotiation import EVENTS, exportable
from api.http.paging import PeeweePage
from api.resources.blueprint import BAD_REQUEST, NOT_FOUND, Blueprint
from api.resources.history_routes import add_history
from api.services import event_queries, events
from api.services.listing import project
from schemas.events import (
    EventActorDetailSchema,
    EventPatchSchema,
    EventQueryArgsSchema,
    EventSchema,
    EventShapeArgsSchema,
    EventSourceDetailSchema,
    EventWriteSchema,
)

blp = Blueprint(
    "Events",
    __name__,
    url_prefix="/events",
    description="What happened: a CAMEO-coded event, dated and placed, with its "
    "actors in roles and the articles that report it. An event and its links are "
    "written together or not at all.",
)

EXAMPLE = {
    "event_code": "057",
    "summary": "Russia and Turkey agree a ceasefire in Idlib from midnight.",
    "date_start": "2020-03-05",
    "date_precision": "day",
    "location_id": 3,
    "geo_precision": "admin1",
    "fatalities": 0,
    "actors": [
        {"actor_id": 1, "role": "initiator"},
        {"actor_id": 2, "role": "initiator"},
    ],
    "sources": [
        {
            "article_id": 1,
            "quote": "A joint document was adopted with both sides agreeing on a "
            "ceasefire to commence at midnight on the same day.",
        }
    ],
}


@blp.route("", strict_slashes=False)
class Events(MethodView):
    @blp.etag
    @blp.arguments(EventQueryArgsSchema, location="query")
    @exportable(blp, EVENTS)
    @blp.response(200, EventSchema(many=True))
    @blp.paginate(PeeweePage)
    def get(self, filters):
        """List events

        The events that match every filter given, a page at a time with the totals in
        X-Pagination, or in a cursor scan (`cursor`) that stays correct while events are
        added. `include` embeds the linked actors, articles and place, and `fields`
        trims each record. With `format`, the same events as a file (see the 200
        response).
        """
        return event_queries.list_events(**filters)

    @blp.etag
    @blp.arguments(EventWriteSchema, example=EXAMPLE)
    @blp.response(201, EventSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    def post(self, data):
        """Create an event with its actors and sources

        Stores an event, its actor links (each in a role) and its sources (an article
        each, with the quote that supports the event) in one transaction. A link to an
        actor or article that does not exist is a 422 and nothing is written.
        `date_end`, when left out, follows from `date_start` and `date_precision`.
        """
        return events.create_event(data)


@blp.route("/<int:event_id>")
class EventById(MethodView):
    @blp.etag
    @blp.arguments(EventShapeArgsSchema, location="query")
    @blp.response(200, EventSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, shape, event_id):
        """Get an event

        One event with its actor links and sources, and its ETag: sent back in
        If-None-Match, it gets a 304 while the event is unchanged. `include` embeds the
        linked records and `fields` trims the answer. A deleted event is a 404 that says
        when.
        """
        event = events.get_event(event_id, shape.get("include", ()))
        return project(event, shape.get("fields"), {"location": "place"})

    @blp.etag
    @blp.arguments(EventWriteSchema, example=EXAMPLE)
    @blp.response(200, EventSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(404, **NOT_FOUND)
    def put(self, data, event_id):
        """Replace an event and its links

        Sets every field and replaces the actor links and sources with those sent (none
        when left out); other fields left out take their defaults. With If-Match, the
        write applies only if the event is still at that ETag, else 412.
        """
        return events.update_event(event_id, data, blp.precondition(EventSchema))

    @blp.etag
    @blp.arguments(EventPatchSchema, example={"fatalities": 34})
    @blp.response(200, EventSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(404, **NOT_FOUND)
    def patch(self, data, event_id):
        """Change some fields of an event

        Changes the fields sent and leaves the others as they are; `actors` or
        `sources`, when sent, replace that whole list. With If-Match, the write applies
        only if the event is still at that ETag, else 412.
        """
        return events.update_event(event_id, data, blp.precondition(EventSchema))

    @blp.etag
    @blp.response(204)
    @blp.alt_response(404, **NOT_FOUND)
    def delete(self, event_id):
        """Delete an event and its links

        Deletes the event with its actor links and sources; the actors and articles
        themselves stay. Its history and the change feed keep the deletion.
        """
        events.delete_event(event_id, blp.precondition(EventSchema))


@blp.route("/<int:event_id>/actors")
class EventActors(MethodView):
    @blp.etag
    @blp.response(200, EventActorDetailSchema(many=True))
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, event_id):
        """List an event's actors with their roles

        The event's actor links in the event's order, each with its role and the whole
        actor record.
        """
        return events.event_actors(event_id)


@blp.route("/<int:event_id>/sources")
class EventSources(MethodView):
    @blp.etag
    @blp.response(200, EventSourceDetailSchema(many=True))
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, event_id):
        """List the articles that report an event, with their quotes

        The event's sources, each with its quote and the whole article record.
        """
        return events.event_sources(event_id)


add_history(blp, "event", "Event")

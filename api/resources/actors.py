"""HTTP endpoints for actors and the events they take part in."""

from flask.views import MethodView

from api.http.export.negotiation import ACTORS, EVENTS, exportable
from api.http.paging import PeeweePage
from api.resources.blueprint import BAD_REQUEST, NOT_FOUND, REFERENCED, Blueprint
from api.resources.history_routes import add_history
from api.services import actors, event_queries
from schemas.actors import (
    ActorPatchSchema,
    ActorQueryArgsSchema,
    ActorSchema,
    ActorWriteSchema,
)
from schemas.common import DeleteArgsSchema
from schemas.events import ActorEventQueryArgsSchema, EventSchema
from schemas.history import MergeSchema

blp = Blueprint(
    "Actors",
    __name__,
    url_prefix="/actors",
    description="People, organisations, states and armed groups, with aliases.",
)

EXAMPLE = {
    "name": "Recep Tayyip Erdoğan",
    "kind": "person",
    "country": "TR",
    "description": "President of Turkey",
    "aliases": ["Erdogan", "Tayyip Erdogan"],
}


@blp.route("", strict_slashes=False)
class Actors(MethodView):
    @blp.etag
    @blp.arguments(ActorQueryArgsSchema, location="query")
    @exportable(blp, ACTORS)
    @blp.response(200, ActorSchema(many=True))
    @blp.paginate(PeeweePage)
    def get(self, filters):
        """List actors

        The actors that match every filter given (`name` finds aliases too), a page at a
        time with the totals in X-Pagination, or in a cursor scan (`cursor`). With
        `format`, the same actors as a file (see the 200 response).
        """
        return actors.list_actors(**filters)

    @blp.etag
    @blp.arguments(ActorWriteSchema, example=EXAMPLE)
    @blp.response(201, ActorSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    def post(self, data):
        """Create an actor

        Stores an actor and answers it with its id and ETag. A country is stored as its
        ISO alpha-3 code, whether sent as alpha-3, alpha-2 or an English name. Names
        need not be unique: fold a duplicate into another with POST
        /actors/{actor_id}/merge.
        """
        return actors.create_actor(data)


@blp.route("/<int:actor_id>")
class ActorById(MethodView):
    @blp.etag
    @blp.response(200, ActorSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, actor_id):
        """Get an actor

        One actor with its aliases and its ETag: sent back in If-None-Match, it gets a
        304 while the actor is unchanged. An actor merged into another answers 308 to
        that one; a deleted one is a 404 that says when.
        """
        return actors.get_actor(actor_id)

    @blp.etag
    @blp.arguments(ActorWriteSchema, example=EXAMPLE)
    @blp.response(200, ActorSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(404, **NOT_FOUND)
    def put(self, data, actor_id):
        """Replace an actor

        Sets every field, aliases included: one left out takes its default. With
        If-Match, the write applies only if the actor is still at that ETag, else 412.
        """
        return actors.update_actor(actor_id, data, blp.precondition(ActorSchema))

    @blp.etag
    @blp.arguments(ActorPatchSchema, example={"aliases": ["Erdogan"]})
    @blp.response(200, ActorSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(404, **NOT_FOUND)
    def patch(self, data, actor_id):
        """Change some fields of an actor

        Changes the fields sent and leaves the others as they are; `aliases`, when sent,
        replaces the whole list. With If-Match, the write applies only if the actor is
        still at that ETag, else 412.
        """
        return actors.update_actor(actor_id, data, blp.precondition(ActorSchema))

    @blp.etag
    @blp.arguments(DeleteArgsSchema, location="query")
    @blp.response(204)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(409, **REFERENCED)
    def delete(self, args, actor_id):
        """Delete an actor

        Deletes the actor; its history and the change feed keep the deletion. An actor
        that takes part in events is a 409 unless `force=true`, which removes it from
        them.
        """
        actors.delete_actor(actor_id, args["force"], blp.precondition(ActorSchema))


@blp.route("/<int:actor_id>/events")
class ActorEvents(MethodView):
    @blp.etag
    @blp.arguments(ActorEventQueryArgsSchema, location="query")
    @exportable(blp, EVENTS)
    @blp.response(200, EventSchema(many=True))
    @blp.alt_response(404, **NOT_FOUND)
    @blp.paginate(PeeweePage)
    def get(self, filters, actor_id):
        """List the events an actor takes part in

        The events with this actor in any role, filtered, paged and exported as GET
        /events does.
        """
        actors.get_actor(actor_id)
        filters["actor_id"] = [actor_id]
        return event_queries.list_events(**filters)


@blp.route("/<int:actor_id>/merge")
class ActorMerge(MethodView):
    @blp.arguments(MergeSchema, example={"into": 3})
    @blp.response(200, ActorSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(404, **NOT_FOUND)
    def post(self, target, actor_id):
        """Merge a duplicate actor into another: links and names move there

        Folds this actor into the one `into` names, in one transaction: its event links
        move there (a link the other already has in the same role is dropped), its name
        and aliases become the other's aliases, and this actor is deleted. Its id then
        answers 308 to the other, which is the answer.
        """
        return actors.merge_actor(actor_id, target["into"])


add_history(blp, "actor", "Actor")

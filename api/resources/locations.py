"""HTTP endpoints for locations and their hierarchy."""

from flask.views import MethodView

from api.http.export.negotiation import EVENTS, LOCATIONS, exportable
from api.http.paging import PeeweePage
from api.resources.blueprint import BAD_REQUEST, NOT_FOUND, REFERENCED, Blueprint
from api.resources.history_routes import add_history
from api.services import event_queries, locations
from schemas.common import DeleteArgsSchema
from schemas.events import EventSchema, LocationEventQueryArgsSchema
from schemas.history import MergeSchema
from schemas.locations import (
    LocationChildrenArgsSchema,
    LocationPatchSchema,
    LocationQueryArgsSchema,
    LocationSchema,
    LocationWriteSchema,
)

blp = Blueprint(
    "Locations",
    __name__,
    url_prefix="/locations",
    description="Places with coordinates, in a hierarchy: city, governorate, country.",
)


EXAMPLE = {
    "name": "Idlib",
    "kind": "city",
    "country": "SYR",
    "parent_id": 2,
    "latitude": 35.9306,
    "longitude": 36.6339,
}


@blp.route("", strict_slashes=False)
class Locations(MethodView):
    @blp.etag
    @blp.arguments(LocationQueryArgsSchema, location="query")
    @exportable(blp, LOCATIONS)
    @blp.response(200, LocationSchema(many=True))
    @blp.paginate(PeeweePage)
    def get(self, filters):
        """List locations

        The places that match every filter given (`within` finds places anywhere inside
        another), a page at a time with the totals in X-Pagination, or in a cursor scan
        (`cursor`). With `format`, the same places as a file (see the 200 response).
        """
        return locations.list_locations(**filters)

    @blp.etag
    @blp.arguments(LocationWriteSchema, example=EXAMPLE)
    @blp.response(201, LocationSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    def post(self, data):
        """Create a location

        Stores a place and answers it with its id and ETag. With `parent_id` it lies
        inside that place: a filter on a place that encloses it (`within`, `location`)
        finds it and its events too.
        """
        return locations.create_location(data)


@blp.route("/<int:location_id>")
class LocationById(MethodView):
    @blp.etag
    @blp.response(200, LocationSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, location_id):
        """Get a location

        One place with its ETag: sent back in If-None-Match, it gets a 304 while the
        place is unchanged. A place merged into another answers 308 to that one; a
        deleted one is a 404 that says when.
        """
        return locations.get_location(location_id)

    @blp.etag
    @blp.arguments(LocationWriteSchema, example=EXAMPLE)
    @blp.response(200, LocationSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(404, **NOT_FOUND)
    def put(self, data, location_id):
        """Replace a location

        Sets every field: one left out takes its default. A new `parent_id` moves the
        place, with every place inside it, and may not be the place itself or one inside
        it. With If-Match, the write applies only if the place is still at that ETag,
        else 412.
        """
        return locations.update_location(
            location_id, data, blp.precondition(LocationSchema)
        )

    @blp.etag
    @blp.arguments(LocationPatchSchema, example={"parent_id": 2})
    @blp.response(200, LocationSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(404, **NOT_FOUND)
    def patch(self, data, location_id):
        """Change some fields of a location

        Changes the fields sent and leaves the others as they are; a new `parent_id`
        moves the place with every place inside it. With If-Match, the write applies
        only if the place is still at that ETag, else 412.
        """
        return locations.update_location(
            location_id, data, blp.precondition(LocationSchema)
        )

    @blp.etag
    @blp.arguments(DeleteArgsSchema, location="query")
    @blp.response(204)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(409, **REFERENCED)
    def delete(self, args, location_id):
        """Delete a location

        Deletes the place; its history and the change feed keep the deletion. A place
        that events, articles or other places refer to is a 409 unless `force=true`,
        which sets those references to null.
        """
        locations.delete_location(
            location_id, args["force"], blp.precondition(LocationSchema)
        )


@blp.route("/<int:location_id>/children")
class LocationChildren(MethodView):
    @blp.etag
    @blp.arguments(LocationChildrenArgsSchema, location="query")
    @exportable(blp, LOCATIONS)
    @blp.response(200, LocationSchema(many=True))
    @blp.alt_response(404, **NOT_FOUND)
    @blp.paginate(PeeweePage)
    def get(self, args, location_id):
        """List the locations directly inside a location

        The places whose parent is this one (not the places inside those), a page at a
        time. With `format`, the same places as a file (see the 200 response).
        """
        locations.get_location(location_id)
        return locations.list_locations(parent_id=location_id, **args)


@blp.route("/<int:location_id>/ancestors")
class LocationAncestors(MethodView):
    @blp.etag
    @blp.response(200, LocationSchema(many=True))
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, location_id):
        """List the locations that enclose a location, nearest first

        The chain of places this one lies in, up to the top: for a city, its
        governorate, then its country. Empty for a place with no parent.
        """
        return locations.ancestors(locations.get_location(location_id))


@blp.route("/<int:location_id>/events")
class LocationEvents(MethodView):
    @blp.etag
    @blp.arguments(LocationEventQueryArgsSchema, location="query")
    @exportable(blp, EVENTS)
    @blp.response(200, EventSchema(many=True))
    @blp.alt_response(404, **NOT_FOUND)
    @blp.paginate(PeeweePage)
    def get(self, filters, location_id):
        """List the events at a location or anywhere inside it

        The events placed here or at any place inside this one (a country finds the
        events in its cities), filtered, paged and exported as GET /events does.
        """
        locations.get_location(location_id)
        filters["location"] = [location_id]
        return event_queries.list_events(**filters)


@blp.route("/<int:location_id>/merge")
class LocationMerge(MethodView):
    @blp.arguments(MergeSchema, example={"into": 3})
    @blp.response(200, LocationSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(404, **NOT_FOUND)
    def post(self, target, location_id):
        """Merge a duplicate place into another: what was there moves there

        Folds this place into the one `into` names, which may not be this place or
        inside it, in one transaction: the events placed here, the articles datelined
        here and the places inside it move there, and this place is deleted. Its id then
        answers 308 to the other, which is the answer.
        """
        return locations.merge_location(location_id, target["into"])


add_history(blp, "location", "Location")

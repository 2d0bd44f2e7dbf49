"""HTTP endpoints for the CAMEO codebook that event codes are checked against."""

from flask.views import MethodView

from api.resources.blueprint import NOT_FOUND, Blueprint
from api.services import event_codes
from schemas.event_codes import EventCodeQueryArgsSchema, EventCodeSchema

blp = Blueprint(
    "Event codes",
    __name__,
    url_prefix="/event-codes",
    description="The CAMEO event codebook (GDELT's edition): every code an "
    "event may carry.",
)


@blp.route("", strict_slashes=False)
class EventCodes(MethodView):
    @blp.etag
    @blp.arguments(EventCodeQueryArgsSchema, location="query")
    @blp.response(200, EventCodeSchema(many=True))
    def get(self, filters):
        """List CAMEO event codes

        The codes of the CAMEO codebook, each with its name, description and place in
        the tree (`parent`, `root`); the `parent`, `root` and `q` filters narrow the
        list. Not paged: the whole codebook is about 300 codes.
        """
        return event_codes.list_codes(**filters)


@blp.route("/<string:code>")
class EventCodeByCode(MethodView):
    @blp.etag
    @blp.response(200, EventCodeSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, code):
        """Get a CAMEO event code

        One code with its name, description and parent; a 404 when the codebook has no
        such code. Codes are text: `0871`, not 871.
        """
        return event_codes.get_code(code)

"""The history endpoint every record type has: /<records>/<id>/history."""

from flask.views import MethodView

from api.resources.blueprint import NOT_FOUND
from api.services import history
from schemas.history import RevisionSchema


def add_history(blp, kind: str, name: str) -> None:
    """Register GET /<records>/<id>/history on ``blp`` for records of ``kind``."""

    class History(MethodView):
        @blp.etag
        @blp.response(200, RevisionSchema(many=True))
        @blp.alt_response(404, **NOT_FOUND)
        def get(self, record_id):
            return history.history(kind, record_id)

    History.get.__doc__ = (
        f"List every change of {'an' if name[0] in 'AEIOU' else 'a'} {name.lower()}, "
        "oldest first (deleted ones too)"
    )
    blp.route("/<int:record_id>/history", endpoint=f"{name}History")(History)

"""The history endpoint every record type has: /<records>/<id>/history."""

from flask.views import MethodView

from api.resources.blueprint import NOT_FOUND
from api.services import history
from schemas.history import RevisionSchema


def add_history(blp, kind: str, name: str) -> None:
    """Register GET /<records>/<id>/history on ``blp`` for records of ``kind``.

    The id is named as on the record's other paths (``event_id``...), so a
    generated client calls every path of one record with the same argument.
    """
    key = f"{kind}_id"

    class History(MethodView):
        @blp.etag
        @blp.response(200, RevisionSchema(many=True))
        @blp.alt_response(404, **NOT_FOUND)
        def get(self, **path):
            return history.history(kind, path[key])

    record = name.lower()
    History.get.__doc__ = (
        f"List every change of {'an' if name[0] in 'AEIOU' else 'a'} {record}, "
        "oldest first (deleted ones too)\n\n"
        f"Each revision of the {record}: the action (create, update, delete or "
        "merge), who made it (the key's name), when, the fields it changed and "
        f"the {record} as it became. A deleted or merged {record} keeps its "
        "history. Needs an API key of any scope, even where reads are open."
    )
    blp.route(f"/<int:{key}>/history", endpoint=f"{name}History")(History)

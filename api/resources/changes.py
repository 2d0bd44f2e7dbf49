"""The change feed: every create, update, delete and merge, in commit order."""

from urllib.parse import urlencode

from flask import request
from flask.views import MethodView

from api.resources.blueprint import Blueprint
from api.services import history
from schemas.history import ChangesArgsSchema, RevisionSchema

blp = Blueprint(
    "Changes",
    __name__,
    url_prefix="/changes",
    description="Every change to every record, oldest first. A mirror starts "
    "with after=0, applies each change (create and update carry the whole "
    "record in `data`; delete and merge remove it), keeps the last cursor, "
    "and asks again with after=<cursor>: it ends with an exact copy, deletions "
    "included. The next cursor is in X-Next-Cursor and Link rel=next.",
)


@blp.route("", strict_slashes=False)
class Changes(MethodView):
    @blp.etag
    @blp.arguments(ChangesArgsSchema, location="query")
    @blp.response(
        200,
        RevisionSchema(many=True),
        headers={
            "X-Next-Cursor": {
                "description": "Pass as `after` for what comes next (the same "
                "cursor when there is nothing new yet).",
                "schema": {"type": "string"},
            },
            "Link": {
                "description": 'RFC 8288: `rel="next"`, this request with '
                "`after` set to X-Next-Cursor.",
                "schema": {"type": "string"},
            },
        },
    )
    def get(self, args):
        """Follow the changes after a cursor

        Up to `limit` changes after the cursor `after`, oldest first: who made each (the
        key's name), when, and for a create or an update the whole record as it became.
        Ask again with X-Next-Cursor until the list comes back empty; the same cursor
        comes back while nothing is new. Needs an API key of any scope, even where reads
        are open.
        """
        after = history.parse_cursor(args["after"])
        changes = history.changes_after(after, args["limit"], args.get("type"))
        cursor = str(changes[-1].id) if changes else str(after)
        query = request.args.to_dict(flat=False) | {"after": [cursor]}
        link = f'<{request.path}?{urlencode(query, doseq=True)}>; rel="next"'
        return changes, 200, {"X-Next-Cursor": cursor, "Link": link}

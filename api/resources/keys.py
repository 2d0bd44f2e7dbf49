"""HTTP endpoints to issue, list and revoke API keys (admin scope)."""

from flask.views import MethodView

from api.resources.blueprint import BAD_REQUEST, NOT_FOUND, Blueprint, problem
from api.services import keys
from schemas.keys import ApiKeyCreatedSchema, ApiKeyCreateSchema, ApiKeySchema

blp = Blueprint(
    "Keys",
    __name__,
    url_prefix="/keys",
    description="API keys and their scopes. Needs a key with the admin scope.",
)

NAME_TAKEN = problem(
    409,
    "Another key has this name.",
    "A key named 'newsroom-sync' exists already.",
    {"json": {"name": ["Already used by another key."]}},
)


@blp.route("", strict_slashes=False)
class Keys(MethodView):
    @blp.response(200, ApiKeySchema(many=True))
    def get(self):
        """List the live API keys

        The keys that have not been revoked, oldest first, each with its name, scopes
        and first characters, never the key itself. Needs the admin scope.
        """
        return keys.list_keys()

    @blp.arguments(
        ApiKeyCreateSchema,
        example={"name": "newsroom-sync", "scopes": ["read", "write"]},
    )
    @blp.response(201, ApiKeyCreatedSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(409, **NAME_TAKEN)
    def post(self, data):
        """Issue an API key (the response is the only time the key is shown)

        Creates a key with a name no other key has, and its scopes: read, write (reads
        too) or admin (everything). The answer's `key` is the only copy: the service
        keeps no plain text of it. Needs the admin scope.
        """
        record, plain = keys.create_key(data["name"], data["scopes"])
        record.key = plain
        return record


@blp.route("/<int:key_id>")
class KeyById(MethodView):
    @blp.response(200, ApiKeySchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, key_id):
        """Get an API key

        One key, live or revoked (`revoked_at` says when), without the key itself. Needs
        the admin scope.
        """
        return keys.get_key(key_id)

    @blp.response(204)
    @blp.alt_response(404, **NOT_FOUND)
    def delete(self, key_id):
        """Revoke an API key: it stops working at once

        From now on, a request that sends the key is a 401. The record stays, with
        `revoked_at`; revoking it again changes nothing. Needs the admin scope.
        """
        keys.revoke_key(key_id)

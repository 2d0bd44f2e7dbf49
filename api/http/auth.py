"""Who is calling: Bearer API keys, checked before every request that needs one.

Reads are open unless DATELINE_READS_REQUIRE_KEY is set; writes need the write
scope; key management needs admin. A key that is sent must be valid, even
where none is needed, so a client learns at once that its key stopped working.
"""

from flask import Flask, current_app, g, request

from flask_smorest import abort

from api.models.base import current_author
from api.services import keys

REALM = 'Bearer realm="dateline"'
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Liveness, readiness, metrics and the documentation answer everyone.
OPEN_BLUEPRINTS = {"Operations", "docs", "api-docs"}
ADMIN_BLUEPRINTS = {"Keys"}


def required_scope() -> str | None:
    """The scope this request needs, or None if anyone may make it."""
    if request.method == "OPTIONS" or request.endpoint in (None, "index"):
        return None
    if request.blueprint in OPEN_BLUEPRINTS:
        return None
    if request.blueprint in ADMIN_BLUEPRINTS:
        return "admin"
    if request.method in WRITE_METHODS:
        return "write"
    return "read" if current_app.config.get("DATELINE_READS_REQUIRE_KEY") else None


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        _unauthorized("The Authorization header must be 'Bearer <API key>'.", True)
    return token.strip()


def _unauthorized(detail: str, invalid: bool):
    challenge = f'{REALM}, error="invalid_token"' if invalid else REALM
    abort(401, message=detail, headers={"WWW-Authenticate": challenge})


def authenticate():
    g.api_key = None
    current_author.set(None)
    needed = required_scope()
    # Unrouted requests (404, 405) and open endpoints answer without a key.
    if request.endpoint is None or (
        needed is None and request.blueprint in OPEN_BLUEPRINTS
    ):
        return
    token = _bearer_token()
    if token is not None:
        g.api_key = keys.authenticate(token)
        if g.api_key is None:
            _unauthorized("The API key is not valid.", True)
        current_author.set(g.api_key.name)
    if needed is None:
        return
    if g.api_key is None:
        _unauthorized(
            f"This request needs an API key with the {needed} scope: send "
            "'Authorization: Bearer <API key>'.",
            False,
        )
    if not keys.allows(g.api_key, needed):
        abort(
            403,
            message=f"This API key lacks the {needed} scope.",
            headers={
                "WWW-Authenticate": f'{REALM}, error="insufficient_scope", '
                f'scope="{needed}"'
            },
        )


def init_auth(app: Flask):
    app.before_request(authenticate)

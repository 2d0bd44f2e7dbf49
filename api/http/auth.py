"""Who is calling: Bearer API keys, checked before every request that needs one.

Record reads are open unless DATELINE_READS_REQUIRE_KEY is set; the change
feed, histories and import jobs need a key of any scope; writes need the write
scope; key management needs admin; /metrics as DATELINE_METRICS says. A key
that is sent must be valid, even where none is needed, so a client learns at
once that its key stopped working.
"""

from flask import Flask, current_app, g, request

from flask_smorest import abort

from api.models.base import current_author
from api.services import keys

REALM = 'Bearer realm="dateline"'
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Liveness, readiness and the documentation answer everyone; metrics as
# DATELINE_METRICS says (METRICS_ENDPOINT below).
OPEN_BLUEPRINTS = {"Operations", "docs", "api-docs"}
ADMIN_BLUEPRINTS = {"Keys"}
# The feed and histories name the keys that made each change, and import jobs
# the files uploaded: who works on the data, and when, is not for anonymous
# readers, even where the records themselves are.
KEYED_READ_BLUEPRINTS = {"Changes", "Imports"}
METRICS_ENDPOINT = "Operations.Metrics"


def keyed_read(blueprint: str | None, endpoint: str | None) -> bool:
    """Whether reading this endpoint needs a key even when reads are open.

    ``endpoint`` may be the view's name alone: every record type's
    /<records>/<id>/history is a view named <Record>History (history_routes).
    """
    return blueprint in KEYED_READ_BLUEPRINTS or (endpoint or "").endswith("History")


def metrics_scope() -> str | None:
    """The scope /metrics needs: admin unless DATELINE_METRICS opens or hides it."""
    # "off" answers 404 to everyone: a key is not needed to learn nothing.
    # Any other value than open or off keeps the endpoint closed.
    if current_app.config.get("DATELINE_METRICS") in ("open", "off"):
        return None
    return "admin"


def required_scope() -> str | None:
    """The scope this request needs, or None if anyone may make it."""
    if request.method == "OPTIONS" or request.endpoint in (None, "index"):
        return None
    if request.endpoint == METRICS_ENDPOINT:
        return metrics_scope()
    if request.blueprint in OPEN_BLUEPRINTS:
        return None
    if request.blueprint in ADMIN_BLUEPRINTS:
        return "admin"
    if request.method in WRITE_METHODS:
        return "write"
    if keyed_read(request.blueprint, request.endpoint):
        return "read"
    return "read" if current_app.config.get("DATELINE_READS_REQUIRE_KEY") else None


def bearer_token(header: str) -> str | None:
    """The API key in an Authorization header, or None if it is not 'Bearer <key>'.

    The scheme's case and the spaces around the key do not matter: the one
    spelling of a key is what this returns.
    """
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def client_identity() -> str:
    """Who is calling, for counting: a valid key as itself, however its header
    is spelt; anything else (no key, a refused one) by address, so that
    inventing tokens buys nothing. Needs ``identify`` to have run."""
    key = g.get("api_key")
    return f"key:{key.id}" if key is not None else f"ip:{request.remote_addr}"


def _unauthorized(detail: str, invalid: bool):
    challenge = f'{REALM}, error="invalid_token"' if invalid else REALM
    abort(401, message=detail, headers={"WWW-Authenticate": challenge})


def identify():
    """Look up the key a request sends, once, before the rate limiter counts it.

    The limiter counts a valid key as itself and anything else by address, so
    it needs the answer before auth may refuse the request: a refused attempt
    still costs its sender budget.
    """
    g.api_key = None
    g.credentials_refused = None
    current_author.set(None)
    header = request.headers.get("Authorization")
    # Unrouted requests (404, 405) and open endpoints answer without a key.
    if header is None or request.endpoint is None:
        return
    if request.blueprint in OPEN_BLUEPRINTS and required_scope() is None:
        return
    token = bearer_token(header)
    if token is None:
        g.credentials_refused = "The Authorization header must be 'Bearer <API key>'."
        return
    g.api_key = keys.authenticate(token)
    if g.api_key is None:
        g.credentials_refused = "The API key is not valid."
        return
    current_author.set(g.api_key.name)


def authenticate():
    """Refuse a request whose key is invalid or lacks the scope it needs."""
    if g.get("credentials_refused"):
        _unauthorized(g.credentials_refused, True)
    needed = required_scope()
    if needed is None:
        return
    if g.get("api_key") is None:
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


def init_identity(app: Flask):
    """Who is calling; registered before the limiter, which counts by it."""
    app.before_request(identify)


def init_auth(app: Flask):
    """Whether they may; registered after the limiter, so refusals are counted."""
    app.before_request(authenticate)

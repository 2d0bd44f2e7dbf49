"""The application factory: configuration, extensions, blueprints, error handlers."""

import logging

import peewee as pw

from flask import Flask, redirect, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from flask_cors import CORS
from flask_swagger_ui import get_swaggerui_blueprint

from api.cli import register_commands
from api.config import Config
from api.db import init_db
from api.http.auth import init_auth
from api.http.idempotency import init_idempotency
from api.http.jsonio import OrjsonProvider
from api.http.limits import init_limits
from api.http.observability import configure_logging, init_observability
from api.http.problems import Api, problem_response
from api.http.request_guard import init_request_guard
from api.resources import register_blueprints
from api.services.errors import Conflict, InvalidData, InvalidFilter, NotFound
from api.services.history import tombstone_for

log = logging.getLogger("dateline")


class BoundedInt(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


# Database errors that pass: a lock held too long, a connection lost or refused.
TRANSIENT = ("locked", "busy", "connect", "connection", "timeout", "terminat", "closed")

EXPOSED_HEADERS = [
    "ETag",
    "Link",
    "X-Pagination",
    "X-Next-Cursor",
    "X-Request-ID",
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]

API_DESCRIPTION = """\
Structured news records: **articles**, the **actors** and **locations** they
name, and the **events** they report, each event typed with a CAMEO code,
dated with its precision, placed, and linked to its actors (in roles) and to
the articles and quotes that support it.

Errors are RFC 9457 Problem Details (`application/problem+json`); the
`errors` member maps each request location (`json`, `query`) to the bad
fields and their messages. Lists page with `page` and `page_size`; the
`X-Pagination` header carries the totals. Every record has an `ETag`; send it
back in `If-Match` to write only if nobody changed the record meanwhile.
"""


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config.from_object(Config())
    app.config.update(config or {})
    app.config["API_SPEC_OPTIONS"] = {
        "info": {"description": API_DESCRIPTION},
        "servers": [{"url": app.config.get("DATELINE_PUBLIC_URL") or "/"}],
    }

    if app.config["DATELINE_TRUSTED_PROXIES"]:
        hops = app.config["DATELINE_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    configure_logging(app.config["DATELINE_LOG_LEVEL"])

    # Order matters: request ids first, then the database, how often a caller
    # may call (failed attempts count), who is calling, then what they sent.
    init_observability(app)
    # Ids in paths are 32-bit like the columns they name; larger ones are 404s.
    app.url_map.converters["int"] = BoundedInt
    init_db(app)
    init_limits(app)
    init_auth(app)
    init_idempotency(app)
    api = Api(app)
    register_blueprints(api)
    init_request_guard(app)
    CORS(
        app,
        origins=app.config["DATELINE_CORS_ORIGINS"],
        expose_headers=EXPOSED_HEADERS,
        allow_headers=[
            "Authorization",
            "Content-Type",
            "If-Match",
            "If-None-Match",
            "Idempotency-Key",
            "X-Request-ID",
        ],
        max_age=600,
    )
    _register_error_handlers(app)
    _register_docs(app)
    register_commands(app)
    return app


def _register_error_handlers(app: Flask):
    @app.errorhandler(NotFound)
    def _not_found(error):
        gone = tombstone_for(error)
        if gone is None:
            return problem_response(404, error.message)
        segments = request.path.split("/")
        here = str(gone.record_id) in segments
        if gone.merged_into is not None:
            if here and request.method in ("GET", "HEAD"):
                # A merged record lives on as another: send readers there.
                segments[segments.index(str(gone.record_id))] = str(gone.merged_into)
                target = "/".join(segments)
                if request.query_string:
                    target += "?" + request.query_string.decode()
                return problem_response(
                    308,
                    f"Merged into {error.record} {gone.merged_into}.",
                    headers={"Location": target},
                )
            # A write is not redirected: it was meant for the record that is gone.
            return problem_response(
                404,
                f"{error.record} {gone.record_id} was merged into "
                f"{error.record.lower()} {gone.merged_into}.",
            )
        # Still a 404, as clients expect of a deleted record; the tombstone (who
        # and when) is in its history and in the change feed.
        history_path = f"/{gone.record_type}s/{gone.record_id}/history"
        return problem_response(
            404,
            f"{error.record} {gone.record_id} was deleted at "
            f"{gone.at.isoformat()}; see {history_path}.",
        )

    @app.errorhandler(Conflict)
    def _conflict(error):
        return problem_response(
            409, error.message, {"json": error.errors} if error.errors else None
        )

    @app.errorhandler(InvalidData)
    def _invalid_data(error):
        return problem_response(422, None, {"json": error.errors})

    @app.errorhandler(InvalidFilter)
    def _invalid_filter(error):
        return problem_response(422, None, {"query": error.errors})

    @app.errorhandler(pw.IntegrityError)
    def _integrity(error):
        log.warning("integrity error: %s", error)
        return problem_response(
            409,
            "The change conflicts with existing records: a unique value already "
            "taken, or a reference to a record that is gone.",
        )

    @app.errorhandler(pw.OperationalError)
    @app.errorhandler(pw.InterfaceError)
    def _unavailable(error):
        text = str(error).lower()
        if not any(word in text for word in TRANSIENT):
            log.error("database error", exc_info=error)
            return problem_response(500)
        log.warning("database unavailable: %s", error)
        return problem_response(
            503,
            "The database is busy or unreachable; retry shortly.",
            headers={"Retry-After": "1"},
        )

    @app.errorhandler(OverflowError)
    def _overflow(error):
        log.warning("overflow: %s", error)
        return problem_response(422, "A number is too large for its field.")

    @app.errorhandler(pw.DataError)
    def _out_of_range(error):
        log.warning("data error: %s", error)
        return problem_response(
            422, "A value does not fit its field (too long or out of range)."
        )


def _register_docs(app: Flask):
    docs = get_swaggerui_blueprint(
        "/docs",
        "/openapi.json",
        config={"app_name": "Dateline API", "deepLinking": True},
        blueprint_name="docs",
    )
    app.register_blueprint(docs)

    @app.get("/")
    def index():
        return redirect(url_for("docs.show", path=None))

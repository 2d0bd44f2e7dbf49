"""The application factory: configuration, extensions, blueprints, error handlers."""

from flask import Flask, redirect, url_for
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from flask_cors import CORS
from flask_swagger_ui import get_swaggerui_blueprint

from api.cli import register_commands
from api.config import Config
from api.db import init_db
from api.http.accept import init_accept
from api.http.auth import init_auth, init_identity
from api.http.caching import init_caching
from api.http.export.slots import init_slots
from api.http.idempotency import init_idempotency
from api.http.jsonio import OrjsonProvider
from api.http.limits import init_limits
from api.http.observability import configure_logging, init_observability
from api.http.paths import init_paths
from api.http.problems import Api, register_error_handlers
from api.http.replicas import init_replicas
from api.http.request_guard import init_request_guard
from api.resources import register_blueprints


class BoundedInt(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


EXPOSED_HEADERS = [
    "Content-Disposition",
    "Deprecation",
    "ETag",
    "Idempotent-Replayed",
    "Link",
    "Location",
    "Sunset",
    "WWW-Authenticate",
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
fields and their messages. Two answers come from the HTTP server itself,
before the app, with an empty body: 414 for a request target of 65,535 bytes
or more (the app answers 414 as a Problem from 8,191 bytes), and 431 for
request headers over 400 KiB. Lists page with `page` and `page_size`; the
`X-Pagination` header carries the totals. Every record has an `ETag`; send it
back in `If-Match` to write only if nobody changed the record meanwhile.

**Paths** are written here without a trailing slash (`/events`). The same
path with one (`/events/`, as documents before version 2.0.0 wrote it)
answers the same, without a redirect, and is deprecated.

**Versions and deprecation.** `info.version` follows semantic versioning
for the contract: a major version for a change that can break a client that
worked (the changelog marks them **Breaking**), a minor one for additions.
A form that is replaced keeps answering for at least twelve months after its
replacement appears, with a `Deprecation` header (RFC 9745: when it was
replaced), a `Sunset` header (RFC 8594: the earliest date it may stop
answering), and `Link` headers to its successor (`rel="successor-version"`)
and to this policy (`rel="deprecation"`).
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

    # Order matters: request ids first, then the database, who is calling (the
    # key looked up once), how often they may call (by key, or by address when
    # the key is missing or refused, so failed attempts count), whether they
    # may, which database a read goes to (by the key's recent writes), then
    # what they sent.
    init_observability(app)
    # Early: its after-request hook then runs last and compresses what the
    # others left (the body idempotency stored, the Vary CORS wrote).
    init_caching(app)
    # Ids in paths are 32-bit like the columns they name; larger ones are 404s.
    app.url_map.converters["int"] = BoundedInt
    init_db(app)
    init_identity(app)
    init_limits(app)
    init_auth(app)
    init_replicas(app)
    init_idempotency(app)
    init_paths(app)
    init_accept(app)
    init_slots(app)
    api = Api(app)
    register_blueprints(api)
    init_request_guard(app)
    CORS(
        app,
        origins=app.config["DATELINE_CORS_ORIGINS"],
        expose_headers=EXPOSED_HEADERS,
        allow_headers=[
            "Authorization",
            "Consistency",
            "Content-Type",
            "If-Match",
            "If-None-Match",
            "Idempotency-Key",
            "X-Request-ID",
        ],
        max_age=600,
    )
    register_error_handlers(app)
    _register_docs(app)
    register_commands(app)
    return app


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

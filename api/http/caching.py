"""How answers travel and keep: compression, Vary, Cache-Control, coded ETags.

Compression is flask-compress, run from this module's one after-request hook
(not its own) so that the headers it reads are final: the hook is registered
early in ``create_app``, hence runs after the others (idempotency has stored
the uncompressed body, CORS has written ``Vary: Origin``). Streamed exports
are compressed chunk by chunk as they are sent.

ETags: flask-compress gives a compressed answer the strong ETag ``"x:gzip"``,
so that two representations whose bytes differ never share a strong
validator (RFC 9110 8.8.3); the Blueprint computes ``"x"`` for the record
itself. A client sending ``"x:gzip"`` back means the record state ``"x"``, so
the coding is taken off If-Match and If-None-Match before the app reads them:
one comparison, the Blueprint's, serves both encodings, strongly.
"""

import re

from flask import Flask, request

from flask_compress import Compress

from api.http.accept import OPERATIONS, offered, view_method

# What is worth compressing; images (PNG charts) are compressed already.
MIMETYPES = [
    "application/json",
    "application/problem+json",
    "application/geo+json",
    "application/x-ndjson",
    "text/csv",
    "text/plain",
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
]
# Below about one TCP segment a smaller body saves no round trip, only CPU:
# a single record (some 600-900 bytes) goes out as it is.
MIN_SIZE = 1400
# Cheapest first for the same ratio: zstd and brotli beat gzip at these levels.
ALGORITHMS = ["zstd", "br", "gzip"]

READS = frozenset({"GET", "HEAD"})
SPEC_ENDPOINT = "api-docs.openapi_json"
DOCS_PAGE_ENDPOINT = "docs.show"
# The spec changes with a deployment; a client rechecks it (by ETag) soon after.
DOCUMENT_CACHE = "public, max-age=300"
# Swagger UI's assets change only with the package, but their URLs carry no
# version: a day, then a 304, rather than a year of the old UI after upgrades.
ASSET_MAX_AGE = 86400

CODING = re.compile(r':(?:gzip|br|zstd|deflate)"')
# A single entity tag, as a client holding one representation sends it.
ONE_TAG = re.compile(r'\s*(?:W/)?"[^"]*"\s*')
SENT_IF_NONE_MATCH = "dateline.if_none_match"


class _CodingBlindValidators:
    """WSGI middleware: If-Match and If-None-Match without the coding suffix.

    Rewritten in the environ, before the request object parses (and caches)
    them, so that every reader agrees: the Blueprint's check and send_file's.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        for name in ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH"):
            value = environ.get(name)
            if value and ":" in value:
                environ[name] = CODING.sub('"', value)
                if name == "HTTP_IF_NONE_MATCH":
                    environ[SENT_IF_NONE_MATCH] = value
        return self.wsgi_app(environ, start_response)


def init_caching(app: Flask) -> Compress:
    """Compression, Vary and Cache-Control on every answer (see the module)."""
    for name, value in (
        ("COMPRESS_MIMETYPES", MIMETYPES),
        ("COMPRESS_MIN_SIZE", MIN_SIZE),
        ("COMPRESS_ALGORITHM", ALGORITHMS),
        # flask-compress leaves gzip out of streaming by default; it is what
        # every client accepts, and exports are the largest answers.
        ("COMPRESS_ALGORITHM_STREAMING", ALGORITHMS),
        # Measured on a page of 100 events (69 KB): gzip 6 takes 1.3 ms for
        # 12.6 KB, gzip 1 0.4 ms for 15.1 KB; brotli 4 0.7 ms, brotli 1 0.2 ms.
        # Per request, the CPU is dearer than the few kilobytes.
        ("COMPRESS_LEVEL", 1),
        ("COMPRESS_BR_LEVEL", 1),
        # Preconditions are decided once, on the uncompressed ETag, by the view
        # (or send_file); the rewritten headers would never match "x:gzip".
        ("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False),
        ("COMPRESS_REGISTER", False),
    ):
        app.config.setdefault(name, value)
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = ASSET_MAX_AGE
    app.wsgi_app = _CodingBlindValidators(app.wsgi_app)
    compress = Compress(app)
    app.after_request(_AfterRequest(compress, app.config["COMPRESS_MIN_SIZE"]))
    return compress


class _AfterRequest:
    """The hook: Vary and Cache-Control, then compression, in that order."""

    def __init__(self, compress: Compress, min_size: int):
        self.compress = compress
        self.compressible = compress.compress_mimetypes_set
        self.min_size = min_size
        self.policies: dict[str | None, tuple[bool, str | None]] = {}

    def __call__(self, response):
        # Read once: every access through the request proxy costs a lookup,
        # and every header lookup lowercases every name; one pass reads the
        # three this needs.
        req = request._get_current_object()
        environ = req.environ
        endpoint = req.endpoint
        policy = self.policies.get(endpoint)
        if policy is None:
            policy = self.policies[endpoint] = _policy(endpoint)
        negotiates, read_cache = policy
        method = environ["REQUEST_METHOD"]
        headers = response.headers
        varies = cached = content_type = None
        for name, value in headers.items():
            lowered = name.lower()
            if lowered == "vary":
                varies = value if varies is None else f"{varies}, {value}"
            elif lowered == "cache-control":
                cached = value
            elif lowered == "content-type":
                content_type = value
        mimetype = content_type.split(";", 1)[0].strip() if content_type else None
        compresses = mimetype in self.compressible
        vary = ["Accept"] if negotiates and method in READS else []
        if compresses:
            vary.append("Accept-Encoding")
        if vary:
            _add_vary(headers, vary, varies)
        status = response.status_code
        if method != "OPTIONS" and cached is None:
            cache = _cache_control(method, status, read_cache, environ)
            if cache is not None:
                headers.add("Cache-Control", cache)
        if endpoint == SPEC_ENDPOINT and status == 200:
            response.add_etag()
            response.make_conditional(req)
        if status == 304:
            _repeat_validator(response, environ)
        if compresses and self._worth_compressing(response, environ):
            response = self.compress.after_request(response)
        return response

    def _worth_compressing(self, response, environ) -> bool:
        status = response.status_code
        length = response.content_length
        return (
            # Compressed, a 206's Content-Range would no longer name its bytes.
            200 <= status < 300
            and status != 206
            and "HTTP_ACCEPT_ENCODING" in environ
            and (length is None or length >= self.min_size)
        )


def _policy(endpoint: str | None) -> tuple[bool, str | None]:
    """Whether the endpoint's reads vary by Accept, and their Cache-Control
    (None: it depends on the caller)."""
    if endpoint in (SPEC_ENDPOINT, DOCS_PAGE_ENDPOINT):
        return False, DOCUMENT_CACHE
    if endpoint is not None and endpoint.startswith(OPERATIONS):
        # Health and metrics are about now; a cached one misleads.
        return False, "no-store"
    # Lists and statistics choose their format by Accept themselves.
    reader = view_method(endpoint, "get")
    return reader is not None and offered(reader) is None, None


def _add_vary(headers, names: list[str], present: str | None):
    """``names`` added to Vary; ``present`` is what Vary fields said so far.

    One Vary field, values merged: flask-compress reads only the first.
    """
    if present is None:
        headers.add("Vary", ", ".join(names))
        return
    values = [value.strip() for value in present.split(",") if value.strip()]
    known = {value.lower() for value in values}
    added = [name for name in names if name.lower() not in known]
    if added:
        headers["Vary"] = ", ".join(values + added)


def _cache_control(method: str, status: int, read_cache, environ) -> str | None:
    if method not in READS or status >= 400:
        # Writes and errors describe one moment, often one caller's mistake.
        return "no-store"
    if 300 <= status < 400 and status != 304:
        return None
    if read_cache is not None:
        return read_cache
    if "HTTP_AUTHORIZATION" in environ:
        # A key may see what others do not: only the caller's own cache keeps it.
        return "private, no-cache"
    # Records change: a cache may keep one, and asks (If-None-Match) each time.
    return "no-cache"


def _repeat_validator(response, environ):
    # A 304 names the representation the client holds (RFC 9110 15.4.5); the
    # Blueprint's carries none, and send_file's the uncoded one.
    sent = environ.get(SENT_IF_NONE_MATCH) or environ.get("HTTP_IF_NONE_MATCH", "")
    if ONE_TAG.fullmatch(sent):
        response.headers["ETag"] = sent.strip()

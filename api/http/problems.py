"""One error shape everywhere: RFC 9457 Problem Details."""

import logging
from http import HTTPStatus

import peewee as pw

from flask import Flask, current_app, request, url_for
from werkzeug.exceptions import HTTPException

import flask_smorest

from api.services.errors import Conflict, InvalidData, InvalidFilter, NotFound
from api.services.history import tombstone_for
from schemas.common import ProblemSchema, escaped

log = logging.getLogger("dateline.errors")

PROBLEM_MIMETYPE = "application/problem+json"

# Database errors that pass: a lock held too long, a connection lost or refused.
TRANSIENT = ("locked", "busy", "connect", "connection", "timeout", "terminat", "closed")

# Werkzeug's wording for these speaks of "the URL"; say what the client should do.
DETAILS = {
    412: "The record changed since the ETag sent in If-Match: GET it again, "
    "reapply the change and retry with the new ETag.",
    428: "This write needs an If-Match header with the record's current ETag.",
    413: "The request body is larger than this service accepts.",
    500: "The server failed to answer this request; it has been logged.",
}

_EXAMPLE_ERRORS = {
    400: {"json": {"_schema": ["Invalid JSON body."]}},
    422: {"json": {"latitude": ["Must be between -90 and 90."]}},
}


def _field_paths(errors, prefix=""):
    """Flatten nested validation messages into dotted field paths."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _field_paths(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix


def _normalise(errors: dict) -> dict:
    """Each location maps to fields; a message on the whole location goes to _schema."""
    return {
        location: messages if isinstance(messages, dict) else {"_schema": messages}
        for location, messages in errors.items()
    }


def problem(status: int, detail: str | None, errors: dict | None = None) -> dict:
    """The Problem Details body for ``status``; ``errors`` maps location -> fields."""
    if errors:
        errors = _normalise(errors)
        if detail is None:
            fields = sorted(set(_field_paths(errors)))
            detail = "Invalid fields: " + ", ".join(fields) + "."
    phrase = HTTPStatus(status)
    body = {
        "type": "about:blank",
        "title": phrase.phrase,
        "status": status,
        "detail": detail or DETAILS.get(status) or phrase.description,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(status, detail=None, errors=None, headers=None):
    """A Problem Details response; the one way errors leave the service."""
    body = problem(status, detail, errors)
    body["instance"] = request.path
    try:
        text = current_app.json.dumps(body)
    except TypeError:
        # A message may name what the client sent, and text with a lone
        # surrogate cannot be encoded: escaped, the answer still goes out.
        text = current_app.json.dumps(_escaped(body))
    return current_app.response_class(
        text,
        status=status,
        headers=headers or {},
        mimetype=PROBLEM_MIMETYPE,
    )


def _escaped(value):
    if isinstance(value, str):
        return escaped(value)
    if isinstance(value, dict):
        return {_escaped(key): _escaped(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped(item) for item in value]
    return value


def _example(status: HTTPStatus) -> dict:
    return {
        **problem(int(status), None, _EXAMPLE_ERRORS.get(status)),
        "instance": "/events/7",
    }


def _nullable_enum(self, field, ret, **_kwargs):
    """A nullable choice as ``anyOf: [enum, null]``.

    apispec writes ``type: [string, "null"]`` with null among the enum values,
    which is valid but makes generated clients invent one type per member.
    """
    if "enum" in ret and None in ret["enum"]:
        choices = [c for c in ret.pop("enum") if c is not None]
        types = ret.pop("type")
        base = [t for t in types if t != "null"] if isinstance(types, list) else types
        ret["anyOf"] = [
            {"type": base[0] if isinstance(base, list) else base, "enum": choices},
            {"type": "null"},
        ]
    return {}


def _integer_header(description: str, example: int) -> dict:
    return {
        "description": description,
        "schema": {"type": "integer", "example": example},
    }


# What the rate limiter sends with a 429 (and the X-RateLimit-* on every
# limited answer), so that a client can wait as long as it is told.
RATE_LIMIT_HEADERS = {
    "Retry-After": _integer_header("Seconds to wait before trying again.", 30),
    "X-RateLimit-Limit": _integer_header(
        "Requests allowed in the current window.", 120
    ),
    "X-RateLimit-Remaining": _integer_header("Requests left in the current window.", 0),
    "X-RateLimit-Reset": _integer_header(
        "When the window resets, in seconds since the epoch.", 1583755200
    ),
}


CONSISTENCY_HEADER = {
    "name": "Consistency",
    "required": False,
    "description": "`strong`: read from the primary database, so the answer "
    "shows every write made so far. Without it a read replica may answer, a "
    "moment behind; reads by an API key that wrote in the last few seconds go "
    "to the primary anyway. Matters only where read replicas are configured.",
    "schema": {"type": "string", "example": "strong"},
}


# The document's security requirement, taken by every operation that states
# none of its own (the open reads): no key, or one. A client that sends a key
# gets a rate limit of its own rather than its address's, and a key that is
# sent must be valid.
OPEN_READS = [{}, {"bearerAuth": []}]


class Api(flask_smorest.Api):
    """flask-smorest's Api, answering errors as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, *args, **kwargs):
        super()._init_spec(*args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(_nullable_enum)
        self.spec.options.setdefault("security", OPEN_READS)

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        detail = data.get("message")
        if detail is None and not errors:
            detail = DETAILS.get(error.code, error.description)
        if error.code >= 500:
            original = getattr(error, "original_exception", None)
            log.error(
                "unhandled error on %s %s",
                request.method,
                request.path,
                exc_info=original or error,
            )
            detail = DETAILS[500]
        headers = dict(data.get("headers") or {})
        if getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        return problem_response(error.code, detail, errors, headers)

    def _register_responses(self):
        # flask-smorest documents errors as application/json; ours are problem+json.
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                content = {"schema": self.ERROR_SCHEMA, "example": _example(status)}
                response["content"] = {PROBLEM_MIMETYPE: content}
            if status == HTTPStatus.TOO_MANY_REQUESTS:
                response["headers"] = RATE_LIMIT_HEADERS
            self.spec.components.response(status.name, response, lazy=True)
        default = {
            "schema": self.ERROR_SCHEMA,
            "example": _example(HTTPStatus.INTERNAL_SERVER_ERROR),
        }
        self.spec.components.response(
            "DEFAULT_ERROR",
            {
                "description": "Any other error, as Problem Details.",
                "content": {PROBLEM_MIMETYPE: default},
            },
            lazy=True,
        )

    def _register_pagination_header(self):
        # A JSON object in one header: described, not parsed as a header object.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "JSON. Page numbers: total (exact up to 10,000; "
                "total_is_exact says whether it is), total_pages, first_page, "
                "last_page, page, previous_page, next_page. Cursor scans: "
                "page_size and next_cursor (null at the end).",
                "schema": {
                    "type": "string",
                    "example": '{"total": 15, "total_pages": 1, "first_page": 1, '
                    '"last_page": 1, "page": 1, "total_is_exact": true}',
                },
            },
            lazy=True,
        )

        self.spec.components.header(
            "LINK",
            {
                "description": "RFC 8288 links to other pages of the list: "
                "`first`, `last`, `prev` and `next` by page number; in a cursor "
                "scan, `next` alone, absent at the end.",
                "schema": {
                    "type": "string",
                    "example": '</events?page=2>; rel="next"',
                },
            },
            lazy=True,
        )
        self.spec.components.header(
            "LOCATION",
            {
                "description": "The path of what the request created: the "
                "record, or the import job.",
                "schema": {"type": "string", "example": "/events/7"},
            },
        )
        self.spec.components.header(
            "NEXT_CURSOR",
            {
                "description": "In a cursor scan, the cursor of the next page "
                "(absent at the end): send it as `cursor`.",
                "schema": {"type": "string"},
            },
            lazy=True,
        )

    def _register_etag_headers(self):
        # flask-smorest marks If-Match required; here it is optional by default.
        self.spec.components.parameter(
            "IF_NONE_MATCH",
            "header",
            {
                "name": "If-None-Match",
                "description": "An ETag from an earlier read: 304 if still current.",
                "schema": {"type": "string"},
            },
            lazy=True,
        )
        self.spec.components.parameter(
            "IF_MATCH",
            "header",
            {
                "name": "If-Match",
                "required": False,
                "description": "The ETag of the record as last read. When it no "
                "longer matches, the write is refused with 412 and nothing changes. "
                "Optional unless the service runs with DATELINE_REQUIRE_IF_MATCH=1 "
                "(then 428).",
                "schema": {"type": "string"},
            },
            lazy=True,
        )
        # Every read takes it (api.http.replicas); documented once, referred to.
        self.spec.components.parameter(
            "CONSISTENCY", "header", CONSISTENCY_HEADER, lazy=True
        )
        self.spec.components.header(
            "ETAG",
            {
                "description": "Version tag of the returned data.",
                "schema": {"type": "string"},
            },
            lazy=True,
        )


def register_error_handlers(app: Flask) -> None:
    """Answer the services' domain errors and the database's own as Problems."""
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(Conflict, _conflict)
    app.register_error_handler(InvalidData, _invalid_data)
    app.register_error_handler(InvalidFilter, _invalid_filter)
    app.register_error_handler(pw.IntegrityError, _integrity)
    app.register_error_handler(pw.OperationalError, _unavailable)
    app.register_error_handler(pw.InterfaceError, _unavailable)
    app.register_error_handler(OverflowError, _overflow)
    app.register_error_handler(pw.DataError, _out_of_range)


def _not_found(error: NotFound):
    gone = tombstone_for(error)
    if gone is None:
        return problem_response(404, error.message)
    if gone.merged_into is None:
        # Still a 404, as clients expect of a deleted record; the tombstone (who
        # and when) is in its history and in the change feed.
        return problem_response(
            404,
            f"{error.record} {gone.record_id} was deleted at "
            f"{gone.at.isoformat()}; see /{gone.record_type}s/{gone.record_id}"
            "/history.",
        )
    target = _same_view_for(gone.record_type, gone.record_id, gone.merged_into)
    if target is None or request.method not in ("GET", "HEAD"):
        # A write is not redirected: it was meant for the record that is gone.
        return problem_response(
            404,
            f"{error.record} {gone.record_id} was merged into "
            f"{error.record.lower()} {gone.merged_into}.",
        )
    # A merged record lives on as another: send readers there.
    return problem_response(
        308,
        f"Merged into {error.record} {gone.merged_into}.",
        headers={"Location": target},
    )


def _same_view_for(kind: str, gone_id: int, survivor_id: int) -> str | None:
    """This request's URL with the survivor's id where the path named the gone one.

    None when the path does not name the gone record (a record it refers to
    was merged away, not the one asked for).
    """
    args = dict(request.view_args or {})
    name = f"{kind}_id"
    if request.endpoint is None or args.get(name) != gone_id:
        return None
    args[name] = survivor_id
    target = url_for(request.endpoint, **args)
    if request.query_string:
        target += "?" + request.query_string.decode()
    return target


def _conflict(error: Conflict):
    return problem_response(
        409, error.message, {"json": error.errors} if error.errors else None
    )


def _invalid_data(error: InvalidData):
    return problem_response(422, None, {"json": error.errors})


def _invalid_filter(error: InvalidFilter):
    return problem_response(422, None, {"query": error.errors})


def _integrity(error: pw.IntegrityError):
    log.warning("integrity error: %s", error)
    return problem_response(
        409,
        "The change conflicts with existing records: a unique value already "
        "taken, or a reference to a record that is gone.",
    )


def _unavailable(error: pw.OperationalError | pw.InterfaceError):
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


def _overflow(error: OverflowError):
    log.warning("overflow: %s", error)
    return problem_response(422, "A number is too large for its field.")


def _out_of_range(error: pw.DataError):
    log.warning("data error: %s", error)
    return problem_response(
        422, "A value does not fit its field (too long or out of range)."
    )

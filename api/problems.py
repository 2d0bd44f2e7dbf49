"""One error shape everywhere: RFC 9457 Problem Details."""

import logging
from http import HTTPStatus

from flask import current_app, request
from werkzeug.exceptions import HTTPException

import flask_smorest

from schemas.common import ProblemSchema

log = logging.getLogger("dateline.errors")

PROBLEM_MIMETYPE = "application/problem+json"


def _field_paths(errors, prefix=""):
    """Flatten nested validation messages into dotted field paths."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _field_paths(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix


def problem(status: int, title: str, detail: str, errors: dict | None = None) -> dict:
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    return body


def _normalise(errors: dict) -> dict:
    """Each location maps to fields; a message on the whole location goes to _schema."""
    return {
        location: messages if isinstance(messages, dict) else {"_schema": messages}
        for location, messages in errors.items()
    }


# Werkzeug's wording for these speaks of "the URL"; say what the client should do.
DETAILS = {
    412: "The record changed since the ETag sent in If-Match: GET it again, "
    "reapply the change and retry with the new ETag.",
    428: "This write needs an If-Match header with the record's current ETag.",
    413: "The request body is larger than this service accepts.",
}


def problem_response(status, detail=None, errors=None, headers=None):
    """A Problem Details response; the one way errors leave the service."""
    if errors:
        errors = _normalise(errors)
        if detail is None:
            fields = sorted(set(_field_paths(errors)))
            detail = "Invalid fields: " + ", ".join(fields) + "."
    body = problem(status, HTTPStatus(status).phrase, detail or DETAILS.get(status), errors)
    return current_app.response_class(
        current_app.json.dumps(body),
        status=status,
        headers=headers or {},
        mimetype=PROBLEM_MIMETYPE,
    )


class Api(flask_smorest.Api):
    """flask-smorest's Api, answering errors as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        detail = data.get("message")
        if detail is None and not errors:
            detail = DETAILS.get(error.code, error.description)
        if error.code >= 500:
            original = getattr(error, "original_exception", None)
            log.error("unhandled error on %s %s", request.method, request.path,
                      exc_info=original or error)
            detail = "The server failed to answer this request; it has been logged."
        headers = dict(data.get("headers") or {})
        if getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        return problem_response(error.code, detail, errors, headers)



"""Paths: one form with or without a trailing slash, the Location of what a
POST created, and Deprecation and Sunset headers (RFC 9745, RFC 8594) on
replaced forms.

The policy (in the API description, on the docs page): a replaced form keeps
answering as before, with ``Deprecation`` (when it was replaced), ``Sunset``
(the earliest date it may stop answering, at least a year later) and links to
its successor and to the policy, for as long as its replacement exists.

Replaced today: the collection paths with a trailing slash (``/events/``),
which their routes accept (``strict_slashes=False``); other paths never had
one, and one sent there stays a 404.
The canonical paths, the ones in the OpenAPI document, have none
(``/events``); both answer directly, without a redirect, so that browsers'
preflights and clients generated from either version of the document work.
"""

import calendar
from datetime import date

from flask import Flask, request
from werkzeug.http import http_date

import orjson

# The policy is part of the API description on the docs page.
POLICY = "/docs"
SLASH_PATHS_DEPRECATED = date(2026, 12, 6)
SLASH_PATHS_SUNSET = date(2027, 12, 31)


def _deprecation(day: date) -> str:
    # RFC 9745: a Structured Fields Date, seconds since the epoch after "@".
    return f"@{calendar.timegm(day.timetuple())}"


def init_paths(app: Flask) -> None:
    """Register after idempotency: this hook then runs before its, so that a
    replayed 201 repeats the Location it had."""
    deprecated = _deprecation(SLASH_PATHS_DEPRECATED)
    sunset = http_date(SLASH_PATHS_SUNSET)

    @app.after_request
    def finish(response):
        environ = request.environ
        path = environ.get("PATH_INFO", "")
        if len(path) > 1 and path[-1] == "/":
            rule = request.url_rule
            if rule is not None and not rule.rule.endswith("/"):
                headers = response.headers
                headers.add("Deprecation", deprecated)
                headers.add("Sunset", sunset)
                headers.add(
                    "Link", f'<{canonical_path(path)}>; rel="successor-version"'
                )
                headers.add("Link", f'<{POLICY}>; rel="deprecation"')
        if response.status_code == 201 and environ["REQUEST_METHOD"] == "POST":
            _locate(response, path)
        return response


def _locate(response, path: str) -> None:
    # A created record's address, so a script need not build it from the body
    # (RFC 9110 15.3.2). Views that create something else (an import job) set
    # their own.
    if "Location" in response.headers or response.mimetype != "application/json":
        return
    created = orjson.loads(response.get_data())
    if isinstance(created, dict) and isinstance(created.get("id"), int):
        response.headers["Location"] = f"{canonical_path(path)}/{created['id']}"


def canonical_path(path: str) -> str:
    """``path`` as the OpenAPI document spells it (no trailing slash)."""
    return path.rstrip("/") or "/"

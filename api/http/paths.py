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
    deprecated = _deprecation(SLASH_PATHS_DEPRECATED)
    sunset = http_date(SLASH_PATHS_SUNSET)

    @app.after_request
    def announce(response):
        rule = request.url_rule
        path = request.path
        if (
            rule is not None
            and len(path) > 1
            and path.endswith("/")
            and not rule.rule.endswith("/")
        ):
            successor = path.rstrip("/")
            response.headers["Deprecation"] = deprecated
            response.headers["Sunset"] = sunset
            response.headers.add("Link", f'<{successor}>; rel="successor-version"')
            response.headers.add("Link", f'<{POLICY}>; rel="deprecation"')
        return response

    @app.after_request
    def locate(response):
        # A created record's address, so a script need not build it from the
        # body (RFC 9110 15.3.2). Views that create something else (an import
        # job) set their own.
        if (
            response.status_code == 201
            and request.method == "POST"
            and "Location" not in response.headers
            and response.mimetype == "application/json"
        ):
            created = orjson.loads(response.get_data())
            if isinstance(created, dict) and isinstance(created.get("id"), int):
                base = canonical_path(request.path)
                response.headers["Location"] = f"{base}/{created['id']}"
        return response


def canonical_path(path: str) -> str:
    """``path`` as the OpenAPI document spells it (no trailing slash)."""
    return path.rstrip("/") or "/"

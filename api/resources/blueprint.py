"""The Blueprint every resource uses, with Dateline's If-Match policy."""

from http import HTTPStatus

from flask import current_app, request

import flask_smorest

from api.problems import PROBLEM_MIMETYPE
from schemas.common import ProblemSchema


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint; If-Match is required only when configured.

    Without If-Match a write applies unconditionally; with a stale one it is a
    412. ``DATELINE_REQUIRE_IF_MATCH=1`` makes writes without it a 428.
    """

    # Read when the views are decorated, so a constant rather than a setting.
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 25, "max_page_size": 500}

    def _check_precondition(self):
        if current_app.config.get("DATELINE_REQUIRE_IF_MATCH"):
            super()._check_precondition()

    def _verify_check_etag(self):
        # Writes without If-Match are unconditional by policy, not an oversight.
        if request.if_match:
            super()._verify_check_etag()

    def precondition(self, schema):
        """A check for services to run on the current record before writing it."""

        def check(record):
            if request.if_match:
                self.check_etag(record, schema)

        return check


def problem(status: int, description: str, detail: str, errors: dict | None = None):
    """Keyword arguments for ``alt_response`` documenting a Problem Details error."""
    example = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": "/events/7",
    }
    if errors:
        example["errors"] = errors
    return {
        "schema": ProblemSchema,
        "content_type": PROBLEM_MIMETYPE,
        "description": description,
        "example": example,
    }


NOT_FOUND = problem(404, "No record with this id.", "Event 7 does not exist.")
BAD_REQUEST = problem(
    400,
    "The body is not valid JSON.",
    "Invalid fields: json._schema.",
    {"json": {"_schema": ["Invalid JSON body."]}},
)
REFERENCED = problem(
    409,
    "Other records still reference this one; repeat with force=true to detach them.",
    "Actor 4 takes part in 3 event(s). Remove it from them first, or delete "
    "with force=true to drop those links.",
)
URL_TAKEN = problem(
    409,
    "Another article already has this URL.",
    "An article with this URL already exists (id 3).",
    {"json": {"url": ["Already used by article 3."]}},
)

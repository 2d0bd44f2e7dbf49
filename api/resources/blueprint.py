"""The Blueprint every resource uses, with Dateline's If-Match policy."""

from functools import cache

from flask import current_app, request
from werkzeug.datastructures import CombinedMultiDict

import flask_smorest
import marshmallow as ma
from flask_smorest.utils import get_appcontext
from webargs import core
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy

from api.http.accept import offered
from api.http.auth import METRICS_ENDPOINT, keyed_read
from api.http.jsonio import load_body
from api.http.paging import Paging
from api.http.problems import PROBLEM_MIMETYPE
from api.http.problems import problem as problem_body
from reference.limits import MAX_NESTING
from schemas.common import MAX_INT, ProblemSchema


class _Parser(FlaskParser):
    """webargs' Flask parser, plus ``multipart``: form fields and files together;
    JSON bodies are read by ``api.http.jsonio.load_body``."""

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas: dict[type, ma.Schema] = {}

    def _get_schema(self, argmap, req):
        # webargs makes a new instance of a schema class on every request,
        # which costs more than loading the arguments; schemas keep no state
        # between loads, so one instance per class serves every request.
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)

    def load_multipart(self, req, schema):
        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)

    def _raw_load_json(self, req):
        if not req.is_json:
            return core.missing
        try:
            return load_body(req.get_data(cache=True))
        except RecursionError:
            # Nested too deep for the parser to read (it recurses per level):
            # there is no field to name. Shallower bodies past the limit are
            # read, and refused by the schemas naming where.
            message = f"Arrays and objects nest at most {MAX_NESTING} deep."
            flask_smorest.abort(
                400, message=message, errors={"json": {"_schema": [message]}}
            )


class Blueprint(Paging, flask_smorest.Blueprint):
    """flask-smorest's Blueprint; If-Match is required only when configured.

    Without If-Match a write applies unconditionally; with a stale one it is a
    412. ``DATELINE_REQUIRE_IF_MATCH=1`` makes writes without it a 428.
    """

    ARGUMENTS_PARSER = _Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_consistency_doc)
        self._prepare_doc_cbks.append(self._prepare_location_doc)

    def _prepare_consistency_doc(self, doc, doc_info, *, method, **_kwargs):
        # Reads may come from a replica; this header sends one to the primary.
        if method.upper() == "GET" and self.name != "Operations":
            doc.setdefault("parameters", []).append("CONSISTENCY")
        return doc

    def _prepare_location_doc(self, doc, doc_info, *, method, **_kwargs):
        # api.http.paths sends the created record's address with a 201; an
        # import (202) sends its job's.
        responses = doc.get("responses", {})
        created = responses.get(201) or responses.get(202)
        if method.upper() == "POST" and isinstance(created, dict):
            created.setdefault("headers", {})["Location"] = "LOCATION"
        return doc

    # Read when the views are decorated, so a constant rather than a setting.
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 25, "max_page_size": 500}

    def _prepare_pagination_doc(self, doc, doc_info, **kwargs):
        # The defaults hold when a parameter is absent, but documented as
        # defaults, generated clients send them on every request: page=1 with
        # a cursor is refused, and page_size with an export pages it.
        pagination = doc_info.get("pagination")
        if pagination:
            queries = doc_info.get("arguments", {}).get("parameters", [])
            cursor = any(
                "cursor" in getattr(p.get("schema"), "_declared_fields", {})
                for p in queries
                if isinstance(p, dict)
            )
            schema = _page_args(pagination["parameters"]["schema"], cursor)
            parameters = {**pagination["parameters"], "schema": schema}
            doc_info = {
                **doc_info,
                "pagination": {**pagination, "parameters": parameters},
            }
        return super()._prepare_pagination_doc(doc, doc_info, **kwargs)

    def _check_precondition(self):
        if current_app.config.get("DATELINE_REQUIRE_IF_MATCH"):
            super()._check_precondition()

    def _store_endpoint_docs(self, endpoint, obj, parameters, tags, **options):
        super()._store_endpoint_docs(endpoint, obj, parameters, tags, **options)
        for method, doc in self._docs[endpoint].items():
            if method != "parameters":
                manual = doc.setdefault("manual_doc", {})
                manual.setdefault("operationId", operation_id(endpoint, method))
                self._document_access(method, doc, endpoint)
                self._document_accept(method, doc, getattr(obj, method, None))

    def _document_accept(self, method: str, doc: dict, view) -> None:
        # api.http.accept refuses an Accept naming nothing a view answers in;
        # views that negotiate (lists, statistics) document their own 406.
        if method != "get" or self.name == "Operations" or offered(view) is None:
            return
        responses = doc.setdefault("response", {}).setdefault("responses", {})
        responses.setdefault(406, []).append("NOT_ACCEPTABLE")

    def _document_access(self, method: str, doc: dict, endpoint: str):
        """Security requirement and access errors: 401, 403, 414 and 429; 414
        alone for /health and /ready.

        Open reads state none of their own: they take the document's
        (``api.http.problems.OPEN_READS``: a key or none). Generators type an
        operation that states any, ``[{}, ...]`` included, as needing a key.
        """
        responses = doc.setdefault("response", {}).setdefault("responses", {})
        if f"{self.name}.{endpoint}" == METRICS_ENDPOINT:
            self._document_metrics_access(doc)
            return
        if self.name == "Operations":
            doc["manual_doc"]["security"] = []
            # The request guard answers every path, these too.
            responses.setdefault(414, []).append("REQUEST_URI_TOO_LONG")
            return
        writes = method.upper() in ("POST", "PUT", "PATCH", "DELETE")
        if writes or self.name == "Keys" or keyed_read(self.name, endpoint):
            doc["manual_doc"]["security"] = [{"bearerAuth": []}]
        if method.upper() in ("POST", "PUT", "PATCH"):
            # Bodies above DATELINE_MAX_BODY_BYTES, or not in the documented type.
            for status, name in (
                (413, "REQUEST_ENTITY_TOO_LARGE"),
                (415, "UNSUPPORTED_MEDIA_TYPE"),
            ):
                responses.setdefault(status, []).append(name)
        for status, name in (
            (401, "UNAUTHORIZED"),
            (403, "FORBIDDEN"),
            # A request target over DATELINE_MAX_URL_BYTES.
            (414, "REQUEST_URI_TOO_LONG"),
            (429, "TOO_MANY_REQUESTS"),
        ):
            responses.setdefault(status, []).append(name)

    @staticmethod
    def _document_metrics_access(doc: dict):
        # As served by default (DATELINE_METRICS=key); never rate limited.
        doc["manual_doc"]["security"] = [{"bearerAuth": []}]
        responses = doc.setdefault("response", {}).setdefault("responses", {})
        for status, name in (
            (401, "UNAUTHORIZED"),
            (403, "FORBIDDEN"),
            (414, "REQUEST_URI_TOO_LONG"),
        ):
            responses.setdefault(status, []).append(name)

    def _set_etag_in_response(self, response):
        # Exports and charts are built by the view, not dumped by a schema:
        # there is no dump to hash, and hashing a stream would mean buffering it.
        if "result_dump" in get_appcontext():
            super()._set_etag_in_response(response)

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


@cache
def _page_args(schema: type[ma.Schema], cursor: bool) -> type[ma.Schema]:
    """flask-smorest's page and page_size as documented: defaults in words."""
    page, size = schema._declared_fields["page"], schema._declared_fields["page_size"]
    most = next(v.max for v in size.validators if isinstance(v, ma.validate.Range))
    scan = " Not with `cursor`: a scan pages by cursor alone." if cursor else ""
    fields = {
        "page": ma.fields.Integer(
            # The request guard refuses larger numbers.
            validate=ma.validate.Range(min=1, max=MAX_INT),
            metadata={
                "description": f"Page number, from 1; page {page.load_default} "
                f"when absent.{scan}"
            },
        ),
        "page_size": ma.fields.Integer(
            validate=ma.validate.Range(min=1, max=most),
            metadata={
                "description": f"Records per page; {size.load_default} when absent."
            },
        ),
    }
    return ma.Schema.from_dict(fields, name="PageArgs")


_ITEM_VERBS = {"get": "get", "put": "replace", "patch": "update", "delete": "delete"}


def operation_id(view_name: str, method: str) -> str:
    """A stable operationId from the view class: Locations.post -> createLocation.

    Collections are named in the plural (Locations), single records end in
    ById, ByCode or ByName (LocationById), related lists are the rest
    (LocationChildren).
    """
    for suffix in ("ById", "ByCode", "ByName"):
        if view_name.endswith(suffix):
            return _ITEM_VERBS[method] + view_name.removesuffix(suffix)
    if method == "post":
        return "create" + view_name.removesuffix("s")
    return "list" + view_name


def problem(status: int, description: str, detail: str, errors: dict | None = None):
    """Keyword arguments for ``alt_response`` documenting a Problem Details error."""
    example = {**problem_body(status, detail, errors), "instance": "/events/7"}
    return {
        "schema": ProblemSchema,
        "content_type": PROBLEM_MIMETYPE,
        "description": description,
        "example": example,
    }


NOT_FOUND = problem(404, "No record with this id.", "Event 7 does not exist.")
BAD_REQUEST = problem(
    400,
    "The body is not valid JSON, or nests arrays and objects too deep to read "
    f"(hundreds of levels; past {MAX_NESTING}, a 422 names where).",
    "Invalid fields: json._schema.",
    {"json": {"_schema": ["Invalid JSON body."]}},
)
REFERENCED = problem(
    409,
    "Other records still reference this one; repeat with force=true to detach them.",
    "Actor 4 takes part in 3 event(s). Remove it from them first, or delete "
    "with force=true to drop those links.",
)
REFERENCE_GONE = problem(
    409,
    "A record the write names was deleted while it ran; nothing was written.",
    "The change conflicts with existing records: a unique value already "
    "taken, or a reference to a record that is gone.",
)
URL_TAKEN = problem(
    409,
    "Another article already has this URL.",
    "An article with this URL already exists (id 3).",
    {"json": {"url": ["Already used by article 3."]}},
)

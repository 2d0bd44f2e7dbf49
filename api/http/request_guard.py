"""Rejects what an endpoint does not document: unknown query names, non-JSON bodies."""

from functools import cache
from urllib.parse import quote

from flask import Flask, current_app, request

from flask_smorest import abort

from schemas.common import MAX_INT, unstorable

PAGINATION_PARAMS = frozenset({"page", "page_size"})


def _schema_params(schema) -> set[str]:
    return {f.data_key or name for name, f in schema.fields.items() if not f.dump_only}


@cache
def _documented(view_func, method: str) -> tuple[frozenset[str], bool, bool] | None:
    """The view's query parameters, whether it takes a JSON body, and whether
    that body is required.

    None for views outside the API (the docs page, static files).
    """
    view_class = getattr(view_func, "view_class", None)
    handler = getattr(view_class, method.lower(), None) if view_class else view_func
    apidoc = getattr(handler, "_apidoc", None)
    if apidoc is None:
        return None
    allowed, json_body, body_required = set(), False, False
    for param in apidoc.get("arguments", {}).get("parameters", []):
        if param.get("in") == "query":
            schema = param["schema"]
            allowed |= _schema_params(schema() if isinstance(schema, type) else schema)
        if param.get("in") == "json":
            json_body, body_required = True, param.get("required", False)
    if "pagination" in apidoc:
        allowed |= PAGINATION_PARAMS
    return frozenset(allowed), json_body, body_required


def _has_body() -> bool:
    # A chunked upload has no Content-Length, and a body all the same.
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    return bool(request.content_length) or chunked


def _bad_page_numbers() -> dict:
    # flask-smorest reads these with int(), which also takes other scripts'
    # digits ("１"), "+1" and "1_0", and numbers past what OFFSET takes (a 422
    # naming nothing).
    errors = {}
    for name in sorted(PAGINATION_PARAMS & set(request.args)):
        for value in request.args.getlist(name):
            if not (value.isascii() and value.isdigit()):
                errors[name] = ["Not a valid integer: use digits 0-9."]
            elif len(value) > 10 or int(value) > MAX_INT:
                errors[name] = [f"Must be at most {MAX_INT}."]
    return errors


def _target_length() -> int:
    """The request target's length in bytes, as the client sent it."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return len(raw)
    path = quote(request.environ.get("PATH_INFO", ""), safe="/:@!$&'()*+,;=")
    return len(path) + (len(request.query_string) + 1 if request.query_string else 0)


def check_request():
    longest = current_app.config["DATELINE_MAX_URL_BYTES"]
    if _target_length() > longest:
        # Link headers repeat the query up to four times: far longer targets
        # would make answers whose headers common clients refuse to read.
        abort(
            414,
            message=f"The request target is longer than {longest} bytes: send "
            "fewer filter values, or split the request.",
        )
    if request.endpoint is None:
        return
    view_func = current_app.view_functions.get(request.endpoint)
    method = "GET" if request.method == "HEAD" else request.method
    documented = _documented(view_func, method)
    if documented is None:
        return
    allowed, json_body, body_required = documented
    if json_body and _has_body():
        if not request.is_json:
            abort(
                415,
                message="Send the body as JSON with Content-Type: application/json.",
            )
    elif body_required and not _has_body():
        # Read as {}, a missing body made a PATCH that changed nothing succeed.
        abort(
            422,
            errors={"json": {"_schema": ["A JSON body is required."]}},
            message="A JSON body is required.",
        )
    with_nul = sorted(k for k, v in request.args.items(multi=True) if unstorable(v))
    if with_nul:
        abort(
            422,
            errors={
                "query": {
                    k: ["Must be Unicode text without NUL characters."]
                    for k in with_nul
                }
            },
        )
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        abort(
            422,
            errors={"query": {name: ["Unknown parameter."] for name in unknown}},
            message="Unknown query parameters: " + ", ".join(unknown) + ".",
        )
    bad_pages = _bad_page_numbers()
    if bad_pages:
        abort(422, errors={"query": bad_pages})


def init_request_guard(app: Flask):
    app.before_request(check_request)

"""Lists as CSV, NDJSON or GeoJSON: negotiation, streams, pages and their OpenAPI."""

import hashlib
import inspect
from copy import deepcopy
from functools import wraps

from flask import current_app, request, stream_with_context

import marshmallow as ma
from apispec.ext.marshmallow import resolver
from flask_smorest import abort

import orjson

from api.db import db
from api.http.accept import negotiated
from api.http.export.columns import ACTORS, ARTICLES, LOCATIONS, Export
from api.http.export.event_columns import EVENTS
from api.http.export.slots import hold_slot
from api.http.export.terms import license_links
from api.http.paging import PeeweePage
from api.http.request_guard import PAGINATION_PARAMS as PAGE_ARGS
from api.resources.blueprint import problem
from api.services.export import pages as export_pages
from api.services.export import writers
from api.services.export.writers import cell
from api.services.listing import ranked_sort
from schemas.query import MEDIA_TYPES as LIST_MEDIA_TYPES

__all__ = ["ACTORS", "ARTICLES", "EVENTS", "LOCATIONS", "exportable", "negotiate"]

MEDIA_TYPES = {**LIST_MEDIA_TYPES, "png": "image/png"}
FORMAT_OF = {media: name for name, media in MEDIA_TYPES.items()}
CONTENT_TYPES = {
    **MEDIA_TYPES,
    # RFC 4180's optional parameters: spreadsheets need not guess either.
    "csv": "text/csv; charset=utf-8; header=present",
}
DEFAULT_BATCH_SIZE = 1000


NOT_ACCEPTABLE = problem(
    406,
    "The Accept header names no format this list is offered in.",
    "Accept lists none of: application/json, text/csv, application/x-ndjson.",
)
DISPOSITION = {
    "Content-Disposition": {
        "description": "On exports: `attachment` with a file name made from the "
        'path, e.g. `attachment; filename="events.csv"`.',
        "schema": {"type": "string"},
    }
}


def negotiate(requested: str | None, offered: tuple[str, ...]) -> str:
    """The format asked for by ``format=``, else by Accept, else JSON; 406 if none."""
    if requested:
        return requested
    if not request.headers.get("Accept"):
        return "json"
    best = request.accept_mimetypes.best_match([MEDIA_TYPES[f] for f in offered])
    if best is None:
        abort(
            406,
            message="Accept lists none of: "
            + ", ".join(MEDIA_TYPES[f] for f in offered)
            + ". Or choose with the format parameter.",
        )
    return FORMAT_OF[best]


def exportable(blp, export: Export):
    """Let a list view answer in every format ``export`` offers, chosen per request.

    Goes above the view's response and paginate decorators: JSON goes through
    them and pages; any other format takes the view's Listing before them, and
    streams it whole from its cursor on, or, asked for a page, writes the page
    the same pager picks (see :func:`page`).
    """

    def decorator(func):
        listing_of = inspect.unwrap(func)
        # What the paginate decorator reads page and page_size with: a page of
        # an export has the JSON page's defaults, maximum and errors.
        page_args = func._apidoc["pagination"]["parameters"]["schema"]

        @wraps(func)
        def view(*args, **kwargs):
            filters = args[-1]
            chosen = negotiate(filters.pop("format", None), export.formats)
            if chosen == "json":
                return func(*args, **kwargs)
            _refuse_shaping(filters)
            terms = license_links(filters.get("source"))
            if not PAGE_ARGS.isdisjoint(request.args):
                params = blp.PAGINATION_ARGUMENTS_PARSER.parse(
                    page_args, request, location="query"
                )
                listing = listing_of(*args, **kwargs)
                response = page(blp, params, listing, export, chosen)
            else:
                filters["cursor"] = filters.get("cursor") or ""
                response = stream(listing_of(*args, **kwargs), export, chosen)
            for link in terms:
                response.headers.add("Link", link)
            return response

        _document(view, export)
        view = blp.alt_response(406, **NOT_ACCEPTABLE)(view)
        _document_406_after_200(view._apidoc["response"]["responses"])
        return negotiated(view)

    return decorator


def _document_406_after_200(responses: dict) -> None:
    """406 right after the 200 whose formats it refuses.

    The decorators below (response, paginate) documented the view's errors
    first; the 406 belongs beside the 200 it qualifies, not after them.
    """
    ordered = {200: responses.pop(200), 406: responses.pop(406)}
    ordered.update(responses)
    responses.clear()
    responses.update(ordered)


def _refuse_shaping(filters: dict) -> None:
    # An export is every matching record, each whole: saying so beats silently
    # ignoring a parameter the client thought would apply.
    errors = {
        name: ["Applies to JSON only; exports carry every field of every record."]
        for name in ("fields", "include")
        if filters.get(name)
    }
    if ranked_sort(filters.get("sort"))[0]:
        # A keyset stream resumes from the last row's sort values; a score
        # is no such value.
        errors["sort"] = ["relevance orders JSON pages only; sort exports by field."]
    if errors:
        abort(422, errors={"query": errors})


def stream(listing, export: Export, name: str):
    """A response that writes ``listing`` batch by batch as it is sent."""
    size = current_app.config.get("DATELINE_EXPORT_BATCH_SIZE", DEFAULT_BATCH_SIZE)
    read, write = export.files(name)
    rows = read(listing, size)
    release = hold_slot()

    def batches():
        # The stream outlives the view: hold a connection until the last batch,
        # or until the client goes away and the server closes the generator.
        db.connect(reuse_if_open=True)
        try:
            yield from rows
        finally:
            db.close()
            release()

    response = current_app.response_class(
        stream_with_context(write(batches())),
        content_type=CONTENT_TYPES[name],
        headers={"Content-Disposition": attachment(name)},
    )
    response.call_on_close(release)
    return response


def page(blp, params, listing, export: Export, name: str):
    """One page of ``listing`` as ``name``, headed as the JSON page is.

    The JSON list's pager picks the rows and writes X-Pagination, Link and
    X-Next-Cursor; the rows then leave as the whole export writes them, byte
    for byte. A page is at most the largest page_size, so it is written whole
    rather than streamed (no export slot), and has an ETag as JSON pages do.
    """
    rows = PeeweePage(export_pages.unloaded(listing), params).items
    read, write = export.files(name)
    # One batch larger than the page: the reader stops after a short batch.
    batches = read(export_pages.of_rows(listing, rows), len(rows) + 1) if rows else []
    body = b"".join(write(batches))
    _, headers = blp._set_pagination_metadata(params, None, {})
    response = current_app.response_class(
        body,
        content_type=CONTENT_TYPES[name],
        headers={"Content-Disposition": attachment(name), **headers},
    )
    # As flask-smorest tags a JSON page: its body and its pagination header.
    tagged = [body, *(headers.get(h, "").encode() for h in blp.ETAG_INCLUDE_HEADERS)]
    response.set_etag(hashlib.sha1(b"\n".join(tagged)).hexdigest())
    return response.make_conditional(request)


def attachment(extension: str, inline: bool = False) -> str:
    """A Content-Disposition named after the path: actors-4-events.csv."""
    path = request.path.strip("/").removesuffix("." + extension)
    stem = path.replace("/", "-").replace(".", "-") or "export"
    kind = "inline" if inline else "attachment"
    return f'{kind}; filename="{stem}.{extension}"'


EXPORT_CONTENT = "x-export-content"
FORMAT_NAMES = {"csv": "CSV", "ndjson": "NDJSON", "geojson": "GeoJSON"}


def _document(view, export: Export) -> None:
    """The other formats in the JSON 200's description and ``x-export-content``.

    Not as media types of its content: generators make one type of them all,
    and a list typed as JSON records or CSV text or a FeatureCollection is
    one no client reads without a cast. ``x-export-content`` holds what the
    content would (schema and example per media type) for those who want it.
    """
    view._apidoc = deepcopy(view._apidoc)
    (ok,) = view._apidoc["response"]["responses"][200]
    formats = export.formats[1:]
    told = "\n".join(
        f"- **{FORMAT_NAMES[name]}** (`{MEDIA_TYPES[name]}`): {_told(export, name)}"
        for name in formats
    )
    names = [f"`{name}`" for name in formats]
    choices = ", ".join(names[:-1]) + " or " + names[-1]
    ok["description"] = (
        f"The records, as JSON. With `format` set to {choices} (or an Accept "
        "header that prefers one of their media types), the same records in that "
        "format instead, as an attachment: every matching record, streamed, or "
        "with `page` or `page_size` one page of them, with the JSON page's "
        "headers. These formats are told here rather than as media types of "
        "this response, which generated clients would type as one union; the "
        f"schema and an example of each are in `{EXPORT_CONTENT}`.\n\n{told}\n"
    )
    ok["headers"] = {**DISPOSITION, **ok.get("headers", {})}
    ok[EXPORT_CONTENT] = {MEDIA_TYPES[name]: _content(export, name) for name in formats}


def _told(export: Export, name: str) -> str:
    if name == "csv":
        columns = "".join(f"\n  - `{c}`: {d}" for c, d in export.csv_docs)
        return (
            "RFC 4180: UTF-8 without BOM, CRLF line ends, a header row, quotes "
            "only where needed. An empty cell is null. A cell holding several "
            "values separates them with `; ` (a `;` or `\\` inside a value is "
            f"escaped with `\\`). Columns:{columns}"
        )
    if name == "ndjson":
        return "one JSON record per line, as in the JSON list."
    return export.feature_collection()["description"]


def _content(export: Export, name: str) -> dict:
    if name == "csv":
        example = export.example(writers.csv_chunks, export.csv_header, export.csv_row)
        return {"schema": {"type": "string"}, "example": example}
    if name == "ndjson":
        example = export.example(writers.ndjson_chunks, export.record)
        return {"schema": {"type": "string"}, "example": example}
    example = export.example(writers.geojson_chunks, export.properties, export.point)
    return {
        "schema": _referred(export.feature_collection()),
        "example": orjson.loads(example),
    }


def _referred(schema):
    """``schema`` with its marshmallow schemas as references to their components.

    apispec resolves them in a response's content only; an extension is
    written as it is.
    """
    if isinstance(schema, type) and issubclass(schema, ma.Schema):
        return {"$ref": f"#/components/schemas/{resolver(schema)}"}
    if isinstance(schema, dict):
        return {key: _referred(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_referred(value) for value in schema]
    return schema


def table(rows: list[dict], columns: list[str]):
    """A small table already in memory (statistics), as a CSV attachment."""

    def values(row: dict) -> list:
        return [cell(row.get(name)) for name in columns]

    return current_app.response_class(
        b"".join(writers.csv_chunks([rows], columns, values)),
        content_type=CONTENT_TYPES["csv"],
        headers={"Content-Disposition": attachment("csv")},
    )

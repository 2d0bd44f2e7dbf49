"""Lists as CSV, NDJSON or GeoJSON: negotiation, streaming and their OpenAPI."""

import inspect
from functools import wraps

from flask import current_app, request, stream_with_context

from flask_smorest import abort

import orjson

from api.db import db
from api.http.export.columns import ACTORS, ARTICLES, LOCATIONS, Export
from api.http.export.event_columns import EVENTS
from api.http.export.slots import hold_slot
from api.resources.blueprint import problem
from api.services.export import event_csv, writers
from api.services.export import rows as export_rows
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
    them and pages; any other format streams the view's Listing whole, from its
    cursor on, before a pager could see it.
    """

    def decorator(func):
        listing_of = inspect.unwrap(func)

        @wraps(func)
        def view(*args, **kwargs):
            filters = args[-1]
            chosen = negotiate(filters.pop("format", None), export.formats)
            if chosen == "json":
                return func(*args, **kwargs)
            _refuse_shaping(filters)
            filters["cursor"] = filters.get("cursor") or ""
            return stream(listing_of(*args, **kwargs), export, chosen)

        paged = len(view._apidoc["response"]["responses"][200])
        for name in reversed(export.formats[1:]):
            view = blp.alt_response(200, **_document(export, name))(view)
        view = blp.alt_response(406, **NOT_ACCEPTABLE)(view)
        _document_formats_first(view._apidoc["response"]["responses"], paged)
        return view

    return decorator


def _document_formats_first(responses: dict, paged: int) -> None:
    """The formats' 200 entries before the JSON page's, and 406 right after 200.

    The decorators below (response, paginate, alt_response) documented the
    JSON page first; the formats' description of a 200 (what changes with
    ``format``) is the one the document keeps, and the 406 they add belongs
    beside the 200 it qualifies, not after the view's other errors.
    """
    ok = responses[200]
    ok[:] = ok[paged:] + ok[:paged]
    rest = {code: doc for code, doc in responses.items() if code not in (200, 406)}
    refused = responses[406]
    responses.clear()
    responses.update({200: ok, 406: refused, **rest})


def _refuse_shaping(filters: dict) -> None:
    # An export is every matching record, each whole: saying so beats silently
    # ignoring a parameter the client thought would apply.
    errors = {
        name: ["Applies to JSON only; exports carry every field of every record."]
        for name in ("fields", "include")
        if filters.get(name)
    }
    errors.update(
        {
            name: ["Exports stream the whole result; resume one with cursor."]
            for name in ("page", "page_size")
            if name in request.args
        }
    )
    if ranked_sort(filters.get("sort"))[0]:
        # A keyset stream resumes from the last row's sort values; a score
        # is no such value.
        errors["sort"] = ["relevance orders JSON pages only; sort exports by field."]
    if errors:
        abort(422, errors={"query": errors})


def stream(listing, export: Export, name: str):
    """A response that writes ``listing`` batch by batch as it is sent."""
    size = current_app.config.get("DATELINE_EXPORT_BATCH_SIZE", DEFAULT_BATCH_SIZE)

    server_csv = name == "csv" and export is EVENTS and event_csv.available()
    if server_csv:
        rows = event_csv.batches(listing, export.csv_header, size)
    else:
        rows = export_rows.batches(listing, export.columns, size)

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

    if server_csv:
        chunks = writers.line_chunks(batches(), export.csv_header)
    elif name == "csv":
        chunks = writers.csv_chunks(batches(), export.csv_header, export.csv_row)
    elif name == "ndjson":
        chunks = writers.ndjson_chunks(batches(), export.record)
    else:
        chunks = writers.geojson_chunks(batches(), export.record, export.point)
    response = current_app.response_class(
        stream_with_context(chunks),
        content_type=CONTENT_TYPES[name],
        headers={"Content-Disposition": attachment(name)},
    )
    response.call_on_close(release)
    return response


def attachment(extension: str, inline: bool = False) -> str:
    """A Content-Disposition named after the path: actors-4-events.csv."""
    path = request.path.strip("/").removesuffix("." + extension)
    stem = path.replace("/", "-").replace(".", "-") or "export"
    kind = "inline" if inline else "attachment"
    return f'{kind}; filename="{stem}.{extension}"'


def _document(export: Export, name: str) -> dict:
    doc = {
        "content_type": MEDIA_TYPES[name],
        "description": "The list. With `format` or an Accept header other than "
        "JSON: every matching record, streamed (not paged), as an attachment.",
        "headers": DISPOSITION,
    }
    if name == "csv":
        columns = "; ".join(f"`{c}`: {d}" for c, d in export.csv_docs)
        doc["schema"] = {
            "type": "string",
            "description": "CSV (RFC 4180): UTF-8 without BOM, CRLF line ends, "
            "a header row, quotes only where needed. An empty cell is null. A "
            "cell holding several values separates them with `; ` (a `;` or "
            f"`\\` inside a value is escaped with `\\`). Columns: {columns}.",
        }
        doc["example"] = export.example(
            writers.csv_chunks, export.csv_header, export.csv_row
        )
    elif name == "ndjson":
        doc["schema"] = {
            "type": "string",
            "description": "One JSON record per line, as in the JSON list.",
        }
        doc["example"] = export.example(writers.ndjson_chunks, export.record)
    else:
        doc["schema"] = export.feature_collection()
        example = export.example(writers.geojson_chunks, export.record, export.point)
        doc["example"] = orjson.loads(example)
    return doc


def table(rows: list[dict], columns: list[str]):
    """A small table already in memory (statistics), as a CSV attachment."""

    def values(row: dict) -> list:
        return [cell(row.get(name)) for name in columns]

    return current_app.response_class(
        b"".join(writers.csv_chunks([rows], columns, values)),
        content_type=CONTENT_TYPES["csv"],
        headers={"Content-Disposition": attachment("csv")},
    )

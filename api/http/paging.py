"""Pagination of service listings: page numbers with totals, or keyset cursors.

The one pager: :class:`PeeweePage` cuts a Listing into the page asked for, and
:class:`Paging` (mixed into the Blueprint) writes X-Pagination, Link and
X-Next-Cursor for it. Exports stream before paging and never reach either.
"""

import json
from urllib.parse import urlencode

from flask import request

from flask_smorest import Page

from api.services.errors import InvalidFilter
from api.services.listing import COUNT_LIMIT

# Stands for "not counted" where flask-smorest wants a number: cursor scans
# never COUNT, whatever the size of the result.
NOT_COUNTED = -1


class PeeweePage(Page):
    """Pages a :class:`api.services.listing.Listing` with LIMIT, never a slice."""

    def __init__(self, collection, page_params):
        if collection.cursor is not None and "page" in request.args:
            raise InvalidFilter(
                "page and cursor do not mix.",
                {"page": ["Use either page numbers or a cursor, not both."]},
            )
        page_params.listing = collection
        self.collection = collection
        self.page_params = page_params
        # The page first, then the total: a total that is estimated is held
        # to what the page showed (never fewer rows than it served, exact
        # when it was the last page). flask-smorest's Page counts first.
        self._items = collection.page(page_params.page, page_params.page_size)
        page_params.item_count = self.item_count

    @property
    def items(self):
        return self._items

    @property
    def item_count(self):
        count = self.collection.count()
        return NOT_COUNTED if count is None else count


def _link(rel: str, **changes) -> str:
    args = request.args.to_dict(flat=False)
    for name, value in changes.items():
        args[name] = [str(value)]
    return f'<{request.path}?{urlencode(args, doseq=True)}>; rel="{rel}"'


def pagination_headers(page_params) -> dict[str, str]:
    """Link (and X-Next-Cursor) headers for the page just served."""
    listing = getattr(page_params, "listing", None)
    if listing is not None and listing.cursor is not None:
        if listing.next_cursor is None:
            return {}
        return {
            "X-Next-Cursor": listing.next_cursor,
            "Link": _link("next", cursor=listing.next_cursor),
        }
    page, size, total = page_params.page, page_params.page_size, page_params.item_count
    last = max(1, -(-total // size))
    links = [_link("first", page=1), _link("last", page=last)]
    if page > 1:
        links.append(_link("prev", page=min(page - 1, last)))
    if page < last:
        links.append(_link("next", page=page + 1))
    return {"Link": ", ".join(links)}


class Paging:
    """Pagination metadata for flask-smorest's Blueprint: totals capped at
    COUNT_LIMIT (and whether they are exact), or a cursor scan's next cursor."""

    def _set_pagination_metadata(self, page_params, result, headers):
        headers = dict(headers or {})
        listing = getattr(page_params, "listing", None)
        if listing is None or listing.cursor is None:
            estimated = listing is not None and listing.estimated
            exact = page_params.item_count <= COUNT_LIMIT and not estimated
            page_params.item_count = min(page_params.item_count, COUNT_LIMIT)
            result, headers = super()._set_pagination_metadata(
                page_params, result, headers
            )
            metadata = json.loads(headers[self.PAGINATION_HEADER_NAME])
            metadata["total_is_exact"] = exact
            headers[self.PAGINATION_HEADER_NAME] = json.dumps(metadata)
        else:
            headers[self.PAGINATION_HEADER_NAME] = json.dumps(
                {"page_size": page_params.page_size, "next_cursor": listing.next_cursor}
            )
        headers.update(pagination_headers(page_params))
        return result, headers

    def _document_pagination_metadata(self, spec, resp_doc):
        super()._document_pagination_metadata(spec, resp_doc)
        # What pagination_headers sends beside X-Pagination.
        resp_doc["headers"].update({"Link": "LINK", "X-Next-Cursor": "NEXT_CURSOR"})

"""Pagination of service listings: page numbers with totals, or keyset cursors."""

from urllib.parse import urlencode

from flask import Response, request

from flask_smorest import Page

from api.services.errors import InvalidFilter

# Stands for "not counted" where flask-smorest wants a number: cursor scans
# never COUNT, whatever the size of the result.
NOT_COUNTED = -1


class PeeweePage(Page):
    """Pages a :class:`api.services.listing.Listing` with LIMIT, never a slice."""

    def __init__(self, collection, page_params):
        if isinstance(collection, Response):
            # An export streams every row itself: nothing to cut.
            super().__init__(collection, page_params)
            return
        if collection.cursor is not None and "page" in request.args:
            raise InvalidFilter(
                "page and cursor do not mix.",
                {"page": ["Use either page numbers or a cursor, not both."]},
            )
        page_params.listing = collection
        super().__init__(collection, page_params)

    @property
    def items(self):
        if isinstance(self.collection, Response):
            return self.collection
        return self.collection.page(self.page_params.page, self.page_params.page_size)

    @property
    def item_count(self):
        if isinstance(self.collection, Response):
            return NOT_COUNTED
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

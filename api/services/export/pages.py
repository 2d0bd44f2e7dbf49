"""One page of a listing as its export writes it: the page's rows, read again."""

import dataclasses

from api.services.common import among_listed, id_list
from api.services.listing import Listing


def unloaded(listing: Listing) -> Listing:
    """``listing`` without loading what its records embed.

    A page of it only says which rows an export page holds: the export reads
    them again, with their links, as it reads every row.
    """
    return dataclasses.replace(listing, hydrate=None)


def of_rows(listing: Listing, rows: list) -> Listing:
    """``listing`` narrowed to ``rows`` (one page of it), in its order, from the start.

    Exported through it, the page is exactly the lines those rows have in the
    whole export: the same reading, links and writers, whatever the format.
    """
    key = listing.query.model._meta.primary_key
    narrowed = listing.query.where(among_listed(key, id_list(row.id for row in rows)))
    return dataclasses.replace(listing, query=narrowed, cursor=None, hydrate=None)

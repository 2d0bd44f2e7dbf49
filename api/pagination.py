"""Page-number pagination over service listings, with LIMIT/OFFSET in SQL."""

from flask_smorest import Page


class PeeweePage(Page):
    """Pages a :class:`api.services.common.Listing` without loading the whole query."""

    @property
    def items(self):
        return self.collection.page(self.page_params.page, self.page_params.page_size)

    @property
    def item_count(self):
        return self.collection.count()

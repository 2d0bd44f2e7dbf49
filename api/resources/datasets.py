"""HTTP endpoints for the datasets Dateline imports and the terms of their data."""

from flask.views import MethodView

from api.resources.blueprint import NOT_FOUND, Blueprint
from api.services import datasets
from schemas.datasets import DatasetSchema

blp = Blueprint(
    "Datasets",
    __name__,
    url_prefix="/datasets",
    description="The datasets events are imported from (an event's `source`), "
    "with each one's licence, required attribution and citation: what a user "
    "republishing an export owes.",
)


@blp.route("", strict_slashes=False)
class Datasets(MethodView):
    @blp.etag
    @blp.response(200, DatasetSchema(many=True))
    def get(self):
        """List the datasets and their terms

        ACLED, UCDP GED and GDELT (1.0 and 2.0), each with its licence, the
        attribution it asks for, what its terms allow, and the paper to cite.
        Every export links the datasets it may hold (`Link: rel="license"`).
        """
        return datasets.list_datasets()


@blp.route("/<string:name>")
class DatasetByName(MethodView):
    @blp.etag
    @blp.response(200, DatasetSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, name):
        """Get a dataset and its terms

        One dataset by the name events' `source` gives it (`acled`, `ucdp-ged`,
        `gdelt`, `gdelt1`); a 404 for any other name.
        """
        return datasets.get_dataset(name)

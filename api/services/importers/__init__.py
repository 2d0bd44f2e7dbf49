"""One importer per dataset format: rows of a file -> event records for ingest."""

from collections.abc import Callable, Iterator

from api.services.importers import acled, gdelt, ucdp
from api.services.importers.base import Row, RowError, read_csv

FORMATS: dict[str, Callable[[Row], dict]] = {
    "acled": acled.record,
    "ucdp-ged": ucdp.record,
    "gdelt": gdelt.record,
}


def rows(format_name: str, path) -> Iterator[Row]:
    if format_name == "gdelt":
        return read_csv(path, delimiter="\t", fieldnames=gdelt.COLUMNS)
    return read_csv(path)


__all__ = ["FORMATS", "Row", "RowError", "rows"]

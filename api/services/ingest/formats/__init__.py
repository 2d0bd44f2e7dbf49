"""One importer per dataset format: rows of a file -> event records for ingest."""

from collections.abc import Callable, Iterator

from api.services.ingest.formats import acled, dateline, gdelt, ucdp
from api.services.ingest.formats.base import Row, RowError, read_csv

FORMATS: dict[str, Callable[[Row], dict]] = {
    "acled": acled.record,
    "ucdp-ged": ucdp.record,
    "gdelt": gdelt.record,
    "dateline": dateline.record,
}


def rows(format_name: str, path) -> Iterator[Row]:
    if format_name == "gdelt":
        return read_csv(path, delimiter="\t", layouts=gdelt.LAYOUTS)
    if format_name == "dateline":
        return dateline.rows(path)
    return read_csv(path)


__all__ = ["FORMATS", "Row", "RowError", "rows"]

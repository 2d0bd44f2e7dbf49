"""What every importer shares: streaming rows, typed cells, row errors."""

import csv
import gzip
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache, wraps

from reference.countries import to_alpha3


class RowError(Exception):
    """A cell that cannot be read; the report names its line and field."""

    def __init__(self, field: str, message: str, line: int | None = None):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.line = line


@dataclass(slots=True)
class Row:
    line: int
    # Made for this row alone: a mapper may keep it as the record's attributes.
    cells: dict[str, str]
    # Set when the row cannot be read at all (bad encoding, wrong cell count).
    error: RowError | None = None


# The datasets publish their exports compressed (GDELT's .export.CSV.zip,
# UCDP's ged*-csv.zip): a file is read through either, by its first bytes.
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
# What reading a damaged archive raises, part way through as well as at once.
UNREADABLE = (OSError, EOFError, zlib.error, zipfile.BadZipFile)


def open_binary(path) -> io.BufferedIOBase:
    """The file's bytes, unpacked as they are read if it is gzip or zip."""
    with open(path, "rb") as probe:
        magic = probe.read(4)
    try:
        if magic.startswith(GZIP_MAGIC):
            return gzip.open(path, "rb")
        if magic == ZIP_MAGIC:
            return _zip_member(path)
    except UNREADABLE as error:
        raise RowError("_file", f"Not a readable archive: {error}.") from error
    return open(path, "rb")


def _zip_member(path) -> io.BufferedIOBase:
    archive = zipfile.ZipFile(path)
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) != 1:
        names = ", ".join(m.filename for m in members[:5]) or "nothing"
        archive.close()
        raise RowError(
            "_file", f"A zip file must hold one data file; this one holds {names}."
        )
    return archive.open(members[0])


def open_text(path) -> io.TextIOWrapper:
    # utf-8-sig: spreadsheet exports often start with a byte-order mark.
    # surrogateescape: a byte that is not UTF-8 is reported on its own row
    # instead of stopping the whole file where the decoder first meets it.
    return io.TextIOWrapper(
        open_binary(path),
        encoding="utf-8-sig",
        errors="surrogateescape",
        newline="",
    )


# What surrogateescape turns bytes that are not UTF-8 into.
NOT_UTF8 = re.compile("[\udc80-\udcff]")


def _row_error(names: list[str], cells: list[str]) -> RowError | None:
    if len(cells) != len(names):
        return RowError("_row", f"Expected {len(names)} columns, found {len(cells)}.")
    joined = "".join(cells)
    # isascii is a fraction of the search's cost, and most rows are ASCII.
    if not joined.isascii() and NOT_UTF8.search(joined):
        for name, value in zip(names, cells, strict=True):
            if NOT_UTF8.search(value):
                return RowError(name, "Not UTF-8 text.")
    if "\x00" in joined:
        # PostgreSQL stores no NUL in text, and SQLite would keep what the
        # API refuses everywhere else.
        for name, value in zip(names, cells, strict=True):
            if "\x00" in value:
                return RowError(name, "Holds a NUL character.")
    return None


def _header_error(names: list[str]) -> str | None:
    joined = "".join(names)
    if "\x00" in joined:
        return "The header row holds a NUL character."
    if not joined.isascii() and NOT_UTF8.search(joined):
        return "The header row is not UTF-8 text."
    return None


def read_csv(path, delimiter=",", layouts=None) -> Iterator[Row]:
    """Rows one by one, with the line each starts on; memory stays flat.

    The first row names the columns, unless ``layouts`` does: a file with no
    header row, whose first row's length picks its column names ({length:
    names}, the first entry for a length it does not list).

    A plain reader, not csv.DictReader, whose rows cost a Python call each,
    a noticeable share of the reading process's time on a large file.
    """
    with open_text(path) as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        names = None
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise RowError("_row", f"Unreadable CSV: {error}.", start) from error
            except UNREADABLE as error:
                # A truncated gzip or zip, mostly; a plain file's read error too.
                message = f"The file cannot be read to its end: {error}."
                raise RowError("_file", message, start) from error
            if names is None and layouts is None:
                names = cells
                problem = _header_error(names)
                if problem:
                    # Its names would key every row's attributes.
                    raise RowError("_row", problem, start)
            elif cells:  # a blank line is no row
                if names is None:
                    names = layouts.get(len(cells)) or next(iter(layouts.values()))
                # A row of the wrong length carries its error and is not mapped.
                cells_by_name = dict(zip(names, cells, strict=False))
                yield Row(start, cells_by_name, _row_error(names, cells))


def built_once(*names: str, maxsize: int = 8192):
    """Build a part of a record (its actors, its place) once per distinct
    value of the cells ``names``, from a dict of those cells alone.

    A dataset names the same actors and places on row after row; building
    them was most of what mapping a row cost. The part is shared by every
    record that names it, so nothing downstream may change it. A cell that
    cannot be read raises on every row that has it (errors are not kept).
    The bound keeps each part's memory modest on a file of many distinct places.
    """

    def decorator(build: Callable[[dict], object]):
        @lru_cache(maxsize=maxsize)
        def from_values(values: tuple):
            return build(dict(zip(names, values, strict=True)))

        @wraps(build)
        def part(cells: dict):
            return from_values(tuple(map(cells.get, names)))

        return part

    return decorator


def text(cells: dict, name: str, required: bool = False) -> str | None:
    value = cells.get(name)
    if value:
        value = value.strip()
        if value:
            return value
    if required:
        raise RowError(name, "Required.")
    return None


def integer(cells: dict, name: str, required: bool = False) -> int | None:
    value = text(cells, name, required)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError as error:
        raise RowError(name, f"Not a number: {value!r}.") from error
    # Compared before int(), which nan and inf (float's "nan", "1e400") break.
    if not 0 <= number < 2**31 or number != int(number):
        raise RowError(name, f"Not a whole number from 0: {value!r}.")
    return int(number)


def decimal(cells: dict, name: str, low: float, high: float) -> float | None:
    value = text(cells, name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError as error:
        raise RowError(name, f"Not a number: {value!r}.") from error
    if not low <= number <= high:
        raise RowError(name, f"Must be between {low:g} and {high:g}.")
    return number


DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%d %B %Y",
    "%Y%m%d",
)


def day(cells: dict, name: str, required: bool = True) -> date | None:
    value = text(cells, name, required)
    if value is None:
        return None
    if len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise RowError(name, f"Not a date: {value!r}.")


def country(value: str | None, field: str) -> str | None:
    if not value:
        return None
    code = to_alpha3(value)
    if code is None:
        raise RowError(field, f"Unknown country {value!r}.")
    return code


def choice(cells: dict, name: str, table: dict, required: bool = False):
    value = text(cells, name, required)
    if value is None:
        return None
    if value not in table:
        raise RowError(
            name, f"Unexpected value {value!r}; expected one of {', '.join(table)}."
        )
    return table[value]

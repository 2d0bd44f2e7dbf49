"""A JSON object from a CSV cell, refused where the API would refuse it in a body."""

import json
import re

import orjson

from api.services.ingest.formats.base import RowError
from reference.limits import MAX_INT64, MAX_NESTING, MIN_INT64

# A run of digits long enough to be an integer past 64 bits, which orjson
# reads as a float: another number, silently.
_LONG_DIGITS = re.compile(r"[0-9]{19}")


def json_object(raw: str, name: str) -> dict:
    """The object in cell ``name``; a RowError naming it if no database would
    store it as written (see reference.limits)."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise RowError(name, f"Not JSON: {error}.") from None
    if not isinstance(value, dict):
        raise RowError(name, "Must be a JSON object.")
    # Each check only when a cheap look at the text says it may fail: an
    # import reads hundreds of thousands of cells, and most pass them all.
    if raw.count("[") + raw.count("{") > MAX_NESTING and _deeper(value, MAX_NESTING):
        raise RowError(name, f"Arrays and objects nest at most {MAX_NESTING} deep.")
    if "\\u0000" in raw and _holds_nul(value):
        raise RowError(name, "Holds a NUL character.")
    if _LONG_DIGITS.search(raw):
        try:
            # Nested within MAX_NESTING by now: the parser's recursion is safe.
            json.loads(raw, parse_int=_int64)
        except ValueError:
            raise RowError(
                name, f"Integers must be from {MIN_INT64} to {MAX_INT64} (64 bits)."
            ) from None
    return value


def _deeper(value, levels: int) -> bool:
    """Whether arrays and objects in ``value`` nest more than ``levels`` deep."""
    if not isinstance(value, dict | list):
        return False
    if levels == 0:
        return True
    items = value.values() if isinstance(value, dict) else value
    return any(_deeper(item, levels - 1) for item in items)


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return isinstance(value, list) and any(_holds_nul(item) for item in value)


def _int64(text: str) -> int:
    number = int(text) if len(text) <= 20 else MAX_INT64 + 1
    if not MIN_INT64 <= number <= MAX_INT64:
        raise ValueError(text)
    return number

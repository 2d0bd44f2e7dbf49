"""orjson as Flask's JSON provider: the serialiser is most of a list page's cost.

Request bodies are read by ``load_body`` instead.
"""

import json

from flask.json.provider import JSONProvider

import orjson


def _integer(text: str) -> int:
    # int() refuses a number of over 4300 digits with a ValueError the JSON
    # error handling does not catch; past 20 digits it is beyond the 64 bits
    # the schemas allow anyway, and a stand-in as far out is refused alike,
    # naming the field.
    if len(text) > 20:
        return -(2**64) if text.startswith("-") else 2**64
    return int(text)


def load_body(body: bytes):
    """A request body as Python values.

    The standard library's parser, not orjson: orjson reads integers beyond
    64 bits as floats, silently changed, where the schemas must see them to
    refuse them; NaN, Infinity, lone surrogates and nesting past the limit
    are likewise read here and refused by the schemas, naming the field. A
    RecursionError means nesting too deep to read at all (hundreds of levels).
    """
    return json.loads(body.decode("utf-8"), parse_int=_integer)


class OrjsonProvider(JSONProvider):
    def dumps(self, obj, *, sort_keys: bool = False, **_kwargs) -> str:
        option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
        return orjson.dumps(obj, option=option).decode()

    def loads(self, s, **_kwargs):
        return orjson.loads(s)

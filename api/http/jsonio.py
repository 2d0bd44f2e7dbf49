"""orjson as Flask's JSON provider: the serialiser is most of a list page's cost."""

from flask.json.provider import JSONProvider

import orjson


class OrjsonProvider(JSONProvider):
    def dumps(self, obj, *, sort_keys: bool = False, **_kwargs) -> str:
        option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
        return orjson.dumps(obj, option=option).decode()

    def loads(self, s, **_kwargs):
        return orjson.loads(s)

"""Shared schema pieces: the error shape, base classes and query helpers."""

import copy
import math

import marshmallow as ma

from reference.limits import MAX_INT64, MAX_NESTING, MIN_INT64
from schemas.compiled import CompiledDump
from schemas.fields import PlainInteger


class ProblemSchema(ma.Schema):
    """RFC 9457 Problem Details, the body of every error response."""

    type = ma.fields.String(
        metadata={"description": "URI of the problem type.", "example": "about:blank"}
    )
    title = ma.fields.String(
        metadata={
            "description": "HTTP status phrase.",
            "example": "Unprocessable Entity",
        }
    )
    status = ma.fields.Integer(metadata={"example": 422})
    detail = ma.fields.String(
        metadata={
            "description": "What went wrong, for a person.",
            "example": "Invalid fields: json.latitude.",
        }
    )
    instance = ma.fields.String(
        metadata={"description": "The request path.", "example": "/locations"}
    )
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Dict(),
        metadata={
            "description": "For each request location (json, query, path), each bad "
            "field and its messages. Nested bodies nest: "
            '`{"json": {"actors": {"0": {"actor_id": ["..."]}}}}`.',
            "example": {"json": {"latitude": ["Must be between -90 and 90."]}},
        },
    )


def unstorable(text: str) -> bool:
    """NUL characters, or lone surrogates (not Unicode): no database stores them."""
    return _text_problem(text) is not None


def _text_problem(text: str, subject: str = "Must be") -> str | None:
    if "\x00" in text:
        return f"{subject} Unicode text without NUL characters."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return f"{subject} Unicode text without lone surrogates (\\ud800-\\udfff)."
    return None


def escaped(text: str) -> str:
    """``text`` with NUL and lone surrogates written as escapes, so that an
    answer naming it can be encoded."""
    escaped_text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return escaped_text.replace("\x00", "\\x00")


# Nesting past MAX_NESTING is refused here, naming the first value too deep;
# the HTTP layer answers bodies too deep to parse at all with a 400.
_OUT_OF_RANGE = f"Must be an integer from {MIN_INT64} to {MAX_INT64} (64 bits)."
_NOT_FINITE = "Must be a finite number: NaN and Infinity are not JSON."
_TOO_DEEP = f"Arrays and objects nest at most {MAX_NESTING} deep."


def _unfit(value, path=(), depth=0):
    """(path, message) for each value no database stores as it was sent."""
    if isinstance(value, str):
        problem = _text_problem(value)
        if problem:
            yield path, problem
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not MIN_INT64 <= value <= MAX_INT64:
            yield path, _OUT_OF_RANGE
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield path, _NOT_FINITE
    elif isinstance(value, dict | list):
        if depth >= MAX_NESTING:
            yield path, _TOO_DEEP
            return
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            problem = isinstance(key, str) and _text_problem(
                key, "A field name must be"
            )
            if problem:
                # Named escaped: the answer could not be encoded otherwise.
                yield (*path, escaped(key)), problem
            else:
                yield from _unfit(item, (*path, key), depth + 1)


class InputSchema(CompiledDump, ma.Schema):
    """A request body; what no database stores as sent is refused: text with
    NUL or lone surrogates (in names too), integers beyond 64 bits, NaN and
    Infinity, and nesting deeper than MAX_NESTING."""

    @ma.pre_load
    def _refuse_unstorable(self, data, **_kwargs):
        errors: dict = {}
        for path, message in _unfit(data):
            node = errors
            for step in path[:-1]:
                node = node.setdefault(step, {})
                if not isinstance(node, dict):
                    break  # an escaped name equal to a sibling's: one message
            else:
                node[path[-1] if path else "_schema"] = [message]
        if errors:
            raise ma.ValidationError(errors)
        return data


class RecordSchema(CompiledDump, ma.Schema):
    """Output fields every record has; the server owns them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only id is always there: a sparse fieldset (fields=) leaves out the rest.
        for name, field in self.fields.items():
            field.required = name == "id"

    id = ma.fields.Integer(dump_only=True, required=True, metadata={"example": 1})
    created_at = ma.fields.AwareDateTime(
        dump_only=True, metadata={"example": "2020-03-09T12:00:00+00:00"}
    )
    updated_at = ma.fields.AwareDateTime(
        dump_only=True, metadata={"example": "2020-03-09T12:00:00+00:00"}
    )


class ProvenanceSchema(ma.Schema):
    """Where an imported record came from; all null for one entered here."""

    source = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The dataset it was imported from (acled, ucdp-ged, "
            "gdelt, dateline, or a batch client's name); null when entered here.",
            "example": "acled",
        },
    )
    source_id = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Its id in that dataset.", "example": "SYR100001"},
    )
    source_file = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The file, or the batch's label, it last came in.",
            "example": "acled_2020.csv",
        },
    )
    source_imported_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "When it was last imported (UTC).",
            "example": "2020-03-10T06:00:00+00:00",
        },
    )
    source_attributes = ma.fields.Dict(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The dataset's original row, or what of it has no "
            "field of its own.",
            "example": {"event_type": "Battles", "inter1": "1"},
        },
    )


def make_partial(schema_class: type[ma.Schema], name: str) -> type[ma.Schema]:
    """Return a subclass of ``schema_class`` that loads partially (for PATCH).

    Its fields have no defaults: a field left out keeps its value, and a
    documented default made generated clients send it on every PATCH
    (``date_precision: day`` reset an event known to the month).
    """

    def __init__(self, *args, **kwargs):
        # The top-level fields only: partial=True reaches into nested records
        # too, and a PATCH's source without its article_id got through (a 500).
        kwargs.setdefault("partial", tuple(schema_class._declared_fields))
        schema_class.__init__(self, *args, **kwargs)

    fields = {}
    for field_name, declared in schema_class._declared_fields.items():
        fields[field_name] = copy.copy(declared)
        fields[field_name].load_default = ma.missing
    return type(
        name,
        (schema_class,),
        {
            **fields,
            "__init__": __init__,
            "__doc__": (
                "Fields to change; the others keep their values. "
                + schema_class.__doc__
            ),
        },
    )


UPDATED_SINCE = ma.fields.AwareDateTime(
    metadata={
        "description": "Only records changed at or after this time (for sync).",
        "example": "2020-03-09T00:00:00Z",
    }
)


class Values(ma.fields.List):
    """A repeated query parameter that takes commas too: ``a=x,y`` is ``a=x&a=y``.

    Only for values that cannot hold a comma (codes, ids, names from a fixed
    list); free text such as an actor's name is repeated, never split.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list | tuple):
            value = [
                part.strip()
                for item in value
                for part in (item.split(",") if isinstance(item, str) else (item,))
            ]
        return super()._deserialize(value, attr, data, **kwargs)


def many(field: ma.fields.Field, commas: bool = True, **kwargs) -> ma.fields.List:
    """A repeatable query parameter: ``?kind=a&kind=b`` means a OR b.

    With ``commas``, ``?kind=a,b`` means the same (see :class:`Values`).
    """
    metadata = dict(kwargs.pop("metadata", {}))
    metadata["description"] = " ".join(
        filter(None, (metadata.get("description"), several(commas)))
    )
    return (Values if commas else ma.fields.List)(field, metadata=metadata, **kwargs)


def several(commas: bool = True) -> str:
    """How a list parameter takes several values, for its description."""
    if commas:
        return "Several values: repeat the parameter, or separate them with commas."
    return "Several values: repeat the parameter (a value may hold commas)."


class DeleteArgsSchema(ma.Schema):
    force = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Delete even when other records still reference this "
            "one: their references are removed (links dropped, foreign keys set to "
            "null). Without it such a delete is a 409."
        },
    )


MAX_INT = 2**31 - 1

# The published schema's ``pattern`` is read as ECMA-262 reads it, and
# Python's re differs: its \d, \w and \s match more characters (Arabic digits,
# accented letters, information separators), ECMA's \s one more (U+FEFF), and
# its $ also matches before a final newline. Our patterns spell their
# character classes out and anchored ones are matched whole, so a client
# checking the schema and the server accept the same strings.
SPACES = (
    r"\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a"
    r"\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class Whole(ma.validate.Regexp):
    """``Regexp`` that the whole value must match, as JSON Schema's ^...$ means."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value


NOT_BLANK = ma.validate.Regexp(f"^[{SPACES}]*[^{SPACES}]", error="Must not be blank.")


def id_field(strict: bool = True, **kwargs) -> ma.fields.Integer:
    """A record id: in a JSON body a number (strict), in a query string digits."""
    return PlainInteger(
        strict=strict, validate=ma.validate.Range(min=1, max=MAX_INT), **kwargs
    )

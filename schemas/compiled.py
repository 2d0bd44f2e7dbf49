"""Dumping with marshmallow's result at a fraction of its cost.

marshmallow dumps each field through several calls (serialize, get_value,
the schema's get_attribute, get_value again, then the field's own
_serialize), which is most of a list page's CPU. ``CompiledDump`` reads the
schema's dump fields once, after ``only``/``exclude`` and ``load_only`` are
applied, and turns each into one step: fetch the attribute, then convert it
the way that field's own ``_serialize`` does. A field it does not know
(or one read through a dotted path) is dumped by marshmallow's own code for
that field; a schema with dump hooks or its own get_attribute keeps
marshmallow's dump whole. ``tests/test_compiled_dump.py`` holds
the result equal to marshmallow's for every output schema, include and
sparse fieldset.
"""

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import fields
from marshmallow.decorators import POST_DUMP, PRE_DUMP
from marshmallow.utils import missing

# (output key, attribute to read or "" for marshmallow's way, conversion, default)
Step = tuple[str, str, Callable | None, Any]


def _text(value):
    return value if type(value) is str else ma.utils.ensure_text_type(value)


def _number(kind: type) -> Callable:
    def convert(value):
        return value if type(value) is kind else kind(value)

    return convert


def _formatter(field: fields.DateTime) -> Callable:
    data_format = field.format or field.DEFAULT_FORMAT
    format_func = field.SERIALIZATION_FUNCS.get(data_format)
    if format_func is not None:
        return format_func
    return lambda value: value.strftime(data_format)


def _converter(field: fields.Field) -> Callable | None | bool:
    """How ``field`` turns a value that is not None into its output: a
    function, None when the value passes as it is, False when unknown."""
    method = type(field)._serialize
    if method is fields.Field._serialize:
        return None
    if method is fields.String._serialize:
        return _text
    if method is fields.Number._serialize and not field.as_string:
        if field.num_type in (int, float):
            return _number(field.num_type)
    if method is fields.DateTime._serialize:
        return _formatter(field)
    if type(field) is fields.Nested:
        compiled = compile_dump(field.schema)
        if compiled is None:
            return False
        many = field.schema.many or field.many
        if many:
            return lambda value: [compiled(each) for each in value]
        return compiled
    if type(field) is fields.List:
        inner = _converter(field.inner)
        if inner is False:
            return False
        if inner is None:
            return list
        return lambda value: [None if each is None else inner(each) for each in value]
    return False


def _step(schema: ma.Schema, name: str, field: fields.Field) -> Step:
    key = field.data_key if field.data_key is not None else name
    attribute = field.attribute if field.attribute is not None else name
    convert = _converter(field) if field._CHECK_ATTRIBUTE else False
    if convert is False or "." in attribute:
        # marshmallow's own way for this field, whatever it does.
        def by_marshmallow(obj):
            return field.serialize(name, obj, accessor=schema.get_attribute)

        return key, "", by_marshmallow, missing
    return key, attribute, convert, field.dump_default


def compile_dump(schema: ma.Schema) -> Callable[[Any], dict] | None:
    """A function dumping one object as ``schema`` does, or None if it cannot."""
    cached = schema.__dict__.get("_compiled_dump", missing)
    if cached is not missing:
        return cached
    compiled = _compile(schema)
    schema.__dict__["_compiled_dump"] = compiled
    return compiled


def _compile(schema: ma.Schema) -> Callable[[Any], dict] | None:
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]:
        return None
    if type(schema).get_attribute is not ma.Schema.get_attribute:
        return None
    steps = [_step(schema, name, field) for name, field in schema.dump_fields.items()]
    return _dumper(steps, schema.dict_class)


def _dumper(steps: list[Step], dict_class: type) -> Callable[[Any], dict]:
    def dump(obj):
        result = dict_class()
        subscriptable = hasattr(obj, "__getitem__")
        for key, attribute, convert, default in steps:
            if not attribute:
                value = convert(obj)
                if value is not missing:
                    result[key] = value
                continue
            if subscriptable:
                try:
                    value = obj[attribute]
                except (KeyError, IndexError, TypeError, AttributeError):
                    value = getattr(obj, attribute, missing)
            else:
                value = getattr(obj, attribute, missing)
            if value is missing:
                value = default() if callable(default) else default
                if value is missing:
                    continue
            if value is not None and convert is not None:
                value = convert(value)
            result[key] = value
        return result

    return dump


class CompiledDump:
    """Mixin for output schemas: ``dump`` through ``compile_dump`` when it can."""

    def dump(self, obj, *, many: bool | None = None):
        compiled = compile_dump(self)
        if compiled is None:
            return super().dump(obj, many=many)
        many = self.many if many is None else bool(many)
        if many and obj is not None:
            return [compiled(each) for each in obj]
        return compiled(obj)

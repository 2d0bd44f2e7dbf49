"""Revisions and the change feed."""

from datetime import UTC, date, datetime

import marshmallow as ma

from schemas.actors import ActorSchema
from schemas.articles import ArticleSchema
from schemas.common import InputSchema, Whole, id_field, many
from schemas.events import EventSchema
from schemas.fields import PlainInteger
from schemas.locations import LocationSchema

RECORD_TYPES = ("article", "actor", "location", "event")
# What GET /<records>/<id> dumps each record type with (no include, no fields).
RECORD_SCHEMAS = {
    "article": ArticleSchema(),
    "actor": ActorSchema(),
    "location": LocationSchema(),
    "event": EventSchema(),
}
DATA_EXAMPLE = {
    "source": None,
    "source_id": None,
    "source_file": None,
    "source_imported_at": None,
    "source_attributes": None,
    "event_code": "190",
    "summary": "Strikes on Saraqib.",
    "date_start": "2020-02-27",
    "date_end": "2020-02-27",
    "date_precision": "day",
    "location_id": 3,
    "geo_precision": "exact",
    "fatalities": 34,
    "actors": [{"actor_id": 4, "role": "initiator"}],
    "sources": [{"article_id": 1, "quote": "33 soldiers died."}],
    "id": 7,
    "created_at": "2020-03-09T12:00:00+00:00",
    "updated_at": "2020-03-09T12:30:00+00:00",
}


def _typed(schema: ma.Schema, stored: dict) -> dict:
    """The stored JSON with dates and times as the objects the schema dumps."""
    typed = dict(stored)
    for name, field in schema.fields.items():
        value = stored.get(name)
        if not isinstance(value, str):
            continue
        if isinstance(field, ma.fields.DateTime):
            moment = datetime.fromisoformat(value)
            # Stored as the models hold them: UTC, with or without its offset.
            typed[name] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        elif isinstance(field, ma.fields.Date):
            typed[name] = date.fromisoformat(value)
    return typed


class RecordData(ma.fields.Dict):
    """A revision's record, dumped by the schema GET /<records>/<id> dumps it with.

    Revisions store the whole row (who created it, internal columns), as they
    always have; shaping it when read keeps them as stored, costs imports
    nothing, and follows the record schemas as they change.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        schema = RECORD_SCHEMAS[obj.record_type]
        return schema.dump(_typed(schema, value))


class RevisionSchema(ma.Schema):
    """One change of one record."""

    id = ma.fields.Integer(metadata={"example": 1042})
    cursor = ma.fields.Function(
        lambda revision: str(revision.id),
        metadata={
            "description": "Opaque: pass it as `after` to get what came next.",
            "example": "1042",
        },
    )
    record_type = ma.fields.String(
        metadata={"description": ", ".join(RECORD_TYPES), "example": "event"}
    )
    record_id = ma.fields.Integer(metadata={"example": 7})
    action = ma.fields.String(
        metadata={"description": "create, update, delete or merge", "example": "update"}
    )
    at = ma.fields.AwareDateTime(metadata={"example": "2020-03-09T12:00:00+00:00"})
    by = ma.fields.String(
        allow_none=True,
        metadata={"description": "The name of the key that made the change."},
    )
    changes = ma.fields.Dict(
        attribute="field_changes",
        allow_none=True,
        metadata={
            "description": "Each changed field with its old and new value.",
            "example": {"fatalities": [33, 34]},
        },
    )
    data = RecordData(
        allow_none=True,
        metadata={
            "description": "The whole record after the change, exactly as "
            "GET /<records>/<id> returns it (without include or fields): the "
            "same fields, values in the same formats, an Article, Actor, "
            "Location or Event by record_type. null when it was deleted or "
            "merged away (a tombstone).",
            "example": DATA_EXAMPLE,
        },
    )
    merged_into = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "For a merge: the record that absorbed this one."},
    )


class ChangesArgsSchema(ma.Schema):
    after = ma.fields.String(
        load_default="0",
        # Digits, as every cursor the feed hands out; the pattern is published
        # so a client can tell a well-formed one before sending it.
        validate=Whole(
            r"^[0-9]{0,19}$", error="Use the cursor of a previous page, or 0."
        ),
        metadata={
            "description": "The cursor of the last change you have; 0 (default) "
            "for the beginning.",
            "example": "0",
        },
    )
    limit = PlainInteger(
        load_default=100,
        validate=ma.validate.Range(min=1, max=1000),
        metadata={"description": "At most this many changes (1-1000).", "example": 100},
    )
    type = many(
        ma.fields.String(validate=ma.validate.OneOf(RECORD_TYPES)),
        metadata={"description": "Only changes of these record types."},
    )


class MergeSchema(InputSchema):
    """The record that survives a merge."""

    into = id_field(
        required=True,
        metadata={"description": "The id of the record that stays.", "example": 3},
    )

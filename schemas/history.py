"""Revisions and the change feed."""

import marshmallow as ma

from schemas.common import InputSchema, id_field

RECORD_TYPES = ("article", "actor", "location", "event")


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
    data = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "The whole record after the change; null when it was "
            "deleted or merged away (a tombstone)."
        },
    )
    merged_into = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "For a merge: the record that absorbed this one."},
    )


class ChangesArgsSchema(ma.Schema):
    after = ma.fields.String(
        load_default="0",
        validate=ma.validate.Length(max=40),
        metadata={
            "description": "The cursor of the last change you have; 0 (default) "
            "for the beginning.",
            "example": "0",
        },
    )
    limit = ma.fields.Integer(
        load_default=100,
        validate=ma.validate.Range(min=1, max=1000),
        metadata={"description": "At most this many changes (1-1000).", "example": 100},
    )
    type = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(RECORD_TYPES)),
        metadata={"description": "Only changes of these record types."},
    )


class MergeSchema(InputSchema):
    """The record that survives a merge."""

    into = id_field(
        required=True,
        metadata={"description": "The id of the record that stays.", "example": 3},
    )

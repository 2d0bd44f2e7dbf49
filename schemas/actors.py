"""Actor schemas: output, create/replace, patch and list filters."""

import marshmallow as ma

from schemas.common import (
    NOT_BLANK,
    UPDATED_SINCE,
    InputSchema,
    RecordSchema,
    id_field,
    make_partial,
    many,
)
from schemas.fields import Country
from schemas.query import CURSOR, fields_field, format_field, sort_field
from schemas.vocabulary import ACTOR_KINDS


class ActorWriteSchema(InputSchema):
    """A person, organisation, state or armed group."""

    name = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(min=1, max=300), NOT_BLANK],
        metadata={"example": "Recep Tayyip Erdoğan"},
    )
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(ACTOR_KINDS),
        metadata={
            "description": "One of: " + ", ".join(ACTOR_KINDS),
            "example": "person",
        },
    )
    country = Country(allow_none=True, load_default=None)
    description = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Length(max=10000),
        metadata={"example": "President of Turkey"},
    )
    aliases = ma.fields.List(
        ma.fields.String(validate=[ma.validate.Length(min=1, max=300), NOT_BLANK]),
        load_default=list,
        validate=ma.validate.Length(max=200),
        metadata={
            "description": "Other names the actor is known by; the actor is found "
            "by any of them. Duplicates are dropped.",
            "example": ["Erdogan", "Tayyip Erdogan"],
        },
    )


ActorPatchSchema = make_partial(ActorWriteSchema, "ActorPatchSchema")


class ActorSchema(RecordSchema, ActorWriteSchema):
    """An actor, as the API returns it."""

    country = ma.fields.String(allow_none=True, metadata={"example": "TUR"})
    aliases = ma.fields.List(ma.fields.String(), metadata={"example": ["Erdogan"]})


class ActorQueryArgsSchema(ma.Schema):
    name = ma.fields.String(
        metadata={
            "description": "Name or any alias, without regard to case or "
            "diacritics: `erdogan` finds `Recep Tayyip Erdoğan` by its alias.",
            "example": "erdogan",
        }
    )
    kind = many(ma.fields.String(validate=ma.validate.OneOf(ACTOR_KINDS)))
    country = many(Country())
    event_id = id_field(strict=False, metadata={"description": "Actors of this event."})
    updated_since = UPDATED_SINCE
    sort = sort_field(("id", "name", "created_at", "updated_at"), "id")
    fields = fields_field(tuple(ActorSchema._declared_fields))
    cursor = CURSOR
    format = format_field(("json", "csv", "ndjson"))

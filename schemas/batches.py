"""Batch writes: many events with their actors, places and articles, at once."""

import marshmallow as ma

from reference.limits import MAX_NESTING, MAX_PLACE_CHAIN
from schemas.common import MAX_INT, NOT_BLANK, InputSchema, id_field
from schemas.events import EventWriteSchema
from schemas.fields import Country, Language, PlainFloat, UTCDateTime
from schemas.vocabulary import ACTOR_KINDS, LOCATION_KINDS, ROLES

MAX_BATCH = 1000


class IdentitySchema(InputSchema):
    """An external identity: the dataset and the record's id there."""

    source = ma.fields.String(
        validate=[ma.validate.Length(min=1, max=32), NOT_BLANK],
        metadata={"description": "Dataset name, e.g. acled.", "example": "acled"},
    )
    source_id = ma.fields.String(
        validate=[ma.validate.Length(min=1, max=100), NOT_BLANK],
        metadata={
            "description": "The record's id in that dataset.",
            "example": "SYR1234",
        },
    )

    @ma.validates_schema
    def _both_or_neither(self, data, **_kwargs):
        if bool(data.get("source")) != bool(data.get("source_id")):
            raise ma.ValidationError("Give source and source_id together.", "source_id")


class PlaceSpecSchema(IdentitySchema):
    """A place given inline; matched to an existing one before one is created."""

    name = ma.fields.String(
        required=True, validate=[ma.validate.Length(min=1, max=300), NOT_BLANK]
    )
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(LOCATION_KINDS))
    country = Country(allow_none=True)
    latitude = PlainFloat(allow_none=True, validate=ma.validate.Range(min=-90, max=90))
    longitude = PlainFloat(
        allow_none=True, validate=ma.validate.Range(min=-180, max=180)
    )
    parent = ma.fields.Nested(
        lambda: PlaceSpecSchema(),
        allow_none=True,
        metadata={
            "description": "The place it lies in, inline too, and so on up: "
            f"at most {MAX_PLACE_CHAIN} places in all, this one included."
        },
    )


class ActorSpecSchema(IdentitySchema):
    """An actor given inline; matched by identity, then name or alias and country."""

    name = ma.fields.String(
        required=True, validate=[ma.validate.Length(min=1, max=300), NOT_BLANK]
    )
    kind = ma.fields.String(
        load_default="other", validate=ma.validate.OneOf(ACTOR_KINDS)
    )
    country = Country(allow_none=True)
    description = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(max=10000)
    )
    aliases = ma.fields.List(
        ma.fields.String(validate=[ma.validate.Length(min=1, max=300), NOT_BLANK]),
        validate=ma.validate.Length(max=200),
    )


class ArticleSpecSchema(IdentitySchema):
    """An article given inline; matched by URL."""

    url = ma.fields.Url(
        required=True, schemes={"http", "https"}, validate=ma.validate.Length(max=2048)
    )
    title = ma.fields.String(validate=[ma.validate.Length(min=1, max=1000), NOT_BLANK])
    body = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=1_000_000))
    outlet = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=300))
    wire_agency = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(max=300)
    )
    published_at = UTCDateTime(allow_none=True)
    language = Language(allow_none=True)


class BatchActorLinkSchema(InputSchema):
    actor_id = id_field()
    actor = ma.fields.Nested(ActorSpecSchema)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))

    @ma.validates_schema
    def _one_actor(self, data, **_kwargs):
        if ("actor_id" in data) == ("actor" in data):
            raise ma.ValidationError("Give actor_id or actor, not both.", "actor_id")


class BatchSourceLinkSchema(InputSchema):
    article_id = id_field()
    article = ma.fields.Nested(ArticleSpecSchema)
    quote = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=10000))

    @ma.validates_schema
    def _one_article(self, data, **_kwargs):
        if ("article_id" in data) == ("article" in data):
            raise ma.ValidationError(
                "Give article_id or article, not both.", "article_id"
            )


class BatchEventSchema(IdentitySchema, EventWriteSchema):
    """An event with its links; places, actors and articles by id or inline."""

    location = ma.fields.Nested(PlaceSpecSchema, allow_none=True)
    actors = ma.fields.List(
        ma.fields.Nested(BatchActorLinkSchema),
        load_default=list,
        validate=ma.validate.Length(max=100),
    )
    sources = ma.fields.List(
        ma.fields.Nested(BatchSourceLinkSchema),
        load_default=list,
        validate=ma.validate.Length(max=100),
    )
    fatalities_low = ma.fields.Integer(
        strict=True, allow_none=True, validate=ma.validate.Range(min=0, max=MAX_INT)
    )
    fatalities_high = ma.fields.Integer(
        strict=True, allow_none=True, validate=ma.validate.Range(min=0, max=MAX_INT)
    )
    source_attributes = ma.fields.Dict(
        keys=ma.fields.String(),
        allow_none=True,
        metadata={
            "description": "Anything of the original record with no field here, "
            "as any JSON object: integers within 64 bits (signed), and arrays "
            f"and objects nested at most {MAX_NESTING} deep in the whole body."
        },
    )

    @ma.pre_load
    def _place_chain_in_limit(self, data, **_kwargs):
        # Before the chain is loaded: each level is a nested load, and later
        # a lookup, so an unbounded chain costs what the client chooses.
        node = data.get("location") if isinstance(data, dict) else None
        path = ["location"]
        for _ in range(MAX_PLACE_CHAIN):
            if not isinstance(node, dict) or node.get("parent") is None:
                return data
            node = node["parent"]
            path.append("parent")
        # Named at the first place past the limit: location.parent.parent...
        errors: dict | list = [
            f"An inline place chain holds at most {MAX_PLACE_CHAIN} places."
        ]
        for step in reversed(path):
            errors = {step: errors}
        raise ma.ValidationError(errors)

    @ma.validates_schema
    def _one_place(self, data, **_kwargs):
        if data.get("location_id") is not None and data.get("location") is not None:
            raise ma.ValidationError(
                "Give location_id or location, not both.", "location"
            )


class RecordByRecord(ma.fields.Nested):
    """Documented as the nested schema, but loaded later one record at a time.

    A batch's answer lists every bad record; loading the list in one go would
    stop at the first records with bad fields and never check the others'
    references and codes.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ma.ValidationError("Not a valid object.")
        return value


class BatchSchema(InputSchema):
    """Up to 1000 events, written all together or not at all."""

    events = ma.fields.List(
        RecordByRecord(BatchEventSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_BATCH),
    )


class BatchResultSchema(ma.Schema):
    created = ma.fields.Integer(metadata={"example": 2})
    updated = ma.fields.Integer(metadata={"example": 1})
    unchanged = ma.fields.Integer(metadata={"example": 0})
    ids = ma.fields.List(
        ma.fields.Integer(),
        metadata={
            "description": "The event id of each record, in order.",
            "example": [7, 8, 3],
        },
    )

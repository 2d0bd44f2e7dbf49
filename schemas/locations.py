"""Location schemas: output, create/replace, patch and list filters."""

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
from schemas.fields import Country, PlainFloat
from schemas.query import (
    CURSOR,
    BoundingBox,
    fields_field,
    format_field,
    sort_field,
)
from schemas.vocabulary import LOCATION_KINDS

_KIND_DOC = (
    "One of: " + ", ".join(LOCATION_KINDS) + ". A city or a site needs "
    "coordinates; areas and routes may have a representative point or none."
)


class LocationWriteSchema(InputSchema):
    """A place: a country, an administrative unit, a city, a site or a route."""

    name = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(min=1, max=300), NOT_BLANK],
        metadata={"example": "Idlib"},
    )
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(LOCATION_KINDS),
        metadata={"description": _KIND_DOC, "example": "city"},
    )
    country = Country(allow_none=True, load_default=None)
    parent_id = id_field(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "The enclosing location (city -> admin1 -> country). "
            "A location cannot be its own ancestor.",
            "example": 2,
        },
    )
    latitude = PlainFloat(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Range(min=-90, max=90),
        metadata={"description": "WGS 84 degrees, -90 to 90.", "example": 35.9306},
    )
    longitude = PlainFloat(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Range(min=-180, max=180),
        metadata={"description": "WGS 84 degrees, -180 to 180.", "example": 36.6339},
    )


LocationPatchSchema = make_partial(LocationWriteSchema, "LocationPatchSchema")


class LocationSchema(RecordSchema, LocationWriteSchema):
    """A place, as the API returns it."""

    country = ma.fields.String(allow_none=True, metadata={"example": "SYR"})
    parent_id = ma.fields.Integer(allow_none=True, metadata={"example": 2})


class LocationQueryArgsSchema(ma.Schema):
    name = ma.fields.String(
        metadata={"description": "Exact name, without regard to case."}
    )
    kind = many(ma.fields.String(validate=ma.validate.OneOf(LOCATION_KINDS)))
    country = many(Country())
    parent_id = id_field(strict=False, metadata={"description": "Direct children of."})
    within = many(
        id_field(strict=False),
        metadata={"description": "Locations inside these (and these themselves)."},
    )
    bbox = BoundingBox(
        metadata={
            "description": "min_lon,min_lat,max_lon,max_lat (WGS 84).",
            "example": "35.5,35.0,37.5,36.5",
        }
    )
    updated_since = UPDATED_SINCE
    sort = sort_field(("id", "name", "created_at", "updated_at"), "id")
    fields = fields_field(tuple(LocationSchema._declared_fields))
    cursor = CURSOR
    format = format_field(("json", "csv", "ndjson", "geojson"))


class LocationChildrenArgsSchema(ma.Schema):
    format = format_field(("json", "csv", "ndjson", "geojson"))


class LocationWithAncestorsSchema(LocationSchema):
    """A location with its enclosing places, nearest first."""

    ancestors = ma.fields.List(ma.fields.Nested(LocationSchema))

"""CAMEO codebook entries as the API returns them."""

import marshmallow as ma


class EventCodeSchema(ma.Schema):
    """One code of the CAMEO codebook."""

    code = ma.fields.String(metadata={"example": "057"})
    name = ma.fields.String(metadata={"example": "Sign formal agreement"})
    description = ma.fields.String(allow_none=True)
    parent = ma.fields.String(allow_none=True, metadata={"example": "05"})
    root = ma.fields.String(
        metadata={"description": "The two-digit root.", "example": "05"}
    )
    quad_class = ma.fields.Integer(
        allow_none=True,
        metadata={
            "description": "1 verbal cooperation, 2 material cooperation, "
            "3 verbal conflict, 4 material conflict.",
            "example": 1,
        },
    )
    usage_notes = ma.fields.String(allow_none=True)
    examples = ma.fields.List(ma.fields.String())


class EventCodeQueryArgsSchema(ma.Schema):
    parent = ma.fields.String(
        metadata={"description": "Direct children of this code.", "example": "19"}
    )
    root = ma.fields.Boolean(metadata={"description": "Only the 20 root codes."})
    q = ma.fields.String(metadata={"description": "Words in the name, any case."})

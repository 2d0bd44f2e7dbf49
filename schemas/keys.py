"""API key schemas: what admins send and see. The key itself is shown only once."""

import marshmallow as ma

from schemas.common import InputSchema, RecordSchema, Whole

SCOPES = ("read", "write", "admin")


class ApiKeyCreateSchema(InputSchema):
    """A key to issue: a unique name for the client, and what it may do."""

    name = ma.fields.String(
        required=True,
        validate=[
            ma.validate.Length(min=1, max=100),
            Whole(r"^[A-Za-z0-9_.@-]+$", error="Letters, digits and ._@- only."),
        ],
        metadata={"example": "newsroom-sync"},
    )
    scopes = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(SCOPES)),
        required=True,
        validate=ma.validate.Length(min=1),
        metadata={
            "description": "read, write (implies read), admin (implies all).",
            "example": ["read", "write"],
        },
    )


class ApiKeySchema(RecordSchema):
    """An issued key, without the key."""

    name = ma.fields.String(metadata={"example": "newsroom-sync"})
    prefix = ma.fields.String(
        metadata={"description": "The key's first characters.", "example": "dl_Xk3v9Q"}
    )
    scopes = ma.fields.Function(
        lambda key: key.scopes.split(","),
        metadata={"example": ["read", "write"]},
    )
    revoked_at = ma.fields.AwareDateTime(allow_none=True)
    created_by = ma.fields.String(allow_none=True)


class ApiKeyCreatedSchema(ApiKeySchema):
    """A new key, with the key itself: store it now, it cannot be shown again."""

    key = ma.fields.String(
        metadata={"example": "dl_Xk3v9QeGm0R2c5Zl0yq8f2w6i1nB4sT7uV9xY0zA1b"}
    )

"""Article schemas: output, create/replace, patch and list filters."""

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
from schemas.fields import Language, UTCDateTime
from schemas.query import (
    CURSOR,
    check_relevance,
    fields_field,
    format_field,
    sort_field,
)


class ArticleWriteSchema(InputSchema):
    """A news article: the source text and its metadata."""

    url = ma.fields.Url(
        required=True,
        schemes={"http", "https"},
        validate=ma.validate.Length(max=2048),
        metadata={
            "description": "Canonical URL; unique across articles.",
            "example": "https://www.urdupoint.com/en/world/nato-notices-decrease-in-violence-in-syrias-idlib-860425.html",
        },
    )
    title = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(min=1, max=1000), NOT_BLANK],
        metadata={
            "example": "NATO Notices Decrease In Violence In Syria's Idlib Since "
            "Putin-Erdogan Talks - Stoltenberg"
        },
    )
    body = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Length(max=1_000_000),
        metadata={"example": "NATO has noticed a decrease in violence ..."},
    )
    outlet = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Length(max=300),
        metadata={"example": "Pakistan Point News"},
    )
    wire_agency = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Length(max=300),
        metadata={"example": "Sputnik"},
    )
    dateline_location_id = id_field(
        allow_none=True,
        load_default=None,
        metadata={"description": "Where the article was filed.", "example": 12},
    )
    published_at = UTCDateTime(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "ISO 8601 with a UTC offset; stored and returned in UTC.",
            "example": "2020-03-09T15:42:00+05:00",
        },
    )
    language = Language(allow_none=True, load_default=None)


ArticlePatchSchema = make_partial(ArticleWriteSchema, "ArticlePatchSchema")


class ArticleSchema(RecordSchema, ArticleWriteSchema):
    """An article, as the API returns it."""

    url = ma.fields.String(metadata={"example": "https://example.org/idlib"})
    language = ma.fields.String(allow_none=True, metadata={"example": "en"})
    dateline_location_id = ma.fields.Integer(allow_none=True, metadata={"example": 12})
    published_at = ma.fields.AwareDateTime(
        allow_none=True, metadata={"example": "2020-03-09T10:42:00+00:00"}
    )


class ArticleSummarySchema(ArticleSchema):
    """An article without its body, as embedded in events."""

    class Meta:
        exclude = ("body",)


class ArticleQueryArgsSchema(ma.Schema):
    outlet = many(
        ma.fields.String(), commas=False, metadata={"description": "Exact outlet name."}
    )
    wire_agency = many(ma.fields.String(), commas=False)
    language = many(Language())
    dateline_location_id = id_field(strict=False)
    published_at_min = UTCDateTime(
        metadata={
            "description": "Published at or after.",
            "example": "2020-03-01T00:00:00Z",
        }
    )
    published_at_max = UTCDateTime(
        metadata={
            "description": "Published at or before.",
            "example": "2020-03-31T23:59:59Z",
        }
    )
    event_id = id_field(
        strict=False, metadata={"description": "Articles reporting this event."}
    )
    q = ma.fields.String(
        validate=ma.validate.Length(min=1, max=500),
        metadata={
            "description": "Full-text search in title and body, by English word "
            "stems (`attack` finds attacked, attacks). Words are ANDed; "
            '"quoted phrases", OR and -exclusions work as in web search. Without '
            "sort, the newest matches come first; `sort=relevance` puts the best "
            "first.",
            "example": "ceasefire Idlib",
        },
    )
    updated_since = UPDATED_SINCE
    sort = sort_field(
        ("id", "published_at", "title", "created_at", "updated_at", "relevance"),
        "id",
        "`id`; with `updated_since`, `updated_at` (a sync scan, in the order of "
        "changes); with `q`, `-published_at` (newest first). `relevance` (with `q` "
        "only, best matches first, by page number) ranks every match, which costs "
        "time in proportion to their number",
    )
    fields = fields_field(tuple(ArticleSchema._declared_fields))
    cursor = CURSOR
    format = format_field(("json", "csv", "ndjson"))

    @ma.validates_schema
    def _relevance_with_text(self, data, **_kwargs):
        check_relevance(data)

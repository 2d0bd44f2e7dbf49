"""Event schemas: output, create/replace, patch, links and list filters."""

from datetime import date

import marshmallow as ma

from schemas.actors import ActorSchema
from schemas.articles import ArticleSchema, ArticleSummarySchema
from schemas.common import (
    MAX_INT,
    UPDATED_SINCE,
    InputSchema,
    ProvenanceSchema,
    RecordSchema,
    Whole,
    id_field,
    make_partial,
    many,
)
from schemas.fields import CalendarDate, Country, PlainInteger
from schemas.locations import LocationWithAncestorsSchema
from schemas.query import (
    CURSOR,
    BoundingBox,
    Near,
    check_relevance,
    fields_field,
    format_field,
    include_field,
    sort_field,
)
from schemas.vocabulary import ACTOR_KINDS, DATE_PRECISIONS, GEO_PRECISIONS, ROLES

# The last day a date known to the week may start on: it ends six days later.
LAST_WEEK_START = date(9999, 12, 25)

SORTABLE = (
    "id",
    "date_start",
    "date_end",
    "event_code",
    "fatalities",
    "created_at",
    "updated_at",
)

EVENT_CODE = ma.fields.String(
    validate=Whole(r"^[0-9]{2,4}$", error="Not a CAMEO code: 2 to 4 digits."),
    metadata={
        "description": "A CAMEO event code from the codebook at /event-codes "
        "(for example 190 use conventional military force, 0871 declare a ceasefire).",
        "example": "057",
    },
)


class EventActorWriteSchema(InputSchema):
    """An actor's part in an event."""

    actor_id = id_field(required=True, metadata={"example": 4})
    role = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(ROLES),
        metadata={"description": "One of: " + ", ".join(ROLES), "example": "initiator"},
    )


class EventSourceWriteSchema(InputSchema):
    """An article that reports the event, with the passage that supports it."""

    article_id = id_field(required=True, metadata={"example": 1})
    quote = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Length(max=10000),
        metadata={"example": "The ceasefire in Idlib is holding"},
    )


class EventWriteSchema(InputSchema):
    """Something that happened: who did what to whom, where and when."""

    event_code = ma.fields.String(
        required=True,
        validate=EVENT_CODE.validate,
        metadata=EVENT_CODE.metadata,
    )
    summary = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Length(max=10000),
        metadata={"example": "Russia and Turkey agree a ceasefire in Idlib."},
    )
    date_start = CalendarDate(
        required=True,
        metadata={
            "description": "First day the event may have happened.",
            "example": "2020-03-05",
        },
    )
    date_end = CalendarDate(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "Last day it may have happened. When omitted it is "
            "derived from date_start and date_precision: the same day, the 7 "
            "days from date_start, the end of the month or of the year.",
            "example": "2020-03-05",
        },
    )
    date_precision = ma.fields.String(
        load_default="day",
        validate=ma.validate.OneOf(DATE_PRECISIONS),
        metadata={
            "description": "How precisely the date is known: "
            + ", ".join(DATE_PRECISIONS),
            "example": "day",
        },
    )
    location_id = id_field(allow_none=True, load_default=None, metadata={"example": 3})
    geo_precision = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=ma.validate.OneOf(GEO_PRECISIONS),
        metadata={
            "description": "How precisely the place is known: "
            + ", ".join(GEO_PRECISIONS),
            "example": "exact",
        },
    )
    fatalities = ma.fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=ma.validate.Range(min=0, max=MAX_INT),
        metadata={"description": "Deaths; null when unknown.", "example": 33},
    )
    actors = ma.fields.List(
        ma.fields.Nested(EventActorWriteSchema),
        load_default=list,
        validate=ma.validate.Length(max=100),
    )
    sources = ma.fields.List(
        ma.fields.Nested(EventSourceWriteSchema),
        load_default=list,
        validate=ma.validate.Length(max=100),
    )

    @ma.validates_schema
    def _dates_in_order(self, data, **_kwargs):
        start, end = data.get("date_start"), data.get("date_end")
        if start and end and end < start:
            raise ma.ValidationError("Must not be before date_start.", "date_end")

    @ma.validates_schema
    def _derived_end_in_calendar(self, data, **_kwargs):
        # A week from its last six days would end past 9999-12-31: the events
        # service says so too, but a batch derives the end without it.
        start = data.get("date_start")
        derived = data.get("date_end") is None and data.get("date_precision") == "week"
        if derived and start and start > LAST_WEEK_START:
            raise ma.ValidationError(
                "Too late for this precision: the range would end after 9999-12-31.",
                "date_start",
            )


EventPatchSchema = make_partial(EventWriteSchema, "EventPatchSchema")


class EventActorSchema(EventActorWriteSchema):
    """An actor's part in an event, as the API returns it."""

    actor = ma.fields.Nested(
        ActorSchema,
        metadata={"description": "The actor's record, with include=actors."},
    )


class EventSourceSchema(EventSourceWriteSchema):
    """A source of an event, as the API returns it."""

    article = ma.fields.Nested(
        ArticleSummarySchema,
        metadata={"description": "The article (without body), with include=sources."},
    )


class EventSchema(RecordSchema, EventWriteSchema, ProvenanceSchema):
    """An event, as the API returns it."""

    date_end = ma.fields.Date(metadata={"example": "2020-03-05"})
    actors = ma.fields.List(ma.fields.Nested(EventActorSchema))
    sources = ma.fields.List(ma.fields.Nested(EventSourceSchema))
    location = ma.fields.Nested(
        LocationWithAncestorsSchema,
        attribute="place",
        allow_none=True,
        metadata={"description": "The place and its ancestors, with include=location."},
    )


class EventActorDetailSchema(EventActorSchema):
    """An actor of an event, with the actor's record."""

    actor = ma.fields.Nested(ActorSchema)


class EventSourceDetailSchema(EventSourceSchema):
    """A source of an event, with the article's record."""

    article = ma.fields.Nested(ArticleSchema)


EVENT_FIELDS = tuple(EventSchema._declared_fields)
INCLUDE = include_field(
    ("actors", "sources", "location"),
    "Embed related records: `actors` (each link gets `actor`), `sources` (each "
    "link gets `article`, without body), `location` (with its ancestors). Repeat "
    "for several.",
)


class EventShapeArgsSchema(ma.Schema):
    fields = fields_field(EVENT_FIELDS)
    include = INCLUDE


class EventQueryArgsSchema(EventShapeArgsSchema):
    event_code = many(
        EVENT_CODE,
        metadata={
            "description": "CAMEO code and every code below it: 19 matches "
            "190-196 and their children; 195 matches 195, 1951 and 1952."
        },
    )
    date_from = CalendarDate(
        metadata={
            "description": "Events whose date range ends on or after this day. "
            "Ranges respect precision: an event known only to December 2019 "
            "matches any day of that month.",
            "example": "2020-02-27",
        }
    )
    date_to = CalendarDate(
        metadata={
            "description": "Events whose date range starts on or before this day.",
            "example": "2020-03-09",
        }
    )
    date_precision = many(ma.fields.String(validate=ma.validate.OneOf(DATE_PRECISIONS)))
    updated_since = UPDATED_SINCE
    country = many(
        Country(), metadata={"description": "Country of the event's location."}
    )
    location = many(
        id_field(strict=False),
        metadata={
            "description": "Events at these locations or anywhere inside them "
            "(location=<Syria> finds events in Idlib city)."
        },
    )
    location_id = many(
        id_field(strict=False),
        metadata={"description": "Events placed exactly at these locations."},
    )
    bbox = BoundingBox(
        metadata={
            "description": "Events whose location lies in min_lon,min_lat,max_lon,"
            "max_lat (WGS 84); min_lon > max_lon crosses the antimeridian.",
            "example": "35.5,35.0,37.5,36.5",
        }
    )
    near = Near(
        metadata={
            "description": "Events whose location is within radius_km of lat,lon.",
            "example": "35.93,36.63,50",
        }
    )
    actor = many(
        ma.fields.String(validate=ma.validate.Length(min=1, max=300)),
        commas=False,
        metadata={
            "description": "Actor id, or a name or alias without regard to case "
            "or diacritics (`erdogan` finds Recep Tayyip Erdoğan). Combined with "
            "role, actor_kind and actor_country, one actor must meet them all.",
            "example": ["erdogan"],
        },
    )
    actor_id = many(
        id_field(strict=False),
        metadata={"description": "Events with any of these actors."},
    )
    role = many(
        ma.fields.String(validate=ma.validate.OneOf(ROLES)),
        metadata={
            "description": "The role of the matched actor; alone, events with "
            "any actor in that role."
        },
    )
    actor_kind = many(ma.fields.String(validate=ma.validate.OneOf(ACTOR_KINDS)))
    actor_country = many(Country())
    article_id = id_field(
        strict=False, metadata={"description": "Events this article reports."}
    )
    fatalities_min = PlainInteger(validate=ma.validate.Range(min=0, max=MAX_INT))
    fatalities_max = PlainInteger(validate=ma.validate.Range(min=0, max=MAX_INT))
    source = many(
        ma.fields.String(validate=ma.validate.Length(min=1, max=32)),
        metadata={
            "description": "Events imported from these datasets; `none` for "
            "events entered here.",
            "example": ["acled"],
        },
    )
    source_id = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100),
        metadata={
            "description": "The event with this id in its dataset (with source).",
            "example": "SYR100001",
        },
    )
    q = ma.fields.String(
        validate=ma.validate.Length(min=1, max=500),
        metadata={
            "description": "Full-text search in summaries and quotes, by English "
            "word stems (`attack` finds attacked, attacks). Words are ANDed; "
            '"quoted phrases", OR and -exclusions work as in web search. Without '
            "sort, the newest matches come first; `sort=relevance` puts the best "
            "first.",
            "example": "ceasefire",
        },
    )
    sort = sort_field(
        (*SORTABLE, "relevance"),
        "id",
        "`id`; with `updated_since`, `updated_at` (a sync scan, in the order "
        "of changes); with `q`, `date_from` or `date_to`, `-date_start` (newest "
        "first). `relevance` (with `q` only, best matches first, by page number) "
        "ranks every match, which costs time in proportion to their number",
    )
    cursor = CURSOR
    format = format_field(("json", "csv", "ndjson", "geojson"))

    @ma.validates_schema
    def _relevance_with_text(self, data, **_kwargs):
        check_relevance(data)

    @ma.validates_schema
    def _one_source_for_an_id(self, data, **_kwargs):
        if data.get("source_id") and len(data.get("source") or ()) != 1:
            raise ma.ValidationError("Give one source with source_id.", "source")

    @ma.validates_schema
    def _ranges_in_order(self, data, **_kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise ma.ValidationError("Must not be before date_from.", "date_to")
        low, high = data.get("fatalities_min"), data.get("fatalities_max")
        if low is not None and high is not None and high < low:
            raise ma.ValidationError(
                "Must not be below fatalities_min.", "fatalities_max"
            )


# A record's own event list takes its record from the path: the filter that
# names the same record is not offered there (it would be overridden), and a
# client generated from the document gets no two parameters of one name.
class ActorEventQueryArgsSchema(EventQueryArgsSchema):
    class Meta:
        exclude = ("actor_id",)


class LocationEventQueryArgsSchema(EventQueryArgsSchema):
    class Meta:
        exclude = ("location", "location_id")


class ArticleEventQueryArgsSchema(EventQueryArgsSchema):
    class Meta:
        exclude = ("article_id",)

"""Event statistics: GET /events's filters plus how to bucket, and the buckets."""

from datetime import date

import marshmallow as ma

from schemas.common import many
from schemas.events import EventQueryArgsSchema
from schemas.vocabulary import LOCATION_KINDS

INTERVALS = ("day", "week", "month", "year", "none")
DIMENSIONS = ("country", "location", "event_code", "actor", "role", "source")
MEASURES = ("events", "fatalities", "fatalities_unknown")

PRECISION_RULE = (
    "An event is counted in a period only when its whole date range (date_start "
    "to date_end) lies in that period. An event known only to a month is counted "
    "in its month (or year) bucket; asked per week or day it fits no single "
    "bucket and is counted in `imprecise` instead, with the first and last "
    "periods it may fall in, never put on the 1st. `totals` count both."
)


class EventStatsArgsSchema(EventQueryArgsSchema):
    """GET /events's filters, and how to bucket and group the matching events."""

    class Meta:
        exclude = ("sort", "fields", "include", "cursor")

    format = ma.fields.String(
        validate=ma.validate.OneOf(("json", "csv", "png")),
        metadata={
            "description": "json (default), csv (the buckets as a table, then "
            "the imprecise ones), or png (a chart). The Accept header chooses "
            "too (text/csv, image/png); this parameter wins over it.",
            "example": "csv",
        },
    )
    interval = ma.fields.String(
        validate=ma.validate.OneOf(INTERVALS),
        metadata={
            "description": "Length of each period: day, week (ISO, from Monday), "
            "month, year, or none for one bucket over the whole range. Periods "
            "without events inside the range are answered with zeros. An "
            "answer holds at most 100000 buckets (periods times groups): past "
            "that, the interval asked for is refused (422). Without interval: "
            "month, or year where months would be more than 100000 buckets "
            "(data over centuries); the answer's `interval` says which. "
            + PRECISION_RULE,
            "example": "week",
        },
    )
    group_by = many(
        ma.fields.String(validate=ma.validate.OneOf(DIMENSIONS)),
        validate=ma.validate.Length(max=3),
        metadata={
            "description": "Split each period by: country (of the event's "
            "location), location (see location_level), event_code (see "
            "event_code_level), actor, role, source (the dataset an event was "
            "imported from; null for events entered here). "
            "An event with two actors counts once in each actor's bucket, so "
            "actor and role buckets may add up to more than `totals`. Events "
            "without the value (no location, no actor) form a null group.",
            "example": ["event_code"],
        },
    )
    location_level = ma.fields.String(
        validate=ma.validate.OneOf(LOCATION_KINDS),
        metadata={
            "description": "With group_by=location: group by the enclosing place "
            "of this kind (admin1 puts Idlib city in Idlib Governorate); events "
            "placed above that level form the null group. Without it, by the "
            "event's own location.",
            "example": "admin1",
        },
    )
    event_code_level = ma.fields.String(
        load_default="full",
        validate=ma.validate.OneOf(("full", "root")),
        metadata={
            "description": "With group_by=event_code: the full code (0871) or "
            "its CAMEO root (08).",
            "example": "root",
        },
    )
    measure = ma.fields.String(
        load_default="events",
        validate=ma.validate.OneOf(MEASURES),
        metadata={
            "description": "What the chart (PNG) draws; JSON and CSV carry all.",
            "example": "fatalities",
        },
    )

    @ma.validates_schema
    def _levels_need_their_group(self, data, **_kwargs):
        if data.get("location_level") and "location" not in data.get("group_by", []):
            raise ma.ValidationError(
                "Applies with group_by=location.", "location_level"
            )


class EventStatsChartArgsSchema(EventStatsArgsSchema):
    """The same, for the chart: always a PNG."""

    class Meta:
        exclude = ("sort", "fields", "include", "cursor", "format")


class Rows(ma.fields.List):
    """Flat rows, documented by the nested schema but dumped as they are.

    A daily series by actor has tens of thousands of buckets; running each
    through marshmallow would cost more than the GROUP BY that made them.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        # Periods recur in every group's row: each is written once.
        days: dict = {}
        return [
            {
                k: days.get(v) or days.setdefault(v, v.isoformat())
                if v.__class__ is date
                else v
                for k, v in row.items()
            }
            for row in value
        ]


class CountsSchema(ma.Schema):
    events = ma.fields.Integer(
        required=True, metadata={"description": "Events counted.", "example": 12}
    )
    fatalities = ma.fields.Integer(
        required=True,
        metadata={"description": "Sum of their known fatalities.", "example": 87},
    )
    fatalities_unknown = ma.fields.Integer(
        required=True,
        metadata={
            "description": "Events whose fatalities are unknown (null): not "
            "counted in fatalities, and not the same as 0.",
            "example": 2,
        },
    )


class StatsBucketSchema(CountsSchema):
    """One period (and group): present only the group fields asked for."""

    period = ma.fields.Date(
        allow_none=True,
        metadata={
            "description": "First day of the period; null with interval=none.",
            "example": "2020-02-24",
        },
    )
    country = ma.fields.String(allow_none=True, metadata={"example": "SYR"})
    location_id = ma.fields.Integer(allow_none=True, metadata={"example": 2})
    location_name = ma.fields.String(
        allow_none=True, metadata={"example": "Idlib Governorate"}
    )
    event_code = ma.fields.String(allow_none=True, metadata={"example": "19"})
    event_name = ma.fields.String(allow_none=True, metadata={"example": "Fight"})
    actor_id = ma.fields.Integer(allow_none=True, metadata={"example": 4})
    actor_name = ma.fields.String(allow_none=True, metadata={"example": "Turkey"})
    role = ma.fields.String(allow_none=True, metadata={"example": "initiator"})
    source = ma.fields.String(allow_none=True, metadata={"example": "acled"})


class ImpreciseBucketSchema(StatsBucketSchema):
    """Events whose date range spans several periods, by first and last period."""

    last_period = ma.fields.Date(
        required=True,
        metadata={
            "description": "First day of the last period they may fall in.",
            "example": "2019-12-30",
        },
    )


class TotalsSchema(CountsSchema):
    imprecise_events = ma.fields.Integer(
        required=True,
        metadata={"description": "Of these, counted in imprecise.", "example": 1},
    )


class EventStatsSchema(ma.Schema):
    """Counts and fatalities per period and group, ready to chart."""

    interval = ma.fields.String(
        required=True,
        metadata={
            "description": "The interval of the periods: the one asked for, or "
            "the one chosen without it (month, or year).",
            "example": "week",
        },
    )
    group_by = ma.fields.List(
        ma.fields.String(), required=True, metadata={"example": ["event_code"]}
    )
    date_from = ma.fields.Date(
        allow_none=True,
        metadata={"description": "First day of the series.", "example": "2019-12-02"},
    )
    date_to = ma.fields.Date(
        allow_none=True,
        metadata={"description": "Last day of the series.", "example": "2020-03-15"},
    )
    totals = ma.fields.Nested(
        TotalsSchema,
        required=True,
        metadata={"description": "Each matching event counted once."},
    )
    buckets = Rows(
        ma.fields.Nested(StatsBucketSchema),
        required=True,
        metadata={
            "description": "Every period of the range (zeros where nothing "
            "happened) times every group seen, in order of period then group."
        },
    )
    imprecise = Rows(
        ma.fields.Nested(ImpreciseBucketSchema),
        required=True,
        metadata={"description": PRECISION_RULE},
    )

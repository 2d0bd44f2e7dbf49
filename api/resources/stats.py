"""HTTP endpoints for event statistics: counts and fatalities over time, charted."""

from flask import current_app
from flask.views import MethodView

from api.http import charts
from api.http.export.negotiation import attachment, negotiate, table
from api.resources.blueprint import Blueprint, problem
from api.services import stats
from schemas.stats import (
    EventStatsArgsSchema,
    EventStatsChartArgsSchema,
    EventStatsSchema,
)

blp = Blueprint(
    "Event statistics",
    __name__,
    url_prefix="/events",
    description="How many events, and how many deaths, per day, week, month or "
    "year, by country, place, event type, actor, role or source: counted by the "
    "database over every event GET /events would list with the same filters.",
)

EXAMPLE = {
    "interval": "week",
    "group_by": ["event_code"],
    "date_from": "2020-02-24",
    "date_to": "2020-03-08",
    "totals": {
        "events": 4,
        "fatalities": 41,
        "fatalities_unknown": 1,
        "imprecise_events": 1,
    },
    "buckets": [
        {
            "period": "2020-02-24",
            "event_code": "19",
            "event_name": "Fight",
            "events": 2,
            "fatalities": 34,
            "fatalities_unknown": 0,
        },
        {
            "period": "2020-03-02",
            "event_code": "19",
            "event_name": "Fight",
            "events": 0,
            "fatalities": 0,
            "fatalities_unknown": 0,
        },
    ],
    "imprecise": [
        {
            "period": "2020-02-24",
            "last_period": "2020-03-02",
            "event_code": "19",
            "event_name": "Fight",
            "events": 1,
            "fatalities": 7,
            "fatalities_unknown": 0,
        }
    ],
}
DESCRIPTION = (
    "The buckets (JSON, the default), the same as a table (CSV), or drawn "
    "(PNG: one line per group, the 8 largest and the sum of the others)."
)
CHART = "The chart: one line per group, the 8 largest and the sum of the others."
PNG = {
    "content_type": "image/png",
    "schema": {"type": "string", "contentMediaType": "image/png"},
    "description": DESCRIPTION,
}
CSV = {
    "content_type": "text/csv",
    "schema": {
        "type": "string",
        "description": "The buckets as a table, then the imprecise ones: period, "
        "last_period, imprecise (true/false), the group columns, events, "
        "fatalities, fatalities_unknown.",
    },
    "description": DESCRIPTION,
    "example": "period,last_period,imprecise,event_code,event_name,events,"
    "fatalities,fatalities_unknown\r\n2020-02-24,2020-02-24,false,19,Fight,2,34,0\r\n",
}
NOT_ACCEPTABLE = problem(
    406,
    "The Accept header names none of JSON, CSV and PNG.",
    "Accept lists none of: application/json, text/csv, image/png.",
)
MEASURES = ("events", "fatalities", "fatalities_unknown")


def _csv(result: dict):
    groups = [k for k in (result["buckets"] or result["imprecise"] or [{}])[0]]
    named = [k for k in groups if k not in ("period", "last_period", *MEASURES)]
    rows = [
        {**b, "last_period": b["period"], "imprecise": "false"}
        for b in result["buckets"]
    ] + [{**b, "imprecise": "true"} for b in result["imprecise"]]
    return table(rows, ["period", "last_period", "imprecise", *named, *MEASURES])


def _png(result: dict, measure: str):
    return current_app.response_class(
        charts.png(result, measure),
        content_type="image/png",
        headers={"Content-Disposition": attachment("png", inline=True)},
    )


@blp.route("/stats")
class EventStats(MethodView):
    @blp.etag
    @blp.arguments(EventStatsArgsSchema, location="query")
    @blp.response(200, EventStatsSchema, example=EXAMPLE, description=DESCRIPTION)
    @blp.alt_response(200, **CSV)
    @blp.alt_response(200, **PNG)
    @blp.alt_response(406, **NOT_ACCEPTABLE)
    @blp.doc(operationId="getEventStats")
    def get(self, args):
        """Count events and fatalities per period and group"""
        chosen = negotiate(args.pop("format", None), ("json", "csv", "png"))
        measure = args.pop("measure")
        result = stats.event_stats(**args)
        if chosen == "json":
            return result
        return _csv(result) if chosen == "csv" else _png(result, measure)


@blp.route("/stats.png")
class EventStatsChart(MethodView):
    @blp.etag
    @blp.arguments(EventStatsChartArgsSchema, location="query")
    @blp.response(200, **{**PNG, "description": CHART})
    @blp.doc(operationId="getEventStatsChart")
    def get(self, args):
        """Chart events or fatalities per period and group"""
        measure = args.pop("measure")
        return _png(stats.event_stats(**args), measure)

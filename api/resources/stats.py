"""HTTP endpoints for event statistics: counts and fatalities over time, charted."""

from flask import current_app, request
from flask.views import MethodView

from api.http import charts
from api.http.accept import negotiated, offers
from api.http.export.negotiation import EXPORT_CONTENT, attachment, negotiate, table
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
TOLD = (
    "The buckets, as JSON. With `format=csv` (or `Accept: text/csv`) the same "
    "as a table, with `format=png` (or `Accept: image/png`) drawn: one line per "
    "group, the 8 largest and the sum of the others; `GET /events/stats.png` "
    f"draws the same. Their schema and example are in `{EXPORT_CONTENT}`."
)


def _content(alternative: dict) -> dict:
    return {k: v for k, v in alternative.items() if k in ("schema", "example")}


OCTETS = "application/octet-stream"
CHART = "The chart: one line per group, the 8 largest and the sum of the others."
PNG = {
    "content_type": "image/png",
    # format: binary is what generators read as a file (bytes), not text.
    "schema": {"type": "string", "format": "binary", "contentMediaType": "image/png"},
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
ALTERNATIVES = {"text/csv": _content(CSV), "image/png": _content(PNG)}
NOT_ACCEPTABLE = problem(
    406,
    "The Accept header names none of JSON, CSV and PNG.",
    "Accept lists none of: application/json, text/csv, image/png.",
)
CHARTS_NOT_INSTALLED = problem(
    501,
    "PNG was asked for, and this server was installed without the charts extra "
    "(matplotlib): JSON and CSV still answer.",
    charts.NOT_INSTALLED,
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


def _png(result: dict, measure: str, content_type: str = "image/png"):
    return current_app.response_class(
        charts.png(result, measure),
        content_type=content_type,
        headers={"Content-Disposition": attachment("png", inline=True)},
    )


@blp.route("/stats")
class EventStats(MethodView):
    @blp.etag
    @blp.arguments(EventStatsArgsSchema, location="query")
    @blp.response(200, EventStatsSchema, example=EXAMPLE, description=TOLD)
    @blp.alt_response(406, **NOT_ACCEPTABLE)
    @blp.alt_response(501, **CHARTS_NOT_INSTALLED)
    # CSV and PNG are told beside JSON, not as media types of the 200, which
    # generated clients would type as one union of a record and a string.
    @blp.doc(
        operationId="getEventStats",
        responses={200: {EXPORT_CONTENT: ALTERNATIVES}},
    )
    @negotiated
    def get(self, args):
        """Count events and fatalities per period and group

        Counts the events GET /events would list with the same filters, and sums their
        fatalities, per period (`interval`) and per group (`group_by`), with the periods
        in between as zeros. An event whose dates may fall in more than one period is
        counted under `imprecise`, with the first and last it may fall in, never guessed
        into one. JSON by default; `format=csv` gives the same as a table, `format=png`
        as a chart.
        """
        chosen = negotiate(args.pop("format", None), ("json", "csv", "png"))
        if chosen == "png" and not charts.installed():
            return charts.not_installed()
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
    # The same bytes for a client that asks for bytes: generators that know
    # no image/png (openapi-python-client) read this one as a file.
    @blp.alt_response(200, **{**PNG, "content_type": OCTETS, "description": CHART})
    @blp.alt_response(501, **CHARTS_NOT_INSTALLED)
    @blp.doc(operationId="getEventStatsChart")
    @offers("image/png", OCTETS)
    def get(self, args):
        """Chart events or fatalities per period and group

        The counts of GET /events/stats drawn as a PNG line chart, one line per group
        (the 8 largest, and the others summed), of events or fatalities as `measure`
        says. Its URL alone makes the chart, as the `src` of an image.
        """
        if not charts.installed():
            return charts.not_installed()
        measure = args.pop("measure")
        # image/png unless the client prefers plain bytes.
        chosen = request.accept_mimetypes.best_match(("image/png", OCTETS))
        return _png(stats.event_stats(**args), measure, chosen or "image/png")

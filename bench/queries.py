"""Time representative requests through the whole app, in-process.

python -m bench.queries --database-url sqlite:///bench/out/bench.db --repeat 30
"""

import argparse
import json
import math
import os
import statistics
import time
from dataclasses import asdict, dataclass
from urllib.parse import quote, urlsplit

import peewee as pw

from api import create_app
from api.db import db
from api.models import Event, Location
from bench import data

# p95 targets at 1M events, in milliseconds ...
TARGETS_MS = {"postgresql": 50.0, "sqlite": 150.0}
# ... and at 10M events, on PostgreSQL.
TARGET_10M_MS = 100.0
ANALYST = (
    "/events/?event_code=18&event_code=19"
    f"&actor={quote(data.ANALYST_ACTOR)}&role=initiator&near=35.93,36.63,50"
    "&date_from=2020-02-27&date_to=2020-03-09&include=sources&page_size=100"
)


QUARTER = "date_from=2023-01-01&date_to=2023-03-31"
STATS_YEAR = (
    "/events/stats?interval=week&group_by=country"
    "&date_from=2023-01-01&date_to=2023-12-31"
)
STATS_ALL = "/events/stats?interval=month&group_by=country"
# Statistics over the whole table have a target of their own (issue 25).
STATS_TARGET_MS = 1000.0


@dataclass
class Request:
    name: str
    url: str
    # Follow X-Next-Cursor this many pages before timing the next one.
    follow: int = 0
    must_find: bool = False
    target_ms: float | None = None


@dataclass
class Result:
    name: str
    url: str
    rows: int
    total: int | None
    p50_ms: float
    p95_ms: float
    mean_ms: float
    target_ms: float | None = None


def requests(syria_id: int, event_id: int) -> list[Request]:
    """The fixed list, in the order it is reported."""
    word, alias = data.QUERY_WORD, quote(data.ALIAS_QUERY)
    includes = "include=actors&include=sources&include=location"
    return [
        Request("no filter", "/events/"),
        Request("event_code=19", "/events/?event_code=19"),
        Request("one month", "/events/?date_from=2022-03-01&date_to=2022-03-31"),
        Request("country=SYR", "/events/?country=SYR"),
        Request("location=Syria (tree)", f"/events/?location={syria_id}"),
        Request("bbox Idlib", "/events/?bbox=36.2,35.6,37.0,36.3"),
        Request("near Idlib 50 km", "/events/?near=35.93,36.63,50"),
        Request(f"actor={data.ALIAS_QUERY}", f"/events/?actor={alias}"),
        Request("actor+role=initiator", f"/events/?actor={alias}&role=initiator"),
        Request("fatalities_min=10", "/events/?fatalities_min=10"),
        Request(f"q={word}", f"/events/?q={word}"),
        Request("updated_since", "/events/?updated_since=2024-12-01T00:00:00Z"),
        Request("sort=-date_start", "/events/?sort=-date_start"),
        Request("include all, 100", f"/events/?{includes}&page_size=100"),
        Request("cursor page 6", "/events/?cursor=&page_size=100", follow=5),
        Request(
            "cursor page 6, -date_start",
            "/events/?cursor=&sort=-date_start&page_size=100",
            follow=5,
        ),
        Request("GET /events/<id>", f"/events/{event_id}"),
        Request(f"articles q={word}", f"/articles/?q={word}"),
        Request("ANALYST", ANALYST, must_find=True),
        # Filters combined the way analysts combine them.
        Request(f"q={word} + country", f"/events/?q={word}&country=SYR"),
        Request(f"q={word} + quarter", f"/events/?q={word}&{QUARTER}"),
        Request(f"q={word}, -fatalities", f"/events/?q={word}&sort=-fatalities"),
        Request(f"q={word}, page 400", f"/events/?q={word}&page=400"),
        Request("country quarter", f"/events/?country=SYR&{QUARTER}"),
        Request("actor by fatalities", f"/events/?actor={alias}&sort=-fatalities"),
        Request(
            "place year, includes",
            f"/events/?location={syria_id}&date_from=2022-01-01"
            f"&date_to=2022-12-31&{includes}",
        ),
        Request(
            "sync scan, cursor page 6",
            "/events/?updated_since=2024-06-01T00:00:00Z&cursor=&page_size=100",
            follow=5,
        ),
        Request("page 400 (10,000th)", "/events/?page=400"),
        Request("cursor page 50", "/events/?cursor=&page_size=100", follow=49),
        Request("stats week x country, 2023", STATS_YEAR, target_ms=STATS_TARGET_MS),
        Request("stats month x country", STATS_ALL, target_ms=STATS_TARGET_MS),
    ]


def make_app(url: str):
    return create_app(
        {
            "DATABASE_URL": url,
            # The benchmark is one client making thousands of requests.
            "DATELINE_RATE_LIMIT": "1000000/second",
            "DATELINE_LOG_LEVEL": "WARNING",
        }
    )


def context(app) -> dict:
    """Ids the requests need, and the size of the corpus."""
    with app.app_context(), db.connection_context():
        syria = Location.get((Location.kind == "country") & (Location.country == "SYR"))
        count = Event.select().count()
        middle = Event.select(pw.fn.MAX(Event.id)).scalar() // 2
    return {"syria_id": syria.id, "event_id": middle, "events": count}


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text)
    return response


def resolve(client, request: Request) -> str:
    """The URL to time: for cursor scans, the page after ``follow`` pages."""
    url = request.url
    for _ in range(request.follow):
        cursor = fetch(client, url).headers["X-Next-Cursor"]
        url = request.url.replace("cursor=", f"cursor={cursor}", 1)
    return url


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def measure(client, request: Request, repeat: int) -> Result:
    url = resolve(client, request)
    body = fetch(client, url)
    rows = body.json if isinstance(body.json, list) else [body.json]
    if request.must_find:
        assert rows, f"{request.name} found nothing: {url}"
    total = json.loads(body.headers.get("X-Pagination", "{}")).get("total")
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fetch(client, url)
        samples.append((time.perf_counter() - started) * 1000)
    return Result(
        request.name,
        url,
        len(rows),
        total if total is not None and total >= 0 else None,
        percentile(samples, 0.50),
        percentile(samples, 0.95),
        statistics.fmean(samples),
        request.target_ms,
    )


def describe(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return f"sqlite {parts.path[1:]}"
    return f"postgresql {parts.hostname}:{parts.port or 5432}{parts.path}"


def table(results: list[Result], target: float) -> str:
    width = max(len(r.name) for r in results)
    head = (
        f"{'query':<{width}}  {'rows':>5}  {'total':>9}  {'p50 ms':>8}  {'p95 ms':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        total = "-" if r.total is None else f"{r.total:,}"
        over = "  OVER" if r.p95_ms > (r.target_ms or target) else ""
        lines.append(
            f"{r.name:<{width}}  {r.rows:>5}  {total:>9}  "
            f"{r.p50_ms:>8.1f}  {r.p95_ms:>8.1f}{over}"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", metavar="PATH")
    parser.add_argument("--only", action="append", help="run only these names")
    args = parser.parse_args(argv)
    app = make_app(args.database_url)
    found = context(app)
    kind = "sqlite" if args.database_url.startswith("sqlite") else "postgresql"
    target = TARGETS_MS[kind]
    if kind == "postgresql" and found["events"] > 2_000_000:
        target = TARGET_10M_MS
    client = app.test_client()
    results = [
        measure(client, request, args.repeat)
        for request in requests(found["syria_id"], found["event_id"])
        if not args.only or request.name in args.only
    ]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"database: {describe(args.database_url)}   load average at end: {load}")
    events = f"{found['events']:,}"
    print(f"events: {events}   repeat: {args.repeat}   target: p95 < {target:g} ms")
    print()
    print(table(results, target))
    if args.json:
        report = {"database": describe(args.database_url), "events": found["events"]}
        report |= {"repeat": args.repeat, "target_ms": target, "load": load}
        report["results"] = [asdict(r) for r in results]
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2)


if __name__ == "__main__":
    main()

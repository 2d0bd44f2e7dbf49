"""Time event statistics and whole-corpus exports through the app, in-process.

python -m bench.stats_export --database-url sqlite:///bench/out/bench-1m.db

The database is reused when it already holds --events events (default 1M) with
the current schema. Otherwise, with --build, bench.corpus builds one there
first (replacing the database: never point --build at one others are using).
"""

import argparse
import json
import statistics
import time
from urllib.parse import urlsplit

import peewee as pw

from api import create_app
from api.db import open_database
from bench import anchor, corpus

# Targets at 1M events: the statistics request in ms, exports in events/s.
STATS_TARGET_MS = {"postgresql": 500.0, "sqlite": 1500.0}
EXPORT_TARGET = 20_000
STATS = {
    "month x country": "/events/stats?interval=month&group_by=country",
    "week x event root": "/events/stats?interval=week&group_by=event_code"
    "&event_code_level=root",
    "year x actor": "/events/stats?interval=year&group_by=actor",
    "day, Syria 2020": "/events/stats?interval=day&country=SYR"
    "&date_from=2020-01-01&date_to=2020-12-31",
}


def count_events(url: str) -> int:
    """Events in the database, or 0 when it has no (current) event table."""
    database = open_database(url)
    try:
        with database.connection_context():
            columns = {c.name for c in database.get_columns("event")}
            if "source" not in columns:
                return 0
            return database.execute_sql("SELECT COUNT(*) FROM event").fetchone()[0]
    except pw.DatabaseError:
        return 0
    finally:
        database.close_all()


def rss_kb(field: str = "VmRSS") -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def time_stats(client, url: str, repeat: int) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    times, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        assert response.status_code == 200
    body = response.get_json()
    return {
        "buckets": len(body["buckets"]),
        "events": body["totals"]["events"],
        "min_ms": min(times),
        "p50_ms": statistics.median(times),
        "max_ms": max(times),
        # This process's CPU: all of the work on SQLite, none of the server's
        # on PostgreSQL. On a shared machine it says what wall time cannot.
        "cpu_p50_ms": statistics.median(cpu),
    }


def time_export(client, fmt: str, expected: int) -> dict:
    """Stream the whole corpus, reading it as a client would, chunk by chunk."""
    before = rss_kb()
    peak, size, lines = before, 0, 0
    started, used = time.perf_counter(), time.process_time()
    response = client.get(f"/events/?format={fmt}")
    assert response.status_code == 200
    for index, chunk in enumerate(response.response):
        size += len(chunk)
        lines += chunk.count(b"\n")
        if index % 20 == 0:
            peak = max(peak, rss_kb())
    response.close()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - used
    if fmt == "ndjson":
        assert lines == expected, (lines, expected)
    return {
        "events": expected,
        "seconds": seconds,
        "events_per_s": expected / seconds,
        "events_per_cpu_s": expected / cpu,
        "mb": size / 1e6,
        "rss_before_mb": before / 1024,
        "rss_peak_mb": max(peak, rss_kb()) / 1024,
    }


def report(kind: str, stats: dict, exports: dict) -> None:
    target = STATS_TARGET_MS[kind]
    print(
        f"{'statistics':<20} {'buckets':>8} {'min ms':>7} {'p50 ms':>7} "
        f"{'max ms':>7} {'CPU ms':>7}"
    )
    for name, r in stats.items():
        mark = "  OVER" if name == "month x country" and r["p50_ms"] > target else ""
        print(
            f"{name:<20} {r['buckets']:>8,} {r['min_ms']:>7.0f} {r['p50_ms']:>7.0f} "
            f"{r['max_ms']:>7.0f} {r['cpu_p50_ms']:>7.0f}{mark}"
        )
    print(f"(target for month x country: p50 under {target:.0f} ms)\n")
    print(
        f"{'export':<8} {'events':>10} {'s':>6} {'events/s':>9} {'/CPU s':>7} "
        f"{'MB':>5} {'RSS before/peak MB':>19}"
    )
    for fmt, r in exports.items():
        mark = "  UNDER" if r["events_per_s"] < EXPORT_TARGET else ""
        print(
            f"{fmt:<8} {r['events']:>10,} {r['seconds']:>6.1f} "
            f"{r['events_per_s']:>9,.0f} {r['events_per_cpu_s']:>7,.0f} "
            f"{r['mb']:>5.0f} {r['rss_before_mb']:>9.0f} / {r['rss_peak_mb']:<7.0f}"
            f"{mark}"
        )
    print(f"(target: at least {EXPORT_TARGET:,} events/s, memory flat)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--actors", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--formats", default="ndjson,csv")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--build", action="store_true", help="build a corpus when there is none"
    )
    args = parser.parse_args(argv)
    found = count_events(args.database_url)
    if found < args.events and not args.build:
        parser.error(f"{found:,} events there, not {args.events:,}: add --build")
    if found < args.events:
        print(f"{found:,} events there: building a corpus of {args.events:,}")
        corpus.build(args.database_url, args.events, args.seed, args.actors)
        found = count_events(args.database_url)
    app = create_app(
        {
            "DATABASE_URL": args.database_url,
            "RATELIMIT_ENABLED": False,
            "DATELINE_LOG_LEVEL": "WARNING",
            "DATELINE_EXPORT_BATCH_SIZE": args.batch_size,
        }
    )
    client = app.test_client()
    kind = "sqlite" if urlsplit(args.database_url).scheme == "sqlite" else "postgresql"
    print(f"{kind}, {found:,} events\n")
    before = anchor.workload_ms()
    stats = {name: time_stats(client, url, args.repeat) for name, url in STATS.items()}
    formats = [f for f in args.formats.split(",") if f]
    exports = {f: time_export(client, f, found) for f in formats}
    machine = anchor.describe(before, anchor.workload_ms())
    report(kind, stats, exports)
    print(machine)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(
                {
                    "database": kind,
                    "stats": stats,
                    "exports": exports,
                    "machine": machine,
                },
                out,
            )


if __name__ == "__main__":
    main()

"""Requests per second over HTTP, as a ratio to a plain Flask hello on the same server.

python -m bench.http                      # Granian, as `python -m api.serve` runs it
python -m bench.http --server gunicorn    # the old setup: gunicorn, 2 sync workers
python -m bench.http --server both        # both, interleaved in one run
python -m bench.http --database-url postgresql://postgres@127.0.0.1:5432/bench_http

Needs wrk (`apt-get install wrk`), Redis at --redis-url, and for gunicorn
`.venv/bin/pip install gunicorn` (no longer a project dependency).

Dateline runs with everything a production request goes through: an API key
sent (read scope), the rate limiter counting in Redis (with a limit that never
triggers), Prometheus metrics pooled through PROMETHEUS_MULTIPROC_DIR, one
JSON log line per request (level INFO, to /dev/null) and ETags. The hello
(bench/hello.py) runs under the same server settings: under Granian,
``api.serve.server("bench.hello:app")``; under gunicorn, the settings
of the deleted gunicorn.conf.py (commit aa4902a) without its hooks, which
served the app's metrics and exports. Every server is started once; wrk then
loads hello, one event and a page of 50 nested events in turn, round after
round, and the medians over the rounds are compared within each server.

The database is made anew: a fresh SQLite file in a temporary folder (or the
--database-url, emptied: every table dropped, never the `test` database),
migrated, with the example data `make run` serves and --events copies of
the example events (their actors, places and sources) on random dates.
"""

import argparse
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from email.message import Message
from pathlib import Path
from unittest import mock

import redis

from api import create_app, serve
from api.db import db
from api.models import Event, EventActor, EventSource
from api.models.base import current_author
from api.services import events, examples, keys
from bench.queries import describe
from bench.sink import open_empty

ROOT = Path(__file__).resolve().parent.parent
WRK = shutil.which("wrk")
HOST = "127.0.0.1"
RATE_LIMIT = "100000000/minute"
PAGE_SIZE = 50
PAGE = f"/events/?page_size={PAGE_SIZE}&include=actors&include=sources&include=location"
CASES = ("hello", "event", "page")
LABELS = {
    "hello": "plain Flask hello",
    "event": "GET /events/<id>",
    "page": f"GET /events/ {PAGE_SIZE}, all includes",
}
SERVERS = ("granian", "gunicorn")
READY_TIMEOUT_S = 90
STOP_TIMEOUT_S = serve.KILL_TIMEOUT_S + 10

# gunicorn.conf.py as it was when gunicorn served Dateline (commit aa4902a):
# its settings, for both apps; the bind is given on the command line instead.
GUNICORN_SETTINGS = """\
import os
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
graceful_timeout = 30
timeout = 60
max_requests = 10000
max_requests_jitter = 1000
accesslog = None
limit_request_line = 8190
"""
# ... and its hooks, for Dateline only: a hello worker that imported the api
# package each time max_requests recycles it would pay for what it never uses.
GUNICORN_DATELINE_HOOKS = """\
import shutil
import tempfile
metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(tempfile.gettempdir(), f"dateline-metrics-{os.getpid()}"),
)


def on_starting(server):
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)


def post_worker_init(worker):
    from api.http.export import negotiation

    negotiation.heartbeat = worker.notify


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
"""


@dataclass
class Corpus:
    event_id: int
    events: int
    key: str


@dataclass
class Server:
    kind: str  # granian or gunicorn
    app: str  # hello or dateline
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"


@dataclass
class Run:
    server: str
    case: str
    round: int
    requests_per_s: float
    requests: int
    socket_errors: str | None


@dataclass
class Summary:
    server: str
    case: str
    median: float
    low: float
    high: float
    ratio: float | None
    round_ratios: list[float] = field(default_factory=list)


# The database --------------------------------------------------------------


def copies(count: int, rng: random.Random) -> list[dict]:
    """Bodies for ``count`` copies of the example events, dated at random."""
    originals = list(Event.select().order_by(Event.id))
    bodies = []
    for number in range(count):
        event = originals[number % len(originals)]
        actor_links = EventActor.select().where(EventActor.event == event)
        source_links = EventSource.select().where(EventSource.event == event)
        bodies.append(
            {
                "event_code": event.event_code,
                "summary": event.summary,
                "date_start": date(2015, 1, 1) + timedelta(days=rng.randrange(3650)),
                "date_end": None,
                "date_precision": "day",
                "location_id": event.location_id,
                "geo_precision": event.geo_precision,
                "fatalities": event.fatalities,
                "actors": [
                    {"actor_id": link.actor_id, "role": link.role}
                    for link in actor_links.order_by(EventActor.position)
                ],
                "sources": [
                    {"article_id": link.article_id, "quote": link.quote}
                    for link in source_links.order_by(EventSource.position)
                ],
            }
        )
    return bodies


def build_corpus(url: str, count: int) -> Corpus:
    """An emptied, migrated database with the example data, ``count`` more
    events and a read key, written through the services as the CLI does."""
    sink = open_empty(url)
    app = create_app(
        {"DATABASE_URL": url, "REDIS_URL": None, "DATELINE_LOG_LEVEL": "WARNING"}
    )
    with app.app_context(), db.connection_context():
        current_author.set("load-examples")
        examples.load()
        current_author.set("bench.http")
        for body in copies(count, random.Random(1)):
            events.create_event(body)
        _, plain = keys.create_key("bench-http", ["read"])
        total = Event.select().count()
        last = Event.select().order_by(Event.id.desc()).get().id
    app.extensions["dateline_db"].close_all()
    sink.finish()
    sink.database.close()
    return Corpus(event_id=last // 2 or last, events=total, key=plain)


# Servers -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_env(url: str, args, port: int, metrics: Path | None) -> dict:
    env = dict(os.environ)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env |= {
        "DATABASE_URL": url,
        "REDIS_URL": args.redis_url,
        "DATELINE_RATE_LIMIT": RATE_LIMIT,
        "DATELINE_LOG_LEVEL": "INFO",
        "HOST": HOST,
        "PORT": str(port),
        "WEB_CONCURRENCY": str(args.workers),
    }
    if metrics is not None:
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
    return env


def command(server: Server, folder: Path) -> list[str]:
    if server.kind == "granian":
        module = "api.serve" if server.app == "dateline" else "bench.hello"
        return [sys.executable, "-m", module]
    conf = folder / f"gunicorn-{server.app}.conf.py"
    hooks = GUNICORN_DATELINE_HOOKS if server.app == "dateline" else ""
    conf.write_text(GUNICORN_SETTINGS + hooks, encoding="utf-8")
    target = "wsgi:app" if server.app == "dateline" else "bench.hello:app"
    bind = f"{HOST}:{server.port}"
    return [sys.executable, "-m", "gunicorn", "-c", str(conf), "-b", bind, target]


def start(server: Server, folder: Path, url: str, args) -> None:
    metrics = None
    if server.app == "dateline":
        metrics = folder / f"metrics-{server.kind}"
        metrics.mkdir()
    env = server_env(url, args, server.port, metrics)
    with open(server.log, "wb") as log:
        # The JSON access log goes to stdout: /dev/null. Errors to the log file.
        server.process = subprocess.Popen(
            command(server, folder),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )


def stop(server: Server) -> None:
    process = server.process
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    try:  # workers left behind by a server that was killed
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def tail(path: Path, lines: int = 30) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def logged_errors(servers: list[Server]) -> list[Server]:
    """The servers whose error output holds a traceback, which it prints."""
    failed = []
    for server in servers:
        if server.log.exists() and "Traceback" in server.log.read_text(
            errors="replace"
        ):
            print(f"\n{server.kind} {server.app} logged errors:\n{tail(server.log)}")
            failed.append(server)
    return failed


def fetch(url: str, key: str) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_ready(server: Server, path: str, key: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(
                f"{server.kind} {server.app} exited ({server.process.returncode}):\n"
                + tail(server.log)
            )
        try:
            fetch(server.base + path, key)
            return
        except OSError:
            time.sleep(0.25)
    raise SystemExit(
        f"{server.kind} {server.app} did not answer in {READY_TIMEOUT_S} s:\n"
        + tail(server.log)
    )


def check_dateline(server: Server, urls: dict[str, str], key: str) -> None:
    """The requests answer 200 with what production adds: an ETag, rate
    limit headers (so the key was accepted and counted), a full page."""
    for case in ("event", "page"):
        status, headers, body = fetch(server.base + urls[case], key)
        where = f"{server.kind}: {urls[case]}"
        if status != 200:
            raise SystemExit(f"{where} answered {status}: {body[:500]!r}")
        for name in ("ETag", "X-RateLimit-Limit", "X-Request-ID"):
            if headers.get(name) is None:
                raise SystemExit(f"{where} answered without {name}: {dict(headers)}")
        if case == "page" and len(json.loads(body)) != PAGE_SIZE:
            raise SystemExit(f"{where} returned fewer than {PAGE_SIZE} events")


def check_production_paths(folder: Path, kind: str, redis_url: str) -> None:
    """Metrics were written to the shared folder and the limiter counted in
    Redis (it falls back to memory, silently, if Redis is unreachable)."""
    if not any((folder / f"metrics-{kind}").glob("*.db")):
        raise SystemExit(f"{kind}: no metrics written to PROMETHEUS_MULTIPROC_DIR")
    client = redis.Redis.from_url(redis_url)
    if next(client.scan_iter(match="*dateline*", count=1000), None) is None:
        raise SystemExit(f"{kind}: the rate limiter wrote nothing to {redis_url}")


# wrk -----------------------------------------------------------------------


def wrk(url: str, key: str, args, seconds: int) -> tuple[float, int, str | None]:
    """Requests/s, requests, and wrk's socket errors line if it has one; fails
    at once on any answer that is not 2xx or 3xx."""
    output = subprocess.run(
        [
            WRK,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            "-H",
            f"Authorization: Bearer {key}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    done = re.search(r"(\d+) requests in", output)
    if rate is None or done is None:
        raise SystemExit(f"Could not read wrk's output for {url}:\n{output}")
    if "Non-2xx" in output:
        raise SystemExit(f"Non-2xx or 3xx answers from {url}:\n{output}")
    errors = re.search(r"Socket errors:.*", output)
    return float(rate.group(1)), int(done.group(1)), errors and errors.group(0)


def uptime() -> str:
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


# Report --------------------------------------------------------------------


def summarise(runs: list[Run], kind: str) -> list[Summary]:
    mine = [r for r in runs if r.server == kind]
    rates = {c: [r.requests_per_s for r in mine if r.case == c] for c in CASES}
    hello = statistics.median(rates["hello"])
    rows = []
    for case in CASES:
        median = statistics.median(rates[case])
        per_round = [x / h for x, h in zip(rates[case], rates["hello"], strict=True)]
        rows.append(
            Summary(
                kind,
                case,
                median,
                min(rates[case]),
                max(rates[case]),
                None if case == "hello" else median / hello,
                [] if case == "hello" else per_round,
            )
        )
    return rows


def table(rows: list[Summary]) -> str:
    width = max(len(LABELS[r.case]) for r in rows)
    head = (
        f"{'request':<{width}}  {'req/s':>8}  {'min-max':>15}  "
        f"{'vs hello':>8}  {'per round':>13}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        spread = f"{r.low:,.0f}-{r.high:,.0f}"
        ratio = "1.00" if r.ratio is None else f"{r.ratio:.3f}"
        rounds = ""
        if r.round_ratios:
            rounds = f"{min(r.round_ratios):.3f}-{max(r.round_ratios):.3f}"
        lines.append(
            f"{LABELS[r.case]:<{width}}  {r.median:>8,.0f}  {spread:>15}  "
            f"{ratio:>8}  {rounds:>13}"
        )
    return "\n".join(lines)


def settings(kind: str, env: dict) -> str:
    if kind == "gunicorn":
        return (
            f"gunicorn: {env['WEB_CONCURRENCY']} sync workers, max_requests "
            "10000 (+jitter 1000), timeout 60 (gunicorn.conf.py of aa4902a)"
        )
    with mock.patch.dict(os.environ, env, clear=True):
        granian = serve.server()
    return (
        f"granian: {granian.workers} workers x {granian.blocking_threads} threads, "
        f"backlog {granian.backlog} (api.serve.server())"
    )


# Main ----------------------------------------------------------------------


def preflight(args, kinds: tuple[str, ...]) -> None:
    if WRK is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    if "gunicorn" in kinds and importlib.util.find_spec("gunicorn") is None:
        raise SystemExit(
            "gunicorn is not installed (no longer a project dependency): "
            ".venv/bin/pip install gunicorn"
        )
    try:
        redis.Redis.from_url(args.redis_url).ping()
    except redis.RedisError as error:
        raise SystemExit(f"Redis at {args.redis_url}: {error}") from error


def measure(args, kinds, servers, urls, key) -> list[Run]:
    by_name = {(s.kind, s.app): s for s in servers}

    def target(kind: str, case: str) -> str:
        app = "hello" if case == "hello" else "dateline"
        return by_name[kind, app].base + urls[case]

    for kind in kinds:
        for case in CASES:
            wrk(target(kind, case), key, args, args.warmup)
    runs = []
    for number in range(1, args.rounds + 1):
        for kind in kinds:
            for case in CASES:
                rate, done, errors = wrk(target(kind, case), key, args, args.duration)
                runs.append(Run(kind, case, number, rate, done, errors))
        print(
            f"round {number}: "
            + "  ".join(
                f"{r.server} {r.case} {r.requests_per_s:,.0f}"
                for r in runs
                if r.round == number
            ),
            flush=True,
        )
    return runs


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=(*SERVERS, "both"), default="granian")
    parser.add_argument(
        "--database-url",
        help="emptied and filled anew (default: a SQLite file in a temporary folder)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--events", type=int, default=300, help="copies to add")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c")
    parser.add_argument("--duration", type=int, default=10, help="wrk -d, seconds")
    parser.add_argument("--warmup", type=int, default=3, help="seconds per request")
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    kinds = SERVERS if args.server == "both" else (args.server,)
    preflight(args, kinds)
    load_start = uptime()
    print(f"start: {load_start}", flush=True)

    folder = Path(tempfile.mkdtemp(prefix="dateline-bench-http-"))
    url = args.database_url or f"sqlite:///{folder / 'dateline.db'}"
    servers: list[Server] = []
    try:
        corpus = build_corpus(url, args.events)
        urls = {"hello": "/", "event": f"/events/{corpus.event_id}", "page": PAGE}
        for kind in kinds:
            for app in ("hello", "dateline"):
                log = folder / f"{kind}-{app}.log"
                servers.append(Server(kind, app, free_port(), log))
        for server in servers:
            start(server, folder, url, args)
        for server in servers:
            path = urls["hello"] if server.app == "hello" else urls["event"]
            wait_ready(server, path, corpus.key)
            if server.app == "dateline":
                check_dateline(server, urls, corpus.key)
        runs = measure(args, kinds, servers, urls, corpus.key)
        for kind in kinds:
            check_production_paths(folder, kind, args.redis_url)
    finally:
        for server in servers:
            stop(server)
        failures = logged_errors(servers)
        shutil.rmtree(folder, ignore_errors=True)
    load_end = uptime()

    env = server_env(url, args, 0, None)
    print()
    print(f"database: {describe(url)}   events: {corpus.events:,}")
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
        f"{args.rounds} interleaved rounds, medians; Dateline with an API key, "
        f"Redis rate limiter, metrics, JSON log, ETag"
    )
    print(f"start: {load_start}")
    print(f"end:   {load_end}")
    summaries = {kind: summarise(runs, kind) for kind in kinds}
    for kind in kinds:
        print()
        print(settings(kind, env))
        print(table(summaries[kind]))
    if len(kinds) == 2:
        print()
        print(
            "granian / gunicorn, same run: "
            + ", ".join(
                f"{case} {g.median / u.median:.2f}x"
                for case, g, u in zip(CASES, *summaries.values(), strict=True)
            )
        )
    errors = [r for r in runs if r.socket_errors]
    for run in errors:
        print(
            f"SOCKET ERRORS: {run.server} {run.case} round {run.round}: "
            f"{run.socket_errors}"
        )
    if args.json:
        report = {"database": describe(url), "events": corpus.events}
        report |= {"load_start": load_start, "load_end": load_end}
        report |= {"args": vars(args), "runs": [asdict(r) for r in runs]}
        report["summaries"] = [asdict(s) for rows in summaries.values() for s in rows]
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2)
    if errors or failures:
        raise SystemExit("Socket errors or server errors: see above.")


if __name__ == "__main__":
    main()

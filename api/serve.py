"""The production server: Granian running the WSGI app (``python -m api.serve``).

Granian reads each request's head and body in its own event loop before a
Python thread takes it, so idle or slow clients hold a socket, not a worker:
a sync worker per connection (gunicorn's sync model) was stalled by two
clients that sent half a request. Each worker process runs the app in a pool
of threads; exports take at most ``DATELINE_EXPORT_SLOTS`` of them (see
api/http/export/slots.py), so short requests always find one free.

Settings come from the environment (README, "Running in production").
"""

import os
import shutil
import tempfile

from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings

# Long enough for a slow client on a poor link to send its headers, short
# enough that connections which never finish a request are soon closed.
HEADER_READ_TIMEOUT_MS = 10_000
# A worker asked to stop gets this long to finish its requests (an export
# in progress included) before it is killed.
KILL_TIMEOUT_S = 30


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def server(target: str = "wsgi:app") -> Granian:
    """The server as configured by the environment, not yet started.

    ``target`` is the WSGI app to serve: benchmarks serve another app under
    exactly these settings.
    """
    workers = _int("WEB_CONCURRENCY", 2)
    threads = _int("DATELINE_THREADS", 8)
    # Each thread holds a database connection while it serves: a pool smaller
    # than the threads would refuse connections under load.
    pool = _int("DATELINE_DB_POOL_SIZE", threads)
    if pool < threads:
        raise SystemExit(
            f"DATELINE_DB_POOL_SIZE ({pool}) must be at least DATELINE_THREADS "
            f"({threads}): every thread may hold a connection at once."
        )
    os.environ["DATELINE_DB_POOL_SIZE"] = str(pool)
    return Granian(
        target,
        address=os.environ.get("HOST") or "127.0.0.1",
        port=_int("PORT", 5000),
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        backlog=_int("DATELINE_BACKLOG", 1024),
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS),
        respawn_failed_workers=True,
        respawn_interval=0.5,
        workers_kill_timeout=KILL_TIMEOUT_S,
        # The app writes one JSON line per request itself.
        log_access=False,
        log_level=os.environ.get("DATELINE_SERVER_LOG_LEVEL", "warning").lower(),
    )


def _serve_metrics_apart(bind: str | None) -> None:
    """DATELINE_METRICS_BIND=host:port: this process serves the workers' pooled
    metrics there, on an address Prometheus reaches and clients do not, with
    no key; DATELINE_METRICS=off then closes the API's own /metrics."""
    if not bind:
        return
    # Imported once main has named the folder: prometheus_client chooses how
    # it stores values when first imported, and workers may inherit that.
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    host, _, port = bind.rpartition(":")
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(int(port), host.strip("[]") or "127.0.0.1", registry=registry)


def main() -> None:
    # Worker processes share Prometheus metrics through files in one folder,
    # named before any worker imports prometheus_client; it goes with the server.
    made = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        made = tempfile.mkdtemp(prefix="dateline-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = made
    _serve_metrics_apart(os.environ.get("DATELINE_METRICS_BIND"))
    try:
        server().serve()
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


if __name__ == "__main__":
    main()

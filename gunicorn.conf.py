"""gunicorn settings for Dateline; override any with GUNICORN_CMD_ARGS."""

import os
import shutil
import tempfile

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Sync workers: the handlers are CPU-bound and threads brought nothing on 2 cores.
worker_class = "sync"
# On SIGTERM, in-flight requests get this long to finish before workers stop.
graceful_timeout = 30
timeout = 60
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 10000
max_requests_jitter = 1000
accesslog = None  # the app writes one JSON line per request itself
# gunicorn's largest request line (its default is 4094): long filter lists,
# many location ids say, still reach the app. A longer line gets gunicorn's
# own 414, in HTML, before the app sees it.
limit_request_line = 8190

# Workers are separate processes; Prometheus metrics are pooled through files.
# Set before anything imports prometheus_client, which reads it at import time.
metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(tempfile.gettempdir(), f"dateline-metrics-{os.getpid()}"),
)


def on_starting(server):
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)


def post_worker_init(worker):
    # A sync worker is "silent" while it streams, and is killed after `timeout`
    # seconds, cutting a long export short: exports beat this heartbeat per batch.
    from api.http.export import negotiation

    negotiation.heartbeat = worker.notify


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)

"""What operators see: request ids, one JSON log line per request, metrics, headers."""

import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request

import orjson
from prometheus_client import CollectorRegistry
from prometheus_flask_exporter import PrometheusMetrics

access_log = logging.getLogger("dateline.access")

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The docs page runs Swagger UI's own script and styles, served by us.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
)


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level)


def _start():
    g.started = time.perf_counter()
    sent = request.headers.get("X-Request-ID", "")
    g.request_id = sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex


def _finish(response):
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    docs = request.blueprint == "docs"
    extra = [
        (name, value)
        for name, value in (
            *SECURITY_HEADERS.items(),
            ("Content-Security-Policy", DOCS_CSP if docs else API_CSP),
        )
        if name.lower() not in present
    ]
    extra.append(("X-Request-ID", g.get("request_id", "")))
    if "x-request-id" in present:
        del headers["X-Request-ID"]
    headers.extend(extra)
    if access_log.isEnabledFor(logging.INFO):
        key = g.get("api_key")
        took = (time.perf_counter() - g.get("started", 0.0)) * 1000
        # One JSON object per line, written whole: the fields operators
        # filter on, and the request id that ties it to the client's answer.
        line = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(took, 2),
            "key": key.name if key is not None else None,
            "remote_addr": request.remote_addr,
            "event": "request",
            "request_id": g.get("request_id", ""),
            "level": "info",
            "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        access_log.info(orjson.dumps(line).decode())
    return response


def init_observability(app: Flask) -> PrometheusMetrics:
    """Request ids and access logs, security headers and Prometheus metrics."""
    app.before_request(_start)
    app.after_request(_finish)
    # Worker processes (api.serve) share metrics through PROMETHEUS_MULTIPROC_DIR.
    registry = None if multiprocess_mode() else CollectorRegistry(auto_describe=True)
    metrics = PrometheusMetrics(
        app,
        path=None,
        registry=registry,
        group_by="url_rule",
        defaults_prefix="dateline",
        excluded_paths=["^/metrics$", "^/docs"],
    )
    app.extensions["dateline_metrics"] = metrics
    return metrics


def multiprocess_mode() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

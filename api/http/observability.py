"""What operators see: request ids, one JSON log line per request, metrics, headers."""

import logging
import os
import re
import sys
import time
import uuid

from flask import Flask, g, request

import structlog
from prometheus_client import CollectorRegistry
from prometheus_flask_exporter import PrometheusMetrics

log = structlog.get_logger("dateline.access")

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
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


def _start():
    g.started = time.perf_counter()
    sent = request.headers.get("X-Request-ID", "")
    g.request_id = sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=g.request_id)


def _finish(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    docs = request.blueprint == "docs"
    response.headers.setdefault(
        "Content-Security-Policy", DOCS_CSP if docs else API_CSP
    )
    key = g.get("api_key")
    log.info(
        "request",
        method=request.method,
        path=request.path,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - g.get("started", 0.0)) * 1000, 2),
        key=key.name if key is not None else None,
        remote_addr=request.remote_addr,
    )
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

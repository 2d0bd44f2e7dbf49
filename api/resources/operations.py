"""Liveness, readiness and metrics, for load balancers and monitoring."""

from flask import Response, current_app
from flask.views import MethodView

import marshmallow as ma

import redis
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from api import migrate
from api.db import db
from api.http.observability import multiprocess_mode
from api.resources.blueprint import Blueprint

blp = Blueprint(
    "Operations",
    __name__,
    description="Health and metrics; open to all and never rate limited.",
)


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ok"})


class ReadinessSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ready"})
    checks = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={
            "example": {"database": "ok", "migrations": "ok", "redis": "not configured"}
        },
    )


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        """Tell whether the process is alive"""
        return {"status": "ok"}


def _checks() -> dict[str, str]:
    checks = {}
    try:
        db.execute_sql("SELECT 1")
        checks["database"] = "ok"
        waiting = migrate.pending(db.obj)
        checks["migrations"] = "ok" if not waiting else "pending: " + ", ".join(waiting)
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"unreachable: {type(error).__name__}"
        checks["migrations"] = "unknown"
    url = current_app.config.get("REDIS_URL")
    if not url:
        checks["redis"] = "not configured"
    else:
        try:
            redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()
            checks["redis"] = "ok"
        except redis.RedisError as error:
            checks["redis"] = f"unreachable: {type(error).__name__}"
    return checks


@blp.route("/ready")
class Ready(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(
        503,
        schema=ReadinessSchema,
        description="Something the service needs is missing; checks say what.",
    )
    def get(self):
        """Tell whether the service can answer: database, migrations, Redis"""
        checks = _checks()
        ready = all(v in ("ok", "not configured") for v in checks.values())
        body = {"status": "ready" if ready else "not ready", "checks": checks}
        return (body, 200) if ready else (body, 503)


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.response(
        200,
        {"type": "string"},
        content_type="text/plain",
        description="Prometheus text format: request counts and latency "
        "histograms by endpoint (url rule), method and status.",
    )
    def get(self):
        """Export Prometheus metrics"""
        if multiprocess_mode():
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        else:
            registry = current_app.extensions["dateline_metrics"].registry
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

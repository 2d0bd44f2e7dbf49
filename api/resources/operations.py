"""Liveness, readiness and metrics, for load balancers and monitoring."""

from flask import Response, current_app
from flask.views import MethodView
from werkzeug.exceptions import NotFound

import marshmallow as ma
from flask_smorest import abort

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
from api.http.replicas import replica_states
from api.resources.blueprint import Blueprint, problem

blp = Blueprint(
    "Operations",
    __name__,
    description="Health and readiness, open to all; metrics, for an admin key "
    "unless DATELINE_METRICS opens or hides them. None is rate limited.",
)


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ok"})


class ReadinessSchema(ma.Schema):
    status = ma.fields.String(
        validate=ma.validate.OneOf(("ready", "degraded", "not ready")),
        metadata={
            "description": "ready: every check passes. degraded (still 200): "
            "Redis is unreachable, so rate limits are counted in each worker's "
            "memory meanwhile, or a read replica is unreachable or lagging, so "
            "reads skip it. not ready (503): the database is unreachable or "
            "migrations are pending.",
            "example": "ready",
        },
    )
    checks = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={
            "example": {"database": "ok", "migrations": "ok", "redis": "not configured"}
        },
    )


@blp.route("/health")
class Health(MethodView):
    # Liveness: a database outage is /ready's to report; were /health to fail
    # with it, every live process would be restarted for nothing.
    needs_database = False

    @blp.response(200, HealthSchema)
    def get(self):
        """Tell whether the process is alive

        Liveness: 200 while the process answers requests, without touching
        the database or Redis. Restart the process when it stops answering.
        """
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
    checks.update(replica_states())
    return checks


def _readiness(checks: dict[str, str]) -> str:
    # Without Redis the limiter counts in memory, and without a replica reads
    # go to the primary: the API keeps serving. Only the database and its
    # schema decide whether to take traffic.
    if checks["database"] != "ok" or checks["migrations"] != "ok":
        return "not ready"
    replicas_ok = all(
        state.startswith("ok")
        for name, state in checks.items()
        if name.startswith("replica")
    )
    if checks["redis"] in ("ok", "not configured") and replicas_ok:
        return "ready"
    return "degraded"


READY_EXAMPLES = {
    "ready": {
        "value": {
            "status": "ready",
            "checks": {"database": "ok", "migrations": "ok", "redis": "ok"},
        }
    },
    "degraded": {
        "value": {
            "status": "degraded",
            "checks": {
                "database": "ok",
                "migrations": "ok",
                "redis": "unreachable: ConnectionError",
            },
        }
    },
    "replica lagging": {
        "value": {
            "status": "degraded",
            "checks": {
                "database": "ok",
                "migrations": "ok",
                "redis": "ok",
                "replica 1": "ok (lag 0.0 s)",
                "replica 2": "lagging (lag 42.5 s)",
            },
        }
    },
}
NOT_READY_EXAMPLE = {
    "status": "not ready",
    "checks": {
        "database": "unreachable: OperationalError",
        "migrations": "unknown",
        "redis": "ok",
    },
}


@blp.route("/ready")
class Ready(MethodView):
    # The checks open their own connection, to report a failure in the body
    # instead of failing the request.
    needs_database = False

    @blp.response(
        200,
        ReadinessSchema,
        description="This instance can serve; degraded if Redis or a replica is "
        "unreachable.",
        examples=READY_EXAMPLES,
    )
    @blp.alt_response(
        503,
        schema=ReadinessSchema,
        description="The database is unreachable or migrations are pending; "
        "checks say which.",
        example=NOT_READY_EXAMPLE,
    )
    def get(self):
        """Tell whether the service can answer: database, migrations, Redis, replicas

        Readiness: take this instance out of the load balancer while it
        answers 503. A Redis outage is "degraded", still 200: the API serves,
        counting rate limits in each worker's memory until Redis is back. So
        is a read replica that is unreachable or lags more than
        DATELINE_REPLICA_MAX_LAG_S: reads skip it meanwhile. Each replica has
        a check of its own (`replica 1`, ...), with its lag in seconds.
        """
        checks = _checks()
        status = _readiness(checks)
        return {"status": status, "checks": checks}, (
            503 if status == "not ready" else 200
        )


# The same answer as a path that does not exist.
METRICS_OFF = problem(
    404,
    "Metrics are not served here (DATELINE_METRICS=off).",
    NotFound.description,
)
METRICS_OFF["example"]["instance"] = "/metrics"


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.response(
        200,
        {"type": "string"},
        content_type="text/plain",
        description="Prometheus text format: request counts and latency "
        "histograms by endpoint (url rule), method and status.",
    )
    @blp.alt_response(404, **METRICS_OFF)
    def get(self):
        """Export Prometheus metrics

        Needs an admin key, unless the server opens them to all
        (DATELINE_METRICS=open) or serves them only on a separate bind
        (DATELINE_METRICS=off, a 404 here).
        """
        if current_app.config.get("DATELINE_METRICS") == "off":
            abort(404)
        if multiprocess_mode():
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        else:
            registry = current_app.extensions["dateline_metrics"].registry
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

"""Rate limits per API key (per address otherwise), on Redis or in memory."""

from flask import Flask, g, request

from flask_limiter import Limiter

from api.http.auth import client_identity

EXEMPT_BLUEPRINTS = {"Operations", "docs", "api-docs"}


def _exempt() -> bool:
    return request.blueprint in EXEMPT_BLUEPRINTS or request.method == "OPTIONS"


def _remember_retry_after(response):
    g.answered_retry_after = response.headers.get("Retry-After")
    return response


def _restore_retry_after(response):
    # flask-limiter writes Retry-After on every answer, the later of its own
    # window's end and the handler's: a busy database's "retry in 1 second"
    # became 60. Only a 429 is the limiter's to time; others keep their own.
    if response.status_code != 429:
        answered = g.pop("answered_retry_after", None)
        if answered is None:
            response.headers.pop("Retry-After", None)
        else:
            response.headers["Retry-After"] = answered
    return response


def init_limits(app: Flask) -> Limiter:
    """Apply DATELINE_RATE_LIMIT to every API request, counted in Redis if set."""
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://"
    )
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # A Redis outage must not take the API down: count in memory meanwhile.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "dateline")
    limiter = Limiter(
        # Refused attempts count against their address, and are throttled.
        client_identity,
        # One budget per client across every endpoint, as documented: default
        # limits would give each endpoint a budget of its own.
        application_limits=[app.config["DATELINE_RATE_LIMIT"]],
        application_limits_exempt_when=_exempt,
        # A 304 costs next to nothing; revalidating clients are not punished.
        application_limits_deduct_when=lambda response: response.status_code != 304,
    )
    # After-request hooks run last-registered first: these two bracket the
    # limiter's own, to see Retry-After before and after it writes.
    app.after_request(_restore_retry_after)
    limiter.init_app(app)
    app.after_request(_remember_retry_after)
    app.extensions["dateline_limiter"] = limiter
    return limiter

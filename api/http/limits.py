"""Rate limits per API key (per address when anonymous), on Redis or in memory."""

import hashlib

from flask import Flask, request

from flask_limiter import Limiter

EXEMPT_BLUEPRINTS = {"Operations", "docs", "api-docs"}


def rate_key() -> str:
    # Counted before the key is checked, so that failed attempts cost budget
    # too: by a digest of the credential, or by address when there is none.
    header = request.headers.get("Authorization", "")
    if header:
        return "auth:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return f"ip:{request.remote_addr}"


def _exempt() -> bool:
    return request.blueprint in EXEMPT_BLUEPRINTS or request.method == "OPTIONS"


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
        rate_key,
        default_limits=[app.config["DATELINE_RATE_LIMIT"]],
        default_limits_exempt_when=_exempt,
        # A 304 costs next to nothing; revalidating clients are not punished.
        default_limits_deduct_when=lambda response: response.status_code != 304,
    )
    limiter.init_app(app)
    app.extensions["dateline_limiter"] = limiter
    return limiter

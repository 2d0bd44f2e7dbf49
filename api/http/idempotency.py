"""The Idempotency-Key header on POST: replay the first answer to a retry.

A key is remembered for 24 hours per API key. The same key with another
request (method, path, query or body) is a 422; while the first request is
still running, a retry gets 409 with Retry-After.
"""

import hashlib
import re

from flask import Flask, current_app, g, request

from flask_smorest import abort

from api.http.paths import canonical_path
from api.services import idempotency

HEADER = "Idempotency-Key"
KEY = re.compile(r"[\x21-\x7e]{1,255}")
# Headers of the first answer that a replay repeats.
REPLAYED = ("Location", "ETag", "Content-Type")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    # /events and /events/ are one endpoint: a retry may spell it either way.
    path = canonical_path(request.path)
    for part in (request.method, path, request.query_string.decode()):
        digest.update(part.encode() + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def before():
    key = request.headers.get(HEADER)
    if key is None or request.method != "POST" or g.get("api_key") is None:
        return None
    if not KEY.fullmatch(key):
        abort(
            422,
            errors={"headers": {HEADER: ["1 to 255 visible ASCII characters."]}},
        )
    try:
        found = idempotency.claim(g.api_key.name, key, _fingerprint())
    except idempotency.KeyReused:
        abort(
            422,
            message="This Idempotency-Key was used with a different request.",
            errors={"headers": {HEADER: ["Already used with another request."]}},
        )
    except idempotency.InProgress:
        abort(
            409,
            message="The first request with this Idempotency-Key is still running.",
            headers={"Retry-After": "1"},
        )
    if isinstance(found, int):
        g.idempotency_claim = found
        return None
    response = current_app.response_class(found.body, status=found.status)
    for name, value in (found.headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def after(response):
    claim = g.pop("idempotency_claim", None)
    if claim is not None:
        if response.status_code >= 500:
            idempotency.release(claim)
        else:
            headers = {
                h: response.headers[h] for h in REPLAYED if h in response.headers
            }
            idempotency.settle(
                claim, response.status_code, headers, response.get_data(as_text=True)
            )
    return response


def teardown(_error):
    claim = g.pop("idempotency_claim", None)
    if claim is not None:
        idempotency.release(claim)


def init_idempotency(app: Flask):
    app.before_request(before)
    app.after_request(after)
    app.teardown_request(teardown)

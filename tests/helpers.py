"""Small helpers that several test modules share."""

import json


def ids(client, url):
    """The ids of the records a GET of ``url`` lists, in the order it lists them."""
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return [record["id"] for record in response.get_json()]


def assert_degraded_by_redis(response, redis_check: str):
    """A /ready answer of 200 "degraded": all is well but Redis, whose check
    starts with ``redis_check``."""
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["checks"]["redis"].startswith(redis_check)


def access_lines(caplog) -> dict[str, dict]:
    """The access log lines captured so far, by request id."""
    lines = [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "dateline.access"
    ]
    return {line["request_id"]: line for line in lines}

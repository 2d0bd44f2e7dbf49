"""Compressed answers, Vary, Cache-Control, and ETags that survive compression.

A client that accepts gzip gets the same JSON, CSV or document, smaller;
exports are compressed as they stream; the ETag of a compressed answer works
in If-None-Match and If-Match as the uncompressed one does.
"""

import gzip
import hashlib
import http.client
import json
import random
import tracemalloc
import zlib

import pytest

import peewee as pw

from api import create_app
from api.services.export import writers
from bench.corpus import write_records, write_reference
from bench.records import Generator
from bench.sink import PostgresSink, SqliteSink
from tests.integrity.conftest import live_database
from tests.integrity.server import Server

GZIP = {"Accept-Encoding": "gzip"}
# A summary long enough that one event is past the size worth compressing.
LONG = "Shelling reported near the market; the council counted the damage. " * 30


def _vary(response) -> set[str]:
    return {
        value.strip()
        for field in response.headers.getlist("Vary")
        for value in field.split(",")
    }


def _many_events(app, count: int):
    """``count`` events written in bulk, as the benchmark corpus writes them."""
    database = app.extensions["dateline_db"]
    with database.connection_context():
        postgres = isinstance(database, pw.PostgresqlDatabase)
        sink = PostgresSink(database) if postgres else SqliteSink(database)
        rng = random.Random(7)
        places, people = write_reference(sink, rng, 50)
        write_records(sink, Generator(rng, places, people), count)
        sink.finish()


def test_a_gzipped_page_is_the_same_json(client, make_event):
    for _ in range(20):
        make_event(summary="Clashes at the crossing")
    plain = client.get("/events?page_size=20")
    packed = client.get("/events?page_size=20", headers=GZIP)
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert len(packed.data) < len(plain.data) / 3
    assert json.loads(gzip.decompress(packed.data)) == plain.get_json()
    assert packed.headers["X-Pagination"] == plain.headers["X-Pagination"]


def test_a_small_record_goes_as_it_is(client, make_event):
    event = make_event()
    response = client.get(f"/events/{event['id']}", headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.get_json() == event
    # One format for a record: its answer varies by encoding, not by Accept.
    assert "Accept-Encoding" in _vary(response)
    assert "Accept" not in _vary(response)


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "geojson"])
def test_an_export_is_gzipped_as_it_streams(client, make_event, fmt):
    for n in range(30):
        make_event(summary=f"Strike number {n} on the depot")
    plain = client.get(f"/events?format={fmt}")
    packed = client.get(f"/events?format={fmt}", headers=GZIP)
    assert packed.status_code == 200
    assert packed.is_streamed
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Content-Length" not in packed.headers
    assert packed.headers["Content-Type"] == plain.headers["Content-Type"]
    assert gzip.decompress(packed.data) == plain.data


def _read_export(client, headers: dict, produced: list) -> tuple[str, int, int, int]:
    """The export's digest and lines, how many chunks were made before the
    first one left, and the most memory held meanwhile (the test holds none)."""
    produced.clear()
    digest, lines, first_at = hashlib.sha256(), 0, None
    unpack = zlib.decompressobj(wbits=31) if headers else None
    tracemalloc.start()
    try:
        response = client.get("/events?format=ndjson", headers=headers, buffered=False)
        assert response.status_code == 200
        for chunk in response.response:
            if chunk and first_at is None:
                first_at = len(produced)
            data = unpack.decompress(chunk) if unpack else chunk
            digest.update(data)
            lines += data.count(b"\n")
        response.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    if unpack is not None:
        rest = unpack.flush()
        digest.update(rest)
        lines += rest.count(b"\n")
    return digest.hexdigest(), lines, first_at, peak


def test_a_large_export_is_compressed_while_it_is_read(app, client, monkeypatch):
    app.config["DATELINE_EXPORT_BATCH_SIZE"] = 50
    _many_events(app, 3000)
    produced = []
    ndjson_chunks = writers.ndjson_chunks

    def counted(*args, **kwargs):
        for chunk in ndjson_chunks(*args, **kwargs):
            produced.append(len(chunk))
            yield chunk

    monkeypatch.setattr(writers, "ndjson_chunks", counted)
    _read_export(client, {}, produced)  # warms what the first request builds
    plain, lines, _, plain_peak = _read_export(client, {}, produced)
    packed, _, first_at, packed_peak = _read_export(client, GZIP, produced)
    assert packed == plain
    assert lines == 3000
    # Compressed bytes leave while most batches are yet to be made, and
    # compressing costs a fixed window, not the body: nothing buffers it whole.
    assert first_at < len(produced) / 2
    body = sum(produced)
    assert packed_peak - plain_peak < body / 4, (packed_peak, plain_peak, body)


def test_lists_vary_by_accept_and_encoding_beside_origin(make_app):
    app = make_app(
        DATELINE_CORS_ORIGINS=["https://newsroom.example", "https://desk.example"]
    )
    client = app.test_client()
    origin = {"Origin": "https://newsroom.example"}
    listing = client.get("/events", headers=origin)
    assert listing.status_code == 200
    assert _vary(listing) >= {"Origin", "Accept", "Accept-Encoding"}
    assert len(listing.headers.getlist("Vary")) == 1
    stats = client.get("/events/stats?format=csv", headers=origin)
    assert {"Accept", "Accept-Encoding"} <= _vary(stats)


def test_a_chart_is_not_compressed_again(client, make_event):
    make_event()
    response = client.get("/events/stats.png", headers=GZIP)
    if response.status_code == 501:
        pytest.skip("charts not installed")
    assert response.status_code == 200
    assert response.content_type == "image/png"
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" not in _vary(response)


def test_the_etag_of_a_gzipped_read_revalidates(client, make_event):
    event = make_event(summary=LONG)
    url = f"/events/{event['id']}"
    packed = client.get(url, headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    plain = client.get(url)
    # Two representations, two strong validators.
    assert packed.headers["ETag"] != plain.headers["ETag"]
    tag = packed.headers["ETag"]

    again = client.get(url, headers={**GZIP, "If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["ETag"] == tag
    assert again.headers["Cache-Control"] == packed.headers["Cache-Control"]
    assert again.data == b""

    listing = client.get("/events", headers=GZIP)
    assert listing.headers["Content-Encoding"] == "gzip"
    listed = {**GZIP, "If-None-Match": listing.headers["ETag"]}
    assert client.get("/events", headers=listed).status_code == 304

    make_event(summary=LONG)
    assert client.get("/events", headers=listed).status_code == 200


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_a_write_accepts_the_etag_of_a_compressed_read(client, make_event, coding):
    event = make_event(summary=LONG)
    url = f"/events/{event['id']}"
    read = client.get(url, headers={"Accept-Encoding": coding})
    assert read.headers["Content-Encoding"] == coding
    tag = read.headers["ETag"]

    changed = client.patch(url, json={"fatalities": 3}, headers={"If-Match": tag})
    assert changed.status_code == 200
    assert changed.get_json()["fatalities"] == 3

    stale = client.patch(url, json={"fatalities": 4}, headers={"If-Match": tag})
    assert stale.status_code == 412
    assert client.get(url).get_json()["fatalities"] == 3

    fresh = client.get(url, headers=GZIP).headers["ETag"]
    gone = client.delete(url, headers={"If-Match": fresh})
    assert gone.status_code == 204
    assert client.get(url).status_code == 404


def test_a_replayed_post_is_the_first_answer_uncompressed(client):
    body = {"event_code": "0861", "date_start": "2020-03-05", "summary": LONG}
    headers = {**GZIP, "Idempotency-Key": "gzip-retry-1"}
    first = client.post("/events", json=body, headers=headers)
    assert first.status_code == 201
    assert first.headers["Content-Encoding"] == "gzip"
    retry = client.post("/events", json=body, headers=headers)
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert gzip.decompress(retry.data) == gzip.decompress(first.data)
    plain = client.post(
        "/events", json=body, headers={"Idempotency-Key": "gzip-retry-1"}
    )
    assert plain.get_json() == json.loads(gzip.decompress(first.data))


def test_cache_control_per_kind_of_answer(client, anonymous, make_event):
    event = make_event()
    url = f"/events/{event['id']}"
    assert client.get(url).headers["Cache-Control"] == "private, no-cache"
    assert anonymous.get(url).headers["Cache-Control"] == "no-cache"
    assert anonymous.get("/events").headers["Cache-Control"] == "no-cache"
    assert client.get("/events?format=csv").headers["Cache-Control"] == (
        "private, no-cache"
    )

    changed = client.patch(url, json={"fatalities": 1})
    assert changed.status_code == 200
    assert changed.headers["Cache-Control"] == "no-store"
    assert client.get("/events/999999").headers["Cache-Control"] == "no-store"
    refused = anonymous.post("/events", json={"event_code": "0861"})
    assert refused.status_code == 401
    assert refused.headers["Cache-Control"] == "no-store"
    assert anonymous.get("/health").headers["Cache-Control"] == "no-store"

    spec = anonymous.get("/openapi.json")
    assert spec.headers["Cache-Control"] == "public, max-age=300"
    revalidated = anonymous.get(
        "/openapi.json", headers={"If-None-Match": spec.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    asset = anonymous.get("/docs/swagger-ui.css")
    assert asset.headers["Cache-Control"] == "public, max-age=86400"


def test_the_spec_and_the_docs_assets_are_gzipped(anonymous):
    for path in ("/openapi.json", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"):
        plain = anonymous.get(path)
        packed = anonymous.get(path, headers=GZIP)
        assert packed.status_code == 200, path
        assert packed.headers["Content-Encoding"] == "gzip", path
        assert gzip.decompress(packed.data) == plain.data, path
    spec = anonymous.get("/openapi.json", headers=GZIP)
    again = anonymous.get(
        "/openapi.json", headers={**GZIP, "If-None-Match": spec.headers["ETag"]}
    )
    assert again.status_code == 304
    icon = anonymous.get("/docs/favicon-32x32.png", headers=GZIP)
    assert icon.status_code == 200
    assert "Content-Encoding" not in icon.headers


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def served(request, tmp_path_factory):
    """Granian, as deployed (one worker), on a database of 500 events."""
    with live_database(request.param, tmp_path_factory, "compression") as live:
        app = create_app({"DATABASE_URL": live.url, "TESTING": True})
        try:
            _many_events(app, 500)
        finally:
            app.extensions["dateline_db"].close_all()
        server = Server(live.url, live.key, 1, tmp_path_factory.mktemp("granian"))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _raw_get(
    server, path: str, headers: dict
) -> tuple[http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        sent = {"Authorization": f"Bearer {server.key}", **headers}
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_granian_streams_a_gzipped_export_in_chunks(served):
    plain, expected = _raw_get(served, "/events?format=csv", {})
    packed, body = _raw_get(served, "/events?format=csv", GZIP)
    assert packed.status == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Transfer-Encoding"] == "chunked"
    assert packed.headers["Content-Length"] is None
    assert gzip.decompress(body) == expected
    assert len(body) < len(expected) / 3

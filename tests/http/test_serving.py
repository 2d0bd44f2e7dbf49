"""The server as deployed (Granian) under idle and slow clients, and its launcher.

Idle and slow clients hold sockets, not threads; exports are bounded per worker
process and per client, and give their slots back; the launcher binds to
loopback unless told otherwise, and removes the metrics folder it made.
"""

import math
import os
import random
import shutil
import socket
import subprocess
import time

import pytest

import peewee as pw

from api import create_app, serve
from api.db import open_database
from bench.corpus import write_records, write_reference
from bench.records import Generator
from bench.sink import PostgresSink, SqliteSink
from tests.conftest import issue_key
from tests.integrity.conftest import live_database
from tests.integrity.live_db import prepare, sqlite_database
from tests.integrity.server import ROOT, Server, SlowExport, half_open

# A CSV export of these is some 6.7 MB: past what the kernel buffers for one
# connection (2.8 MB seen, at most tcp_wmem's 4 MiB), so a slow reader's
# export streams, and holds its slot, for as long as a test reads it.
EVENTS = 10_000
# As deployed: 2 worker processes with 3 export slots each, 2 per client.
WORKERS, SLOTS, PER_CLIENT = 2, 3, 2
EXPORTS = WORKERS * SLOTS
TRIES, FAST_S = 20, 1.0


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live(request, tmp_path_factory):
    with live_database(request.param, tmp_path_factory, "serving") as live:
        yield _filled(live)


def _filled(live):
    """The migrated database with the benchmark corpus's places, actors and events."""
    database = open_database(live.url)
    database.connect()
    try:
        postgres = isinstance(database, pw.PostgresqlDatabase)
        sink = PostgresSink(database) if postgres else SqliteSink(database)
        rng = random.Random(1)
        places, people = write_reference(sink, rng, 500)
        write_records(sink, Generator(rng, places, people), EVENTS)
        sink.finish()
    finally:
        database.close()
    return live


@pytest.fixture(scope="module")
def keys(live) -> list[str]:
    """Read keys, one per client, so that no client meets its own bound."""
    app = create_app({"DATABASE_URL": live.url, "TESTING": True})
    try:
        return [issue_key(app, f"reader-{n}", ["read"]) for n in range(EXPORTS + 1)]
    finally:
        app.extensions["dateline_db"].close_all()


def _server(live, workers: int, workdir) -> Server:
    slots = {
        "DATELINE_EXPORT_SLOTS": str(SLOTS),
        "DATELINE_EXPORT_SLOTS_PER_CLIENT": str(PER_CLIENT),
    }
    return Server(live.url, live.key, workers, workdir, env=slots)


@pytest.fixture(scope="module")
def server(live, tmp_path_factory):
    server = _server(live, WORKERS, tmp_path_factory.mktemp("server"))
    try:
        yield server.start()
    finally:
        server.stop()


def _p95(samples: list[float]) -> float:
    return sorted(samples)[math.ceil(0.95 * len(samples)) - 1]


def _timed(server, path: str) -> list[float]:
    """Seconds each of TRIES requests for ``path`` took, each answered 200."""
    client, samples = server.client(timeout=10), []
    for _ in range(TRIES):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        assert response.status == 200, (path, response)
    return samples


def _still_open(held: list[socket.socket]) -> int:
    """How many of ``held`` the server has neither answered nor closed."""
    count = 0
    for sock in held:
        sock.setblocking(False)
        try:
            sock.recv(1)
        except BlockingIOError:
            count += 1
    return count


def _assert_refused(export: SlowExport) -> None:
    assert export.status == 429, export.status
    assert int(export.headers["Retry-After"]) > 0
    assert export.headers["Content-Type"] == "application/problem+json"
    assert export.problem["status"] == 429, export.problem


def _fill(port: int, keys: list[str], within: float = 10.0) -> list[SlowExport]:
    """One streaming export per key. Which worker takes a connection is the
    kernel's choice, and one may have no slot left before the other: a
    refused export is asked for again."""
    streaming, deadline = [], time.monotonic() + within
    for key in keys:
        while (export := SlowExport(port, key)).status != 200:
            _assert_refused(export)
            if time.monotonic() > deadline:
                _close(streaming)
                pytest.fail(f"{len(streaming)} of {len(keys)} exports after {within} s")
            time.sleep(0.05)
        streaming.append(export)
    return streaming


def _close(exports: list[SlowExport]) -> None:
    for export in exports:
        export.close()


def test_idle_half_open_connections_do_not_delay_health(server):
    # Granian waits for a request's head in its event loop: clients that never
    # finish theirs hold sockets, not the workers' threads. (It hangs up on
    # them after HEADER_READ_TIMEOUT_MS, 10 s, long after these requests.)
    held = half_open(server.port, 100)
    try:
        samples = _timed(server, "/health")
        assert _still_open(held) == 100
    finally:
        for sock in held:
            sock.close()
    assert max(samples) < FAST_S, samples


def test_slow_exports_leave_room_and_the_next_one_is_refused(server, keys):
    # The deployed shape, 2 workers of 3 slots, rather than one worker with 6:
    # _fill asks again where the kernel chose a full worker, and once 6
    # stream both workers are full, so an export is refused whichever takes it.
    exports, extra = _fill(server.port, keys[:EXPORTS]), []
    try:
        p95 = {
            path: _p95(_timed(server, path))
            for path in ("/health", "/ready", "/events/?page_size=5")
        }
        extra = [SlowExport(server.port, keys[EXPORTS]) for _ in range(3)]
        received = [export.received for export in exports]
    finally:
        _close(exports + extra)
    assert {path: s for path, s in p95.items() if s >= FAST_S} == {}, p95
    # Were an export over (a corpus too small for the kernel's buffers), its
    # slot would be free again and the next export accepted.
    assert [e.status for e in extra] == [429] * 3, received
    for export in extra:
        _assert_refused(export)
    assert "as many exports as it allows" in extra[0].problem["detail"]


def test_slots_come_back_when_slow_clients_hang_up(server, keys):
    _close(_fill(server.port, keys[:EXPORTS]))
    # The server sees the hang-up on its next write, and closing the stream
    # gives the slot back: all 6 are taken again within seconds.
    again = _fill(server.port, keys[:EXPORTS], within=8.0)
    _close(again)
    assert len(again) == EXPORTS


def test_a_client_past_its_bound_is_refused(live, keys, tmp_path):
    # One worker: every export of the client meets the same counts.
    server = _server(live, 1, tmp_path).start()
    try:
        mine = [SlowExport(server.port, keys[0]) for _ in range(2 * PER_CLIENT)]
        # The process has a slot left: the bound was the client's.
        other = SlowExport(server.port, keys[1])
        _close([*mine, other])
    finally:
        server.stop()
    assert [e.status for e in mine] == [200] * PER_CLIENT + [429] * PER_CLIENT
    for export in mine[PER_CLIENT:]:
        _assert_refused(export)
        assert "This client already runs 2 export(s)" in export.problem["detail"]
    assert other.status == 200


def test_the_metrics_folder_goes_with_the_server(tmp_path):
    live = prepare(sqlite_database(tmp_path))
    made_in = tmp_path / "tmp"
    made_in.mkdir()
    # Left to the launcher, made in a TMPDIR this test alone looks at.
    env = {"PROMETHEUS_MULTIPROC_DIR": None, "TMPDIR": str(made_in)}
    server = Server(live.url, live.key, 1, tmp_path, env=env).start()
    try:
        assert server.client().get("/health").status == 200
        [folder] = made_in.glob("dateline-metrics-*")
        assert any(folder.iterdir()), "the worker wrote no metrics there"
    finally:
        server.stop()  # SIGTERM
    assert server.process.returncode == 0, server.log_tail()
    assert list(made_in.iterdir()) == []


def test_the_server_binds_loopback_unless_told(monkeypatch):
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    built = serve.server()
    assert (built.bind_addr, built.bind_port) == ("127.0.0.1", 5000)
    monkeypatch.setenv("HOST", "0.0.0.0")
    assert serve.server().bind_addr == "0.0.0.0"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_binds_loopback():
    env = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT")}
    dry = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert dry.returncode == 0, dry.stderr
    [run] = [line for line in dry.stdout.splitlines() if "api.serve" in line]
    assert "HOST=127.0.0.1 " in run, run

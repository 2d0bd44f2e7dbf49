"""Time the real server (Granian) while idle and slow clients hold connections.

python -m bench.serving --database-url sqlite:///bench/out/serving.db --events 20000
"""

import argparse
import os
import secrets
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from api import create_app, migrate
from api.services import keys
from bench.corpus import build
from bench.queries import describe, percentile
from tests.integrity.server import Server, SlowExport, half_open

IDLE = 100
PATHS = ("/health", "/ready", "/events/?page_size=5")


def issue_keys(url: str, count: int) -> tuple[list[str], list[int]]:
    """An admin key, then ``count`` read keys (one per export client); their ids."""
    app = create_app({"DATABASE_URL": url, "DATELINE_LOG_LEVEL": "WARNING"})
    database = app.extensions["dateline_db"]
    tag = secrets.token_hex(3)
    try:
        migrate.upgrade(database)
        with database.connection_context():
            made = [keys.create_key(f"bench-serving-{tag}-admin", ["admin"])]
            made += [
                keys.create_key(f"bench-serving-{tag}-{n}", ["read"])
                for n in range(count)
            ]
    finally:
        database.close_all()
    return [plain for _, plain in made], [record.id for record, _ in made]


def revoke_keys(url: str, ids: list[int]) -> None:
    app = create_app({"DATABASE_URL": url, "DATELINE_LOG_LEVEL": "WARNING"})
    database = app.extensions["dateline_db"]
    try:
        with database.connection_context():
            for key_id in ids:
                keys.revoke_key(key_id)
    finally:
        database.close_all()


def timed(server: Server, path: str, repeat: int) -> list[float]:
    """Milliseconds each request took; statuses other than 200 are counted."""
    client, samples = server.client(timeout=30), []
    for _ in range(repeat):
        started = time.perf_counter()
        status = client.get(path).status
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            samples[-1] = float("nan")
    return samples


def fill(port: int, clients: list[str], within: float) -> tuple[list, int]:
    """One streaming export per client, asked again while a full worker refuses
    it (the kernel picks the worker); the exports and the refusals."""
    streaming, refused, deadline = [], 0, time.monotonic() + within
    for key in clients:
        while time.monotonic() < deadline:
            export = SlowExport(port, key)
            if export.status == 200:
                streaming.append(export)
                break
            refused += export.status == 429
            time.sleep(0.05)
    return streaming, refused


def figures(samples: list[float]) -> str:
    done = [s for s in samples if s == s]
    failed = len(samples) - len(done)
    shown = (
        f"min {min(done):7.1f}  median {statistics.median(done):7.1f}  "
        f"p95 {percentile(done, 0.95):7.1f}  max {max(done):7.1f} ms"
        if done
        else "no answer"
    )
    return shown + (f"  ({failed} not 200)" if failed else "")


def idle_phase(server: Server, repeat: int) -> None:
    held = half_open(server.port, IDLE)
    try:
        # Granian hangs up on them after 10 s without a whole head.
        samples = timed(server, "/health", min(repeat, 200))
    finally:
        for sock in held:
            sock.close()
    print(f"/health with {IDLE} idle half-open connections held:")
    print(f"  {'/health':<22} {figures(samples)}")


def export_phase(server: Server, clients: list[str], exports: int, repeat: int):
    streaming, refused_filling = fill(server.port, clients[:exports], within=30)
    try:
        results = {path: timed(server, path, repeat) for path in PATHS}
        extra = [SlowExport(server.port, clients[exports]) for _ in range(5)]
        for export in extra:
            export.close()
        received = sum(export.received for export in streaming)
    finally:
        for export in streaming:
            export.close()
    print(f"\nwhile {len(streaming)} of {exports} slow-reading CSV exports stream:")
    for path, samples in results.items():
        print(f"  {path:<22} {figures(samples)}")
    print(f"  exports refused with 429 on the way to {exports}: {refused_filling}")
    refused = sum(export.status == 429 for export in extra)
    print(f"  further exports refused with 429: {refused} of {len(extra)}")
    print(f"  bytes the slow clients read meanwhile: {received:,}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--events", type=int, help="build a corpus of N events first")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slots", type=int, default=3, help="export slots per worker")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    if args.events:
        build(args.database_url, args.events, seed=1, actors=5_000)
        print()
    exports = args.workers * args.slots
    plain, ids = issue_keys(args.database_url, exports + 1)
    slots = {
        "DATELINE_EXPORT_SLOTS": str(args.slots),
        "DATELINE_EXPORT_SLOTS_PER_CLIENT": "2",
        "DATELINE_RATE_LIMIT": "1000000/minute",
    }
    workdir = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    server = Server(args.database_url, plain[0], args.workers, workdir, env=slots)
    try:
        server.start()
        print(f"database: {describe(args.database_url)}   workers: {args.workers}")
        print(f"export slots: {args.slots} per worker   repeat: {args.repeat}\n")
        idle_phase(server, args.repeat)
        export_phase(server, plain[1:], exports, args.repeat)
    finally:
        server.stop()
        revoke_keys(args.database_url, ids)
        shutil.rmtree(workdir, ignore_errors=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nload average at end: {load}   cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()

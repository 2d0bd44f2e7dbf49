"""The two halves of an import, each alone: the reading process, then the
writer fed what it wrote.

    python -m bench.ingest_halves --database-url sqlite:///bench/out/halves.db
    python -m bench.ingest_halves --database-url postgresql://postgres@127.0.0.1:5432/ingest

bench.ingest runs the two side by side, as an import does; each then slows
the other down, on two cores. Alone, each half's CPU seconds show what a
change to it saved. The reading process's output is kept in
``bench/out/<format>-<rows>.chunks``; the writer writes it into a freshly
migrated schema, in one transaction, as ``imports.run_import`` does. The same
warning as bench.ingest's: the database given is emptied. ``--phases``
also prints the writer's seconds inside each bulk statement, by table
(``bench/timings.py``).
"""

import argparse
import multiprocessing
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench import anchor
from bench.ingest import OUT, cpu_seconds, fresh_database, generate


def read(fmt: str, path: Path) -> tuple[Path, float, float]:
    """The reading process's output for ``path``; its wall and CPU seconds."""
    chunks = OUT / f"{path.stem}.chunks"
    before = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with chunks.open("wb") as out:
        subprocess.run(
            [sys.executable, "-m", "api.services.ingest.reading", fmt, str(path)],
            stdout=out,
            check=True,
        )
    wall = time.perf_counter() - started
    return chunks, wall, cpu_seconds(resource.RUSAGE_CHILDREN) - before


def _write(chunks: Path, url: str, queue, phases: bool) -> None:
    from api.db import db
    from api.services.ingest import write as ingest
    from api.services.ingest.collector import collecting_less_often
    from api.services.ingest.reading import receive
    from bench.timings import time_calls

    spent = time_calls() if phases else {}

    database = fresh_database(url)
    created = 0
    with database.connection_context(), chunks.open("rb") as source:
        before = cpu_seconds(resource.RUSAGE_SELF)
        started = time.perf_counter()
        with collecting_less_often(), db.atomic():
            resolver = ingest.Resolver(chunks.name)
            while (message := receive(source)) is not None and message[0]:
                chunk = [ingest.Prepared._make(record) for record in message[0]]
                created += ingest.write(chunk, resolver).created
        wall = time.perf_counter() - started
        cpu = cpu_seconds(resource.RUSAGE_SELF) - before
        queue.put((created, wall, cpu, dict(spent)))


def write(chunks: Path, url: str, phases: bool = False):
    """Events written from ``chunks``; the writer's wall and CPU seconds, and
    with ``phases`` the seconds inside each bulk statement (bench.timings)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_write, args=(chunks, url, queue, phases))
    child.start()
    result = queue.get()
    child.join()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{OUT}/halves.db")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--formats", default="acled,ucdp-ged,gdelt")
    parser.add_argument(
        "--phases",
        action="store_true",
        help="also print the writer's seconds in each bulk statement",
    )
    args = parser.parse_args()
    database = args.database_url.split(":", 1)[0]
    before = anchor.workload_ms()
    lines, breakdowns = [], []
    for fmt in args.formats.split(","):
        chunks, read_wall, read_cpu = read(fmt, generate(fmt, args.rows))
        created, write_wall, write_cpu, spent = write(
            chunks, args.database_url, args.phases
        )
        breakdowns += [
            f"{fmt:<10} {seconds:>7.2f}  {label}"
            for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1])
            if seconds >= 0.05
        ]
        lines.append(
            f"{fmt:<10} {database:<10} {created:>8} {read_wall:>7.2f} "
            f"{read_cpu:>7.2f} {write_wall:>7.2f} {write_cpu:>7.2f} "
            f"{round(created / write_wall):>9}"
        )
    print(
        f"{'format':<10} {'db':<10} {'events':>8} {'read s':>7} {'cpu s':>7} "
        f"{'write s':>7} {'cpu s':>7} {'writes/s':>9}"
    )
    print("\n".join(lines))
    if breakdowns:
        print(f"\n{'format':<10} {'write s':>7}  in")
        print("\n".join(breakdowns))
    print(anchor.describe(before, anchor.workload_ms()))


if __name__ == "__main__":
    main()

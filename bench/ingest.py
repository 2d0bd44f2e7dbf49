"""Import speed and memory: a generated 200k-row file of each format, per database.

    python -m bench.ingest --database-url sqlite:///bench/out/ingest.db
    python -m bench.ingest --database-url postgresql://postgres@127.0.0.1:5432/ingest

Each file repeats the real example rows of ../shared/data with fresh ids and
shifted dates, so places and actors recur as they do in real exports. Each
format is imported into a fresh schema in a child process, whose peak RSS,
plus its file reader's, is the memory figure. Targets: 20,000 events/s on
SQLite, 10,000 on PostgreSQL, peak memory under 300 MB. A SQLite file is
deleted and made anew, a PostgreSQL database's tables are dropped: never point
it at one that holds other data (such as bench.corpus's 1M events).
"""

import argparse
import csv
import json
import multiprocessing
import resource
import threading
import time
from datetime import timedelta
from pathlib import Path

from bench import anchor

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parent / "out"
SAMPLES = {
    "acled": SHARED / "acled" / "acled_global_2022_sample_600.csv",
    "ucdp-ged": SHARED / "ucdp-ged" / "ucdp_ged231_sample_1000.csv",
    "gdelt": SHARED / "gdelt" / "gdelt2_events_sample.export.CSV",
}


def _shift(value: str, days: int, fmt: str) -> str:
    from datetime import datetime

    return (
        datetime.strptime(value[:10].replace("-", ""), "%Y%m%d") + timedelta(days)
    ).strftime(fmt)


def generate(fmt: str, rows: int) -> Path:
    path = OUT / f"{fmt}-{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    delimiter = "\t" if fmt == "gdelt" else ","
    with SAMPLES[fmt].open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = None if fmt == "gdelt" else next(reader)
        sample = list(reader)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        if header:
            writer.writerow(header)
        for n in range(rows):
            row = list(sample[n % len(sample)])
            days = n // len(sample)
            if fmt == "acled":
                row[0] = f"BENCH{n}"
                row[1] = _shift(row[1], days % 3000, "%Y-%m-%d")
            elif fmt == "ucdp-ged":
                row[0] = str(10_000_000 + n)
                start = _shift(row[header.index("date_start")], days % 3000, "%Y-%m-%d")
                row[header.index("date_start")] = row[header.index("date_end")] = start
            else:
                row[0] = str(900_000_000 + n)
                row[1] = _shift(row[1], days % 3000, "%Y%m%d")
                row[-1] = f"{row[-1]}?bench={n % 5000}"
            writer.writerow(row)
    return path


def _children_peak_kb(stop, peak: list[int]) -> None:
    """Follow this process's children's own high-water RSS (VmHWM) until stopped.

    ru_maxrss of a child started by fork and exec counts the pages it shared
    with its parent before the exec: it reads as the parent's size, not the
    reader's. VmHWM belongs to the new program's memory alone.
    """
    own = Path("/proc/self/task")
    while not stop.wait(0.05):
        for children in own.glob("*/children"):
            for pid in children.read_text().split():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]))


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def fresh_database(url: str):
    """The app's database at ``url``, emptied and migrated."""
    from api import create_app, migrate
    from tests.conftest import drop_everything

    if url.startswith("sqlite:///"):
        # A new file, as a new install has: one emptied by dropping tables
        # keeps its old page size and its free pages.
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///") :] + suffix).unlink(missing_ok=True)
    database = create_app({"DATABASE_URL": url}).extensions["dateline_db"]
    drop_everything(database)
    migrate.upgrade(database)
    return database


def _run(fmt: str, path: Path, url: str, queue) -> None:
    from api.db import db
    from api.services.ingest import files as imports

    database = fresh_database(url)
    stop, reader_kb = threading.Event(), [0]
    watcher = threading.Thread(target=_children_peak_kb, args=(stop, reader_kb))
    watcher.start()
    with database.connection_context():
        own, children = (
            cpu_seconds(resource.RUSAGE_SELF),
            cpu_seconds(resource.RUSAGE_CHILDREN),
        )
        started = time.perf_counter()
        report = imports.run_import(fmt, path)
        first = time.perf_counter() - started
        # The reading process has been waited for: its CPU counts as a child's.
        writer_cpu = cpu_seconds(resource.RUSAGE_SELF) - own
        reader_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - children
        started = time.perf_counter()
        again = imports.run_import(fmt, path)
        second = time.perf_counter() - started
    db.close()
    stop.set()
    watcher.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Large files are read by a child process (api/services/ingest/reading.py);
    # it runs alongside the writer, so both count.
    reader = reader_kb[0] / 1024
    queue.put(
        {
            "format": fmt,
            "rows": report.rows,
            "created": report.created,
            "rejected": report.rejected,
            "seconds": round(first, 2),
            "events_per_s": round(report.created / first),
            "writer_cpu_s": round(writer_cpu, 1),
            "reader_cpu_s": round(reader_cpu, 1),
            "reimport_s": round(second, 2),
            "reimport_unchanged": again.unchanged,
            "writer_rss_mb": round(peak),
            "reader_rss_mb": round(reader),
            "peak_rss_mb": round(peak + reader),
        }
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{OUT}/ingest.db")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--formats", default="acled,ucdp-ged,gdelt")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results = []
    before = anchor.workload_ms()
    for fmt in args.formats.split(","):
        path = generate(fmt, args.rows)
        queue = multiprocessing.get_context("spawn").Queue()
        child = multiprocessing.get_context("spawn").Process(
            target=_run, args=(fmt, path, args.database_url, queue)
        )
        child.start()
        results.append(queue.get())
        child.join()
    database = args.database_url.split(":", 1)[0]
    print(
        f"{'format':<10} {'db':<10} {'rows':>8} {'seconds':>8} {'events/s':>9} "
        f"{'writer cpu':>10} {'reader cpu':>10} {'re-import s':>11} "
        f"{'writer MB':>9} {'reader MB':>9} {'peak MB':>8}"
    )
    for r in results:
        print(
            f"{r['format']:<10} {database:<10} {r['rows']:>8} {r['seconds']:>8} "
            f"{r['events_per_s']:>9} {r['writer_cpu_s']:>10} {r['reader_cpu_s']:>10} "
            f"{r['reimport_s']:>11} {r['writer_rss_mb']:>9} "
            f"{r['reader_rss_mb']:>9} {r['peak_rss_mb']:>8}"
        )
    print(anchor.describe(before, anchor.workload_ms()))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

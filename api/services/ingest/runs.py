"""Which import jobs a process runs now, and how far each has got.

An import runs in a thread of the server process that accepted its file. A
process that stops (killed, recycled after its requests, redeployed) takes
the thread with it and its transaction is rolled back, but the job's row
would say "running" for ever. So the running process holds a lock that is
let go when the process or its connection ends, however it ends: on
PostgreSQL a session advisory lock, which a server on any host can see; on
SQLite an flock on a file beside the database, on the one host that can
open the database at all.

Its progress cannot go through the import's own transaction, which nobody
sees until it commits: on PostgreSQL a connection of its own updates the
job's row; on SQLite, whose one writer is the import, a file beside the
lock holds it.
"""

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import peewee as pw

from api.db import db, is_sqlite

try:
    import fcntl
except ImportError:  # not on Windows: there, a job is never judged gone
    fcntl = None

log = logging.getLogger(__name__)

# The first key of our advisory locks (the job id is the second): "DL" + "IJ".
ADVISORY_SPACE = 0x444C494A
# Counts an import publishes as it goes: those of the job's row.
COUNTS = ("rows", "created", "updated", "unchanged", "rejected")
# Progress is published at most this often.
PUBLISH_EVERY_SECONDS = 0.5


def _beside_database(name: str) -> Path:
    path = db.obj.database
    if not path or path == ":memory:":
        return Path(tempfile.gettempdir()) / f"dateline-{os.getpid()}.{name}"
    return Path(f"{path}.{name}")


def _lock_file(job_id: int) -> Path:
    return _beside_database(f"import-{job_id}.lock")


def _progress_file(job_id: int) -> Path:
    return _lock_file(job_id).with_suffix(".progress")


def _cancel_file(job_id: int) -> Path:
    return _lock_file(job_id).with_suffix(".cancel")


class Cancelled(Exception):
    """Raised in a running import that was asked to stop."""


class Run:
    """A job being run by this process: ``publish`` says how far it is."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self._published_at = 0.0
        self._connection = None

    def publish(self, counts: dict[str, int], force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._published_at < PUBLISH_EVERY_SECONDS:
            return
        self._published_at = now
        counts = {name: counts[name] for name in COUNTS}
        try:
            if is_sqlite():
                # Replaced whole, so a reader never meets half a file.
                path = _progress_file(self.job_id)
                partial = path.with_suffix(".partial")
                partial.write_text(json.dumps(counts))
                partial.replace(path)
            else:
                self._update_row(counts)
        except Exception:  # noqa: BLE001 - progress must never fail an import
            log.warning("Import job %s: its progress cannot be shown", self.job_id)
            self._published_at = float("inf")

    def stop_if_asked(self) -> None:
        """Raise Cancelled if the job was asked to stop (see ``ask_to_cancel``)."""
        if is_sqlite():
            asked = _cancel_file(self.job_id).exists()
        else:
            # The import's own transaction sees what others committed since.
            status = db.execute_sql(
                "SELECT status FROM import_job WHERE id = %s", (self.job_id,)
            ).fetchone()
            asked = status is not None and status[0] == "cancelling"
        if asked:
            raise Cancelled

    def _update_row(self, counts: dict[str, int]) -> None:
        import psycopg

        if self._connection is None:
            database = db.obj
            self._connection = psycopg.connect(
                dbname=database.database, autocommit=True, **database.connect_params
            )
        columns = ", ".join(f"{name} = %s" for name in counts)
        self._connection.execute(
            f"UPDATE import_job SET {columns} WHERE id = %s"
            " AND status IN ('running', 'cancelling')",
            (*counts.values(), self.job_id),
        )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        if is_sqlite():
            forget(self.job_id)


@contextmanager
def running(job_id: int) -> Iterator[Run]:
    """Hold the job's lock while the caller runs it, on the caller's connection."""
    run = Run(job_id)
    try:
        if not is_sqlite():
            db.execute_sql("SELECT pg_advisory_lock(%s, %s)", (ADVISORY_SPACE, job_id))
            try:
                yield run
            finally:
                with suppress(pw.DatabaseError, pw.InterfaceError):
                    # A connection that broke took its lock with it.
                    db.execute_sql(
                        "SELECT pg_advisory_unlock(%s, %s)", (ADVISORY_SPACE, job_id)
                    )
            return
        if fcntl is None:
            yield run
            return
        path = _lock_file(job_id)
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield run
            finally:
                path.unlink(missing_ok=True)
    finally:
        run.close()


@contextmanager
def one_at_a_time(waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Wait until no other import runs on this database, and hold it so.

    Two imports at once would both create the actors and places their files
    share: on PostgreSQL the second fails on the first's unique keys once
    that commits; on SQLite it waits for the one write lock past its busy
    timeout. One after the other, each finds what the one before created.
    ``waiting`` is called first if another import runs now.
    """
    if not is_sqlite():
        # Key 0 of our space: job ids start at 1.
        key = (ADVISORY_SPACE,)
        if not db.execute_sql("SELECT pg_try_advisory_lock(%s, 0)", key).fetchone()[0]:
            if waiting:
                waiting()
            db.execute_sql("SELECT pg_advisory_lock(%s, 0)", key)
        try:
            yield
        finally:
            with suppress(pw.DatabaseError, pw.InterfaceError):
                db.execute_sql("SELECT pg_advisory_unlock(%s, 0)", key)
        return
    if fcntl is None:
        yield
        return
    # Never removed: a process waiting on it would then hold a lock nobody
    # else sees.
    with _beside_database("imports.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def is_running(job_id: int) -> bool:
    """Whether a process (this one included) runs the job now."""
    if not is_sqlite():
        # Read from pg_locks rather than tried: a try from the session that
        # holds the lock would take it a second time and say it was free.
        return bool(
            db.execute_sql(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid = %s AND objid = %s AND objsubid = 2",
                (ADVISORY_SPACE, job_id),
            ).fetchone()
        )
    if fcntl is None:
        return True
    path = _lock_file(job_id)
    try:
        handle = path.open("r")
    except FileNotFoundError:
        return False
    with handle:
        try:
            # flock locks belong to the open file, not the process: this one
            # conflicts with a holder in this process as with any other.
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


def progress(job_id: int) -> dict[str, int] | None:
    """The counts a running job published outside its row (SQLite), if any."""
    if not is_sqlite():
        return None
    try:
        return json.loads(_progress_file(job_id).read_text())
    except (FileNotFoundError, ValueError):
        return None


def ask_to_cancel(job_id: int) -> None:
    """Ask the process running the job to stop it after the chunk it is on.

    On PostgreSQL the job's row says so ("cancelling"); on SQLite, where the
    import holds the one write lock, a file beside its lock does.
    """
    if not is_sqlite():
        db.execute_sql(
            "UPDATE import_job SET status = 'cancelling'"
            " WHERE id = %s AND status = 'running'",
            (job_id,),
        )
        return
    # Left even if the job ended meanwhile (an empty file), or one whose
    # thread has yet to start would miss it.
    _cancel_file(job_id).touch()


def cancel_asked(job_id: int) -> bool:
    """Whether a SQLite job was asked to stop (PostgreSQL's row says it itself)."""
    return is_sqlite() and _cancel_file(job_id).exists()


def forget(job_id: int) -> None:
    """Remove what a job that is gone left behind (its files, on SQLite)."""
    if is_sqlite():
        progress = _progress_file(job_id)
        partial = progress.with_suffix(".partial")
        for path in (_lock_file(job_id), progress, partial, _cancel_file(job_id)):
            path.unlink(missing_ok=True)

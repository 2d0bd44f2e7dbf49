"""Whether the process running an import job is still there.

An import runs in a thread of the server process that accepted its file. A
process that stops (killed, recycled after its requests, redeployed) takes
the thread with it and its transaction is rolled back, but the job's row
would say "running" for ever. So the running process holds a lock that is
let go when the process or its connection ends, however it ends: on
PostgreSQL a session advisory lock, which a server on any host can see; on
SQLite an flock on a file beside the database, on the one host that can
open the database at all.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import peewee as pw

from api.db import db, is_sqlite

try:
    import fcntl
except ImportError:  # not on Windows: there, a job is never judged gone
    fcntl = None

# The first key of our advisory locks (the job id is the second): "DL" + "IJ".
ADVISORY_SPACE = 0x444C494A


def _lock_file(job_id: int) -> Path:
    path = db.obj.database
    if not path or path == ":memory:":
        name = f"dateline-{os.getpid()}-import-{job_id}.lock"
        return Path(tempfile.gettempdir()) / name
    return Path(f"{path}.import-{job_id}.lock")


@contextmanager
def holding(job_id: int) -> Iterator[None]:
    """Hold the job's lock while the caller runs it, on the caller's connection."""
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_lock(%s, %s)", (ADVISORY_SPACE, job_id))
        try:
            yield
        finally:
            with suppress(pw.DatabaseError, pw.InterfaceError):
                # A connection that broke took its lock with it.
                db.execute_sql(
                    "SELECT pg_advisory_unlock(%s, %s)", (ADVISORY_SPACE, job_id)
                )
        return
    if fcntl is None:
        yield
        return
    path = _lock_file(job_id)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def is_held(job_id: int) -> bool:
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


def forget(job_id: int) -> None:
    """Remove what a job that is gone left behind (its lock file, on SQLite)."""
    if is_sqlite():
        _lock_file(job_id).unlink(missing_ok=True)

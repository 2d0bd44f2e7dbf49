"""Import jobs: a file imported in the background, followed, cancelled.

queued -> running -> succeeded | failed | cancelled; a running job asked to
stop is "cancelling" until its next chunk. The job runs in a thread of the
process that took the upload (see ``import_runs`` for how other processes
see that it still runs, and how far it has got).
"""

import threading
import time
from datetime import timedelta
from pathlib import Path

import peewee as pw

from api.db import db
from api.models import ImportJob
from api.models.base import current_author, utcnow
from api.services.common import get_or_404
from api.services.errors import Conflict
from api.services.ingest import runs as import_runs
from api.services.ingest.files import run_import
from api.services.ingest.reading import Report

# A job is queued, its lock not yet held, only between its upload and its
# thread's start (the thread holds the lock while the job waits its turn).
QUEUED_AT_MOST = timedelta(minutes=1)
# How long the end of a job is retried while SQLite is busy with other writes.
RECORD_END_FOR_SECONDS = 60
LIVE = ("running", "cancelling")


def create_job(format_name: str, filename: str, on_error: str) -> ImportJob:
    job = ImportJob(format=format_name, filename=filename[:300], on_error=on_error)
    job.touch()
    job.save()
    return job


def get_job(job_id: int) -> ImportJob:
    return settled(get_or_404(ImportJob, job_id, "Import"))


def list_jobs() -> list[ImportJob]:
    jobs = ImportJob.select().order_by(ImportJob.id.desc()).limit(100)
    return [settled(job) for job in jobs]


def _end(
    job: ImportJob, status: str, report: dict, counts: dict, busy_ok: bool = False
) -> ImportJob:
    """Record that ``job`` ended, if it is still as it was read.

    With ``busy_ok``, a SQLite database busy with another import only delays
    the record: the job is answered as ended, and the next look records it.
    """
    changes = {
        ImportJob.status: status,
        ImportJob.finished_at: utcnow(),
        ImportJob.report: report,
        # Not touched(): the job's author is not the one who looked at it.
        ImportJob.updated_at: utcnow(),
        **{getattr(ImportJob, name): n for name, n in counts.items()},
    }
    try:
        written = (
            ImportJob.update(changes)
            .where((ImportJob.id == job.id) & (ImportJob.status == job.status))
            .execute()
        )
    except pw.OperationalError:
        if not busy_ok:
            raise
        written = None
    if written == 0:
        # It moved on meanwhile (it ended, or it started).
        return get_or_404(ImportJob, job.id, "Import")
    if written:
        import_runs.forget(job.id)
    for column, value in changes.items():
        setattr(job, column.name, value)
    return job


def settled(job: ImportJob) -> ImportJob:
    """The job as it stands: ended, if the process that ran it is gone.

    Its import's transaction went with the process: an all-or-nothing
    import wrote nothing, one that skips bad rows kept the chunks it had
    committed. Either way the file can simply be sent again.
    """
    if job.status not in ("queued", *LIVE):
        return job
    if job.status == "queued" and job.created_at > utcnow() - QUEUED_AT_MOST:
        if import_runs.cancel_asked(job.id):
            job.status = "cancelling"
        return job
    if import_runs.is_running(job.id):
        for name, value in (import_runs.progress(job.id) or {}).items():
            setattr(job, name, value)
        if import_runs.cancel_asked(job.id):
            job.status = "cancelling"
        return job
    kept = (
        "the chunks it had committed are kept"
        if job.on_error == "skip"
        else "nothing was written"
    )
    # The rows it had read stay; what it wrote went with its transaction.
    counts = import_runs.progress(job.id) or {}
    if job.on_error != "skip":
        counts.update(created=0, updated=0, unchanged=0)
    if job.status == "cancelling" or import_runs.cancel_asked(job.id):
        status, errors = "cancelled", []
    else:
        status = "failed"
        message = (
            f"The server process running this import stopped before it ended; "
            f"{kept}. Import the file again: what is already there is left as it is."
        )
        errors = [{"line": None, "field": "_job", "message": message}]
    report = {"errors": errors, "committed": job.on_error == "skip"}
    return _end(job, status, report, counts, busy_ok=True)


def cancel_job(job_id: int) -> ImportJob:
    """Stop a job: at once if it has not started, at its next chunk if it runs.

    An all-or-nothing import then writes nothing; one that skips bad rows
    keeps the chunks it has committed.
    """
    job = get_job(job_id)
    if job.status == "queued":
        try:
            job = _end(job, "cancelled", {"errors": [], "committed": False}, {})
        except pw.OperationalError:
            # SQLite busy with the import this one waits for: it reads the
            # request when its turn comes.
            import_runs.ask_to_cancel(job.id)
            return get_job(job_id)
        if job.status == "cancelled":
            return job
    if job.status in LIVE:
        import_runs.ask_to_cancel(job.id)
        return get_job(job_id)
    raise Conflict(f"Import {job_id} has ended ({job.status}): it cannot be cancelled.")


def run_job(job_id: int, path: Path, remove: bool = True) -> ImportJob:
    """Run a queued job to its end, recording the outcome on the job."""
    try:
        # The job's own lock first: it is queued, not gone, while it waits.
        with import_runs.running(job_id) as run, import_runs.one_at_a_time():
            return _run_held_job(job_id, run, path)
    finally:
        if remove:
            Path(path).unlink(missing_ok=True)


def _run_held_job(job_id: int, run: import_runs.Run, path: Path) -> ImportJob:
    job = get_or_404(ImportJob, job_id, "Import")
    if job.status == "queued" and import_runs.cancel_asked(job_id):
        return _end(job, "cancelled", {"errors": [], "committed": False}, {})
    started = utcnow()
    begun = (
        ImportJob.update(status="running", started_at=started)
        .where((ImportJob.id == job_id) & (ImportJob.status == "queued"))
        .execute()
    )
    job = get_or_404(ImportJob, job_id, "Import")
    if not begun:
        return job  # cancelled before it started
    report = Report(job.format)

    def progress(_rows):
        run.publish(vars(report))
        run.stop_if_asked()

    try:
        run_import(
            job.format,
            path,
            job.on_error,
            source_file=job.filename,
            progress=progress,
            report=report,
        )
        job.status = "succeeded" if report.committed else "failed"
        job.report = report.as_dict()
    except import_runs.Cancelled:
        job.status = "cancelled"
        job.report = {"errors": report.errors, "committed": job.on_error == "skip"}
    except Exception as error:  # noqa: BLE001 - the job must end in a state
        job.status = "failed"
        job.report = {
            "errors": [{"line": None, "field": "_file", "message": str(error)}]
        }
    if job.status != "succeeded" and job.on_error != "skip":
        # Rolled back: counted, but not written.
        report.created = report.updated = report.unchanged = 0
    for name in import_runs.COUNTS:
        setattr(job, name, getattr(report, name))
    job.finished_at = utcnow()
    _save_retrying(job)
    return job


def _save_retrying(job: ImportJob) -> None:
    """Save the job's end, waiting out other writers: its import committed,
    and a job left "running" would be judged gone, nothing written."""
    deadline = time.monotonic() + RECORD_END_FOR_SECONDS
    while True:
        try:
            job.save()
            return
        except pw.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def start_job(job_id: int, path: Path, author: str | None, inline: bool = False):
    """Run the job now (inline) or in a background thread with its own connection."""

    def work():
        current_author.set(author)
        with db.connection_context():
            run_job(job_id, path)

    if inline:
        run_job(job_id, path)
    else:
        threading.Thread(target=work, name=f"import-{job_id}", daemon=True).start()

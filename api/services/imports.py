"""Importing dataset files: streamed row by row, written in chunks, reported.

By default an import is all-or-nothing: one bad row and nothing is written,
but every bad row is still reported. With ``on_error="skip"`` the good rows
are committed chunk by chunk and the bad ones reported.
"""

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import peewee as pw

from api.db import db
from api.models import ImportJob
from api.models.base import current_author, utcnow
from api.services import import_runs, ingest
from api.services.collector import collecting_less_often
from api.services.common import get_or_404
from api.services.import_reading import (
    Report,
    chunks,
    chunks_read_elsewhere,
    read_elsewhere,
)


class _Abort(Exception):
    """Unwinds the all-or-nothing transaction once the whole file was checked."""


@collecting_less_often()
def run_import(
    format_name: str,
    path,
    on_error: str = "abort",
    source_file: str | None = None,
    progress: Callable[[int], None] | None = None,
    parallel: bool | None = None,
    report: Report | None = None,
) -> Report:
    """Import ``path``; the report says what was written and which rows were not.

    ``progress`` is called with each chunk's row count once it is written
    (or, past a bad row, read), when ``report`` (filled in as the import
    goes) has counted it.
    ``parallel`` reads the file in a second process (by default, when the
    file is large and there is a second core).
    """
    report = report or Report(format_name)
    source_file = source_file or Path(path).name
    if read_elsewhere(path, parallel):
        prepared = chunks_read_elsewhere(format_name, path, report)
    else:
        prepared = chunks(format_name, path, report)

    def write(chunk, resolver):
        tally = ingest.write(chunk, resolver)
        report.created += tally.created
        report.updated += tally.updated
        report.unchanged += tally.unchanged

    def checked(chunk):
        if progress:
            progress(len(chunk))

    if on_error == "skip":
        resolver = ingest.Resolver(source_file)
        for chunk in prepared:
            with db.atomic():
                write(chunk, resolver)
            checked(chunk)
        report.committed = True
        return report
    try:
        with db.atomic():
            resolver = ingest.Resolver(source_file)
            for chunk in prepared:
                # Past a bad row the rest is only read, for its errors.
                if not report.rejected:
                    write(chunk, resolver)
                checked(chunk)
            if report.rejected:
                raise _Abort
    except _Abort:
        report.created = report.updated = report.unchanged = 0
        return report
    report.committed = True
    return report


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


# A job waits in "queued" only between its upload and its thread's start.
QUEUED_AT_MOST = timedelta(minutes=1)


def settled(job: ImportJob) -> ImportJob:
    """The job as it stands: failed, if the process that ran it is gone.

    Its import's transaction went with the process: an all-or-nothing
    import wrote nothing, one that skips bad rows kept the chunks it had
    committed. Either way the file can simply be sent again.
    """
    if job.status not in ("queued", "running"):
        return job
    if job.status == "queued" and job.created_at > utcnow() - QUEUED_AT_MOST:
        return job
    if import_runs.is_running(job.id):
        for name, value in (import_runs.progress(job.id) or {}).items():
            setattr(job, name, value)
        return job
    kept = (
        "the chunks it had committed are kept"
        if job.on_error == "skip"
        else "nothing was written"
    )
    message = (
        f"The server process running this import stopped before it ended; {kept}. "
        "Import the file again: what is already there is left as it is."
    )
    report = {
        "errors": [{"line": None, "field": "_job", "message": message}],
        "committed": job.on_error == "skip",
    }
    changes = {
        ImportJob.status: "failed",
        ImportJob.finished_at: utcnow(),
        ImportJob.report: report,
        # Not touched(): the job's author is not the one who looked at it.
        ImportJob.updated_at: utcnow(),
    }
    # The rows it had read stay; what it wrote went with its transaction.
    counts = import_runs.progress(job.id) or {}
    if job.on_error != "skip":
        counts.update(created=0, updated=0, unchanged=0)
    changes.update({getattr(ImportJob, name): n for name, n in counts.items()})
    try:
        # Only if it still has the state judged: it may have ended just now.
        written = (
            ImportJob.update(changes)
            .where((ImportJob.id == job.id) & (ImportJob.status == job.status))
            .execute()
        )
    except pw.OperationalError:
        # SQLite busy with another import: the answer need not wait for it,
        # the next look at the job records it.
        written = 1
    if not written:
        return get_or_404(ImportJob, job.id, "Import")
    import_runs.forget(job.id)
    for column, value in changes.items():
        setattr(job, column.name, value)
    return job


def run_job(job_id: int, path: Path, remove: bool = True) -> ImportJob:
    """Run a queued job to its end, recording the outcome on the job."""
    with import_runs.running(job_id) as run:
        return _run_held_job(job_id, path, remove, run)


def _run_held_job(job_id: int, path: Path, remove: bool, run) -> ImportJob:
    job = get_or_404(ImportJob, job_id, "Import")
    job.status, job.started_at = "running", utcnow()
    job.save()
    report = Report(job.format)
    try:
        run_import(
            job.format,
            path,
            job.on_error,
            source_file=job.filename,
            progress=lambda _rows: run.publish(vars(report)),
            report=report,
        )
        job.status = "succeeded" if report.committed else "failed"
        job.report = report.as_dict()
        for name in ("rows", "created", "updated", "unchanged", "rejected"):
            setattr(job, name, getattr(report, name))
    except Exception as error:  # noqa: BLE001 - the job must end in a state
        job.status = "failed"
        job.report = {
            "errors": [{"line": None, "field": "_file", "message": str(error)}]
        }
    finally:
        job.finished_at = utcnow()
        job.save()
        if remove:
            Path(path).unlink(missing_ok=True)
    return job


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

"""Importing dataset files: streamed row by row, written in chunks, reported.

By default an import is all-or-nothing: one bad row and nothing is written,
but every bad row is still reported. With ``on_error="skip"`` the good rows
are committed chunk by chunk and the bad ones reported.
"""

import threading
from collections.abc import Callable
from pathlib import Path

from api.db import db
from api.models import ImportJob
from api.models.base import current_author, utcnow
from api.services import ingest
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
) -> Report:
    """Import ``path``; the report says what was written and which rows were not.

    ``parallel`` reads the file in a second process (by default, when the
    file is large and there is a second core).
    """
    report = Report(format_name)
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
        if progress:
            progress(len(chunk))

    if on_error == "skip":
        resolver = ingest.Resolver(source_file)
        for chunk in prepared:
            with db.atomic():
                write(chunk, resolver)
        report.committed = True
        return report
    try:
        with db.atomic():
            resolver = ingest.Resolver(source_file)
            for chunk in prepared:
                if not report.rejected:
                    write(chunk, resolver)
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
    return get_or_404(ImportJob, job_id, "Import")


def list_jobs() -> list[ImportJob]:
    return list(ImportJob.select().order_by(ImportJob.id.desc()).limit(100))


def run_job(job_id: int, path: Path, remove: bool = True) -> ImportJob:
    """Run a queued job to its end, recording the outcome on the job."""
    job = get_job(job_id)
    job.status, job.started_at = "running", utcnow()
    job.save()
    try:
        report = run_import(job.format, path, job.on_error, source_file=job.filename)
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

"""Importing dataset files: streamed row by row, written in chunks, reported.

By default an import is all-or-nothing: one bad row and nothing is written,
but every bad row is still reported. With ``on_error="skip"`` the good rows
are committed chunk by chunk and the bad ones reported.
"""

import csv
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Empty

from api.db import db
from api.models import ImportJob
from api.models.base import current_author, utcnow
from api.services import importers, ingest
from api.services.common import get_or_404
from api.services.ingest import Prepared

CHUNK_SIZE = 1000
# Files from this size on are read by a second process (see _parsed_elsewhere).
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
MAX_REPORTED_ERRORS = 1000
# Long ACLED notes and GDELT URLs must not trip the csv module's default limit.
csv.field_size_limit(16 * 1024 * 1024)


class _Abort(Exception):
    """Unwinds the all-or-nothing transaction once the whole file was checked."""


@dataclass
class Report:
    format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    committed: bool = False

    def reject(self, line: int | None, error_field: str, message: str):
        self.rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(
                {
                    "line": line,
                    "field": _printable(error_field),
                    "message": _printable(message),
                }
            )

    def as_dict(self) -> dict:
        return asdict(self)


def _printable(text: str) -> str:
    # Bytes that were not UTF-8 come through as surrogates; show them escaped.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _flatten(errors: dict, prefix: str = ""):
    for key, value in errors.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from _flatten(value, path)
        else:
            yield path, "; ".join(value)


def _chunks(format_name: str, path, report: Report) -> Iterator[list[Prepared]]:
    mapper = importers.FORMATS[format_name]
    chunk: list[Prepared] = []
    try:
        for row in importers.rows(format_name, path):
            report.rows += 1
            if row.error is not None:
                report.reject(row.line, row.error.field, row.error.message)
                continue
            try:
                record = mapper(row)
            except importers.RowError as error:
                report.reject(row.line, error.field, error.message)
                continue
            problems = ingest.record_errors(record)
            if problems:
                for name, message in _flatten(problems):
                    report.reject(row.line, name, message)
                continue
            chunk.append(ingest.prepare(record))
            if len(chunk) >= CHUNK_SIZE:
                yield chunk
                chunk = []
    except importers.RowError as error:
        # The file cannot be read past here (an unterminated quote, say).
        report.reject(error.line, error.field, error.message)
    if chunk:
        yield chunk


def _parse(format_name: str, path: str, out) -> None:
    """The parser process: prepared chunks, and the rows' count and errors so far."""
    report = Report(format_name)
    sent = 0
    try:
        for chunk in _chunks(format_name, path, report):
            out.put((chunk, report.rows, report.rejected, report.errors[sent:]))
            sent = len(report.errors)
        out.put((None, report.rows, report.rejected, report.errors[sent:]))
    except BaseException as error:  # noqa: BLE001 - the writer must hear of it
        out.put((error.__class__.__name__, str(error)))
        raise


def _parsed_elsewhere(format_name: str, path, report: Report):
    """``_chunks`` computed by a second process while this one writes.

    Reading and mapping rows costs about as much as writing them, so on a
    machine with two cores a large file imports in about half the time. The
    queue holds a few chunks: memory stays flat whatever the file size.
    """
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=4)
    parser = context.Process(
        target=_parse, args=(format_name, str(path), queue), daemon=True
    )
    parser.start()
    try:
        while True:
            try:
                message = queue.get(timeout=1)
            except Empty:
                if not parser.is_alive():
                    raise RuntimeError("The parser process stopped.") from None
                continue
            if len(message) == 2:
                raise RuntimeError(f"The parser process failed: {message[1]}")
            chunk, report.rows, report.rejected, errors = message
            report.errors.extend(errors)
            if chunk is None:
                return
            yield chunk
    finally:
        if parser.is_alive():
            parser.terminate()
        parser.join()


def _use_parser_process(path, parallel: bool | None) -> bool:
    if parallel is not None:
        return parallel
    return (os.cpu_count() or 1) > 1 and Path(path).stat().st_size >= PARALLEL_MIN_BYTES


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
    if _use_parser_process(path, parallel):
        chunks = _parsed_elsewhere(format_name, path, report)
    else:
        chunks = _chunks(format_name, path, report)

    def write(chunk, resolver):
        tally = ingest.write(chunk, resolver)
        report.created += tally.created
        report.updated += tally.updated
        report.unchanged += tally.unchanged
        if progress:
            progress(len(chunk))

    if on_error == "skip":
        resolver = ingest.Resolver(source_file)
        for chunk in chunks:
            with db.atomic():
                write(chunk, resolver)
        report.committed = True
        return report
    try:
        with db.atomic():
            resolver = ingest.Resolver(source_file)
            for chunk in chunks:
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

"""Reading dataset files: rows mapped, checked and prepared, a chunk at a time.

A file is read row by row; each good row becomes a prepared record (see
``ingest_records.prepare``) and each bad one an entry in the report, with its line
and field. Large files are read by a second process while this one writes:
reading and mapping a row costs about as much as writing it.
"""

import csv
import logging
import os
import pickle
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from api.services.ingest import formats as importers
from api.services.ingest import records as ingest_records
from api.services.ingest.collector import collecting_less_often
from api.services.ingest.records import Prepared

log = logging.getLogger(__name__)

CHUNK_SIZE = 1000
# Files from this size on are read by a second process (see chunks_read_elsewhere).
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
MAX_REPORTED_ERRORS = 1000
# Long ACLED notes and GDELT URLs must not trip the csv module's default limit.
csv.field_size_limit(16 * 1024 * 1024)
# Each message between the processes: its length, then a pickle.
_LENGTH = struct.Struct("<Q")


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


def chunks(format_name: str, path, report: Report) -> Iterator[list[Prepared]]:
    mapper = importers.FORMATS[format_name]
    chunk: list[Prepared] = []
    seen = ingest_records.Seen()
    try:
        for row in importers.rows(format_name, path):
            report.rows += 1
            if row.error is not None:
                report.reject(row.line, row.error.field, row.error.message)
                continue
            mark = seen.mark()
            try:
                record = mapper(row)
                problems = ingest_records.record_errors(record, seen.checked)
                if not problems:
                    prepared = ingest_records.prepare(record, seen)
            except importers.RowError as error:
                report.reject(row.line, error.field, error.message)
                continue
            except Exception as error:  # noqa: BLE001 - one row, not the file
                # A row no check foresaw: reported on its line, and logged as
                # the importer's fault it is.
                log.exception("Line %s of a %s file", row.line, format_name)
                seen.back_to(mark)
                report.reject(row.line, "_row", f"Cannot be mapped: {error!r}.")
                continue
            if problems:
                for name, message in _flatten(problems):
                    report.reject(row.line, name, message)
                continue
            chunk.append(prepared)
            if len(chunk) >= CHUNK_SIZE:
                yield chunk
                chunk = []
                seen.next_chunk()
    except importers.RowError as error:
        # The file cannot be read past here (an unterminated quote, say).
        report.reject(error.line, error.field, error.message)
    if chunk:
        yield chunk


def _send(out, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_LENGTH.pack(len(data)))
    out.write(data)
    out.flush()


def receive(source):
    """One message of a reading process's output, None at its end."""
    head = source.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    data = source.read(length)
    if len(data) < length:
        return None
    return pickle.loads(data)


def _read_to(out, format_name: str, path: str) -> None:
    """The reading process: each chunk with the rows counted and the errors since."""
    report = Report(format_name)
    sent = 0
    for chunk in chunks(format_name, path, report):
        # Plain tuples: a named tuple costs pickle its class on every record.
        records = [tuple(prepared) for prepared in chunk]
        _send(out, (records, report.rows, report.rejected, report.errors[sent:]))
        sent = len(report.errors)
    _send(out, (None, report.rows, report.rejected, report.errors[sent:]))


def chunks_read_elsewhere(format_name: str, path, report: Report):
    """``chunks``, computed by a child process while the caller writes.

    The child is a fresh interpreter running this module (not a fork of a
    server with threads and open connections), and the pipe between the two
    holds little: memory stays flat whatever the file size. The child's
    messages are trusted as much as this process: it is our own code.
    """
    # Errors go to a file: a full stderr pipe would stall the child.
    errors = tempfile.TemporaryFile()
    child = subprocess.Popen(
        [sys.executable, "-m", __name__, format_name, str(path)],
        stdout=subprocess.PIPE,
        stderr=errors,
    )
    try:
        while True:
            message = receive(child.stdout)
            if message is None:
                child.wait()
                errors.seek(0)
                failure = errors.read().decode(errors="replace").strip()
                last = failure.splitlines()[-1] if failure else ""
                raise RuntimeError(
                    f"The reading process stopped (exit {child.returncode}). {last}"
                )
            records, report.rows, report.rejected, found = message
            report.errors.extend(found)
            if records is None:
                return
            yield [Prepared._make(record) for record in records]
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()
        errors.close()


def read_elsewhere(path, parallel: bool | None) -> bool:
    if parallel is not None:
        return parallel
    return (os.cpu_count() or 1) > 1 and Path(path).stat().st_size >= PARALLEL_MIN_BYTES


if __name__ == "__main__":
    with collecting_less_often():
        _read_to(sys.stdout.buffer, sys.argv[1], sys.argv[2])

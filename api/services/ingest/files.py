"""Importing dataset files: streamed row by row, written in chunks, reported.

By default an import is all-or-nothing: one bad row and nothing is written,
but every bad row is still reported. With ``on_error="skip"`` the good rows
are committed chunk by chunk and the bad ones reported.
"""

from collections.abc import Callable
from pathlib import Path

from api.db import db
from api.services.ingest import write as ingest
from api.services.ingest.collector import collecting_less_often
from api.services.ingest.reading import (
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

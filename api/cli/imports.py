"""The ``flask import-events`` command: import an export file into the database."""

import sys

import peewee as pw

import click
from flask.cli import with_appcontext

from api.db import db
from api.models.base import current_author
from api.services.ingest import files as imports
from api.services.ingest import runs as import_runs
from api.services.ingest.formats import FORMATS
from api.services.ingest.formats.base import UNREADABLE, RowError, open_binary

# How many of a report's row errors are printed.
SHOWN_ERRORS = 20


@click.command("import-events")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(FORMATS))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--on-error",
    type=click.Choice(["abort", "skip"]),
    default="abort",
    show_default=True,
    help="abort: one bad row and nothing is written; skip: keep the good rows.",
)
@with_appcontext
def import_events(format_name, path, on_error):
    """Import an export file: acled, ucdp-ged, gdelt, or dateline (our CSV)."""
    current_author.set("import-events")
    report = _run_import(format_name, path, on_error, total=_count_lines(path))
    _echo_report(report)
    if not report.committed:
        raise click.ClickException(
            "Nothing was written (use --on-error skip to keep the good rows)."
        )


def _count_lines(path) -> int:
    """The file's line count, for the progress bar; 0 when it cannot be read."""
    try:
        with open_binary(path) as handle:
            return sum(
                chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")
            )
    except (RowError, *UNREADABLE):
        return 0  # the import reports what is wrong with the file


def _run_import(format_name, path, on_error, total):
    """Run the import, one at a time per database, behind a progress bar."""
    with (
        db.obj.connection_context(),
        import_runs.one_at_a_time(
            waiting=lambda: click.echo(
                "Another import runs on this database: waiting for it.",
                err=True,
            )
        ),
        click.progressbar(
            length=total, label=f"Importing {format_name}", file=sys.stderr
        ) as bar,
    ):
        try:
            return imports.run_import(format_name, path, on_error, progress=bar.update)
        except pw.DatabaseError as error:
            # What the importers' checks did not foresee: said, not a traceback.
            kept = "nothing was written"
            if on_error == "skip":
                kept = "the chunks committed so far stay"
            raise click.ClickException(
                f"The database refused the import ({kept}): {error}"
            ) from error


def _echo_report(report):
    """Print the counts and the first row errors."""
    click.echo(
        f"{report.rows} rows: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.rejected} rejected."
    )
    for error in report.errors[:SHOWN_ERRORS]:
        click.echo(f"  line {error['line']}, {error['field']}: {error['message']}")
    if report.rejected > SHOWN_ERRORS:
        click.echo(f"  ... and {report.rejected - SHOWN_ERRORS} more")

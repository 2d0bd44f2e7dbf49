"""Flask CLI commands: the OpenAPI document, migrations, keys, imports, example data."""

import json
import sys

import peewee as pw

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from flask_smorest.spec import openapi_cli

import yaml

from api import migrate
from api.db import db
from api.models.base import current_author
from api.services import keys
from api.services.errors import Conflict, NotFound
from api.services.ingest import files as imports
from api.services.ingest import runs as import_runs
from api.services.ingest.formats import FORMATS
from api.services.ingest.formats.base import UNREADABLE, RowError, open_binary


def openapi_text(format_: str) -> str:
    """The OpenAPI document as JSON or YAML, in the document's own order.

    Not sorted: a generated client takes a response's first media type for
    its type, and sorted, GeoJSON came before JSON on every list offering both.
    """
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    spec = api.spec.to_dict()
    # The usual reading order, which apispec's dict does not keep.
    first = ("openapi", "info", "servers", "tags", "paths", "components")
    spec = {k: spec[k] for k in first if k in spec} | spec
    if format_ == "yaml":
        return yaml.dump(spec, sort_keys=False, allow_unicode=True)
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def _openapi_group() -> AppGroup:
    """flask-smorest's ``openapi`` commands, with YAML kept in document order."""
    group = AppGroup("openapi", help=openapi_cli.help)
    for name, command in openapi_cli.commands.items():
        group.add_command(command, name)
    shape = click.option(
        "-f", "--format", "format_", type=click.Choice(["json", "yaml"]), default="json"
    )

    @group.command("print")
    @shape
    def print_openapi(format_):
        """Print the OpenAPI document."""
        click.echo(openapi_text(format_), nl=False)

    @group.command("write")
    @shape
    @click.argument("output_file", type=click.File(mode="w"))
    def write_openapi(format_, output_file):
        """Write the OpenAPI document to a file."""
        output_file.write(openapi_text(format_))

    return group


def register_commands(app: Flask):
    app.cli.add_command(_openapi_group())

    @app.cli.group("db")
    def db_group():
        """Database schema commands."""

    @db_group.command("upgrade")
    def db_upgrade():
        """Apply pending migrations."""
        applied = migrate.upgrade(db.obj)
        click.echo(f"Applied {len(applied)} migration(s): {', '.join(applied) or '-'}")

    @db_group.command("status")
    def db_status():
        """List migrations not yet applied."""
        waiting = migrate.pending(db.obj)
        click.echo("\n".join(waiting) if waiting else "Up to date.")

    @db_group.command("create")
    @click.argument("name")
    def db_create(name):
        """Write a migration from the difference between models and migrations."""
        from api.models import MODELS

        with db.obj.connection_context():
            path = migrate.router(db.obj).create(name, auto=MODELS)
        click.echo(f"Created {path}" if path else "No changes.")

    @app.cli.group("keys")
    def keys_group():
        """API keys: create, list, revoke."""

    @keys_group.command("create")
    @click.option("--name", required=True, help="A unique name for the client.")
    @click.option(
        "--scopes",
        default="read",
        show_default=True,
        help="Comma-separated: read, write, admin.",
    )
    def keys_create(name, scopes):
        """Issue a key; it is printed once, on the last line."""
        wanted = [s.strip() for s in scopes.split(",") if s.strip()]
        unknown = sorted(set(wanted) - set(keys.SCOPES))
        if unknown or not wanted:
            raise click.BadParameter(
                f"unknown scope(s) {', '.join(unknown) or '(none)'}; "
                f"use {', '.join(keys.SCOPES)}",
                param_hint="--scopes",
            )
        current_author.set("cli")
        with db.obj.connection_context():
            try:
                record, plain = keys.create_key(name, wanted)
            except Conflict as error:
                raise click.ClickException(error.message) from error
        click.echo(
            f"Created key {record.id} {record.name!r} with scopes {record.scopes}."
        )
        click.echo("Store it now; it cannot be shown again:")
        click.echo(plain)

    @keys_group.command("list")
    @click.option("--all", "show_all", is_flag=True, help="Include revoked keys.")
    def keys_list(show_all):
        """List keys (never the keys themselves)."""
        with db.obj.connection_context():
            for record in keys.list_keys(include_revoked=show_all):
                state = "revoked" if record.revoked_at else "live"
                click.echo(
                    f"{record.id}\t{record.name}\t{record.prefix}…\t"
                    f"{record.scopes}\t{state}\t{record.created_at:%Y-%m-%d}"
                )

    @keys_group.command("revoke")
    @click.argument("name_or_id")
    def keys_revoke(name_or_id):
        """Revoke a key by name or id; it stops working at once."""
        with db.obj.connection_context():
            try:
                record = keys.revoke_key(keys.find_key(name_or_id).id)
            except NotFound as error:
                raise click.ClickException(error.message) from error
        click.echo(f"Revoked key {record.id} {record.name!r}.")

    @app.cli.command("import-events")
    @click.argument("format_name", metavar="FORMAT", type=click.Choice(FORMATS))
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option(
        "--on-error",
        type=click.Choice(["abort", "skip"]),
        default="abort",
        show_default=True,
        help="abort: one bad row and nothing is written; skip: keep the good rows.",
    )
    def import_events(format_name, path, on_error):
        """Import an export file: acled, ucdp-ged, gdelt, or dateline (our CSV)."""
        current_author.set("import-events")
        try:
            with open_binary(path) as handle:
                total = sum(
                    chunk.count(b"\n")
                    for chunk in iter(lambda: handle.read(1 << 20), b"")
                )
        except (RowError, *UNREADABLE):
            total = 0  # the import reports what is wrong with the file
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
                report = imports.run_import(
                    format_name, path, on_error, progress=bar.update
                )
            except pw.DatabaseError as error:
                # What the importers' checks did not foresee: said, not a traceback.
                kept = "nothing was written"
                if on_error == "skip":
                    kept = "the chunks committed so far stay"
                raise click.ClickException(
                    f"The database refused the import ({kept}): {error}"
                ) from error
        click.echo(
            f"{report.rows} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.rejected} rejected."
        )
        for error in report.errors[:20]:
            click.echo(f"  line {error['line']}, {error['field']}: {error['message']}")
        if report.rejected > 20:
            click.echo(f"  ... and {report.rejected - 20} more")
        if not report.committed:
            raise click.ClickException(
                "Nothing was written (use --on-error skip to keep the good rows)."
            )

    @app.cli.command("load-examples")
    def load_examples():
        """Load the records of the example article (once; a repeat adds nothing)."""
        from api.services import examples

        current_author.set("load-examples")
        with db.obj.connection_context():
            created = examples.load()
        click.echo(
            "Loaded: " + ", ".join(f"{n} {kind}" for kind, n in created.items())
            if any(created.values())
            else "Example data already loaded."
        )

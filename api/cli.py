"""Flask CLI commands: migrations and example data."""

import click
from flask import Flask

from api import migrate
from api.db import db


def register_commands(app: Flask):
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

    @app.cli.command("load-examples")
    def load_examples():
        """Load the records of the example article (once; a repeat adds nothing)."""
        from api.services import examples

        with db.obj.connection_context():
            created = examples.load()
        click.echo(
            "Loaded: " + ", ".join(f"{n} {kind}" for kind, n in created.items())
            if any(created.values())
            else "Example data already loaded."
        )

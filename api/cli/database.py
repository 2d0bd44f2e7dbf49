"""The ``flask db`` commands: apply, list and write schema migrations."""

import click
from flask.cli import AppGroup

from api import migrate
from api.db import db
from api.models import MODELS


@click.group("db", cls=AppGroup)
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
    with db.obj.connection_context():
        path = migrate.router(db.obj).create(name, auto=MODELS)
    click.echo(f"Created {path}" if path else "No changes.")

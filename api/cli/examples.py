"""The ``flask load-examples`` command: the example article and its records."""

import click
from flask.cli import with_appcontext

from api.db import db
from api.models.base import current_author
from api.services import examples


@click.command("load-examples")
@with_appcontext
def load_examples():
    """Load the records of the example article (once; a repeat adds nothing)."""
    current_author.set("load-examples")
    with db.obj.connection_context():
        created = examples.load()
    click.echo(
        "Loaded: " + ", ".join(f"{n} {kind}" for kind, n in created.items())
        if any(created.values())
        else "Example data already loaded."
    )

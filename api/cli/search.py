"""The ``flask search`` commands: index the texts again."""

import click
from flask.cli import AppGroup

from api.db import db
from api.services import search


@click.group("search", cls=AppGroup)
def search_group():
    """Full-text search commands."""


@search_group.command("reindex")
@click.option("--batch", default=50_000, show_default=True, help="Ids per transaction.")
def search_reindex(batch):
    """Index every event and article again as texts are indexed now.

    Run once after upgrading to stemmed search on PostgreSQL (SQLite's
    migration does it); searches work meanwhile, and an interrupted run may
    be started again.
    """

    def progress(kind, reached, last):
        click.echo(f"{kind}: {reached:,} of {last:,}")

    with db.obj.connection_context():
        done = search.reindex(batch, progress)
    click.echo(f"Indexed {done['events']:,} events and {done['articles']:,} articles.")

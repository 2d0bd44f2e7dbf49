"""The ``flask keys`` commands: create, list and revoke API keys."""

import click
from flask.cli import AppGroup

from api.db import db
from api.models.base import current_author
from api.services import keys
from api.services.errors import Conflict, NotFound


@click.group("keys", cls=AppGroup)
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
    click.echo(f"Created key {record.id} {record.name!r} with scopes {record.scopes}.")
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

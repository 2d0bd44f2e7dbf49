"""Flask CLI commands: the OpenAPI document, migrations, keys, imports, example
data, search."""

from flask import Flask

from api.cli.database import db_group
from api.cli.examples import load_examples
from api.cli.imports import import_events
from api.cli.keys import keys_group
from api.cli.openapi import openapi_group, openapi_text
from api.cli.search import search_group

__all__ = ["openapi_text", "register_commands"]

COMMANDS = (
    openapi_group,
    db_group,
    keys_group,
    import_events,
    load_examples,
    search_group,
)


def register_commands(app: Flask):
    """Add each command and command group to the app's ``flask`` command."""
    for command in COMMANDS:
        app.cli.add_command(command)

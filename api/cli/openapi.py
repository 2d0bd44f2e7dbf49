"""The ``flask openapi`` commands: the OpenAPI document, printed or written."""

import json

import click
from flask import current_app
from flask.cli import AppGroup

from flask_smorest.spec import openapi_cli

import yaml

# The usual reading order, which apispec's dict does not keep.
FIRST_KEYS = ("openapi", "info", "servers", "tags", "paths", "components")


def openapi_text(format_: str) -> str:
    """The OpenAPI document as JSON or YAML, in the document's own order.

    Not sorted: a generated client takes a response's first media type for
    its type, and sorted, GeoJSON came before JSON on every list offering both.
    """
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    spec = api.spec.to_dict()
    spec = {k: spec[k] for k in FIRST_KEYS if k in spec} | spec
    if format_ == "yaml":
        return yaml.dump(spec, sort_keys=False, allow_unicode=True)
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


# flask-smorest's ``openapi`` commands, with YAML kept in document order:
# its ``print`` and ``write`` are replaced below (in a copy of its commands).
openapi_group = AppGroup(
    "openapi", help=openapi_cli.help, commands=dict(openapi_cli.commands)
)

format_option = click.option(
    "-f", "--format", "format_", type=click.Choice(["json", "yaml"]), default="json"
)


@openapi_group.command("print")
@format_option
def print_openapi(format_):
    """Print the OpenAPI document."""
    click.echo(openapi_text(format_), nl=False)


@openapi_group.command("write")
@format_option
@click.argument("output_file", type=click.File(mode="w"))
def write_openapi(format_, output_file):
    """Write the OpenAPI document to a file."""
    output_file.write(openapi_text(format_))

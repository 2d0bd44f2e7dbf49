"""The ``flask openapi`` commands: the OpenAPI document, printed or written."""

import json
import re

import click
from flask import current_app
from flask.cli import AppGroup

from flask_smorest.spec import openapi_cli

import yaml

# The usual reading order, which apispec's dict does not keep.
FIRST_KEYS = ("openapi", "info", "servers", "security", "tags", "paths", "components")


class _Dumper(yaml.SafeDumper):
    """YAML that reads back the same under YAML 1.1 and 1.2, without aliases.

    PyYAML quotes a string only where YAML 1.1 would read it as another type;
    tools that read YAML 1.2 (Spectral, Redocly, most JavaScript) take
    ``0871`` for the integer 871 and ``1e3`` for a float, so the scalars YAML
    1.2's core schema reads as numbers are quoted too. An object used twice
    (apispec shares examples) is written out twice, not as ``&id001``.
    """

    def ignore_aliases(self, data):
        return True


# YAML 1.2 core schema numbers that YAML 1.1's patterns do not cover.
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)


def _text(dumper: yaml.SafeDumper, value: str):
    # Multi-line descriptions as literal blocks, as they were written; PyYAML
    # falls back to quotes where a block cannot hold the text (\r, trailing
    # spaces).
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def openapi_text(format_: str) -> str:
    """The OpenAPI document as JSON or YAML, in the document's own order.

    Not sorted: a generated client takes a response's first media type for
    its type, and sorted, GeoJSON came before JSON on every list offering both.
    """
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    spec = api.spec.to_dict()
    spec = {k: spec[k] for k in FIRST_KEYS if k in spec} | spec
    if format_ == "yaml":
        return yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
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

"""Imports go one way: resources -> services -> models; schemas stand alone."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "api/services": (
        "flask",
        "flask_smorest",
        "werkzeug",
        "marshmallow",
        "webargs",
        "schemas",
        "api.resources",
    ),
    "api/models": (
        "flask",
        "flask_smorest",
        "werkzeug",
        "marshmallow",
        "schemas",
        "api.services",
        "api.resources",
    ),
    "schemas": ("api", "flask", "peewee"),
}


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_go_one_way(package):
    offenders = []
    for path in (ROOT / package).rglob("*.py"):
        for name in _imports(path):
            if any(
                name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[package]
            ):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []

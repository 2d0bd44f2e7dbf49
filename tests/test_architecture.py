"""Imports go one way: resources -> services -> models; schemas stand alone."""

import ast
import subprocess
import sys
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


def test_the_import_reading_process_loads_no_database_or_query_code():
    # It starts while the writer waits for its first chunk: loading peewee,
    # the drivers and the query code (geopy, requests) took 0.3 s of it.
    script = (
        "import sys, api.services.ingest.reading; "
        "print(sorted(m for m in ('peewee', 'psycopg', 'geopy', 'flask', "
        "'api.db', 'api.models') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.strip() == "[]"

"""Imports go one way: resources -> services -> models; schemas stand alone; no circles.

Every module under api/, schemas/ and reference/ is read with ``ast``: imports
inside functions count as much as those at the top, and relative imports are
resolved to the modules they name. ``from api.services import history`` names
the module ``api.services.history``; ``from api.services.history import x``
names ``api.services.history``; ``import api.models`` names the package's
``__init__``.
"""

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("api", "schemas", "reference")

# What each layer may not import. A name matches itself and everything under it.
FORBIDDEN = {
    "api/services": (
        "flask",
        "werkzeug",
        "flask_smorest",
        "webargs",
        "marshmallow",
        "schemas",
        "api.http",
        "api.resources",
    ),
    "api/resources": ("peewee", "playhouse", "api.db"),
    "api/models": (
        "api.services",
        "api.resources",
        "api.http",
        "schemas",
        "flask",
        "werkzeug",
        "marshmallow",
        "flask_smorest",
    ),
    "schemas": ("api", "flask", "peewee"),
}

# (file, forbidden name it may import), each with the reason it may.
ALLOWED = {
    # GET /ready must ask the database itself whether it answers (SELECT 1 on
    # the connection): a readiness check that went through a service and the
    # ORM would report on them, not on the connection the load balancer cares
    # about.
    ("api/resources/operations.py", "api.db"),
}


@dataclass(frozen=True)
class Import:
    """One module a file imports, and the line that imports it."""

    path: Path
    line: int
    name: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.name}"


def module_name(path: Path) -> str:
    """api/services/history.py -> api.services.history; a package's __init__ is
    the package."""
    parts = path.with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_modules(root: Path, sources=SOURCES) -> dict[str, Path]:
    """Module name -> path relative to ``root``, for every module in ``sources``."""
    modules = {}
    for source in sources:
        for path in sorted((root / source).rglob("*.py")):
            relative = path.relative_to(root)
            modules[module_name(relative)] = relative
    return modules


def imports_of(root: Path, path: Path, modules) -> list[Import]:
    """Every module ``path`` imports, at any depth in the file.

    ``from m import a`` names ``m.a`` when that is one of ``modules``, else ``m``.
    """
    module = module_name(path)
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse((root / path).read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = ".".join(part for part in (package, base) if part)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                name = candidate if candidate in modules else base
                found.append(Import(path, node.lineno, name))
    return found


def all_imports(root: Path = ROOT, sources=SOURCES) -> list[Import]:
    modules = project_modules(root, sources)
    return [
        found for path in modules.values() for found in imports_of(root, path, modules)
    ]


def import_graph(root: Path = ROOT, sources=SOURCES) -> dict[str, dict[str, Import]]:
    """Module -> {project module it imports: the first import of it}."""
    modules = project_modules(root, sources)
    graph = {name: {} for name in modules}
    for name, path in modules.items():
        for found in imports_of(root, path, modules):
            if found.name in modules and found.name != name:
                graph[name].setdefault(found.name, found)
    return graph


def strongly_connected(graph) -> list[list[str]]:
    """Tarjan's strongly connected components of ``graph`` (node -> successors)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def a_circle_through(start: str, members, graph) -> list[str]:
    """The shortest path start -> ... -> start inside one strongly connected
    component (breadth first, so the report names as few modules as it can)."""
    came_from = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in sorted(graph[node]):
                if successor not in members or successor in came_from:
                    continue
                came_from[successor] = node
                if successor == start:
                    path = [start]
                    while True:
                        path.append(came_from[path[-1]])
                        if path[-1] == start:
                            return path[::-1]
                following.append(successor)
        frontier = following
    raise AssertionError(f"{start} is in no circle")


def import_circles(graph) -> list[str]:
    """For each tangle of modules that import each other: one circle through it
    as ``a -> b -> a``, the import lines that make that circle, and, when the
    tangle is larger than the circle, every module in it."""
    circles = []
    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        path = a_circle_through(component[0], set(component), graph)
        lines = [str(graph[a][b]) for a, b in zip(path, path[1:], strict=False)]
        if len(component) > len(path) - 1:
            lines.append(f"(all tangled together: {', '.join(component)})")
        circles.append("\n    ".join([" -> ".join(path), *lines]))
    return circles


def layer_offences(imports, package: str, forbidden, allowed=frozenset()):
    """The imports by files under ``package`` of a forbidden name, or under one."""
    return [
        str(found)
        for found in imports
        if found.path.is_relative_to(package)
        for bad in forbidden
        if (found.name == bad or found.name.startswith(bad + "."))
        and (found.path.as_posix(), bad) not in allowed
    ]


@pytest.fixture(scope="module")
def imports():
    return all_imports()


def test_there_are_no_import_circles():
    circles = import_circles(import_graph())
    assert not circles, "Import circles among the project's modules:\n" + "\n".join(
        circles
    )


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_go_one_way(imports, package):
    assert any(found.path.is_relative_to(package) for found in imports), (
        f"no imports read under {package}/: the check would pass on nothing"
    )
    offences = layer_offences(imports, package, FORBIDDEN[package], ALLOWED)
    assert not offences, f"{package}/ may not import {FORBIDDEN[package]}:\n" + (
        "\n".join(offences)
    )


def test_every_allowed_exception_is_still_needed(imports):
    # An exception nobody uses any more would let the next one in unnoticed.
    for path, name in sorted(ALLOWED):
        package = next(
            package for package in FORBIDDEN if Path(path).is_relative_to(package)
        )
        assert layer_offences(imports, path, [name]), (
            f"{path} no longer imports {name}: take it off ALLOWED"
        )
        assert name in FORBIDDEN[package], f"{name} is not forbidden in {package}/"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_circle_check_finds_a_circle_made_at_function_level(tmp_path):
    # So that the check above cannot pass by reading nothing or by missing the
    # imports that hide inside functions or behind dots.
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/services/history.py": "from app.services import actors\n",
            "app/services/actors.py": (
                "import json\n\n\ndef undo():\n    from . import history\n"
            ),
            "app/services/alone.py": "from app.services.actors import undo\n",
        },
    )
    graph = import_graph(tmp_path, ["app"])
    assert graph["app.services.alone"] == {
        "app.services.actors": Import(
            Path("app/services/alone.py"), 1, "app.services.actors"
        )
    }
    (circle,) = import_circles(graph)
    assert circle.splitlines()[0] == (
        "app.services.actors -> app.services.history -> app.services.actors"
    )
    assert "app/services/actors.py:5 imports app.services.history" in circle
    assert "app/services/history.py:1 imports app.services.actors" in circle

    write(tmp_path, {"app/services/actors.py": "def undo():\n    pass\n"})
    assert import_circles(import_graph(tmp_path, ["app"])) == []


def test_the_layer_check_finds_a_forbidden_import_inside_a_function(tmp_path):
    write(
        tmp_path,
        {
            "app/services/search.py": "def f():\n    from flask import g\n",
            "app/services/ok.py": "import flaskish\n",
        },
    )
    imports = all_imports(tmp_path, ["app"])
    assert layer_offences(imports, "app/services", ("flask",)) == [
        "app/services/search.py:2 imports flask"
    ]


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

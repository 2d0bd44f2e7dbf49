"""One version number, and every install pinned by constraints.txt."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from api.config import package_version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    pairs = (line.split("==") for line in lines if line and line[0].isalnum())
    return {canonicalize_name(name): version.strip() for name, version in pairs}


def test_api_version_is_the_package_version():
    assert package_version() == PROJECT["version"], (
        "the installed metadata is older than pyproject.toml: run `make install`"
    )


def test_constraints_pin_every_requirement_within_its_range():
    pins = _pins()
    extras = PROJECT["optional-dependencies"].values()
    wanted = [Requirement(r) for r in (*PROJECT["dependencies"], *sum(extras, []))]
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        if name == "dateline":
            continue  # an extra that includes another
        assert name in pins, f"{name} is not in constraints.txt: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]} outside {requirement}: "
            "run `make lock`"
        )

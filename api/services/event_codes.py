"""The CAMEO codebook shipped in api/data, for validation and look-up."""

import json
from functools import cache
from pathlib import Path

from api.services.errors import NotFound

CODEBOOK_PATH = Path(__file__).resolve().parent.parent / "data" / "cameo_codes.json"


@cache
def codebook() -> dict[str, dict]:
    """Every CAMEO code with its name, parent, root and quad class."""
    raw = json.loads(CODEBOOK_PATH.read_text(encoding="utf-8"))
    return {
        code: {
            "code": code,
            "name": entry["name"],
            "description": entry.get("description"),
            "parent": entry.get("parent"),
            "root": code[:2],
            "quad_class": entry.get("quad_class"),
            "usage_notes": entry.get("usage_notes"),
            "examples": entry.get("examples", []),
        }
        for code, entry in sorted(raw.items())
    }


def is_known(code: str) -> bool:
    return code in codebook()


def list_codes(parent=None, root=None, q=None) -> list[dict]:
    entries = codebook().values()
    if parent is not None:
        entries = [e for e in entries if e["parent"] == parent]
    if root:
        entries = [e for e in entries if len(e["code"]) == 2]
    if q:
        words = q.casefold().split()
        entries = [e for e in entries if all(w in e["name"].casefold() for w in words)]
    return list(entries)


def get_code(code: str) -> dict:
    entry = codebook().get(code)
    if entry is None:
        raise NotFound("CAMEO event code", code)
    return entry

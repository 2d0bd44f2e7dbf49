"""The datasets Dateline imports, with the terms their data travel under."""

import json
from functools import cache
from pathlib import Path

from api.services.errors import NotFound

TERMS_PATH = Path(__file__).resolve().parent.parent / "data" / "datasets.json"


@cache
def _datasets() -> dict[str, dict]:
    raw = json.loads(TERMS_PATH.read_text(encoding="utf-8"))
    return {name: {"name": name, **terms} for name, terms in raw.items()}


def list_datasets() -> list[dict]:
    return list(_datasets().values())


def get_dataset(name: str) -> dict:
    try:
        return _datasets()[name]
    except KeyError:
        raise NotFound("Dataset", name) from None


def named(sources) -> list[dict]:
    """The datasets among ``sources`` (every one when None), in their order.

    Names that are no imported dataset (``none``, another instance's) have no
    terms to name.
    """
    known = _datasets()
    if sources is None:
        return list(known.values())
    return [known[name] for name in dict.fromkeys(sources) if name in known]

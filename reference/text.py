"""Text folding shared by services and reference lookups."""

import unicodedata
from functools import lru_cache

# Dotless i and a few letters do not decompose; they are folded by hand.
_EXTRA_FOLDS = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "ß": "ss"})


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text``: "Erdoğan" -> "erdogan"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.translate(_EXTRA_FOLDS).split())

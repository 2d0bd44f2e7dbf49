"""Languages to ISO 639-1."""

from functools import cache

import pycountry


@cache
def to_alpha2(value: str) -> str | None:
    """The ISO 639-1 code for a 639-1 or 639-2/3 code or an English name."""
    text = value.strip().lower()
    # Codes first: lookup() alone takes "en" for the name of the En language.
    language = (pycountry.languages.get(alpha_2=text) if len(text) == 2 else None) or (
        pycountry.languages.get(alpha_3=text) if len(text) == 3 else None
    )
    if language is None and len(text) > 3:
        try:
            language = pycountry.languages.lookup(text)
        except LookupError:
            language = None
    return getattr(language, "alpha_2", None)

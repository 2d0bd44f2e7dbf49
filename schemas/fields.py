"""Fields that normalise codes: countries to ISO alpha-3, languages to ISO 639-1."""

from datetime import UTC

import marshmallow as ma

import pycountry

# English names in everyday and news use that ISO 3166 (and so pycountry) spells
# otherwise, plus Kosovo's user-assigned code, which the event datasets all use.
COMMON_NAMES = {
    "burma": "MMR",
    "cape verde": "CPV",
    "congo": "COG",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "east timor": "TLS",
    "ivory coast": "CIV",
    "kosovo": "XKX",
    "macedonia": "MKD",
    "palestine": "PSE",
    "republic of congo": "COG",
    "russia": "RUS",
    "swaziland": "SWZ",
    "turkey": "TUR",
    "xkx": "XKX",
}


def to_alpha3(value: str) -> str | None:
    """Return the ISO 3166-1 alpha-3 code for an alpha-3, alpha-2, numeric or name."""
    text = value.strip()
    if not text:
        return None
    if text.casefold() in COMMON_NAMES:
        return COMMON_NAMES[text.casefold()]
    if text.isdigit():
        country = pycountry.countries.get(numeric=text.zfill(3))
        return country.alpha_3 if country else None
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        return None


def to_alpha2_language(value: str) -> str | None:
    """Return the ISO 639-1 code for a 639-1 or 639-2/3 code or an English name."""
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


class Country(ma.fields.String):
    """A country as ISO 3166-1 alpha-3; alpha-2 codes and English names accepted."""

    default_error_messages = {
        "unknown": "Unknown country {input!r}: use an ISO 3166-1 code or name."
    }

    def __init__(self, **kwargs):
        metadata = {
            "description": "ISO 3166-1 alpha-3 code. Alpha-2 codes and English "
            "names are accepted on input and stored as alpha-3.",
            "example": "SYR",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        code = to_alpha3(text)
        if code is None:
            raise self.make_error("unknown", input=text)
        return code


class Language(ma.fields.String):
    """A language as ISO 639-1 (two letters); three-letter codes and names accepted."""

    default_error_messages = {
        "unknown": "Unknown language {input!r}: use an ISO 639-1 code such as 'en'."
    }

    def __init__(self, **kwargs):
        metadata = {
            "description": "ISO 639-1 two-letter language code.",
            "example": "en",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        code = to_alpha2_language(text)
        if code is None:
            raise self.make_error("unknown", input=text)
        return code


class UTCDateTime(ma.fields.AwareDateTime):
    """An ISO 8601 time with a UTC offset, converted to UTC on input."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).astimezone(UTC)

"""Countries to ISO 3166-1 alpha-3, from whatever a client or a dataset uses."""

import json
import re
from functools import cache
from pathlib import Path

import pycountry

# English names in everyday and news use that ISO 3166 (and so pycountry) spells
# otherwise, UCDP's historical names, and Kosovo's user-assigned code, which
# the event datasets all use.
COMMON_NAMES = {
    "bosnia-herzegovina": "BIH",
    "burma": "MMR",
    "cape verde": "CPV",
    "congo": "COG",
    "czechoslovakia": "CZE",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "east timor": "TLS",
    "german democratic republic": "DEU",
    "ivory coast": "CIV",
    "kosovo": "XKX",
    "macedonia": "MKD",
    "macedonia, fyr": "MKD",
    "palestine": "PSE",
    "republic of congo": "COG",
    "russia": "RUS",
    "soviet union": "RUS",
    "swaziland": "SWZ",
    "turkey": "TUR",
    "xkx": "XKX",
    "yugoslavia": "SRB",
    "zaire": "COD",
}
_PARENTHESIS = re.compile(r"\s*\(.*\)\s*$")
FIPS_PATH = Path(__file__).resolve().parent / "data" / "fips_countries.json"


@cache
def to_alpha3(value: str) -> str | None:
    """The alpha-3 code for an alpha-3, alpha-2, numeric code or an English name.

    UCDP's "Russia (Soviet Union)" style names resolve by the name before the
    parenthesis, then by the one inside it.
    """
    text = value.strip()
    if not text:
        return None
    folded = text.casefold()
    if folded in COMMON_NAMES:
        return COMMON_NAMES[folded]
    if text.isdigit():
        country = pycountry.countries.get(numeric=text.zfill(3))
        return country.alpha_3 if country else None
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        pass
    if _PARENTHESIS.search(text):
        inner = text[text.index("(") + 1 : text.rindex(")")]
        return to_alpha3(_PARENTHESIS.sub("", text)) or to_alpha3(inner)
    if folded.startswith("kingdom of "):
        return to_alpha3(text[len("kingdom of ") :])
    return None


@cache
def _fips() -> dict[str, str]:
    table = json.loads(FIPS_PATH.read_text(encoding="utf-8"))
    return {code: entry["iso3"] for code, entry in table.items() if entry.get("iso3")}


def fips_to_alpha3(code: str) -> str | None:
    """GDELT's FIPS 10-4 country codes (``SY`` is Syria, not Seychelles)."""
    return _fips().get(code.strip().upper())

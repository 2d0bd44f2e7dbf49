"""Countries to ISO 3166-1 alpha-3, from whatever a client or a dataset uses."""

import json
import re
from functools import cache
from pathlib import Path

import pycountry

from reference.text import fold

# English names in everyday and news use that ISO 3166 (and so pycountry) spells
# otherwise, UCDP's historical names, and Kosovo's user-assigned code, which
# the event datasets all use.
COMMON_NAMES = {
    "bailiwick of guernsey": "GGY",
    "bailiwick of jersey": "JEY",
    "bosnia-herzegovina": "BIH",
    "brunei": "BRN",
    "burma": "MMR",
    "caribbean netherlands": "BES",
    "cape verde": "CPV",
    "congo": "COG",
    "czechoslovakia": "CZE",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "east timor": "TLS",
    "falkland islands": "FLK",
    "german democratic republic": "DEU",
    "ivory coast": "CIV",
    "korea, north": "PRK",
    "korea, south": "KOR",
    "kosovo": "XKX",
    "macau": "MAC",
    "macedonia": "MKD",
    "macedonia, fyr": "MKD",
    "micronesia": "FSM",
    "palestine": "PSE",
    "republic of congo": "COG",
    "russia": "RUS",
    "saint-barthelemy": "BLM",
    "saint-martin": "MAF",
    "soviet union": "RUS",
    "swaziland": "SWZ",
    "turkey": "TUR",
    "vatican city": "VAT",
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
    return _folded_names().get(fold(text))


@cache
def _folded_names() -> dict[str, str]:
    # Exports typed on ASCII keyboards write "Cote d'Ivoire" and "Curacao".
    names = {}
    for entry in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(entry, attribute, None)
            if name:
                names[fold(name)] = entry.alpha_3
    return names


@cache
def _fips() -> dict[str, str]:
    table = json.loads(FIPS_PATH.read_text(encoding="utf-8"))
    return {code: entry["iso3"] for code, entry in table.items() if entry.get("iso3")}


def fips_to_alpha3(code: str) -> str | None:
    """GDELT's FIPS 10-4 country codes (``SY`` is Syria, not Seychelles)."""
    return _fips().get(code.strip().upper())

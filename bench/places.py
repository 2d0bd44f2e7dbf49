"""Locations of the corpus: countries, admin1 areas, cities and routes."""

import itertools
import random
from dataclasses import dataclass, field

from bench import data

LOCATION_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "name",
    "kind",
    "country",
    "parent_id",
    "latitude",
    "longitude",
)


def zipf_cum(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for ``n`` items: the first is the most frequent."""
    return list(itertools.accumulate(1 / (i + 1) ** s for i in range(n)))


def made_up_name(rng: random.Random) -> str:
    return "".join(rng.choices(data.SYLLABLES, k=rng.randint(2, 3))).capitalize()


@dataclass
class Places:
    """What the corpus needs to know about its locations after writing them."""

    rows: list = field(default_factory=list)
    ancestors: list = field(default_factory=list)
    # (id, country, name) of every city, and of every admin1, with pick weights.
    cities: list = field(default_factory=list)
    city_weights: list = field(default_factory=list)
    admin1s: list = field(default_factory=list)
    countries: dict = field(default_factory=dict)
    routes: list = field(default_factory=list)
    by_name: dict = field(default_factory=dict)
    chains: dict = field(default_factory=dict)

    def add(self, stamp, name, kind, country, parent, lat=None, lon=None) -> int:
        location_id = len(self.rows) + 1
        self.rows.append((location_id, *stamp, name, kind, country, parent, lat, lon))
        # Closure table: itself at depth 0, then every enclosing place.
        chain = [location_id, *self.chains.get(parent, ())]
        self.chains[location_id] = chain
        self.ancestors.extend((location_id, a, depth) for depth, a in enumerate(chain))
        self.by_name.setdefault((country, name), location_id)
        return location_id


def _admin1_plan(rng, country) -> list[tuple[str, float, float, list]]:
    """(name, lat, lon, real cities) of each admin1 area of ``country``."""
    iso, _, _, lat, lon, spread, _ = country
    if iso == "SYR":
        return [
            (name, la, lo, data.SYRIA_CITIES.get(name, []))
            for name, la, lo in data.SYRIA_ADMIN1
        ]
    plan = []
    for _ in range(10):
        name = f"{made_up_name(rng)} {rng.choice(data.ADMIN1_SUFFIXES)}"
        la = lat + rng.uniform(-spread, spread)
        lo = lon + rng.uniform(-spread, spread)
        plan.append((name, max(-89.0, min(89.0, la)), lo, []))
    return plan


def _add_country(places: Places, rng, stamp, country) -> None:
    iso, name, _, lat, lon, _, weight = country
    country_id = places.add(stamp, name, "country", iso, None, lat, lon)
    places.countries[iso] = country_id
    cities = []
    for admin_name, la, lo, real in _admin1_plan(rng, country):
        admin_id = places.add(stamp, admin_name, "admin1", iso, country_id, la, lo)
        places.admin1s.append((admin_id, iso, admin_name))
        for city, cla, clo in real:
            cities.append(places.add(stamp, city, "city", iso, admin_id, cla, clo))
        for _ in range(max(0, 10 - len(real))):
            city = made_up_name(rng)
            cla = round(la + rng.uniform(-0.3, 0.3), 4)
            clo = round(lo + rng.uniform(-0.3, 0.3), 4)
            cities.append(places.add(stamp, city, "city", iso, admin_id, cla, clo))
    routes = data.SYRIA_ROUTES if iso == "SYR" else []
    routes = routes or [f"{made_up_name(rng)} road" for _ in range(2)]
    for route in routes:
        places.routes.append((places.add(stamp, route, "route", iso, country_id), iso))
    # Within a country, a few cities (the first, real ones) see most events.
    shares = zipf_cum(len(cities), 0.7)
    total = shares[-1]
    for city_id, share, before in zip(cities, shares, [0.0, *shares], strict=False):
        places.cities.append((city_id, iso))
        places.city_weights.append(weight * (share - before) / total)


def build_places(rng: random.Random, stamp: tuple) -> Places:
    """Every location, with its closure rows, ready to write."""
    places = Places()
    for country in data.COUNTRIES:
        _add_country(places, rng, stamp, country)
    places.city_weights = list(itertools.accumulate(places.city_weights))
    return places

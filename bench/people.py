"""Actors of the corpus, with aliases, grouped by country for event links."""

import itertools
import random
from dataclasses import dataclass, field

from bench import data
from bench.places import made_up_name, zipf_cum
from reference.text import fold

ACTOR_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "name",
    "search_name",
    "kind",
    "country",
    "description",
)
ALIAS_COLUMNS = ("id", "actor_id", "name", "search_name")
# Kind -> share of the made-up actors.
KIND_SHARES = {
    "person": 35,
    "armed_group": 15,
    "organisation": 10,
    "military": 6,
    "police": 5,
    "government": 5,
    "political_party": 6,
    "ngo": 5,
    "media": 4,
    "business": 3,
    "religious_group": 2,
    "ethnic_group": 2,
    "civilians": 1,
    "protesters": 1,
}


@dataclass
class Actors:
    rows: list = field(default_factory=list)
    aliases: list = field(default_factory=list)
    by_name: dict = field(default_factory=dict)
    # Country (None for the rest of the world) -> actor ids, most active first.
    pools: dict = field(default_factory=dict)
    pool_weights: dict = field(default_factory=dict)

    def add(self, stamp, name, kind, country, aliases=()) -> int:
        actor_id = len(self.rows) + 1
        description = f"{kind.replace('_', ' ')} ({country or 'international'})"
        self.rows.append(
            (actor_id, *stamp, name, fold(name), kind, country, description)
        )
        seen = {name}
        for alias in aliases:
            if alias and alias not in seen:
                seen.add(alias)
                alias_id = len(self.aliases) + 1
                self.aliases.append((alias_id, actor_id, alias, fold(alias)))
        self.by_name.setdefault(name, actor_id)
        self.pools.setdefault(country, []).append(actor_id)
        return actor_id

    def pick(self, rng: random.Random, country: str | None) -> int:
        """An actor for an event in ``country``: mostly a local one."""
        if country not in self.pools or rng.random() < 0.3:
            country = None
        pool = self.pools[country]
        return rng.choices(pool, cum_weights=self.pool_weights[country])[0]


def _person(rng) -> tuple[str, list[str]]:
    first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
    name = f"{first} {last}"
    return name, [last, f"{first[0]}. {last}"][: rng.randint(1, 2)]


def _made_up(rng, kind, country) -> tuple[str, list[str]]:
    """A plausible name and 1-3 aliases for an actor of ``kind``."""
    adjective = data.COUNTRY_BY_ISO[country][2] if country else "International"
    word = made_up_name(rng)
    if kind == "person":
        return _person(rng)
    if kind == "armed_group":
        name = (
            f"{rng.choice(data.GROUP_WORDS)} {rng.choice(data.GROUP_WORDS)} "
            f"{rng.choice(data.GROUP_FORMS)} of {word}"
        )
    elif kind in ("military", "police"):
        unit = rng.choice(["Division", "Brigade", "Regiment", "Battalion", "Unit"])
        name = f"{adjective} {kind.title()} {rng.randint(1, 150)}th {unit}"
    elif kind == "government":
        name = f"{adjective} Ministry of {rng.choice(data.GROUP_WORDS)} ({word})"
    elif kind in ("civilians", "protesters"):
        name = f"{adjective} {kind} in {word}"
    else:
        name = f"{word} {rng.choice(data.ORG_FORMS)}"
        name = f"{adjective} {name}" if rng.random() < 0.5 else name
    acronym = "".join(w[0] for w in name.split() if w[0].isupper())
    extra = [acronym, f"{word} {kind.replace('_', ' ')}", f"the {word} people"]
    return name, extra[: rng.randint(1, 3)]


def _add_national(actors: Actors, stamp) -> None:
    for iso, name, adjective, *_ in data.COUNTRIES:
        actors.add(stamp, name, "state", iso, [iso, f"State of {name}"])
        actors.add(
            stamp,
            f"Government of {name}",
            "government",
            iso,
            [f"{adjective} government", f"{adjective} authorities"],
        )
        if iso != "SYR":
            actors.add(
                stamp,
                f"{adjective} Armed Forces",
                "military",
                iso,
                [f"{adjective} army", f"{adjective} military"],
            )
        actors.add(stamp, f"{adjective} civilians", "civilians", iso, ["civilians"])


def build_actors(rng: random.Random, stamp: tuple, count: int = 5000) -> Actors:
    """The real actors first (so they are the most active), then made-up ones."""
    actors = Actors()
    for name, kind, country, aliases in data.REAL_ACTORS:
        actors.add(stamp, name, kind, country, aliases)
    _add_national(actors, stamp)
    kinds = list(KIND_SHARES)
    shares = list(itertools.accumulate(KIND_SHARES.values()))
    isos = [c[0] for c in data.COUNTRIES] + [None] * 5
    while len(actors.rows) < count:
        kind = rng.choices(kinds, cum_weights=shares)[0]
        country = rng.choice(isos)
        name, aliases = _made_up(rng, kind, country)
        actors.add(stamp, name, kind, country, aliases)
    for country, pool in actors.pools.items():
        actors.pool_weights[country] = zipf_cum(len(pool), 1.0)
    # The world pool draws on every actor, international ones first.
    world = actors.pools.get(None, []) + [a for (a, *_) in actors.rows]
    actors.pools[None] = list(dict.fromkeys(world))
    actors.pool_weights[None] = zipf_cum(len(actors.pools[None]), 0.8)
    return actors

"""Articles and events of the corpus, generated in date order, in chunks."""

import bisect
import itertools
import random
from datetime import date, datetime, time, timedelta

from api.services.event_codes import codebook
from api.services.events import derive_date_end
from bench import data
from bench.people import Actors
from bench.places import Places, zipf_cum

FIRST_DAY = date(2015, 1, 1).toordinal()
LAST_DAY = date(2024, 12, 31).toordinal()
# "Now" for the corpus: no record was written or changed after this.
LAST_STAMP = datetime(2025, 1, 31, 23, 59, 59)
CLUSTER_DAYS = (date(2020, 2, 27).toordinal(), date(2020, 3, 9).toordinal())
ARTICLE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "url",
    "title",
    "body",
    "outlet",
    "wire_agency",
    "dateline_location_id",
    "published_at",
    "language",
)
EVENT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "event_code",
    "summary",
    "date_start",
    "date_end",
    "date_precision",
    "location_id",
    "geo_precision",
    "fatalities",
)
EVENT_ACTOR_COLUMNS = ("id", "event_id", "actor_id", "role", "position")
EVENT_SOURCE_COLUMNS = ("id", "event_id", "article_id", "quote", "position")
AUTHOR = "bench"
VOCAB = list(dict.fromkeys(data.VOCAB))
VOCAB_CUM = zipf_cum(len(VOCAB))
OTHER_ROLES = ["participant", "supporter", "mediator", "affected"]


def stamp(moment: datetime) -> str:
    """Naive UTC text, as UTCDateTimeField stores it."""
    return min(moment, LAST_STAMP).replace(microsecond=0).isoformat(" ")


class Generator:
    """Draws articles and events from one seeded random stream."""

    def __init__(self, rng: random.Random, places: Places, actors: Actors):
        self.rng, self.places, self.actors = rng, places, actors
        roots = sorted(data.CAMEO_ROOTS)
        self.roots = roots
        self.root_cum = list(
            itertools.accumulate(data.CAMEO_ROOTS[r][0] for r in roots)
        )
        self.codes = {r: [c for c in codebook() if c[:2] == r] for r in roots}
        self.article_days: list[int] = []
        self.link_ids = itertools.count(1)
        self.source_ids = itertools.count(1)
        name = data.ANALYST_ACTOR
        self.analyst = actors.by_name[name]
        self.front = [places.by_name[("SYR", n)] for n in data.IDLIB_FRONT]
        targets = ["Hayat Tahrir al-Sham", "Syrian National Army", "Syrian civilians"]
        self.front_targets = [actors.by_name[n] for n in targets]
        self.front_targets.append(actors.by_name["Turkish Armed Forces"])

    def words(self, low: int, high: int) -> str:
        k = self.rng.randint(low, high)
        return " ".join(self.rng.choices(VOCAB, cum_weights=VOCAB_CUM, k=k))

    def _moment(self, ordinal: int, lag_days: float) -> datetime:
        start = datetime.combine(date.fromordinal(ordinal), time())
        return start + timedelta(days=lag_days, seconds=self.rng.randrange(86400))

    def _stamps(self, ordinal: int) -> tuple:
        created = self._moment(ordinal, self.rng.expovariate(1 / 3))
        updated = created
        if self.rng.random() < 0.2:
            updated = created + timedelta(days=self.rng.expovariate(1 / 60))
        return stamp(created), stamp(updated), AUTHOR, AUTHOR

    def articles(self, count: int):
        """Chunks of (article rows, text rows), oldest article first."""
        rng = self.rng
        days = sorted(rng.randint(FIRST_DAY, LAST_DAY + 10) for _ in range(count))
        self.article_days = days
        for start in range(0, count, 20000):
            rows, texts = [], []
            for article_id in range(start + 1, min(count, start + 20000) + 1):
                day = days[article_id - 1]
                published = self._moment(day, 0)
                outlet, domain = rng.choice(data.OUTLETS)
                title = self.words(6, 10).capitalize()
                body = self.words(40, 120)
                city = rng.choices(
                    self.places.cities, cum_weights=self.places.city_weights
                )[0][0]
                rows.append(
                    (
                        article_id,
                        *self._stamps(day),
                        f"https://{domain}/{published:%Y/%m/%d}/{article_id}",
                        title,
                        body,
                        outlet,
                        rng.choice(data.WIRES),
                        city if rng.random() < 0.8 else None,
                        stamp(published),
                        rng.choice(data.LANGUAGES),
                    )
                )
                texts.append((article_id, title, body))
            yield rows, texts

    def event_days(self, count: int) -> list[int]:
        """Sorted day ordinals times 2, plus 1 for the analyst's cluster."""
        rng, cluster = self.rng, min(200, count // 5)
        span = LAST_DAY - FIRST_DAY
        # Half uniform, half growing towards the present, as reporting does.
        days = [
            2 * int(FIRST_DAY + rng.triangular(0, span, span))
            if rng.random() < 0.5
            else 2 * rng.randint(FIRST_DAY, LAST_DAY)
            for _ in range(count - cluster)
        ]
        days += [2 * rng.randint(*CLUSTER_DAYS) + 1 for _ in range(cluster)]
        return sorted(days)

    def events(self, count: int, chunk: int = 20000):
        """Chunks of (event rows, actor links, source links, text rows)."""
        days = self.event_days(count)
        for start in range(0, count, chunk):
            out = ([], [], [], [])
            for index in range(start, min(count, start + chunk)):
                self._event(index + 1, days[index] // 2, days[index] % 2, out)
            yield out

    def _place(self) -> tuple:
        """(location id, geo precision, country) of a new event."""
        rng, places = self.rng, self.places
        city, iso = rng.choices(places.cities, cum_weights=places.city_weights)[0]
        draw = rng.random()
        if draw < 0.85:
            return city, rng.choice(["exact"] * 6 + ["near"] * 3 + ["admin2"]), iso
        if draw < 0.92:
            return places.chains[city][1], "admin1", iso
        if draw < 0.94:
            return places.countries[iso], "country", iso
        if draw < 0.95:
            route = [r for r, country in places.routes if country == iso]
            return rng.choice(route), "near", iso
        return None, None, iso

    def _date(self, ordinal: int, cluster: int) -> tuple:
        draw = 0.0 if cluster else self.rng.random()
        day = date.fromordinal(ordinal)
        if draw < 0.85:
            precision = "day"
        elif draw < 0.92:
            precision = "week"
        elif draw < 0.98:
            precision, day = "month", day.replace(day=1)
        else:
            precision, day = "year", day.replace(month=1, day=1)
        return day, derive_date_end(day, precision), precision

    def _fatalities(self, root: str) -> int | None:
        rng = self.rng
        if rng.random() < 0.3:
            return None
        if root in ("18", "19", "20"):
            return min(2000, int(rng.paretovariate(1.2)) - 1)
        return 0 if rng.random() < 0.9 else rng.randint(1, 5)

    def _actors(self, iso: str | None, cluster: bool) -> list[int]:
        rng = self.rng
        if cluster:
            chosen = [self.analyst, rng.choice(self.front_targets)]
            if rng.random() < 0.3:
                chosen.append(self.actors.by_name["Russian Aerospace Forces"])
            return chosen
        wanted = rng.choices((1, 2, 3), cum_weights=(30, 85, 100))[0]
        chosen = []
        for _ in range(wanted * 3):
            actor = self.actors.pick(rng, iso)
            if actor not in chosen:
                chosen.append(actor)
            if len(chosen) == wanted:
                break
        return chosen

    def _articles_near(self, ordinal: int) -> list[int]:
        """1-2 articles published around the day of the event."""
        rng, days = self.rng, self.article_days
        middle = bisect.bisect_left(days, ordinal)
        picks = {
            max(1, min(len(days), middle + rng.randint(-30, 30)))
            for _ in range(1 if rng.random() < 0.7 else 2)
        }
        return sorted(picks)

    def _code(self, cluster: bool) -> str:
        if cluster:
            return self.rng.choice(self.codes["18"] + self.codes["19"])
        root = self.rng.choices(self.roots, cum_weights=self.root_cum)[0]
        return self.rng.choice(self.codes[root])

    def _event(self, event_id: int, ordinal: int, cluster: int, out) -> None:
        rng = self.rng
        events, actor_links, source_links, texts = out
        code = self._code(cluster)
        if cluster:
            location, geo, iso = rng.choice(self.front), "exact", "SYR"
        else:
            location, geo, iso = self._place()
        day, end, precision = self._date(ordinal, cluster)
        chosen = self._actors(iso, cluster)
        names = [self.actors.rows[a - 1][5] for a in chosen]
        place = self.places.rows[location - 1][5] if location else "the area"
        verb = rng.choice(data.CAMEO_ROOTS[code[:2]][1])
        summary = f"{names[0]} {verb} {' and '.join(names[1:]) or 'people'} "
        summary += f"in {place}: {self.words(6, 14)}"
        events.append(
            (event_id, *self._stamps(ordinal), code, summary, day.isoformat())
            + (end.isoformat(), precision, location, geo, self._fatalities(code[:2]))
        )
        for position, actor in enumerate(chosen):
            role = ("initiator", "target")[position] if position < 2 else None
            role = role or rng.choice(OTHER_ROLES)
            actor_links.append((next(self.link_ids), event_id, actor, role, position))
        quotes = []
        for position, article in enumerate(self._articles_near(ordinal)):
            quote = f"{self.words(4, 10)} {place} {self.words(4, 10)}"
            quotes.append(quote)
            source_links.append(
                (next(self.source_ids), event_id, article, quote, position)
            )
        texts.append((event_id, summary, "\n".join(quotes)))

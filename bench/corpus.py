"""Build a synthetic corpus into an emptied, freshly migrated database.

python -m bench.corpus --database-url sqlite:///bench/out/bench.db --events 100000
"""

import argparse
import random
import time
from datetime import datetime

from bench.people import ACTOR_COLUMNS, ALIAS_COLUMNS, build_actors
from bench.places import LOCATION_COLUMNS, build_places
from bench.records import (
    ARTICLE_COLUMNS,
    AUTHOR,
    EVENT_ACTOR_COLUMNS,
    EVENT_COLUMNS,
    EVENT_SOURCE_COLUMNS,
    Generator,
    stamp,
)
from bench.sink import Sink, open_empty

ANCESTOR_COLUMNS = ("location_id", "ancestor_id", "depth")
# Reference data (places, actors) was entered before any event.
REFERENCE_STAMP = (stamp(datetime(2014, 12, 1)),) * 2 + (AUTHOR, AUTHOR)


def write_reference(sink: Sink, rng: random.Random, actor_count: int):
    places = build_places(rng, REFERENCE_STAMP)
    sink.write("location", LOCATION_COLUMNS, places.rows)
    sink.write("location_ancestor", ANCESTOR_COLUMNS, places.ancestors)
    actors = build_actors(rng, REFERENCE_STAMP, actor_count)
    sink.write("actor", ACTOR_COLUMNS, actors.rows)
    sink.write("actor_alias", ALIAS_COLUMNS, actors.aliases)
    return places, actors


def write_records(sink: Sink, generator: Generator, events: int) -> None:
    for rows, texts in generator.articles(max(1, events // 5)):
        sink.write("article", ARTICLE_COLUMNS, rows)
        sink.article_text(texts)
    for rows, actor_links, source_links, texts in generator.events(events):
        sink.write("event", EVENT_COLUMNS, rows)
        sink.write("event_actor", EVENT_ACTOR_COLUMNS, actor_links)
        sink.write("event_source", EVENT_SOURCE_COLUMNS, source_links)
        sink.event_text(texts)


def report(sink: Sink, phases: dict[str, float]) -> None:
    width = max(map(len, sink.rows))
    print(f"{'table':<{width}}  {'rows':>10}  {'write s':>8}  {'rows/s':>9}")
    for table, rows in sink.rows.items():
        seconds = sink.seconds[table]
        rate = rows / seconds if seconds else 0
        print(f"{table:<{width}}  {rows:>10,}  {seconds:>8.1f}  {rate:>9,.0f}")
    print()
    for phase, seconds in phases.items():
        print(f"{phase:<28} {seconds:>7.1f} s")


def build(url: str, events: int, seed: int, actors: int) -> None:
    phases = {}
    started = time.perf_counter()
    sink = open_empty(url)
    phases["drop and migrate"] = time.perf_counter() - started
    rng = random.Random(seed)
    mark = time.perf_counter()
    places, people = write_reference(sink, rng, actors)
    phases["places and actors"] = time.perf_counter() - mark
    mark = time.perf_counter()
    write_records(sink, Generator(rng, places, people), events)
    phases["articles and events"] = time.perf_counter() - mark
    mark = time.perf_counter()
    sink.finish()
    phases["statistics (ANALYZE)"] = time.perf_counter() - mark
    phases["total"] = time.perf_counter() - started
    sink.database.close()
    report(sink, phases)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--actors", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.events < 10:
        parser.error("--events must be at least 10")
    build(args.database_url, args.events, args.seed, args.actors)


if __name__ == "__main__":
    main()

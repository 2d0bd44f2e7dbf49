"""Example data: one article (Idlib, 9 March 2020) and the records it reports."""

import tomllib
from pathlib import Path

from api.db import db
from api.models import Article, Event
from api.services import actors, articles, events, locations

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "data" / "examples"
RECORDS_PATH = EXAMPLES_DIR / "idlib.toml"
KINDS = ("locations", "actors", "articles", "events")


def load() -> dict[str, int]:
    """Write the example records once; return how many of each kind were created.

    The article's URL marks the data as loaded: a second call writes nothing.
    """
    data = tomllib.loads(RECORDS_PATH.read_text(encoding="utf-8"))
    with db.atomic():
        if Article.select().where(Article.url == data["article"]["url"]).exists():
            return dict.fromkeys(KINDS, 0)
        place_ids = _create_locations(data["locations"])
        actor_ids = _create_actors(data["actors"])
        article = _create_article(data["article"], place_ids)
        created = [
            _create_event(entry, place_ids, actor_ids, article)
            for entry in data["events"]
        ]
    return {
        "locations": len(place_ids),
        "actors": len(actor_ids),
        "articles": 1,
        "events": len(created),
    }


# The bodies below have the shape the API's write schemas load, so the data
# meets the same service rules as a client's. The schemas' normalisation is
# not applied, hence alpha-3 country codes in the data file.


def _id_of(ids: dict[str, int], key: str | None) -> int | None:
    """The id of the record the data calls ``key``; a misspelt key fails loudly."""
    return None if key is None else ids[key]


def _create_locations(entries: dict[str, dict]) -> dict[str, int]:
    """Create the places in file order, parents first; map each key to its id."""
    ids: dict[str, int] = {}
    for key, entry in entries.items():
        body = {
            "name": entry["name"],
            "kind": entry["kind"],
            "country": entry.get("country"),
            "parent_id": _id_of(ids, entry.get("parent")),
            "latitude": entry.get("latitude"),
            "longitude": entry.get("longitude"),
        }
        ids[key] = locations.create_location(body).id
    return ids


def _create_actors(entries: dict[str, dict]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for key, entry in entries.items():
        body = {
            "name": entry["name"],
            "kind": entry["kind"],
            "country": entry.get("country"),
            "description": entry.get("description"),
            "aliases": entry.get("aliases", []),
        }
        ids[key] = actors.create_actor(body).id
    return ids


def _create_article(entry: dict, place_ids: dict[str, int]) -> Article:
    text = (EXAMPLES_DIR / entry["text"]).read_text(encoding="utf-8")
    title, body = text.split("\n", 1)
    return articles.create_article(
        {
            "url": entry["url"],
            "title": title.strip(),
            "body": body.strip(),
            "outlet": entry["outlet"],
            "wire_agency": entry["wire_agency"],
            "dateline_location_id": place_ids[entry["dateline"]],
            "published_at": entry["published_at"],
            "language": entry["language"],
        }
    )


def _create_event(
    entry: dict, place_ids: dict[str, int], actor_ids: dict[str, int], article: Article
) -> Event:
    for quote in entry["quotes"]:
        # A quote is evidence only if the article says exactly that.
        if quote not in article.body:
            raise ValueError(f"Quote not found in the example article: {quote!r}")
    return events.create_event(
        {
            "event_code": entry["event_code"],
            "summary": entry["summary"],
            "date_start": entry["date_start"],
            "date_end": entry.get("date_end"),
            "date_precision": entry["date_precision"],
            "location_id": _id_of(place_ids, entry.get("location")),
            "geo_precision": entry.get("geo_precision"),
            # TOML has no null: a toll the data leaves out is unknown.
            "fatalities": entry.get("fatalities"),
            "actors": [
                {"actor_id": actor_ids[key], "role": role}
                for key, role in entry["actors"]
            ],
            "sources": [
                {"article_id": article.id, "quote": quote} for quote in entry["quotes"]
            ],
        }
    )

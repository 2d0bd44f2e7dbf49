"""Events and their links to actors and articles: queries and writes."""

from api.db import db
from api.models import Actor, Article, Event, EventActor, EventSource, Location
from api.services import event_codes, history, search
from api.services.common import (
    apply,
    check_reference,
    get_or_404,
    missing_ids,
    raise_if,
)
from api.services.errors import InvalidData
from api.services.loading import attach, attach_aliases
from api.services.precision import derive_date_end

FIELDS = (
    "event_code",
    "summary",
    "date_start",
    "date_end",
    "date_precision",
    "location_id",
    "geo_precision",
    "fatalities",
)


def get_event(event_id: int, include=(), lock=False) -> Event:
    event = get_or_404(Event, event_id, lock=lock)
    attach([event], include)
    return event


def _link_errors(actors: list[dict], sources: list[dict]) -> dict:
    errors = {}
    absent = missing_ids(Actor, [a["actor_id"] for a in actors])
    seen = set()
    for index, link in enumerate(actors):
        key = (link["actor_id"], link["role"])
        if link["actor_id"] in absent:
            errors.setdefault("actors", {})[index] = {
                "actor_id": [f"Actor {link['actor_id']} does not exist."]
            }
        elif key in seen:
            errors.setdefault("actors", {})[index] = {
                "role": ["This actor is already listed in this role."]
            }
        seen.add(key)
    absent = missing_ids(Article, [s["article_id"] for s in sources])
    seen = set()
    for index, link in enumerate(sources):
        key = (link["article_id"], link.get("quote"))
        if link["article_id"] in absent:
            errors.setdefault("sources", {})[index] = {
                "article_id": [f"Article {link['article_id']} does not exist."]
            }
        elif key in seen:
            errors.setdefault("sources", {})[index] = {
                "quote": ["This article is already listed with this quote."]
            }
        seen.add(key)
    return errors


def _validate(event: Event, actors: list[dict], sources: list[dict]):
    errors = _link_errors(actors, sources)
    if not event_codes.is_known(event.event_code):
        errors["event_code"] = [
            f"Unknown CAMEO event code {event.event_code!r}; see /event-codes."
        ]
    check_reference(errors, "location_id", Location, event.location_id, "Location")
    if event.date_end < event.date_start:
        errors["date_end"] = ["Must not be before date_start."]
    raise_if(errors)


def _links(data: dict) -> dict:
    """The links ``data`` replaces, as ``history.snapshot`` shows them."""
    links = {}
    if "actors" in data:
        links["actors"] = [
            {"actor_id": a["actor_id"], "role": a["role"]} for a in data["actors"]
        ]
    if "sources" in data:
        links["sources"] = [
            {"article_id": s["article_id"], "quote": s.get("quote")}
            for s in data["sources"]
        ]
    return links


def _save(event: Event, data: dict) -> Event:
    action = "create" if event.id is None else "update"
    before = None if event.id is None else history.snapshot(event)
    dates_changed = "date_start" in data or "date_precision" in data
    apply(event, data, FIELDS)
    if event.date_end is None or (dates_changed and data.get("date_end") is None):
        try:
            event.date_end = derive_date_end(event.date_start, event.date_precision)
        except OverflowError as error:
            raise InvalidData(
                "The date range runs past the year 9999.",
                {
                    "date_start": [
                        "Too late for this precision: the range would end "
                        "after 9999-12-31."
                    ]
                },
            ) from error
    actors = data.get("actors", [])
    sources = data.get("sources", [])
    _validate(event, actors, sources)
    if before is not None and history.unchanged(before, event, **_links(data)):
        return event
    event.touch()
    event.save()
    if "actors" in data:
        EventActor.delete().where(EventActor.event == event).execute()
        if actors:
            EventActor.insert_many(
                [
                    {
                        "event": event.id,
                        "actor": a["actor_id"],
                        "role": a["role"],
                        "position": i,
                    }
                    for i, a in enumerate(actors)
                ]
            ).execute()
    if "sources" in data:
        EventSource.delete().where(EventSource.event == event).execute()
        if sources:
            EventSource.insert_many(
                [
                    {
                        "event": event.id,
                        "article": s["article_id"],
                        "quote": s.get("quote"),
                        "position": i,
                    }
                    for i, s in enumerate(sources)
                ]
            ).execute()
    attach([event])
    search.index_event(event.id)
    history.record(event, action, before)
    return event


def create_event(data: dict) -> Event:
    """Write an event and all its links, or nothing if any part is invalid."""
    with db.atomic():
        return _save(Event(), data)


def update_event(event_id: int, data: dict, precondition=None) -> Event:
    """Change the given fields (all for a PUT); actors and sources are replaced whole.

    ``precondition(current)`` runs inside the transaction before any change.
    """
    with db.atomic():
        event = get_event(event_id, lock=True)
        if precondition:
            precondition(event)
        return _save(event, data)


def delete_event(event_id: int, precondition=None):
    with db.atomic():
        event = get_event(event_id, lock=True)
        if precondition:
            precondition(event)
        before = history.snapshot(event)
        event.delete_instance(recursive=True)
        search.unindex_event(event_id)
        history.record(event, "delete", before)


def event_actors(event_id: int) -> list[EventActor]:
    get_or_404(Event, event_id)
    query = (
        EventActor.select(EventActor, Actor)
        .join(Actor)
        .where(EventActor.event == event_id)
        .order_by(EventActor.position, EventActor.id)
    )
    links = list(query)
    attach_aliases([link.actor for link in links])
    return links


def event_sources(event_id: int) -> list[EventSource]:
    get_or_404(Event, event_id)
    return list(
        EventSource.select(EventSource, Article)
        .join(Article)
        .where(EventSource.event == event_id)
        .order_by(EventSource.position, EventSource.id)
    )

"""Records made whole for output: links, aliases and places with their ancestors.

The one place that loads what a record carries beyond its own row. Queries,
writes and history call it; it depends on models only, so none of them needs
another to make a record whole.
"""

from collections.abc import Iterable

from api.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventSource,
    Location,
    LocationAncestor,
)
from api.services.common import among, among_listed, id_list
from api.services.prepared import TEXT, Prepared

_ALIASES = Prepared(
    lambda listed: (
        ActorAlias.select(ActorAlias.actor, ActorAlias.name)
        .where(among_listed(ActorAlias.actor, listed))
        .order_by(ActorAlias.id)
        .tuples()
    ),
    TEXT,
)


def attach_aliases(actors: list[Actor]) -> None:
    """Load the aliases of all ``actors`` in one query."""
    by_id = {actor.id: actor for actor in actors}
    for actor in actors:
        actor.aliases = []
    for actor_id, name in _ALIASES.run(id_list(by_id)):
        by_id[actor_id].aliases.append(name)


def _links(link, *columns) -> Prepared:
    """An event link table's ``columns`` for the events listed, in order."""
    return Prepared(
        lambda listed: (
            link.select(link.event, *columns)
            .where(among_listed(link.event, listed))
            .order_by(link.event, link.position, link.id)
            .dicts()
        ),
        TEXT,
    )


# Every event read or listed loads its links with these two.
_ACTOR_LINKS = _links(EventActor, EventActor.actor, EventActor.role)
_SOURCE_LINKS = _links(EventSource, EventSource.article, EventSource.quote)


def attach(events: list[Event], include=()) -> None:
    """Load links, and the records ``include`` names, for all ``events`` at once."""
    by_id = {event.id: event for event in events}
    for event in events:
        event.actors, event.sources = [], []
    listed = id_list(by_id)
    for link in _ACTOR_LINKS.run(listed):
        by_id[link["event"]].actors.append(
            {"actor_id": link["actor"], "role": link["role"]}
        )
    for link in _SOURCE_LINKS.run(listed):
        by_id[link["event"]].sources.append(
            {"article_id": link["article"], "quote": link["quote"]}
        )
    if "actors" in include:
        _embed(events, "actors", "actor_id", "actor", Actor, attach_aliases)
    if "sources" in include:
        _embed(events, "sources", "article_id", "article", Article)
    if "location" in include:
        _embed_locations(events)


# Embedded records by id, one query per kind, its SQL built once.
_BY_IDS = {
    model: Prepared(
        lambda listed, model=model: model.select().where(
            among_listed(model.id, listed)
        ),
        TEXT,
    )
    for model in (Actor, Article, Location)
}
_ANCESTORS = Prepared(
    lambda listed: (
        Location.select(Location, LocationAncestor.location.alias("below"))
        .join(LocationAncestor, on=(LocationAncestor.ancestor == Location.id))
        .where(
            among_listed(LocationAncestor.location, listed)
            & (LocationAncestor.depth > 0)
        )
        .order_by(LocationAncestor.location, LocationAncestor.depth)
        .objects()
    ),
    TEXT,
)


def _embed(events, links: str, id_key: str, name: str, model, then=None) -> None:
    wanted = {link[id_key] for event in events for link in getattr(event, links)}
    records = {r.id: r for r in _BY_IDS[model].run(id_list(wanted))}
    if then and records:
        then(list(records.values()))
    for event in events:
        for link in getattr(event, links):
            link[name] = records.get(link[id_key])


def _embed_locations(events: list[Event]) -> None:
    wanted = id_list({event.location_id for event in events if event.location_id})
    places = {p.id: p for p in _BY_IDS[Location].run(wanted)}
    for place in places.values():
        place.ancestors = []
    for ancestor in _ANCESTORS.run(wanted):
        places[ancestor.below].ancestors.append(ancestor)
    for event in events:
        event.place = places.get(event.location_id)


def load(model, ids: Iterable[int]) -> list:
    """Records of ``model`` by id, in id order, each with its links."""
    ids = list(ids)
    if not ids:
        return []
    records = list(model.select().where(among(model.id, ids)).order_by(model.id))
    if records and model is Event:
        attach(records)
    if records and model is Actor:
        attach_aliases(records)
    return records

"""Actors and their aliases: queries and writes."""

from api.db import db
from api.models import Actor, ActorAlias, Event, EventActor
from api.services import history
from api.services.common import apply, get_or_404
from api.services.errors import Conflict, InvalidData
from api.services.listing import Listing, key, parse_sort, to_datetime
from api.services.loading import attach_aliases
from reference.text import fold

FIELDS = ("name", "kind", "country", "description")
SORTS = {
    "id": key(Actor.id, int),
    "name": key(Actor.name),
    "created_at": key(Actor.created_at, to_datetime),
    "updated_at": key(Actor.updated_at, to_datetime),
}


def list_actors(
    name=None,
    kind=None,
    country=None,
    event_id=None,
    updated_since=None,
    sort=None,
    fields=None,
    cursor=None,
) -> Listing:
    query = Actor.select()
    if updated_since is not None:
        query = query.where(Actor.updated_at >= updated_since)
    if name:
        key = fold(name)
        by_alias = ActorAlias.select(ActorAlias.actor).where(
            ActorAlias.search_name == key
        )
        query = query.where((Actor.search_name == key) | Actor.id.in_(by_alias))
    if kind:
        query = query.where(Actor.kind.in_(kind))
    if country:
        query = query.where(Actor.country.in_(country))
    if event_id is not None:
        linked = EventActor.select(EventActor.actor).where(EventActor.event == event_id)
        query = query.where(Actor.id.in_(linked))
    return Listing(
        query, parse_sort(sort or "id", SORTS), attach_aliases, fields, cursor
    )


def get_actor(actor_id: int, lock=False) -> Actor:
    actor = get_or_404(Actor, actor_id, lock=lock)
    attach_aliases([actor])
    return actor


def _unique_aliases(names: list[str]) -> list[str]:
    seen, kept = set(), []
    for name in (n.strip() for n in names):
        if name and fold(name) not in seen:
            seen.add(fold(name))
            kept.append(name)
    return kept


def _save(actor: Actor, data: dict) -> Actor:
    action = "create" if actor.id is None else "update"
    before = None if actor.id is None else history.snapshot(actor)
    apply(actor, data, FIELDS)
    actor.name = actor.name.strip()
    actor.search_name = fold(actor.name)
    aliases = _unique_aliases(data.get("aliases", []))
    replaced = {"aliases": aliases} if "aliases" in data else {}
    if before is not None and history.unchanged(before, actor, **replaced):
        return actor
    actor.touch()
    actor.save()
    if "aliases" in data:
        ActorAlias.delete().where(ActorAlias.actor == actor).execute()
        if aliases:
            ActorAlias.insert_many(
                [
                    {"actor": actor.id, "name": a, "search_name": fold(a)}
                    for a in aliases
                ]
            ).execute()
    attach_aliases([actor])
    history.record(actor, action, before)
    return actor


def create_actor(data: dict) -> Actor:
    with db.atomic():
        return _save(Actor(), data)


def update_actor(actor_id: int, data: dict, precondition=None) -> Actor:
    """Change the given fields (all of them for a PUT); aliases are replaced whole.

    ``precondition(current)`` runs inside the transaction before any change.
    """
    with db.atomic():
        actor = get_actor(actor_id, lock=True)
        if precondition:
            precondition(actor)
        return _save(actor, data)


def delete_actor(actor_id: int, force: bool = False, precondition=None):
    with db.atomic():
        actor = get_actor(actor_id, lock=True)
        if precondition:
            precondition(actor)
        links = EventActor.select().where(EventActor.actor == actor)
        count = links.count()
        if count and not force:
            raise Conflict(
                f"Actor {actor_id} takes part in {count} event(s). Remove it from "
                "them first, or delete with force=true to drop those links."
            )
        event_ids = [e for (e,) in links.select(EventActor.event).distinct().tuples()]
        done = history.updating(Event, event_ids)
        Event.update(Event.touched()).where(Event.id.in_(event_ids)).execute()
        EventActor.delete().where(EventActor.actor == actor).execute()
        done()
        before = history.snapshot(actor)
        actor.delete_instance()
        history.record(actor, "delete", before)


def merge_actor(duplicate_id: int, survivor_id: int, precondition=None) -> Actor:
    """Fold a duplicate into the survivor: links and names move, the duplicate goes.

    Its id then answers with a redirect to the survivor (see the merge revision).
    """
    with db.atomic():
        duplicate, survivor = (
            get_actor(duplicate_id, lock=True),
            get_actor(survivor_id, lock=True),
        )
        if duplicate.id == survivor.id:
            raise InvalidData(
                "An actor cannot be merged into itself.",
                {"into": ["Name another actor."]},
            )
        if precondition:
            precondition(duplicate)
        links = list(EventActor.select().where(EventActor.actor == duplicate))
        done = history.updating(Event, {link.event_id for link in links})
        held = {
            (e, r)
            for e, r in EventActor.select(EventActor.event, EventActor.role)
            .where(EventActor.actor == survivor)
            .tuples()
        }
        for link in links:
            if (link.event_id, link.role) in held:
                link.delete_instance()
            else:
                link.actor = survivor
                link.save()
        Event.update(Event.touched()).where(
            Event.id.in_([link.event_id for link in links])
        ).execute()
        done()
        names = [duplicate.name, *duplicate.aliases]
        merged = _save(survivor, {"aliases": [*survivor.aliases, *names]})
        before = history.snapshot(duplicate)
        duplicate.delete_instance()
        history.record(duplicate, "merge", before, merged_into=survivor.id)
        return merged

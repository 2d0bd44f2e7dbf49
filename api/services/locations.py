"""Locations: queries, writes and the rules of the place hierarchy."""

import peewee as pw

from api.db import db
from api.models import Article, Event, Location
from api.services import event_queries, hierarchy, history
from api.services.common import (
    apply,
    check_reference,
    get_or_404,
    raise_if,
)
from api.services.errors import Conflict, InvalidData
from api.services.listing import Listing, key, parse_sort, to_datetime

FIELDS = ("name", "kind", "country", "parent_id", "latitude", "longitude")
# A city or a site is a point and must be placed; areas and lines may have a
# representative point (a centroid) or none.
POINT_KINDS = {"city", "site"}
SORTS = {
    "id": key(Location.id, int),
    "name": key(Location.name),
    "created_at": key(Location.created_at, to_datetime),
    "updated_at": key(Location.updated_at, to_datetime),
}


def list_locations(
    name=None,
    kind=None,
    country=None,
    parent_id=None,
    within=None,
    bbox=None,
    updated_since=None,
    sort=None,
    fields=None,
    cursor=None,
) -> Listing:
    query = Location.select()
    if within:
        query = query.where(Location.id.in_(hierarchy.descendants_or_self(within)))
    if bbox:
        query = query.where(event_queries.bbox_condition(bbox))
    if updated_since is not None:
        query = query.where(Location.updated_at >= updated_since)
    if name:
        query = query.where(pw.fn.LOWER(Location.name) == name.lower())
    if kind:
        query = query.where(Location.kind.in_(kind))
    if country:
        query = query.where(Location.country.in_(country))
    if parent_id is not None:
        query = query.where(Location.parent == parent_id)
    return Listing(query, parse_sort(sort or "id", SORTS), fields=fields, cursor=cursor)


def get_location(location_id: int, lock=False) -> Location:
    return get_or_404(Location, location_id, lock=lock)


def ancestors(location: Location) -> list[Location]:
    """The chain of enclosing places from the nearest up to the root."""
    return hierarchy.ancestors(location.id)


def _makes_cycle(location: Location) -> bool:
    return (
        location.id is not None
        and location.parent_id is not None
        and hierarchy.is_inside(location.parent_id, location.id)
    )


def _validate(location: Location, errors: dict):
    check_reference(errors, "parent_id", Location, location.parent_id, "Location")
    if "parent_id" not in errors and _makes_cycle(location):
        errors["parent_id"] = [
            "A location cannot be inside itself: this parent would make a cycle."
        ]
    has_lat, has_lon = location.latitude is not None, location.longitude is not None
    if has_lat != has_lon:
        missing = "longitude" if has_lat else "latitude"
        errors[missing] = ["Latitude and longitude go together: give both or neither."]
    elif not has_lat and location.kind in POINT_KINDS:
        message = f"Required for a location of kind {location.kind!r} (a point)."
        errors["latitude"] = [message]
        errors["longitude"] = [message]
    raise_if(errors)


def create_location(data: dict) -> Location:
    location = Location()
    apply(location, data, FIELDS)
    with db.atomic():
        _validate(location, {})
        location.touch()
        location.save()
        hierarchy.add(location)
        history.record(location, "create")
    return location


def update_location(location_id: int, data: dict, precondition=None) -> Location:
    """Change the given fields (all of them for a PUT) and keep the others.

    ``precondition(current)`` runs inside the transaction before any change.
    """
    with db.atomic():
        location = get_location(location_id, lock=True)
        if precondition:
            precondition(location)
        old_parent_id = location.parent_id
        before = history.snapshot(location)
        apply(location, data, FIELDS)
        _validate(location, {})
        if history.unchanged(before, location):
            return location
        location.touch()
        location.save()
        hierarchy.move(location, old_parent_id)
        history.record(location, "update", before)
    return location


def _references(location: Location) -> dict[str, int]:
    counts = {
        "child locations": Location.select().where(Location.parent == location).count(),
        "events": Event.select().where(Event.location == location).count(),
        "articles": Article.select()
        .where(Article.dateline_location == location)
        .count(),
    }
    return {what: n for what, n in counts.items() if n}


def delete_location(location_id: int, force: bool = False, precondition=None):
    with db.atomic():
        location = get_location(location_id, lock=True)
        if precondition:
            precondition(location)
        refs = _references(location)
        if refs and not force:
            listed = ", ".join(f"{n} {what}" for what, n in refs.items())
            raise Conflict(
                f"Location {location_id} is still referenced by {listed}. "
                "Remove the references first, or delete with force=true to "
                "detach them."
            )
        detach(location)
        before = history.snapshot(location)
        location.delete_instance()
        history.record(location, "delete", before)


def detach(location: Location) -> None:
    """Remove every reference to ``location``, recording each change."""
    hierarchy.detach_children(location)
    for model, column in (
        (Location, Location.parent),
        (Event, Event.location),
        (Article, Article.dateline_location),
    ):
        ids = [i for (i,) in model.select(model.id).where(column == location).tuples()]
        if ids:
            done = history.updating(model, ids)
            model.update({column: None, **model.touched()}).where(
                model.id.in_(ids)
            ).execute()
            done()


def merge_location(duplicate_id: int, survivor_id: int, precondition=None) -> Location:
    """Fold a duplicate place into the survivor: events, articles and places
    inside it move there, and the duplicate's id redirects to the survivor."""
    with db.atomic():
        duplicate, survivor = (
            get_location(duplicate_id, lock=True),
            get_location(survivor_id, lock=True),
        )
        if duplicate.id == survivor.id or hierarchy.is_inside(
            survivor.id, duplicate.id
        ):
            raise InvalidData(
                "A place can only merge into another place outside it.",
                {"into": ["Name a place that is not this one or inside it."]},
            )
        if precondition:
            precondition(duplicate)
        for model, column in (
            (Event, Event.location),
            (Article, Article.dateline_location),
        ):
            ids = [
                i for (i,) in model.select(model.id).where(column == duplicate).tuples()
            ]
            if ids:
                done = history.updating(model, ids)
                model.update({column: survivor.id, **model.touched()}).where(
                    model.id.in_(ids)
                ).execute()
                done()
        for child in list(Location.select().where(Location.parent == duplicate)):
            before = history.snapshot(child)
            child.parent = survivor.id
            child.touch()
            child.save()
            hierarchy.move(child, duplicate.id)
            history.record(child, "update", before)
        before = history.snapshot(duplicate)
        duplicate.delete_instance()
        history.record(duplicate, "merge", before, merged_into=survivor.id)
        return get_location(survivor.id)

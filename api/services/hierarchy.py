"""Keeps the location closure table true as places are added, moved and removed."""

import peewee as pw

from api.models import Location, LocationAncestor


def add(location: Location) -> None:
    """Record a new location under its parent (and under itself, at depth 0)."""
    LocationAncestor.insert(
        location=location.id, ancestor=location.id, depth=0
    ).execute()
    if location.parent_id is not None:
        _link_subtree(location.id, location.parent_id)


def _link_subtree(root_id: int, parent_id: int) -> None:
    """Put the subtree of ``root_id`` under ``parent_id`` and its ancestors."""
    below = LocationAncestor.alias("below")
    above = LocationAncestor.alias("above")
    rows = (
        below.select(below.location, above.ancestor, below.depth + above.depth + 1)
        .join(above, on=(above.location == parent_id))
        .where(below.ancestor == root_id)
    )
    LocationAncestor.insert_from(
        rows,
        [LocationAncestor.location, LocationAncestor.ancestor, LocationAncestor.depth],
    ).execute()


def _subtree(root_id: int):
    return LocationAncestor.select(LocationAncestor.location).where(
        LocationAncestor.ancestor == root_id
    )


def _detach_subtree(root_id: int) -> None:
    """Forget every ancestor the subtree of ``root_id`` has above ``root_id``."""
    inside = _subtree(root_id)
    LocationAncestor.delete().where(
        LocationAncestor.location.in_(inside) & LocationAncestor.ancestor.not_in(inside)
    ).execute()


def move(location: Location, old_parent_id: int | None) -> None:
    """Re-hang ``location`` and everything inside it under its new parent."""
    if location.parent_id == old_parent_id:
        return
    if old_parent_id is not None:
        _detach_subtree(location.id)
    if location.parent_id is not None:
        _link_subtree(location.id, location.parent_id)


def detach_children(location: Location) -> None:
    """Before ``location`` is deleted: its children become roots of their subtrees."""
    for child_id in (
        Location.select(Location.id).where(Location.parent == location).tuples()
    ):
        _detach_subtree(child_id[0])


def is_inside(location_id: int, ancestor_id: int) -> bool:
    """Whether ``location_id`` is ``ancestor_id`` or lies within it."""
    return (
        LocationAncestor.select()
        .where(
            (LocationAncestor.location == location_id)
            & (LocationAncestor.ancestor == ancestor_id)
        )
        .exists()
    )


def ancestors(location_id: int) -> list[Location]:
    """The enclosing places, nearest first, in one query."""
    return list(
        Location.select()
        .join(LocationAncestor, on=(LocationAncestor.ancestor == Location.id))
        .where(
            (LocationAncestor.location == location_id) & (LocationAncestor.depth > 0)
        )
        .order_by(LocationAncestor.depth)
    )


def descendants_or_self(location_ids) -> pw.ModelSelect:
    """A subquery of the ids of these places and of every place inside them."""
    return LocationAncestor.select(LocationAncestor.location).where(
        LocationAncestor.ancestor.in_(location_ids)
    )


def rebuild() -> None:
    """Recompute the whole table from parent links (for migrations and repairs)."""
    LocationAncestor.delete().execute()
    rows = list(Location.select(Location.id, Location.parent).tuples())
    parents = dict(rows)
    batch = []
    for location_id, _ in rows:
        depth, current, seen = 0, location_id, set()
        while current is not None and current not in seen:
            batch.append((location_id, current, depth))
            seen.add(current)
            current, depth = parents.get(current), depth + 1
    for start in range(0, len(batch), 500):
        LocationAncestor.insert_many(
            batch[start : start + 500],
            fields=[
                LocationAncestor.location,
                LocationAncestor.ancestor,
                LocationAncestor.depth,
            ],
        ).execute()

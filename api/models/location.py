"""Places: countries down to sites and routes, in a parent hierarchy."""

import peewee as pw

from api.models.base import LinkModel, SourcedModel


class Location(SourcedModel):
    name = pw.CharField(max_length=300)
    kind = pw.CharField(max_length=32, index=True)
    country = pw.CharField(max_length=3, null=True, index=True)
    parent = pw.ForeignKeyField("self", null=True, backref="children", index=True)
    latitude = pw.DoubleField(null=True)
    longitude = pw.DoubleField(null=True)

    class Meta:
        indexes = ((("name", "country"), False), (("source", "source_id"), True))


class LocationAncestor(LinkModel):
    """The hierarchy's transitive closure: one row per (place, enclosing place).

    Every location is its own ancestor at depth 0, so "this place and all it
    contains" is one indexed lookup on ``ancestor`` whatever the depth.
    """

    location = pw.ForeignKeyField(
        Location, backref="ancestor_rows", on_delete="CASCADE"
    )
    ancestor = pw.ForeignKeyField(
        Location, backref="descendant_rows", on_delete="CASCADE", index=True
    )
    depth = pw.IntegerField()

    class Meta:
        primary_key = pw.CompositeKey("location", "ancestor")

"""People, organisations, states and armed groups, with their aliases."""

import peewee as pw

from api.models.base import LinkModel, SourcedModel


class Actor(SourcedModel):
    name = pw.CharField(max_length=300)
    # Case- and accent-folded name, so "erdogan" finds "Erdoğan".
    # Text, not a bounded char field: folding can lengthen a name ("ß" -> "ss").
    search_name = pw.TextField(index=True)
    kind = pw.CharField(max_length=32, index=True)
    country = pw.CharField(max_length=3, null=True, index=True)
    description = pw.TextField(null=True)


class ActorAlias(LinkModel):
    actor = pw.ForeignKeyField(Actor, backref="alias_rows", on_delete="CASCADE")
    name = pw.CharField(max_length=300)
    search_name = pw.TextField(index=True)

    class Meta:
        indexes = ((("actor", "name"), True),)

"""People, organisations, states and armed groups, with their aliases."""

import peewee as pw

from api.models.base import BaseModel, LinkModel


class Actor(BaseModel):
    name = pw.CharField(max_length=300)
    # Case- and accent-folded name, so "erdogan" finds "Erdoğan".
    search_name = pw.CharField(max_length=300, index=True)
    kind = pw.CharField(max_length=32, index=True)
    country = pw.CharField(max_length=3, null=True, index=True)
    description = pw.TextField(null=True)


class ActorAlias(LinkModel):
    actor = pw.ForeignKeyField(Actor, backref="alias_rows", on_delete="CASCADE")
    name = pw.CharField(max_length=300)
    search_name = pw.CharField(max_length=300, index=True)

    class Meta:
        indexes = ((("actor", "name"), True),)

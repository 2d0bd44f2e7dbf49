"""Places: countries down to sites and routes, in a parent hierarchy."""

import peewee as pw

from api.models.base import BaseModel


class Location(BaseModel):
    name = pw.CharField(max_length=300)
    kind = pw.CharField(max_length=32, index=True)
    country = pw.CharField(max_length=3, null=True, index=True)
    parent = pw.ForeignKeyField("self", null=True, backref="children", index=True)
    latitude = pw.DoubleField(null=True)
    longitude = pw.DoubleField(null=True)

    class Meta:
        indexes = ((("name", "country"), False),)

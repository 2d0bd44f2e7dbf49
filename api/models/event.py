"""Events and their links: actors in roles, and the articles that report them."""

import peewee as pw

from api.models.actor import Actor
from api.models.article import Article
from api.models.base import LinkModel, SourcedModel
from api.models.location import Location


class Event(SourcedModel):
    event_code = pw.CharField(max_length=4, index=True)
    summary = pw.TextField(null=True)
    date_start = pw.DateField(index=True)
    date_end = pw.DateField(index=True)
    date_precision = pw.CharField(max_length=8)
    # Indexed with the dates and fatalities (below, migration 008): lookups by
    # place use it, and statistics read it instead of the table.
    location = pw.ForeignKeyField(Location, null=True, backref="events", index=False)
    geo_precision = pw.CharField(max_length=16, null=True)
    # NULL means the number of deaths is unknown, which is not the same as 0.
    fatalities = pw.IntegerField(null=True)
    fatalities_low = pw.IntegerField(null=True)
    fatalities_high = pw.IntegerField(null=True)
    # A digest of the imported row: a re-import of an unchanged row writes nothing.
    source_hash = pw.CharField(max_length=32, null=True)

    class Meta:
        indexes = (
            *SourcedModel._meta.indexes,
            (("location", "date_start", "date_end", "fatalities"), False),
        )


class EventActor(LinkModel):
    # Both keys are served by the wider indexes below (see migration 007).
    event = pw.ForeignKeyField(
        Event, backref="actor_links", on_delete="CASCADE", index=False
    )
    actor = pw.ForeignKeyField(Actor, backref="event_links", index=False)
    role = pw.CharField(max_length=16)
    position = pw.IntegerField(default=0)

    class Meta:
        indexes = (
            (("event", "actor", "role"), True),
            (("actor", "role", "event"), False),
        )


class EventSource(LinkModel):
    event = pw.ForeignKeyField(Event, backref="source_links", on_delete="CASCADE")
    article = pw.ForeignKeyField(Article, backref="event_links", index=True)
    quote = pw.TextField(null=True)
    position = pw.IntegerField(default=0)

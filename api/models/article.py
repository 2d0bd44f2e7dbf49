"""Source articles: the text that reports events, with its metadata."""

import peewee as pw

from api.models.base import SourcedModel, UTCDateTimeField
from api.models.location import Location


class Article(SourcedModel):
    url = pw.CharField(max_length=2048, unique=True)
    title = pw.TextField()
    body = pw.TextField(null=True)
    outlet = pw.CharField(max_length=300, null=True, index=True)
    wire_agency = pw.CharField(max_length=300, null=True)
    dateline_location = pw.ForeignKeyField(
        Location, null=True, backref="datelined_articles", index=True
    )
    published_at = UTCDateTimeField(null=True, index=True)
    language = pw.CharField(max_length=2, null=True, index=True)

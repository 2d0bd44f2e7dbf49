"""Initial schema: locations, actors and aliases, articles, events and their links."""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator
from playhouse.sqlite_ext import AutoIncrementField


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    def record_id():
        # SQLite would give a deleted record's id (the highest) to the next
        # one, and its history and tombstone with it; AUTOINCREMENT never does.
        if isinstance(database, pw.SqliteDatabase):
            return AutoIncrementField()
        return pw.AutoField()

    @migrator.create_model
    class Actor(pw.Model):
        id = record_id()
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField(index=True)
        name = pw.CharField(max_length=300)
        search_name = pw.CharField(index=True, max_length=300)
        kind = pw.CharField(index=True, max_length=32)
        country = pw.CharField(index=True, max_length=3, null=True)
        description = pw.TextField(null=True)

        class Meta:
            table_name = "actor"

    @migrator.create_model
    class ActorAlias(pw.Model):
        id = pw.AutoField()
        actor = pw.ForeignKeyField(
            column_name="actor_id",
            field="id",
            model=migrator.orm["actor"],
            on_delete="CASCADE",
        )
        name = pw.CharField(max_length=300)
        search_name = pw.CharField(index=True, max_length=300)

        class Meta:
            table_name = "actor_alias"
            indexes = [(("actor", "name"), True)]

    @migrator.create_model
    class Location(pw.Model):
        id = record_id()
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField(index=True)
        name = pw.CharField(max_length=300)
        kind = pw.CharField(index=True, max_length=32)
        country = pw.CharField(index=True, max_length=3, null=True)
        parent = pw.ForeignKeyField(
            column_name="parent_id", field="id", model="self", null=True
        )
        latitude = pw.DoubleField(null=True)
        longitude = pw.DoubleField(null=True)

        class Meta:
            table_name = "location"
            indexes = [(("name", "country"), False)]

    @migrator.create_model
    class Article(pw.Model):
        id = record_id()
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField(index=True)
        url = pw.CharField(max_length=2048, unique=True)
        title = pw.TextField()
        body = pw.TextField(null=True)
        outlet = pw.CharField(index=True, max_length=300, null=True)
        wire_agency = pw.CharField(max_length=300, null=True)
        dateline_location = pw.ForeignKeyField(
            column_name="dateline_location_id",
            field="id",
            model=migrator.orm["location"],
            null=True,
        )
        published_at = pw.DateTimeField(index=True, null=True)
        language = pw.CharField(index=True, max_length=2, null=True)

        class Meta:
            table_name = "article"

    @migrator.create_model
    class Event(pw.Model):
        id = record_id()
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField(index=True)
        event_code = pw.CharField(index=True, max_length=4)
        summary = pw.TextField(null=True)
        date_start = pw.DateField(index=True)
        date_end = pw.DateField(index=True)
        date_precision = pw.CharField(max_length=8)
        location = pw.ForeignKeyField(
            column_name="location_id",
            field="id",
            model=migrator.orm["location"],
            null=True,
        )
        geo_precision = pw.CharField(max_length=16, null=True)
        fatalities = pw.IntegerField(null=True)

        class Meta:
            table_name = "event"

    @migrator.create_model
    class EventActor(pw.Model):
        id = pw.AutoField()
        event = pw.ForeignKeyField(
            column_name="event_id",
            field="id",
            model=migrator.orm["event"],
            on_delete="CASCADE",
        )
        actor = pw.ForeignKeyField(
            column_name="actor_id", field="id", model=migrator.orm["actor"]
        )
        role = pw.CharField(max_length=16)
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "event_actor"
            indexes = [(("event", "actor", "role"), True)]

    @migrator.create_model
    class EventSource(pw.Model):
        id = pw.AutoField()
        event = pw.ForeignKeyField(
            column_name="event_id",
            field="id",
            model=migrator.orm["event"],
            on_delete="CASCADE",
        )
        article = pw.ForeignKeyField(
            column_name="article_id", field="id", model=migrator.orm["article"]
        )
        quote = pw.TextField(null=True)
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "event_source"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("event_source")

    migrator.remove_model("event_actor")

    migrator.remove_model("event")

    migrator.remove_model("article")

    migrator.remove_model("location")

    migrator.remove_model("actor_alias")

    migrator.remove_model("actor")

"""Base model: the shared database, integer ids and UTC timestamps."""

from contextvars import ContextVar
from datetime import UTC, datetime

import peewee as pw

import orjson

from api.db import db

# Who is writing: the name of the API key of the request (or CLI) in progress.
current_author: ContextVar[str | None] = ContextVar("current_author", default=None)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTimeField(pw.DateTimeField):
    """Stores naive UTC (portable across SQLite and PostgreSQL), returns aware UTC."""

    def db_value(self, value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        value = super().python_value(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class LinkModel(pw.Model):
    """A row that belongs to a record and has no life of its own."""

    class Meta:
        database = db
        legacy_table_names = False


class BaseModel(LinkModel):
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow, index=True)
    created_by = pw.CharField(max_length=100, null=True)
    updated_by = pw.CharField(max_length=100, null=True)

    def touch(self):
        """Mark the record changed now, by the current author."""
        self.updated_at = utcnow()
        self.updated_by = current_author.get()
        if self.id is None:
            self.created_by = self.updated_by

    @classmethod
    def touched(cls) -> dict:
        """The column values that mark rows changed, for bulk UPDATEs."""
        return {cls.updated_at: utcnow(), cls.updated_by: current_author.get()}


class JSONTextField(pw.TextField):
    """JSON kept as text: the same column type on SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else orjson.dumps(value).decode()

    def python_value(self, value):
        return None if value is None else orjson.loads(value)


class SourcedModel(BaseModel):
    """A record that may come from an outside dataset, and says which and when."""

    # The dataset (acled, ucdp-ged, gdelt, or a client's own name) and the id the
    # record has there: together they identify it for idempotent re-imports.
    source = pw.CharField(max_length=32, null=True)
    source_id = pw.CharField(max_length=100, null=True)
    source_file = pw.CharField(max_length=300, null=True)
    source_imported_at = UTCDateTimeField(null=True)
    # Every column of the original row that has no field of its own.
    source_attributes = JSONTextField(null=True)

    class Meta:
        indexes = ((("source", "source_id"), True),)

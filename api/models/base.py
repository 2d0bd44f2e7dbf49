"""Base model: the shared database, integer ids and UTC timestamps."""

from datetime import UTC, datetime

import peewee as pw

from api.db import db


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

    def touch(self):
        self.updated_at = utcnow()

"""API keys (hashed), and which key created and last changed each record."""

import peewee as pw
from peewee_migrate import Migrator

RECORDS = ("location", "actor", "article", "event")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class ApiKey(pw.Model):
        id = pw.AutoField()
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField(index=True)
        created_by = pw.CharField(max_length=100, null=True)
        updated_by = pw.CharField(max_length=100, null=True)
        name = pw.CharField(max_length=100, unique=True)
        prefix = pw.CharField(max_length=12)
        key_hash = pw.CharField(max_length=64, unique=True)
        scopes = pw.CharField(max_length=100)
        revoked_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "api_key"

    for table in RECORDS:
        migrator.add_fields(
            table,
            created_by=pw.CharField(max_length=100, null=True),
            updated_by=pw.CharField(max_length=100, null=True),
        )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in RECORDS:
        migrator.remove_fields(table, "created_by", "updated_by")
    migrator.remove_model("api_key")

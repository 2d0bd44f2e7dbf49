"""Revisions of every record (history and change feed); idempotent POST retries."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Revision(pw.Model):
        id = pw.BigAutoField()
        record_type = pw.CharField(max_length=16)
        record_id = pw.IntegerField()
        action = pw.CharField(max_length=8)
        at = pw.DateTimeField()
        by = pw.CharField(max_length=100, null=True)
        changes = pw.TextField(null=True)
        data = pw.TextField(null=True)
        merged_into = pw.IntegerField(null=True)

        class Meta:
            table_name = "revision"
            indexes = [(("record_type", "record_id", "id"), False)]

    @migrator.create_model
    class IdempotentRequest(pw.Model):
        id = pw.AutoField()
        owner = pw.CharField(max_length=100)
        key = pw.CharField(max_length=255)
        fingerprint = pw.CharField(max_length=64)
        state = pw.CharField(max_length=8, default="pending")
        status = pw.IntegerField(null=True)
        headers = pw.TextField(null=True)
        body = pw.TextField(null=True)
        created_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "idempotent_request"
            indexes = [(("owner", "key"), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("idempotent_request")
    migrator.remove_model("revision")

"""Where records come from (dataset, id there, file, time, original columns), import jobs."""

import peewee as pw
from peewee_migrate import Migrator

RECORDS = ("location", "actor", "article", "event")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in RECORDS:
        migrator.add_fields(
            table,
            source=pw.CharField(max_length=32, null=True),
            source_id=pw.CharField(max_length=100, null=True),
            source_file=pw.CharField(max_length=300, null=True),
            source_imported_at=pw.DateTimeField(null=True),
            source_attributes=pw.TextField(null=True),
        )
        migrator.add_index(table, "source", "source_id", unique=True)
    migrator.add_fields(
        "event",
        fatalities_low=pw.IntegerField(null=True),
        fatalities_high=pw.IntegerField(null=True),
        source_hash=pw.CharField(max_length=32, null=True),
    )

    if isinstance(database, pw.PostgresqlDatabase):
        # Folded names can be longer than the names (SQLite does not bound text).
        migrator.sql("ALTER TABLE actor ALTER COLUMN search_name TYPE TEXT")
        migrator.sql("ALTER TABLE actor_alias ALTER COLUMN search_name TYPE TEXT")

    @migrator.create_model
    class ImportJob(pw.Model):
        id = pw.AutoField()
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField(index=True)
        created_by = pw.CharField(max_length=100, null=True)
        updated_by = pw.CharField(max_length=100, null=True)
        format = pw.CharField(max_length=16)
        filename = pw.CharField(max_length=300)
        on_error = pw.CharField(max_length=8, default="abort")
        status = pw.CharField(max_length=12, default="queued", index=True)
        started_at = pw.DateTimeField(null=True)
        finished_at = pw.DateTimeField(null=True)
        rows = pw.IntegerField(default=0)
        created = pw.IntegerField(default=0)
        updated = pw.IntegerField(default=0)
        unchanged = pw.IntegerField(default=0)
        rejected = pw.IntegerField(default=0)
        report = pw.TextField(null=True)

        class Meta:
            table_name = "import_job"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("import_job")
    migrator.remove_fields("event", "fatalities_low", "fatalities_high", "source_hash")
    for table in RECORDS:
        migrator.drop_index(table, "source", "source_id")
        migrator.remove_fields(
            table,
            "source",
            "source_id",
            "source_file",
            "source_imported_at",
            "source_attributes",
        )

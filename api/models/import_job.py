"""Import jobs: a file being (or having been) imported, and its report."""

import peewee as pw

from api.models.base import BaseModel, JSONTextField, UTCDateTimeField


class ImportJob(BaseModel):
    format = pw.CharField(max_length=16)
    filename = pw.CharField(max_length=300)
    on_error = pw.CharField(max_length=8, default="abort")
    # queued -> running -> succeeded | failed
    status = pw.CharField(max_length=12, default="queued", index=True)
    started_at = UTCDateTimeField(null=True)
    finished_at = UTCDateTimeField(null=True)
    rows = pw.IntegerField(default=0)
    created = pw.IntegerField(default=0)
    updated = pw.IntegerField(default=0)
    unchanged = pw.IntegerField(default=0)
    rejected = pw.IntegerField(default=0)
    # {"errors": [{"line": 12, "field": "event_date", "message": "..."}], ...}
    report = JSONTextField(null=True)

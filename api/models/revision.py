"""Revisions: every create, update, delete and merge of a record, in commit order."""

import peewee as pw

from api.models.base import JSONTextField, LinkModel, UTCDateTimeField


class Revision(LinkModel):
    # Ids grow in commit order (writers are serialised while they record
    # revisions), so "every revision after N" is a complete change feed.
    id = pw.BigAutoField()
    record_type = pw.CharField(max_length=16)
    record_id = pw.IntegerField()
    action = pw.CharField(max_length=8)
    at = UTCDateTimeField()
    by = pw.CharField(max_length=100, null=True)
    # {field: [old, new]} for what a change touched.
    changes = JSONTextField(null=True)
    # The record as it is after the change; null once deleted.
    data = JSONTextField(null=True)
    merged_into = pw.IntegerField(null=True)

    @property
    def field_changes(self) -> dict | None:
        """{field: [old, new]}; a creation's are derived from ``data``.

        A creation changes every field it sets, so it is stored once, in
        ``data``: bulk imports write one creation per event.
        """
        if self.changes is None and self.action == "create" and self.data:
            return {n: [None, v] for n, v in sorted(self.data.items()) if v is not None}
        return self.changes

    class Meta:
        indexes = ((("record_type", "record_id", "id"), False),)

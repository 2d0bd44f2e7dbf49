"""Responses kept for Idempotency-Key retries of POST requests."""

import peewee as pw

from api.models.base import JSONTextField, LinkModel, UTCDateTimeField


class IdempotentRequest(LinkModel):
    owner = pw.CharField(max_length=100)
    key = pw.CharField(max_length=255)
    # SHA-256 of method, path, query and body: the same key must mean the same request.
    fingerprint = pw.CharField(max_length=64)
    state = pw.CharField(max_length=8, default="pending")
    status = pw.IntegerField(null=True)
    headers = JSONTextField(null=True)
    body = pw.TextField(null=True)
    created_at = UTCDateTimeField(index=True)

    class Meta:
        table_name = "idempotent_request"
        indexes = ((("owner", "key"), True),)

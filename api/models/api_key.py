"""API keys: only a hash of each key is stored, never the key itself."""

import peewee as pw

from api.models.base import BaseModel, UTCDateTimeField


class ApiKey(BaseModel):
    name = pw.CharField(max_length=100, unique=True)
    # The first characters of the key, to tell keys apart in lists and logs.
    prefix = pw.CharField(max_length=12)
    key_hash = pw.CharField(max_length=64, unique=True)
    scopes = pw.CharField(max_length=100)
    revoked_at = UTCDateTimeField(null=True)

    @property
    def scope_set(self) -> set[str]:
        return set(self.scopes.split(","))

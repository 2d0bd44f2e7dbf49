"""API keys: issue, list, revoke and check. Keys are stored only as SHA-256 hashes."""

import hashlib
import hmac
import secrets

from api.db import db
from api.models import ApiKey
from api.models.base import utcnow
from api.services.common import get_or_404
from api.services.errors import Conflict, NotFound
from api.services.prepared import TEXT, Prepared

SCOPES = ("read", "write", "admin")
# admin may do everything, write may also read.
IMPLIED = {
    "admin": {"admin", "write", "read"},
    "write": {"write", "read"},
    "read": {"read"},
}
PREFIX = "dl_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """A new key and its plain text, which is shown once and never stored."""
    plain = PREFIX + secrets.token_urlsafe(32)
    with db.atomic():
        if ApiKey.select().where(ApiKey.name == name).exists():
            raise Conflict(
                f"A key named {name!r} exists already.",
                {"name": ["Already used by another key."]},
            )
        record = ApiKey(
            name=name,
            prefix=plain[:10],
            key_hash=_digest(plain),
            scopes=",".join(s for s in SCOPES if s in set(scopes)),
        )
        record.touch()
        record.save()
    return record, plain


def list_keys(include_revoked: bool = False) -> list[ApiKey]:
    query = ApiKey.select().order_by(ApiKey.id)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_null())
    return list(query)


def get_key(key_id: int) -> ApiKey:
    return get_or_404(ApiKey, key_id, "API key")


def find_key(name_or_id: str) -> ApiKey:
    if name_or_id.isdigit():
        return get_key(int(name_or_id))
    record = ApiKey.get_or_none(ApiKey.name == name_or_id)
    if record is None:
        raise NotFound("API key", name_or_id)
    return record


def revoke_key(key_id: int) -> ApiKey:
    with db.atomic():
        record = get_key(key_id)
        if record.revoked_at is None:
            record.revoked_at = utcnow()
            record.touch()
            record.save()
    return record


# Every request that sends a key looks it up.
_KEY_BY_HASH = Prepared(
    lambda digest: ApiKey.select().where(ApiKey.key_hash == digest).limit(1), TEXT
)


def authenticate(plain: str) -> ApiKey | None:
    """The live key whose hash matches ``plain``, or None."""
    digest = _digest(plain)
    record = next(iter(_KEY_BY_HASH.run(digest)), None)
    if record is None or record.revoked_at is not None:
        return None
    # The lookup matched by hash already; compare again in constant time anyway.
    return record if hmac.compare_digest(record.key_hash, digest) else None


def allows(record: ApiKey, scope: str) -> bool:
    return any(scope in IMPLIED[s] for s in record.scope_set if s in IMPLIED)

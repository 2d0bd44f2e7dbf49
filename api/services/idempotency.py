"""Idempotency keys: a retried POST gets the first answer instead of a second write."""

from datetime import timedelta

import peewee as pw

from api.db import db
from api.models import IdempotentRequest
from api.models.base import utcnow

# How long a key is remembered, and how long an unfinished first request may
# hold it before a retry may take over (its worker may have died).
KEEP_FOR = timedelta(hours=24)
PENDING_FOR = timedelta(seconds=60)


class KeyReused(Exception):
    """The key came with a different request."""


class InProgress(Exception):
    """The first request with this key has not finished."""


def claim(owner: str, key: str, fingerprint: str) -> IdempotentRequest | int:
    """The stored answer to replay, or the id of a fresh claim to answer later."""
    now = utcnow()
    with db.atomic():
        IdempotentRequest.delete().where(
            IdempotentRequest.created_at < now - KEEP_FOR
        ).execute()
        IdempotentRequest.delete().where(
            (IdempotentRequest.state == "pending")
            & (IdempotentRequest.created_at < now - PENDING_FOR)
        ).execute()
        found = IdempotentRequest.get_or_none(
            (IdempotentRequest.owner == owner) & (IdempotentRequest.key == key)
        )
        if found is not None:
            if found.fingerprint != fingerprint:
                raise KeyReused
            if found.state != "done":
                raise InProgress
            return found
        try:
            with db.atomic():
                return IdempotentRequest.insert(
                    owner=owner, key=key, fingerprint=fingerprint, created_at=now
                ).execute()
        except pw.IntegrityError as error:
            raise InProgress from error


def settle(claim_id: int, status: int, headers: dict, body: str) -> None:
    IdempotentRequest.update(
        state="done", status=status, headers=headers, body=body
    ).where(IdempotentRequest.id == claim_id).execute()


def release(claim_id: int) -> None:
    """Forget a claim whose request failed, so that a retry runs again."""
    IdempotentRequest.delete().where(IdempotentRequest.id == claim_id).execute()

"""Foreign keys of a bulk write checked once a chunk, not once a row (PostgreSQL).

PostgreSQL checks each foreign key of each inserted row with a query of its
own. In a large import those checks take a good part of the server's time,
most of it starting an executor per row. Where the role may set
``session_replication_role`` (a superuser, or
on PostgreSQL 15 and later a role granted SET on it), a bulk write turns the
per-row checks off for its own inserts and checks what it references itself:
one query per referenced table, taking the lock the per-row check takes
(FOR KEY SHARE). A row deleted meanwhile fails the write, as it would have;
one not yet deleted cannot be until the write commits. Elsewhere, and on
SQLite, the per-row checks run as they always did.

Turning the setting off disables every trigger but the internal foreign-key
ones too: the tables written here have no other (a test holds that).
"""

from collections import defaultdict
from contextlib import contextmanager

import peewee as pw

from api.db import db
from api.services import bulk_sql


def may_check_in_bulk() -> bool:
    """Whether this connection's role may turn the per-row checks off."""
    if not isinstance(db.obj, pw.PostgresqlDatabase):
        return False
    ((superuser, version),) = bulk_sql.select(
        "SELECT current_setting('is_superuser') = 'on', "
        "current_setting('server_version_num')::integer"
    )
    if superuser:
        return True
    if version < 150000:
        return False
    ((allowed,),) = bulk_sql.select(
        "SELECT has_parameter_privilege('session_replication_role', 'SET')"
    )
    return bool(allowed)


class Held:
    """The ids a transaction has checked and locked, by table, so that its
    later chunks check only what they newly reference.

    A lock taken FOR KEY SHARE lasts until the transaction ends, and no other
    transaction can delete what it holds, so a second check would find the
    same. An import's chunks name the same places and actors again and
    again: checking them once, not once a chunk, spares the server the same
    checks in every chunk. The ids are forgotten when the transaction they were
    locked in is no longer the current one (an import that commits chunk by
    chunk starts one a chunk).
    """

    def __init__(self):
        self.transaction = None
        self.ids: dict[str, set] = defaultdict(set)

    def current(self) -> dict[str, set]:
        ((transaction,),) = bulk_sql.select("SELECT pg_current_xact_id()::text")
        if transaction != self.transaction:
            self.transaction, self.ids = transaction, defaultdict(set)
        return self.ids


class References:
    """The ids a bulk write's rows reference, by the table they are in."""

    def __init__(self, checked_here: bool, held: Held | None = None):
        self.checked_here = checked_here
        self.held = held
        self.ids: dict[str, set] = defaultdict(set)

    def add(self, table: str, ids) -> None:
        if self.checked_here:
            self.ids[table].update(ids)

    def verify(self) -> None:
        held = self.held.current() if self.held is not None else defaultdict(set)
        for table, ids in self.ids.items():
            ids.discard(None)
            ids -= held[table]
            if not ids:
                continue
            wanted = sorted(ids)
            # In id order: two bulk writes take their locks in the same order.
            found = {
                i
                for (i,) in bulk_sql.select(
                    f'SELECT id FROM "{table}" WHERE id = ANY(?) '
                    "ORDER BY id FOR KEY SHARE",
                    (wanted,),
                )
            }
            missing = [i for i in wanted if i not in found]
            if missing:
                raise pw.IntegrityError(
                    f'insert violates a foreign key: no "{table}" with id '
                    f"{', '.join(map(str, missing[:5]))}"
                )
            held[table] |= found


@contextmanager
def checked_in_bulk(enabled: bool, held: Held | None = None):
    """Insert within the block without per-row checks when ``enabled``; what
    the block adds to the yielded References is checked as it ends, but for
    what ``held`` says this transaction has checked already.

    On an error nothing is reset: the transaction or savepoint rolls back,
    and the setting with it.
    """
    references = References(enabled, held)
    if not enabled:
        yield references
        return
    db.execute_sql("SET LOCAL session_replication_role = replica")
    yield references
    db.execute_sql("SET LOCAL session_replication_role = origin")
    references.verify()

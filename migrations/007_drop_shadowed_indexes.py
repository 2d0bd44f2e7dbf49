"""Drop indexes that a wider index already serves, each written on every import.

An index on (a) adds nothing to one on (a, b, ...): lookups by ``a`` and the
foreign-key checks of cascading deletes use the wider one. Each dropped index
cost about a tenth of an imported event's write time.

- event (location_id), served by event (location_id, date_start);
- event_actor (event_id), served by the unique (event_id, actor_id, role);
- event_actor (actor_id), served by (actor_id, role, event_id).
"""

import peewee as pw
from peewee_migrate import Migrator

DROPPED = {
    "event_location_id": "event (location_id)",
    "eventactor_event_id": "event_actor (event_id)",
    "eventactor_actor_id": "event_actor (actor_id)",
}


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    for name in DROPPED:
        migrator.sql(f"DROP INDEX IF EXISTS {name}")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for name, target in DROPPED.items():
        migrator.sql(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

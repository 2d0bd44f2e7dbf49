"""Schema changes through peewee-migrate: the migrations/ folder is the truth."""

import logging
from pathlib import Path

from peewee_migrate import Router

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def router(database) -> Router:
    return Router(
        database,
        migrate_dir=str(MIGRATIONS_DIR),
        logger=logging.getLogger("dateline.migrate"),
    )


def upgrade(database) -> list[str]:
    """Apply the migrations not yet applied; return their names."""
    with database.connection_context():
        r = router(database)
        pending = list(r.diff)
        r.run()
    return pending


def pending(database) -> list[str]:
    with database.connection_context():
        return list(router(database).diff)

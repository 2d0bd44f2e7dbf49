"""How the embedded database keeps its files."""

import os
import threading

from api import db as database_module
from api.db import open_database


def test_a_large_write_leaves_no_large_wal_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(database_module, "WAL_SIZE_LIMIT", 1024 * 1024)
    path = tmp_path / "dateline.db"
    database = open_database(f"sqlite:///{path}", pool_size=1)
    with database.connection_context():
        database.execute_sql("CREATE TABLE blob (data BLOB)")
        with database.atomic():
            for _ in range(1500):
                database.execute_sql("INSERT INTO blob VALUES (randomblob(8000))")
        grown = os.path.getsize(f"{path}-wal")
        # The commit checkpointed the WAL; the next write starts it again.
        database.execute_sql("INSERT INTO blob VALUES (randomblob(10))")
        kept = os.path.getsize(f"{path}-wal")
    database.close_all()

    assert grown > 8 * 1024 * 1024
    assert kept <= 1024 * 1024


def test_a_new_database_has_8_kib_pages(tmp_path):
    database = open_database(f"sqlite:///{tmp_path}/dateline.db", pool_size=1)
    with database.connection_context():
        (size,) = database.execute_sql("PRAGMA page_size").fetchone()
    database.close_all()

    assert size == 8192


def test_a_connection_another_thread_gave_back_serves_this_one(tmp_path):
    # An import runs in a thread of the worker whose requests it then shares
    # the pool with.
    database = open_database(f"sqlite:///{tmp_path}/dateline.db", pool_size=2)

    def elsewhere():
        with database.connection_context():
            database.execute_sql("SELECT 1")

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    with database.connection_context():
        assert database.execute_sql("SELECT 2").fetchone() == (2,)
    database.close_all()

"""Reads from PostgreSQL streaming replicas (DATABASE_REPLICA_URLS).

The rule, as the README states it: GET and HEAD requests read from a
replica, in turn; everything else goes to the primary. So do reads that must
see a write just made: a request sending ``Consistency: strong``, and every
read by an API key that wrote in the last DATELINE_READ_YOUR_WRITES_S
seconds (remembered in Redis, so every worker knows; without Redis, reads by
keys go to the primary). A replica is skipped while it is unreachable or
lags more than DATELINE_REPLICA_MAX_LAG_S behind; with none left, reads go
to the primary. /ready reports each replica without failing for it.
"""

import itertools
import logging
import threading
import time
from dataclasses import dataclass, field

import peewee as pw

from flask import Flask, current_app, g, request

import redis

from api.db import db, open_database, read_from, reset_reading

READS = {"GET", "HEAD"}
# A replica's health is asked at most this often per worker, and one found
# down is left alone this long before it is tried again.
CHECK_EVERY_S = 1.0
DOWN_FOR_S = 5.0
CONNECT_TIMEOUT_S = 2
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() "
    "OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) "
    "END"
)

log = logging.getLogger("dateline.replicas")


@dataclass
class Replica:
    name: str
    database: pw.Database
    state: str = "unchecked"
    lag_s: float | None = None
    checked_at: float = 0.0
    usable: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, max_lag_s: float) -> None:
        try:
            with self.database.connection_context():
                lag = float(self.database.execute_sql(LAG_SQL).fetchone()[0])
        except pw.DatabaseError as error:
            self.state, self.lag_s, self.usable = (
                f"unreachable: {type(error).__name__}",
                None,
                False,
            )
            self.checked_at = time.monotonic() + DOWN_FOR_S - CHECK_EVERY_S
            return
        self.lag_s = lag
        self.usable = lag <= max_lag_s
        self.state = "ok" if self.usable else "lagging"
        self.checked_at = time.monotonic()

    def ready(self, max_lag_s: float) -> bool:
        if time.monotonic() - self.checked_at >= CHECK_EVERY_S:
            # One thread asks; the others go on with the last answer.
            if self.lock.acquire(blocking=False):
                try:
                    self.check(max_lag_s)
                finally:
                    self.lock.release()
        return self.usable


class Replicas:
    """The configured replicas, taken in turn among those fit to serve."""

    def __init__(self, urls: list[str], max_lag_s: float, pool_size: int):
        self.max_lag_s = max_lag_s
        self.replicas = [
            Replica(
                f"replica {number}",
                open_database(
                    url, pool_size=pool_size, connect_timeout=CONNECT_TIMEOUT_S
                ),
            )
            for number, url in enumerate(urls, start=1)
        ]
        self._turn = itertools.count()

    def pick(self) -> Replica | None:
        count = len(self.replicas)
        start = next(self._turn)
        for offset in range(count):
            replica = self.replicas[(start + offset) % count]
            if replica.ready(self.max_lag_s):
                return replica
        return None

    def report(self) -> dict[str, str]:
        """Each replica's state, asked now, for /ready."""
        for replica in self.replicas:
            replica.check(self.max_lag_s)
        return {
            replica.name: replica.state
            + ("" if replica.lag_s is None else f" (lag {replica.lag_s:.1f} s)")
            for replica in self.replicas
        }

    def close(self) -> None:
        for replica in self.replicas:
            replica.database.close_all()


class RecentWriters:
    """API keys that wrote lately: their reads go to the primary."""

    def __init__(self, redis_url: str | None, prefix: str, seconds: float):
        self.seconds = seconds
        self.prefix = f"{prefix}/wrote/"
        self.redis = None
        if redis_url:
            self.redis = redis.Redis.from_url(
                redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
            )
        self._local: dict[int, float] = {}

    def wrote(self, key_id: int) -> None:
        self._local[key_id] = time.monotonic() + self.seconds
        if self.redis is not None:
            try:
                self.redis.set(f"{self.prefix}{key_id}", 1, px=int(self.seconds * 1000))
            except redis.RedisError as error:
                log.warning("recent writer not shared: Redis %r", error)

    def wrote_lately(self, key_id: int) -> bool:
        if self._local.get(key_id, 0.0) > time.monotonic():
            return True
        if self.redis is None:
            # One worker only knows its own writes.
            return False
        try:
            return bool(self.redis.exists(f"{self.prefix}{key_id}"))
        except redis.RedisError:
            # Whether another worker saw a write is unknown: stay consistent.
            return True


def _strong() -> bool:
    return request.headers.get("Consistency", "").strip().lower() == "strong"


def init_replicas(app: Flask) -> Replicas | None:
    """Route reads to DATABASE_REPLICA_URLS; registered after auth (it reads
    the key that request sent)."""
    urls = app.config.get("DATABASE_REPLICA_URLS") or []
    if not urls:
        return None
    if not app.config["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        raise ValueError("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL.")
    replicas = Replicas(
        urls,
        app.config["DATELINE_REPLICA_MAX_LAG_S"],
        app.config.get("DATELINE_DB_POOL_SIZE", 8),
    )
    writers = RecentWriters(
        app.config.get("REDIS_URL"),
        app.config.get("RATELIMIT_KEY_PREFIX", "dateline"),
        app.config["DATELINE_READ_YOUR_WRITES_S"],
    )

    def choose_database():
        if request.method not in READS or request.blueprint == "Operations":
            return
        key = g.get("api_key")
        if _strong() or (key is not None and writers.wrote_lately(key.id)):
            return
        replica = replicas.pick()
        if replica is None:
            return
        g.replica_token = read_from(replica.database)
        g.replica = replica.name
        replica.database.connect(reuse_if_open=True)

    def remember_writer(response):
        key = g.get("api_key")
        if (
            key is not None
            and request.method not in READS
            and response.status_code < 400
        ):
            writers.wrote(key.id)
        return response

    def release(_exc):
        token = g.pop("replica_token", None)
        if token is None:
            return
        if not db.is_closed():
            db.close()
        reset_reading(token)

    app.before_request(choose_database)
    app.after_request(remember_writer)
    app.teardown_request(release)
    app.extensions["dateline_replicas"] = replicas
    return replicas


def replica_states() -> dict[str, str]:
    replicas = current_app.extensions.get("dateline_replicas")
    return {} if replicas is None else replicas.report()

"""Foreign keys of bulk writes: checked per chunk where the role may, per row
elsewhere, with the same outcome and the same locks either way."""

from datetime import date

import pytest

import peewee as pw

import psycopg

from api import create_app
from api.db import db
from api.models import Event, EventActor
from api.services import actors
from api.services.ingest import bulk_references
from api.services.ingest import write as ingest
from tests.conftest import PG_SCHEMA, SESSION_PG_URL
from tests.services.ingest.conftest import counts, run_import


def _record(**over) -> dict:
    return {
        "source": "test",
        "source_id": "ref-1",
        "event_code": "190",
        "date_start": date(2020, 3, 5),
        "summary": "Shelling near Saraqib.",
        **over,
    }


def _write(records, in_bulk: bool):
    resolver = ingest.Resolver("refs.csv")
    resolver.checks_in_bulk = in_bulk
    with db.atomic():
        return ingest.write([ingest.prepare(r) for r in records], resolver)


def _modes(app) -> list[bool]:
    """The ways this database can check: per row always, per chunk on PostgreSQL."""
    on_sqlite = app.config["DATABASE_URL"].startswith("sqlite")
    return [False] if on_sqlite else [False, True]


@pytest.mark.parametrize(
    "links",
    [
        {"location_id": 999_999},
        {"actors": [{"actor_id": 999_999, "role": "initiator"}]},
    ],
    ids=["place", "actor"],
)
def test_a_reference_to_nothing_fails_the_chunk_whole(app, make_actor, links):
    actor = make_actor(name="Turkish Armed Forces")
    good = _record(
        source_id="ref-good", actors=[{"actor_id": actor["id"], "role": "initiator"}]
    )
    for in_bulk in _modes(app):
        with app.extensions["dateline_db"].connection_context():
            with pytest.raises(pw.IntegrityError):
                _write([good, _record(**links)], in_bulk)
            assert Event.select().count() == 0, in_bulk
            assert EventActor.select().count() == 0, in_bulk


def test_referenced_rows_stay_locked_until_the_write_commits(pg_app):
    """Another transaction cannot delete an actor a pending write links to,
    whichever way the references were checked."""
    with pg_app.extensions["dateline_db"].connection_context():
        actor_id = actors.create_actor(
            {"name": "Hayat Tahrir al-Sham", "kind": "armed_group"}
        ).id
    for in_bulk in (False, True):
        with pg_app.extensions["dateline_db"].connection_context():
            resolver = ingest.Resolver("refs.csv")
            resolver.checks_in_bulk = in_bulk
            with db.atomic() as transaction:
                record = _record(
                    source_id=f"lock-{in_bulk}",
                    actors=[{"actor_id": actor_id, "role": "target"}],
                )
                ingest.write([ingest.prepare(record)], resolver)
                with psycopg.connect(SESSION_PG_URL, autocommit=True) as other:
                    other.execute("SET lock_timeout = '300ms'")
                    with pytest.raises(psycopg.errors.LockNotAvailable):
                        other.execute("DELETE FROM actor WHERE id = %s", (actor_id,))
                transaction.rollback()


def test_a_reference_checked_before_a_commit_is_checked_again_after_it(pg_app):
    """Chunks committed one by one (``on_error=skip``): a place deleted between
    two of them fails the later chunk instead of being linked to, although
    an earlier chunk's transaction had checked it."""
    with pg_app.extensions["dateline_db"].connection_context():
        place_id = db.execute_sql(
            "INSERT INTO location (name, kind, country, created_at, updated_at) "
            "VALUES ('Saraqib', 'city', 'SYR', now(), now()) RETURNING id"
        ).fetchone()[0]
        resolver = ingest.Resolver("refs.csv")
        resolver.checks_in_bulk = True
        with db.atomic():
            first = _record(source_id="chunk-1", location_id=place_id)
            ingest.write([ingest.prepare(first)], resolver)
        with psycopg.connect(SESSION_PG_URL, autocommit=True) as other:
            other.execute("DELETE FROM event WHERE location_id = %s", (place_id,))
            other.execute("DELETE FROM location WHERE id = %s", (place_id,))
        with pytest.raises(pw.IntegrityError, match="location"):
            with db.atomic():
                second = _record(source_id="chunk-2", location_id=place_id)
                ingest.write([ingest.prepare(second)], resolver)
        assert Event.select().count() == 0


def test_no_trigger_but_the_foreign_keys_on_the_bulk_tables(pg_app):
    # Turning the per-row checks off turns every other trigger off too,
    # unless it fires always, as the statistics roll-up's do (migration 015).
    with pg_app.extensions["dateline_db"].connection_context():
        (count,) = db.execute_sql(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgenabled <> 'A' AND tgrelid IN "
            "('event'::regclass, 'event_actor'::regclass, "
            "'event_source'::regclass, 'event_text'::regclass)"
        ).fetchone()
    assert count == 0


@pytest.fixture
def plain_role(pg_app):
    """A role that owns nothing and may not set session_replication_role."""
    name = f"{PG_SCHEMA}_plain"
    admin = psycopg.connect(SESSION_PG_URL, autocommit=True)
    admin.execute(f"DROP ROLE IF EXISTS {name}")
    admin.execute(f"CREATE ROLE {name} LOGIN NOSUPERUSER")
    admin.execute(f"GRANT USAGE ON SCHEMA {PG_SCHEMA} TO {name}")
    admin.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA {PG_SCHEMA} TO {name}")
    admin.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {PG_SCHEMA} TO {name}")
    yield name, admin
    admin.execute(f"DROP OWNED BY {name}")
    admin.execute(f"DROP ROLE {name}")
    admin.close()


def test_only_a_role_allowed_to_checks_per_chunk(pg_app, plain_role, export_file):
    name, admin = plain_role
    with pg_app.extensions["dateline_db"].connection_context():
        assert bulk_references.may_check_in_bulk()  # the suite's superuser
    role_url = SESSION_PG_URL.replace("postgres@", f"{name}@", 1)
    app = create_app({"DATABASE_URL": role_url, "TESTING": True})
    path = export_file("acled")
    try:
        with app.extensions["dateline_db"].connection_context():
            assert not bulk_references.may_check_in_bulk()
        report = run_import(app, "acled", path)
        assert report.committed and report.created > 0 and not report.rejected
        written = counts(app)

        version = admin.execute("SHOW server_version_num").fetchone()[0]
        if int(version) < 150000:
            pytest.skip("GRANT SET ON PARAMETER came with PostgreSQL 15.")
        admin.execute(f"GRANT SET ON PARAMETER session_replication_role TO {name}")
        with app.extensions["dateline_db"].connection_context():
            assert bulk_references.may_check_in_bulk()
            db.execute_sql(
                "TRUNCATE event, event_actor, event_source, event_text CASCADE"
            )
        report = run_import(app, "acled", path)
        assert report.committed and not report.rejected
        assert counts(app) == written
    finally:
        if int(admin.execute("SHOW server_version_num").fetchone()[0]) >= 150000:
            admin.execute(
                f"REVOKE SET ON PARAMETER session_replication_role FROM {name}"
            )
        app.extensions["dateline_db"].close_all()

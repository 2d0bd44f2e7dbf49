"""Queries built once per database read what the query builder reads."""

import pytest

from api.models import ApiKey, Event, EventActor
from api.services import common, keys, loading
from api.services.prepared import INT, Prepared


def test_prepared_reads_equal_the_builders(app, make_event, make_actor):
    putin = make_actor(name="Vladimir Putin", kind="person", country="RUS")
    erdogan = make_actor(name="Recep Tayyip Erdoğan", kind="person", country="TUR")
    events = [
        make_event(
            actors=[
                {"actor_id": erdogan["id"], "role": "initiator"},
                {"actor_id": putin["id"], "role": "target"},
            ][: day % 3],
        )
        for day in range(1, 6)
    ]
    database = app.extensions["dateline_db"]
    with database.connection_context():
        for event in events:
            built = Event.select().where(Event.id == event["id"]).first()
            read = common.get_or_404(Event, event["id"])
            assert read.__data__ == built.__data__
            loading.attach([read])
            links = (
                EventActor.select(EventActor.actor, EventActor.role)
                .where(EventActor.event == event["id"])
                .order_by(EventActor.position, EventActor.id)
                .tuples()
            )
            assert [(a["actor_id"], a["role"]) for a in read.actors] == list(links)
        with pytest.raises(Exception, match="does not exist"):
            common.get_or_404(Event, 2**31 - 1)


def test_a_key_is_found_by_its_prepared_lookup_until_revoked(app):
    database = app.extensions["dateline_db"]
    with database.connection_context():
        record, plain = keys.create_key("reader", ["read"])
        assert keys.authenticate(plain).id == record.id
        assert keys.authenticate(plain + "x") is None
        keys.revoke_key(record.id)
        assert keys.authenticate(plain) is None
        assert ApiKey.get_by_id(record.id).revoked_at is not None


def test_a_query_without_its_placeholder_is_refused(app):
    query = Prepared(lambda _: Event.select().where(Event.id == 1), INT)
    with app.extensions["dateline_db"].connection_context():
        with pytest.raises(ValueError, match="placeholder"):
            query.run(1)

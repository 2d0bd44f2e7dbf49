"""A revision's `data` is the record exactly as GET returns it, whoever wrote it."""

import io
import json

from tests.integrity.helpers import PATHS, history, read_feed
from tests.services.ingest.conftest import SAMPLES, render, sample_rows, with_changes

# Columns every record has and GET does not show: who wrote it, import ranges.
NOT_IN_THE_API = {"created_by", "updated_by", "fatalities_low", "fatalities_high"}


def _get(client, kind: str, record_id: int) -> dict:
    response = client.get(f"{PATHS[kind]}/{record_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def assert_same_record(data: dict, record: dict):
    """Field by field: the same names in the same order, the same JSON text."""
    assert list(data) == list(record)
    for name, value in record.items():
        # As text, so that 35 and 35.0, or Z and +00:00, count as different.
        assert json.dumps(data[name]) == json.dumps(value), name


def _latest(changes: list[dict]) -> dict[tuple[str, int], dict]:
    """The last revision of each record in the feed."""
    return {(c["record_type"], c["record_id"]): c for c in changes}


def test_feed_data_is_the_record_as_get_returns_it(
    client, make_location, make_actor, make_article, make_event
):
    syria = make_location(
        name="Syria", kind="country", country="sy", latitude=35, longitude=38
    )
    idlib = make_location(name="Idlib", parent_id=syria["id"])
    actor = make_actor(country="tr", description="President", aliases=["Erdogan"])
    article = make_article(
        published_at="2020-03-09T15:42:00+05:00",
        dateline_location_id=idlib["id"],
        outlet="Pakistan Point News",
    )
    event = make_event(
        event_code="190",
        summary="Strikes on Saraqib.",
        date_start="2020-02-01",
        date_precision="month",
        location_id=idlib["id"],
        geo_precision="admin1",
        fatalities=33,
        actors=[
            {"actor_id": actor["id"], "role": "initiator"},
            {"actor_id": actor["id"], "role": "target"},
        ],
        sources=[{"article_id": article["id"], "quote": "33 soldiers died."}],
    )
    created = {
        ("location", syria["id"]): _get(client, "location", syria["id"]),
        ("location", idlib["id"]): _get(client, "location", idlib["id"]),
        ("actor", actor["id"]): _get(client, "actor", actor["id"]),
        ("article", article["id"]): _get(client, "article", article["id"]),
        ("event", event["id"]): _get(client, "event", event["id"]),
    }
    # Changed once more: their creations are then stored, the others' are
    # filled in from the record when read; both must come out the same.
    for url, change in (
        (f"/events/{event['id']}", {"fatalities": 34}),
        (f"/actors/{actor['id']}", {"aliases": ["Erdogan", "Tayyip"]}),
        (f"/articles/{article['id']}", {"title": "Strikes hit Saraqib"}),
    ):
        assert client.patch(url, json=change).status_code == 200

    changes = read_feed(client)
    creations = {
        (c["record_type"], c["record_id"]): c
        for c in changes
        if c["action"] == "create"
    }
    assert set(creations) == set(created)
    for key, record in created.items():
        assert_same_record(creations[key]["data"], record)
    latest = _latest(changes)
    for (kind, record_id), change in latest.items():
        record = _get(client, kind, record_id)
        assert_same_record(change["data"], record)
        assert_same_record(history(client, kind, record_id)[-1]["data"], record)
        assert not NOT_IN_THE_API & set(change["data"]), kind
    assert latest[("event", event["id"])]["data"]["fatalities"] == 34


def test_imported_records_in_the_feed_are_as_get_returns_them(client):
    # Imports write their revisions in bulk, with the records' provenance.
    def upload(content: str, name: str):
        data = {
            "format": "ucdp-ged",
            "file": (io.BytesIO(content.encode()), name),
        }
        response = client.post("/imports/", data=data)
        assert response.status_code == 202, response.get_json()
        job = client.get(f"/imports/{response.get_json()['id']}").get_json()
        assert job["status"] == "succeeded", job

    client.application.config["DATELINE_IMPORTS_INLINE"] = True
    upload(SAMPLES["ucdp-ged"].read_text(encoding="utf-8"), "ged_v1.csv")
    first = sample_rows("ucdp-ged")[0]["id"]
    upload(render("ucdp-ged", with_changes("ucdp-ged", first, best="11")), "ged_v2.csv")

    changes = read_feed(client, limit=1000)
    actions = {(c["record_type"], c["action"]) for c in changes}
    assert {("event", "create"), ("event", "update"), ("actor", "create")} <= actions
    for (kind, record_id), change in _latest(changes).items():
        assert_same_record(change["data"], _get(client, kind, record_id))
        assert not NOT_IN_THE_API & set(change["data"]), kind
    updated = [c for c in changes if c["action"] == "update"]
    assert [c["data"]["fatalities"] for c in updated] == [11]
    assert updated[0]["data"]["source_file"] == "ged_v2.csv"

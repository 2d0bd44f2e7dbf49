"""The change feed: every revision once, in order, page after page."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import issue_key
from tests.integrity.helpers import history, read_feed


@pytest.fixture
def changed(client, editor, make_location, make_actor, make_article, make_event):
    """A few changes of every record type; the revisions they made, in order."""
    idlib = make_location()
    actor = make_actor()
    article = make_article(dateline_location_id=idlib["id"])
    event = make_event(
        location_id=idlib["id"], actors=[{"actor_id": actor["id"], "role": "target"}]
    )
    for url, change in (
        (f"/events/{event['id']}", {"fatalities": 2}),
        (f"/actors/{actor['id']}", {"country": "SYR"}),
    ):
        assert editor.patch(url, json=change).status_code == 200
    assert client.delete(f"/events/{event['id']}").status_code == 204
    assert client.delete(f"/articles/{article['id']}").status_code == 204
    revisions = []
    for kind, record in (
        ("location", idlib),
        ("actor", actor),
        ("article", article),
        ("event", event),
    ):
        revisions += history(client, kind, record["id"])
    return sorted(revisions, key=lambda r: r["id"])


def test_the_feed_from_the_start_holds_every_change_in_order(client, changed):
    response = client.get("/changes/?after=0")
    assert response.status_code == 200
    feed = response.get_json()
    assert feed == changed
    assert [(c["record_type"], c["action"]) for c in feed] == [
        ("location", "create"),
        ("actor", "create"),
        ("article", "create"),
        ("event", "create"),
        ("event", "update"),
        ("actor", "update"),
        ("event", "delete"),
        ("article", "delete"),
    ]
    assert [c["by"] for c in feed][3:6] == ["test-admin", "editor", "editor"]
    assert response.headers["X-Next-Cursor"] == feed[-1]["cursor"]
    assert client.get("/changes/").get_json() == feed


def test_the_next_cursor_and_link(client, changed):
    response = client.get("/changes/?after=0&limit=3&type=event&type=actor")
    assert response.status_code == 200
    page = response.get_json()
    cursor = response.headers["X-Next-Cursor"]
    assert cursor == page[-1]["cursor"]
    link = response.headers["Link"]
    assert link.endswith('>; rel="next"')
    target = urlsplit(link[1 : link.index(">")])
    assert target.path == "/changes/"
    assert parse_qs(target.query) == {
        "after": [cursor],
        "limit": ["3"],
        "type": ["event", "actor"],
    }

    following = client.get(link[1 : link.index(">")])
    assert following.status_code == 200
    assert [c["id"] for c in following.get_json()] == [
        c["id"] for c in changed if c["record_type"] in ("event", "actor")
    ][3:6]

    response = client.get(f"/changes/?after={changed[-1]['cursor']}")
    assert response.status_code == 200
    assert response.get_json() == []
    assert response.headers["X-Next-Cursor"] == changed[-1]["cursor"]


def test_paging_sees_each_revision_exactly_once(client, changed, make_actor):
    ids = [c["id"] for c in read_feed(client, limit=2)]
    assert ids == [c["id"] for c in changed]
    assert len(set(ids)) == len(ids)

    # A reader that stopped at the end picks up only what came after.
    cursor = changed[-1]["cursor"]
    actor = make_actor(name="Bashar al-Assad")
    later = read_feed(client, after=cursor, limit=2)
    assert [(c["record_type"], c["record_id"]) for c in later] == [
        ("actor", actor["id"])
    ]


def test_type_filters(client, changed):
    response = client.get("/changes/?type=event")
    assert response.status_code == 200
    assert response.get_json() == [c for c in changed if c["record_type"] == "event"]
    assert read_feed(client, limit=1, type=["article", "location"]) == [
        c for c in changed if c["record_type"] in ("article", "location")
    ]

    response = client.get("/changes/?type=person")
    assert response.status_code == 422
    assert "type" in response.get_json()["errors"]["query"]


@pytest.mark.parametrize("after", ["abc", "-1", "1.5", "٣", "9" * 30])
def test_a_bad_cursor_is_refused(client, changed, after):
    response = client.get("/changes/", query_string={"after": after})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert list(response.get_json()["errors"]["query"]) == ["after"]


@pytest.mark.parametrize("limit", ["0", "1001", "-5", "ten"])
def test_a_bad_limit_is_refused(client, limit):
    response = client.get("/changes/", query_string={"limit": limit})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["query"]) == ["limit"]


def test_limits_at_the_bounds_are_accepted(client, changed):
    assert len(client.get("/changes/?limit=1").get_json()) == 1
    assert len(client.get("/changes/?limit=1000").get_json()) == len(changed)


def test_the_feed_is_read_with_a_key_of_any_scope(app, anonymous, changed):
    # It names the keys behind every change: no longer for anonymous readers.
    reader = issue_key(app, "reader", ["read"])
    response = anonymous.get("/changes/", headers={"Authorization": f"Bearer {reader}"})
    assert response.status_code == 200
    assert len(response.get_json()) == len(changed)


def test_an_update_that_changes_nothing_leaves_no_trace(
    client, make_location, make_actor, make_article, make_event
):
    # Each used to bump updated_at, change the ETag and add an "update" to
    # the feed that changed only updated_at: noise for every mirror.
    syria = make_location(
        name="Syria", kind="country", country="SYR", latitude=None, longitude=None
    )
    actor = make_actor(aliases=["Erdogan"])
    article = make_article(published_at="2020-03-09T12:42:00+02:00")
    event = make_event(
        date_precision="month",
        location_id=syria["id"],
        actors=[{"actor_id": actor["id"], "role": "initiator"}],
        sources=[{"article_id": article["id"], "quote": "33 killed"}],
    )
    same = {
        f"/locations/{syria['id']}": {"name": "Syria", "country": "syr"},
        f"/actors/{actor['id']}": {"name": actor["name"], "aliases": ["Erdogan"]},
        f"/articles/{article['id']}": {"published_at": "2020-03-09T10:42:00Z"},
        f"/events/{event['id']}": {
            "date_precision": "month",
            "actors": event["actors"],
            "sources": [{"article_id": article["id"], "quote": "33 killed"}],
        },
    }
    feed = client.get("/changes/").get_json()
    for url, change in same.items():
        before = client.get(url)
        response = client.patch(url, json=change)
        assert response.status_code == 200, (url, response.get_json())
        assert response.get_json() == before.get_json(), url
        assert response.headers["ETag"] == before.headers["ETag"], url
    assert client.get("/changes/").get_json() == feed

    # A change among the same values is one revision, as before.
    response = client.patch(f"/events/{event['id']}", json={"fatalities": 33})
    assert response.status_code == 200
    assert [c["action"] for c in client.get("/changes/").get_json()] == [
        c["action"] for c in feed
    ] + ["update"]


def test_a_patch_without_a_body_is_refused(client, make_event):
    event = make_event()
    response = client.patch(f"/events/{event['id']}")
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {
        "_schema": ["A JSON body is required."]
    }
    assert client.get(f"/events/{event['id']}/history").get_json()[-1]["action"] == (
        "create"
    )

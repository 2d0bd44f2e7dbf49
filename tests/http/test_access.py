"""Who may do what: API keys and scopes over HTTP and the CLI, and keys kept secret."""

import hashlib
import logging

import pytest

from api.models import Actor
from tests.conftest import issue_key
from tests.helpers import access_lines

REALM = 'Bearer realm="dateline"'
ACTOR = {"name": "NATO", "kind": "international_organisation"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_anyone_may_read_but_writing_needs_a_key(client, anonymous):
    response = anonymous.get("/events/")
    assert response.status_code == 200
    assert response.get_json() == []

    response = anonymous.post("/actors/", json=ACTOR)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == REALM
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 401
    assert "API key" in response.get_json()["detail"]
    assert client.get("/actors/").get_json() == []


def test_a_bad_key_is_refused_even_where_none_is_needed(anonymous):
    response = anonymous.get("/events/", headers=bearer("nope"))
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith(REALM)
    assert 'error="invalid_token"' in challenge


@pytest.mark.parametrize("header", ["Basic x", "Bearer", "Bearer  ", "Token dl_x"])
def test_a_malformed_authorization_header_is_401(client, anonymous, header):
    response = anonymous.get("/events/", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith(REALM)

    response = anonymous.post("/actors/", json=ACTOR, headers={"Authorization": header})
    assert response.status_code == 401
    assert client.get("/actors/").get_json() == []


def test_a_read_key_reads_and_may_not_write(app, client, anonymous):
    reader = issue_key(app, "reader", ["read"])
    actor = client.post("/actors/", json=ACTOR).get_json()

    response = anonymous.get("/actors/", headers=bearer(reader))
    assert response.status_code == 200
    assert [a["id"] for a in response.get_json()] == [actor["id"]]

    writes = [
        anonymous.post("/actors/", json=ACTOR, headers=bearer(reader)),
        anonymous.patch(
            f"/actors/{actor['id']}", json={"name": "OTAN"}, headers=bearer(reader)
        ),
        anonymous.delete(f"/actors/{actor['id']}", headers=bearer(reader)),
    ]
    for response in writes:
        assert response.status_code == 403
        assert response.content_type == "application/problem+json"
        challenge = response.headers["WWW-Authenticate"]
        assert 'error="insufficient_scope"' in challenge
        assert 'scope="write"' in challenge
    assert client.get("/actors/").get_json() == [actor]


def test_a_write_key_writes_but_may_not_manage_keys(app, client, anonymous):
    writer = issue_key(app, "writer", ["write"])

    response = anonymous.post("/actors/", json=ACTOR, headers=bearer(writer))
    assert response.status_code == 201
    assert anonymous.get("/actors/", headers=bearer(writer)).status_code == 200

    response = anonymous.get("/keys/", headers=bearer(writer))
    assert response.status_code == 403
    assert 'scope="admin"' in response.headers["WWW-Authenticate"]

    # A writer that could issue keys could give itself admin.
    response = anonymous.post(
        "/keys/", json={"name": "escalate", "scopes": ["admin"]}, headers=bearer(writer)
    )
    assert response.status_code == 403
    assert "escalate" not in [k["name"] for k in client.get("/keys/").get_json()]


def test_reads_can_require_a_key(make_app):
    app = make_app(DATELINE_READS_REQUIRE_KEY=True)
    reader = issue_key(app, "reader", ["read"])
    anonymous = app.test_client()

    response = anonymous.get("/events/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == REALM
    assert response.content_type == "application/problem+json"

    response = anonymous.get("/events/", headers=bearer(reader))
    assert response.status_code == 200
    assert response.get_json() == []

    assert anonymous.get("/health").status_code == 200
    assert anonymous.get("/ready").status_code == 200


def test_key_lifecycle(client, anonymous):
    response = client.post(
        "/keys/", json={"name": "newsroom-sync", "scopes": ["write", "read"]}
    )
    assert response.status_code == 201
    created = response.get_json()
    plain = created["key"]
    assert plain.startswith("dl_") and len(plain) >= 32
    assert created["name"] == "newsroom-sync"
    assert created["scopes"] == ["read", "write"]
    assert plain.startswith(created["prefix"])
    assert created["revoked_at"] is None
    assert created["created_by"] == "test-admin"
    shown = {name: value for name, value in created.items() if name != "key"}

    for path in ("/keys/", f"/keys/{created['id']}"):
        response = client.get(path)
        assert response.status_code == 200
        assert plain not in response.get_data(as_text=True)
        assert sha256(plain) not in response.get_data(as_text=True)
    assert client.get(f"/keys/{created['id']}").get_json() == shown
    listed = client.get("/keys/").get_json()
    assert [k["name"] for k in listed] == ["test-admin", "newsroom-sync"]
    assert not any({"key", "key_hash"} & k.keys() for k in listed)

    response = anonymous.post("/actors/", json=ACTOR, headers=bearer(plain))
    assert response.status_code == 201

    response = client.delete(f"/keys/{created['id']}")
    assert response.status_code == 204
    response = anonymous.get("/events/", headers=bearer(plain))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert client.get(f"/keys/{created['id']}").get_json()["revoked_at"] is not None
    assert [k["name"] for k in client.get("/keys/").get_json()] == ["test-admin"]

    response = client.get("/keys/999999")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_key_names_are_unique(client):
    body = {"name": "newsroom-sync", "scopes": ["read"]}
    assert client.post("/keys/", json=body).status_code == 201

    response = client.post("/keys/", json=body)
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert "name" in response.get_json()["errors"]["json"]
    assert "key" not in response.get_json()
    names = [k["name"] for k in client.get("/keys/").get_json()]
    assert names.count("newsroom-sync") == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "bad", "scopes": ["root"]}, "scopes"),
        ({"name": "bad", "scopes": ["read", "superuser"]}, "scopes"),
        ({"name": "bad", "scopes": []}, "scopes"),
        ({"name": "bad", "scopes": "read"}, "scopes"),
        ({"name": "bad"}, "scopes"),
        ({"name": "two words", "scopes": ["read"]}, "name"),
        # Refused as the published pattern ^[A-Za-z0-9_.@-]+$ refuses them.
        ({"name": "\u00db", "scopes": ["read"]}, "name"),
        ({"name": "sync\n", "scopes": ["read"]}, "name"),
        ({"scopes": ["read"]}, "name"),
    ],
)
def test_bad_key_requests_are_422(client, body, field):
    response = client.post("/keys/", json=body)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]["json"]
    assert [k["name"] for k in client.get("/keys/").get_json()] == ["test-admin"]


def test_records_remember_which_key_wrote_them(app, anonymous):
    alice = issue_key(app, "alice", ["write"])
    bob = issue_key(app, "bob", ["write"])

    response = anonymous.post("/actors/", json=ACTOR, headers=bearer(alice))
    assert response.status_code == 201
    actor_id = response.get_json()["id"]
    with app.extensions["dateline_db"].connection_context():
        row = Actor.get_by_id(actor_id)
    assert (row.created_by, row.updated_by) == ("alice", "alice")

    response = anonymous.patch(
        f"/actors/{actor_id}", json={"description": "Alliance"}, headers=bearer(bob)
    )
    assert response.status_code == 200
    with app.extensions["dateline_db"].connection_context():
        row = Actor.get_by_id(actor_id)
    assert (row.created_by, row.updated_by) == ("alice", "bob")


def test_no_response_or_log_line_shows_a_key(
    app, client, anonymous, api_key, caplog, capsys
):
    # The level the service logs at unless told otherwise. At DEBUG, peewee's own
    # logger writes every SQL parameter, key hashes among them.
    caplog.set_level(logging.INFO)
    response = client.post("/keys/", json={"name": "alice", "scopes": ["write"]})
    assert response.status_code == 201
    alice = response.get_json()["key"]
    alice_id = response.get_json()["id"]
    issued = response
    wrong = "dl_" + "Q" * 43

    authenticated = [
        anonymous.get("/events/", headers=bearer(alice)),
        anonymous.post("/actors/", json=ACTOR, headers=bearer(alice)),
        anonymous.post("/actors/", json={"kind": "x"}, headers=bearer(alice)),
        anonymous.get("/events/999999", headers=bearer(alice)),
        anonymous.get("/keys/", headers=bearer(alice)),
    ]
    assert [r.status_code for r in authenticated] == [200, 201, 422, 404, 403]
    refused = [
        anonymous.get("/events/", headers=bearer(wrong)),
        # Were the token echoed anywhere, the whole key would show.
        anonymous.get("/events/", headers=bearer(alice + "x")),
    ]
    assert client.delete(f"/keys/{alice_id}").status_code == 204
    refused.append(anonymous.get("/events/", headers=bearer(alice)))
    assert [r.status_code for r in refused] == [401, 401, 401]

    secrets = [alice, sha256(alice), wrong, sha256(wrong), api_key, sha256(api_key)]
    shown = [str(issued.headers)]
    for response in [*authenticated, *refused]:
        shown += [response.get_data(as_text=True), str(response.headers)]
    captured = capsys.readouterr()
    logged = [record.getMessage() for record in caplog.records]
    logged += [caplog.text, captured.out, captured.err]
    for secret in secrets:
        assert not any(secret in text for text in shown)
        assert not any(secret in text for text in logged)

    lines = access_lines(caplog)
    for response in authenticated:
        assert lines[response.headers["X-Request-ID"]]["key"] == "alice"
    for response in refused:
        assert lines[response.headers["X-Request-ID"]]["key"] is None
    assert lines[issued.headers["X-Request-ID"]]["key"] == "test-admin"


def keys_listed(runner, *options) -> dict[str, str]:
    """Name -> state, from `flask keys list`."""
    result = runner.invoke(args=["keys", "list", *options])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines() if line]
    return {row[1]: row[4] for row in rows}


def test_cli_issues_lists_and_revokes_keys(app, client, anonymous):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["keys", "create", "--name", "cli", "--scopes", "read,write"]
    )
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert plain.startswith("dl_")

    response = anonymous.post("/actors/", json=ACTOR, headers=bearer(plain))
    assert response.status_code == 201
    (issued,) = [k for k in client.get("/keys/").get_json() if k["name"] == "cli"]
    assert issued["scopes"] == ["read", "write"]

    result = runner.invoke(args=["keys", "list"])
    assert result.exit_code == 0, result.output
    assert "cli" in result.output
    assert plain not in result.output and sha256(plain) not in result.output
    assert keys_listed(runner) == {"test-admin": "live", "cli": "live"}

    result = runner.invoke(args=["keys", "revoke", "cli"])
    assert result.exit_code == 0, result.output
    response = anonymous.get("/events/", headers=bearer(plain))
    assert response.status_code == 401
    assert keys_listed(runner) == {"test-admin": "live"}
    assert keys_listed(runner, "--all") == {"test-admin": "live", "cli": "revoked"}


@pytest.mark.parametrize("scopes", ["read,root", "superuser", ",", ""])
def test_cli_refuses_unknown_scopes(app, scopes):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["keys", "create", "--name", "bad", "--scopes", scopes])
    assert result.exit_code != 0
    assert "scope" in result.output
    assert "dl_" not in result.output
    assert "bad" not in keys_listed(runner)


def test_cli_refuses_a_taken_name_and_an_unknown_key(app):
    runner = app.test_cli_runner()
    args = ["keys", "create", "--name", "cli", "--scopes", "read"]
    assert runner.invoke(args=args).exit_code == 0

    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "dl_" not in result.output
    assert keys_listed(runner) == {"cli": "live"}

    result = runner.invoke(args=["keys", "revoke", "nobody"])
    assert result.exit_code != 0

"""Texts indexed before stemming are converted in batches (PostgreSQL).

A database upgraded from word-for-word search keeps its old documents until
``flask search reindex`` indexes them again; meanwhile they are found only by
words whose stem is the word itself.
"""

import pytest

import peewee as pw

from api.db import db
from api.services import search
from tests.resources.test_queries import ids


def test_reindex_converts_texts_indexed_word_for_word(
    app, client, make_event, make_article
):
    if not isinstance(app.extensions["dateline_db"], pw.PostgresqlDatabase):
        pytest.skip("SQLite's tables are rebuilt by migration 016")
    events = [
        make_event(summary=f"Militants attacked checkpoint {n}.")["id"]
        for n in range(5)
    ]
    article = make_article(title="Checkpoints attacked", body="Twice in a week.")["id"]
    with app.app_context(), db.connection_context():
        # As an earlier version indexed them: words as written.
        for table, text in (
            ("event_text", "Militants attacked Idlib"),
            ("article_text", "Checkpoints attacked"),
        ):
            db.execute_sql(
                f"UPDATE {table} SET document = to_tsvector('simple', %s)", (text,)
            )
    assert ids(client, "/events/", q="attack") == []
    # Meanwhile a word that is its own stem still finds them.
    assert ids(client, "/events/", q="idlib", sort="id") == events

    result = app.test_cli_runner().invoke(args=["search", "reindex", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "Indexed 5 events and 1 articles." in result.output
    assert ids(client, "/events/", q="attack", sort="id") == events
    assert ids(client, "/events/", q="checkpoint 3") == [events[3]]
    assert ids(client, "/articles/", q="attack") == [article]


def test_reindex_on_sqlite_has_nothing_to_do(app):
    if isinstance(app.extensions["dateline_db"], pw.PostgresqlDatabase):
        pytest.skip("PostgreSQL converts; see above")
    with app.app_context(), db.connection_context():
        assert search.reindex() == {"events": 0, "articles": 0}

"""Fixtures for integrity tests: a second writer, so that `by` tells keys apart."""

import pytest

from tests.conftest import issue_key


@pytest.fixture
def editor(app):
    """A client with a write key named "editor", besides the admin `client`."""
    editor = app.test_client()
    key = issue_key(app, "editor", ["write"])
    editor.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return editor

"""Dateline: structured news records over a documented REST API."""


def __getattr__(name: str):
    # The factory pulls in Flask and every resource; the services, and the
    # import reading process (a fresh interpreter), need none of it.
    if name == "create_app":
        from api.app import create_app

        return create_app
    raise AttributeError(f"module 'api' has no attribute {name!r}")

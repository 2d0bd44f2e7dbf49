"""Accept for views that answer in one format: a 406 when it names none of it.

Lists and statistics choose among their formats themselves
(``api.http.export.negotiation.negotiate``, where ``format=`` wins over
Accept); every other view answers JSON unless it declares otherwise with
:func:`offers`. Without this, ``Accept: application/xml`` on a record got
JSON with a 200 while the list beside it answered 406.
"""

from flask import Flask, current_app, request

from flask_smorest import abort

JSON = ("application/json",)
READS = ("GET", "HEAD")
NEGOTIATED = "_negotiated"
OFFERS = "_offers"
# Health, readiness and metrics: about the service, not records. They answer
# whatever a load balancer or scraper sends: a 406 there would take an
# instance out of rotation over a header.
OPERATIONS = "Operations."


def offered(view) -> tuple[str, ...] | None:
    """What a view answers in; None when it negotiates itself."""
    if getattr(view, NEGOTIATED, False):
        return None
    return getattr(view, OFFERS, JSON)


def offers(*media_types: str):
    """Declare the media types a view answers in (JSON when undeclared)."""

    def mark(view):
        setattr(view, OFFERS, media_types)
        return view

    return mark


def negotiated(view):
    """Mark a view that reads Accept (and ``format``) itself."""
    setattr(view, NEGOTIATED, True)
    return view


def view_method(endpoint: str | None, method: str):
    """The function that answers ``method`` at ``endpoint``; None for views that
    are no resource's (the docs page, the spec, the index)."""
    view_class = getattr(current_app.view_functions.get(endpoint), "view_class", None)
    return getattr(view_class, method.lower(), None)


def _offered() -> tuple[str, ...] | None:
    endpoint = request.endpoint
    if endpoint is None or endpoint.startswith(OPERATIONS):
        return None
    method = view_method(endpoint, request.method)
    return None if method is None else offered(method)


def init_accept(app: Flask) -> None:
    @app.before_request
    def acceptable():
        environ = request.environ
        if "HTTP_ACCEPT" not in environ or environ["REQUEST_METHOD"] not in READS:
            return
        offered = _offered()
        if offered and request.accept_mimetypes.best_match(offered) is None:
            abort(406, message="Accept lists none of: " + ", ".join(offered) + ".")

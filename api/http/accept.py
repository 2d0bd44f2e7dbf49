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
# Health, readiness and metrics answer whatever a load balancer or scraper
# sends: a 406 there would take an instance out of rotation over a header.
UNCHECKED = "Operations."


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


def _offered() -> tuple[str, ...] | None:
    endpoint = request.endpoint
    if endpoint is None or endpoint.startswith(UNCHECKED):
        return None
    function = current_app.view_functions.get(endpoint)
    view_class = getattr(function, "view_class", None)
    if view_class is None:
        return None  # the docs page, the spec, the index: not records
    method = getattr(view_class, request.method.lower(), None)
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

"""One flask-smorest Blueprint per resource."""

from api.resources import (
    actors,
    articles,
    batches,
    event_codes,
    events,
    imports,
    keys,
    locations,
    operations,
)


def register_blueprints(api):
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key: `Authorization: Bearer <key>`. Writes "
            "need the write scope, /keys the admin scope; reads are open unless "
            "the service sets DATELINE_READS_REQUIRE_KEY.",
        },
    )
    for module in (
        articles,
        actors,
        locations,
        events,
        batches,
        imports,
        event_codes,
        keys,
        operations,
    ):
        api.register_blueprint(module.blp)

"""One flask-smorest Blueprint per resource."""

from api.resources import (
    actors,
    articles,
    batches,
    changes,
    datasets,
    event_codes,
    events,
    imports,
    keys,
    locations,
    operations,
    stats,
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
        stats,
        batches,
        changes,
        imports,
        event_codes,
        datasets,
        keys,
        operations,
    ):
        api.register_blueprint(module.blp)

"""One flask-smorest Blueprint per resource."""

from api.resources import actors, articles, event_codes, events, locations


def register_blueprints(api):
    for module in (articles, actors, locations, events, event_codes):
        api.register_blueprint(module.blp)

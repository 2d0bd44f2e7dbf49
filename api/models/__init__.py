"""Peewee models, in dependency order."""

from api.models.actor import Actor, ActorAlias
from api.models.api_key import ApiKey
from api.models.article import Article
from api.models.base import BaseModel
from api.models.event import Event, EventActor, EventSource
from api.models.idempotency import IdempotentRequest
from api.models.import_job import ImportJob
from api.models.location import Location, LocationAncestor
from api.models.revision import Revision

MODELS = [
    ApiKey,
    Location,
    LocationAncestor,
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventSource,
    ImportJob,
    Revision,
    IdempotentRequest,
]

__all__ = [
    "MODELS",
    "Actor",
    "ActorAlias",
    "ApiKey",
    "Article",
    "BaseModel",
    "Event",
    "EventActor",
    "EventSource",
    "IdempotentRequest",
    "ImportJob",
    "Location",
    "LocationAncestor",
    "Revision",
]

"""The fixed, documented lists of values that kinds, roles and precisions take."""

from reference.vocabulary import (
    ACTOR_KINDS,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    LOCATION_KINDS,
    POINT_LOCATION_KINDS,
    ROLES,
)

__all__ = [
    "ACTOR_KINDS",
    "DATE_PRECISIONS",
    "GEO_PRECISIONS",
    "LOCATION_KINDS",
    "POINT_LOCATION_KINDS",
    "ROLES",
]

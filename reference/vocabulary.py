"""The fixed lists of values that kinds, roles and precisions take.

The schemas document and enforce them on the API; importers check files
against them, and services may not import schemas.
"""

ACTOR_KINDS = (
    "person",
    "state",
    "government",
    "military",
    "police",
    "armed_group",
    "political_party",
    "organisation",
    "international_organisation",
    "ngo",
    "media",
    "business",
    "religious_group",
    "ethnic_group",
    "civilians",
    "protesters",
    "other",
)

LOCATION_KINDS = (
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "city",
    "site",
    "route",
    "other",
)
# Kinds that are points: coordinates are required. Areas and lines may have a
# representative point or none.
POINT_LOCATION_KINDS = ("city", "site")

ROLES = ("initiator", "target", "mediator", "participant", "supporter", "affected")

DATE_PRECISIONS = ("day", "week", "month", "year")

GEO_PRECISIONS = ("exact", "near", "admin3", "admin2", "admin1", "country", "region")

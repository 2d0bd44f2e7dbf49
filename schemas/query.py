"""Query-string pieces every list shares: sorting, sparse fields, embedding, cursors."""

import re

import marshmallow as ma

from schemas.common import many

# Plain decimals: what the published pattern says, and all the server takes
# (float() would also take " 1", "1e3" and "nan", which the pattern refuses).
_NUMBER = r"-?[0-9]+(\.[0-9]+)?"


class _Numbers(ma.fields.String):
    """Comma-separated numbers in a query string."""

    count = 0
    names: tuple[str, ...] = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._form = f"{_NUMBER}(,{_NUMBER}){{{self.count - 1}}}"
        self.metadata = {**self.metadata, "pattern": f"^{self._form}$"}

    def _numbers(self, value, attr, data, **kwargs) -> list[float]:
        text = super()._deserialize(value, attr, data, **kwargs)
        if re.fullmatch(self._form, text) is None:
            raise ma.ValidationError(
                f"Expected {self.count} decimal numbers: {','.join(self.names)}."
            )
        return [float(part) for part in text.split(",")]


def _check_lat(value: float):
    if not -90 <= value <= 90:
        raise ma.ValidationError("Latitudes are between -90 and 90.")


def _check_lon(value: float):
    if not -180 <= value <= 180:
        raise ma.ValidationError("Longitudes are between -180 and 180.")


class BoundingBox(_Numbers):
    """``min_lon,min_lat,max_lon,max_lat``; min_lon > max_lon crosses 180°."""

    count = 4
    names = ("min_lon", "min_lat", "max_lon", "max_lat")

    def _deserialize(self, value, attr, data, **kwargs):
        min_lon, min_lat, max_lon, max_lat = self._numbers(value, attr, data, **kwargs)
        for lon in (min_lon, max_lon):
            _check_lon(lon)
        for lat in (min_lat, max_lat):
            _check_lat(lat)
        if min_lat > max_lat:
            raise ma.ValidationError("min_lat must not exceed max_lat.")
        return {
            "min_lon": min_lon,
            "min_lat": min_lat,
            "max_lon": max_lon,
            "max_lat": max_lat,
        }


class Near(_Numbers):
    """``lat,lon,radius_km``: within that distance of the point."""

    count = 3
    names = ("lat", "lon", "radius_km")

    def _deserialize(self, value, attr, data, **kwargs):
        lat, lon, radius = self._numbers(value, attr, data, **kwargs)
        _check_lat(lat)
        _check_lon(lon)
        if not 0 < radius <= 20_000:
            raise ma.ValidationError("radius_km must be above 0 and at most 20000.")
        return {"lat": lat, "lon": lon, "radius_km": radius}


def sort_field(
    fields: tuple[str, ...], default: str, default_text: str | None = None
) -> ma.fields.String:
    """``sort=-date_start,id``: fields by priority, ``-`` for descending."""
    # Published as the parameter's pattern, so that clients and fuzzers know
    # exactly what is accepted (spaces around a name included).
    name = "(" + "|".join(re.escape(f) for f in fields) + ")"
    term = f" *-?{name} *"
    form = f"{term}(,{term})*"

    def check(value: str):
        if re.fullmatch(form, value) is None:
            names = [part.strip(" ") for part in value.split(",")]
            bad = [n for n in names if n.removeprefix("-") not in fields]
            raise ma.ValidationError(
                f"Unknown sort field {', '.join(map(repr, bad)) or '(empty)'}; "
                f"use {', '.join(fields)}, each with - for descending."
            )

    return ma.fields.String(
        validate=check,
        metadata={
            "description": "Comma-separated fields, highest priority first; a "
            "leading - sorts descending. Ties are broken by id, in the direction "
            "of the last field named (`-date_start`: the highest id first). Fields: "
            + ", ".join(fields)
            + f". Default: {default_text or default}.",
            "example": default,
            "pattern": f"^{form}$",
        },
    )


def fields_field(names: tuple[str, ...]) -> ma.fields.List:
    return many(
        ma.fields.String(validate=ma.validate.OneOf(names)),
        metadata={
            "description": "Sparse fieldset: return only these fields (id always "
            "comes too).",
            "example": list(names[:2]),
        },
    )


def include_field(names: tuple[str, ...], doc: str) -> ma.fields.List:
    return many(
        ma.fields.String(validate=ma.validate.OneOf(names)),
        metadata={"description": doc, "example": list(names)[:1]},
    )


CURSOR = ma.fields.String(
    validate=ma.validate.Length(max=500),
    metadata={
        "description": "Scan with an opaque cursor instead of page numbers: send "
        '`cursor=` (empty) to start, then follow the `Link: rel="next"` header '
        "(or `X-Next-Cursor`) until it is absent. A scan stays correct while "
        "records are added. Not combined with `page`.",
        "example": "",
    },
)


MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "ndjson": "application/x-ndjson",
    "geojson": "application/geo+json",
}


def format_field(formats: tuple[str, ...]) -> ma.fields.String:
    """``format=csv``: the list in another format; overrides the Accept header."""
    return ma.fields.String(
        validate=ma.validate.OneOf(formats),
        metadata={
            "description": "Answer in this format instead of JSON: "
            + ", ".join(formats)
            + ". The Accept header chooses too ("
            + ", ".join(MEDIA_TYPES[f] for f in formats[1:])
            + "); this parameter wins over it. Formats other than JSON carry "
            "every matching record, streamed; with `page` or `page_size`, one "
            "page of them, with the JSON page's headers.",
            "example": formats[1],
        },
    )


def check_relevance(data: dict) -> None:
    """``sort=relevance`` ranks text matches: it needs ``q``, comes first, and
    pages by number (a score is no place to resume a cursor from)."""
    names = [part.strip() for part in (data.get("sort") or "").split(",")]
    if not any(name.lstrip("-") == "relevance" for name in names):
        return
    if not data.get("q"):
        raise ma.ValidationError("relevance ranks text matches: give q too.", "sort")
    if names[0] != "relevance":
        raise ma.ValidationError(
            "relevance comes first, and best matches first (no -).", "sort"
        )
    if data.get("cursor") is not None:
        raise ma.ValidationError(
            "relevance pages by number: use page, not cursor.", "cursor"
        )

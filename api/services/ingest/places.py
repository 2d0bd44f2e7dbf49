"""The places an ingest names: found, or created once, and given their points.

A place keeps the first representative point it is given. A row that names
a stored place without one gives it the row's point, whether the record's
event is written or left as it is: a file imported before places kept their
points fixes them when imported again. A place that has a point keeps it:
rows of one place give the same point (a dataset's centroid of the area),
and one a user set is theirs.
"""

from collections.abc import Callable

from api.db import db
from api.models import Location
from api.services import bulk_sql, history, loading
from api.services.ingest.records import chain_key
from reference.text import fold

_GIVE_POINT = (
    "UPDATE location SET latitude = ?, longitude = ?, updated_at = ?, "
    "updated_by = ? WHERE id = ? AND (latitude IS NULL OR longitude IS NULL)"
)


class Places:
    """Finds or creates places given inline, their parents first.

    Lookups are cached for the whole import, and a country's places are
    loaded once on first need, so a large file costs a few queries per new
    place rather than several per row.
    """

    def __init__(
        self, provenance: Callable[[dict], dict], created: list[int], stamp, author
    ):
        self.provenance = provenance
        # The resolver's list of the places this import created.
        self.created = created
        self.stamp, self.author = stamp, author
        self.ids: dict[tuple, int] = {}
        self.chains: dict[int, list[tuple[int, int]]] = {}
        self.loaded_countries: set[str | None] = set()
        # The closure rows of places created since the last flush(): written
        # a chunk at a time, as a statement of its own for each place cost
        # PostgreSQL enough to show in an import that creates many places.
        self.ancestors: list[tuple[int, int, int]] = []
        # Places known to be stored without a point, and the points rows
        # gave them since the last flush().
        self.pointless: set[int] = set()
        self.points: dict[int, tuple[float, float]] = {}
        # Revisions of the stored places given a point, for the caller to record.
        self.revisions: list[tuple] = []

    def _load_country(self, country: str | None) -> None:
        if country in self.loaded_countries:
            return
        self.loaded_countries.add(country)
        where = "country = ?" if country else "country IS NULL"
        rows = bulk_sql.select(
            "SELECT id, kind, name, country, parent_id, source, source_id, "
            "latitude IS NULL OR longitude IS NULL "
            f"FROM location WHERE {where} ORDER BY id",
            (country,) if country else (),
        )
        for place_id, kind, name, code, parent_id, source, source_id, bare in rows:
            self.ids.setdefault(_place_key(kind, name, code, parent_id), place_id)
            if source and source_id:
                self.ids.setdefault((source, source_id), place_id)
            if bare:
                self.pointless.add(place_id)

    def _chain(self, place_id: int) -> list[tuple[int, int]]:
        """(ancestor, depth) pairs of a place, itself included at depth 0."""
        if place_id not in self.chains:
            self.chains[place_id] = bulk_sql.select(
                "SELECT ancestor_id, depth FROM location_ancestor "
                "WHERE location_id = ?",
                (place_id,),
            )
        return self.chains[place_id]

    def place(self, spec: dict | None) -> int | None:
        """The id of a place and its parents, given inline; one lookup when seen."""
        if spec is None:
            return None
        chain = chain_key(spec)
        if chain in self.ids:
            return self.ids[chain]
        parent_id = self.place(spec.get("parent"))
        found = self._find(spec, parent_id) or self._create(spec, parent_id)
        self.ids[chain] = found
        return found

    def existing(self, spec: dict) -> int | None:
        """The id of a stored place, as ``place`` finds it, but creating none:
        None when it, or one of its parents, is not stored."""
        chain = chain_key(spec)
        if chain in self.ids:
            return self.ids[chain]
        parent_id = None
        if spec.get("parent") is not None:
            parent_id = self.existing(spec["parent"])
            if parent_id is None:
                return None
        found = self._find(spec, parent_id)
        if found is not None:
            self.ids[chain] = found
        return found

    def _find(self, spec: dict, parent_id: int | None) -> int | None:
        country = spec.get("country")
        self._load_country(country)
        identity = (spec.get("source"), spec.get("source_id"))
        key = _place_key(spec["kind"], spec["name"], country, parent_id)
        found = self.ids.get(identity) if identity[1] else None
        found = found or self.ids.get(key)
        if found is None:
            return None
        lat, lon = spec.get("latitude"), spec.get("longitude")
        if found in self.pointless and lat is not None and lon is not None:
            self.pointless.discard(found)
            self.points[found] = (lat, lon)
        self._remember(found, key, identity)
        return found

    def _create(self, spec: dict, parent_id: int | None) -> int:
        country = spec.get("country")
        row = {
            "name": spec["name"].strip()[:300],
            "kind": spec["kind"],
            "country": country,
            "parent_id": parent_id,
            "latitude": spec.get("latitude"),
            "longitude": spec.get("longitude"),
            **self.provenance(spec),
        }
        found = bulk_sql.insert_one("location", row)
        self.created.append(found)
        if row["latitude"] is None or row["longitude"] is None:
            self.pointless.add(found)
        chain = [(found, 0)]
        if parent_id is not None:
            chain += [(a, d + 1) for a, d in self._chain(parent_id)]
        self.chains[found] = chain
        self.ancestors += [(found, a, d) for a, d in chain]
        key = _place_key(spec["kind"], spec["name"], country, parent_id)
        self._remember(found, key, (spec.get("source"), spec.get("source_id")))
        return found

    def _remember(self, found: int, key: tuple, identity: tuple) -> None:
        self.ids[key] = found
        if identity[1]:
            self.ids[identity] = found

    def flush(self) -> None:
        """Write the closure rows and the points found since the last flush."""
        bulk_sql.insert_many(
            "location_ancestor",
            ("location_id", "ancestor_id", "depth"),
            self.ancestors,
        )
        self.ancestors = []
        if self.points:
            self._give_points()

    def _give_points(self) -> None:
        # A place created since the last revisions were recorded needs none:
        # its creation's revision reads the stored row.
        new = set(self.created)
        before = {
            r.id: history.snapshot(r)
            for r in loading.load(Location, [i for i in self.points if i not in new])
        }
        given = []
        sql = _GIVE_POINT.replace("?", db.param)
        for place_id, (lat, lon) in self.points.items():
            values = (lat, lon, self.stamp, self.author, place_id)
            # None given when a user set a point since the import looked.
            if db.execute_sql(sql, values).rowcount and place_id in before:
                given.append(place_id)
        self.points = {}
        self.revisions += [
            ("location", r.id, "update", before[r.id], history.snapshot(r), None)
            for r in loading.load(Location, given)
        ]


def _place_key(kind: str, name: str, country: str | None, parent_id) -> tuple:
    # A country is the same country whatever a dataset calls it.
    if kind == "country":
        return (kind, country)
    return (kind, fold(name), country, parent_id)

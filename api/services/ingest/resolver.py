"""The actors, places and articles an ingest names: found, or created once."""

from typing import TYPE_CHECKING

from api.models import Actor, Article, Location
from api.models.base import current_author, utcnow
from api.services import bulk_sql, search
from api.services.ingest import bulk_references
from api.services.ingest.places import Places
from reference.text import fold

if TYPE_CHECKING:
    from api.services.ingest.records import Prepared


class Resolver:
    """Finds or creates the actors, places and articles records name.

    Lookups are cached for the whole import, and a country's places, or a
    dataset's actors, are loaded once on first need, so a large file costs a
    few queries per new record rather than several per row.
    """

    def __init__(self, source_file: str | None):
        self.source_file = source_file
        self.now = utcnow()
        # The stored form of ``now`` (naive UTC), for rows written as plain values.
        self.stamp = bulk_sql.storable(self.now)
        self.author = current_author.get()
        self.actors: dict[tuple, int] = {}
        self.loaded_actor_sources: set[str] = set()
        self.articles: dict[str, int] = {}
        # Records this import created, for their revisions.
        self.created: dict[type, list[int]] = {Location: [], Actor: [], Article: []}
        self.places = Places(
            self._provenance, self.created[Location], self.stamp, self.author
        )
        # Places of records left unchanged, whose points were offered.
        self.offered: set = set()
        self.written = 0
        self.analyzed_at = 0
        # Whether foreign keys are checked a chunk at a time (bulk_references):
        # asked of the database once, by the first write.
        self.checks_in_bulk: bool | None = None
        # What those checks have locked already, in the current transaction.
        self.references_held = bulk_references.Held()
        self.resolved: dict[str, dict] = {"place": {}, "actor": {}, "article": {}}
        self.unresolved: dict[str, dict] = {"place": {}, "actor": {}, "article": {}}
        self.finders = {
            "place": self.places.place,
            "actor": self.actor,
            "article": self.article,
        }
        # What every event of this import shares.
        shared = {
            "source_file": None,
            "source_imported_at": None,
            "created_at": self.now,
            "updated_at": self.now,
            "created_by": self.author,
            "updated_by": self.author,
        }
        sourced = {
            **shared,
            "source_file": source_file,
            "source_imported_at": self.now,
        }
        self._writer_values = tuple(bulk_sql.storable(v) for v in list(shared.values()))
        self._sourced_writer_values = tuple(
            bulk_sql.storable(v) for v in list(sourced.values())
        )

    def writer_values(self, prepared) -> tuple:
        """WRITER_COLUMNS after location_id, for one event."""
        return self._sourced_writer_values if prepared.key[0] else self._writer_values

    def _provenance(self, spec: dict) -> dict:
        sourced = bool(spec.get("source"))
        return {
            "source": spec.get("source"),
            "source_id": spec.get("source_id"),
            "source_file": self.source_file if sourced else None,
            "source_imported_at": self.now if sourced else None,
            "source_attributes": spec.get("source_attributes"),
            "created_at": self.now,
            "updated_at": self.now,
            "created_by": self.author,
            "updated_by": self.author,
        }

    def known(self, kind: str, key, spec: dict | None) -> int:
        """The id of an inline place, actor or article by the key ``prepare`` gave.

        Each is resolved once per import; ``spec`` may be left out (None)
        once its key was seen, which spares sending it again.
        """
        found = self.resolved[kind].get(key)
        if found is None:
            spec = spec or self.unresolved[kind].pop(key, None)
            if spec is None:
                raise LookupError(f"{kind} {key!r} was not given before")
            self.resolved[kind][key] = found = self.finders[kind](spec)
        return found

    def offer_points(self, place: tuple | None) -> None:
        """For a record whose event is left as it is: its places' points go to
        the stored places that have none, and no place is created."""
        if place is None or place[0] in self.resolved["place"]:
            return
        key, spec = place
        if key not in self.offered:
            self.offered.add(key)
            spec = spec or self.unresolved["place"].get(key)
            if spec is not None:
                self.places.existing(spec)

    def flush(self) -> None:
        """Write what the records resolved so far left pending."""
        self.places.flush()

    def remember(self, prepared: "Prepared") -> None:
        """Keep the specs of a record left unwritten, for later ones that need them."""
        place = prepared.location
        if place is not None and place[1] is not None:
            self.unresolved["place"].setdefault(place[0], place[1])
        for kind, links in (("actor", prepared.actors), ("article", prepared.sources)):
            for _, key, spec, _ in links:
                if spec is not None and key not in self.resolved[kind]:
                    self.unresolved[kind].setdefault(key, spec)

    # Actors ---------------------------------------------------------------

    def _load_actor_source(self, source: str) -> None:
        if source in self.loaded_actor_sources:
            return
        self.loaded_actor_sources.add(source)
        rows = bulk_sql.select(
            "SELECT source_id, id FROM actor WHERE source = ?", (source,)
        )
        for source_id, actor_id in rows:
            self.actors[(source, source_id)] = actor_id

    def _find_actor(self, folded: str, country: str | None) -> int | None:
        # Found by name first, the country checked on what the name finds:
        # given "country = ?" both databases walked every actor of the
        # country, so each lookup slowed as the country's actors grew.
        rows = bulk_sql.select(
            "SELECT min(id) FROM ("
            "SELECT id FROM actor WHERE search_name = ? "
            "AND coalesce(country, '') = ? "
            "UNION ALL SELECT actor.id FROM actor_alias "
            "JOIN actor ON actor.id = actor_alias.actor_id "
            "WHERE actor_alias.search_name = ? AND coalesce(actor.country, '') = ?"
            ") found",
            (folded, country or "", folded, country or ""),
        )
        return rows[0][0] if rows else None

    def actor(self, spec: dict) -> int:
        name = spec["name"].strip()[:300]
        folded = fold(name)
        identity = (spec.get("source"), spec.get("source_id"))
        if identity[1]:
            self._load_actor_source(identity[0])
            if identity in self.actors:
                return self.actors[identity]
        key = (folded, spec.get("country"))
        found = self.actors.get(key)
        if found is None:
            found = self._find_actor(folded, spec.get("country"))
        if found is None:
            row = {
                "name": name,
                "search_name": folded,
                "kind": spec.get("kind") or "other",
                "country": spec.get("country"),
                "description": spec.get("description"),
                **self._provenance(spec),
            }
            found = bulk_sql.insert_one("actor", row)
            self.created[Actor].append(found)
            aliases = {fold(a): a.strip()[:300] for a in spec.get("aliases") or []}
            aliases.pop("", None)
            bulk_sql.insert_many(
                "actor_alias",
                ("actor_id", "name", "search_name"),
                [(found, a, f) for f, a in aliases.items()],
            )
        self.actors[key] = found
        if identity[1]:
            self.actors[identity] = found
        return found

    # Articles -------------------------------------------------------------

    def article(self, spec: dict) -> int:
        url = spec["url"].strip()
        if url in self.articles:
            return self.articles[url]
        rows = bulk_sql.select("SELECT id FROM article WHERE url = ?", (url,))
        found = rows[0][0] if rows else None
        if found is None:
            row = {
                "url": url,
                "title": spec.get("title") or url,
                "body": spec.get("body"),
                "outlet": spec.get("outlet"),
                "wire_agency": spec.get("wire_agency"),
                "published_at": spec.get("published_at"),
                "language": spec.get("language"),
                **self._provenance(spec),
            }
            found = bulk_sql.insert_one("article", row)
            self.created[Article].append(found)
            search.index_article(
                Article(id=found, title=row["title"], body=row["body"])
            )
        self.articles[url] = found
        return found

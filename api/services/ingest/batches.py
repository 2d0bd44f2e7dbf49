"""The batch endpoint's writes: every record checked, then all written or none."""

from api.db import db
from api.models import Actor, Article, Location
from api.services.common import missing_ids
from api.services.errors import InvalidData
from api.services.ingest.write import Resolver, Tally, prepare, record_errors, write


def _missing_references(records: list[dict]) -> dict:
    """Each bad record's problems by index: its own (``record_errors``), ids
    it names that do not exist, and an identity an earlier record has."""
    errors: dict = {}
    first_seen: dict[tuple, int] = {}
    for index, record in enumerate(records):
        key = (record.get("source"), record.get("source_id"))
        if key[1] and key in first_seen:
            errors[index] = {
                "source_id": [f"Repeats the identity of record {first_seen[key]}."]
            }
        first_seen.setdefault(key, index)
    wanted = {
        "location_id": (Location, {r.get("location_id") for r in records}),
        "actor_id": (
            Actor,
            {a.get("actor_id") for r in records for a in r.get("actors") or []},
        ),
        "article_id": (
            Article,
            {s.get("article_id") for r in records for s in r.get("sources") or []},
        ),
    }
    absent = {name: missing_ids(model, ids) for name, (model, ids) in wanted.items()}
    for index, record in enumerate(records):
        problems = record_errors(record)
        if record.get("location_id") in absent["location_id"]:
            problems["location_id"] = [
                f"Location {record['location_id']} does not exist."
            ]
        for group, name, label in (
            ("actors", "actor_id", "Actor"),
            ("sources", "article_id", "Article"),
        ):
            for position, link in enumerate(record.get(group) or []):
                if link.get(name) in absent[name]:
                    problems.setdefault(group, {})[position] = {
                        name: [f"{label} {link[name]} does not exist."]
                    }
        if problems:
            errors[index] = {**errors.get(index, {}), **problems}
    return errors


def write_batch(records: list[dict | None], label: str, errors: dict) -> Tally:
    """Write every record or none: one bad record and nothing is written.

    ``errors`` holds the records that failed to load (their slot is None);
    the others are checked here, and all problems are reported together.
    """
    with db.atomic():
        loaded = {i: r for i, r in enumerate(records) if r is not None}
        found = _missing_references(list(loaded.values()))
        for position, index in enumerate(loaded):
            if position in found:
                errors[index] = found[position]
        if errors:
            raise InvalidData("Some records are invalid.", {"events": errors})
        return write([prepare(r) for r in loaded.values()], Resolver(label))

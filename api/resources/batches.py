"""HTTP endpoint for batch writes of events, idempotent by external identity."""

from flask import g
from flask.views import MethodView

import marshmallow as ma

from api.resources.blueprint import BAD_REQUEST, REFERENCE_GONE, Blueprint
from api.services.ingest import batches as event_batches
from schemas.batches import (
    MAX_BATCH,
    BatchEventSchema,
    BatchResultSchema,
    BatchSchema,
)

blp = Blueprint(
    "Batches",
    __name__,
    description=f"Write up to {MAX_BATCH} events in one request, all or nothing. "
    "A record with an external identity (source + source_id) that exists "
    "updates it: resending a batch after a timeout leaves the same database.",
)

EXAMPLE = {
    "events": [
        {
            "source": "acled",
            "source_id": "SYR100001",
            "event_code": "195",
            "summary": "Air strikes on Maarat al-Numan.",
            "date_start": "2020-02-27",
            "fatalities": 4,
            "location": {
                "name": "Maarat al-Numan",
                "kind": "city",
                "country": "SYR",
                "latitude": 35.6433,
                "longitude": 36.6756,
                "parent": {"name": "Idlib", "kind": "admin1", "country": "SYR"},
            },
            "actors": [
                {
                    "role": "initiator",
                    "actor": {
                        "name": "Military Forces of Syria (2000-)",
                        "kind": "military",
                        "country": "SYR",
                    },
                },
                {"role": "target", "actor_id": 4},
            ],
            "sources": [
                {
                    "article": {
                        "url": "https://example.org/idlib-strikes",
                        "title": "Strikes in Idlib",
                    },
                    "quote": "Four people were killed in the strikes.",
                }
            ],
        }
    ]
}


@blp.route("/events/batch")
class EventBatch(MethodView):
    @blp.arguments(BatchSchema, example=EXAMPLE)
    @blp.response(200, BatchResultSchema)
    @blp.alt_response(400, **BAD_REQUEST)
    @blp.alt_response(409, **REFERENCE_GONE)
    def post(self, batch):
        """Write many events at once (created, updated or unchanged by identity)

        Checks every event of the batch, then writes them all in one transaction, or
        none: a 422 names each bad event by its index. An event with a `source` and
        `source_id` that an event already has updates that event (or leaves it
        unchanged), so resending a batch after a timeout writes nothing twice. Actors,
        places and articles may be named by id or described inline, to be found or
        created.
        """
        records, errors = [], {}
        for index, raw in enumerate(batch["events"]):
            try:
                records.append(BatchEventSchema().load(raw))
            except ma.ValidationError as error:
                records.append(None)
                errors[index] = error.messages
        label = f"batch:{g.get('request_id', '')}"
        tally = event_batches.write_batch(records, label, errors)
        return {
            "created": tally.created,
            "updated": tally.updated,
            "unchanged": tally.unchanged,
            "ids": tally.ids,
        }

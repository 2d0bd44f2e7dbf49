"""Import job schemas: the upload form and the job with its report."""

import marshmallow as ma
from flask_smorest.fields import Upload

from schemas.common import InputSchema, RecordSchema

FORMATS = ("acled", "ucdp-ged", "gdelt", "dateline")
ON_ERROR = ("abort", "skip")
STATUSES = ("queued", "running", "cancelling", "succeeded", "failed", "cancelled")


class ImportFormSchema(InputSchema):
    format = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(FORMATS),
        metadata={
            "description": "acled (ACLED export CSV), ucdp-ged (UCDP GED CSV), "
            "gdelt (GDELT 2.0 events export, tab-separated, no header; GDELT "
            "1.0 daily and historical event files too, told by their 58 or 57 "
            "columns and kept as source gdelt1) or "
            "dateline (Dateline's own event CSV, `GET /events?format=csv`).",
            "example": "acled",
        },
    )
    on_error = ma.fields.String(
        load_default="abort",
        validate=ma.validate.OneOf(ON_ERROR),
        metadata={
            "description": "abort (default): one bad row and nothing is written; "
            "skip: write the good rows and report the bad ones.",
            "example": "abort",
        },
    )


class ImportUploadSchema(ImportFormSchema):
    """The multipart upload: the file, and how to read it."""

    file = Upload(
        required=True,
        metadata={
            "description": "The export file as the dataset publishes it: UTF-8 "
            "text, plain or compressed (gzip, or a zip holding that one file, "
            "as GDELT's .export.CSV.zip)."
        },
    )


class ImportErrorSchema(ma.Schema):
    line = ma.fields.Integer(allow_none=True, metadata={"example": 12})
    field = ma.fields.String(metadata={"example": "event_date"})
    message = ma.fields.String(metadata={"example": "Not a date: '2022-02-30'."})


class ImportReportSchema(ma.Schema):
    errors = ma.fields.List(
        ma.fields.Nested(ImportErrorSchema),
        metadata={"description": "Rejected rows (the first 1000), by line and field."},
    )
    committed = ma.fields.Boolean(
        metadata={"description": "Whether anything was written."}
    )


class ImportJobSchema(RecordSchema):
    """An import: queued, running, succeeded or failed, with what it did."""

    # The validators document the values (as enums); a job is never loaded.
    format = ma.fields.String(
        validate=ma.validate.OneOf(FORMATS), metadata={"example": "acled"}
    )
    filename = ma.fields.String(metadata={"example": "acled_2022.csv"})
    on_error = ma.fields.String(
        validate=ma.validate.OneOf(ON_ERROR), metadata={"example": "abort"}
    )
    status = ma.fields.String(
        validate=ma.validate.OneOf(STATUSES),
        metadata={
            "description": "queued, running, succeeded or failed; cancelling "
            "(until the chunk it is on is written) and cancelled once asked to "
            "stop (`POST /imports/{id}/cancel`). A job whose server process "
            "stopped before it ended is failed, with an error on field `_job`: "
            "send the file again.",
            "example": "succeeded",
        },
    )
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    rows = ma.fields.Integer(
        metadata={
            "description": "Rows read: so far while the job runs (counted every "
            "half second or so), all of them once it has ended.",
            "example": 600,
        }
    )
    created = ma.fields.Integer(
        metadata={
            "description": "Events created. While an all-or-nothing import runs, "
            "those it will create if it ends well; 0 if it fails.",
            "example": 598,
        }
    )
    updated = ma.fields.Integer(
        metadata={"description": "Events updated, counted as created is.", "example": 0}
    )
    unchanged = ma.fields.Integer(
        metadata={
            "description": "Rows whose event was already as they say.",
            "example": 0,
        }
    )
    rejected = ma.fields.Integer(
        metadata={"description": "Bad rows (see the report).", "example": 2}
    )
    report = ma.fields.Nested(ImportReportSchema, allow_none=True)
    created_by = ma.fields.String(allow_none=True, metadata={"example": "newsroom"})

"""HTTP endpoints to import dataset files (ACLED, UCDP GED, GDELT, Dateline) as jobs."""

import tempfile
import time
import uuid
from contextlib import suppress
from pathlib import Path

from flask import current_app, g, request, url_for
from flask.views import MethodView

from api.resources.blueprint import NOT_FOUND, Blueprint, problem
from api.services.ingest import jobs as import_jobs
from schemas.imports import ImportJobSchema, ImportUploadSchema

blp = Blueprint(
    "Imports",
    __name__,
    url_prefix="/imports",
    description="Import an export file of a public event dataset, or an event CSV "
    "of Dateline itself. The upload answers 202 with a job; follow its Location "
    "until the status is succeeded, failed or cancelled. Re-importing a file "
    "changes nothing; a newer export updates the rows that changed.",
)

ENDED = problem(
    409,
    "The import has ended: there is nothing left to cancel.",
    "Import 7 has ended (succeeded): it cannot be cancelled.",
)


@blp.before_request
def _allow_large_uploads():
    request.max_content_length = current_app.config["DATELINE_MAX_IMPORT_BYTES"]


# A job removes its upload when it ends; one whose process stopped leaves it
# behind. A day on, none is still needed: a running import holds its file
# open, and an open file stays readable to it once removed.
STALE_UPLOAD_SECONDS = 24 * 3600


def _upload_dir() -> Path:
    folder = Path(
        current_app.config.get("DATELINE_IMPORT_DIR")
        or Path(tempfile.gettempdir()) / "dateline-imports"
    )
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    for left in folder.glob("*.upload"):
        with suppress(OSError):  # another worker removed it first
            if left.stat().st_mtime < cutoff:
                left.unlink()
    return folder


@blp.route("", strict_slashes=False)
class Imports(MethodView):
    @blp.response(200, ImportJobSchema(many=True))
    def get(self):
        """List the latest imports, newest first

        The 100 most recent import jobs, each with its status and, once it has run, its
        report. Needs an API key of any scope, even where reads are open.
        """
        return import_jobs.list_jobs()

    @blp.arguments(ImportUploadSchema, location="multipart")
    @blp.response(202, ImportJobSchema)
    def post(self, form):
        """Import a file: answers at once with the job to follow

        Uploads a dataset export as multipart/form-data (`file`, `format`, `on_error`)
        and answers 202 at once with the queued job. Follow its Location until the
        status is succeeded, failed or cancelled; the rows are read and written
        meanwhile, in chunks.
        """
        upload = form["file"]
        path = _upload_dir() / f"{uuid.uuid4().hex}.upload"
        upload.save(path)
        job = import_jobs.create_job(
            form["format"], upload.filename or path.name, form["on_error"]
        )
        import_jobs.start_job(
            job.id,
            path,
            g.api_key.name if g.get("api_key") else None,
            inline=current_app.config.get("DATELINE_IMPORTS_INLINE", False),
        )
        location = url_for("Imports.ImportById", import_id=job.id)
        return import_jobs.get_job(job.id), 202, {"Location": location}


@blp.route("/<int:import_id>")
class ImportById(MethodView):
    @blp.response(200, ImportJobSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, import_id):
        """Get an import's status and report

        The job's status and, once it has run, its report: what was created, updated or
        left unchanged, and the rows refused, by line and field. Needs an API key of any
        scope, even where reads are open.
        """
        return import_jobs.get_job(import_id)


@blp.route("/<int:import_id>/cancel")
class ImportCancel(MethodView):
    @blp.doc(operationId="cancelImport")
    @blp.response(202, ImportJobSchema)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(409, **ENDED)
    def post(self, import_id):
        """Cancel an import: a queued one at once, a running one at its next chunk

        The job answers "cancelled" if it had not started, else "cancelling"
        until the chunk it is on has been written (a second or so), then
        "cancelled". An all-or-nothing import then has written nothing; one
        with on_error=skip keeps the chunks it had committed.
        """
        return import_jobs.cancel_job(import_id)

"""Running import jobs: their progress shows, and one whose server process
stopped is reported failed, not "running" for ever.

A worker killed or recycled mid-import takes the import's thread and its
transaction with it; the job must then say what happened and what to do.
The same with a real gunicorn worker killed mid-import: tests/integrity.
"""

import threading
from datetime import timedelta

import pytest

from api.models import ImportJob
from api.models.base import utcnow
from api.services import import_runs
from tests.ingest.conftest import get_json


def _job(app, status: str, on_error: str = "abort", age=timedelta(0)) -> int:
    with app.extensions["dateline_db"].connection_context():
        job = ImportJob.create(
            format="acled",
            filename="acled_2022.csv",
            on_error=on_error,
            status=status,
            created_at=utcnow() - age,
        )
        return job.id


def _stored_status(app, job_id: int) -> str:
    with app.extensions["dateline_db"].connection_context():
        return ImportJob.get_by_id(job_id).status


@pytest.mark.parametrize(
    ("on_error", "kept", "committed"),
    [("abort", "nothing was written", False), ("skip", "are kept", True)],
)
def test_a_running_job_nobody_runs_is_failed(app, client, on_error, kept, committed):
    job_id = _job(app, "running", on_error)

    job = get_json(client, f"/imports/{job_id}")

    assert job["status"] == "failed"
    assert job["finished_at"] is not None
    [error] = job["report"]["errors"]
    assert error["field"] == "_job"
    assert "stopped before it ended" in error["message"]
    assert kept in error["message"]
    assert "Import the file again" in error["message"]
    assert job["report"]["committed"] is committed
    # Recorded, not only answered: the list and a later look agree.
    assert _stored_status(app, job_id) == "failed"
    assert [j["status"] for j in get_json(client, "/imports/")] == ["failed"]
    assert get_json(client, f"/imports/{job_id}") == job


def test_a_running_job_shows_its_progress_until_its_runner_lets_go(app, client):
    job_id = _job(app, "running")
    held, release = threading.Event(), threading.Event()
    counts = {"rows": 3000, "created": 2990, "updated": 4, "unchanged": 5}

    def runner():
        # Another connection of this process, as an import thread has.
        with app.extensions["dateline_db"].connection_context():
            with import_runs.running(job_id) as run:
                run.publish({**counts, "rejected": 1}, force=True)
                held.set()
                release.wait(10)

    thread = threading.Thread(target=runner)
    thread.start()
    try:
        assert held.wait(10)
        job = get_json(client, f"/imports/{job_id}")
        assert job["status"] == "running"
        assert {name: job[name] for name in counts} == counts
        assert job["rejected"] == 1
        assert get_json(client, "/imports/")[0]["status"] == "running"
    finally:
        release.set()
        thread.join(10)

    # Let go with the job still "running": its runner ended without ending it.
    assert get_json(client, f"/imports/{job_id}")["status"] == "failed"


def test_a_queued_job_has_a_minute_to_start(app, client):
    fresh = _job(app, "queued")
    stale = _job(app, "queued", age=timedelta(minutes=2))

    assert get_json(client, f"/imports/{fresh}")["status"] == "queued"
    assert get_json(client, f"/imports/{stale}")["status"] == "failed"
    assert _stored_status(app, fresh) == "queued"


def test_ended_jobs_are_left_as_they_are(app, client):
    succeeded = _job(app, "succeeded")
    failed = _job(app, "failed")

    assert get_json(client, f"/imports/{succeeded}")["status"] == "succeeded"
    assert get_json(client, f"/imports/{failed}")["report"] is None

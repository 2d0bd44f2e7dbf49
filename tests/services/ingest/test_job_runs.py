"""Running import jobs: their progress shows, and one whose server process
stopped is reported failed, not "running" for ever.

A worker killed or recycled mid-import takes the import's thread and its
transaction with it; the job must then say what happened and what to do.
The same with a worker process of the real server (Granian) killed mid-import:
tests/integrity/test_concurrency.py.
"""

import os
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from api.models import ImportJob
from api.models.base import utcnow
from api.services.ingest import jobs as import_jobs
from api.services.ingest import runs as import_runs
from tests.conftest import issue_key
from tests.services.ingest.conftest import counts, get_json, render, sample_rows, upload


@contextmanager
def _meanwhile(work):
    """Run ``work(release)`` in a thread; on leaving, release it and join it."""
    release = threading.Event()
    thread = threading.Thread(target=work, args=(release,))
    thread.start()
    try:
        yield
    finally:
        release.set()
        thread.join(10)


def _admin_client(app):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = (
        f"Bearer {issue_key(app, 'admin', ['admin'])}"
    )
    return client


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
    held = threading.Event()
    counts = {"rows": 3000, "created": 2990, "updated": 4, "unchanged": 5}

    def runner(release):
        # Another connection of this process, as an import thread has.
        with app.extensions["dateline_db"].connection_context():
            with import_runs.running(job_id) as run:
                run.publish({**counts, "rejected": 1}, force=True)
                held.set()
                release.wait(10)

    with _meanwhile(runner):
        assert held.wait(10)
        job = get_json(client, f"/imports/{job_id}")
        assert job["status"] == "running"
        assert {name: job[name] for name in counts} == counts
        assert job["rejected"] == 1
        assert get_json(client, "/imports/")[0]["status"] == "running"

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


def _upload(client, content: bytes, format="acled", **form) -> str:
    """Upload a file; the job's location."""
    response = upload(client, format, content, "export.csv", **form)
    assert response.status_code == 202, response.get_json()
    return response.headers["Location"]


def _big_acled(rows: int) -> bytes:
    sample = sample_rows("acled")
    return render(
        "acled",
        [{**sample[n % len(sample)], "event_id_cnty": f"BIG{n}"} for n in range(rows)],
    ).encode()


def _until(client, location, done, timeout=60.0) -> dict:
    deadline = time.monotonic() + timeout
    while not done(job := get_json(client, location)):
        assert time.monotonic() < deadline, job
        time.sleep(0.02)
    return job


@pytest.mark.parametrize("on_error", ["abort", "skip"])
def test_a_running_import_stops_at_its_next_chunk(app, client, on_error):
    rows = 20_000
    location = _upload(client, _big_acled(rows), on_error=on_error)
    _until(client, location, lambda job: job["rows"] > 0 or job["status"] != "queued")

    response = client.post(f"{location}/cancel")

    assert response.status_code == 202, response.get_json()
    assert response.get_json()["status"] in ("cancelling", "cancelled")
    job = _until(client, location, lambda job: job["status"] != "cancelling")
    assert job["status"] == "cancelled", job
    assert job["finished_at"] is not None
    assert 0 < job["rows"] < rows
    assert job["report"]["errors"] == []
    written = counts(app)["events"]
    if on_error == "abort":
        assert (written, job["created"], job["report"]["committed"]) == (0, 0, False)
    else:
        # The chunks committed before it stopped stay, and are counted.
        assert 0 < written == job["created"] < rows
        assert job["report"]["committed"] is True
    # Cancelled is an end: a second request is refused.
    assert client.post(f"{location}/cancel").status_code == 409


def test_a_queued_job_is_cancelled_at_once_and_never_runs(app, client, tmp_path):
    job_id = _job(app, "queued")
    path = tmp_path / "acled.csv"
    path.write_bytes(_big_acled(5))

    response = client.post(f"/imports/{job_id}/cancel")

    assert response.status_code == 202
    job = response.get_json()
    assert (job["status"], job["report"]) == (
        "cancelled",
        {"errors": [], "committed": False},
    )
    # Its thread starting late finds it cancelled and leaves it.
    with app.extensions["dateline_db"].connection_context():
        import_jobs.run_job(job_id, path)
    assert get_json(client, f"/imports/{job_id}")["status"] == "cancelled"
    assert counts(app)["events"] == 0
    assert not path.exists()


def test_only_a_live_job_can_be_cancelled(app, client, anonymous):
    ended = _job(app, "succeeded")

    response = client.post(f"/imports/{ended}/cancel")

    assert response.status_code == 409
    assert response.get_json()["detail"] == (
        f"Import {ended} has ended (succeeded): it cannot be cancelled."
    )
    assert client.post("/imports/999999/cancel").status_code == 404
    assert anonymous.post(f"/imports/{ended}/cancel").status_code == 401


def test_uploads_left_by_stopped_jobs_are_removed_a_day_on(app, client, tmp_path):
    app.config["DATELINE_IMPORT_DIR"] = str(tmp_path)
    stale, recent = tmp_path / "stale.upload", tmp_path / "recent.upload"
    for path in (stale, recent):
        path.write_bytes(b"event_id_cnty\n")
    day_and_more = time.time() - 25 * 3600
    os.utime(stale, (day_and_more, day_and_more))
    app.config["DATELINE_IMPORTS_INLINE"] = True

    location = _upload(client, _big_acled(5))

    assert get_json(client, location)["status"] == "succeeded"
    assert not stale.exists()
    assert recent.exists()
    # The job's own upload is gone with its end.
    assert sorted(p.name for p in tmp_path.glob("*.upload")) == ["recent.upload"]


def _gdelt_file(tag: str) -> bytes:
    # The same actors and places in every file: new to the database, each
    # import would create them.
    sample = sample_rows("gdelt")
    return render(
        "gdelt", [{**row, "GLOBALEVENTID": f"{tag}{n}"} for n, row in enumerate(sample)]
    ).encode()


def test_imports_wait_their_turn_and_may_be_cancelled_meanwhile(app, client):
    held = threading.Event()

    def another_import(release):
        with app.extensions["dateline_db"].connection_context():
            with import_runs.one_at_a_time():
                held.set()
                release.wait(30)

    with _meanwhile(another_import):
        assert held.wait(10)
        first, second, third = (
            _upload(client, _gdelt_file(tag), format="gdelt") for tag in "123"
        )
        time.sleep(0.3)
        # Waiting, and known to wait: not judged gone, however long it waits.
        assert [get_json(client, x)["status"] for x in (first, second, third)] == [
            "queued"
        ] * 3
        response = client.post(f"{second}/cancel")
        assert response.status_code == 202
        assert response.get_json()["status"] == "cancelled"

    jobs = [
        _until(client, x, lambda job: job["status"] not in ("queued", "running"))
        for x in (first, second, third)
    ]
    rows = len(sample_rows("gdelt"))
    assert [(j["status"], j["created"]) for j in jobs] == [
        ("succeeded", rows),
        ("cancelled", 0),
        ("succeeded", rows),
    ]
    # One after the other: the later found the places and actors the first made.
    assert jobs[2]["started_at"] >= jobs[0]["finished_at"]
    assert counts(app)["events"] == 2 * rows


# SQLite alone: PostgreSQL records a cancel at once (the test above).
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_queued_job_is_cancelled_while_sqlite_is_busy(make_app):
    app = make_app(DATELINE_SQLITE_BUSY_TIMEOUT_MS=100)
    database = app.extensions["dateline_db"]
    client = _admin_client(app)
    queued, uploaded, busy = threading.Event(), threading.Event(), threading.Event()

    def another_import(release):
        # As an import does: the imports' lock, then SQLite's one write lock.
        with database.connection_context(), import_runs.one_at_a_time():
            queued.set()
            uploaded.wait(10)
            with database.atomic():
                ImportJob.update(rows=0).where(ImportJob.id == 0).execute()
                busy.set()
                release.wait(30)

    with _meanwhile(another_import):
        assert queued.wait(10)
        location = _upload(client, _gdelt_file("9"), format="gdelt")
        uploaded.set()
        assert busy.wait(10)

        response = client.post(f"{location}/cancel")

        assert response.status_code == 202, response.get_json()
        assert response.get_json()["status"] == "cancelling"
        assert get_json(client, location)["status"] == "cancelling"
    job = _until(client, location, lambda job: job["status"] == "cancelled")
    assert job["created"] == 0
    assert counts(app)["events"] == 0
    # What the job left beside the database went with it: its lock last, as
    # the thread that ran it lets go, just after the job's end is recorded.
    folder = Path(database.database).parent
    deadline = time.monotonic() + 5
    while left := sorted(p.name for p in folder.iterdir() if ".import-" in p.name):
        assert time.monotonic() < deadline, left
        time.sleep(0.02)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_jobs_end_is_recorded_past_other_writers(make_app, monkeypatch):
    app = make_app(DATELINE_SQLITE_BUSY_TIMEOUT_MS=100, DATELINE_IMPORTS_INLINE=True)
    database = app.extensions["dateline_db"]
    client = _admin_client(app)
    imported = import_jobs.run_import
    writers = []

    def import_then_another_writer(*args, **kwargs):
        report = imported(*args, **kwargs)
        writing = threading.Event()

        def writer():
            with database.connection_context(), database.atomic():
                ImportJob.update(rows=0).where(ImportJob.id == 0).execute()
                writing.set()
                time.sleep(1.0)

        writers.append(threading.Thread(target=writer))
        writers[-1].start()
        assert writing.wait(5)
        return report

    monkeypatch.setattr(import_jobs, "run_import", import_then_another_writer)

    location = _upload(client, _gdelt_file("5"), format="gdelt")

    writers[0].join(10)
    job = get_json(client, location)
    assert (job["status"], job["created"]) == ("succeeded", len(sample_rows("gdelt")))

"""Import jobs over HTTP (inline and in a background thread), and the CLI command."""

import gzip
import io
import time
import zipfile

import pytest

from api import create_app
from tests.conftest import issue_key
from tests.services.ingest.conftest import (
    counts,
    events_by_source_id,
    get_json,
    render,
    sample_text,
    upload,
    with_changes,
)


def _finished(client, location, timeout=10.0):
    """The job once it has succeeded or failed; a few seconds at most."""
    deadline = time.monotonic() + timeout
    while True:
        job = get_json(client, location)
        if job["status"] in ("succeeded", "failed"):
            return job
        assert time.monotonic() < deadline, f"still {job['status']}: {job}"
        time.sleep(0.05)


def _bad_date():
    rows = with_changes("acled", "UGA7752", event_date="2022-02-30")
    return render("acled", rows).encode()


ACLED_IDS = ["BOL3216", "MZM2710", "UGA7752", "UGA7924", "YEM71929"]
INLINE = pytest.mark.parametrize("inline", [True, False], ids=["inline", "thread"])


def _job(client, response, inline):
    """The job an upload started, followed to its end when it runs in a thread."""
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    location = response.headers["Location"]
    assert location.endswith(f"/imports/{job['id']}")
    if inline:
        return job
    # The thread may have ended, either way, before the answer was sent.
    assert job["status"] in ("queued", "running", "succeeded", "failed")
    return _finished(client, location)


@INLINE
def test_import_job_succeeds(app, client, inline):
    app.config["DATELINE_IMPORTS_INLINE"] = inline
    content = sample_text("acled").encode()

    response = upload(client, "acled", content, filename="acled_2022.csv")

    job = _job(client, response, inline)
    assert job["status"] == "succeeded", job
    assert (job["rows"], job["created"], job["updated"], job["rejected"]) == (
        5,
        5,
        0,
        0,
    )
    assert job["report"] == {"errors": [], "committed": True}
    assert (job["format"], job["filename"], job["on_error"]) == (
        "acled",
        "acled_2022.csv",
        "abort",
    )
    assert job["created_by"] == "test-admin"
    assert job["started_at"] <= job["finished_at"]
    assert get_json(client, response.headers["Location"]) == job
    events = events_by_source_id(app, "acled")
    assert sorted(events) == ACLED_IDS
    assert events["MZM2710"].source_file == "acled_2022.csv"


@INLINE
def test_reimport_job_and_job_list(app, client, inline):
    app.config["DATELINE_IMPORTS_INLINE"] = inline
    content = sample_text("acled").encode()
    first = _job(client, upload(client, "acled", content), inline)

    again = _job(client, upload(client, "acled", content), inline)

    assert (again["status"], again["created"], again["unchanged"]) == (
        "succeeded",
        0,
        5,
    )
    jobs = get_json(client, "/imports/")
    assert [j["id"] for j in jobs] == [again["id"], first["id"]]
    assert len(events_by_source_id(app, "acled")) == 5


@INLINE
def test_bad_file_fails_the_job(app, client, inline):
    app.config["DATELINE_IMPORTS_INLINE"] = inline
    before = counts(app)

    response = upload(client, "acled", _bad_date())

    job = _job(client, response, inline)
    assert job["status"] == "failed"
    assert job["rejected"] == 1
    assert job["created"] == 0
    assert job["report"]["committed"] is False
    [error] = job["report"]["errors"]
    assert (error["line"], error["field"]) == (4, "event_date")
    assert "2022-02-30" in error["message"]
    assert counts(app) == before


def test_skip_keeps_the_good_rows(app, client, tmp_path):
    app.config["DATELINE_IMPORTS_INLINE"] = True
    app.config["DATELINE_IMPORT_DIR"] = str(tmp_path / "uploads")

    response = upload(client, "acled", _bad_date(), on_error="skip")

    assert response.status_code == 202
    job = response.get_json()
    assert job["status"] == "succeeded"
    assert (job["on_error"], job["created"], job["rejected"]) == ("skip", 4, 1)
    assert job["report"]["errors"][0]["line"] == 4
    assert len(events_by_source_id(app, "acled")) == 4
    # The upload is removed once imported.
    assert list((tmp_path / "uploads").iterdir()) == []


def test_gdelt_and_ucdp_uploads(app, client):
    app.config["DATELINE_IMPORTS_INLINE"] = True

    for format_name, rows in (("ucdp-ged", 5), ("gdelt", 8)):
        response = upload(client, format_name, sample_text(format_name).encode())
        assert response.status_code == 202
        job = response.get_json()
        assert (job["status"], job["created"]) == ("succeeded", rows), job


def test_upload_errors(app, client):
    app.config["DATELINE_IMPORTS_INLINE"] = True
    content = sample_text("acled").encode()

    response = upload(client, "acled-v2", content)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "format" in response.get_json()["errors"]["multipart"]

    response = upload(client, "acled", None)
    assert response.status_code == 422
    assert "file" in response.get_json()["errors"]["multipart"]

    response = upload(client, "acled", content, on_error="ignore")
    assert response.status_code == 422
    assert "on_error" in response.get_json()["errors"]["multipart"]

    response = client.post("/imports/", data={"file": (io.BytesIO(content), "a.csv")})
    assert response.status_code == 422
    assert "format" in response.get_json()["errors"]["multipart"]

    assert get_json(client, "/imports/") == []
    assert counts(app)["events"] == 0


def test_imports_need_the_write_scope(app, anonymous):
    app.config["DATELINE_IMPORTS_INLINE"] = True
    content = sample_text("acled").encode()

    response = upload(anonymous, "acled", content)
    assert response.status_code == 401

    reader = app.test_client()
    key = issue_key(app, "reader", ["read"])
    reader.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert upload(reader, "acled", content).status_code == 403
    assert counts(app)["events"] == 0


def test_unknown_job_is_404(client):
    response = client.get("/imports/999")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_cli_imports_a_file(app, export_file):
    runner = app.test_cli_runner()

    result = runner.invoke(args=["import-events", "acled", str(export_file("acled"))])

    assert result.exit_code == 0, result.output
    assert "5 rows: 5 created, 0 updated, 0 unchanged, 0 rejected." in result.output
    assert len(events_by_source_id(app, "acled")) == 5

    result = runner.invoke(args=["import-events", "acled", str(export_file("acled"))])
    assert result.exit_code == 0, result.output
    assert "5 rows: 0 created, 0 updated, 5 unchanged, 0 rejected." in result.output


def test_cli_reports_bad_rows(app, export_file):
    runner = app.test_cli_runner()
    path = export_file("acled", content=_bad_date())

    result = runner.invoke(args=["import-events", "acled", str(path)])

    assert result.exit_code != 0
    assert "line 4, event_date" in result.output
    assert "2022-02-30" in result.output
    assert counts(app)["events"] == 0

    result = runner.invoke(
        args=["import-events", "acled", str(path), "--on-error", "skip"]
    )
    assert result.exit_code == 0, result.output
    assert "4 created" in result.output and "1 rejected" in result.output
    assert "line 4, event_date" in result.output
    assert len(events_by_source_id(app, "acled")) == 4


def test_cli_refuses_unknown_formats_and_paths(app, export_file, tmp_path):
    runner = app.test_cli_runner()

    result = runner.invoke(args=["import-events", "csv", str(export_file("acled"))])
    assert result.exit_code == 2
    assert "acled" in result.output

    result = runner.invoke(args=["import-events", "acled", str(tmp_path / "none")])
    assert result.exit_code == 2


def _zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_compressed_uploads_import_as_the_plain_file(app, client):
    # As the datasets publish them: GDELT's .export.CSV.zip, a gzipped ACLED.
    app.config["DATELINE_IMPORTS_INLINE"] = True
    gdelt = sample_text("gdelt").encode()
    acled = sample_text("acled").encode()

    zipped = upload(
        client,
        "gdelt",
        _zipped({"20200309000000.export.CSV": gdelt}),
        filename="20200309000000.export.CSV.zip",
    ).get_json()
    gzipped = upload(
        client, "acled", gzip.compress(acled), filename="acled.csv.gz"
    ).get_json()

    assert (zipped["status"], zipped["created"]) == ("succeeded", 8), zipped
    assert (gzipped["status"], gzipped["created"]) == ("succeeded", 5), gzipped
    plain = upload(client, "acled", acled).get_json()
    assert (plain["created"], plain["unchanged"]) == (0, 5)


def _half(content: bytes) -> bytes:
    return content[: len(content) // 2]


@pytest.mark.parametrize(
    "content, message",
    [
        pytest.param(
            lambda: _zipped({"a.csv": b"x", "b.csv": b"y"}),
            "must hold one data file",
            id="zip-of-two",
        ),
        pytest.param(
            lambda: _half(gzip.compress(sample_text("acled").encode())),
            "cannot be read to its end",
            id="truncated-gzip",
        ),
        pytest.param(
            lambda: _half(_zipped({"a.csv": sample_text("acled").encode()})),
            "archive",
            id="truncated-zip",
        ),
    ],
)
def test_damaged_archives_are_refused_and_write_nothing(app, client, content, message):
    app.config["DATELINE_IMPORTS_INLINE"] = True
    before = counts(app)

    job = upload(client, "acled", content()).get_json()

    assert job["status"] == "failed", job
    [error] = job["report"]["errors"]
    assert error["field"] == "_file"
    assert message in error["message"]
    assert counts(app) == before


def test_cli_imports_a_zipped_file(app, export_file):
    runner = app.test_cli_runner()
    content = _zipped({"acled.csv": sample_text("acled").encode()})
    path = export_file("acled", content=content, name="acled.zip")

    result = runner.invoke(args=["import-events", "acled", str(path)])

    assert result.exit_code == 0, result.output
    assert "5 rows: 5 created" in result.output


def test_cli_says_what_the_database_refused(tmp_path, export_file):
    # A database with no tables: what no check of the importers foresees.
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/empty.db"}
    )
    path = export_file("acled")

    result = app.test_cli_runner().invoke(args=["import-events", "acled", str(path)])

    assert result.exit_code == 1
    assert "The database refused the import (nothing was written)" in result.output
    assert "no such table" in result.output
    assert "Traceback" not in result.output

"""A client generated from the committed openapi.yaml (openapi-python-client),
driving the app as an integrator would: records made with its models, read
back through its parsers, errors read as its Problem.

The document alone decides what such a client sends and how it reads each
answer, so this catches what comparing the document with the code cannot:
a GeoJSON schema taken for every JSON list, a default sent on every PATCH,
page=1 sent beside a cursor, an open read typed as needing a key.
"""

import datetime
import importlib
import inspect
import io
import subprocess
import sys
from pathlib import Path

import pytest

import httpx

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "dateline_client"


# No post hooks: formatting the package is the integrator's business, not the
# test's. Nothing else: the chart, image/png (which the generator does not
# read), is also offered as application/octet-stream, which it reads as a file.
GENERATOR_CONFIG = """\
post_hooks: []
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated package, imported from a folder of its own."""
    folder = tmp_path_factory.mktemp("client")
    config = folder / "config.yaml"
    config.write_text(GENERATOR_CONFIG)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(ROOT / "openapi.yaml"),
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert (folder / PACKAGE / "client.py").exists(), output
    # A warning is an operation or a response left out of the client.
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(folder))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture
def dateline(generated, app, api_key):
    client = generated("client").AuthenticatedClient(
        base_url="http://dateline.test",
        token=api_key,
        httpx_args={"transport": httpx.WSGITransport(app=app)},
        raise_on_unexpected_status=True,
    )
    with client as opened:
        yield opened


@pytest.fixture
def keyless(generated, app):
    """A client without a key, as a reader of the open records has."""
    client = generated("client").Client(
        base_url="http://dateline.test",
        httpx_args={"transport": httpx.WSGITransport(app=app)},
        raise_on_unexpected_status=True,
    )
    with client as opened:
        yield opened


def _call(generated, operation: str, client, **arguments):
    return generated(f"api.{operation}").sync_detailed(client=client, **arguments)


def test_a_generated_client_writes_and_reads_every_record(generated, dateline):
    m = generated("models")

    def call(operation, **arguments):
        return _call(generated, operation, dateline, **arguments)

    syria = call(
        "locations.create_location",
        body=m.LocationWrite(
            name="Syria", kind=m.LocationWriteKind("country"), country="SYR"
        ),
    ).parsed
    idlib = call(
        "locations.create_location",
        body=m.LocationWrite(
            name="Idlib",
            kind=m.LocationWriteKind("city"),
            country="SYR",
            parent_id=syria.id,
            latitude=35.9306,
            longitude=36.6339,
        ),
    ).parsed
    erdogan = call(
        "actors.create_actor",
        body=m.ActorWrite(
            name="Recep Tayyip Erdoğan",
            kind=m.ActorWriteKind("person"),
            country="TUR",
            aliases=["Erdogan"],
        ),
    ).parsed
    article = call(
        "articles.create_article",
        body=m.ArticleWrite(
            url="https://example.org/idlib-ceasefire",
            title="Ceasefire in Idlib",
            published_at=datetime.datetime(2020, 3, 9, 12, tzinfo=datetime.UTC),
            language="en",
        ),
    ).parsed
    assert (syria.country, idlib.parent_id, erdogan.aliases) == (
        "SYR",
        syria.id,
        ["Erdogan"],
    )

    created = call(
        "events.create_event",
        body=m.EventWrite(
            event_code="190",
            date_start=datetime.date(2020, 2, 1),
            date_precision=m.EventWriteDatePrecision("month"),
            summary="Offensive in Idlib",
            location_id=idlib.id,
            fatalities=33,
            actors=[
                m.EventActorWrite(
                    actor_id=erdogan.id, role=m.EventActorWriteRole("initiator")
                )
            ],
            sources=[m.EventSourceWrite(article_id=article.id, quote="33 killed")],
        ),
    )
    assert created.status_code == 201
    event = created.parsed
    assert event.date_end == datetime.date(2020, 2, 29)
    assert [(a.actor_id, a.role.value) for a in event.actors] == [
        (erdogan.id, "initiator")
    ]

    # A PATCH of the summary leaves the month precision as it was.
    read = call("events.get_event", event_id=event.id)
    patched = call(
        "events.update_event",
        event_id=event.id,
        body=m.EventPatch(summary="Offensive in Idlib, 33 killed"),
        if_match=read.headers["ETag"],
    ).parsed
    assert (patched.summary, patched.date_precision.value, patched.fatalities) == (
        "Offensive in Idlib, 33 killed",
        "month",
        33,
    )
    stale = call(
        "events.update_event",
        event_id=event.id,
        body=m.EventPatch(fatalities=34),
        if_match=read.headers["ETag"],
    )
    assert stale.status_code == 412
    assert isinstance(stale.parsed, m.Problem)

    # Lists parse as lists of records, the record's own lists too.
    listed = call(
        "events.list_events",
        country=["SYR"],
        q="offensive",
        include=[m.ListEventsIncludeItem("location")],
    ).parsed
    assert [(e.id, e.location.name) for e in listed] == [(event.id, "Idlib")]
    assert [e.id for e in call("locations.list_locations").parsed] == [
        syria.id,
        idlib.id,
    ]
    for operation, key, record in (
        ("actors.list_actor_events", "actor_id", erdogan),
        ("locations.list_location_events", "location_id", syria),
        ("articles.list_article_events", "article_id", article),
    ):
        assert [e.id for e in call(operation, **{key: record.id}).parsed] == [event.id]
    history = call("events.list_event_history", event_id=event.id).parsed
    assert [r.action for r in history] == ["create", "update"]
    changes = call("changes.list_changes").parsed
    assert ("event", event.id) in {(c.record_type, c.record_id) for c in changes}

    # A bad body is a 422 whose Problem names the field.
    refused = call(
        "events.create_event",
        body=m.EventWrite(event_code="999", date_start=datetime.date(2020, 3, 5)),
    )
    assert refused.status_code == 422
    assert "event_code" in refused.parsed.errors.to_dict()["json"]

    deleted = call(
        "events.delete_event",
        event_id=event.id,
        if_match=call("events.get_event", event_id=event.id).headers["ETag"],
    )
    assert deleted.status_code == 204
    assert call("events.get_event", event_id=event.id).status_code in (404, 410)


def test_a_generated_client_sends_a_batch_twice_and_ends_with_one_event(
    generated, dateline
):
    m = generated("models")
    batch = m.Batch(
        events=[
            m.BatchEvent(
                event_code="0861",
                date_start=datetime.date(2020, 3, 5),
                source="acled",
                source_id="SYR100001",
                actors=[
                    m.BatchActorLink(
                        role=m.BatchActorLinkRole("initiator"),
                        actor=m.ActorSpec(name="Vladimir Putin", country="RUS"),
                    )
                ],
                sources=[
                    m.BatchSourceLink(
                        article=m.ArticleSpec(url="https://example.org/moscow-talks"),
                        quote="agreed a ceasefire",
                    )
                ],
            )
        ]
    )
    first = _call(generated, "batches.create_event_batch", dateline, body=batch)
    again = _call(generated, "batches.create_event_batch", dateline, body=batch)
    assert (first.parsed.created, again.parsed.unchanged) == (1, 1)
    assert first.parsed.ids == again.parsed.ids
    found = _call(generated, "events.list_events", dateline, source=["acled"]).parsed
    assert [e.source_id for e in found] == ["SYR100001"]


def test_a_generated_client_uploads_a_file_and_follows_its_job(
    generated, dateline, app, tmp_path
):
    app.config["DATELINE_IMPORTS_INLINE"] = True
    app.config["DATELINE_IMPORT_DIR"] = str(tmp_path)
    m = generated("models")
    sample = ROOT / "tests/services/ingest/fixtures/acled_2022_sample.csv"
    upload = m.ImportUpload(
        format_=m.ImportUploadFormat("acled"),
        file=generated("types").File(
            payload=io.BytesIO(sample.read_bytes()), file_name="acled_2022.csv"
        ),
    )
    accepted = _call(generated, "imports.create_import", dateline, body=upload)
    assert accepted.status_code == 202
    job = _call(
        generated, "imports.get_import", dateline, import_id=accepted.parsed.id
    ).parsed
    assert (job.status.value, job.format_.value, job.rows, job.created) == (
        "succeeded",
        "acled",
        5,
        5,
    )
    assert job.report.committed is True


def _client_types(generated, operation: str) -> set[str]:
    function = generated(f"api.{operation}").sync_detailed
    annotation = inspect.signature(function).parameters["client"].annotation
    return {t.__name__ for t in getattr(annotation, "__args__", (annotation,))}


def test_a_generated_client_reads_without_a_key_and_scans_to_the_end(
    generated, dateline, keyless
):
    m = generated("models")
    # Open reads take a plain Client; writes and the keyed reads need a key.
    assert _client_types(generated, "events.list_events") == {
        "AuthenticatedClient",
        "Client",
    }
    for operation in ("events.create_event", "changes.list_changes"):
        assert _client_types(generated, operation) == {"AuthenticatedClient"}

    # An authenticated write, as an integrator's importer makes them.
    idlib = _call(
        generated,
        "locations.create_location",
        dateline,
        body=m.LocationWrite(
            name="Idlib",
            kind=m.LocationWriteKind("city"),
            country="SYR",
            latitude=35.9306,
            longitude=36.6339,
        ),
    ).parsed
    written = []
    for day in range(1, 6):
        created = _call(
            generated,
            "events.create_event",
            dateline,
            body=m.EventWrite(
                event_code="0871" if day % 2 else "190",
                date_start=datetime.date(2020, 3, day),
                summary=f"Day {day} in Idlib.",
                location_id=idlib.id,
            ),
        )
        assert created.status_code == 201
        written.append(created.parsed.id)

    # A filtered query, without a key.
    ceasefires = _call(
        generated, "events.list_events", keyless, event_code=["087"], q="idlib"
    )
    assert ceasefires.status_code == 200
    assert sorted(e.id for e in ceasefires.parsed) == written[0::2]
    assert all(e.event_code == "0871" for e in ceasefires.parsed)

    # A cursor scan to the end, following X-Next-Cursor: nothing sent but
    # what the caller set, so no page number spoils the scan.
    cursor, scanned = "", []
    while cursor is not None:
        page = _call(
            generated,
            "events.list_events",
            keyless,
            cursor=cursor,
            page_size=2,
            sort="id",
        )
        assert page.status_code == 200, page.content
        assert len(page.parsed) <= 2
        scanned += [e.id for e in page.parsed]
        cursor = page.headers.get("X-Next-Cursor")
    assert scanned == written

    one = _call(generated, "events.get_event", keyless, event_id=written[0])
    assert (one.status_code, one.parsed.summary) == (200, "Day 1 in Idlib.")
    chart = _call(generated, "event_statistics.get_event_stats_chart", keyless)
    assert chart.status_code == 200
    assert chart.headers["Content-Type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG")

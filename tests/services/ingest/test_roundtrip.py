"""Dateline's event CSV imports again (format `dateline`) without loss."""

import csv
import io

import pytest

from api.http.export.event_columns import EVENTS
from api.services.ingest.formats import dateline
from tests.conftest import issue_key
from tests.services.ingest.conftest import MAARAT_AL_NUMAN, counts, run_import

# Each instance's own: everything else must come back as it left.
INSTANCE_COLUMNS = (
    "id",
    "location_id",
    "actor_ids",
    "source_file",
    "source_imported_at",
    "created_at",
    "updated_at",
)
SUMMARY = (
    'Russia and Turkey agree a "ceasefire", from midnight; Erdoğan\\Putin\r\n'
    "meet in Moscow — وقف إطلاق النار.\n"
)


@pytest.fixture
def origin(client, make_location, make_actor, make_article, make_event):
    """Events entered here and from datasets, in a hierarchy, with awkward text."""
    make_actor(name="Nobody", kind="other")  # ids here differ from the copy's
    region = make_location(
        name="Middle East", kind="region", country=None, latitude=None, longitude=None
    )
    syria = make_location(
        name="Syria", kind="country", latitude=35, longitude=38, parent_id=region["id"]
    )
    province = make_location(
        name="Idlib Governorate",
        kind="admin1",
        latitude=35.75,
        longitude=36.75,
        parent_id=syria["id"],
    )
    city = make_location(name='Idlib, "the city"', parent_id=province["id"])
    site = make_location(
        name="Sarāqib; سراقب \\ east",
        kind="site",
        latitude=35.8644,
        longitude=36.8058,
        parent_id=province["id"],
    )
    route = make_location(
        name="M4; highway", kind="route", latitude=None, longitude=None
    )
    erdogan = make_actor(aliases=["Erdogan", "Tayyip; Erdoğan"])
    putin = make_actor(name="Vladimir Putin", country="RUS")
    army = make_actor(name="Syrian Arab Army [SAA]", kind="military", country="SYR")
    rebels = make_actor(
        name='Hay\'at Tahrir al-Sham; "HTS" \\ rebels',
        kind="armed_group",
        country=None,
    )
    joint = make_article(title="Ceasefire, at last")
    wire = make_article()
    odd = make_article(url="https://news.example.org/idlib;report?a=1,2&b=\\")
    make_event(
        event_code="0871",
        summary=SUMMARY,
        date_start="2020-03-05",
        location_id=city["id"],
        geo_precision="near",
        fatalities=0,
        actors=[
            {"actor_id": erdogan["id"], "role": "initiator"},
            {"actor_id": putin["id"], "role": "initiator"},
        ],
        sources=[
            {"article_id": joint["id"], "quote": "A joint document; adopted.\n\\o/"},
            {"article_id": wire["id"], "quote": None},
            {"article_id": odd["id"], "quote": "  spaced, kept  "},
        ],
    )
    make_event(
        event_code="190",
        date_start="2019-12-01",
        date_precision="month",
        location_id=route["id"],
        actors=[
            {"actor_id": putin["id"], "role": "target"},
            {"actor_id": rebels["id"], "role": "participant"},
        ],
    )
    make_event(event_code="195", date_start="2020-02-27", fatalities=34)
    # Syria and the region were written as parents first; their points must
    # come back all the same.
    make_event(event_code="0861", date_start="2020-01-03", location_id=syria["id"])
    make_event(
        event_code="057",
        date_start="2020-01-01",
        date_precision="year",
        location_id=region["id"],
        geo_precision="region",
    )
    make_event(
        event_code="190",
        date_start="2020-02-25",
        location_id=site["id"],
        actors=[
            {"actor_id": army["id"], "role": "initiator"},
            {"actor_id": rebels["id"], "role": "target"},
            {"actor_id": army["id"], "role": "supporter"},
        ],
        sources=[{"article_id": odd["id"], "quote": "Shelling; again."}],
    )
    batch = [
        {
            "source": "ucdp-ged",
            "source_id": "331; 7",
            "event_code": "190",
            "summary": "Syrian government: Idlib",
            "date_start": "2020-02-01",
            "date_end": "2020-02-07",
            "date_precision": "week",
            "geo_precision": "admin1",
            "fatalities": 10,
            "fatalities_low": 8,
            "fatalities_high": 15,
            "location_id": province["id"],
            "actors": [
                {"actor_id": army["id"], "role": "initiator"},
                {
                    "role": "affected",
                    "actor": {
                        "name": "Civilians (Syria)",
                        "kind": "civilians",
                        "country": "SYR",
                        "source": "ucdp-ged",
                        "source_id": "actor:1",
                    },
                },
            ],
            "sources": [
                {
                    "article": {"url": "https://ucdp.example.org/ged/331?x=1;y=2"},
                    "quote": "8–15 killed",
                }
            ],
        },
        {
            "source": "acled",
            "source_id": "SYR100001",
            "source_attributes": {
                "event_type": "Explosions/Remote violence",
                "notes": 'Strikes; "two" \\ raids,\r\nat dawn.',
                "inter1": 1,
            },
            "event_code": "195",
            "summary": "Air strikes on Maarat al-Numan.",
            "date_start": "2020-02-27",
            "geo_precision": "exact",
            "fatalities": 4,
            "location": {
                **MAARAT_AL_NUMAN,
                "parent": {
                    "name": "Idlib Governorate",
                    "kind": "admin1",
                    "country": "SYR",
                    "parent": {"name": "Syria", "kind": "country", "country": "SYR"},
                },
            },
            "actors": [{"actor_id": army["id"], "role": "initiator"}],
            "sources": [{"article_id": wire["id"], "quote": "Four killed."}],
        },
    ]
    response = client.post("/events/batch", json={"events": batch})
    assert response.status_code == 200, response.get_json()


def _export(client) -> bytes:
    response = client.get("/events/?format=csv")
    assert response.status_code == 200, response.get_json()
    return response.get_data()


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def _comparable(content: bytes) -> dict[tuple, dict]:
    """The exported rows by identity, without what each instance has of its own."""
    rows = {}
    for row in _rows(content):
        for name in INSTANCE_COLUMNS:
            del row[name]
        rows[(row["source"], row["source_id"])] = row
    return rows


def _client(app):
    client = app.test_client()
    key = issue_key(app, "copy-admin", ["admin"])
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def _upload(client, content: bytes) -> dict:
    data = {"format": "dateline", "file": (io.BytesIO(content), "events.csv")}
    response = client.post("/imports/", data=data, content_type="multipart/form-data")
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def _second_database(db_url, tmp_path) -> str:
    # PostgreSQL's is the same schema, emptied by make_app: the origin is gone.
    return f"sqlite:///{tmp_path}/copy.db" if db_url.startswith("sqlite") else db_url


def test_the_importer_reads_what_the_export_writes():
    assert set(dateline.COLUMNS) <= set(EVENTS.csv_header)
    assert not set(INSTANCE_COLUMNS) & set(dateline.COLUMNS)


def test_round_trip_into_an_empty_database(origin, client, make_app, db_url, tmp_path):
    exported = _export(client)
    expected = _comparable(exported)
    assert len(expected) == 8
    native = [key for key in expected if key[0] == "dateline"]
    assert len(native) == 6 and all("@" in source_id for _, source_id in native)

    copy = make_app(
        DATABASE_URL=_second_database(db_url, tmp_path),
        DATELINE_IMPORTS_INLINE=True,
    )
    copy_client = _client(copy)
    assert counts(copy)["events"] == 0
    job = _upload(copy_client, exported)

    assert job["status"] == "succeeded", job["report"]
    assert (job["created"], job["updated"], job["rejected"]) == (8, 0, 0)
    copied = _export(copy_client)
    assert len(_rows(copied)) == len(expected)
    assert _comparable(copied) == expected
    # The ids are the copy's own: the file's were not used as references.
    assert [r["actor_ids"] for r in _rows(copied)] != [
        r["actor_ids"] for r in _rows(exported)
    ]

    # The same file again, read by a second process, and the copy's own
    # export (other ids, same records): nothing changes.
    path = tmp_path / "events.csv"
    path.write_bytes(exported)
    before = counts(copy)
    again = run_import(copy, "dateline", path, parallel=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    path.write_bytes(copied)
    result = copy.test_cli_runner().invoke(
        args=["import-events", "dateline", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert "8 rows: 0 created, 0 updated, 8 unchanged, 0 rejected." in result.output
    assert counts(copy) == before
    assert _comparable(_export(copy_client)) == expected


def test_reimport_into_the_origin_matches_what_it_can(origin, app, client, tmp_path):
    """Places, actors, articles and events from datasets find themselves."""
    exported = _export(client)
    path = tmp_path / "events.csv"
    path.write_bytes(exported)
    before = counts(app)

    first = run_import(app, "dateline", path)
    assert first.committed and first.rejected == 0
    after = counts(app)
    for table in ("locations", "actors", "articles"):
        assert after[table] == before[table], table
    sourced = {k: r for k, r in _comparable(exported).items() if k[0] != "dateline"}
    now = _comparable(_export(client))
    assert {key: now[key] for key in sourced} == sourced

    again = run_import(app, "dateline", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert counts(app) == after


def test_events_entered_here_match_themselves(origin, app, client, tmp_path):
    """An event entered here is found by its exported identity, and stays native."""
    exported = _export(client)
    path = tmp_path / "events.csv"
    path.write_bytes(exported)
    before = counts(app)

    report = run_import(app, "dateline", path)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 8)
    assert counts(app) == before
    assert _export(client) == exported

    rows = _rows(exported)
    truce = next(r for r in rows if r["event_code"] == "0871")
    assert truce["source"] == "dateline"
    truce["fatalities"] = "2"
    content, _ = _render(rows)
    path.write_bytes(content)

    report = run_import(app, "dateline", path)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 7)
    event = client.get(f"/events/{truce['id']}").get_json()
    assert (event["fatalities"], event["source"], event["source_id"]) == (2, None, None)
    history = client.get(f"/events/{truce['id']}/history").get_json()
    changes = history[-1]["changes"]
    assert changes.pop("updated_at") and changes == {"fatalities": [0, 2]}
    again = {r["id"]: r for r in _rows(_export(client))}[truce["id"]]
    assert (again["source"], again["source_id"]) == ("dateline", truce["source_id"])


def _render(rows: list[dict]) -> tuple[bytes, list[int]]:
    """The rows as an export has them, and the line each starts on."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    lines = []
    for row in rows:
        lines.append(out.getvalue().count("\n") + 1)
        writer.writerow(row)
    return out.getvalue().encode(), lines


BAD_CELLS = [
    ("date_start", {"date_start": "2020-02-30"}),
    ("roles", {"roles": "boss; initiator"}),
    ("actor_kinds", {"actor_kinds": "person"}),
    (
        "actors",
        {"actors": "Recep Tayyip Erdoğan (initiator); Vladimir Putin [initiator]"},
    ),
    ("location_kind", {"location_kind": "planet"}),
    ("latitude", {"latitude": "north"}),
    ("location_parent_latitudes", {"location_parent_latitudes": "91; 35.0; "}),
    ("location_parent_kinds", {"location_parent_kinds": "admin1"}),
    ("event_code", {"event_code": "9999"}),
    ("sources", {"sources": "ftp://example.org/x"}),
    ("source", {"source": ""}),
    ("fatalities", {"fatalities": "-1"}),
    ("country", {"country": "Atlantis"}),
    ("source_attributes", {"source_attributes": "[1, 2]"}),
    ("source_attributes", {"source_attributes": "{not json"}),
]


def test_bad_rows_are_reported_by_line_and_field(origin, app, client, tmp_path):
    rows = _rows(_export(client))
    city = next(r for r in rows if r["location_name"].startswith("Idlib,"))
    good = [r for r in rows if r is not city]
    bad = [{**city, **cells} for _, cells in BAD_CELLS]
    content, lines = _render([*good, *bad])
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = counts(app)

    report = run_import(app, "dateline", path)

    assert not report.committed
    assert (report.rows, report.rejected) == (len(good) + len(bad), len(bad))
    found = [(error["line"], error["field"]) for error in report.errors]
    assert found == [
        (line, name)
        for line, (name, _) in zip(lines[len(good) :], BAD_CELLS, strict=True)
    ]
    messages = {error["field"]: error["message"] for error in report.errors}
    assert "2020-02-30" in messages["date_start"]
    assert messages["actor_kinds"] == "Expected one value per actor (2), found 1."
    assert counts(app) == before


def test_a_file_that_is_not_an_event_export(app, tmp_path):
    path = tmp_path / "actors.csv"
    path.write_text("id,name,kind\r\n1,Vladimir Putin,person\r\n", encoding="utf-8")

    report = run_import(app, "dateline", path)

    assert not report.committed
    assert [(e["line"], e["field"]) for e in report.errors] == [(1, "_header")]
    assert "no column source, source_id" in report.errors[0]["message"]

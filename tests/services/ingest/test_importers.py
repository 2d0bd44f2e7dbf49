"""Dataset files in, events out: the three formats, re-imports and bad rows."""

from datetime import date

import pytest

from api.models import Event
from api.services import bulk_sql
from api.services.ingest import reading as import_reading
from api.services.ingest import records as ingest_records
from tests.services.ingest.conftest import (
    GDELT_COLUMNS,
    ID_COLUMNS,
    counts,
    events_by_source_id,
    get_json,
    render,
    run_import,
    sample_rows,
    sample_text,
    with_changes,
)


def _event(client, event_id):
    return get_json(client, f"/events/{event_id}?include=actors&include=location")


def _links(event):
    return {(link["actor"]["name"], link["role"]) for link in event["actors"]}


def _chain(event):
    place = event["location"]
    return [(place["name"], place["kind"], place["country"])] + [
        (a["name"], a["kind"], a["country"]) for a in place["ancestors"]
    ]


@pytest.fixture
def imported(app, export_file):
    """Import a format's sample file; its events by source id."""

    def run(format_name):
        report = run_import(app, format_name, export_file(format_name))
        assert report.committed is True
        assert report.rejected == 0, report.errors
        assert report.created == report.rows == len(sample_rows(format_name))
        return events_by_source_id(app, format_name)

    return run


def test_acled_codes_dates_and_deaths(imported):
    events = imported("acled")

    assert sorted(events) == ["BOL3216", "MZM2710", "UGA7752", "UGA7924", "YEM71929"]
    codes = {source_id: e.event_code for source_id, e in events.items()}
    assert codes["MZM2710"] == "190"  # Battles / Armed clash
    assert codes["BOL3216"] == "141"  # Protests / Peaceful protest
    assert codes["UGA7752"] == "145"  # Riots / Mob violence
    assert codes["UGA7924"] == "180"  # Violence against civilians / Attack
    dates = {
        source_id: (e.date_precision, e.date_start, e.date_end)
        for source_id, e in events.items()
    }
    assert dates["UGA7752"] == ("day", date(2022, 2, 23), date(2022, 2, 23))
    # Time precision 2: the week from the date given.
    assert dates["MZM2710"] == ("week", date(2022, 4, 27), date(2022, 5, 3))
    # Time precision 3: the month, from its first day.
    assert dates["UGA7924"] == ("month", date(2022, 3, 1), date(2022, 3, 31))
    deaths = {source_id: e.fatalities for source_id, e in events.items()}
    assert deaths == {
        "MZM2710": 3,
        "BOL3216": 0,
        "UGA7752": 1,
        "UGA7924": 0,
        "YEM71929": 0,
    }
    assert events["MZM2710"].geo_precision == "exact"
    assert events["UGA7752"].summary.startswith("On 23 February 2022, a group of")


def test_acled_actors(app, client, imported):
    events = imported("acled")

    clash = _event(client, events["MZM2710"].id)
    assert _links(clash) == {
        ("Military Forces of Mozambique (1990-)", "initiator"),
        ("Military Forces of Rwanda (1994-)", "supporter"),
        ("Islamist Militia (Mozambique)", "target"),
    }
    attack = _event(client, events["UGA7924"].id)
    assert _links(attack) == {
        ("Karamajong Ethnic Militia (Uganda)", "initiator"),
        ("Pastoralists (Uganda)", "supporter"),
        ("Civilians (Uganda)", "target"),
        ("Labour Group (Uganda)", "affected"),
    }
    riot = _event(client, events["UGA7752"].id)
    actors = {link["actor"]["name"]: link["actor"] for link in riot["actors"]}
    assert actors["Rioters (Uganda)"]["country"] == "UGA"
    assert actors["Civilians (Uganda)"]["kind"] == "civilians"
    # Actors recur across rows ("Civilians (Uganda)"): one record each.
    assert counts(app)["actors"] == 12


def test_acled_places(client, imported):
    events = imported("acled")

    riot = _event(client, events["UGA7752"].id)
    # iso 800 is Uganda; the place has its own coordinates.
    assert _chain(riot) == [
        ("Minakulu", "city", "UGA"),
        ("Oyam", "admin3", "UGA"),
        ("Oyam", "admin2", "UGA"),
        ("Northern", "admin1", "UGA"),
        ("Uganda", "country", "UGA"),
    ]
    assert (riot["location"]["latitude"], riot["location"]["longitude"]) == (
        2.44,
        32.3894,
    )
    # Both Ugandan events hang under one Northern region of one Uganda.
    attack = _event(client, events["UGA7924"].id)
    assert attack["location"]["ancestors"][-2:] == riot["location"]["ancestors"][-2:]
    clash = _event(client, events["MZM2710"].id)
    assert _chain(clash)[0] == ("Quinto Congresso", "city", "MOZ")
    assert _chain(clash)[-2:] == [
        ("Cabo Delgado", "admin1", "MOZ"),
        ("Mozambique", "country", "MOZ"),
    ]
    assert (clash["location"]["latitude"], clash["location"]["longitude"]) == (
        -12.0215,
        40.1463,
    )
    # No admin2 or admin3: the place sits right under its admin1.
    sanaa = _event(client, events["YEM71929"].id)
    assert _chain(sanaa) == [
        ("Sanaa", "city", "YEM"),
        ("Amanat al Asimah", "admin1", "YEM"),
        ("Yemen", "country", "YEM"),
    ]


def test_acled_spellings_of_newer_and_hand_made_exports(app, client, export_file):
    # Newer exports name the inter codes; Kosovo has iso 0 and only its name;
    # a file typed on an ASCII keyboard drops the accent of Cote d'Ivoire.
    rows = with_changes("acled", "UGA7752", inter1="Rioters", inter2="Civilians")
    rows = with_changes(
        "acled", "MZM2710", rows, inter1="State forces", inter2="Rebel group"
    )
    rows = with_changes(
        "acled",
        "YEM71929",
        rows,
        iso="0",
        country="Kosovo",
        sub_event_type="Excessive force against protestors",
        event_type="Protests",
    )
    rows = with_changes("acled", "BOL3216", rows, iso="", country="Cote d'Ivoire")

    report = run_import(app, "acled", export_file("acled", rows))

    assert (report.rejected, report.created) == (0, 5), report.errors
    events = events_by_source_id(app, "acled")
    clash = _event(client, events["MZM2710"].id)
    kinds = {link["actor"]["name"]: link["actor"]["kind"] for link in clash["actors"]}
    assert kinds["Military Forces of Mozambique (1990-)"] == "military"
    assert kinds["Islamist Militia (Mozambique)"] == "armed_group"
    riot = _event(client, events["UGA7752"].id)
    kinds = {link["actor"]["name"]: link["actor"]["kind"] for link in riot["actors"]}
    assert kinds["Rioters (Uganda)"] == "protesters"
    assert kinds["Civilians (Uganda)"] == "civilians"
    assert _chain(_event(client, events["YEM71929"].id))[-1][2] == "XKX"
    assert events["YEM71929"].event_code == "175"
    assert _chain(_event(client, events["BOL3216"].id))[-1][2] == "CIV"


def test_acled_rows_kept_whole(imported):
    events = imported("acled")

    rows = {row["event_id_cnty"]: row for row in sample_rows("acled")}
    for source_id, event in events.items():
        assert event.source_attributes == rows[source_id]
        assert event.source_file == "acled_2022_sample.csv"
    assert events["BOL3216"].source_attributes["disorder_type"] == "Demostrations"


def test_provenance_is_served_and_filtered(client, imported, make_event):
    events = imported("acled")
    native = make_event()
    rows = {row["event_id_cnty"]: row for row in sample_rows("acled")}

    record = get_json(client, f"/events/{events['BOL3216'].id}")
    assert (record["source"], record["source_id"]) == ("acled", "BOL3216")
    assert record["source_file"] == "acled_2022_sample.csv"
    assert record["source_imported_at"].endswith("+00:00")
    assert record["source_attributes"] == rows["BOL3216"]

    page = get_json(client, "/events/?source=acled&page_size=100")
    assert {e["source_id"] for e in page} == set(rows)
    page = get_json(client, "/events/?source=none")
    assert [(e["id"], e["source"], e["source_file"]) for e in page] == [
        (native["id"], None, None)
    ]
    page = get_json(client, "/events/?source=acled&source_id=BOL3216")
    assert [e["id"] for e in page] == [events["BOL3216"].id]
    lines = client.get("/events/?source=acled&format=ndjson").get_data().splitlines()
    assert len(lines) == len(rows)
    assert '"source_attributes":{' in lines[0].decode()

    response = client.get("/events/?source_id=BOL3216")
    assert response.status_code == 422
    assert "source" in response.get_json()["errors"]["query"]


def test_ucdp_deaths_and_dates(imported):
    events = imported("ucdp-ged")

    assert sorted(events) == ["191410", "217601", "320070", "331784", "39434"]
    deaths = {
        source_id: (e.fatalities, e.fatalities_low, e.fatalities_high)
        for source_id, e in events.items()
    }
    assert deaths == {
        "191410": (10, 8, 10),
        "39434": (6, 6, 18),
        "331784": (2, 2, 2),
        "217601": (0, 0, 6),
        "320070": (73, 0, 140),
    }
    dates = {
        source_id: (e.date_precision, e.date_start, e.date_end)
        for source_id, e in events.items()
    }
    assert dates == {
        "191410": ("day", date(2004, 3, 25), date(2004, 3, 25)),
        "39434": ("day", date(2008, 6, 4), date(2008, 6, 4)),
        "217601": ("week", date(2002, 3, 9), date(2002, 3, 11)),
        "331784": ("month", date(2020, 2, 3), date(2020, 2, 12)),
        "320070": ("year", date(2019, 4, 1), date(2019, 5, 10)),
    }
    rows = {row["id"]: row for row in sample_rows("ucdp-ged")}
    for source_id, event in events.items():
        assert event.source_attributes == rows[source_id]
    # Several citations with newlines in one cell, kept as they were.
    citations = events["39434"].source_attributes["source_article"]
    assert "Agence France Presse\n" in citations


def test_ucdp_sides_places_and_countries(client, imported):
    events = imported("ucdp-ged")

    shali = _event(client, events["191410"].id)
    assert shali["event_code"] == "190"
    assert _links(shali) == {
        ("Government of Russia (Soviet Union)", "initiator"),
        ("Chechen Republic of Ichkeria", "target"),
    }
    assert _chain(shali) == [
        ("Shali town", "city", "RUS"),
        ("Shalinskiy rayon", "admin2", "RUS"),
        ("Chechnya republic", "admin1", "RUS"),
        ("Russia (Soviet Union)", "country", "RUS"),
    ]
    assert (shali["location"]["latitude"], shali["location"]["longitude"]) == (
        43.1488,
        45.901,
    )
    # One-sided violence (type 3) against civilians.
    camp = _event(client, events["39434"].id)
    assert camp["event_code"] == "180"
    assert _links(camp) == {("FDLR-FOCA", "initiator"), ("Civilians", "target")}
    assert _chain(camp)[0] == ("Kinyandoni village", "city", "COD")
    assert _chain(camp)[-1] == ("DR Congo (Zaire)", "country", "COD")
    nihm = _event(client, events["331784"].id)
    assert _chain(nihm)[0] == ("Nihm district", "admin2", "YEM")
    assert _chain(nihm)[-1] == ("Yemen (North Yemen)", "country", "YEM")
    # One country record per country, however many rows are in it.
    countries = get_json(client, "/locations/?kind=country")
    assert sorted(c["country"] for c in countries) == ["COD", "RUS", "YEM"]


# A GDELT city with its ADM1 region and country, as both GDELT layouts give it.
BEIJING = [
    ("Beijing", "city", "CHN"),
    ("Beijing", "admin1", "CHN"),
    ("China", "country", "CHN"),
]


def test_gdelt_codes_and_countries(client, imported):
    events = imported("gdelt")

    rows = {row["GLOBALEVENTID"]: row for row in sample_rows("gdelt")}
    assert sorted(events) == sorted(rows)
    for source_id, event in events.items():
        assert event.event_code == rows[source_id]["EventCode"]
        assert event.source_attributes == rows[source_id]
    # FIPS 10-4 country codes: SY is Syria, CD Chad (not Congo), CH China.
    syria = _event(client, events["669666363"].id)
    assert _chain(syria) == [("Syria", "country", "SYR")]
    chad = _event(client, events["669666381"].id)
    assert _chain(chad) == [("Chad", "country", "TCD")]
    beijing = _event(client, events["669666399"].id)
    assert _chain(beijing) == BEIJING
    cairo = _event(client, events["669666359"].id)
    assert _chain(cairo)[0] == ("Cairo", "city", "EGY")
    assert (cairo["location"]["latitude"], cairo["location"]["longitude"]) == (
        30.05,
        31.25,
    )
    assert {link["role"] for link in cairo["actors"]} == {"initiator", "target"}


def test_gdelt_articles_and_missing_parts(app, client, imported):
    events = imported("gdelt")

    rows = {row["GLOBALEVENTID"]: row for row in sample_rows("gdelt")}
    # The source URL becomes the event's article, one per URL.
    event = get_json(client, f"/events/{events['669666359'].id}?include=sources")
    [source] = event["sources"]
    assert source["article"]["url"] == rows["669666359"]["SOURCEURL"]
    assert counts(app)["articles"] == len({r["SOURCEURL"] for r in rows.values()})
    # No geography, and one actor only: imported all the same.
    lone = _event(client, events["669666350"].id)
    assert lone["location"] is None and lone["location_id"] is None
    assert [link["role"] for link in lone["actors"]] == ["target"]


def test_gdelt_row_without_actors_or_geography(app, client, export_file):
    blank = dict.fromkeys(
        ("Actor2Code", "Actor2Name", "Actor2Type1Code", "ActionGeo_Type"), ""
    )
    rows = with_changes("gdelt", "669666350", **blank)

    report = run_import(app, "gdelt", export_file("gdelt", rows))

    assert report.committed is True
    assert report.rejected == 0, report.errors
    event = _event(client, events_by_source_id(app, "gdelt")["669666350"].id)
    assert event["actors"] == []
    assert event["location"] is None
    assert event["date_start"] == "2007-07-04"


GDELT_V1_COLUMNS = [c for c in GDELT_COLUMNS if not c.endswith("_ADM2Code")]


def _gdelt_v1_file(tmp_path, rows, columns):
    path = tmp_path / "20130401.export.CSV"
    lines = ["\t".join(row[name] for name in columns) + "\n" for row in rows]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("historical", [False, True], ids=["daily", "before-2013"])
def test_gdelt_1_files(app, client, tmp_path, historical):
    rows = sample_rows("gdelt")
    # The daily files end with the source URL; the historical ones have none.
    columns = GDELT_V1_COLUMNS[:-1] if historical else GDELT_V1_COLUMNS
    assert len(columns) == (57 if historical else 58)

    report = run_import(app, "gdelt", _gdelt_v1_file(tmp_path, rows, columns))

    assert report.committed is True
    assert report.rejected == 0, report.errors
    assert report.created == len(rows)
    events = events_by_source_id(app, "gdelt1")
    assert sorted(events) == sorted(row["GLOBALEVENTID"] for row in rows)
    assert events_by_source_id(app, "gdelt") == {}
    by_id = {row["GLOBALEVENTID"]: row for row in rows}
    for source_id, event in events.items():
        assert event.event_code == by_id[source_id]["EventCode"]
        assert event.source_attributes == {c: by_id[source_id][c] for c in columns}
    beijing = _event(client, events["669666399"].id)
    assert _chain(beijing) == BEIJING
    cairo = _event(client, events["669666359"].id)
    assert {link["role"] for link in cairo["actors"]} == {"initiator", "target"}
    urls = {row["SOURCEURL"] for row in rows}
    assert counts(app)["articles"] == (0 if historical else len(urls))


def test_gdelt_1_and_2_events_of_one_id_stay_apart(app, export_file, tmp_path):
    rows = sample_rows("gdelt")
    run_import(app, "gdelt", export_file("gdelt"))

    report = run_import(app, "gdelt", _gdelt_v1_file(tmp_path, rows, GDELT_V1_COLUMNS))

    assert (report.created, report.updated) == (len(rows), 0)
    assert sorted(events_by_source_id(app, "gdelt")) == sorted(
        events_by_source_id(app, "gdelt1")
    )


def test_a_gdelt_file_keeps_the_layout_of_its_first_row(app, tmp_path):
    rows = sample_rows("gdelt")
    path = _gdelt_v1_file(tmp_path, rows[:2], GDELT_V1_COLUMNS)
    with path.open("a", encoding="utf-8") as out:
        out.write("\t".join(rows[2][name] for name in GDELT_COLUMNS) + "\n")
    before = counts(app)

    report = run_import(app, "gdelt", path)

    assert report.committed is False
    assert report.errors == [
        {"line": 3, "field": "_row", "message": "Expected 58 columns, found 61."}
    ]
    assert counts(app) == before


FORMATS = ["acled", "ucdp-ged", "gdelt"]


def _stamps(app, source):
    return {
        source_id: (event.id, event.updated_at)
        for source_id, event in events_by_source_id(app, source).items()
    }


@pytest.mark.parametrize("format_name", FORMATS)
def test_reimport_changes_nothing(app, export_file, format_name):
    path = export_file(format_name)
    first = run_import(app, format_name, path)
    assert first.committed is True
    before, stamps = counts(app), _stamps(app, format_name)

    again = run_import(app, format_name, path)

    assert again.committed is True
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.rows)
    assert counts(app) == before
    assert _stamps(app, format_name) == stamps


@pytest.mark.parametrize("format_name", FORMATS)
def test_reimport_after_an_older_digest(app, client, export_file, format_name):
    # Digests made by an earlier version: the rows are compared, found
    # unchanged, and only their digest is brought up to date.
    path = export_file(format_name)
    assert run_import(app, format_name, path).committed
    with app.extensions["dateline_db"].connection_context():
        Event.update(source_hash="0" * 32).execute()
    before, stamps = counts(app), _stamps(app, format_name)
    feed = get_json(client, "/changes/?limit=1000")

    again = run_import(app, format_name, path)

    assert again.committed is True
    assert (again.created, again.updated, again.unchanged) == (0, 0, again.rows)
    assert counts(app) == before
    assert _stamps(app, format_name) == stamps
    assert get_json(client, "/changes/?limit=1000") == feed
    events = events_by_source_id(app, format_name).values()
    assert all(e.source_hash and e.source_hash != "0" * 32 for e in events)
    # The digests stored are the ones a further re-import finds equal.
    with app.extensions["dateline_db"].connection_context():
        stored = {e.id: e.source_hash for e in Event.select()}
    assert run_import(app, format_name, path).unchanged == again.rows
    with app.extensions["dateline_db"].connection_context():
        assert {e.id: e.source_hash for e in Event.select()} == stored


def test_the_same_bad_cells_on_two_rows_are_both_reported(app, export_file):
    # Places and actors are built once for rows that share them; a cell that
    # cannot be read must still be reported on every row that has it.
    rows = with_changes("acled", "UGA7924", latitude="200")
    twin = dict(next(r for r in rows if r["event_id_cnty"] == "UGA7924"))
    twin["event_id_cnty"] = "UGA7924B"
    rows.append(twin)

    report = run_import(
        app, "acled", export_file("acled", rows, name="twins"), on_error="skip"
    )

    assert report.committed is True
    assert [(e["line"], e["field"]) for e in report.errors] == [
        (5, "latitude"),
        (7, "latitude"),
    ]
    assert set(events_by_source_id(app, "acled")) == {
        "BOL3216",
        "MZM2710",
        "UGA7752",
        "YEM71929",
    }


def test_cells_no_database_stores_are_reported_by_line_and_field(app, export_file):
    rows = sample_rows("acled")
    rows[0]["notes"] = "Shelling\x00 near Idlib"
    rows[1]["actor1"] = "A" * 301
    rows[2]["admin1"] = "M" * 400
    rows[3]["event_id_cnty"] = "E" * 101
    rows[4]["assoc_actor_1"] = "Fine; " + "S" * 350
    before = counts(app)

    report = run_import(app, "acled", export_file("acled", rows, name="unstorable"))

    # Refused on both databases alike: PostgreSQL stores no NUL and no text
    # past a column's length, and SQLite must not keep what PostgreSQL refuses.
    assert report.committed is False
    assert [(e["line"], e["field"], e["message"]) for e in report.errors] == [
        (2, "notes", "Holds a NUL character."),
        (3, "actors.0.actor.name", "Longer than 300 characters (301)."),
        (4, "location.name", "Longer than 300 characters (400)."),
        (5, "source_id", "Longer than 100 characters (101)."),
        (6, "actors.2.actor.name", "Longer than 300 characters (350)."),
    ]
    assert counts(app) == before


@pytest.mark.parametrize("number", ["nan", "inf", "-1e400", "1e400"])
def test_numbers_a_float_reads_but_no_count_is_are_refused(app, export_file, number):
    rows = with_changes("ucdp-ged", "320070", best=number)
    rows += with_changes("acled", "UGA7752", fatalities=number)[2:3]

    ucdp = run_import(app, "ucdp-ged", export_file("ucdp-ged", rows[:-1]))
    acled = run_import(app, "acled", export_file("acled", rows[-1:]))

    message = f"Not a whole number from 0: {number!r}."
    assert [(e["field"], e["message"]) for e in ucdp.errors] == [("best", message)]
    assert [(e["field"], e["message"]) for e in acled.errors] == [
        ("fatalities", message)
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (b"event_id_cnty\x00", "The header row holds a NUL character."),
        (b"event_id_cnty\xff", "The header row is not UTF-8 text."),
    ],
)
def test_a_header_no_row_can_be_keyed_by_is_refused(app, export_file, header, message):
    content = sample_text("acled").encode().replace(b"event_id_cnty", header, 1)

    report = run_import(app, "acled", export_file("acled", content=content))

    assert report.committed is False
    assert report.errors == [{"line": 1, "field": "_row", "message": message}]
    assert counts(app)["events"] == 0


def test_a_gdelt_title_made_from_a_long_url_is_cut(app, client, export_file):
    url = "https://news.example.org/" + "-".join(["ceasefire"] * 200)
    rows = with_changes("gdelt", "669666359", SOURCEURL=url)

    report = run_import(app, "gdelt", export_file("gdelt", rows))

    assert report.rejected == 0, report.errors
    event = events_by_source_id(app, "gdelt")["669666359"]
    [source] = get_json(client, f"/events/{event.id}?include=sources")["sources"]
    assert source["article"]["url"] == url
    assert len(source["article"]["title"]) == 1000


@pytest.mark.parametrize("added", ["2020030912000\u00b2", "2020023012000x", "0"])
def test_a_gdelt_date_added_that_is_no_time_leaves_the_article_undated(
    app, client, export_file, added
):
    rows = with_changes("gdelt", "669666359", DATEADDED=added)

    report = run_import(app, "gdelt", export_file("gdelt", rows))

    assert report.rejected == 0, report.errors
    event = events_by_source_id(app, "gdelt")["669666359"]
    [source] = get_json(client, f"/events/{event.id}?include=sources")["sources"]
    assert source["article"]["published_at"] is None


def test_a_row_no_check_foresaw_is_reported_alone(app, export_file, monkeypatch):
    # The first of two rows sharing their actors and place fails once its
    # parts are prepared: the second must still bring them along.
    rows = sample_rows("acled")
    twin = {**rows[0], "event_id_cnty": "TWIN2"}
    rows = [{**rows[0], "event_id_cnty": "TWIN1"}, twin, *rows[1:]]
    real_digest = ingest_records._digest

    def digest(record, *args):
        if record["source_id"] == "TWIN1":
            raise ValueError("an importer's bug")
        return real_digest(record, *args)

    monkeypatch.setattr(ingest_records, "_digest", digest)

    report = run_import(
        app, "acled", export_file("acled", rows, name="bug"), on_error="skip"
    )

    assert report.errors == [
        {
            "line": 2,
            "field": "_row",
            "message": 'Cannot be mapped: ValueError("an importer\'s bug").',
        }
    ]
    events = events_by_source_id(app, "acled")
    assert "TWIN1" not in events and len(events) == len(rows) - 1
    twin = get_json(app.test_client(), f"/events/{events['TWIN2'].id}?include=actors")
    assert twin["location_id"] is not None
    assert {link["actor"]["name"] for link in twin["actors"]} == {
        rows[0]["actor1"],
        rows[0]["actor2"],
        *(a.strip() for a in rows[0]["assoc_actor_1"].split(";") if a.strip()),
        *(a.strip() for a in rows[0]["assoc_actor_2"].split(";") if a.strip()),
    } - {""}


def test_the_length_limits_are_the_columns(app):
    from api.models import Actor, Article, Event, Location
    from api.services.ingest.records import LIMITS

    models = {"event": Event, "place": Location, "actor": Actor, "article": Article}
    for kind, limits in LIMITS.items():
        for name, limit in limits.items():
            column = models[kind]._meta.fields[name]
            assert getattr(column, "max_length", None) in (limit, None), (kind, name)


NEWER = [
    ("acled", "MZM2710", {"fatalities": "5"}, 5),
    ("ucdp-ged", "320070", {"best": "75", "high": "141"}, 75),
]


@pytest.mark.parametrize(("format_name", "source_id", "cells", "fatalities"), NEWER)
def test_newer_export_updates_changed_rows(
    app, client, export_file, format_name, source_id, cells, fatalities
):
    assert run_import(app, format_name, export_file(format_name)).committed
    before, stamps = counts(app), _stamps(app, format_name)
    as_created = get_json(client, f"/events/{stamps[source_id][0]}")
    rows = with_changes(format_name, source_id, **cells)

    report = run_import(app, format_name, export_file(format_name, rows, name="v2"))

    assert report.committed is True
    assert (report.created, report.updated, report.unchanged) == (0, 1, len(rows) - 1)
    assert counts(app) == before
    after = _stamps(app, format_name)
    assert {sid for sid in stamps if after[sid] != stamps[sid]} == {source_id}
    event_id = stamps[source_id][0]
    assert after[source_id][0] == event_id
    assert get_json(client, f"/events/{event_id}")["fatalities"] == fatalities
    stored = events_by_source_id(app, format_name)[source_id]
    new_row = {row[ID_COLUMNS[format_name]]: row for row in rows}[source_id]
    assert stored.source_attributes == new_row
    assert stored.source_file == "v2"
    # The history keeps the event as the first file made it, and the change.
    created, updated = get_json(client, f"/events/{event_id}/history")
    assert (created["action"], updated["action"]) == ("create", "update")
    assert created["data"]["fatalities"] == as_created["fatalities"] != fatalities
    assert created["data"]["source_attributes"] == as_created["source_attributes"]
    assert created["data"]["source_file"] == as_created["source_file"]
    assert updated["changes"]["fatalities"] == [as_created["fatalities"], fatalities]
    assert updated["data"]["fatalities"] == fatalities
    feed = get_json(client, "/changes/?type=event&limit=1000")
    assert [c for c in feed if c["record_id"] == event_id] == [created, updated]


def _changed(format_name, source_id, **cells):
    return lambda: render(format_name, with_changes(format_name, source_id, **cells))


def _gdelt_short_row():
    lines = sample_text("gdelt").splitlines(keepends=True)
    lines[3] = lines[3].rstrip("\n").rsplit("\t", 1)[0] + "\n"
    return "".join(lines).encode("utf-8")


def _latin1_place():
    # A Latin-1 export: "Minakulú" on line 4 is not UTF-8.
    text = sample_text("acled").replace("Minakulu", "Minakul\u00fa")
    return text.encode("latin-1")


def _unterminated_quote():
    # The last row's notes open a quote that never closes.
    text = sample_text("acled")
    assert text.endswith('time of reporting.",0,,1647296355\n')
    return text.replace('time of reporting.",0,', "time of reporting.,0,").encode()


# (format, file content, the bad row's id, its line, fields that may name it)
MALFORMED = [
    pytest.param(
        "acled",
        _changed("acled", "UGA7752", event_date="2022-02-30"),
        "UGA7752",
        4,
        {"event_date"},
        id="acled-bad-date",
    ),
    pytest.param(
        "acled",
        _changed("acled", "BOL3216", event_type="Skirmishes"),
        "BOL3216",
        3,
        {"event_type"},
        id="acled-unknown-event-type",
    ),
    pytest.param(
        "acled",
        _changed("acled", "MZM2710", fatalities="several"),
        "MZM2710",
        2,
        {"fatalities"},
        id="acled-fatalities-not-a-number",
    ),
    pytest.param(
        "acled",
        _changed("acled", "UGA7924", latitude="200"),
        "UGA7924",
        5,
        {"latitude"},
        id="acled-latitude-200",
    ),
    pytest.param(
        "acled",
        _changed("acled", "YEM71929", iso="999", country="Atlantis"),
        "YEM71929",
        6,
        {"iso", "country"},
        id="acled-unknown-country",
    ),
    # Line 24 follows a row that spans lines 3-22: lines are the file's.
    pytest.param(
        "ucdp-ged",
        _changed("ucdp-ged", "217601", country="Atlantis"),
        "217601",
        24,
        {"country"},
        id="ucdp-unknown-country",
    ),
    pytest.param(
        "ucdp-ged",
        _changed("ucdp-ged", "320070", date_start="2019-13-01 00:00:00.000"),
        "320070",
        25,
        {"date_start"},
        id="ucdp-bad-date",
    ),
    pytest.param(
        "gdelt", _gdelt_short_row, "669666363", 4, {"_row"}, id="gdelt-60-columns"
    ),
    pytest.param(
        "gdelt",
        _changed("gdelt", "669666363", EventCode="0999"),
        "669666363",
        4,
        {"event_code", "EventCode"},
        id="gdelt-unknown-cameo-code",
    ),
    pytest.param(
        "acled",
        _latin1_place,
        "UGA7752",
        4,
        {"_row", "_file", "location"},
        id="not-utf-8",
    ),
    pytest.param(
        "acled",
        _unterminated_quote,
        "YEM71929",
        6,
        {"_row", "notes"},
        id="unterminated-quote",
    ),
]


def _only_error(report):
    assert report.rejected == 1, report.errors
    [error] = report.errors
    return error


@pytest.mark.parametrize(
    ("format_name", "content", "bad_id", "line", "fields"), MALFORMED
)
def test_bad_row_writes_nothing_by_default(
    app, export_file, format_name, content, bad_id, line, fields
):
    del bad_id
    # Records already there, from another dataset, must stay as they are.
    other = "acled" if format_name == "gdelt" else "gdelt"
    assert run_import(app, other, export_file(other)).committed
    before = counts(app)

    report = run_import(app, format_name, export_file(format_name, content=content()))

    assert report.committed is False
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    error = _only_error(report)
    assert error["line"] == line, error
    assert error["field"] in fields, error
    assert error["message"]
    assert counts(app) == before
    assert events_by_source_id(app, format_name) == {}


@pytest.mark.parametrize(
    ("format_name", "content", "bad_id", "line", "fields"), MALFORMED
)
def test_skip_writes_the_good_rows(
    app, export_file, format_name, content, bad_id, line, fields
):
    report = run_import(
        app, format_name, export_file(format_name, content=content()), on_error="skip"
    )

    assert report.committed is True
    error = _only_error(report)
    assert error["line"] == line, error
    assert error["field"] in fields, error
    column = ID_COLUMNS[format_name]
    good = {row[column] for row in sample_rows(format_name)} - {bad_id}
    assert set(events_by_source_id(app, format_name)) == good
    assert report.created == len(good)


def test_bad_row_after_written_chunks_rolls_back(app, export_file, monkeypatch):
    # Two rows a chunk: two chunks are written before the bad last row is read.
    monkeypatch.setattr(import_reading, "CHUNK_SIZE", 2)
    rows = with_changes("acled", "YEM71929", fatalities="-1")
    path = export_file("acled", rows)

    report = run_import(app, "acled", path)

    assert report.committed is False
    assert [(e["line"], e["field"]) for e in report.errors] == [(6, "fatalities")]
    assert counts(app) == dict.fromkeys(counts(app), 0)

    report = run_import(app, "acled", path, on_error="skip")

    assert (report.committed, report.created, report.rejected) == (True, 4, 1)
    assert len(events_by_source_id(app, "acled")) == 4


def test_a_row_listed_twice(app, export_file):
    # Concatenated exports repeat rows; the repeat must not break the import.
    text = sample_text("acled")
    path = export_file("acled", content=text + text.splitlines(keepends=True)[1])

    report = run_import(app, "acled", path, on_error="skip")

    assert report.committed is True
    assert report.rows == 6
    assert report.created == 5
    assert report.unchanged + report.updated + report.rejected == 1
    assert len(events_by_source_id(app, "acled")) == 5


def test_a_changed_row_listed_twice(app, client, export_file):
    assert run_import(app, "acled", export_file("acled")).committed
    before = counts(app)
    rows = with_changes("acled", "MZM2710", fatalities="5")
    repeat = with_changes("acled", "MZM2710", fatalities="6")
    rows.append(next(r for r in repeat if r["event_id_cnty"] == "MZM2710"))

    report = run_import(app, "acled", export_file("acled", rows, name="v2"))

    # The later row wins, and the event's links are not doubled.
    assert report.committed is True
    assert report.created == 0
    assert counts(app) == before
    event = events_by_source_id(app, "acled")["MZM2710"]
    assert get_json(client, f"/events/{event.id}")["fatalities"] == 6


# Each sample row again under these suffixes of its id: 12 x 5 rows, past
# the size PostgreSQL copies in bulk.
COPIES = range(1, 13)


def _stored(event: Event) -> tuple:
    attributes = dict(event.source_attributes)
    del attributes["id"]
    links = sorted((a.actor_id, a.role, a.position) for a in event.actor_links)
    return (
        event.event_code,
        event.summary,
        event.date_start,
        event.date_end,
        event.date_precision,
        event.location_id,
        event.geo_precision,
        (event.fatalities, event.fatalities_low, event.fatalities_high),
        attributes,
        links,
    )


def test_a_chunk_written_in_bulk_stores_what_a_small_one_does(app, client, export_file):
    """PostgreSQL copies a chunk of 50 rows or more in one COPY (binary), and
    inserts a smaller one row by row: both must store the same events, and
    index the same texts."""
    rows = sample_rows("ucdp-ged")
    assert 0 < len(rows) < bulk_sql.COPY_MIN_ROWS
    small = run_import(app, "ucdp-ged", export_file("ucdp-ged", rows, name="a.csv"))
    copies = [{**row, "id": f"{row['id']}{n:02}"} for n in COPIES for row in rows]
    assert len(copies) >= bulk_sql.COPY_MIN_ROWS
    bulk = run_import(app, "ucdp-ged", export_file("ucdp-ged", copies, name="b.csv"))
    assert small.committed and small.created == len(rows)
    assert bulk.committed and bulk.created == len(copies)

    with app.extensions["dateline_db"].connection_context():
        events = {e.source_id: _stored(e) for e in Event.select()}
    for row in copies:
        assert events[row["id"]] == events[row["id"][:-2]], row["id"]
    word = events[rows[0]["id"]][1].split()[0]
    found = {
        e["source_id"]
        for e in get_json(client, f"/events/?q={word}&page_size=500&fields=source_id")
    }
    originals = {row["id"] for row in rows}
    assert found & originals
    assert found - originals == {
        f"{o}{n:02}" for o in found & originals for n in COPIES
    }

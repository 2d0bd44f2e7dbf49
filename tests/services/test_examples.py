"""The example article's records: what load() writes and what the API serves."""

import pytest

from api.models import Actor, Article, Event, Location
from api.services import examples

COUNTS = {"locations": 14, "actors": 14, "articles": 1, "events": 15}


def _load(app) -> dict[str, int]:
    with app.extensions["dateline_db"].connection_context():
        return examples.load()


def _row_counts(app) -> dict[str, int]:
    with app.extensions["dateline_db"].connection_context():
        return {
            "locations": Location.select().count(),
            "actors": Actor.select().count(),
            "articles": Article.select().count(),
            "events": Event.select().count(),
        }


@pytest.fixture
def loaded(app):
    assert _load(app) == COUNTS


def _one(client, path):
    response = client.get(path)
    assert response.status_code == 200
    found = response.get_json()
    assert len(found) == 1, found
    return found[0]


def _events(client, query=""):
    response = client.get(f"/events/?page_size=100&{query}")
    assert response.status_code == 200
    return response.get_json()


def test_load_writes_once(app):
    assert _load(app) == COUNTS
    assert _row_counts(app) == COUNTS

    assert _load(app) == dict.fromkeys(COUNTS, 0)
    assert _row_counts(app) == COUNTS


def test_a_bad_record_writes_nothing(app, tmp_path, monkeypatch):
    data = examples.RECORDS_PATH.read_text(encoding="utf-8")
    broken = tmp_path / "idlib.toml"
    # The last event's quote, misquoted: every record before it must roll back.
    broken.write_text(data.replace("welcomed further", "welcomed more"), "utf-8")
    monkeypatch.setattr(examples, "RECORDS_PATH", broken)

    with pytest.raises(ValueError, match="welcomed more"):
        _load(app)
    assert _row_counts(app) == dict.fromkeys(COUNTS, 0)


def test_cli_says_what_it_loaded(app):
    runner = app.test_cli_runner()

    result = runner.invoke(args=["load-examples"])
    assert result.exit_code == 0, result.output
    assert "14 locations, 14 actors, 1 articles, 15 events" in result.output

    result = runner.invoke(args=["load-examples"])
    assert result.exit_code == 0, result.output
    assert "already loaded" in result.output


def test_article_is_served(client, loaded):
    article = _one(client, "/articles/?outlet=Pakistan Point News")
    assert article["title"] == (
        "NATO Notices Decrease In Violence In Syria's Idlib Since Putin-Erdogan "
        "Talks - Stoltenberg"
    )
    assert article["body"].startswith("BRUSSELS (Pakistan Point News / Sputnik")
    assert article["body"].endswith(
        "Ankara has insisted that it implements its commitments."
    )
    assert (article["wire_agency"], article["language"]) == ("Sputnik", "en")
    assert article["published_at"] == "2020-03-09T10:42:00+00:00"
    brussels = client.get(f"/locations/{article['dateline_location_id']}")
    assert brussels.get_json()["name"] == "Brussels"


def test_actors_are_found_by_alias(client, loaded):
    assert _one(client, "/actors/?name=erdogan")["name"] == "Recep Tayyip Erdoğan"
    assert _one(client, "/actors/?name=Tayyip Erdogan")["country"] == "TUR"
    hts = _one(client, "/actors/?name=jabhat al-nusra")
    assert (hts["name"], hts["kind"]) == ("Hayat Tahrir al-Sham", "armed_group")
    assert "Jabhat al-Nusra" in hts["description"]
    assert _one(client, "/actors/?name=HTS")["id"] == hts["id"]
    assert _one(client, "/actors/?name=Türkiye")["kind"] == "state"
    assert _one(client, "/actors/?name=Sergei Lavrov")["name"] == "Sergey Lavrov"


def test_idlib_lies_in_its_governorate_in_syria(client, loaded):
    idlib = _one(client, "/locations/?name=Idlib&kind=city")
    response = client.get(f"/locations/{idlib['id']}/ancestors")
    assert response.status_code == 200
    assert [place["name"] for place in response.get_json()] == [
        "Idlib Governorate",
        "Syria",
    ]
    m4 = _one(client, "/locations/?kind=route")
    assert (m4["name"], m4["latitude"], m4["longitude"]) == ("M4 highway", None, None)


def test_fighting_events(client, loaded):
    fighting = _events(client, "event_code=19&sort=date_start,id")
    assert [
        (e["date_start"], e["date_end"], e["date_precision"]) for e in fighting
    ] == [
        ("2019-12-01", "2019-12-31", "month"),
        ("2020-02-27", "2020-02-27", "day"),
        ("2020-02-27", "2020-03-04", "week"),
        ("2020-02-27", "2020-03-04", "week"),
    ]
    assert [e["fatalities"] for e in fighting] == [None, None, None, 33]

    strikes = fighting[-1]
    actors = client.get(f"/events/{strikes['id']}/actors").get_json()
    assert {(link["actor"]["name"], link["role"]) for link in actors} == {
        ("Syrian Armed Forces", "initiator"),
        ("Turkish Armed Forces", "target"),
        ("Turkish Armed Forces", "affected"),
    }
    response = client.get(f"/events/{strikes['id']}/sources")
    assert response.status_code == 200
    [source] = response.get_json()
    assert "33 Turkish troops" in source["quote"]


def test_every_quote_is_in_the_article(client, loaded):
    article = _one(client, "/articles/")
    everything = _events(client)
    assert len(everything) == COUNTS["events"]
    for event in everything:
        assert event["sources"], event
        for source in event["sources"]:
            assert source["article_id"] == article["id"]
            assert source["quote"] in article["body"], source["quote"]


def test_diplomacy_events(client, loaded):
    ceasefire = _one(client, "/events/?event_code=0871")
    assert (ceasefire["date_start"], ceasefire["geo_precision"]) == (
        "2020-03-05",
        "admin1",
    )
    place = client.get(f"/locations/{ceasefire['location_id']}").get_json()
    assert place["name"] == "Idlib Governorate"

    corridor = _one(client, "/events/?event_code=0312&include=location")
    assert corridor["location"]["name"] == "M4 highway"

    accusation = _one(client, "/events/?event_code=112&actor=lavrov&role=initiator")
    assert [a["role"] for a in accusation["actors"]] == ["initiator", "target"]
    assert accusation["date_end"] == "2020-03-09"

    statement = _one(client, "/events/?event_code=010&actor=stoltenberg")
    quotes = [s["quote"] for s in statement["sources"]]
    assert any("ceasefire in Idlib is holding" in q for q in quotes)
    assert statement["date_start"] == "2020-03-09"

    by_nato = _events(client, "actor=nato")
    assert {e["event_code"] for e in by_nato} == {"010", "051"}

    found = _events(client, "q=ceasefire holding")
    assert [e["id"] for e in found] == [statement["id"]]

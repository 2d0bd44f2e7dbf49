"""Each imported dataset's terms, served as data and linked from exports."""

import pytest

from api.services.ingest.formats import acled, gdelt, ucdp


def test_every_imported_dataset_says_what_its_data_owe(anonymous):
    listed = anonymous.get("/datasets")
    assert listed.status_code == 200
    found = {dataset["name"]: dataset for dataset in listed.get_json()}
    assert {acled.SOURCE, ucdp.SOURCE, gdelt.SOURCE} <= set(found)
    for dataset in found.values():
        assert dataset["license"]["url"].startswith("https://")
        assert dataset["attribution"] and dataset["citation"]
        assert dataset["bibtex"].startswith("@")
    assert found["ucdp-ged"]["license"]["spdx"] == "CC-BY-4.0"
    assert found["acled"]["open_license"] is False
    assert "redistribut" in found["acled"]["redistribution"]


def test_one_dataset_by_its_source_name(anonymous):
    response = anonymous.get("/datasets/ucdp-ged")
    assert response.status_code == 200
    assert response.get_json()["publisher"].startswith("Uppsala Conflict Data")
    missing = anonymous.get("/datasets/icews")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"


def _licenses(response) -> list[str]:
    response.get_data()  # a stream is read to its end, as a client reads it
    return [
        link.split(">")[0].lstrip("<")
        for link in response.headers.getlist("Link")
        if 'rel="license"' in link
    ]


@pytest.mark.parametrize("shape", ["", "&page_size=5"])
def test_an_export_links_the_terms_of_what_it_may_hold(anonymous, make_event, shape):
    make_event()
    everything = anonymous.get(f"/events?format=csv{shape}")
    assert everything.status_code == 200
    assert _licenses(everything) == [
        "/datasets/acled",
        "/datasets/ucdp-ged",
        "/datasets/gdelt",
        "/datasets/gdelt1",
    ]
    acled_only = anonymous.get(f"/events?format=ndjson&source=acled,none{shape}")
    assert acled_only.status_code == 200
    assert _licenses(acled_only) == ["/datasets/acled"]
    # A JSON page is no file to republish; its links are the pager's.
    assert _licenses(anonymous.get("/events?source=acled")) == []

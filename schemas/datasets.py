"""The terms of each imported dataset, as the API returns them."""

import marshmallow as ma


class LicenseSchema(ma.Schema):
    name = ma.fields.String(
        metadata={"example": "Creative Commons Attribution 4.0 International"}
    )
    url = ma.fields.String(
        metadata={"example": "https://creativecommons.org/licenses/by/4.0/"}
    )
    spdx = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The SPDX identifier, where the licence has one.",
            "example": "CC-BY-4.0",
        },
    )


class DatasetSchema(ma.Schema):
    """A dataset events are imported from, and what its data owe it."""

    name = ma.fields.String(
        metadata={
            "description": "As events' `source` names it.",
            "example": "ucdp-ged",
        }
    )
    title = ma.fields.String(
        metadata={"example": "UCDP Georeferenced Event Dataset (GED)"}
    )
    publisher = ma.fields.String(
        metadata={"example": "Uppsala Conflict Data Program, Uppsala University"}
    )
    url = ma.fields.String(metadata={"example": "https://ucdp.uu.se/downloads/"})
    license = ma.fields.Nested(LicenseSchema)
    open_license = ma.fields.Boolean(
        metadata={
            "description": "Whether anyone may republish the data, with "
            "attribution, without asking.",
            "example": True,
        }
    )
    attribution = ma.fields.String(
        metadata={
            "description": "What a republished file or chart should say.",
            "example": "Source: UCDP Georeferenced Event Dataset, Uppsala "
            "Conflict Data Program (ucdp.uu.se), CC BY 4.0.",
        }
    )
    redistribution = ma.fields.String(
        metadata={"description": "What the terms allow, in a sentence."}
    )
    citation = ma.fields.String(
        metadata={"description": "The reference to cite, as text."}
    )
    bibtex = ma.fields.String(metadata={"description": "The same, as BibTeX."})

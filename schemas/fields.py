"""Fields that normalise codes: countries to ISO alpha-3, languages to ISO 639-1."""

from datetime import UTC

import marshmallow as ma

from reference.countries import to_alpha3
from reference.languages import to_alpha2 as to_alpha2_language


class Country(ma.fields.String):
    """A country as ISO 3166-1 alpha-3; alpha-2 codes and English names accepted."""

    default_error_messages = {
        "unknown": "Unknown country {input!r}: use an ISO 3166-1 code or name."
    }

    def __init__(self, **kwargs):
        metadata = {
            "description": "ISO 3166-1 alpha-3 code. Alpha-2 codes and English "
            "names are accepted on input and stored as alpha-3.",
            "example": "SYR",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        code = to_alpha3(text)
        if code is None:
            raise self.make_error("unknown", input=text)
        return code


class Language(ma.fields.String):
    """A language as ISO 639-1 (two letters); three-letter codes and names accepted."""

    default_error_messages = {
        "unknown": "Unknown language {input!r}: use an ISO 639-1 code such as 'en'."
    }

    def __init__(self, **kwargs):
        metadata = {
            "description": "ISO 639-1 two-letter language code.",
            "example": "en",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        code = to_alpha2_language(text)
        if code is None:
            raise self.make_error("unknown", input=text)
        return code


class UTCDateTime(ma.fields.AwareDateTime):
    """An ISO 8601 time with a UTC offset, converted to UTC on input."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except OverflowError as error:
            raise ma.ValidationError("Outside the years 1 to 9999 in UTC.") from error

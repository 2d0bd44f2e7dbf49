"""Fields that normalise codes (countries to ISO alpha-3, languages to ISO 639-1)
and that read dates and numbers strictly."""

import re
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


_CALENDAR_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# What a number sent as a string may look like: JSON's own form (leading
# zeros allowed, as "01" always was). float() and int() also read other
# scripts' digits ("０１"), underscores ("1_0"), spaces and "+1".
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"-?[0-9]+")


class CalendarDate(ma.fields.Date):
    """An ISO 8601 calendar date, YYYY-MM-DD, and no other form.

    Python's date.fromisoformat also reads 20200301 and 2020-W10, which the
    contract does not offer: a typo would be taken for another day.
    """

    default_error_messages = {
        "invalid": "Not a valid date: use YYYY-MM-DD (an ISO 8601 calendar date)."
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or _CALENDAR_DATE.fullmatch(value) is None:
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class PlainFloat(ma.fields.Float):
    """A number; sent as a string, only in ASCII digits."""

    default_error_messages = {
        "digits": "Not a valid number: use a JSON number (digits 0-9)."
    }

    def _validated(self, value):
        if isinstance(value, str) and _DECIMAL.fullmatch(value) is None:
            raise self.make_error("digits")
        return super()._validated(value)


class PlainInteger(ma.fields.Integer):
    """A whole number; sent as a string (a query parameter), only ASCII digits."""

    default_error_messages = {"digits": "Not a valid integer: use digits 0-9."}

    def _validated(self, value):
        if isinstance(value, str) and _WHOLE.fullmatch(value) is None:
            raise self.make_error("digits")
        return super()._validated(value)


class UTCDateTime(ma.fields.AwareDateTime):
    """An ISO 8601 time with a UTC offset, converted to UTC on input."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except OverflowError as error:
            raise ma.ValidationError("Outside the years 1 to 9999 in UTC.") from error

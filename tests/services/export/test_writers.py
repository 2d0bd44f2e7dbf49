"""CSV rows written by hand must read back as the csv module reads RFC 4180."""

import csv
import io
from datetime import date

import pytest

from api.services.export.writers import csv_chunks, csv_line

AWKWARD = [
    ["plain", 1, 2.5, None, date(2020, 3, 5)],
    ["a, b", 'say "ceasefire"', "two\nlines", "cr\rhere", "crlf\r\n"],
    ['"', ",", "", None, "ünïcödé; Idlib"],
    ["tail,", ',"', '""', " spaced ", "-1e-05"],
    [None],
    [""],
    ["only"],
    [0, -3, 1e300, 35.123456789, True],
]


def reference(values: list) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


@pytest.mark.parametrize("values", AWKWARD)
def test_a_line_is_what_the_csv_module_writes(values):
    assert csv_line(values) + "\r\n" == reference(values)


def test_chunks_parse_back_to_the_values():
    header = ["a", "b", "c", "d", "e"]
    rows = [
        dict(zip(header, values, strict=False))
        for values in AWKWARD
        if len(values) == 5
    ]
    body = b"".join(
        csv_chunks([rows[:2], [], rows[2:]], header, lambda r: list(r.values()))
    )
    parsed = list(csv.reader(io.StringIO(body.decode(), newline="")))
    assert parsed[0] == header
    expected = [["" if v is None else str(v) for v in row.values()] for row in rows]
    assert parsed[1:] == expected

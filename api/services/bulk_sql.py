"""Raw, parameterised SQL for bulk writes, where building each statement with
the ORM would cost more than running it (see "Measurements behind design
choices in the code" in bench/README.md): one statement text per table, then
the driver's executemany."""

from datetime import UTC, date, datetime
from operator import attrgetter, itemgetter

import peewee as pw

import orjson

from api.db import db


def driver_errors():
    """Driver errors raised as peewee's (IntegrityError, OperationalError...),
    which the app answers as Problems: a raw cursor raises the driver's own,
    and a foreign key broken by a concurrent delete was a 500."""
    return pw.__exception_wrapper__


def _value(value):
    # The storage forms the models use: naive UTC timestamps, JSON as text.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    return value


def _statement(table: str, columns: tuple[str, ...], returning: bool) -> str:
    marks = ", ".join([db.param] * len(columns))
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    return sql + ' RETURNING "id"' if returning else sql


def insert_one(table: str, row: dict) -> int:
    """Insert a row and return its id."""
    columns = tuple(row)
    values = [_value(row[c]) for c in columns]
    returning = db.obj.returning_clause
    cursor = db.execute_sql(_statement(table, columns, returning), values)
    return cursor.fetchone()[0] if returning else cursor.lastrowid


def insert_many(
    table: str, columns: tuple[str, ...], rows: list[tuple], plain: bool = False
) -> None:
    """Insert rows; ``plain`` rows hold only values the driver takes as they are."""
    if rows:
        if not plain:
            rows = [tuple(_value(v) for v in row) for row in rows]
        if isinstance(db.obj, pw.PostgresqlDatabase) and len(rows) >= COPY_MIN_ROWS:
            _copy(table, columns, rows)
        else:
            columns, rows = _without_empty_columns(columns, rows)
            with driver_errors():
                db.cursor().executemany(_statement(table, columns, False), rows)


def _without_empty_columns(columns: tuple[str, ...], rows: list[tuple]):
    """The columns and rows without the columns that are NULL in every row.

    Left out, they are NULL all the same (no column of ours has a database
    default); bound, each None costs Python's sqlite3 a failed adapter lookup,
    an exception made and dropped, on every row an import writes.
    """
    keep = [i for i in range(len(columns)) if any(r[i] is not None for r in rows)]
    if len(keep) == len(columns) or not keep:
        return columns, rows
    if len(keep) == 1:
        rows = [(row[keep[0]],) for row in rows]
    else:
        rows = list(map(itemgetter(*keep), rows))
    return tuple(columns[i] for i in keep), rows


def reserve_ids(table: str, count: int) -> list[int]:
    """``count`` fresh ids of ``table``, for rows the caller inserts with them.

    On SQLite this holds only in a write transaction (ours begin IMMEDIATE):
    no other writer can take the ids before the rows are in.
    """
    if count == 0:
        return []
    if isinstance(db.obj, pw.PostgresqlDatabase):
        # The sequence named once, in a subquery: as nextval's argument
        # pg_get_serial_sequence ran once an id, and was most of what
        # reserving an import's ids cost.
        return [
            i
            for (i,) in select(
                "SELECT nextval((SELECT pg_get_serial_sequence(?, 'id')::regclass)) "
                "FROM generate_series(1, ?)",
                (table, count),
            )
        ]
    if not db.in_transaction():
        raise RuntimeError("Ids are reserved only inside a write transaction.")
    # AUTOINCREMENT never hands out an id again, even one whose row is gone:
    # start past the highest id it gave as well as the highest there is.
    (last,) = db.execute_sql(
        f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), "
        f'coalesce((SELECT max(id) FROM "{table}"), 0))',
        (table,),
    ).fetchone()
    return list(range(last + 1, last + 1 + count))


# Below this, COPY's own exchanges cost more than the statements it saves.
COPY_MIN_ROWS = 50


# The column types a chunk may be copied in binary to, by type oid: what
# each takes from Python, and for integers their bound. Binary COPY wraps
# an integer too large for its column where text COPY refuses it.
_INTEGERS = {21: 2**15, 23: 2**31, 20: 2**63}
_TEXTS = {25, 1043}
_DATE, _TIMESTAMP = 1082, 1114
_NONE = type(None)
_tzinfo = attrgetter("tzinfo")
# The types of the columns COPY writes, by table and columns: asked once.
_column_types: dict[tuple, list[int]] = {}


def _types(table: str, columns: tuple[str, ...]) -> list[int]:
    key = (table, columns)
    if key not in _column_types:
        found = dict(
            select(
                "SELECT attname, atttypid::integer FROM pg_attribute "
                "WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped",
                (f'"{table}"',),
            )
        )
        _column_types[key] = [found[c] for c in columns]
    return _column_types[key]


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    # COPY streams the rows in one statement: executemany costs PostgreSQL a
    # bind and an execution per row, many times what COPY spends on one. In
    # binary the server parses no numbers, dates or timestamps, so the copy
    # is quicker still; a chunk with a value binary would take otherwise
    # than text goes as text, for the server to judge.
    types = _types(table, columns)
    binary = _for_binary(rows, types)
    names = ", ".join(f'"{c}"' for c in columns)
    options = " (FORMAT BINARY)" if binary is not None else ""
    with (
        driver_errors(),
        db.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN{options}') as copy,
    ):
        if binary is not None:
            copy.set_types(types)
            rows = binary
        for row in rows:
            copy.write_row(row)


def _for_binary(rows: list[tuple], types: list[int]) -> list[tuple] | None:
    """The rows as binary COPY takes them (dates as dates, not ISO text), or
    None if a value is not what its column's type takes from Python."""
    # Column by column, in C where it can be (map, set, min, max): checked
    # value by value in Python, this showed in a large import's time.
    columns = list(zip(*rows, strict=True))
    dated = False
    for i, oid in enumerate(types):
        column = columns[i]
        kinds = set(map(type, column))
        if _NONE in kinds:
            kinds.discard(_NONE)
            column = [v for v in column if v is not None]
        if not kinds:
            continue
        if oid in _INTEGERS:
            bound = _INTEGERS[oid]
            if kinds != {int} or min(column) < -bound or max(column) >= bound:
                return None
        elif oid in _TEXTS:
            if kinds != {str}:
                return None
        elif oid == _TIMESTAMP:
            # Our timestamps are naive UTC; an aware one would be shifted.
            if kinds != {datetime} or set(map(_tzinfo, column)) != {None}:
                return None
        elif oid == _DATE and kinds <= {str, date}:
            try:
                columns[i] = [_as_date(v) for v in columns[i]]
            except ValueError:
                return None
            dated = True
        else:
            return None
    return list(zip(*columns, strict=True)) if dated else rows


def _as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def storable(value):
    """A value as the database keeps it, for rows built once and written often."""
    value = _value(value)
    if isinstance(value, datetime) and isinstance(db.obj, pw.SqliteDatabase):
        # What sqlite3's adapter would make of it, on every row it is written to.
        return value.isoformat(" ")
    return value


def execute_many(sql: str, rows: list[tuple]) -> None:
    """Run a statement written with ``?`` placeholders once per row."""
    if rows:
        with driver_errors():
            db.cursor().executemany(sql.replace("?", db.param), rows)


def select(sql: str, params=()) -> list[tuple]:
    """Rows of a query written with ``?`` placeholders, whatever the database."""
    sql = sql.replace("?", db.param)
    if isinstance(db.obj, pw.SqliteDatabase):
        return list(db.execute_sql(sql, params).fetchall())
    # An import's tables grow inside its transaction while their statistics
    # still describe them as they were: psycopg's prepared statements get a
    # generic plan made from those, which scans what an index should find
    # and made a re-import many times slower, so each lookup is planned afresh.
    cursor = db.cursor()
    with driver_errors():
        cursor.execute(sql, params, prepare=False)
    return list(cursor.fetchall())


# Texts sent to PostgreSQL as one string, split by the server: psycopg quotes
# and escapes an array's texts one by one in Python, which made indexing an
# import's texts several times slower, the writer's and the server's time
# together. The separator is a control character no text is expected to hold;
# texts that hold it go as an array.
SEPARATOR = "\x1f"
SPLIT_TEXTS = f"string_to_array(?, E'\\x{ord(SEPARATOR):02x}')"


def joined_texts(values: list) -> str | None:
    """``values`` as one string for ``SPLIT_TEXTS``, or None if they are not
    all texts, or one holds the separator."""
    if not values or not all(isinstance(v, str) for v in values):
        return None
    joined = SEPARATOR.join(values)
    return joined if joined.count(SEPARATOR) == len(values) - 1 else None


def select_in(sql: str, params: tuple, values: list, size: int = 500) -> list[tuple]:
    """Rows of ``sql``, whose ``IN ({marks})`` takes ``values`` ``size`` at a
    time (after ``params``): one statement per part, not one per value.

    PostgreSQL takes them all as one array instead (``= ANY``): a statement
    planned once, where an IN list of 500 is planned value by value, and an
    import asks for its events' identities twice a chunk.
    """
    if isinstance(db.obj, pw.PostgresqlDatabase) and " IN ({marks})" in sql:
        values = list(values)
        joined = joined_texts(values)
        if joined is not None:
            return select(
                sql.replace(" IN ({marks})", f" = ANY({SPLIT_TEXTS})"),
                (*params, joined),
            )
        return select(sql.replace(" IN ({marks})", " = ANY(?)"), (*params, values))
    rows = []
    for start in range(0, len(values), size):
        part = values[start : start + size]
        marks = ", ".join("?" for _ in part)
        rows += select(sql.format(marks=marks), (*params, *part))
    return rows

"""Lists: sorting with a stable tiebreak, page numbers, keyset cursors, projections."""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import peewee as pw

from api.db import is_sqlite
from api.services.errors import InvalidFilter

# Totals are exact up to this many matches; above, X-Pagination says so and
# the count stops, for a scan (cursor) or the stats endpoint is the tool.
COUNT_LIMIT = 10_000
# Past this many times the limit in the planner's estimate, matches are not
# counted (see Listing.count); nor are they when counting takes longer than
# this, on PostgreSQL.
ESTIMATE_FACTOR = 2
COUNT_TIMEOUT_MS = 25
QUERY_CANCELED = "57014"


@dataclass(frozen=True)
class SortKey:
    """A sortable field: its public name, the SQL expression, and how to read it."""

    name: str
    expression: pw.Node
    parse: Callable = str
    null_value: object = None

    def value_of(self, row):
        value = getattr(row, self.name)
        return self.null_value if value is None else value

    def db_value(self, value):
        # Naive UTC is how timestamps are stored (see UTCDateTimeField).
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value


def key(field: pw.Field, parse: Callable = str, null_value=None) -> SortKey:
    """A sort key on a column; NULLs sort as ``null_value`` so keysets stay total."""
    expression = field if null_value is None else pw.fn.COALESCE(field, null_value)
    return SortKey(field.name, expression, parse, null_value)


def _encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _check_storable(value) -> None:
    """Refuse what no column could hold: a forged cursor must not reach SQL."""
    if isinstance(value, bool) or (isinstance(value, int) and abs(value) >= 2**63):
        raise ValueError("integer out of range")
    if isinstance(value, float) and value != value:
        raise ValueError("not a number")
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("NUL in text")
    if isinstance(value, datetime) and value.tzinfo is not None:
        value.astimezone(UTC)  # raises OverflowError at the ends of time


def _decode(cursor: str, keys: list[SortKey]) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("wrong length")
        parsed = [key.parse(value) for key, value in zip(keys, values, strict=True)]
        for value in parsed:
            _check_storable(value)
        return parsed
    except (
        ValueError,
        TypeError,
        OverflowError,
        binascii.Error,
        UnicodeDecodeError,
    ) as error:
        raise InvalidFilter(
            "Invalid cursor.",
            {
                "cursor": [
                    "Not a cursor from this list with this sort; start again "
                    "with cursor= (empty)."
                ]
            },
        ) from error


def ranked_sort(sort: str | None) -> tuple[bool, str | None]:
    """Whether ``sort`` asks for relevance first, and the fields after it."""
    if sort is None:
        return False, None
    first, _, rest = sort.partition(",")
    if first.strip() != "relevance":
        return False, sort
    return True, rest or None


def parse_sort(spec: str, keys: dict[str, SortKey]):
    """[(SortKey, descending)] for ``-date_start,event_code``, always ending in id.

    The id that breaks ties runs the way the last named field does: an order
    in one direction is an index range read from where the last batch ended
    (see ``Listing._after``), where a mixed one reads every row up to it.
    """
    order, named = [], set()
    for part in (p.strip() for p in spec.split(",")):
        name = part.lstrip("-")
        if name not in named:
            named.add(name)
            order.append((keys[name], part.startswith("-")))
        if name == "id":
            break
    if "id" not in named:
        order.append((keys["id"], order[-1][1] if order else False))
    return order


@dataclass
class Listing:
    """A filtered query and how to sort, page, load and shape its rows."""

    query: pw.ModelSelect
    order: list[tuple[SortKey, bool]]
    hydrate: Callable[[list], None] | None = None
    fields: list[str] | None = None
    cursor: str | None = None
    # Output field -> row attribute, where the two differ.
    renames: dict[str, str] = field(default_factory=dict)
    next_cursor: str | None = field(default=None, init=False)
    # The total is the planner's estimate: counting took too long.
    estimated: bool = field(default=False, init=False)
    # Rows up to the end of the page served, and whether it was the last.
    served: tuple[int, bool] | None = field(default=None, init=False)

    @property
    def keys(self) -> list[SortKey]:
        return [key for key, _ in self.order]

    def _ordered(self, query):
        return query.order_by(
            *[k.expression.desc() if d else k.expression.asc() for k, d in self.order]
        )

    def _after(self, values: list) -> pw.Expression:
        """Rows strictly after ``values`` in this order (keyset condition).

        In one direction it is a row-value comparison, which SQLite and
        PostgreSQL both answer as a range of an index on the keys; the
        expanded OR form they answer by filtering every row before it.
        """
        directions = {descending for _, descending in self.order}
        if len(directions) == 1:
            keys = pw.Tuple(*(key.expression for key in self.keys))
            bound = pw.Tuple(
                *(
                    key.db_value(value)
                    for key, value in zip(self.keys, values, strict=True)
                )
            )
            first, value = self.keys[0].expression, bound.nodes[0]
            # Implied by the row value; but SQLite reads an index on an
            # expression as a range only when the expression has a bound of
            # its own, and otherwise scans it from the start.
            if directions.pop():
                return (first <= value) & (keys < bound)
            return (first >= value) & (keys > bound)
        condition = None
        for i, (key, descending) in enumerate(self.order):
            value = key.db_value(values[i])
            step = key.expression < value if descending else key.expression > value
            for earlier, (prev, _) in enumerate(self.order[:i]):
                step &= prev.expression == prev.db_value(values[earlier])
            condition = step if condition is None else condition | step
        return condition

    def page(self, number: int, size: int) -> list:
        if self.cursor is None:
            rows = list(self._ordered(self.query).paginate(number, size))
        else:
            query = self.query
            if self.cursor:
                query = query.where(self._after(_decode(self.cursor, self.keys)))
            rows = list(self._ordered(query).limit(size + 1))
            if len(rows) > size:
                rows = rows[:size]
                self.next_cursor = _encode([k.value_of(rows[-1]) for k in self.keys])
        if self.hydrate and rows:
            self.hydrate(rows)
        if self.cursor is None:
            self.served = (number - 1) * size + len(rows), len(rows) < size
        return self.project(rows)

    def scan(self, size: int, shape: Callable | None = None, read=None):
        """Every row from the cursor on, as dicts, ``size`` at a time.

        Each batch starts after the last row of the one before (keyset, never
        OFFSET), so exporting a million rows costs what a thousand do, in time
        per row and in memory. ``shape`` may change the select list and join;
        ``read`` turns a query into dicts (by default peewee's ``dicts()``).
        A bad cursor is refused here, before any row is read.
        """
        query = shape(self.query) if shape else self.query
        after = _decode(self.cursor, self.keys) if self.cursor else None
        return self._batches(query, after, size, read or (lambda q: list(q.dicts())))

    def _batches(self, query, after, size: int, read: Callable):
        while True:
            batch = query if after is None else query.where(self._after(after))
            rows = read(self._ordered(batch).limit(size))
            if rows:
                yield rows
            if len(rows) < size:
                return
            last = rows[-1]
            after = [
                k.null_value if last[k.name] is None else last[k.name]
                for k in self.keys
            ]

    def project(self, rows: list) -> list:
        if not self.fields:
            return rows
        return [project(row, self.fields, self.renames) for row in rows]

    def count(self) -> int | None:
        """Matches up to COUNT_LIMIT: past it, totals cost more than they tell.

        Counting to the limit reads that many matches, as long as a page of
        a common word or a month of a large table takes several times over.
        On PostgreSQL, where the planner expects ESTIMATE_FACTOR times the
        limit or more, the matches are taken to pass it uncounted (the total
        is then inexact, as it is for any count past the limit).
        """
        if self.cursor is not None:
            return None
        matches = self.query.order_by().select(pw.SQL("1"))
        database = self.query.model._meta.database
        capped = matches.limit(COUNT_LIMIT + 1)
        counting = pw.Select([capped.alias("capped")], [pw.fn.COUNT(pw.SQL("*"))])
        if is_sqlite():
            return counting.bind(database).scalar()
        estimate = _estimate(matches)
        if estimate >= ESTIMATE_FACTOR * COUNT_LIMIT:
            return COUNT_LIMIT + 1
        try:
            with database.atomic():
                database.execute_sql(
                    f"SET LOCAL statement_timeout = {COUNT_TIMEOUT_MS}"
                )
                counted = counting.bind(database).scalar()
                database.execute_sql("SET LOCAL statement_timeout TO DEFAULT")
                return counted
        except pw.OperationalError as error:
            if getattr(error, "sqlstate", None) != QUERY_CANCELED and (
                "statement timeout" not in str(error)
            ):
                raise
        # Matches the database cannot count in time (filters whose
        # intersection no index holds): the estimate, said to be inexact,
        # but never fewer than the pages served show, and exact when the
        # page served was the last.
        seen, last = self.served or (0, False)
        if last:
            return seen
        self.estimated = True
        return min(max(int(estimate), seen + 1), COUNT_LIMIT)


def _estimate(query: pw.Query) -> float:
    """The rows PostgreSQL's planner expects ``query`` to return."""
    sql, params = query.sql()
    cursor = query.model._meta.database.execute_sql(
        f"EXPLAIN (FORMAT JSON) {sql}", params
    )
    plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def project(row, fields: list[str] | None, renames: dict[str, str] | None = None):
    """``row`` reduced to ``fields`` (and id), as a dict the output schema dumps."""
    if not fields:
        return row
    renames = renames or {}
    attributes = [renames.get(f, f) for f in ("id", *fields)]
    return {a: getattr(row, a) for a in attributes if hasattr(row, a)}


def to_date(value: str) -> date:
    return date.fromisoformat(value)


def to_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)

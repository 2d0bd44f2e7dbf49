"""Queries whose SQL text is built once per database, then run with new values.

Peewee builds a statement's text node by node each time it runs it. For the
few-row reads nearly every request makes (its API key, a record by id, an
event's links) building the text cost several times what running it did, so
these are built once, with placeholder values, and later runs bind the real
values to the same text. Rows come back through the query's own cursor
wrapper: models, dicts and value conversions are as the builder gives them.
The wrapper's reading of the result's columns (which field each is, how
to convert it) is the same for every run of one text, so it is kept too.
"""

import weakref
from collections.abc import Callable
from dataclasses import dataclass

import peewee as pw

from api.db import db, execute_prepared

# Placeholder values a query is built with, found again among its parameters.
# No real value takes them: ids are positive and 32-bit, texts hold no \x1f.
INT = -(2**62) + 20_231
TEXT = "\x1fplaceholder\x1f"


class Prepared:
    """A query made by ``build(*placeholders)``, run as ``run(*values)``."""

    def __init__(self, build: Callable[..., pw.Query], *placeholders):
        self._build, self._placeholders = build, placeholders
        # One text per database object: SQLite and PostgreSQL spell it apart.
        self._compiled = weakref.WeakKeyDictionary()

    def _compile(self, database: pw.Database):
        query = self._build(*self._placeholders)
        sql, params = query.sql()
        slots = [
            self._placeholders.index(p) if p in self._placeholders else None
            for p in params
        ]
        if {s for s in slots if s is not None} != set(range(len(self._placeholders))):
            raise ValueError(f"A placeholder is missing from the query: {sql}")
        compiled = _Compiled(query, sql, params, slots)
        self._compiled[database] = compiled
        return compiled

    def run(self, *values):
        """The query's rows for ``values``, in the placeholders' order."""
        database = db.obj
        compiled = self._compiled.get(database) or self._compile(database)
        bound = [
            p if s is None else values[s]
            for p, s in zip(compiled.params, compiled.slots, strict=True)
        ]
        cursor = execute_prepared(database, compiled.sql, bound)
        wrapper = compiled.query._get_cursor_wrapper(cursor)
        if compiled.columns is None:
            before = set(vars(wrapper))
            wrapper.initialize()
            compiled.columns = {
                name: value
                for name, value in vars(wrapper).items()
                if name not in before
            }
        else:
            vars(wrapper).update(compiled.columns)
        wrapper.initialized = True
        return wrapper


@dataclass
class _Compiled:
    query: pw.Query
    sql: str
    params: list
    slots: list[int | None]
    # What the cursor wrapper's initialize() derived from the result's columns.
    columns: dict | None = None

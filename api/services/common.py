"""Helpers every service uses: lookups and listings."""

from collections.abc import Iterable

import peewee as pw

from api.db import is_sqlite
from api.services.errors import InvalidData, NotFound
from api.services.prepared import INT, Prepared


def get_or_404(
    model: type[pw.Model], record_id: int, label: str | None = None, lock=False
):
    """Return the record with ``record_id`` or raise NotFound.

    ``lock`` holds the row until the transaction ends (PostgreSQL), so that an
    If-Match check and the write it guards see the same version; SQLite's
    writers already hold the whole database from BEGIN IMMEDIATE.
    """
    database = model._meta.database
    if lock and isinstance(getattr(database, "obj", database), pw.PostgresqlDatabase):
        record = model.select().where(model.id == record_id).for_update().first()
    else:
        record = next(iter(_by_id(model).run(record_id)), None)
    if record is None:
        raise NotFound(label or model.__name__, record_id)
    return record


_BY_ID: dict[type[pw.Model], Prepared] = {}


def _by_id(model: type[pw.Model]) -> Prepared:
    if model not in _BY_ID:
        _BY_ID[model] = Prepared(
            lambda i: model.select().where(model.id == i).limit(1), INT
        )
    return _BY_ID[model]


def among(column: pw.Field, ids: Iterable[int]) -> pw.Expression:
    """``column IN ids`` with one parameter, however many ids there are.

    Peewee builds a list of a thousand parameters node by node, a sizeable
    part of what serving a page of the change feed took.
    """
    return among_listed(column, id_list(ids))


def among_listed(column: pw.Field, listed) -> pw.Expression:
    """``among`` for ids already made one parameter by ``id_list``."""
    if is_sqlite():
        return column.in_(pw.SQL("(SELECT value FROM json_each(?))", [listed]))
    return column == pw.fn.ANY(pw.SQL("CAST(%s AS BIGINT[])", [listed]))


def id_list(ids: Iterable[int]) -> str:
    # One text parameter, read as a JSON array by SQLite and as an array
    # literal by PostgreSQL; psycopg's list dumper tested every id by regex.
    text = ",".join(map(str, ids))
    return f"[{text}]" if is_sqlite() else f"{{{text}}}"


def missing_ids(model: type[pw.Model], ids: Iterable[int]) -> set[int]:
    """The ids among ``ids`` that have no row in ``model``'s table."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    found = {
        row[0] for row in model.select(model.id).where(model.id.in_(wanted)).tuples()
    }
    return wanted - found


def check_reference(errors: dict, field_name: str, model, record_id, label: str):
    """Record an error when ``record_id`` names no row of ``model``."""
    if record_id is not None and missing_ids(model, [record_id]):
        errors[field_name] = [f"{label} {record_id} does not exist."]


def raise_if(errors: dict, message: str = "The request body has invalid fields."):
    if errors:
        raise InvalidData(message, errors)


def apply(record: pw.Model, data: dict, names: Iterable[str]):
    """Copy the fields of ``data`` that are given onto ``record``."""
    for name in names:
        if name in data:
            setattr(record, name, data[name])

"""Show the SQL each benchmark request runs, its cost, and the plans of slow ones.

python -m bench.explain --database-url URL [--only NAME] [--min-ms 5] [--sql]
"""

import argparse
import time

import peewee as pw

from bench.queries import context, fetch, make_app, requests, resolve


def capture(app, client, url: str) -> tuple[float, list]:
    """Milliseconds for one request of ``url``, and the statements it ran."""
    database = app.extensions["dateline_db"]
    statements = []

    def hook(event):
        statements.append((event.sql, event.params))

    database.query_hooks.append(hook)
    try:
        started = time.perf_counter()
        fetch(client, url)
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        database.query_hooks.remove(hook)
    return elapsed, statements


def run(database: pw.Database, sql: str, params) -> float:
    """Milliseconds to run ``sql`` and fetch every row (SQLite works lazily)."""
    started = time.perf_counter()
    cursor = database.execute_sql(sql, params)
    cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def plan(database: pw.Database, sql: str, params) -> list[str]:
    if isinstance(database, pw.PostgresqlDatabase):
        rows = database.execute_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [line for (line,) in rows.fetchall()]
    rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    depth = {0: -1}
    lines = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def explain(app, client, request, min_ms: float, show_sql: bool) -> None:
    database = app.extensions["dateline_db"]
    url = resolve(client, request)
    fetch(client, url)
    elapsed, statements = capture(app, client, url)
    # Settings a request makes for one statement (a count's time limit)
    # are left out: the statements are replayed, and explained, on their own.
    statements = [
        (sql, p) for sql, p in statements if sql.split(None, 1)[0] == "SELECT"
    ]
    with database.connection_context():
        costs = [run(database, sql, params) for sql, params in statements]
        print(
            f"== {request.name}: request {elapsed:.1f} ms, SQL {sum(costs):.1f} ms "
            f"in {len(statements)} statements\n   {url}"
        )
        for (sql, params), cost in zip(statements, costs, strict=True):
            print(f"  {cost:7.1f} ms  {sql[:110]}")
            if cost < min_ms:
                continue
            if show_sql:
                print(f"           SQL: {sql}\n           params: {params}")
            for line in plan(database, sql, params):
                print(f"           | {line}")
    print()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--only", action="append", help="explain only these names")
    parser.add_argument("--min-ms", type=float, default=5.0)
    parser.add_argument("--sql", action="store_true", help="print full SQL")
    args = parser.parse_args(argv)
    app = make_app(args.database_url)
    found = context(app)
    client = app.test_client()
    for request in requests(found["syria_id"], found["event_id"]):
        if not args.only or request.name in args.only:
            explain(app, client, request, args.min_ms, args.sql)


if __name__ == "__main__":
    main()

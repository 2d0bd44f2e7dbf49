"""Seconds spent in chosen functions of the writer, summed per call site.

``bench.ingest_halves --phases`` wraps the writer's bulk statements with
these to show which table an import's time goes to; the figures include the
database's own work, which happens inside those calls. A call made inside
another counts in both (``record_many`` holds its ``insert_many revision``).
"""

import importlib
import time
from collections import Counter

# (module, function, whether its first argument names what it writes)
WRITER_CALLS = (
    ("api.services.bulk_sql", "insert_many", True),
    ("api.services.bulk_sql", "execute_many", True),
    ("api.services.bulk_sql", "select", True),
    ("api.services.bulk_sql", "select_in", True),
    ("api.services.bulk_sql", "reserve_ids", False),
    ("api.services.search", "index_texts", False),
    ("api.services.history", "record_many", False),
    ("api.services.ingest.identity", "existing", False),
    ("api.services.ingest.write", "_keep_statistics", False),
)


def time_calls(calls=WRITER_CALLS) -> Counter:
    """Wrap ``calls`` in place; the returned Counter fills as they run."""
    spent: Counter = Counter()
    for module_name, name, by_first in calls:
        module = importlib.import_module(module_name)
        original = getattr(module, name)

        def timed(*args, _original=original, _name=name, _by_first=by_first, **kw):
            started = time.perf_counter()
            try:
                return _original(*args, **kw)
            finally:
                label = f"{_name} {str(args[0])[:40]}" if _by_first else _name
                spent[label] += time.perf_counter() - started

        setattr(module, name, timed)
    return spent

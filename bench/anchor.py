"""How fast this machine is right now, for reading a benchmark's figures.

Our machines share their hosts: the same pure-Python loop has taken 2.6 s and
5.1 s within the hour, with nothing else running in the machine. A figure
alone cannot say whether the code or the host changed, so each benchmark
times this fixed workload before and after its runs and prints the factor
against a quiet machine (> 1: slower than quiet). Compare figures taken at
similar factors, or the ratios a benchmark measures within one run.
"""

import time

import orjson

# The workload's time on a quiet project machine (2 cores, 2026-12-01): the
# best of five, at the start of a session.
QUIET_MS = 36.0


def _workload() -> int:
    # Dicts, strings and JSON: the kind of work an export or an import does.
    size = 0
    for n in range(40_000):
        row = {"id": n, "name": f"event {n}", "code": str(n % 300), "lat": n / 7}
        size += len(orjson.dumps(row)) + len(",".join([row["name"], row["code"]]))
    return size


def workload_ms(repeat: int = 5) -> float:
    """The best of ``repeat`` runs of the workload, in ms."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        _workload()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def describe(before_ms: float, after_ms: float) -> str:
    """A line saying how loaded the host was over a benchmark's runs."""
    return (
        f"machine: reference workload {before_ms:.0f} ms before, {after_ms:.0f} ms "
        f"after; {before_ms / QUIET_MS:.2f}x / {after_ms / QUIET_MS:.2f}x a quiet "
        f"machine's {QUIET_MS:.0f} ms (1.00x = quiet; figures slow roughly with it)"
    )

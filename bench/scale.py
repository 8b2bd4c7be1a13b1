"""A municipality's years in one file (``bench.realistic``): the overdue list and `tick`
over the deadlines due (with delivery to a log channel), against plain sqlite3 running
the overdue list's query; and, once, listing every open case, with the peak memory of it
all. Each in a process of its own, so that the first query is the first of a process (as
when a screen opens) and each peak memory figure is its own. Before each round the file
is read through, so that both sides find it in the page cache (as far as the machine
keeps it there: how fast it was read says), as a server that keeps it there would; what
is measured is then samskab, not the disk:

    python -m bench.scale ready PATH DUE ABOVE  # the next DUE deadlines due (bench.realistic.arm),
                                                # the file read through
    python -m bench.scale engine PATH         # samskab: the overdue list, then tick
    python -m bench.scale sqlite3 PATH        # the baseline: the overdue list's query
    python -m bench.scale list engine PATH    # every open case, through the service
    python -m bench.scale list sqlite3 PATH   # every open case's row, its fields read
"""

import json
import os
import sqlite3
import statistics
import sys
import time

from bench.memory import peak_rss_mb
from bench.realistic import NOW, arm

OVERDUE = 2000
"""The overdue list's page: the oldest this many."""


def _timed_twice(query) -> tuple[list, float, float]:
    """The rows, the first query's seconds (as a screen opens) and the median of five more
    (as it refreshes)."""
    started = time.perf_counter()
    rows = query()
    first = time.perf_counter() - started
    again = []
    for _ in range(5):
        started = time.perf_counter()
        query()
        again.append(time.perf_counter() - started)
    return rows, first, statistics.median(again)


def _engine(path: str):
    os.environ["SAMSKAB_NOW"] = NOW.isoformat()
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    return open_engine(path, pm=make_plugin_manager(load_entrypoints=False))


def measure_engine(path: str) -> dict:
    from samskab.engine.readmodels import CaseFilter

    engine = _engine(path)
    where = CaseFilter(overdue_at=NOW, open_only=True, order_by="next_due", limit=OVERDUE)
    overdue, overdue_s, again_s = _timed_twice(lambda: engine.cases(where))
    started = time.perf_counter()
    report = engine.tick()
    tick_s = time.perf_counter() - started
    engine.store.close()
    return {
        "overdue": len(overdue),
        "overdue_query_s": overdue_s,
        "overdue_again_s": again_s,
        "fired": len(report.deadlines) + len(report.actions) + len(report.reminders) + len(report.failed),
        "delivered": report.delivery.sent,
        "tick_s": tick_s,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_sqlite3(path: str) -> dict:
    conn = sqlite3.connect(path)
    stamp = NOW.isoformat(timespec="seconds")
    overdue, overdue_s, again_s = _timed_twice(
        lambda: conn.execute(
            "SELECT * FROM cases WHERE closed_at IS NULL AND next_due <= ? ORDER BY next_due LIMIT ?",
            (stamp, OVERDUE),
        ).fetchall()
    )
    return {
        "overdue": len(overdue),
        "overdue_query_s": overdue_s,
        "overdue_again_s": again_s,
        "peak_rss_mb": peak_rss_mb(),
    }


def list_all(side: str, path: str) -> dict:
    started = time.perf_counter()
    if side == "engine":
        from samskab.engine.readmodels import CaseFilter
        from samskab.engine.service import Service

        engine = _engine(path)
        listed = sum(1 for _ in Service(engine, engine.actor(), "da").cases(CaseFilter(open_only=True)))
    else:
        conn = sqlite3.connect(path)
        listed = sum(
            1
            for row in conn.execute("SELECT * FROM cases WHERE closed_at IS NULL ORDER BY id")
            if json.loads(row[6]) is not None
        )
    return {"listed": listed, "list_all_s": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb()}


def ready(path: str, due: int, above: int) -> dict:
    armed = arm(path, due, above)
    started = time.perf_counter()
    for name in (path, path + "-wal"):
        if os.path.exists(name):
            with open(name, "rb") as file:
                while file.read(1 << 24):
                    pass
    return {"armed": armed, "read_s": time.perf_counter() - started}


def main(argv: list[str]) -> dict:
    if argv[0] == "ready":
        return ready(argv[1], int(argv[2]), int(argv[3]))
    if argv[0] == "list":
        return list_all(argv[1], argv[2])
    return {"engine": measure_engine, "sqlite3": measure_sqlite3}[argv[0]](argv[1])


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))

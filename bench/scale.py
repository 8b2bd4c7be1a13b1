"""A municipality's years in one file: N cases, 0.1% overdue. Measures the overdue list,
`tick` over the 0.1% (with delivery to the outbox and a log channel), and peak memory
while listing every case and ticking, against plain sqlite3 doing the same reads.

    python -m bench.scale build PATH N     # the database (rows written directly)
    python -m bench.scale engine PATH      # samskab's figures
    python -m bench.scale sqlite3 PATH     # the baseline's figures
"""

import datetime as dt
import json
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from bench.memory import peak_rss_mb

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
CONFIG = '[channels.journal]\ntype = "log"\npath = "{log}"\n'


def build(path: str, n: int) -> None:
    """One case through the engine (to store its definition), the rest as rows alike."""
    from samskab.engine.config import Actor
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    Path(path).with_name("samskab.toml").write_text(CONFIG.format(log=Path(path).with_name("journal.log")))
    engine = open_engine(f"sqlite:{path}?synchronous=OFF", pm=make_plugin_manager(load_entrypoints=False))
    first = engine.new_case("partnerskab", "Skabelon", {"organisation": "Forening"}, Actor("bench", None))
    engine.store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    rng = random.Random(1)
    stamp = NOW.isoformat(timespec="seconds")
    conn.execute("BEGIN")
    for start in range(1, n, 50_000):
        chunk = range(start, min(start + 50_000, n))
        due = [
            (
                NOW - dt.timedelta(days=1) if i % 1000 == 0 else NOW + dt.timedelta(days=rng.randint(1, 900))
            ).isoformat(timespec="seconds")
            for i in chunk
        ]
        conn.executemany(
            "INSERT INTO cases (title, process_id, version, definition_sha256, state, fields, created_at,"
            " updated_at, revision, next_due) VALUES (?, 'partnerskab', ?, ?, 'til_underskrift', ?, ?, ?, 3, ?)",
            [
                (
                    f"Partnerskab {i}",
                    first.version,
                    first.definition_sha256,
                    '{"organisation": "Forening"}',
                    stamp,
                    stamp,
                    d,
                )
                for i, d in zip(chunk, due, strict=True)
            ],
        )
        last = conn.execute("SELECT max(id) FROM cases").fetchone()[0]
        ids = range(last - len(due) + 1, last + 1)
        conn.executemany(
            "INSERT INTO deadlines (case_id, state, kind, due_at) VALUES (?, 'til_underskrift', 'deadline', ?)",
            zip(ids, due, strict=True),
        )
    conn.execute("COMMIT")


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


def measure_engine(path: str) -> dict:
    import os

    os.environ["SAMSKAB_NOW"] = NOW.isoformat()
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager
    from samskab.engine.readmodels import CaseFilter

    engine = open_engine(path, pm=make_plugin_manager(load_entrypoints=False))
    where = CaseFilter(overdue_at=NOW, open_only=True, order_by="next_due", limit=2000)
    overdue, overdue_s, again_s = _timed_twice(lambda: engine.cases(where))
    started = time.perf_counter()
    from samskab.engine.service import Service

    listed = sum(1 for _ in Service(engine, engine.actor(), "da").cases(CaseFilter(open_only=True)))
    list_s = time.perf_counter() - started
    started = time.perf_counter()
    report = engine.tick()
    tick_s = time.perf_counter() - started
    return {
        "overdue": len(overdue),
        "overdue_query_s": overdue_s,
        "overdue_again_s": again_s,
        "listed": listed,
        "list_all_s": list_s,
        "ticked": len(report.deadlines),
        "delivered": report.delivery.sent,
        "tick_s": tick_s,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_sqlite3(path: str) -> dict:
    conn = sqlite3.connect(path)
    stamp = NOW.isoformat(timespec="seconds")
    overdue, overdue_s, again_s = _timed_twice(
        lambda: conn.execute(
            "SELECT * FROM cases WHERE closed_at IS NULL AND next_due <= ? ORDER BY next_due LIMIT 2000",
            (stamp,),
        ).fetchall()
    )
    started = time.perf_counter()
    listed = sum(
        1
        for row in conn.execute("SELECT * FROM cases WHERE closed_at IS NULL ORDER BY id")
        if json.loads(row[6])
    )
    list_s = time.perf_counter() - started
    return {
        "overdue": len(overdue),
        "overdue_query_s": overdue_s,
        "overdue_again_s": again_s,
        "listed": listed,
        "list_all_s": list_s,
        "peak_rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(sys.argv[2], int(sys.argv[3]))
    else:
        print(json.dumps({"engine": measure_engine, "sqlite3": measure_sqlite3}[sys.argv[1]](sys.argv[2])))

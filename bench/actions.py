"""Durable actions: N cases created, then each advanced once, through the engine and
through plain sqlite3 doing the same change by hand (the baseline: UPDATE the case and
INSERT its event, one transaction each, on tables shaped like samskab's).

The cases are advanced in rounds that alternate between the two sides, so that a slow
spell of the machine falls on both; the figure is the median of the rounds' ratios.
Each round runs in a process of its own, so that each peak memory figure is its own:

    python -m bench.actions build engine 100000 engine.db   # prints the seconds per create
    python -m bench.actions advance engine engine.db NORMAL 1 20000
"""

import json
import os
import sqlite3
import sys
import time

from bench.memory import peak_rss_mb

VALUES = {"organisation": "Foreningen", "dialogmoede_dato": "2026-01-10", "deltagere": "Alle"}
NOW = "2026-01-10T09:00:00+00:00"


def _engine(path: str, synchronous: str = "NORMAL"):
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    return open_engine(
        f"sqlite:{path}?synchronous={synchronous}", pm=make_plugin_manager(load_entrypoints=False)
    )


def build_engine(n: int, path: str) -> float:
    from samskab.engine.config import Actor

    engine, actor = _engine(path), Actor("bench", None)
    started = time.perf_counter()
    for i in range(n):
        engine.new_case("partnerskab", f"Partnerskab {i}", actor=actor)
    seconds = time.perf_counter() - started
    engine.store.close()  # the log copied into the file, which is copied for the FULL rounds
    return seconds


def advance_engine(path: str, synchronous: str, first: int, count: int) -> float:
    from samskab.engine.config import Actor

    engine, actor = _engine(path, synchronous), Actor("bench", None)
    started = time.perf_counter()
    for case_id in range(first, first + count):
        engine.advance(case_id, "udform_aftale", VALUES, actor=actor)
    return time.perf_counter() - started


def connect(path: str, synchronous: str = "NORMAL") -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    return conn


SAMSKAB_SHAPED = """
    CREATE TABLE cases (id INTEGER PRIMARY KEY, title TEXT, process_id TEXT, version INTEGER,
        definition_sha256 TEXT, state TEXT, fields TEXT, created_at TEXT, updated_at TEXT,
        closed_at TEXT, revision INTEGER, next_due TEXT, owner TEXT);
    CREATE TABLE events (id INTEGER PRIMARY KEY, case_id INTEGER REFERENCES cases(id), at TEXT,
        actor TEXT, kind TEXT, action TEXT, from_state TEXT, to_state TEXT, changes TEXT, note TEXT);
    CREATE INDEX cases_state ON cases(process_id, state);
    CREATE INDEX cases_updated ON cases(updated_at);
    CREATE INDEX events_case ON events(case_id);
"""
"""The baselines' tables: cases and events as samskab keeps them (fewer indexes)."""


def build_sqlite3(n: int, path: str) -> float:
    """The rows and indexes samskab keeps for the same cases, written by hand."""
    conn = connect(path)
    conn.executescript(SAMSKAB_SHAPED)
    started = time.perf_counter()
    for i in range(n):
        conn.execute("BEGIN")
        cursor = conn.execute(
            "INSERT INTO cases (title, process_id, version, definition_sha256, state, fields,"
            " created_at, updated_at, revision) VALUES (?, 'partnerskab', 1, 'x', 'dialog', '{}', ?, ?, 1)",
            (f"Partnerskab {i}", NOW, NOW),
        )
        conn.execute(
            "INSERT INTO events (case_id, at, actor, kind, to_state, changes) VALUES (?, ?, 'bench', 'created', 'dialog', '{}')",
            (cursor.lastrowid, NOW),
        )
        conn.execute("COMMIT")
    return time.perf_counter() - started


def advance_sqlite3(path: str, synchronous: str, first: int, count: int) -> float:
    conn = connect(path, synchronous)
    fields = json.dumps(VALUES)
    started = time.perf_counter()
    for case_id in range(first, first + count):
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE cases SET state = 'aftaleudkast', fields = ?, updated_at = ?, revision = revision + 1"
            " WHERE id = ? AND revision = 1",
            (fields, NOW, case_id),
        )
        conn.execute(
            "INSERT INTO events (case_id, at, actor, kind, action, from_state, to_state, changes)"
            " VALUES (?, ?, 'bench', 'action', 'udform_aftale', 'dialog', 'aftaleudkast', ?)",
            (case_id, NOW, fields),
        )
        conn.execute("COMMIT")
    return time.perf_counter() - started


def main() -> None:
    step, side = sys.argv[1], sys.argv[2]
    if step == "build":
        n, path = int(sys.argv[3]), sys.argv[4]
        for leftover in (path, path + "-wal", path + "-shm", os.path.splitext(path)[0] + ".key"):
            if os.path.exists(leftover):
                os.remove(leftover)
        seconds = {"engine": build_engine, "sqlite3": build_sqlite3}[side](n, path)
        result = {"create_s": seconds, "n": n}
    else:
        path, synchronous, first, count = sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
        seconds = {"engine": advance_engine, "sqlite3": advance_sqlite3}[side](
            path, synchronous, first, count
        )
        result = {"advance_s": seconds, "n": count}
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

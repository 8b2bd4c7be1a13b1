"""Durable actions: create N cases and advance each once, through the engine and through
plain sqlite3 doing the same writes (the baseline).

Run one side per process, so that each peak memory figure is its own:

    python -m bench.actions engine 100000 bench.db
    python -m bench.actions sqlite3 100000 bench.db
"""

import json
import os
import sqlite3
import sys
import time

from bench.memory import peak_rss_mb


def run_engine(n: int, path: str, synchronous: str) -> dict:
    from engine.config import Actor
    from engine.core import open_engine
    from engine.plugins import make_plugin_manager

    engine = open_engine(f"sqlite:{path}?synchronous={synchronous}",
                         pm=make_plugin_manager(load_entrypoints=False))
    actor = Actor("bench", None)
    started = time.perf_counter()
    ids = [engine.new_case("partnerskab", f"Partnerskab {i}", actor=actor).id for i in range(n)]
    created = time.perf_counter()
    values = {"organisation": "Foreningen", "dialogmoede_dato": "2026-01-10", "deltagere": "Alle"}
    for case_id in ids:
        engine.advance(case_id, "udform_aftale", values, actor=actor)
    advanced = time.perf_counter()
    return {"create_s": created - started, "advance_s": advanced - created}


def run_sqlite3(n: int, path: str, synchronous: str) -> dict:
    """The same rows and indexes as the engine writes, by hand, one transaction each."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.executescript("""
        CREATE TABLE cases (id INTEGER PRIMARY KEY, title TEXT, process_id TEXT, version INTEGER,
            definition_sha256 TEXT, state TEXT, fields TEXT, created_at TEXT, updated_at TEXT,
            closed_at TEXT, revision INTEGER);
        CREATE TABLE events (id INTEGER PRIMARY KEY, case_id INTEGER REFERENCES cases(id), at TEXT,
            actor TEXT, kind TEXT, action TEXT, from_state TEXT, to_state TEXT, changes TEXT, note TEXT);
        CREATE INDEX cases_state ON cases(process_id, state);
        CREATE INDEX cases_updated ON cases(updated_at);
        CREATE INDEX events_case ON events(case_id);
    """)
    now = "2026-01-10T09:00:00+00:00"
    started = time.perf_counter()
    ids = []
    for i in range(n):
        conn.execute("BEGIN")
        cursor = conn.execute(
            "INSERT INTO cases (title, process_id, version, definition_sha256, state, fields,"
            " created_at, updated_at, revision) VALUES (?, 'partnerskab', 1, 'x', 'dialog', '{}', ?, ?, 1)",
            (f"Partnerskab {i}", now, now),
        )
        conn.execute(
            "INSERT INTO events (case_id, at, actor, kind, to_state, changes) VALUES (?, ?, 'bench', 'created', 'dialog', '{}')",
            (cursor.lastrowid, now),
        )
        conn.execute("COMMIT")
        ids.append(cursor.lastrowid)
    created = time.perf_counter()
    fields = json.dumps({"organisation": "Foreningen", "dialogmoede_dato": "2026-01-10", "deltagere": "Alle"})
    for case_id in ids:
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE cases SET state = 'aftaleudkast', fields = ?, updated_at = ?, revision = revision + 1"
            " WHERE id = ? AND revision = 1",
            (fields, now, case_id),
        )
        conn.execute(
            "INSERT INTO events (case_id, at, actor, kind, action, from_state, to_state, changes)"
            " VALUES (?, ?, 'bench', 'action', 'udform_aftale', 'dialog', 'aftaleudkast', ?)",
            (case_id, now, fields),
        )
        conn.execute("COMMIT")
    advanced = time.perf_counter()
    return {"create_s": created - started, "advance_s": advanced - created}


def main() -> None:
    which, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    synchronous = sys.argv[4] if len(sys.argv) > 4 else "NORMAL"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    result = {"engine": run_engine, "sqlite3": run_sqlite3}[which](n, path, synchronous)
    result["peak_rss_mb"] = peak_rss_mb()
    result["n"] = n
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""Durable actions on SQLite: cases opened, then each advanced once, by three sides:

- ``engine``: samskab;
- ``samework``: plain sqlite3 running exactly samskab's statements on a database
  samskab made, audit chain included (``bench.samework``): the ratio to it is
  samskab's own cost;
- ``minimal``: plain sqlite3 doing the least that makes the same change (UPDATE the case,
  INSERT its event, one transaction each, on tables shaped like samskab's, no chain).

All three run with samskab's settings (WAL, ``synchronous`` NORMAL or FULL, the same
checkpointing). The work is done in rounds that take the sides in turn (each round in a
process of its own, so that each peak memory figure is its own):

    python -m bench.actions seed engine PATH SEED   # PATH: a copy of SEED (minimal: empty)
    python -m bench.actions create engine PATH 2000 # prints the seconds of the last 1,999
    python -m bench.actions advance engine PATH NORMAL FIRST 2000
"""

import datetime as dt
import json
import os
import shutil
import sqlite3
import sys
import time

from bench.memory import peak_rss_mb

VALUES = {"organisation": "Foreningen", "dialogmoede_dato": "2026-01-10", "deltagere": "Alle"}
SIDES = ("engine", "samework", "minimal")


class _Engine:
    """samskab, as the benchmark drives it."""

    def __init__(self, path: str, synchronous: str):
        from samskab.engine.config import Actor
        from samskab.engine.core import open_engine
        from samskab.engine.plugins import make_plugin_manager

        self.engine = open_engine(
            f"sqlite:{path}?synchronous={synchronous}", pm=make_plugin_manager(load_entrypoints=False)
        )
        self.actor = Actor("bench", None)

    def create(self, title: str) -> int:
        return self.engine.new_case("partnerskab", title, actor=self.actor).id

    def advance(self, case_id: int, values: dict) -> None:
        self.engine.advance(case_id, "udform_aftale", values, actor=self.actor)

    def close(self) -> None:
        self.engine.store.close()


class _Minimal:
    """The least that makes the same change, on tables of its own (:func:`seed`)."""

    def __init__(self, path: str, synchronous: str):
        self.conn = connect(path, synchronous)

    def create(self, title: str) -> int:
        now = _now()
        self.conn.execute("BEGIN")
        case_id = self.conn.execute(
            "INSERT INTO cases (title, process_id, version, definition_sha256, state, fields,"
            " created_at, updated_at, revision) VALUES (?, 'partnerskab', 1, 'x', 'dialog', '{}', ?, ?, 1)",
            (title, now, now),
        ).lastrowid
        self.conn.execute(
            "INSERT INTO events (case_id, at, actor, kind, to_state, changes)"
            " VALUES (?, ?, 'bench', 'created', 'dialog', '{}')",
            (case_id, now),
        )
        self.conn.execute("COMMIT")
        assert case_id is not None
        return case_id

    def advance(self, case_id: int, values: dict) -> None:
        fields, now = json.dumps(values), _now()
        self.conn.execute("BEGIN")
        self.conn.execute(
            "UPDATE cases SET state = 'aftaleudkast', fields = ?, updated_at = ?, revision = revision + 1"
            " WHERE id = ? AND revision = 1",
            (fields, now, case_id),
        )
        self.conn.execute(
            "INSERT INTO events (case_id, at, actor, kind, action, from_state, to_state, changes)"
            " VALUES (?, ?, 'bench', 'action', 'udform_aftale', 'dialog', 'aftaleudkast', ?)",
            (case_id, now, fields),
        )
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def _opened(side: str, path: str, synchronous: str = "NORMAL"):
    if side == "engine":
        return _Engine(path, synchronous)
    if side == "samework":
        from bench.samework import SqliteSameWork

        return SqliteSameWork(path, synchronous)
    return _Minimal(path, synchronous)


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
"""The minimal baselines' tables (durable actions, importing): cases and events as samskab
keeps them, with fewer indexes."""


def connect(path: str, synchronous: str = "NORMAL") -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode = WAL",
        "wal_autocheckpoint = 10000",
        "cache_size = -16000",
        f"synchronous = {synchronous}",
    ):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def seed(side: str, path: str, source: str) -> None:
    """The side's database before its cases: a copy of ``source`` (a database samskab
    made, with its key) for samskab and the same-work baseline; the minimal baseline's
    own tables."""
    for leftover in (path, path + "-wal", path + "-shm", key_of(path)):
        if os.path.exists(leftover):
            os.remove(leftover)
    if side != "minimal":
        shutil.copy(source, path)
        shutil.copy(key_of(source), key_of(path))
        return
    connect(path).executescript(SAMSKAB_SHAPED)


def key_of(path: str) -> str:
    """The audit key's file beside a database."""
    return os.path.splitext(path)[0] + ".key"


def create(side: str, path: str, count: int) -> tuple[list[int], float]:
    """``count`` new cases; their ids and the seconds the last ``count - 1`` took. The
    first is not timed: it loads what a process that goes on loads once (the process
    definition read and compiled, the statements prepared)."""
    opened = _opened(side, path)
    ids = [opened.create("Partnerskab 0")]
    started = time.perf_counter()
    ids += [opened.create(f"Partnerskab {i}") for i in range(1, count)]
    seconds = time.perf_counter() - started
    opened.close()
    return ids, seconds


def advance(side: str, path: str, synchronous: str, ids: range) -> float:
    """Each case of ``ids`` advanced once; the seconds all but the first took (as
    :func:`create`)."""
    opened = _opened(side, path, synchronous)
    opened.advance(ids[0], VALUES)
    started = time.perf_counter()
    for case_id in ids[1:]:
        opened.advance(case_id, VALUES)
    seconds = time.perf_counter() - started
    opened.close()
    return seconds


def main(argv: list[str]) -> dict:
    step, side, path = argv[0], argv[1], argv[2]
    if step == "seed":
        seed(side, path, argv[3])
        return {}
    if step == "create":
        ids, seconds = create(side, path, int(argv[3]))
        result = {"seconds": seconds, "first": ids[0], "last": ids[-1]}
    else:
        synchronous, first, count = argv[3], int(argv[4]), int(argv[5])
        result = {"seconds": advance(side, path, synchronous, range(first, first + count))}
    return {**result, "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))

"""Concurrent coordinators and crashes: nothing lost, nothing half-applied."""

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from samskab.engine.config import Actor
from samskab.engine.core import TICK_BATCH, open_engine
from samskab.engine.plugins import make_plugin_manager

WORKER = str(Path(__file__).parent / "race_worker.py")


def engine_on(path):
    return open_engine(str(path), pm=make_plugin_manager(load_entrypoints=False))


def test_two_processes_racing_on_the_same_cases(workdir):
    db = workdir / "race.db"
    engine = engine_on(db)
    for i in range(4):
        case = engine.new_case("hoering", f"Politik {i}", {"dokument": "Politik"}, Actor("setup", None))
        engine.advance(
            case.id,
            "send_i_hoering",
            {"hoeringsparter": "Alle", "hoeringsform": "formel", "hoer_ungebyraadet": "nej"},
            actor=Actor("setup", None),
        )
    start_at = str(time.time() + 2)
    workers = [
        subprocess.Popen(
            [sys.executable, WORKER, "race", str(db), name, "150", start_at],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("anna", "bo")
    ]
    outcomes = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
    everything = [o for worker in outcomes for o in worker]
    accepted = [o for o in everything if o["result"] == "ok"]
    refused = [o for o in everything if o["result"] != "ok"]
    assert len(everything) == 300
    assert accepted and refused, "the two processes never raced"

    notes = [
        row[0]
        for row in sqlite3.connect(db).execute("SELECT note FROM events WHERE action = 'registrer_svar'")
    ]
    # Every accepted action is in the history exactly once; no refused one is.
    assert sorted(notes) == sorted(o["note"] for o in accepted)
    assert not set(notes) & {o["note"] for o in refused}
    for case in engine.cases():
        mine = [o for o in accepted if o["case"] == case.id]
        assert case.fields.get("antal_svar", 0) == len(mine)
        assert case.revision == 2 + len(mine)


def test_two_ticks_racing_fire_each_deadline_of_a_step_exactly_once(workdir):
    """Two processes tick the same cases at the same moments: each yearly status meeting
    and each revision fires once, and each fired occurrence plans exactly one next."""
    from test_deadline_rules import POLICY

    (workdir / "processes").mkdir()
    (workdir / "processes" / "frivilligpolitik.toml").write_text(POLICY, encoding="utf-8")
    (workdir / "samskab.toml").write_text('processes = ["processes"]\n')
    db = workdir / "policies.db"
    engine = engine_on(db)
    actor = Actor("setup", None)
    for i in range(TICK_BATCH + 50):  # more than a batch: the two take turns
        case = engine.new_case("frivilligpolitik", f"Politik {i}", {"byraadsmoede": "2026-05-20"}, actor)
        engine.advance(case.id, "vedtag", {"vedtaget_dato": "2026-05-20"}, actor=actor)
    times = [f"{year}-05-21T00:00+02:00" for year in (2027, 2028, 2029, 2030)]
    workers = [
        subprocess.Popen(
            [sys.executable, WORKER, "tick", str(db), *times],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    assert [worker.stdout.readline() for worker in workers] == ["ready\n", "ready\n"]
    start_at = f"{time.time() + 0.5}\n"
    for worker in workers:  # both told before either is waited for
        worker.stdin.write(start_at)
        worker.stdin.flush()
    outcomes = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
    said = [tuple(event) for worker in outcomes for tick in worker for event in tick["fired"]]
    assert len(said) == len(set(said)), "a deadline fired twice"
    # Each fires a batch in one transaction, so one may fire all of a moment's deadlines;
    # what matters is that the two ticked at once.
    assert any(
        first["ticked"][0] < second["ticked"][1] and second["ticked"][0] < first["ticked"][1]
        for first, second in zip(*outcomes, strict=True)
    ), "the two processes never ticked at once"
    conn = sqlite3.connect(db)
    for case in engine.cases():
        notes = [
            row[0]
            for row in conn.execute(
                "SELECT coalesce(note, action) FROM events WHERE case_id = ? AND actor = 'samskab'",
                (case.id,),
            )
        ]
        meetings = [n for n in notes if "Årligt statusmøde: fristen" in n]
        assert sorted(meetings) == [
            f"Politikken gælder – Årligt statusmøde: fristen er overskredet (20.5.{year})"
            for year in (2027, 2028, 2029)
        ]
        assert notes.count("start_revision") == 1 and case.state == "revision"
        fired = conn.execute(
            "SELECT count(*) FROM deadlines WHERE case_id = ? AND kind = 'deadline' AND fired_at IS NOT NULL",
            (case.id,),
        ).fetchone()
        assert fired == (4,)  # three meetings and the revision, each once
    assert check_invariants(db) == TICK_BATCH + 50


def cases_in(db: Path) -> int:
    """How many cases a worker has committed so far (0 while it has not made its tables)."""
    conn = sqlite3.connect(db, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def check_invariants(db: Path) -> int:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    cases = conn.execute("SELECT id, state, revision FROM cases").fetchall()
    for case_id, state, revision in cases:
        moves = conn.execute(
            "SELECT to_state FROM events WHERE case_id = ?"
            " AND kind IN ('created', 'action', 'comment', 'correction', 'handover') ORDER BY id",
            (case_id,),
        ).fetchall()
        # No change to the case without its event, no such event without its change.
        assert len(moves) == revision, (case_id, moves, revision)
        assert moves[-1][0] == state
    orphans = conn.execute(
        "SELECT count(*) FROM events WHERE case_id NOT IN (SELECT id FROM cases)"
    ).fetchone()
    assert orphans == (0,)
    conn.close()
    return len(cases)


def test_killed_at_random_moments_the_database_stays_consistent(workdir, samskab):
    db = workdir / "bulk.db"
    engine_on(db)
    rng = random.Random(7)
    total = 0
    for _ in range(6):
        worker = subprocess.Popen([sys.executable, WORKER, "bulk", str(db)])
        # Killed at a random moment once it is at work (a busy machine starts it slowly).
        assert worker.stdout is None
        started = time.monotonic()
        while cases_in(db) <= total and time.monotonic() - started < 60:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.6))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        now = check_invariants(db)
        assert now > total  # work was done, and survived
        total = now
    assert samskab("--db", str(db), "audit", "verify").stdout.startswith("ok:")


def test_a_locked_database_is_a_clear_error_after_the_timeout(samskab, workdir):
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    blocker = sqlite3.connect(workdir / "samskab.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    result = samskab(
        "--db", "sqlite:samskab.db?timeout=0.2", "cases", "advance", "1", "afbryd", "--note", "x", exit=1
    )
    assert "the database is busy" in result.stderr and "nothing was saved" in result.stderr
    blocker.execute("ROLLBACK")
    samskab("cases", "advance", "1", "afbryd", "--note", "x")

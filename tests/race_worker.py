"""A coordinator's process for the concurrency and crash tests (run as a subprocess).

python race_worker.py race DB NAME ATTEMPTS    # record responses on shared cases
python race_worker.py bulk DB                  # open and advance cases until killed
python race_worker.py tick DB START TIMES...   # tick at each time, one a second from START
"""

import datetime as dt
import json
import random
import sys
import time

from samskab.engine.config import Actor
from samskab.engine.core import open_engine
from samskab.engine.errors import Busy, Conflict
from samskab.engine.plugins import make_plugin_manager


def race(db: str, name: str, attempts: int, start_at: float) -> None:
    engine = open_engine(db, pm=make_plugin_manager(load_entrypoints=False))
    actor = Actor(name, None)
    cases = [c.id for c in engine.cases()]
    outcomes = []
    pause = random.Random(name)
    time.sleep(max(0.0, start_at - time.time()))  # both start together
    for i in range(attempts):
        case_id = cases[i % len(cases)]
        note = f"{name}-{i}"
        seen = engine.case(case_id).revision
        time.sleep(pause.uniform(0, 0.004))  # a coordinator reading the case before acting
        try:
            engine.advance(
                case_id,
                "registrer_svar",
                {"seneste_svar": note},
                note=note,
                actor=actor,
                expected_revision=seen,
            )
            outcomes.append({"note": note, "case": case_id, "result": "ok"})
        except (Conflict, Busy) as refused:
            outcomes.append({"note": note, "case": case_id, "result": type(refused).__name__})
    print(json.dumps(outcomes))


def bulk(db: str) -> None:
    engine = open_engine(db, pm=make_plugin_manager(load_entrypoints=False))
    actor = Actor("bulk", None)
    values = {"dialogmoede_dato": "2026-01-10", "deltagere": "Alle"}
    i = 0
    while True:
        case = engine.new_case("partnerskab", f"Bulk {i}", {"organisation": "Forening"}, actor)
        engine.advance(case.id, "udform_aftale", values, actor=actor)
        engine.advance(case.id, "afbryd", note="slut", actor=actor)
        i += 1


def tick(db: str, times: list[str]) -> None:
    """Once the engine is open, say ``ready`` and read when to start; tick at each of
    ``times`` (the engine's clock), the i-th at the start + i seconds, so that two workers
    tick at the same moment however slowly each started; print when each tick ran and
    what it fired."""
    engine = open_engine(db, pm=make_plugin_manager(load_entrypoints=False))
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    fired = []
    for i, moment in enumerate(times):
        time.sleep(max(0.0, start_at + i - time.time()))
        engine.now = lambda moment=moment: dt.datetime.fromisoformat(moment).astimezone(dt.UTC)
        started = time.time()
        report = engine.tick()
        fired.append(
            {
                "ticked": [started, time.time()],
                "fired": [[e.case_id, e.kind, e.note or e.action] for e in report.deadlines + report.actions],
            }
        )
    print(json.dumps(fired))


if __name__ == "__main__":
    if sys.argv[1] == "tick":
        tick(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "race":
        race(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    else:
        bulk(sys.argv[2])

"""A case opened and taken through three sequential steps, in samskab (durable: one
transaction to open it and one per step), in python-statemachine (in memory; and with
its state stored in SQLite when made and after each step) and in SpiffWorkflow (its own
BPMN, serialised and stored when made and after each step). Each side's time includes
making its case, machine or workflow; the stores are SQLite with samskab's settings (WAL,
NORMAL).

The sides run in turn for ROUNDS rounds, so that a slow spell of the machine falls on
all of them. Prints JSON: each side's seconds per step (the whole case's time over its
three steps), round by round.

    python -m bench.peers.run N ROUNDS
"""

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def samskab(tmp: Path):
    from samskab.engine.config import Actor
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    engine = open_engine(
        str(tmp / "samskab.db"), process_dirs=[HERE], pm=make_plugin_manager(load_entrypoints=False)
    )
    actor = Actor("bench", None)

    def run(n: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            case_id = engine.new_case("three_steps", f"Sag {i}", actor=actor).id
            for action in ("videre1", "videre2", "videre3"):
                engine.advance(case_id, action, actor=actor)
        return (time.perf_counter() - started) / (3 * n)

    return run


def _sqlite(path: Path, table: str) -> sqlite3.Connection:
    """A SQLite file as samskab keeps its own: WAL, synchronous NORMAL, a transaction
    each statement."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, state TEXT)")
    return db


def _three_steps():
    from statemachine import State, StateMachine

    class ThreeSteps(StateMachine):
        dialog = State(initial=True)
        aftale = State()
        underskrift = State()
        slut = State(final=True)
        videre1 = dialog.to(aftale)
        videre2 = aftale.to(underskrift)
        videre3 = underskrift.to(slut)

    return ThreeSteps


def statemachine(n: int) -> float:
    machine_class = _three_steps()
    started = time.perf_counter()
    for _ in range(n):
        machine = machine_class()
        for event in ("videre1", "videre2", "videre3"):
            machine.send(event)
    return (time.perf_counter() - started) / (3 * n)


def statemachine_stored(tmp: Path):
    machine_class = _three_steps()
    db = _sqlite(tmp / "statemachine.db", "machines")

    def run(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            machine = machine_class()
            machine_id = db.execute(
                "INSERT INTO machines (state) VALUES (?)", (machine.current_state.id,)
            ).lastrowid
            for event in ("videre1", "videre2", "videre3"):
                machine.send(event)
                db.execute(
                    "UPDATE machines SET state = ? WHERE id = ?", (machine.current_state.id, machine_id)
                )
        return (time.perf_counter() - started) / (3 * n)

    return run


def spiff(tmp: Path):
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser()
    parser.add_bpmn_file(str(HERE / "three_steps.bpmn"))
    spec = parser.get_spec("three_steps")
    serializer = BpmnWorkflowSerializer()
    db = _sqlite(tmp / "spiff.db", "workflows")

    def run(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            workflow = BpmnWorkflow(spec)
            workflow.do_engine_steps()
            workflow_id = db.execute(
                "INSERT INTO workflows (state) VALUES (?)", (serializer.serialize_json(workflow),)
            ).lastrowid
            for _ in range(3):
                task = workflow.get_next_task(state=TaskState.READY, manual=True)
                task.run()
                workflow.do_engine_steps()
                db.execute(
                    "UPDATE workflows SET state = ? WHERE id = ?",
                    (serializer.serialize_json(workflow), workflow_id),
                )
        return (time.perf_counter() - started) / (3 * n)

    return run


if __name__ == "__main__":
    count, rounds = int(sys.argv[1]), int(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        runs = {
            "samskab": samskab(Path(tmp)),
            "statemachine": statemachine,
            "statemachine_stored": statemachine_stored(Path(tmp)),
            "spiffworkflow": spiff(Path(tmp)),
        }
        sizes = {name: count for name in runs} | {"spiffworkflow": max(count // 10, 1)}
        seconds: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(rounds):
            for name, run in runs.items():
                seconds[name].append(run(sizes[name]))
        print(json.dumps({f"{name}_s_per_step": figures for name, figures in seconds.items()}))

"""Three sequential steps per case, in samskab (durable, one transaction per step), in
python-statemachine (in memory) and in SpiffWorkflow (its own BPMN, serialised and
stored after each step, in SQLite with the same settings as samskab's: WAL, NORMAL).

The three run in turn for several rounds, so that a slow spell of the machine falls on
all of them; each figure is the median over the rounds. Prints JSON: seconds per step.

    python -m bench.peers.run N ROUNDS
"""

import itertools
import json
import sqlite3
import statistics
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
        ids = [engine.new_case("three_steps", f"Sag {i}", actor=actor).id for i in range(n)]
        started = time.perf_counter()
        for case_id in ids:
            for action in ("videre1", "videre2", "videre3"):
                engine.advance(case_id, action, actor=actor)
        return (time.perf_counter() - started) / (3 * n)

    return run


def statemachine(n: int) -> float:
    from statemachine import State, StateMachine

    class ThreeSteps(StateMachine):
        dialog = State(initial=True)
        aftale = State()
        underskrift = State()
        slut = State(final=True)
        videre1 = dialog.to(aftale)
        videre2 = aftale.to(underskrift)
        videre3 = underskrift.to(slut)

    machines = [ThreeSteps() for _ in range(n)]
    started = time.perf_counter()
    for machine in machines:
        machine.send("videre1")
        machine.send("videre2")
        machine.send("videre3")
    return (time.perf_counter() - started) / (3 * n)


def spiff(tmp: Path):
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser()
    parser.add_bpmn_file(str(HERE / "three_steps.bpmn"))
    spec = parser.get_spec("three_steps")
    serializer = BpmnWorkflowSerializer()
    db = sqlite3.connect(tmp / "spiff.db", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE workflows (id INTEGER PRIMARY KEY, state TEXT)")
    stored = itertools.count()

    def run(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            i = next(stored)
            workflow = BpmnWorkflow(spec)
            workflow.do_engine_steps()
            for _ in range(3):
                task = workflow.get_next_task(state=TaskState.READY, manual=True)
                task.run()
                workflow.do_engine_steps()
                db.execute(
                    "INSERT OR REPLACE INTO workflows VALUES (?, ?)", (i, serializer.serialize_json(workflow))
                )
        return (time.perf_counter() - started) / (3 * n)

    return run


if __name__ == "__main__":
    count, rounds = int(sys.argv[1]), int(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        runs = {
            "samskab": samskab(Path(tmp)),
            "statemachine": statemachine,
            "spiffworkflow": spiff(Path(tmp)),
        }
        sizes = {"samskab": count, "statemachine": count, "spiffworkflow": max(count // 10, 1)}
        seconds = {name: [] for name in runs}
        for _ in range(rounds):
            for name, run in runs.items():
                seconds[name].append(run(sizes[name]))
        print(
            json.dumps(
                {f"{name}_s_per_step": statistics.median(figures) for name, figures in seconds.items()}
            )
        )

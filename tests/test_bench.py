"""A tiny run of every benchmark, so the scripts cannot rot (figures are not asserted)."""

from bench.__main__ import main


def test_durable_actions_benchmark_runs(capsys):
    results = main(["--cases", "20"])
    for synchronous in ("NORMAL", "FULL"):
        for side in ("engine", "sqlite3"):
            assert results[synchronous][side]["n"] == 20
    assert "engine speed per action" in capsys.readouterr().out

"""A tiny run of every benchmark, so the scripts cannot rot (figures are not asserted)."""

from bench.__main__ import main


def test_every_benchmark_runs_at_a_tiny_size(capsys):
    results = main(
        [
            "--cases",
            "20",
            "--rounds",
            "2",
            "--peer-cases",
            "5",
            "--scale-cases",
            "2000",
            "--tui-cases",
            "30",
            "--startup-runs",
            "1",
            "--import-rows",
            "50",
        ]
    )
    for synchronous in ("NORMAL", "FULL"):
        for side in ("engine", "sqlite3"):
            assert results["durable_actions"][synchronous][side]["n"] == 20
        assert len(results["durable_actions"][synchronous]["ratios"]) == 2
    assert set(results["first_paint"]) == {"baseline", "30"}
    assert results["scale"]["engine"]["listed"] == 2000 and results["scale"]["engine"]["ticked"] == 1
    assert set(results["peers"]) == {
        "samskab_s_per_step",
        "statemachine_s_per_step",
        "spiffworkflow_s_per_step",
    }
    assert results["startup"]["cases_show_s"] > 0
    assert results["importing"]["engine"]["created"] == results["importing"]["sqlite3"]["created"] == 50
    out = capsys.readouterr().out
    assert "ratio = engine speed per action" in out and "first painted case list" in out

"""Start-up of the terminal UI: wall time from process start to the first painted page of
the case list, on a database of N cases; and, as the baseline, a bare Textual app
painting a DataTable of the same page size.

    python -m bench.tui fill PATH N      # make a database of N cases
    python -m bench.tui app PATH         # time samskab's UI on it
    python -m bench.tui baseline         # time the bare Textual app
"""

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

from bench.memory import peak_rss_mb  # noqa: E402


def fill(path: str, n: int) -> None:
    """N partnership cases spread over their first steps, through the engine."""
    from samskab.engine.config import Actor
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    engine = open_engine(f"sqlite:{path}?synchronous=OFF", pm=make_plugin_manager(load_entrypoints=False))
    actor = Actor("bench", None)
    values = {"organisation": "Foreningen", "dialogmoede_dato": "2026-01-10", "deltagere": "Alle"}
    for i in range(n):
        case = engine.new_case("partnerskab", f"Partnerskab {i}", actor=actor)
        if i % 3:
            engine.advance(case.id, "udform_aftale", values, actor=actor)


def report(painted: float) -> None:
    print(
        json.dumps(
            {
                "first_paint_s": painted - STARTED,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


def time_app(path: str) -> None:
    from textual.widgets import DataTable

    from samskab.engine.core import open_engine
    from samskab.engine.service import Service
    from samskab.tui.app import SamskabApp

    engine = open_engine(path)
    app = SamskabApp(Service(engine, engine.actor(), "da"))

    async def until_painted(pilot):
        while not app.screen.query(DataTable) or not app.screen.query_one(DataTable).row_count:
            await pilot.pause(0.005)
        await pilot.pause()
        report(time.perf_counter())
        app.exit()

    app.run(headless=True, size=(120, 36), auto_pilot=until_painted)


def time_baseline() -> None:
    from textual.app import App
    from textual.widgets import DataTable

    class Bare(App):
        def compose(self):
            yield DataTable()

        def on_mount(self):
            table = self.query_one(DataTable)
            table.add_columns("Sag", "Titel", "Proces", "Trin", "Frist", "Ændret")
            for i in range(200):
                table.add_row(str(i), f"Partnerskab {i}", "Partnerskab", "Dialog", "2026-12-01", "2026-11-01")

    app = Bare()

    async def until_painted(pilot):
        await pilot.pause()
        report(time.perf_counter())
        app.exit()

    app.run(headless=True, size=(120, 36), auto_pilot=until_painted)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "fill":
        fill(sys.argv[2], int(sys.argv[3]))
    elif command == "app":
        time_app(sys.argv[2])
    else:
        time_baseline()

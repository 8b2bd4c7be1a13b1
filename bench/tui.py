"""Start-up of the terminal UI: wall time from process start to the first painted page of
the case list, on a database (``bench.realistic``); and, as the baseline, a bare Textual
app painting a DataTable of the same page size.

    python -m bench.tui app PATH         # time samskab's UI on it
    python -m bench.tui baseline         # time the bare Textual app
"""

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

from bench.memory import peak_rss_mb  # noqa: E402


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
    if sys.argv[1] == "app":
        time_app(sys.argv[2])
    else:
        time_baseline()

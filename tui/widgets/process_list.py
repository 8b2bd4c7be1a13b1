"""The list of processes to pick from, loaded off the UI thread; ``processes`` maps ids
to their summaries once loaded. Screens react to its OptionHighlighted and OptionSelected.

With ``show_problems``, process files samskab does not use follow, marked ⚠, each
option's id ``PROBLEM`` and a number; ``problems`` maps those ids to the file's problems."""

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.markup import escape
from textual import work
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from samskab.engine.readmodels import FileProblem, ProcessSummary

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp

PROBLEM = "problem:"


class ProcessList(OptionList):
    def __init__(self, *, show_level: bool = False, show_problems: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.show_level = show_level
        self.show_problems = show_problems
        self.processes: dict[str, ProcessSummary] = {}
        self.problems: dict[str, tuple[FileProblem, ...]] = {}

    def on_mount(self) -> None:
        self.load()

    @work(thread=True)
    def load(self) -> None:
        service = cast("SamskabApp", self.app).service

        def fetch() -> tuple[tuple[ProcessSummary, ...], tuple[FileProblem, ...]]:
            return service.processes(), service.process_problems() if self.show_problems else ()

        cast("SamskabApp", self.app).fetch_and_show(fetch, self.fill)

    def fill(self, loaded: tuple[tuple[ProcessSummary, ...], tuple[FileProblem, ...]]) -> None:
        processes, problems = loaded
        self.processes = {p.id: p for p in processes}
        for process in processes:
            level = f"  [dim]{escape(process.level_title)}[/]" if self.show_level else ""
            self.add_option(Option(escape(process.title) + level, id=process.id))
        files = {problem.file: () for problem in problems}
        for number, file in enumerate(files):
            self.problems[f"{PROBLEM}{number}"] = tuple(p for p in problems if p.file == file)
            self.add_option(Option(f"[b yellow]⚠[/] {escape(Path(file).name)}", id=f"{PROBLEM}{number}"))
        self.highlighted = 0
        self.focus()

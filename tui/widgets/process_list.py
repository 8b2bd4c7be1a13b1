"""The list of processes to pick from, loaded off the UI thread; ``processes`` maps ids
to their summaries once loaded. Screens react to its OptionHighlighted and OptionSelected."""

from typing import TYPE_CHECKING, Any, cast

from rich.markup import escape
from textual import work
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from samskab.engine.readmodels import ProcessSummary

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp


class ProcessList(OptionList):
    def __init__(self, *, show_level: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.show_level = show_level
        self.processes: dict[str, ProcessSummary] = {}

    def on_mount(self) -> None:
        self.load()

    @work(thread=True)
    def load(self) -> None:
        app = cast("SamskabApp", self.app)
        app.fetch_and_show(app.service.processes, self.fill)

    def fill(self, processes: tuple[ProcessSummary, ...]) -> None:
        self.processes = {p.id: p for p in processes}
        for process in processes:
            level = f"  [dim]{escape(process.level_title)}[/]" if self.show_level else ""
            self.add_option(Option(escape(process.title) + level, id=process.id))
        self.highlighted = 0
        self.focus()

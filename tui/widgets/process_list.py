"""The list of processes to pick from, loaded off the UI thread; ``processes`` maps ids
to definitions once loaded. Screens react to its OptionHighlighted and OptionSelected."""

from textual import work
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class ProcessList(OptionList):
    def __init__(self, *, show_level: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.show_level = show_level
        self.processes = {}

    def on_mount(self) -> None:
        self.load()

    @work(thread=True)
    def load(self) -> None:
        processes = self.app.backend.processes()
        self.app.call_from_thread(self.fill, processes)

    def fill(self, processes) -> None:
        lang = self.app.words.lang
        self.processes = {p.id: p for p in processes}
        for process in processes:
            label = process.title.get(lang) + (f"  [dim]{process.level}[/]" if self.show_level else "")
            self.add_option(Option(label, id=process.id))
        self.highlighted = 0
        self.focus()

"""New case: pick a process (with its description), give a title and the opening fields."""

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static

from samskab.engine.readmodels import CaseDetail, StartForm
from samskab.tui.screens.base import SamskabScreen
from samskab.tui.widgets.fields_form import FieldsForm
from samskab.tui.widgets.labels import Refusal
from samskab.tui.widgets.process_list import ProcessList


class NewCaseScreen(SamskabScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("ctrl+s", "submit", "Open case")]

    def __init__(self) -> None:
        super().__init__()
        self.chosen: StartForm | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="new-body"):
            with VerticalScroll(id="new-left"):
                yield Static(self.samskab.words("Choose a process"), classes="section-title")
                yield ProcessList(id="process-list", show_level=True)
                yield Static(id="process-description")
            yield VerticalScroll(id="new-form")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.samskab.words("New case")

    @on(OptionList.OptionHighlighted, "#process-list")
    def describe(self, event: OptionList.OptionHighlighted) -> None:
        process = self.query_one(ProcessList).processes[str(event.option.id)]
        self.query_one("#process-description", Static).update(escape(process.description))

    @on(OptionList.OptionSelected, "#process-list")
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.load_form(str(event.option.id))

    @work(thread=True, exclusive=True, group="form")
    def load_form(self, process_id: str) -> None:
        self.samskab.fetch_and_show(lambda: self.samskab.service.start_form(process_id), self.show_form)

    async def show_form(self, start: StartForm) -> None:
        w = self.samskab.words
        self.chosen = start
        form = self.query_one("#new-form", VerticalScroll)
        await form.remove_children()
        await form.mount_all(
            [
                Static(f"[b]{escape(start.title)}[/]", classes="form-title"),
                Label(f"{w('Title')} *", classes="field-label"),
                Input(id="case-title"),
                FieldsForm(list(start.fields), set(start.requires), {}),
                Refusal(id="refusal"),
                Button(w("Open case"), variant="primary", id="submit"),
            ]
        )
        self.query_one("#case-title", Input).focus()

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted, "#case-title")
    def action_submit(self) -> None:
        if self.chosen is None:
            return
        form = self.query_one(FieldsForm)
        problems = form.problems()
        if problems:
            self.refused(problems)
            return
        self.open_case(self.chosen.process_id, self.query_one("#case-title", Input).value, form.values())

    @work(thread=True, exclusive=True)
    def open_case(self, process_id: str, title: str, values: dict[str, str]) -> None:
        self.samskab.fetch_and_show(
            lambda: self.samskab.service.new_case(process_id, title, values),
            self.opened,
            lambda error: self.refused(error.reasons_in(self.samskab.words.lang)),
        )

    def opened(self, case: CaseDetail) -> None:
        from samskab.tui.screens.case import CaseScreen

        self.app.notify(f"{self.samskab.words('Case opened')}: {case.id}")
        self.app.switch_screen(CaseScreen(case.id))

    def refused(self, reasons: list[str]) -> None:
        self.query_one(Refusal).show_reasons(self.samskab.words("The case was not opened:"), reasons)

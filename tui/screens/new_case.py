"""New case: pick a process (with its description), give a title and the opening fields."""

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static

from samskab.engine.errors import SamskabError
from samskab.tui.i18n import translate_bindings
from samskab.tui.widgets.fields_form import FieldsForm
from samskab.tui.widgets.process_list import ProcessList


class NewCaseScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "back"), Binding("ctrl+s", "submit", "open_case")]

    def __init__(self):
        super().__init__()
        self.chosen = None

    def compose(self) -> ComposeResult:
        w = self.app.words
        yield Header()
        with Horizontal(id="new-body"):
            with VerticalScroll(id="new-left"):
                yield Static(w("choose_process"), classes="section-title")
                yield ProcessList(id="process-list", show_level=True)
                yield Static(id="process-description")
            yield VerticalScroll(id="new-form")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, self.app.words)
        self.sub_title = self.app.words("new_case")

    @on(OptionList.OptionHighlighted, "#process-list")
    def describe(self, event: OptionList.OptionHighlighted) -> None:
        process = self.query_one(ProcessList).processes[event.option.id]
        self.query_one("#process-description", Static).update(
            escape(process.description.get(self.app.words.lang))
        )

    @on(OptionList.OptionSelected, "#process-list")
    async def choose(self, event: OptionList.OptionSelected) -> None:
        w = self.app.words
        self.chosen = self.query_one(ProcessList).processes[event.option.id]
        form = self.query_one("#new-form", VerticalScroll)
        await form.remove_children()
        fields = [self.chosen.field(f) for f in self.chosen.start.form_fields()]
        await form.mount_all(
            [
                Static(f"[b]{escape(self.chosen.title.get(w.lang))}[/]", classes="form-title"),
                Label(f"{w('title')} *", classes="field-label"),
                Input(id="case-title"),
                FieldsForm(fields, set(self.chosen.start.requires), {}, w.lang),
                Static(id="refusal"),
                Button(w("open_case"), variant="primary", id="submit"),
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
            self.show_refusal(problems)
            return
        self.open_case(self.chosen.id, self.query_one("#case-title", Input).value, form.values())

    @work(thread=True, exclusive=True)
    def open_case(self, process_id: str, title: str, raw: dict[str, str]) -> None:
        try:
            case = self.app.backend.new_case(process_id, title, raw)
        except SamskabError as error:
            self.app.call_from_thread(self.show_refusal, error.reasons_in(self.app.words.lang))
            return
        except Exception as error:
            self.app.call_from_thread(self.app.report, error)
            return
        self.app.call_from_thread(self.opened, case.id)

    def opened(self, case_id: int) -> None:
        from samskab.tui.screens.case import CaseScreen

        self.app.notify(f"{self.app.words('created')}: {case_id}")
        self.app.switch_screen(CaseScreen(case_id))

    def show_refusal(self, reasons: list[str]) -> None:
        refusal = self.query_one("#refusal", Static)
        refusal.update(f"[b]{self.app.words('refused')}[/]\n" + "\n".join(f"• {escape(r)}" for r in reasons))
        refusal.add_class("shown")

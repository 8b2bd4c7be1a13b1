"""Take an action: a form of the action's fields and note. A refusal shows every reason
and keeps everything the user typed."""

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from samskab.engine.definition import Action, Process
from samskab.engine.errors import SamskabError
from samskab.tui.i18n import translate_bindings
from samskab.tui.widgets.fields_form import FieldsForm


class ActionForm(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel"), Binding("ctrl+s", "submit", "take")]

    def __init__(self, case: dict, process: Process, action: Action):
        super().__init__()
        self.case = case
        self.process = process
        self.action = action

    def compose(self) -> ComposeResult:
        w = self.app.words
        lang = w.lang
        fields = [self.process.field(f) for f in self.action.form_fields()]
        with VerticalScroll(id="form"):
            yield Static(
                f"[b]{escape(self.action.title.get(lang))}[/]  → "
                f"{escape(self.process.state(self.action.to).title.get(lang))}",
                classes="form-title",
            )
            yield Static(escape(self.case["title"]), classes="form-subtitle")
            if self.action.description:
                yield Static(escape(self.action.description.get(lang)), classes="field-help")
            yield FieldsForm(fields, set(self.action.requires), self.case["fields"], lang)
            yield Label(w("note_required") if self.action.note_required else w("note"), classes="field-label")
            yield TextArea(id="note", classes="field-longtext")
            yield Static(id="refusal")
            with Horizontal(classes="buttons"):
                yield Button(w("take"), variant="primary", id="submit")
                yield Button(w("cancel"), id="cancel")

    def on_mount(self) -> None:
        translate_bindings(self, self.app.words)
        self.query_one("#form").query("Input, TextArea, Select").first().focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        form = self.query_one(FieldsForm)
        problems = form.problems()
        if problems:
            self.show_refusal(problems)
            return
        note = self.query_one("#note", TextArea).text.strip() or None
        self.take(form.values(), note)

    @work(thread=True, exclusive=True, group="take")
    def take(self, raw: dict[str, str], note: str | None) -> None:
        try:
            case, _ = self.app.backend.advance(
                self.case["id"], self.action.id, raw, note, self.case["revision"]
            )
        except SamskabError as error:
            self.app.call_from_thread(self.show_refusal, error.reasons_in(self.app.words.lang))
            return
        except Exception as error:  # a locked database and the like: keep the form
            self.app.call_from_thread(self.app.report, error)
            return
        state = self.process.state(case.state).title.get(self.app.words.lang)
        self.app.call_from_thread(
            self.dismiss, f"{self.app.words('done')}: {self.action.title.get(self.app.words.lang)} → {state}"
        )

    def show_refusal(self, reasons: list[str]) -> None:
        refusal = self.query_one("#refusal", Static)
        refusal.update(f"[b]{self.app.words('refused')}[/]\n" + "\n".join(f"• {escape(r)}" for r in reasons))
        refusal.add_class("shown")
        refusal.scroll_visible()

"""Take an action: a form of the action's fields and note. A refusal shows every reason
and keeps everything the user typed."""

from typing import TYPE_CHECKING, cast

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static, TextArea

from samskab.engine.readmodels import ActionChoice, CaseDetail
from samskab.tui.i18n import translate_bindings
from samskab.tui.widgets.fields_form import FieldsForm
from samskab.tui.widgets.labels import Refusal

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp


class ActionForm(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Take action")]

    def __init__(self, case: CaseDetail, action: ActionChoice):
        super().__init__()
        self.case = case
        self.action = action

    @property
    def samskab(self) -> "SamskabApp":
        return cast("SamskabApp", self.app)

    def compose(self) -> ComposeResult:
        w = self.samskab.words
        with VerticalScroll(id="form"):
            yield Static(
                f"[b]{escape(self.action.title)}[/]  → {escape(self.action.to_title)}", classes="form-title"
            )
            yield Static(escape(self.case.title), classes="form-subtitle")
            if self.action.description:
                yield Static(escape(self.action.description), classes="field-help")
            yield FieldsForm(list(self.action.form), set(self.action.requires), dict(self.case.fields))
            note = w("Note (reason) – required") if self.action.note_required else w("Note (reason)")
            yield Label(note, classes="field-label")
            yield TextArea(id="note", classes="field-longtext")
            yield Refusal(id="refusal")
            with Horizontal(classes="buttons"):
                yield Button(w("Take action"), variant="primary", id="submit")
                yield Button(w("Cancel"), id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, self.samskab.words)
        self.query_one("#form").query("Input, TextArea, Select").first().focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        form = self.query_one(FieldsForm)
        problems = form.problems()
        if problems:
            self.refused(problems)
            return
        note = self.query_one("#note", TextArea).text.strip() or None
        self.take(form.values(), note)

    @work(thread=True, exclusive=True, group="take")
    def take(self, values: dict[str, str], note: str | None) -> None:
        self.samskab.fetch_and_show(
            lambda: self.samskab.service.advance(
                self.case.id, self.action.id, values, note=note, revision=self.case.revision
            ),
            self.taken,
            lambda error: self.refused(error.reasons_in(self.samskab.words.lang)),
        )

    def taken(self, case: CaseDetail) -> None:
        self.dismiss(f"{self.samskab.words('Done')}: {self.action.title} → {case.state_title}")

    def refused(self, reasons: list[str]) -> None:
        self.query_one(Refusal).show_reasons(self.samskab.words("The action was refused:"), reasons)

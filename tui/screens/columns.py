"""Columns: which of a process's fields the case list shows beside its own columns
(the subsidy, the organisation, the date signed ...)."""

from typing import TYPE_CHECKING, ClassVar, cast

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, SelectionList, Static

from samskab.engine.readmodels import ProcessView
from samskab.tui.i18n import translate_bindings

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp


class ColumnsDialog(ModalScreen[tuple[str, ...] | None]):
    """Tick the fields to show; answers with their ids in the process's order, or None
    when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "show_columns", "Show the columns"),
    ]
    HELP = "Tick the fields of the process to show as columns in the case list (space), then ctrl+s."

    def __init__(self, process: ProcessView, chosen: tuple[str, ...]):
        super().__init__()
        self.process = process
        self.chosen = chosen

    @property
    def samskab(self) -> "SamskabApp":
        return cast("SamskabApp", self.app)

    def compose(self) -> ComposeResult:
        w = self.samskab.words
        with Vertical(id="columns-dialog"):
            yield Static(f"[b]{w('Columns')}[/]: {escape(self.process.title)}", classes="form-title")
            yield Static(w("Fields to show in the case list (space ticks one)"), classes="field-help")
            yield SelectionList[str](
                *((f.label, f.id, f.id in self.chosen) for f in self.process.fields), id="columns"
            )
            with Horizontal(classes="buttons"):
                yield Button(w("Show the columns"), variant="primary", id="submit")
                yield Button(w("Cancel"), id="cancel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        translate_bindings(self, self.samskab.words)
        self.query_one(SelectionList).focus()

    @on(Button.Pressed, "#submit")
    def action_show_columns(self) -> None:
        ticked = set(self.query_one(SelectionList).selected)
        self.dismiss(tuple(f.id for f in self.process.fields if f.id in ticked))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

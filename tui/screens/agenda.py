"""Agenda: what falls due in the coming weeks, overdue first."""

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from samskab.tui.app import DataChanged
from samskab.tui.i18n import translate_bindings

WEEKS = 6


class AgendaScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "back"), Binding("r", "refresh", "refresh")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.app.words("weeks_ahead", weeks=WEEKS), classes="section-title")
        yield DataTable(id="agenda", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        w = self.app.words
        translate_bindings(self, w)
        self.sub_title = w("agenda")
        table = self.query_one(DataTable)
        for key, word in (
            ("due", "due"),
            ("days", "days"),
            ("kind", "kind"),
            ("case", "case"),
            ("title", "title"),
            ("process", "process"),
            ("step", "step"),
        ):
            table.add_column(w(word).capitalize(), key=key)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        self.app.fetch_and_show(lambda: self.app.backend.agenda(WEEKS), self.show)

    def show(self, rows) -> None:
        w = self.app.words
        table = self.query_one(DataTable)
        table.clear()
        for i, row in enumerate(rows):
            kind = w("deadline") if row["kind"] == "deadline" else w("reminder")
            days = str(row["days"])
            if row["kind"] == "deadline" and row["days"] <= 0:
                days = f"[b red]{days} {w('overdue_flag')}[/]"
            table.add_row(
                row["due_at"][:10],
                days,
                kind,
                str(row["case"]),
                row["title"],
                row["process"],
                row["state"],
                key=f"{i}:{row['case']}",
            )

    @on(DataTable.RowSelected)
    def open_case(self, event: DataTable.RowSelected) -> None:
        from samskab.tui.screens.case import CaseScreen

        self.app.push_screen(CaseScreen(int(event.row_key.value.split(":")[1])))

    def action_refresh(self) -> None:
        self.load()

    @on(DataChanged)
    def data_changed(self) -> None:
        self.load()

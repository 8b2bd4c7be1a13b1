"""Agenda: what falls due in the coming weeks, overdue first; all cases' or one's own."""

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from samskab.engine.messages import day
from samskab.engine.readmodels import AgendaItem
from samskab.tui.screens.base import MineScreen
from samskab.tui.widgets.labels import days_label

COLUMNS = (
    ("due", "Due"),
    ("days", "Days"),
    ("kind", "Kind"),
    ("case", "Case"),
    ("title", "Title"),
    ("process", "Process"),
    ("step", "Step"),
)


class AgendaScreen(MineScreen):
    WEEKS = 6
    SHOWN = 500
    """At most this many, the soonest: the agenda is for the days ahead, and a page costs
    a page to read, however many cases the municipality has."""
    HELP = "What falls due in the next weeks, deadlines and reminders, overdue first. Enter opens the case."

    def compose(self) -> ComposeResult:
        yield Header()
        w = self.samskab.words
        yield self.title_bar(
            Static(
                w("Deadlines in the next {weeks} weeks, overdue first", weeks=self.WEEKS),
                classes="section-title",
            )
        )
        yield DataTable(id="agenda", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        w = self.samskab.words
        self.sub_title = w("Agenda")
        table = self.query_one(DataTable)
        for key, title in COLUMNS:
            table.add_column(w(title), key=key)
        table.focus()

    def fetch(self) -> tuple[AgendaItem, ...]:
        return self.samskab.service.agenda(self.WEEKS, owner=self.owner, limit=self.SHOWN + 1)

    def show(self, items: tuple[AgendaItem, ...]) -> None:
        w = self.samskab.words
        more = len(items) > self.SHOWN
        self.sub_title = w("Agenda") + (" · " + w("the first {count}", count=self.SHOWN) if more else "")
        table = self.query_one(DataTable)
        table.clear()
        for i, item in enumerate(items[: self.SHOWN]):
            kind = w("deadline") if item.kind == "deadline" else w("reminder")
            table.add_row(
                day(item.day, w.lang),
                days_label(item.days, item.kind == "deadline", w),
                kind,
                str(item.case),
                item.title,
                item.process,
                item.state,
                key=f"{i}:{item.case}",
            )

    @on(DataTable.RowSelected)
    def open_case(self, event: DataTable.RowSelected) -> None:
        from samskab.tui.screens.case import CaseScreen

        self.app.push_screen(CaseScreen(int(str(event.row_key.value).split(":")[1])))

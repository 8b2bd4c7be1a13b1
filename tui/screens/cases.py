"""Cases (home): the active cases, filtered, searched and sorted, loaded a page at a time."""

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Select, Static

from samskab.engine.messages import day
from samskab.engine.readmodels import CaseFilter, CasePage, CaseSummary, ProcessView
from samskab.tui.messages import DataChanged
from samskab.tui.screens.agenda import AgendaScreen
from samskab.tui.screens.base import SamskabScreen
from samskab.tui.screens.case import CaseScreen
from samskab.tui.screens.dashboard import DashboardScreen
from samskab.tui.screens.export_dialog import cases_dialog
from samskab.tui.screens.new_case import NewCaseScreen
from samskab.tui.screens.outbox import OutboxScreen
from samskab.tui.screens.processes import ProcessesScreen

PAGE = 200
COLUMNS = (
    ("id", "Case"),
    ("title", "Title"),
    ("process_id", "Process"),
    ("state", "Step"),
    ("next_due", "Deadline"),
    ("updated_at", "Changed"),
)


class CaseTable(DataTable[str]):
    """The case list; asks for the next page when the cursor or scroll nears the end."""

    class NearEnd(Message):
        pass

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new > old and self.max_scroll_y and new >= self.max_scroll_y - self.size.height:
            self.post_message(self.NearEnd())

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if new.row > old.row and new.row >= self.row_count - 20:
            self.post_message(self.NearEnd())


class CasesScreen(SamskabScreen):
    BINDINGS = [
        Binding("n", "new_case", "New case"),
        Binding("a", "agenda", "Agenda"),
        Binding("d", "dashboard", "Dashboard"),
        Binding("p", "processes", "Processes"),
        Binding("u", "outbox", "Outbox"),
        Binding("slash", "search", "Search", show=False),
        Binding("o", "toggle_overdue", "Overdue", show=False),  # the checkbox says it
        Binding("m", "toggle_mine", "Mine", show=False),
        Binding("c", "toggle_closed", "Closed", show=False),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("q", "app.quit", "Quit"),
        Binding("e", "export", "Export"),  # last: where the footer is narrow, what is cut off
        Binding("escape", "leave_search", "Back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.processes: dict[str, ProcessView] = {}
        self.widths: dict[str, int] = {}
        self.last_where: CaseFilter | None = None
        self.shown = False
        self.order_by = "next_due"
        self.descending = False
        self.loaded = 0
        self.total = 0
        self.fetching = False
        self.generation = 0

    def compose(self) -> ComposeResult:
        w = self.samskab.words
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder=w("Search titles and fields …"), id="search")
            yield Select[str]([], prompt=w("Process"), id="process")
            yield Select[str]([], prompt=w("Step"), id="state")
            yield Checkbox(w("Overdue"), id="overdue")
            yield Checkbox(w("Mine"), id="mine")
            yield Checkbox(w("Closed"), id="closed")
        yield CaseTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.load_processes()
        self.query_one(CaseTable).focus()

    # -- the filter -----------------------------------------------------------------

    def where(self, offset: int) -> CaseFilter:
        process = self.query_one("#process", Select).value
        state = self.query_one("#state", Select).value
        return CaseFilter(
            process_id=None if process is Select.NULL else str(process),
            state=None if state is Select.NULL else str(state),
            text=self.query_one("#search", Input).value.strip() or None,
            overdue=self.query_one("#overdue", Checkbox).value,
            owner=self.samskab.service.actor.id if self.query_one("#mine", Checkbox).value else None,
            open_only=not self.query_one("#closed", Checkbox).value,
            order_by=self.order_by,
            descending=self.descending,
            limit=PAGE,
            offset=offset,
        )

    @work(thread=True, exclusive=True, group="processes")
    def load_processes(self) -> None:
        service = self.samskab.service
        known = list(self.processes.values())  # the processes do not change while the app runs

        def fetch() -> tuple[list[ProcessView], dict[str, int]]:
            return known or [service.process(p.id) for p in service.processes()], service.counts()

        self.samskab.fetch_and_show(fetch, self.show_processes)

    def show_processes(self, loaded: tuple[list[ProcessView], dict[str, int]]) -> None:
        processes, counts = loaded
        self.processes = {p.id: p for p in processes}
        select = self.query_one("#process", Select)
        chosen = select.value
        select.set_options(
            [
                (Text(f"{p.title} ({counts.get(p.id, 0)})", no_wrap=True, overflow="ellipsis"), p.id)
                for p in processes
            ]
        )
        if chosen is not Select.NULL and chosen in self.processes:
            select.value = chosen

    @on(Select.Changed, "#process")
    @on(Checkbox.Changed, "#closed")
    def process_chosen(self) -> None:
        """The steps of the chosen process to filter by (the final ones too, with closed cases)."""
        chosen = self.query_one("#process", Select).value
        process = self.processes.get(str(chosen)) if chosen is not Select.NULL else None
        closed = self.query_one("#closed", Checkbox).value
        states = [s for s in process.states if closed or not s.final] if process else []
        self.query_one("#state", Select).set_options(
            [(Text(s.title, no_wrap=True, overflow="ellipsis"), s.id) for s in states]
        )
        self.reload()

    @on(Select.Changed, "#state")
    @on(Checkbox.Changed)
    @on(Input.Changed, "#search")
    def filter_changed(self) -> None:
        self.reload()

    # -- loading pages ---------------------------------------------------------------

    def reload(self, *, force: bool = False) -> None:
        """Load the first page again, if the filter changed (or ``force``)."""
        where = self.where(0)
        if where == self.last_where and not force:
            return
        self.last_where = where
        self.generation += 1
        self.fetching = True
        self.load_page(where, self.generation)

    @on(CaseTable.NearEnd)
    def load_more(self) -> None:
        if not self.fetching and self.loaded < self.total:
            self.fetching = True
            self.load_page(self.where(self.loaded), self.generation)

    @work(thread=True, group="page")
    def load_page(self, where: CaseFilter, generation: int) -> None:
        self.samskab.fetch_and_show(
            lambda: self.samskab.service.case_page(where),
            lambda page: self.show_page(page, generation),
            self.page_failed,
        )

    def page_failed(self, error: Exception) -> None:
        self.fetching = False
        self.samskab.report(error)

    def show_page(self, page: CasePage, generation: int) -> None:
        if generation != self.generation or (page.offset and page.offset != self.loaded):
            return  # an answer to a question no longer asked
        table = self.query_one(CaseTable)
        replace = page.offset == 0
        keep = table.cursor_row if replace else None
        if replace:
            self.set_columns(table)
            table.clear()
            self.loaded = 0
        for row in page.rows:
            table.add_row(*self.cells(row), key=str(row.id))
        self.loaded += len(page.rows)
        self.total = page.total
        self.fetching = False
        if keep is not None and table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self.query_one("#status", Static).update(
            self.samskab.words(
                "{shown} of {total} case" if page.total == 1 else "{shown} of {total} cases",
                shown=self.loaded,
                total=page.total,
            )
        )

    def set_columns(self, table: CaseTable) -> None:
        """Fit the columns to the terminal's width: nothing is cut off at 80 columns."""
        width = max(self.size.width, 60)
        if self.widths.get("_total") == width:
            return
        wide = width >= 110
        keys = [key for key, _ in COLUMNS if wide or key != "updated_at"]
        fixed = 5 + 19 + (10 if wide else 0) + 2 * len(keys) + 2
        rest = width - fixed
        self.widths = {
            "_total": width,
            "id": 5,
            "next_due": 19,
            "updated_at": 10,
            "title": rest * 40 // 100,
            "process_id": rest * 25 // 100,
            "state": rest - rest * 40 // 100 - rest * 25 // 100,
        }
        table.clear(columns=True)
        titles = dict(COLUMNS)
        for key in keys:
            table.add_column(self.samskab.words(titles[key]), key=key, width=self.widths[key])

    def cells(self, row: CaseSummary) -> list[str]:
        lang = self.samskab.words.lang
        due = ""
        if row.next_deadline and row.days_left is not None:
            due = f"{day(row.next_deadline_day, lang)} ({row.days_left:+d})"
            if row.overdue:
                due = f"[b red]{due}[/]"
        cells = [
            str(row.id),
            _fit(row.title, self.widths["title"]),
            _fit(row.process_title, self.widths["process_id"]),
            _fit(row.state_title, self.widths["state"]),
            due,
        ]
        if "updated_at" in self.query_one(CaseTable).columns:
            cells.append(day(row.updated_at, lang))
        return cells

    def on_resize(self) -> None:
        if self.widths and self.widths["_total"] != max(self.size.width, 60):
            self.reload(force=True)

    # -- actions ----------------------------------------------------------------------

    @on(DataTable.HeaderSelected)
    def sort_by(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        self.descending = not self.descending if column == self.order_by else False
        self.order_by = column
        self.reload()

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(CaseScreen(int(str(event.row_key.value))))

    def action_new_case(self) -> None:
        self.app.push_screen(NewCaseScreen())

    def action_agenda(self) -> None:
        self.app.push_screen(AgendaScreen())

    def action_dashboard(self) -> None:
        self.app.push_screen(DashboardScreen())

    def action_processes(self) -> None:
        self.app.push_screen(ProcessesScreen())

    def action_outbox(self) -> None:
        self.app.push_screen(OutboxScreen())

    def action_export(self) -> None:
        """Write the list as filtered and sorted on screen to a spreadsheet."""
        self.app.push_screen(cases_dialog(self.samskab, self.where(0)))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        self.query_one(CaseTable).focus()

    def action_toggle_closed(self) -> None:
        self.query_one("#closed", Checkbox).toggle()

    def action_toggle_overdue(self) -> None:
        self.query_one("#overdue", Checkbox).toggle()

    def action_toggle_mine(self) -> None:
        self.query_one("#mine", Checkbox).toggle()

    def action_refresh(self) -> None:
        self.load_processes()
        self.reload(force=True)

    @on(DataChanged)
    def data_changed(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.shown:  # back from another screen, not the first showing
            self.action_refresh()
        self.shown = True


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"

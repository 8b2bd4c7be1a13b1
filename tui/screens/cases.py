"""Cases (home): the active cases, filtered, searched and sorted, loaded a page at a time."""

import attrs
from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Select, Static

from samskab.engine.messages import day, from_today
from samskab.engine.readmodels import FIELD_ORDER, CaseFilter, CasePage, CaseSummary, ProcessView
from samskab.tui.messages import DataChanged
from samskab.tui.screens.base import SamskabScreen
from samskab.tui.widgets.case_table import ASCENDING, DESCENDING, CaseTable, fit, fit_widths

PAGE = 200
COLUMNS = (
    ("id", "Case"),
    ("title", "Title"),
    ("process_id", "Process"),
    ("state", "Step"),
    ("next_due", "Deadline"),
    ("updated_at", "Changed"),
)
WIDE = 140
"""From this width on the list shows when a case last changed, and deadlines' dates."""


class CasesScreen(SamskabScreen):
    BINDINGS = [
        Binding("n", "new_case", "New case"),
        Binding("a", "agenda", "Agenda"),
        Binding("d", "dashboard", "Dashboard"),
        Binding("p", "processes", "Processes"),
        Binding("u", "outbox", "Outbox"),
        Binding("v", "columns", "Columns", show=False),  # the status line says it
        Binding("slash", "search", "Search", show=False),
        Binding("o", "toggle_overdue", "Overdue", show=False),  # the checkbox says it
        Binding("m", "toggle_mine", "Mine", show=False),
        Binding("c", "toggle_closed", "Closed", show=False),
        Binding("x", "clear_filters", "Clear the filters", show=False),
        Binding("s", "next_sort", "Sort by the next column", show=False),
        Binding("S", "flip_sort", "Reverse the order", show=False),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("q", "app.quit", "Quit", show=False),  # the footer is full; the help says it
        # The app's ? here, so that the footer shows it before what is cut off at 80 columns.
        Binding("question_mark", "app.help", "Help"),
        Binding("e", "export", "Export"),  # last: where the footer is narrow, what is cut off
        Binding("escape", "leave_search", "Back", show=False),
    ]
    HELP = (
        "The cases, the next deadline first. Filter by process and step, search titles and "
        "fields, tick Overdue, Mine or Closed. Enter opens a case; a click on a column's "
        "heading sorts by it. When the filter names one process, v picks its fields to show "
        "as columns."
    )

    def __init__(self) -> None:
        super().__init__()
        self.processes: dict[str, ProcessView] = {}
        self.widths: dict[str, int] = {}
        self.last_where: CaseFilter | None = None
        self.shown = False
        self.order_by = "next_due"
        self.descending = False
        self.loaded = 0
        self.page: CasePage | None = None
        self.total: int | None = 0
        """How many cases match; None until counted (a full first page is shown first)."""
        self.fetching = False
        self.generation = 0
        self.chosen_columns: dict[str, tuple[str, ...]] = {}
        """The fields shown as columns, by process id (kept in the person's settings)."""

    def compose(self) -> ComposeResult:
        w = self.samskab.words
        yield Header()
        with Vertical(id="filters"):
            with Horizontal(classes="filter-row"):
                yield Input(placeholder=w("Search titles and fields …"), id="search", compact=True)
                yield Checkbox(w("Overdue"), id="overdue")
                yield Checkbox(w("Mine"), id="mine")
                yield Checkbox(w("Closed"), id="closed")
            with Horizontal(classes="filter-row"):
                yield Select[str]([], prompt=w("Process"), id="process", compact=True)
                yield Select[str]([], prompt=w("Step"), id="state", compact=True)
        yield CaseTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Static(id="empty")
        yield Static(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.load_processes()
        self.query_one(CaseTable).focus()

    # -- the filter -----------------------------------------------------------------

    def chosen_process(self) -> ProcessView | None:
        chosen = self.query_one("#process", Select).value
        return self.processes.get(str(chosen)) if chosen is not Select.NULL else None

    def columns(self) -> tuple[str, ...]:
        """The fields to show as columns: those chosen for the process the filter names
        (that it still has)."""
        process = self.chosen_process()
        if process is None:
            return ()
        fields = {f.id for f in process.fields}
        return tuple(f for f in self.chosen_columns.get(process.id, ()) if f in fields)

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
            columns=self.columns(),
            order_by=self.order_by,
            descending=self.descending,
            limit=PAGE,
            offset=offset,
        )

    def hiding(self) -> list[str]:
        """The filters that hide cases now, by the names the screen shows them with."""
        w = self.samskab.words
        named = []
        search = self.query_one("#search", Input).value.strip()
        if search:
            named.append(f"{w('Search')}: {search}")
        process, state = self.chosen_process(), self.query_one("#state", Select).value
        if process is not None:
            named.append(f"{w('Process')}: {process.title}")
            steps = {s.id: s.title for s in process.states}
            if state is not Select.NULL:
                named.append(f"{w('Step')}: {steps.get(str(state), state)}")
        for box in ("#overdue", "#mine"):
            checkbox = self.query_one(box, Checkbox)
            if checkbox.value:
                named.append(str(checkbox.label))
        return named

    @work(thread=True, exclusive=True, group="processes")
    def load_processes(self) -> None:
        service = self.samskab.service
        known = list(self.processes.values())  # the processes do not change while the app runs

        first = not known

        def fetch() -> tuple[list[ProcessView], dict[str, int], dict[str, tuple[str, ...]] | None]:
            processes = known or [service.process(p.id) for p in service.processes()]
            return processes, service.counts(), service.list_columns() if first else None

        self.samskab.fetch_and_show(fetch, self.show_processes)

    def show_processes(
        self, loaded: tuple[list[ProcessView], dict[str, int], dict[str, tuple[str, ...]] | None]
    ) -> None:
        processes, counts, kept = loaded
        self.processes = {p.id: p for p in processes}
        if kept is not None:  # the columns chosen last time
            self.chosen_columns = {**kept, **self.chosen_columns}
        select = self.query_one("#process", Select)
        chosen = select.value
        select.set_options([(Text(f"{p.title} ({counts.get(p.id, 0)})"), p.id) for p in processes])
        if chosen is not Select.NULL and chosen in self.processes:
            select.value = chosen

    @on(Select.Changed, "#process")
    @on(Checkbox.Changed, "#closed")
    def process_chosen(self) -> None:
        """The steps of the chosen process to filter by (the final ones too, with closed cases)."""
        process = self.chosen_process()
        closed = self.query_one("#closed", Checkbox).value
        states = [s for s in process.states if closed or not s.final] if process else []
        self.query_one("#state", Select).set_options([(Text(s.title), s.id) for s in states])
        self.refresh_bindings()  # v (columns) needs one process
        self.reload()

    @on(Select.Changed, "#state")
    @on(Checkbox.Changed)
    @on(Input.Changed, "#search")
    def filter_changed(self) -> None:
        self.reload()

    # -- loading pages ---------------------------------------------------------------

    def reload(self, *, force: bool = False) -> None:
        """Load the first page again, if the filter changed (or ``force``)."""
        if (
            self.order_by.startswith(FIELD_ORDER)
            and self.order_by.removeprefix(FIELD_ORDER) not in self.columns()
        ):
            self.order_by, self.descending = "next_due", False  # that column is no longer shown
        where = self.where(0)
        if where == self.last_where and not force:
            return
        self.last_where = where
        self.generation += 1
        self.fetching = True
        self.load_page(where, self.generation)

    @on(CaseTable.NearEnd)
    def load_more(self) -> None:
        if not self.fetching and (self.total is None or self.loaded < self.total):
            self.fetching = True
            self.load_page(self.where(self.loaded), self.generation)

    @work(thread=True, group="page")
    def load_page(self, where: CaseFilter, generation: int) -> None:
        self.samskab.fetch_and_show(
            lambda: self.samskab.service.case_page(where),
            lambda page: self.show_page(page, generation),
            self.page_failed,
        )

    @work(thread=True, group="count")
    def count_all(self, where: CaseFilter, generation: int) -> None:
        self.samskab.fetch_and_show(
            lambda: self.samskab.service.count_cases(where),
            lambda total: self.counted(total, generation),
        )

    def counted(self, total: int, generation: int) -> None:
        if generation == self.generation and self.page is not None:
            self.total = total
            self.show_counts(attrs.evolve(self.page, total=total))

    def page_failed(self, error: Exception) -> None:
        self.fetching = False
        self.samskab.report(error)

    def show_page(self, page: CasePage, generation: int) -> None:
        if generation != self.generation or (page.offset and page.offset != self.loaded):
            return  # an answer to a question no longer asked
        table = self.query_one(CaseTable)
        replace = page.offset == 0
        if replace:
            kept, row = table.cursor_key(), table.cursor_row
            self.set_columns(table, page)
            table.clear()
            self.loaded = 0
        for case in page.rows:
            table.add_row(*self.cells(case), key=str(case.id))
        self.loaded += len(page.rows)
        self.fetching = False
        if replace:
            table.move_to(kept, row)
            self.page = page
            self.total = page.total
            if page.total is None:  # a full page: counted after it is shown
                self.count_all(self.where(0), generation)
        elif self.total is None and page.total is not None:  # the last page says how many
            self.total = page.total
        if self.page is not None:
            self.show_counts(attrs.evolve(self.page, total=self.total))

    def show_counts(self, page: CasePage) -> None:
        """ "34 sager", or "8 af 34 sager" when a filter hides some ("mindst 100" until
        they are counted); an empty list says which filters hide how many cases, and the
        key that clears them."""
        w = self.samskab.words
        shown = w("at least {shown}", shown=self.loaded) if page.total is None else page.total
        if page.total == page.unfiltered:
            counts = self.count(page.unfiltered)
        elif page.unfiltered == 1:
            counts = w("{shown} of {total} case", shown=shown, total=page.unfiltered)
        else:
            counts = w("{shown} of {total} cases", shown=shown, total=page.unfiltered)
        if self.chosen_process() is not None:
            key = self.samskab.key_display("v")
            counts += "  ·  " + w("{key}: choose columns among the process's fields", key=key)
        self.query_one("#status", Static).update(counts)
        named = self.hiding()
        hiding = ", ".join(f"«{escape(name)}»" for name in named)
        key = self.samskab.key_display("x")
        if page.total == 0 and page.unfiltered and len(named) == 1:
            said = w(
                "No cases: the filter {filters} hides {count}. Press {key} to clear it.",
                filters=hiding,
                count=self.count(page.unfiltered),
                key=key,
            )
        elif page.total == 0 and page.unfiltered:
            said = w(
                "No cases: the filters {filters} hide {count}. Press {key} to clear them.",
                filters=hiding,
                count=self.count(page.unfiltered),
                key=key,
            )
        else:
            said = w("No cases. Press {key} to open one.", key=self.samskab.key_display("n"))
        self.query_one("#empty", Static).update(said)
        self.set_class(page.total == 0, "-empty")

    def count(self, cases: int) -> str:
        w = self.samskab.words
        return w("{shown} case", shown=cases) if cases == 1 else w("{shown} cases", shown=cases)

    def set_columns(self, table: CaseTable, page: CasePage) -> None:
        """The columns, each as wide as its longest text on the first page, cut (…) only
        where they do not all fit the terminal; the sorted column marked ▲ or ▼."""
        w = self.samskab.words
        width = max(self.size.width, 60)
        wide = width >= WIDE
        titles = dict(COLUMNS)
        keys = [
            k
            for k, _ in COLUMNS
            if (wide or k != "updated_at") and not (k == "process_id" and self.chosen_process())
        ]
        fields = {f"{FIELD_ORDER}{v.id}": v.label for v in (page.rows[0].values if page.rows else ())}
        keys[keys.index("next_due") : keys.index("next_due")] = list(fields)
        headings = {k: w(titles[k]) if k in titles else fields[k] for k in keys}
        natural = {k: len(h) + 2 for k, h in headings.items()}
        for case in page.rows:
            for key, cell in zip(keys, self.texts(case, keys, wide), strict=True):
                natural[key] = max(natural[key], len(cell))
        flexible = {k: n for k, n in natural.items() if k not in ("id", "next_due", "updated_at")}
        fixed = sum(n for k, n in natural.items() if k not in flexible)
        room = width - fixed - 2 * len(keys) - 2
        self.widths = {**natural, **fit_widths(flexible, room, widest="title"), "_total": width}
        table.clear(columns=True)
        for key in keys:
            heading = fit(headings[key], self.widths[key])
            if key == self.order_by:
                arrow = DESCENDING if self.descending else ASCENDING
                heading = f"{fit(headings[key], self.widths[key] - 2)} {arrow}"
            table.add_column(Text(heading), key=key, width=self.widths[key])

    def texts(self, case: CaseSummary, keys: list[str], wide: bool) -> list[str]:
        """The case's cells as plain text, for the columns ``keys``."""
        lang = self.samskab.words.lang
        due = ""
        if case.next_deadline_day is not None and case.days_left is not None:
            due = from_today(case.days_left, lang, deadline=True)
            if wide:
                due = f"{day(case.next_deadline_day, lang)}, {due}"
        values = {
            "id": str(case.id),
            "title": case.title,
            "process_id": case.process_title,
            "state": case.state_title,
            "next_due": due,
            "updated_at": day(case.updated_at, lang),
            **{f"{FIELD_ORDER}{v.id}": v.shown for v in case.values},
        }
        return [values.get(key, "") for key in keys]

    def cells(self, case: CaseSummary) -> list[Text]:
        table = self.query_one(CaseTable)
        keys = [str(column.key.value) for column in table.columns.values()]
        cells: list[Text] = []
        for key, cell in zip(keys, self.texts(case, keys, self.widths["_total"] >= WIDE), strict=True):
            shown = Text(fit(cell, self.widths[key]), no_wrap=True)
            if key == "next_due" and case.overdue:
                shown.stylize("bold red")
            cells.append(shown)
        return cells

    def on_resize(self) -> None:
        if self.widths and self.widths["_total"] != max(self.size.width, 60):
            self.reload(force=True)

    # -- actions ----------------------------------------------------------------------

    @on(DataTable.HeaderSelected)
    def sort_by(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        self.sort(column, not self.descending if column == self.order_by else False)

    def action_next_sort(self) -> None:
        """Sort by the next column to the right (from the last, the first again)."""
        keys = [str(key.value) for key in self.query_one(CaseTable).columns]
        if keys:
            after = keys.index(self.order_by) + 1 if self.order_by in keys else 0
            self.sort(keys[after % len(keys)], False)

    def action_flip_sort(self) -> None:
        self.sort(self.order_by, not self.descending)

    def sort(self, column: str, descending: bool) -> None:
        self.order_by, self.descending = column, descending
        self.reload()

    def action_columns(self) -> None:
        process = self.chosen_process()
        if process is None:
            return

        from samskab.tui.screens.columns import ColumnsDialog

        def chosen(columns: tuple[str, ...] | None) -> None:
            if columns is not None:
                self.chosen_columns[process.id] = columns
                self.reload()
                self.keep_columns(process.id, columns)

        self.app.push_screen(ColumnsDialog(process, self.chosen_columns.get(process.id, ())), chosen)

    @work(thread=True, group="settings")
    def keep_columns(self, process_id: str, columns: tuple[str, ...]) -> None:
        """For the next time samskab runs (a file that cannot be written is said, and
        the choice holds while the UI runs)."""
        service = self.samskab.service
        self.samskab.fetch_and_show(lambda: service.keep_list_columns(process_id, columns), lambda _: None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "columns":  # the columns are the fields of one process
            return self.chosen_process() is not None
        return True

    def action_clear_filters(self) -> None:
        """Show every case again (open ones, or every one while Closed is ticked)."""
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed):
            self.query_one("#search", Input).value = ""
            self.query_one("#process", Select).clear()
            self.query_one("#state", Select).set_options([])
            self.query_one("#overdue", Checkbox).value = False
            self.query_one("#mine", Checkbox).value = False
        self.refresh_bindings()
        self.reload()
        self.query_one(CaseTable).focus()

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self.samskab.open_case(int(str(event.row_key.value)))

    def action_new_case(self) -> None:
        from samskab.tui.screens.new_case import NewCaseScreen

        self.app.push_screen(NewCaseScreen())

    def action_agenda(self) -> None:
        from samskab.tui.screens.agenda import AgendaScreen

        self.app.push_screen(AgendaScreen())

    def action_dashboard(self) -> None:
        from samskab.tui.screens.dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen())

    def action_processes(self) -> None:
        from samskab.tui.screens.processes import ProcessesScreen

        self.app.push_screen(ProcessesScreen())

    def action_outbox(self) -> None:
        from samskab.tui.screens.outbox import OutboxScreen

        self.app.push_screen(OutboxScreen())

    def action_export(self) -> None:
        """Write the list as filtered and sorted on screen to a spreadsheet."""
        from samskab.tui.screens.export_dialog import cases_dialog

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

"""Dashboard: the year in numbers per process (everyone's cases, or mine), each number
opening the cases behind it."""

from collections.abc import Callable

import attrs
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from samskab.engine.messages import day, moment
from samskab.engine.readmodels import (
    CaseFilter,
    CaseSummary,
    FieldBreakdown,
    ProcessReport,
    Report,
    ReportCount,
)
from samskab.tui.screens.base import DataScreen, MineScreen
from samskab.tui.screens.export_dialog import cases_dialog, report_dialog
from samskab.tui.widgets.labels import days_label


class DashboardScreen(MineScreen):
    """One table: per process, what is open now, what falls due, what the year brought and
    why, its money and hours, its choices. Enter on a number lists its cases."""

    HELP = (
        "The year in numbers per process: open per step, overdue, quiet, deadlines, what was "
        "opened and closed and why, money and hours. Enter on a number lists its cases; [ and "
        "] go a year back and forward; m counts only your cases."
    )
    BINDINGS = [
        *DataScreen.BINDINGS,
        Binding("left_square_bracket", "year(-1)", "Previous year"),
        Binding("right_square_bracket", "year(1)", "Next year"),
        Binding("e", "export", "Export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: Report | None = None
        self.year: int | None = None
        self.lists: dict[str, tuple[str, ReportCount, tuple[str, ...]]] = {}
        """Row key → (the heading of its list, the number, the columns to show)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.title_bar(Static("", id="dashboard-title", classes="section-title"))
        yield DataTable(id="dashboard", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        w = self.samskab.words
        self.sub_title = w("Dashboard")
        table = self.query_one(DataTable)
        table.add_column(w("Count"), key="count")
        table.add_column(w("What"), key="what")
        table.focus()

    def fetch(self) -> Report:
        return self.samskab.service.report(self.year, owner=self.owner)

    def action_year(self, step: int) -> None:
        if self.year is not None:
            self.year += step
            self.load()

    def action_export(self) -> None:
        """Write the numbers as shown, a row each, to a spreadsheet."""
        if self.report is not None:
            self.app.push_screen(report_dialog(self.samskab, self.report))

    def show(self, report: Report) -> None:
        self.report = report
        w = self.samskab.words
        self.year = report.year
        self.query_one("#dashboard-title", Static).update(
            w(
                "The year {year} as of {at}: Enter on a number lists its cases",
                year=report.year,
                at=moment(report.at, w.lang),
            )
        )
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.lists = {}
        for process in report.processes:
            self.add_process(table, process)
        table.move_cursor(row=min(row, table.row_count - 1))

    def add_process(self, table: DataTable[str | Text], p: ProcessReport) -> None:
        w = self.samskab.words

        def line(
            what: str, count: ReportCount | None = None, shown: str | None = None, heading: str = ""
        ) -> None:
            """A row; with a count, Enter lists its cases under ``heading`` (default: ``what``)."""
            key = f"{p.process}:{len(self.lists)}:{table.row_count}"
            if count is not None:
                self.lists[key] = (f"{p.title} · {heading or what.strip()}", count, p.columns)
            number = shown if shown is not None else str(count.count) if count else ""
            table.add_row(Text(number, justify="right"), what, key=key)

        table.add_row(
            Text(str(p.open_total), style="bold", justify="right"),
            Text(p.title, style="bold"),
            key=f"{p.process}:title",
        )
        for step in p.open_steps:
            if step.count:
                line(f"  {w('Open now')} · {step.label}", step)
        line(f"  {p.overdue.label}", p.overdue)
        line(f"  {p.quiet.label}", p.quiet)
        for due in p.due:
            line(f"  {due.total.label}", due.total)
            for step in due.steps:
                if step.count:
                    line(f"    {step.label}", step, heading=f"{due.total.label} · {step.label}")
        line(f"  {p.opened.label}", p.opened)
        for outcome in p.outcomes:
            if not outcome.count:
                continue
            closed = ReportCount(outcome.state, outcome.title, outcome.count, outcome.cases)
            line(f"  {w('Closed in the year')} · {outcome.title}", closed)
            for reasons in outcome.reasons:
                self.add_breakdown(line, reasons, "    ", outcome.title)
            if outcome.notes_only:
                line(f"    {w('the reasons are in the notes only')}")
        if p.average_days is not None:
            line(f"  {w('Days from opening to closing on average')}", shown=str(p.average_days))
        for total in p.totals:
            of = w("{n} of {of} cases", n=total.recorded, of=total.of)
            line(f"  {total.label} ({of})", p.active, shown=total.shown, heading=total.label)
        for breakdown in p.breakdowns:
            self.add_breakdown(line, breakdown, "  ")
        if p.missing:
            line(f"  {w('Not recorded')}: {', '.join(p.missing)}")

    def add_breakdown(
        self, line: Callable[..., None], breakdown: FieldBreakdown, indent: str, within: str = ""
    ) -> None:
        for count in (*breakdown.counts, breakdown.unrecorded):
            if count.count:
                what = f"{breakdown.label}: {count.label}"
                line(f"{indent}{what}", count, heading=f"{within} · {what}" if within else what)

    @on(DataTable.RowSelected)
    def open_list(self, event: DataTable.RowSelected) -> None:
        found = self.lists.get(str(event.row_key.value))
        if found and found[1].count:
            heading, count, columns = found
            self.app.push_screen(ReportCasesScreen(heading, count.cases, columns))


class ReportCasesScreen(DataScreen):
    """The cases behind a number of the dashboard, with the process's report columns."""

    HELP = (
        "The cases behind a number of the dashboard, with the columns the process names. Enter opens a case."
    )
    BINDINGS = [Binding("e", "export", "Export")]

    def __init__(self, heading: str, where: CaseFilter, columns: tuple[str, ...]):
        super().__init__()
        self.heading = heading
        self.where = attrs.evolve(where, columns=columns, order_by="next_due")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.heading, id="report-cases-title", classes="section-title")
        yield DataTable(id="report-cases", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.samskab.words("Dashboard")
        self.query_one(DataTable).focus()

    def fetch(self) -> tuple[CaseSummary, ...]:
        return tuple(self.samskab.service.cases(self.where))

    def show(self, rows: tuple[CaseSummary, ...]) -> None:
        w = self.samskab.words
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        for title in ("Case", "Title", "Step", "Deadline", "Days"):
            table.add_column(w(title))
        for label in (v.label for v in rows[0].values) if rows else ():
            table.add_column(label)
        for case in rows:
            days = days_label(case.days_left, True, w) if case.days_left is not None else ""
            table.add_row(
                str(case.id),
                case.title,
                case.state_title,
                day(case.next_deadline_day, w.lang),
                days,
                *(v.shown.replace("\n", " ") for v in case.values),
                key=str(case.id),
            )
        self.query_one("#report-cases-title", Static).update(
            f"{self.heading}: {w('{count} case(s)', count=len(rows))}"
        )
        table.move_cursor(row=min(row, max(table.row_count - 1, 0)))

    def action_export(self) -> None:
        """Write these cases, with these columns, to a spreadsheet."""
        self.app.push_screen(cases_dialog(self.samskab, self.where))

    @on(DataTable.RowSelected)
    def open_case(self, event: DataTable.RowSelected) -> None:
        from samskab.tui.screens.case import CaseScreen

        self.app.push_screen(CaseScreen(int(str(event.row_key.value))))

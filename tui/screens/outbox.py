"""Outbox: messages waiting to be sent and incidents, with retry and dismiss."""

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from samskab.tui.app import DataChanged
from samskab.tui.i18n import translate_bindings


class OutboxScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "back"),
        Binding("t", "retry", "retry"),
        Binding("d", "dismiss", "dismiss"),
        Binding("r", "refresh", "refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.app.words("outbox_help"), classes="section-title")
        yield DataTable(id="outbox", cursor_type="row", zebra_stripes=True)
        yield Static(id="outbox-error")
        yield Footer()

    def on_mount(self) -> None:
        w = self.app.words
        translate_bindings(self, w)
        self.sub_title = w("outbox")
        table = self.query_one(DataTable)
        for key in ("id", "status", "case", "channel", "recipient", "attempts", "subject"):
            table.add_column(w(f"outbox_{key}"), key=key)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        self.app.fetch_and_show(self.app.backend.outbox, self.show)

    def show(self, rows) -> None:
        w = self.app.words
        self.rows = {str(row.id): row for row in rows}
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            status = w(f"status_{row.status}")
            if row.status == "incident":
                status = f"[b red]{status}[/]"
            table.add_row(
                str(row.id),
                status,
                str(row.case_id),
                row.channel,
                row.recipient or "–",
                str(row.attempts),
                row.subject,
                key=str(row.id),
            )
        self.show_error()

    @on(DataTable.RowHighlighted)
    def show_error(self) -> None:
        row = self.current()
        self.query_one("#outbox-error", Static).update(row.last_error or "" if row else "")

    def current(self):
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key)

    def action_retry(self) -> None:
        self.resolve("retry")

    def action_dismiss(self) -> None:
        self.resolve("dismiss")

    def resolve(self, what: str) -> None:
        row = self.current()
        if row is not None:
            self.run_resolve(row.id, what)

    @work(thread=True)
    def run_resolve(self, message_id: int, what: str) -> None:
        try:
            self.app.backend.resolve(message_id, what)
            if what == "retry":
                self.app.backend.deliver()
        except Exception as error:
            self.app.call_from_thread(self.app.report, error)
        self.app.call_from_thread(self.load)

    def action_refresh(self) -> None:
        self.load()

    @on(DataChanged)
    def data_changed(self) -> None:
        self.load()

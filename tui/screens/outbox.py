"""Outbox: messages waiting to be sent and incidents, with retry and dismiss."""

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from samskab.engine.readmodels import ChannelView, OutboxItem
from samskab.tui.screens.base import DataScreen

COLUMNS = (
    ("id", "No."),
    ("status", "Status"),
    ("case", "Case"),
    ("channel", "Channel"),
    ("recipient", "Recipient"),
    ("attempts", "Attempts"),
    ("subject", "Subject"),
)


class OutboxScreen(DataScreen):
    BINDINGS = [
        Binding("t", "retry", "Retry"),
        Binding("d", "dismiss_message", "Dismiss"),
    ]
    HELP = (
        "Messages waiting to be sent, and incidents: messages that failed after the last "
        "retry. Retry one, or dismiss it (the decision is recorded). Above the list: the "
        "channels messages go through; with none, nothing is sent."
    )

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, OutboxItem] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            self.samskab.words("Messages waiting, and incidents (failed after the last retry)"),
            classes="section-title",
        )
        yield Static(id="outbox-channels")
        yield DataTable(id="outbox", cursor_type="row", zebra_stripes=True)
        yield Static(id="outbox-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        w = self.samskab.words
        self.sub_title = w("Outbox")
        table = self.query_one(DataTable)
        for key, title in COLUMNS:
            table.add_column(w(title), key=key)
        table.focus()

    def fetch(self) -> tuple[tuple[OutboxItem, ...], tuple[ChannelView, ...]]:
        return self.samskab.service.outbox(), self.samskab.service.channels()

    def show(self, loaded: tuple[tuple[OutboxItem, ...], tuple[ChannelView, ...]]) -> None:
        items, channels = loaded
        w = self.samskab.words
        if channels:
            names = ", ".join(f"{c.name} ({c.type})" for c in channels)
            said = w("Sent through: {channels}", channels=escape(names))
        else:
            said = f"[b yellow]{w('No channel is set up (e-mail or webhook in the configuration), so samskab sends nothing and no message waits here.')}[/]"
        self.query_one("#outbox-channels", Static).update(said)
        self.items = {str(item.id): item for item in items}
        table = self.query_one(DataTable)
        table.clear()
        for item in items:
            status = f"[b red]{item.status_title}[/]" if item.status == "incident" else item.status_title
            table.add_row(
                str(item.id),
                status,
                str(item.case_id),
                item.channel,
                item.recipient or "–",
                str(item.attempts),
                item.subject,
                key=str(item.id),
            )
        self.show_error()

    @on(DataTable.RowHighlighted)
    def show_error(self) -> None:
        item = self.current()
        if not self.items:
            shown = self.samskab.words("No messages are waiting, and there are no incidents.")
        else:
            shown = (item.last_error or "") if item else ""
        self.query_one("#outbox-error", Static).update(shown)

    def current(self) -> OutboxItem | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.items.get(str(key))

    def action_retry(self) -> None:
        item = self.current()
        if item is not None:
            self.resolve(item.id, retry=True)

    def action_dismiss_message(self) -> None:
        item = self.current()
        if item is not None:
            self.resolve(item.id, retry=False)

    @work(thread=True)
    def resolve(self, message_id: int, *, retry: bool) -> None:
        service = self.samskab.service

        def resolved() -> None:
            if retry:
                service.retry_message(message_id)
                service.deliver()
            else:
                service.dismiss_message(message_id)

        self.samskab.fetch_and_show(resolved, self.reload)

    def reload(self, _: None) -> None:
        self.load()

"""The samskab terminal UI: the app, its screens and its command palette.

The app owns a :class:`tui.backend.Backend`; screens ask it for data in thread
workers and get the answers back as messages. Every few seconds the app asks the
database whether another connection changed something, and tells the screen on top
to refresh, so a case moved from the command line or by a colleague shows up.
"""

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from textual import work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen

from samskab.engine.errors import SamskabError
from samskab.tui.backend import Backend
from samskab.tui.i18n import Words

T = TypeVar("T")

REFRESH_SECONDS = 2.0
DELIVER_SECONDS = 30.0


class DataChanged(Message):
    """Another connection changed the database; screens that show data reload."""


class SamskabApp(App):
    CSS_PATH = Path(__file__).parent / "samskab.tcss"
    TITLE = "samskab"

    def __init__(self, backend: Backend, *, refresh_seconds: float = REFRESH_SECONDS):
        super().__init__()
        self.backend = backend
        self.words = Words(backend.lang)
        self.refresh_seconds = refresh_seconds
        self._data_version: int | None = None

    def on_mount(self) -> None:
        from samskab.tui.screens.cases import CasesScreen

        self.sub_title = self.words("cases")
        self.push_screen(CasesScreen())
        self.set_interval(self.refresh_seconds, self.check_for_changes)
        self.set_interval(DELIVER_SECONDS, self.deliver)

    @work(thread=True, exclusive=True, group="watch")
    def check_for_changes(self) -> None:
        try:
            version = self.backend.data_version()
        except sqlite3.Error:
            return
        if self._data_version is not None and version != self._data_version:
            self.call_from_thread(self.screen.post_message, DataChanged())
        self._data_version = version

    @work(thread=True, exclusive=True, group="deliver")
    def deliver(self) -> None:
        """Send what is due in the outbox while the UI runs (as ``samskab tick`` does)."""
        try:
            report = self.backend.deliver()
        except Exception as error:  # a busy database: try again next round
            self.call_from_thread(self.report, error)
            return
        if report.incidents:
            self.call_from_thread(
                self.notify, self.words("new_incidents", count=report.incidents), severity="warning"
            )

    def fetch_and_show(self, fetch: Callable[[], T], show: Callable[[T], None]) -> None:
        """From a worker thread: run ``fetch`` (engine calls block), then ``show`` its
        result on the UI thread. An error becomes a notification, never a crash."""
        try:
            result = fetch()
        except Exception as error:
            self.call_from_thread(self.report, error)
            return
        self.call_from_thread(show, result)

    def report(self, error: BaseException) -> None:
        """Show an error as a notification, in the words a coordinator can act on."""
        if isinstance(error, SamskabError):
            reasons = error.reasons_in(self.words.lang)
            self.notify("\n".join(reasons), severity="error", timeout=8)
        elif isinstance(error, sqlite3.OperationalError):
            self.notify(self.words("busy") + f"\n({error})", severity="error", timeout=8)
        else:
            self.notify(f"{type(error).__name__}: {error}", severity="error", timeout=8)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from samskab.tui.screens.agenda import AgendaScreen
        from samskab.tui.screens.new_case import NewCaseScreen
        from samskab.tui.screens.outbox import OutboxScreen
        from samskab.tui.screens.processes import ProcessesScreen

        w = self.words
        yield SystemCommand(w("new_case"), w("choose_process"), lambda: self.push_screen(NewCaseScreen()))
        yield SystemCommand(w("agenda"), w("weeks_ahead", weeks=6), lambda: self.push_screen(AgendaScreen()))
        yield SystemCommand(w("processes"), w("processes"), lambda: self.push_screen(ProcessesScreen()))
        yield SystemCommand(w("outbox"), w("outbox_help"), lambda: self.push_screen(OutboxScreen()))
        yield from super().get_system_commands(screen)


def run(engine, *, lang: str = "da") -> None:
    backend = Backend(engine, engine.actor(), lang)
    SamskabApp(backend).run()

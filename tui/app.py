"""The samskab terminal UI: the app, its screens and its command palette.

The app holds the service (:class:`samskab.engine.service.Service`); screens ask it for
read models from worker threads (:meth:`SamskabApp.fetch_and_show`). Every few seconds
the app asks whether someone else changed the database and tells the screen on top to
refresh, so a case moved from the command line or by a colleague shows up. The header
says who is acting and with which roles; ? or F1 opens the help.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen

from samskab.engine.errors import SamskabError
from samskab.engine.readmodels import DeliveryReport, PersonView
from samskab.engine.service import Service
from samskab.tui.i18n import Words, translate_bindings, translate_commands
from samskab.tui.messages import DataChanged
from samskab.tui.palette import CaseSearch, SamskabPalette
from samskab.tui.screens.cases import CasesScreen

T = TypeVar("T")

REFRESH_SECONDS = 2.0
DELIVER_SECONDS = 30.0


class SamskabApp(App[None]):
    CSS_PATH = Path(__file__).parent / "samskab.tcss"
    TITLE = "samskab"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("f1", "help", "Help", show=False),
    ]
    COMMANDS = App.COMMANDS | {CaseSearch}

    def __init__(self, service: Service, *, refresh_seconds: float = REFRESH_SECONDS):
        super().__init__()
        self.service = service
        self.words = Words(service.lang)
        self.refresh_seconds = refresh_seconds
        self._data_version: int | None = None

    def on_mount(self) -> None:
        translate_bindings(self, self.words)
        self.sub_title = self.words("Cases")
        self.push_screen(CasesScreen())
        self.load_me()
        self.set_interval(self.refresh_seconds, self.check_for_changes)
        self.set_interval(DELIVER_SECONDS, self.deliver)

    @work(thread=True, group="me")
    def load_me(self) -> None:
        self.fetch_and_show(self.service.me, self.show_me)

    def show_me(self, me: PersonView) -> None:
        """Who is acting, in the header: "samskab · Mette Hansen (Koordinator)"."""
        self.title = f"{self.TITLE} · {me.name or me.id} ({me.role_titles})"

    @work(thread=True, exclusive=True, group="watch")
    def check_for_changes(self) -> None:
        try:
            version = self.service.data_version()
        except Exception:  # a busy database: ask again next round
            return
        if self._data_version is not None and version != self._data_version:
            self.call_from_thread(self.screen.post_message, DataChanged())
        self._data_version = version

    @work(thread=True, exclusive=True, group="deliver")
    def deliver(self) -> None:
        """Send what is due in the outbox while the UI runs (as ``samskab tick`` does)."""
        self.fetch_and_show(self.service.deliver, self.delivered)

    def delivered(self, report: DeliveryReport) -> None:
        if report.incidents:
            self.notify(
                self.words("{count} message(s) could not be sent; see the outbox", count=report.incidents),
                severity="warning",
            )

    def fetch_and_show(
        self,
        fetch: Callable[[], T],
        show: Callable[[T], object],
        failed: Callable[[SamskabError], None] | None = None,
    ) -> None:
        """From a worker thread: run ``fetch`` (service calls block), then ``show`` its
        result on the UI thread. A samskab error goes to ``failed`` if given (a form shows
        the reasons), else every error becomes a notification, never a crash."""
        try:
            result = fetch()
        except SamskabError as error:
            self.call_from_thread(failed or self.report, error)
            return
        except Exception as error:
            self.call_from_thread(self.report, error)
            return
        self.call_from_thread(show, result)

    def report(self, error: BaseException) -> None:
        """Show an error as a notification, in the words a coordinator can act on."""
        if isinstance(error, SamskabError):
            self.notify("\n".join(error.reasons_in(self.words.lang)), severity="error", timeout=8)
        else:
            self.notify(
                self.words("Something went wrong: {error}", error=f"{type(error).__name__}: {error}"),
                severity="error",
                timeout=8,
            )

    def action_command_palette(self) -> None:
        if not any(isinstance(screen, CommandPalette) for screen in self.screen_stack):
            self.push_screen(
                SamskabPalette(
                    placeholder=self.words("Search for commands and cases…"), id="--command-palette"
                )
            )

    # The screens other than the case list are imported when first opened: the list
    # paints sooner.

    def action_help(self) -> None:
        from samskab.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(type(self.screen)))

    def open_case(self, case_id: int) -> None:
        from samskab.tui.screens.case import CaseScreen

        self.push_screen(CaseScreen(case_id))

    def get_key_display(self, binding: Binding) -> str:
        """Keys as a person reads them: "ctrl+s" rather than Textual's "^s"."""
        shown = super().get_key_display(binding)
        return "ctrl+" + shown[1:] if shown.startswith("^") else shown

    def key_display(self, key: str) -> str:
        """A key as the footer shows it ("x", "ctrl+s")."""
        return self.get_key_display(Binding(key, ""))

    def show(self, screen: type[Screen[Any]]) -> None:
        """Open a screen from the palette, unless it is the one on top already."""
        if not isinstance(self.screen, screen):
            self.push_screen(screen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from samskab.tui.screens.agenda import AgendaScreen
        from samskab.tui.screens.dashboard import DashboardScreen
        from samskab.tui.screens.new_case import NewCaseScreen
        from samskab.tui.screens.outbox import OutboxScreen
        from samskab.tui.screens.processes import ProcessesScreen

        w = self.words
        yield SystemCommand(w("New case"), w("Choose a process"), lambda: self.show(NewCaseScreen))
        yield SystemCommand(
            w("Agenda"),
            w("Deadlines in the next {weeks} weeks, overdue first", weeks=AgendaScreen.WEEKS),
            lambda: self.show(AgendaScreen),
        )
        yield SystemCommand(
            w("Dashboard"),
            w("The year in numbers per process; each number lists its cases"),
            lambda: self.show(DashboardScreen),
        )
        yield SystemCommand(
            w("Processes"), w("Every process, step by step"), lambda: self.show(ProcessesScreen)
        )
        yield SystemCommand(
            w("Outbox"),
            w("Messages waiting, and incidents (failed after the last retry)"),
            lambda: self.show(OutboxScreen),
        )
        # Of Textual's own commands only Quit: theme, key help and screenshots are for
        # developers, and their panels speak English.
        quit_only = (c for c in super().get_system_commands(screen) if c.callback == self.action_quit)
        yield from translate_commands(quit_only, w)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A focused widget's keys (a drop-down's "Dismiss menu") in the app's language."""
        widget = event.widget
        if not getattr(widget, "_samskab_words", False):
            translate_bindings(widget, self.words)
            widget._samskab_words = True  # type: ignore[attr-defined]


def run(service: Service) -> None:
    SamskabApp(service).run()

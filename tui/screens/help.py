"""Help (? or F1): what each screen is for and its keys, the screen asked from first.

The keys are read from the screens' own ``BINDINGS``, so the help says what the keys
do today; each screen's ``HELP`` says what it is for.
"""

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from samskab.tui.i18n import translate_bindings
from samskab.tui.screens.action_form import CaseForm
from samskab.tui.screens.agenda import AgendaScreen
from samskab.tui.screens.case import CaseScreen
from samskab.tui.screens.cases import CasesScreen
from samskab.tui.screens.columns import ColumnsDialog
from samskab.tui.screens.dashboard import DashboardScreen, ReportCasesScreen
from samskab.tui.screens.export_dialog import ExportDialog
from samskab.tui.screens.new_case import NewCaseScreen
from samskab.tui.screens.outbox import OutboxScreen
from samskab.tui.screens.processes import ProcessesScreen

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp

SCREENS: tuple[tuple[type[Any], str], ...] = (
    (CasesScreen, "Cases"),
    (CaseScreen, "Case"),
    (CaseForm, "Forms on a case"),
    (NewCaseScreen, "New case"),
    (AgendaScreen, "Agenda"),
    (DashboardScreen, "Dashboard"),
    (ReportCasesScreen, "The cases behind a number"),
    (ProcessesScreen, "Processes"),
    (OutboxScreen, "Outbox"),
    (ColumnsDialog, "Columns"),
    (ExportDialog, "Export"),
)
"""Every screen the help describes, with its name (English, said in the reader's language)."""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("f1", "close", "Close", show=False),
    ]

    def __init__(self, asked_from: type[Screen[Any]] | None = None):
        super().__init__()
        self.asked_from = asked_from

    @property
    def samskab(self) -> "SamskabApp":
        return cast("SamskabApp", self.app)

    def compose(self) -> ComposeResult:
        w = self.samskab.words
        first = [s for s in SCREENS if self.asked_from and issubclass(self.asked_from, s[0])]
        with VerticalScroll(id="help"):
            yield Static(f"[b]{w('Help')}[/]", classes="form-title")
            for screen, name in first + [s for s in SCREENS if s not in first]:
                yield Static(w(name), classes="section-title")
                yield Static(escape(w(screen.HELP)), classes="help-text")
                yield Static(self.keys(screen), classes="help-keys")
            yield Static(w("Everywhere"), classes="section-title")
            yield Static(self.keys(type(self.app)), classes="help-keys")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        translate_bindings(self, self.samskab.words)
        self.query_one("#help").focus()  # the arrows and page keys scroll it

    def keys(self, node: type[DOMNode]) -> str:
        """The keys samskab binds on ``node`` (not Textual's own: focus, copy) and what
        each does, one a line; keys for the same thing on one line ("? / f1")."""
        w, app = self.samskab.words, self.samskab
        bound: dict[str, Binding] = {}
        for base in reversed(node.__mro__):
            if base.__module__.startswith("samskab."):
                bound.update({b.key: b for b in base.__dict__.get("BINDINGS", []) if isinstance(b, Binding)})
        if node is type(self.app):
            bound = {
                **bound,
                "ctrl+p": Binding("ctrl+p", "command_palette", "Search for commands and cases"),
                "ctrl+q": Binding("ctrl+q", "quit", "Quit"),
            }
        said: dict[str, list[str]] = {}
        for binding in bound.values():
            if binding.description and binding.action != "app.help":  # said under "Everywhere"
                said.setdefault(w(binding.description), []).append(app.get_key_display(binding))
        width = max((len(" / ".join(keys)) for keys in said.values()), default=0)
        return "\n".join(
            f"  [b]{escape(' / '.join(keys).ljust(width))}[/]  {escape(what)}" for what, keys in said.items()
        )

    def action_close(self) -> None:
        self.dismiss(None)

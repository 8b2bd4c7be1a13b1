"""What every screen that shows the service's data shares: load it off the UI thread
when shown, on ``r`` and whenever someone else changes the database; translated key
bindings; everyone's cases or only mine.

Textual calls the ``on_mount`` of every class in a screen's MRO, the subclass's first,
so a subclass sets up its widgets in its own ``on_mount`` and never calls ``super()``'s.
"""

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Checkbox, Static

from samskab.tui.i18n import translate_bindings
from samskab.tui.messages import DataChanged

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp


class SamskabScreen(Screen[Any]):
    """A screen of the samskab app: key binding descriptions in the app's language."""

    @property
    def samskab(self) -> "SamskabApp":
        return cast("SamskabApp", self.app)

    def on_mount(self) -> None:
        translate_bindings(self, self.samskab.words)


class DataScreen(SamskabScreen):
    """Subclasses say what to ``fetch`` (runs in a worker thread, calls the service) and
    how to ``show`` it (on the UI thread)."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "refresh", "Refresh"),
        # The app's ?, here so that the footer shows it before what is cut off at 80 columns.
        Binding("question_mark", "app.help", "Help"),
    ]

    def on_mount(self) -> None:
        self.load()

    def fetch(self) -> Any:
        raise NotImplementedError

    def show(self, data: Any) -> None:
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        self.samskab.fetch_and_show(self.fetch, self.show)

    def action_refresh(self) -> None:
        self.load()

    @on(DataChanged)
    def data_changed(self) -> None:
        self.action_refresh()


class MineScreen(DataScreen):
    """A data screen of everyone's cases or only of mine (the cases I own): the Mine
    checkbox, or ``m``, sets ``owner``, which ``fetch`` asks the service for."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("m", "toggle_mine", "Mine", show=False)]
    owner: str | None = None
    """Whose cases (None: everyone's)."""

    def title_bar(self, title: Static) -> Horizontal:
        """The screen's title with the Mine checkbox beside it."""
        return Horizontal(title, Checkbox(self.samskab.words("Mine"), id="mine"), classes="title-bar")

    def action_toggle_mine(self) -> None:
        self.query_one("#mine", Checkbox).toggle()

    @on(Checkbox.Changed, "#mine")
    def mine_changed(self, event: Checkbox.Changed) -> None:
        self.owner = self.samskab.service.actor.id if event.value else None
        self.load()

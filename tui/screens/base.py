"""What every screen that shows the service's data shares: load it off the UI thread
when shown, on ``r`` and whenever someone else changes the database; translated key
bindings.

Textual calls the ``on_mount`` of every class in a screen's MRO, the subclass's first,
so a subclass sets up its widgets in its own ``on_mount`` and never calls ``super()``'s.
"""

from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.binding import Binding
from textual.screen import Screen

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

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("r", "refresh", "Refresh")]

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

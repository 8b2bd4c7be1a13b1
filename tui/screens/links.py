"""The links of a case (its link fields): choose one to open in the browser."""

from typing import TYPE_CHECKING, ClassVar, cast

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from samskab.engine.readmodels import FieldValue
from samskab.tui.i18n import translate_bindings

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp


def open_link(app: "SamskabApp", link: FieldValue) -> None:
    """Open a link field's address in the browser, and say which (to copy, where no
    browser opens)."""
    assert link.link is not None
    app.open_url(link.link)
    app.notify(app.words("Opening {url}", url=link.link), markup=False)


class LinksScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Back")]

    def __init__(self, links: tuple[FieldValue, ...]):
        super().__init__()
        self.links = links

    @property
    def samskab(self) -> "SamskabApp":
        return cast("SamskabApp", self.app)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Static(f"[b]{escape(self.samskab.words('Open a link'))}[/]", classes="form-title")
            yield OptionList(
                *(Option(f"{escape(f.label)}\n  {escape(f.shown)}", id=f.id) for f in self.links), id="links"
            )
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, self.samskab.words)
        self.query_one("#links").focus()

    @on(OptionList.OptionSelected, "#links")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        open_link(self.samskab, next(f for f in self.links if f.id == event.option.id))
        self.dismiss(None)

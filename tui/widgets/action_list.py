"""A case's actions, laid out so that the one that ends the case is not taken by accident.

The actions that keep the case open come first; those that close it (withdraw, refuse,
end) come last, below a line that says so. The arrow keys move from one action that can
be taken now to the next, as in any list, but never wrap around from the top to the
bottom, and never carry the cursor over a greyed action or the line onto an action that
closes the case: crossing the line takes a second press, and the first one says why.
(The form of such an action asks once more before it is taken.)
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from rich.markup import escape
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from samskab.engine.readmodels import ActionChoice

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp


class ActionList(OptionList):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.closing: set[str] = set()
        """The ids of the actions that close the case."""
        self.crossing: int | None = None
        """The action that closes the case which the last arrow press stopped short of."""

    def show(self, actions: Iterable[ActionChoice], keep: str | None = None) -> None:
        """List ``actions``, the cursor on ``keep`` if it is still there and can be
        taken, else on the first that can be taken and keeps the case open."""
        w = cast("SamskabApp", self.app).words
        actions = list(actions)
        staying = [a for a in actions if not a.ends_case]
        closing = [a for a in actions if a.ends_case]
        self.closing = {a.id for a in closing}
        self.crossing = None
        self.clear_options()
        if not actions:
            self.add_option(Option(w("The case is closed."), disabled=True))
            return
        for action in staying:
            self.add_option(self.option(action))
        if closing:
            self.add_option(Option(f"[dim]── {escape(w('These close the case'))} ──[/]", disabled=True))
            for action in closing:
                self.add_option(self.option(action))
        kept = next((i for i, o in enumerate(self.options) if o.id == keep and not o.disabled), None)
        if kept is None:
            kept = next(
                (
                    i
                    for i, o in enumerate(self.options)
                    if o.id and o.id not in self.closing and not o.disabled
                ),
                None,
            )
        self.highlighted = kept

    def option(self, action: ActionChoice) -> Option:
        w = cast("SamskabApp", self.app).words
        label = f"{escape(action.title)}  → {escape(action.to_title)}"
        if not action.allowed:
            label += f"\n  [dim]{w('not now')}: {escape('; '.join(action.reasons))}[/]"
        return Option(label, id=action.id, disabled=not action.allowed)

    def highlighted_id(self) -> str | None:
        index = self.highlighted
        return self.options[index].id if index is not None else None

    def closes(self, index: int | None) -> bool:
        return index is not None and self.options[index].id in self.closing

    def next_enabled(self, direction: int, start: int | None = None) -> int | None:
        """The next action that can be taken after ``start`` (default: the cursor), up or
        down; None at the end (no wrapping)."""
        index = start if start is not None else self.highlighted
        if index is None:
            index = -1 if direction > 0 else self.option_count
        index += direction
        while 0 <= index < self.option_count:
            if not self.options[index].disabled:
                return index
            index += direction
        return None

    def go(self, target: int | None) -> None:
        """Move the cursor to ``target``, unless that crosses onto an action that closes
        the case for the first time."""
        if target is None:
            return
        if self.closes(target) and not self.closes(self.highlighted) and self.crossing != target:
            self.crossing = target
            self.app.bell()
            self.notify(
                cast("SamskabApp", self.app).words(
                    "The actions below the line close the case: press the key again to go there"
                ),
                timeout=4,
            )
            return
        self.crossing = None
        self.highlighted = target

    def action_cursor_down(self) -> None:
        self.go(self.next_enabled(1))

    def action_cursor_up(self) -> None:
        self.go(self.next_enabled(-1))

    def action_first(self) -> None:
        self.go(self.next_enabled(1, start=-1))

    def action_last(self) -> None:
        self.go(self.next_enabled(-1, start=self.option_count))

    def action_page_up(self) -> None:
        self.action_first()

    def action_page_down(self) -> None:
        self.action_last()

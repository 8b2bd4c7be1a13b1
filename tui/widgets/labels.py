"""Small pieces of text the screens share: how far a day is, a person to choose, a
refusal."""

from rich.markup import escape
from textual.widgets import Static

from samskab.engine.messages import from_today
from samskab.engine.readmodels import PersonView
from samskab.tui.i18n import Words


def days_label(days: int, is_deadline: bool, w: Words) -> str:
    """How far a day is from today in words (:func:`samskab.engine.messages.from_today`);
    a deadline due today or passed in red."""
    said = escape(from_today(days, w.lang, deadline=is_deadline))
    return f"[b red]{said}[/]" if is_deadline and days <= 0 else said


def person_label(person: PersonView) -> str:
    """A person to choose: their name, with their id beside it."""
    return f"{person.name} ({person.id})" if person.name else person.id


class Refusal(Static):
    """Why an action or a new case was refused: every reason, kept in view."""

    def show_reasons(self, heading: str, reasons: list[str]) -> None:
        self.update(f"[b]{escape(heading)}[/]\n" + "\n".join(f"• {escape(r)}" for r in reasons))
        self.add_class("shown")
        # Once it is laid out (it was hidden until now), into view: a refusal at the
        # foot of a long form is not missed.
        self.call_after_refresh(self.scroll_visible, animate=False)

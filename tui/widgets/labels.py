"""Small pieces of text the screens share: how many days are left, a person to choose, a
refusal."""

from rich.markup import escape
from textual.widgets import Static

from samskab.engine.readmodels import PersonView
from samskab.tui.i18n import Words


def span(days: int, w: Words) -> str:
    """A number of days as people say it: "5 dage", "3 måneder", "2 år"."""
    if days < 60:
        return w("{n} day", n=days) if days == 1 else w("{n} days", n=days)
    if days < 730:
        return w("{n} months", n=days // 30)
    return w("{n} years", n=days // 365)


def days_label(days: int, is_deadline: bool, w: Words) -> str:
    """ "om 5 dage", "i dag", "for 3 måneder siden", or, for a deadline passed, "3 dage
    for sent" in red."""
    if days == 0:
        return f"[b red]{w('today')}[/]" if is_deadline else w("today")
    if days == 1:
        return w("tomorrow")
    if days > 0:
        return w("in {time}", time=span(days, w))
    if is_deadline:
        return f"[b red]{w('{time} late', time=span(-days, w))}[/]"
    return w("yesterday") if days == -1 else w("{time} ago", time=span(-days, w))


def person_label(person: PersonView) -> str:
    """A person to choose: their name, with their id beside it."""
    return f"{person.name} ({person.id})" if person.name else person.id


class Refusal(Static):
    """Why an action or a new case was refused: every reason, kept in view."""

    def show_reasons(self, heading: str, reasons: list[str]) -> None:
        self.update(f"[b]{escape(heading)}[/]\n" + "\n".join(f"• {escape(r)}" for r in reasons))
        self.add_class("shown")
        self.scroll_visible()

"""Small pieces of text the screens share: how many days are left, a refusal."""

from rich.markup import escape
from textual.widgets import Static

from samskab.tui.i18n import Words


def days_label(days: int, is_deadline: bool, w: Words) -> str:
    """ "om 5 dage", "i dag", or, for a deadline passed, "3 dage over" in red."""
    if days > 0:
        return w("in {days} days", days=days) if days != 1 else w("tomorrow")
    if days == 0:
        return f"[b red]{w('today')}[/]" if is_deadline else w("today")
    if is_deadline:
        return f"[b red]{w('{days} days late', days=-days) if days != -1 else w('1 day late')}[/]"
    return w("{days} days ago", days=-days) if days != -1 else w("yesterday")


class Refusal(Static):
    """Why an action or a new case was refused: every reason, kept in view."""

    def show_reasons(self, heading: str, reasons: list[str]) -> None:
        self.update(f"[b]{escape(heading)}[/]\n" + "\n".join(f"• {escape(r)}" for r in reasons))
        self.add_class("shown")
        self.scroll_visible()

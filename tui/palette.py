"""The command palette (ctrl+p): samskab's screens and commands, and cases found by
number or title, with every text of the palette in the app's language."""

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, Hit, Hits, Provider
from textual.widgets.option_list import Option

from samskab.engine.errors import SamskabError

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp


class CaseSearch(Provider):
    """Cases whose number, title or fields match what is typed (the service's search);
    choosing one opens it."""

    async def search(self, query: str) -> Hits:
        app = cast("SamskabApp", self.app)
        if not query.strip():
            return
        try:
            found = await asyncio.to_thread(app.service.find_cases, query)
        except SamskabError:  # no access, a busy database: no cases to offer
            return
        matcher = self.matcher(query)
        for case in found:
            title = f"{app.words('Case')} {case.id}: {case.title}"
            yield Hit(
                # A case found in its fields, not its title, still comes, after the better matches.
                max(matcher.match(title), 0.1),
                matcher.highlight(title),
                partial(app.open_case, case.id),
                text=title,
                help=f"{case.process_title} · {case.state_title}",
            )


class SamskabPalette(CommandPalette):
    """Textual's command palette saying "no matches" in the app's language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # As Textual's own (private, so kept short): after a moment without a hit, say so.
        self._stop_no_matches_countdown()

        def no_matches() -> None:
            if search_value:
                said = cast("SamskabApp", self.app).words("No matches found")
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(said, style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
            self._list_visible = bool(search_value)

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, no_matches)

"""The case list's table: pages loaded as the cursor nears the end, columns fitted to
the terminal so that no name is cut while there is room, and the sorted column marked."""

from rich.text import Text
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

ASCENDING, DESCENDING = "▲", "▼"


class CaseTable(DataTable[Text]):
    """The case list; asks for the next page when the cursor or scroll nears the end."""

    class NearEnd(Message):
        pass

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new > old and self.max_scroll_y and new >= self.max_scroll_y - self.size.height:
            self.post_message(self.NearEnd())

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if new.row > old.row and new.row >= self.row_count - 20:
            self.post_message(self.NearEnd())

    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (a case number), if any."""
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def move_to(self, key: str | None, fallback: int) -> None:
        """Put the cursor back on the row ``key`` if the table still holds it, else on
        row ``fallback`` (or the last one): the cursor stays where the person left it."""
        if not self.row_count:
            return
        try:
            row = self.get_row_index(key) if key is not None else fallback
        except RowDoesNotExist:  # the case left the list (another filter, another page)
            row = fallback
        self.move_cursor(row=min(row, self.row_count - 1))


def fit_widths(natural: dict[str, int], room: int, *, widest: str, least: int = 6) -> dict[str, int]:
    """Widths for columns that want ``natural`` widths in ``room`` cells. If they all
    fit, each gets what it wants and ``widest`` the room left; else the longest are cut
    to one width, so that a short name is never cut while a long one takes the room."""
    widths: dict[str, int] = {}
    left, count = room, len(natural)
    for key, wants in sorted(natural.items(), key=lambda item: item[1]):
        share = max(left // count, least)
        widths[key] = min(wants, share)
        left -= widths[key]
        count -= 1
    if left > 0 and widest in widths:
        widths[widest] += left
    return widths


def fit(text: str, width: int) -> str:
    """``text`` on one line, cut with … to ``width``."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: max(width - 1, 1)] + "…"

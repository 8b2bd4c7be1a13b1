"""Reading a spreadsheet a person made, row by row: a CSV file or an XLSX workbook
(``samskab cases import``; what ``cases export`` writes, and what Excel saves).

- **XLSX** (and the other workbooks python-calamine reads, told by their content, not
  their name): the first sheet. Cells come as Excel holds them: texts, numbers, dates,
  yes/no. python-calamine is imported only when a workbook is read.
- **CSV**: UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8" has one, as has
  samskab's own export); another encoding is a clear error, not wrong letters. The
  separator is ``;`` (Danish Excel, samskab's Danish export) or ``,`` or a tab, whichever
  the heading row holds most of. Every cell is a text; a text samskab's export guarded
  against formula injection (``'=SUM(...)``, :func:`engine.export.unguarded`) is read as it
  was before. A line break inside a cell is ``\\n`` whatever the file used.

Rows are read one at a time, so a file of any length needs no more memory than one row
(a workbook's reader holds its sheet). Each comes with its number as the spreadsheet shows
it (the heading is row 1 in a sheet that starts there), to say where a problem is.
"""

import codecs
import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from samskab.engine.errors import BadInput, file_problem
from samskab.engine.export import unguarded
from samskab.engine.messages import msg

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta
"""A cell's value: a CSV file's are all texts; a workbook's as Excel keeps them ("" empty)."""

LONGEST_CELL = 100_000
"""Characters a cell may hold: more is a mistake in the file (a whole document pasted
into a cell), said as such."""

_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
"""How a workbook's file begins: a zip archive (XLSX, ODS) or Excel's older format."""
_SEPARATORS = (";", ",", "\t")


class Sheet:
    """A file to read rows from, as often as asked: ``kind`` is ``csv`` or ``xlsx``."""

    def __init__(self, path: Path, kind: str, *, separator: str = ",", workbook_sheet: Any = None):
        self.path = path
        self.kind = kind
        self.separator = separator
        """Between a CSV file's values."""
        self._workbook_sheet = workbook_sheet
        """A workbook's first sheet, read once (python-calamine reads it whole)."""

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, its cells) for every row, the heading's first; cells of a row
        past the last one it holds are left out."""
        return self._workbook_rows() if self.kind == "xlsx" else self._csv_rows()

    def _csv_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        csv.field_size_limit(LONGEST_CELL * 10)  # the longer ones are said, not read
        number = 0
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as file:
                reader = csv.reader(file, delimiter=self.separator)
                for number, cells in enumerate(reader, start=1):
                    yield number, [_csv_cell(c) if c[:1] == "'" or "\r" in c else c for c in cells]
        except UnicodeDecodeError:
            raise BadInput(
                msg("{path} is not UTF-8 text (row {row})", path=str(self.path), row=number + 1),
                [msg('save it as "CSV UTF-8" (Excel: Save as, CSV UTF-8), or as an XLSX workbook')],
            ) from None
        except csv.Error as error:
            raise BadInput(
                msg("{path}, row {row}: {error}", path=str(self.path), row=number + 1, error=str(error)),
                [msg("a cell holds at most {count} characters", count=f"{LONGEST_CELL:,}".replace(",", "."))],
            ) from None
        except OSError as error:
            raise file_problem(self.path, error) from None

    def _workbook_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        sheet = self._workbook_sheet
        # The reader gives every row from the first, but each from the first column used.
        before: list[Cell] = [""] * (sheet.start or (0, 0))[1]
        for index, cells in enumerate(sheet.iter_rows(), start=1):
            yield index, before + list(cells)


def open_sheet(path: Path) -> Sheet:
    """The file at ``path`` as a sheet to read, told apart by its content; BadInput for
    a file that is neither a workbook nor UTF-8 text."""
    try:
        with path.open("rb") as file:
            start = file.read(64 * 1024)
    except OSError as error:
        raise file_problem(path, error) from None
    if start.startswith(_WORKBOOKS):
        return Sheet(path, "xlsx", workbook_sheet=_first_sheet(path))
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or not _is_text(start):
        raise BadInput(
            msg("{path} is neither an XLSX workbook nor a CSV file in UTF-8", path=str(path)),
            [msg('save it as "CSV UTF-8" (Excel: Save as, CSV UTF-8), or as an XLSX workbook')],
        )
    heading = start.removeprefix(codecs.BOM_UTF8).split(b"\n", 1)[0].decode("utf-8", "replace")
    separator = max(_SEPARATORS, key=heading.count)
    return Sheet(path, "csv", separator=separator)


def _is_text(start: bytes) -> bool:
    """Whether the first bytes of a file are UTF-8 text (the last character may be cut)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in start


def _first_sheet(path: Path) -> Any:
    from python_calamine import CalamineError, CalamineWorkbook  # only for a workbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return workbook.get_sheet_by_index(0)
    except (CalamineError, IndexError, ValueError) as error:
        raise BadInput(
            msg("{path} is not a workbook samskab can read ({error})", path=str(path), error=str(error))
        ) from None
    except OSError as error:
        raise file_problem(path, error) from None


def _csv_cell(cell: str) -> str:
    return unguarded(cell.replace("\r\n", "\n"))


def is_empty(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())

"""Tables (:class:`samskab.engine.readmodels.Table`) as files for spreadsheets: CSV, and
XLSX written with xlsxwriter, in the reader's language.

CSV is made for the reader's Excel to open with a double-click:

- UTF-8 with a byte-order mark, whatever the language: without it Excel reads æ, ø and å
  as two odd characters each.
- Danish: ``;`` between values and a decimal comma (``12500,00``), dates ``23.12.2026``,
  times ``23.12.2026 09:30``, as Danish Excel reads them (its list separator is ``;``,
  because ``,`` is its decimal separator). English: ``,`` and a decimal point, ISO dates
  (``2026-12-23``, ``2026-12-23 09:30``).
- Amounts and numbers plain, without thousands separators or "kr.", so that a
  spreadsheet reads them as numbers; times in the municipality's local time.

XLSX holds real numbers and dates with formats: amounts ``#,##0.00 "kr."`` (Excel shows
the separators of the reader's locale), dates ``dd.mm.yyyy`` in Danish and
``yyyy-mm-dd`` in English; bold headings that stay in view, with filters.

Formula injection (OWASP's CSV injection): a text beginning with ``=``, ``+``, ``-``,
``@``, a tab or a line break is a formula, or starts one, to a spreadsheet. In CSV it gets
a leading ``'`` (as does a text that would read as one so guarded: ``'=x`` is ``''=x``, so
that :func:`unguarded` gives back every text exactly, for ``samskab cases import``); in
XLSX it is written as text with Excel's quote prefix (what typing ``'`` before it does), so
it shows as written and stays text when the cell is edited.
"""

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from samskab.engine import localtime
from samskab.engine.errors import BadInput
from samskab.engine.messages import msg
from samskab.engine.readmodels import Column, Table

FORMATS = ("csv", "xlsx")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""What a cell must not begin with, lest a spreadsheet take it for a formula."""

SHEET_NAME_LENGTH = 31
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})

_CSV = {"da": (";", ",", "%d.%m.%Y"), "en": (",", ".", "%Y-%m-%d")}
"""Per language: the separator between values, the decimal mark, the date."""

_XLSX = {
    "da": {"money": '#,##0.00 "kr."', "date": "dd.mm.yyyy", "datetime": "dd.mm.yyyy hh:mm"},
    "en": {"money": '"DKK "#,##0.00', "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"},
}
"""Per language: Excel's number formats of the kinds of column that need one."""

WIDEST = 60
"""Characters: wider columns (long texts) wrap instead."""


def table_file(tables: Sequence[Table], fmt: str, lang: str, now: dt.datetime) -> bytes:
    """``tables`` as a file in ``fmt`` (``csv``: exactly one table; ``xlsx``: a sheet each)."""
    if fmt == "xlsx":
        return xlsx(tables, lang, now)
    if fmt == "csv":
        if len(tables) != 1:
            raise BadInput(msg("a CSV file holds one table, not {count}", count=len(tables)))
        return csv_file(tables[0], lang)
    raise BadInput(msg("{value!r} is not a format to export (csv or xlsx)", value=fmt))


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula."""
    return text.startswith(FORMULA_STARTS)


def _guarded(text: str) -> bool:
    """Whether ``text`` gets a ``'`` in CSV: a formula, or a formula so guarded already."""
    return is_formula(text.lstrip("'"))


def unguarded(cell: str) -> str:
    """A CSV cell's text as it was before the export guarded it (``'=SUM(A1)`` is
    ``=SUM(A1)``); any other text as it is."""
    return cell[1:] if cell.startswith("'") and _guarded(cell[1:]) else cell


def _plain(value: Any) -> str:
    """A number as digits and a point, never in exponent notation."""
    if isinstance(value, int):
        return str(value)
    return format(value if isinstance(value, Decimal) else Decimal(repr(value)), "f")


# -- CSV ---------------------------------------------------------------------------------


def csv_file(table: Table, lang: str) -> bytes:
    """``table`` as CSV for the reader's spreadsheet, UTF-8 with a byte-order mark."""
    separator = _CSV[lang][0]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(_csv_text(column.label) for column in table.columns)
    for row in table.rows:
        writer.writerow(
            _csv_cell(column, value, lang) for column, value in zip(table.columns, row, strict=True)
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(column: Column, value: Any, lang: str) -> str:
    if value is None:
        return ""
    _, decimal_mark, date_format = _CSV[lang]
    if isinstance(value, str):  # a text, in whatever column
        return _csv_text(value)
    if column.kind in ("number", "money"):
        return _plain(value).replace(".", decimal_mark)
    if column.kind == "date":
        return value.strftime(date_format)
    if column.kind == "datetime":
        return localtime.local(value).strftime(f"{date_format} %H:%M")
    return _csv_text(str(value))


def _csv_text(text: str) -> str:
    return "'" + text if _guarded(text) else text


# -- XLSX --------------------------------------------------------------------------------


def xlsx(tables: Sequence[Table], lang: str, now: dt.datetime) -> bytes:
    """``tables`` as an Excel workbook, a sheet each, made at ``now``."""
    import xlsxwriter  # only when a workbook is asked for

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": now.replace(tzinfo=None)})  # in UTC, as the file keeps it
    styles = _Styles(workbook, lang)
    names: set[str] = set()
    for table in tables:
        _sheet(workbook.add_worksheet(_sheet_name(table.title, names)), table, styles)
    workbook.close()
    return buffer.getvalue()


class _Styles:
    """The workbook's cell formats, made once each (Excel keeps a table of them)."""

    def __init__(self, workbook: Any, lang: str):
        self.kinds = {
            kind: workbook.add_format({"num_format": number_format, "valign": "top"})
            for kind, number_format in _XLSX[lang].items()
        }
        self.number = workbook.add_format({"valign": "top"})
        self._workbook = workbook
        self._texts: dict[tuple[bool, bool, bool], Any] = {}

    def text(self, text: str, *, heading: bool = False) -> Any:
        """A text's format: a heading's bold and underlined, wrapped if it has several
        lines, quote-prefixed if it looks like a formula."""
        key = (heading, heading or "\n" in text, is_formula(text))
        if key not in self._texts:
            bold, wrap, formula = key
            self._texts[key] = self._workbook.add_format(
                {
                    "bold": bold,
                    "bottom": int(bold),
                    "text_wrap": wrap,
                    "quote_prefix": formula,
                    "valign": "top",
                }
            )
        return self._texts[key]


def _sheet(sheet: Any, table: Table, styles: _Styles) -> None:
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column.label, styles.text(column.label, heading=True))
    for number, row in enumerate(table.rows, start=1):
        for col, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            _cell(sheet, number, col, column, value, styles)
    if table.columns:
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
        sheet.autofit(max_width=WIDEST * 7)  # pixels: about seven a character


def _cell(sheet: Any, row: int, col: int, column: Column, value: Any, styles: _Styles) -> None:
    if value is None:
        return
    if isinstance(value, str):  # a text, in whatever column: never a formula, a link or a number
        sheet.write_string(row, col, value, styles.text(value))
    elif column.kind in ("number", "money"):
        sheet.write_number(row, col, float(value), styles.kinds.get(column.kind, styles.number))
    elif column.kind == "date":
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), styles.kinds["date"])
    elif column.kind == "datetime":
        local = localtime.local(value).replace(tzinfo=None)  # Excel's times have no zone
        sheet.write_datetime(row, col, local, styles.kinds["datetime"])
    else:
        text = str(value)
        sheet.write_string(row, col, text, styles.text(text))


def _sheet_name(title: str, taken: set[str]) -> str:
    """``title`` as Excel takes a sheet's name (at most 31 characters, none of
    ``[]:*?/\\``, no ``'`` at either end), unlike the names already ``taken``."""
    base = title.translate(SHEET_NAME_FORBIDDEN).strip().strip("'") or "1"
    if len(base) > SHEET_NAME_LENGTH:
        base = base[: SHEET_NAME_LENGTH - 1].rstrip() + "…"
    name, number = base, 1
    while name.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
    taken.add(name.casefold())
    return name

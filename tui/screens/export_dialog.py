"""Export: where to write a file (and, given a choice, in which format), then write it
through the service. The file name is filled in, in the current directory; a file that
is there already is replaced only when asked twice. Saving a case's document is the same
dialog (``document_forms.SaveDialog``), with the document's own name and a button that
opens the file once written."""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet, Static

from samskab.engine.errors import FileExists, SamskabError
from samskab.engine.messages import day
from samskab.engine.readmodels import CaseFilter, Report
from samskab.tui.i18n import translate_bindings
from samskab.tui.widgets.labels import Refusal

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp

Write = Callable[[str, Path, bool], str]
"""Writes the file (format, path, whether to replace a file there) from a worker
thread, through the service; says what it wrote, for the notification."""


class ExportDialog(ModalScreen[str | None]):
    """Dismissed with what was written (to notify), or None when cancelled."""

    HELP = (
        "Where to write the file, and in which format; ctrl+s writes it. A file that is there "
        "already is replaced only when asked twice."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Export"),
    ]
    SUBMIT = "Export"
    """What the button (and ctrl+s) says, in English: said in the reader's language."""
    AGAIN = "Export again to replace it, or choose another name."
    OPEN: str | None = None
    """A second button that also opens the file once written (None: none)."""

    def __init__(self, heading: str, name: str, formats: tuple[tuple[str, str], ...], write: Write):
        """``name``: the file's name, before today's date and the format's suffix
        (``sager`` -> ``sager-2026-11-23.xlsx``); ``formats``: (format, title), the first
        chosen; none: ``name`` is the whole name."""
        super().__init__()
        self.heading = heading
        self.file_name = name
        self.formats = formats
        self.fmt = formats[0][0] if formats else ""
        self.write = write
        self.replacing: Path | None = None
        """The file the person was told is there: exporting to it again replaces it."""
        self.opening: Path | None = None
        """The file to open once written (the button ``OPEN`` says)."""

    @property
    def samskab(self) -> "SamskabApp":
        return cast("SamskabApp", self.app)

    def compose(self) -> ComposeResult:
        w = self.samskab.words
        with VerticalScroll(id="form", classes="export"):
            yield Static(f"[b]{escape(self.heading)}[/]", classes="form-title")
            if len(self.formats) > 1:
                yield Label(w("Format"), classes="field-label")
                with RadioSet(id="export-format"):
                    for index, (fmt, title) in enumerate(self.formats):
                        yield RadioButton(title, value=index == 0, id=f"format-{fmt}")
            yield Label(w("File"), classes="field-label")
            today = day(self.samskab.service.now(), "en")  # ISO, so that the files sort by date
            dated = f"{self.file_name}-{today}.{self.fmt}" if self.formats else self.file_name
            yield Input(dated, id="export-path")
            yield Refusal(id="refusal")
            with Horizontal(classes="buttons"):
                yield Button(w(self.SUBMIT), variant="primary", id="submit")
                if self.OPEN is not None:
                    yield Button(w(self.OPEN), id="open")
                yield Button(w("Cancel"), id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, self.samskab.words)
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed, "#export-format")
    def format_chosen(self, event: RadioSet.Changed) -> None:
        """The file name follows the format (sager.csv becomes sager.xlsx)."""
        chosen = self.formats[event.index][0]
        path = self.query_one("#export-path", Input)
        if path.value.endswith(f".{self.fmt}"):
            path.value = path.value[: -len(self.fmt)] + chosen
        self.fmt = chosen

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted, "#export-path")
    def action_submit(self) -> None:
        typed = self.query_one("#export-path", Input).value.strip()
        if not typed:
            self.refused([self.samskab.words("Say which file to write.")])
            return
        path = Path(typed).expanduser()
        self.save(self.fmt, path, path == self.replacing)

    @on(Button.Pressed, "#open")
    def submit_and_open(self) -> None:
        self.opening = Path(self.query_one("#export-path", Input).value.strip()).expanduser()
        self.action_submit()

    @work(thread=True, exclusive=True, group="export")
    def save(self, fmt: str, path: Path, replace: bool) -> None:
        self.samskab.fetch_and_show(
            lambda: self.write(fmt, path, replace),
            lambda said: self.written(said, path),
            lambda error: self.failed(error, path),
        )

    def written(self, said: str, path: Path) -> None:
        if path == self.opening:
            self.app.open_url(path.resolve().as_uri())
        self.app.notify(said)
        self.dismiss(said)

    def failed(self, error: SamskabError, path: Path) -> None:
        w = self.samskab.words
        self.opening = None
        if isinstance(error, FileExists):
            self.replacing = path
            self.query_one(Refusal).show_reasons(error.reasons_in(w.lang)[0], [w(self.AGAIN)])
            return
        self.refused(error.reasons_in(w.lang))

    def refused(self, reasons: list[str]) -> None:
        self.query_one(Refusal).show_reasons(self.samskab.words("The file was not written:"), reasons)


def report_dialog(app: "SamskabApp", report: Report) -> ExportDialog:
    """The dialog that writes the dashboard's numbers, a row each, to a spreadsheet."""
    w, service = app.words, app.service

    def write(fmt: str, path: Path, replace: bool) -> str:
        data = service.table_file(service.report_table(report), fmt)
        service.write_private(path, data, replace=replace)
        return w("Wrote {path}", path=path.resolve())

    formats = (("xlsx", w("XLSX (Excel)")), ("csv", "CSV"))
    return ExportDialog(w("Export the report"), f"{w('report')}-{report.year}", formats, write)


def cases_dialog(app: "SamskabApp", where: CaseFilter) -> ExportDialog:
    """The dialog that writes every case ``where`` finds (not only the rows a screen has
    loaded) to a spreadsheet, XLSX or CSV."""
    w, service = app.words, app.service

    def write(fmt: str, path: Path, replace: bool) -> str:
        table = service.case_table(where)
        service.write_private(path, service.table_file(table, fmt), replace=replace)
        return w("Wrote {count} case(s) to {path}", count=len(table.rows), path=path.resolve())

    formats = (("xlsx", w("XLSX (Excel)")), ("csv", "CSV"))
    return ExportDialog(w("Export the list"), w("cases"), formats, write)

"""Documents on a case: attach a file (its path typed: a case form, ``action_form.CaseForm``,
whose refusal says why and keeps what was typed), and save one to a file (and open it:
the export dialog, ``export_dialog.ExportDialog``)."""

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Label

from samskab.engine.readmodels import DocumentView
from samskab.tui.screens.action_form import CaseForm
from samskab.tui.screens.export_dialog import ExportDialog

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp


class AttachForm(CaseForm):
    """Attach a file to the case: its path, and a note on what it is."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Attach"),
    ]
    SUBMIT = "Attach"
    REFUSED = "The document was not attached:"
    NOTE = NOTE_REQUIRED = "Note (what the document is)"

    def choices(self) -> ComposeResult:
        w = self.samskab.words
        yield Label(w("File (its path)"), classes="field-label")
        yield Input(placeholder=w("e.g. ~/Dokumenter/aftale.pdf"), id="path")

    def values(self) -> dict[str, str] | None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.refused([self.samskab.words("Type the path of a file.")])
            return None
        return {"path": path}

    def typed(self) -> bool:
        return bool(self.query_one("#path", Input).value.strip()) or super().typed()

    def send(self, values: dict[str, str], note: str | None) -> DocumentView:
        # A path as a person types it: ~ is their home; relative to where samskab runs.
        path = Path(values["path"]).expanduser()
        return self.samskab.service.attach_document(self.case.id, path, note=note)

    def done(self, sent: DocumentView) -> str:
        return self.samskab.words("Attached: {name} ({size})", name=sent.name, size=sent.size_shown)


class SaveDialog(ExportDialog):
    """Save a document of the case to a file, its own name filled in; open it if asked."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Save"),
    ]
    SUBMIT = "Save"
    AGAIN = "Save again to replace it, or choose another name."
    OPEN = "Save and open"

    @classmethod
    def of(cls, app: "SamskabApp", case_id: int, document: DocumentView) -> "SaveDialog":
        w, service = app.words, app.service

        def write(fmt: str, path: Path, replace: bool) -> str:
            _, content = service.document(case_id, document.id)
            service.write_private(path, content, replace=replace)
            return w("Saved: {path} (readable by you only)", path=str(path.resolve()))

        heading = w("Save the document {name} ({size})", name=document.name, size=document.size_shown)
        return cls(heading, document.name, (), write)

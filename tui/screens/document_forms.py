"""Documents on a case: attach a file (its path typed), save a document to a file (and
open it). Both are case forms (``action_form.CaseForm``): the service checks what is
sent, and a refusal says why and keeps what was typed."""

import os
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, Input, Label

from samskab.engine.errors import FileExists, SamskabError
from samskab.engine.readmodels import CaseDetail, DocumentView
from samskab.tui.screens.action_form import CaseForm


def typed_path(typed: str) -> Path:
    """A path as a person types it: ``~`` is their home; relative to where samskab runs."""
    return Path(os.path.expanduser(typed.strip()))


class PathForm(CaseForm):
    """A case form that asks for a file's path."""

    PATH_LABEL = "File (its path)"

    def choices(self) -> ComposeResult:
        yield Label(self.samskab.words(self.PATH_LABEL), classes="field-label")
        yield Input(
            self.start_path(), placeholder=self.samskab.words("e.g. ~/Dokumenter/aftale.pdf"), id="path"
        )

    def start_path(self) -> str:
        return ""

    def values(self) -> dict[str, str] | None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.refused([self.samskab.words("Type the path of a file.")])
            return None
        return {"path": path}


class AttachForm(PathForm):
    """Attach a file to the case: its path, and a note on what it is."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Attach"),
    ]
    SUBMIT = "Attach"
    REFUSED = "The document was not attached:"
    NOTE = NOTE_REQUIRED = "Note (what the document is)"

    def __init__(self, case: CaseDetail):
        super().__init__(case, "")

    def compose(self) -> ComposeResult:
        self.heading = self.samskab.words("Attach a document")
        yield from super().compose()

    def typed(self) -> bool:
        return bool(self.query_one("#path", Input).value.strip() or self.note())

    def send(self, values: dict[str, str], note: str | None) -> DocumentView:
        return self.samskab.service.attach_document(self.case.id, typed_path(values["path"]), note=note)

    def done(self, sent: DocumentView) -> str:
        return self.samskab.words("Attached: {name} ({size})", name=sent.name, size=sent.size_shown)


class SaveForm(PathForm):
    """Save a document of the case to a file (owner-only), and open it if asked. A file
    that exists is replaced only when asked twice."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Save"),
    ]
    SUBMIT = "Save"
    REFUSED = "The document was not saved:"
    NOTE = None
    PATH_LABEL = "Save as (a path)"

    def __init__(self, case: CaseDetail, document: DocumentView):
        super().__init__(case, "")
        self.document = document
        self.replacing: str | None = None
        """The path the person agreed to replace (by saving to it again)."""
        self.opening = False

    def compose(self) -> ComposeResult:
        self.heading = self.samskab.words(
            "Save the document {name} ({size})", name=self.document.name, size=self.document.size_shown
        )
        yield from super().compose()

    def start_path(self) -> str:
        return str(Path.cwd() / self.document.name)

    def buttons(self) -> ComposeResult:
        w = self.samskab.words
        yield Button(w(self.SUBMIT), variant="primary", id="submit")
        yield Button(w("Save and open"), id="open")
        yield Button(w("Cancel"), id="cancel")

    def typed(self) -> bool:
        return False  # nothing to lose: the document is in the database

    @on(Button.Pressed, "#open")
    def save_and_open(self) -> None:
        self.opening = True
        self.action_submit()

    def send(self, values: dict[str, str], note: str | None) -> Path:
        path = typed_path(values["path"])
        replace = values["path"] == self.replacing
        self.samskab.service.save_document(self.case.id, self.document.id, path, replace=replace)
        return path

    def failed(self, error: SamskabError) -> None:
        self.opening = False
        typed = self.query_one("#path", Input).value.strip()
        if isinstance(error, FileExists) and typed != self.replacing:
            self.replacing = typed
            w = self.samskab.words
            self.refused([w("The file exists already."), w("Save again to replace it.")])
            return
        super().failed(error)

    def done(self, sent: Path) -> str:
        if self.opening:
            self.app.open_url(sent.resolve().as_uri())
        return self.samskab.words("Saved: {path} (readable by you only)", path=str(sent))

"""Forms on a case: take an action, correct fields, comment, hand it over, link it to
another case. Each is fields
(if any) and a note, sent through the service; a refusal shows every reason and keeps
everything the user typed. (Attaching a document, in ``document_forms``, is one too.)"""

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea

from samskab.engine.readmodels import ActionChoice, CaseDetail, FieldSpec, PersonView
from samskab.tui.i18n import translate_bindings
from samskab.tui.widgets.fields_form import FieldsForm
from samskab.tui.widgets.labels import Refusal, person_label

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp


class LeavesWhenAskedTwice:
    """For a screen with a form (and a :class:`Refusal` to speak through): left with
    something typed only when asked twice; the first time it says what would be lost."""

    leaving = False

    def typed(self) -> bool:
        """Whether the form holds anything the person typed."""
        raise NotImplementedError

    def leave(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        form = cast(Screen[Any], self)
        if self.typed() and not self.leaving:
            self.leaving = True
            w = cast("SamskabApp", form.app).words
            form.query_one(Refusal).show_reasons(
                w("What you typed is not saved."), [w("Cancel again to leave without saving it.")]
            )
            return
        self.leave()


class CaseForm(LeavesWhenAskedTwice, ModalScreen[str | None]):
    """A form of ``fields`` and a note on ``case``; :meth:`send` saves it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Save"),
    ]
    HELP = (
        "A form on a case: its fields, then a note. ctrl+s saves (a step that closes the case "
        "asks again first); esc cancels (asking again if something was typed). A refusal says "
        "every reason and keeps what was typed. A long text starts empty: what it said before "
        "is shown above it."
    )

    SUBMIT = "Take action"
    """What the submit button and ctrl+s say (English; said in the reader's language)."""
    REFUSED = "The action was refused:"
    NOTE = "Note (reason)"
    NOTE_REQUIRED = "Note (reason) – required"

    def __init__(
        self,
        case: CaseDetail,
        heading: str,
        fields: tuple[FieldSpec, ...] = (),
        requires: frozenset[str] = frozenset(),
        *,
        note_required: bool = False,
        description: str | None = None,
    ):
        super().__init__()
        self.case = case
        self.heading = heading
        self.fields = fields
        self.requires = requires
        self.note_required = note_required
        self.description = description

    @property
    def samskab(self) -> "SamskabApp":
        return cast("SamskabApp", self.app)

    def compose(self) -> ComposeResult:
        w = self.samskab.words
        with VerticalScroll(id="form"):
            yield Static(f"[b]{escape(self.heading)}[/]", classes="form-title")
            yield Static(escape(self.case.title), classes="form-subtitle")
            if self.description:
                yield Static(escape(self.description), classes="field-help")
            if self.fields:
                yield FieldsForm(list(self.fields), set(self.requires), self.values_now())
            yield from self.choices()
            note = w(self.NOTE_REQUIRED) if self.note_required else w(self.NOTE)
            yield Label(note, classes="field-label")
            yield TextArea(id="note", classes="field-longtext")
            yield Refusal(id="refusal")
            with Horizontal(classes="buttons"):
                yield Button(w(self.SUBMIT), variant="primary", id="submit")
                yield Button(w("Cancel"), id="cancel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        translate_bindings(self, self.samskab.words)
        self.query_one("#form").query("Input, TextArea, Select").first().focus()

    def choices(self) -> ComposeResult:
        """What a form asks for besides the fields and the note (none)."""
        yield from ()

    def values_now(self) -> dict[str, object]:
        """What the fields hold when the form opens."""
        return dict(self.case.fields)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.action_cancel()

    def leave(self) -> None:
        self.dismiss(None)

    def typed(self) -> bool:
        forms = self.query(FieldsForm)
        return bool(self.query_one("#note", TextArea).text.strip()) or bool(forms and forms.first().values())

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        if not self.ready():
            return
        values = self.values()
        if values is not None:
            self.save(values, self.query_one("#note", TextArea).text.strip() or None)

    def values(self) -> dict[str, str] | None:
        """What the inputs hold, as typed; None when some of it does not parse (the form
        says why)."""
        if not self.fields:
            return {}
        form = self.query_one(FieldsForm)
        problems = form.problems()
        if problems:
            self.refused(problems)
            return None
        return form.values()

    @work(thread=True, exclusive=True, group="take")
    def save(self, values: dict[str, str], note: str | None) -> None:
        self.samskab.fetch_and_show(
            lambda: self.send(values, note),
            lambda sent: self.dismiss(self.done(sent)),
            lambda error: self.refused(error.reasons_in(self.samskab.words.lang)),
        )

    def ready(self) -> bool:
        """Whether to send now (a form may ask first)."""
        return True

    def send(self, values: dict[str, str], note: str | None) -> Any:
        """Send the form through the service; what it answers goes to :meth:`done`."""
        raise NotImplementedError

    def done(self, sent: Any) -> str:
        """What to say once sent."""
        return self.samskab.words("Done")

    def refused(self, reasons: list[str]) -> None:
        self.query_one(Refusal).show_reasons(self.samskab.words(self.REFUSED), reasons)


class ActionForm(CaseForm):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Take action")]

    def __init__(self, case: CaseDetail, action: ActionChoice):
        super().__init__(
            case,
            f"{action.title}  → {action.to_title}",
            action.form,
            frozenset(action.requires),
            note_required=action.note_required,
            description=action.description,
        )
        self.action = action
        self.confirmed = not action.ends_case

    def values_now(self) -> dict[str, object]:
        """The case's values, but empty where the action clears them (a new dialogue
        starts with a new subject)."""
        return {k: v for k, v in self.case.fields.items() if k not in self.action.clears}

    def ready(self) -> bool:
        if self.confirmed:
            return True
        self.confirmed = True  # a step that closes the case is taken only when asked twice
        w = self.samskab.words
        self.query_one(Refusal).show_reasons(
            w("This closes the case."), [w("Take the action again to confirm it, or cancel.")]
        )
        return False

    def send(self, values: dict[str, str], note: str | None) -> CaseDetail:
        return self.samskab.service.advance(
            self.case.id, self.action.id, values, note=note, revision=self.case.revision
        )

    def done(self, case: CaseDetail) -> str:
        return f"{self.samskab.words('Done')}: {self.action.title} → {case.state_title}"


class CorrectionForm(CaseForm):
    """Correct fields without moving the case; the reason is required."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Save the correction")]
    SUBMIT = "Save the correction"
    REFUSED = "The correction was refused:"

    def __init__(self, case: CaseDetail, heading: str):
        super().__init__(case, heading, case.correctable, note_required=True)

    def send(self, values: dict[str, str], note: str | None) -> CaseDetail:
        return self.samskab.service.correct(self.case.id, values, note or "", revision=self.case.revision)


class CommentForm(CaseForm):
    """A note in the case's history, without taking a step."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "submit", "Save the comment")]
    SUBMIT = "Save the comment"
    REFUSED = "The comment was refused:"
    NOTE = NOTE_REQUIRED = "Comment"

    def send(self, values: dict[str, str], note: str | None) -> CaseDetail:
        return self.samskab.service.comment(self.case.id, note or "", revision=self.case.revision)


class HandoverForm(CaseForm):
    """Hand the case over: the new owner, chosen among those who may own it, and a note
    for them (required)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Hand over"),
    ]
    SUBMIT = "Hand over"
    REFUSED = "The handover was refused:"
    NOTE = NOTE_REQUIRED = "Note for the new owner (required)"

    def __init__(self, case: CaseDetail, heading: str, owners: tuple[PersonView, ...]):
        super().__init__(case, heading, note_required=True)
        self.owners = owners
        self.new_owner = ""

    def choices(self) -> ComposeResult:
        w = self.samskab.words
        yield Label(f"{w('New owner')} *", classes="field-label")
        yield Select(
            [(person_label(p), p.id) for p in self.owners], prompt=w("Choose"), id="owner", allow_blank=True
        )

    def typed(self) -> bool:
        return super().typed() or self.query_one("#owner", Select).value is not Select.NULL

    def ready(self) -> bool:
        chosen = self.query_one("#owner", Select).value
        if chosen is Select.NULL:
            self.refused([self.samskab.words("Choose the new owner.")])
            return False
        self.new_owner = str(chosen)
        return True

    def send(self, values: dict[str, str], note: str | None) -> CaseDetail:
        return self.samskab.service.handover(
            self.case.id, self.new_owner, note or "", revision=self.case.revision
        )

    def done(self, case: CaseDetail) -> str:
        return self.samskab.words("Handed over to {person}", person=case.owner_name)


class LinkForm(CaseForm):
    """Link the case to another: the kind (``del_af`` makes it a sub-case of the other),
    the other case's number, and a note (optional)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Link the cases"),
    ]
    SUBMIT = "Link the cases"
    REFUSED = "The link was refused:"

    def __init__(self, case: CaseDetail, heading: str):
        super().__init__(case, heading)
        self.chosen: tuple[str, str] = ("", "")

    def choices(self) -> ComposeResult:
        w = self.samskab.words
        yield Label(f"{w('This case is')} *", classes="field-label")
        yield Select([(kind.title, kind.id) for kind in self.case.link_kinds], prompt=w("Choose"), id="kind")
        other = w("The other case's number")
        yield Label(f"{other} *", classes="field-label")
        yield Input(id="other", restrict=r"[0-9]*", max_length=19)

    def typed(self) -> bool:
        return super().typed() or bool(self.query_one("#other", Input).value)

    def ready(self) -> bool:
        w = self.samskab.words
        kind, other = self.query_one("#kind", Select).value, self.query_one("#other", Input).value
        missing = [w("Choose how the case is linked.")] if kind is Select.NULL else []
        missing += [] if other else [w("Give the other case's number.")]
        if missing:
            self.refused(missing)
            return False
        self.chosen = (str(kind), other)
        return True

    def send(self, values: dict[str, str], note: str | None) -> CaseDetail:
        kind, other = self.chosen
        return self.samskab.service.link(self.case.id, other, kind, note=note, revision=self.case.revision)

    def done(self, case: CaseDetail) -> str:
        return self.samskab.words("Linked to case {case}", case=self.chosen[1])

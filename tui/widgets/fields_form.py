"""Inputs for a list of process fields, each fitting its type and checked as the user types.

The check is the service's own reading of the value (``Service.check_value``), so the
form accepts exactly what the engine will accept. A long text (minutes, a proposal)
starts empty, with what it said before shown above it: typing the next meeting's
minutes never runs into the last one's.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static, TextArea

from samskab.engine.messages import day
from samskab.engine.readmodels import FieldSpec

if TYPE_CHECKING:
    from samskab.tui.app import SamskabApp


class FieldValidator(Validator):
    def __init__(self, field: FieldSpec, app: "SamskabApp"):
        super().__init__()
        self.field = field
        self.samskab = app

    def validate(self, value: str) -> ValidationResult:
        problem = self.samskab.service.check_value(self.field, value)
        return self.failure(problem) if problem else self.success()


def _as_text(field: FieldSpec, value: Any, lang: str) -> str:
    """A stored value as it is typed: what the form starts with (a long text: nothing;
    a date as the reader writes it)."""
    if value is None or field.type == "longtext":
        return ""
    if field.type == "yesno":
        return "ja" if value else "nej"
    if field.type == "date":
        return day(dt.date.fromisoformat(value), lang)
    return str(value)


class FieldsForm(Vertical):
    """One labelled input per field; ``values()`` gives what was typed, as text."""

    def __init__(self, fields: list[FieldSpec], required: set[str], current: dict[str, Any], **kwargs: Any):
        super().__init__(**kwargs)
        self.fields = fields
        self.required = required
        self.current = current

    @property
    def samskab(self) -> "SamskabApp":
        return cast("SamskabApp", self.app)

    def compose(self) -> ComposeResult:
        for field in self.fields:
            mark = " *" if field.id in self.required else ""
            yield Label(f"{field.label}{mark}", classes="field-label")
            value = _as_text(field, self.current.get(field.id), self.samskab.words.lang)
            widget_id = f"field-{field.id}"
            if field.type == "longtext":
                before = self.current.get(field.id)
                if before:
                    w = self.samskab.words
                    yield Static(f"[dim]{w('Before')}:[/] {escape(str(before))}", classes="field-before")
                hint = self.samskab.words("The new text; empty keeps the one above") if before else ""
                yield TextArea(id=widget_id, classes="field-longtext", placeholder=hint)
            elif field.options:
                yield Select(
                    [(option.title, option.id) for option in field.options],
                    value=value or Select.NULL,
                    id=widget_id,
                    allow_blank=True,
                    prompt=self.samskab.words("Choose"),
                )
            else:
                yield Input(
                    value,
                    placeholder=field.placeholder,
                    id=widget_id,
                    validators=[FieldValidator(field, self.samskab)],
                    validate_on=["changed", "blur"],
                )
            if field.help:
                yield Static(field.help, classes="field-help")

    def values(self) -> dict[str, str]:
        typed = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.id}")
            if isinstance(widget, TextArea):
                typed[field.id] = widget.text
            elif isinstance(widget, Select):
                typed[field.id] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, Input):
                typed[field.id] = widget.value
        # Only what differs from the case, so untouched fields are not "changed".
        lang = self.samskab.words.lang
        return {k: v for k, v in typed.items() if v != _as_text(self._field(k), self.current.get(k), lang)}

    def _field(self, field_id: str) -> FieldSpec:
        return next(f for f in self.fields if f.id == field_id)

    def problems(self) -> list[str]:
        """What does not parse yet, per field, in the form's words."""
        found = []
        for field in self.fields:
            widget = self.query_one(f"#field-{field.id}")
            if isinstance(widget, Input) and widget.value:
                problem = self.samskab.service.check_value(field, widget.value)
                if problem:
                    found.append(f"{field.label}: {problem}")
        return found

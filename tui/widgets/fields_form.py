"""Inputs for a list of process fields, each fitting its type and checked as the user types.

The check is the engine's own reading of the value (``engine.fieldtypes.parse``), so the
form accepts exactly what the engine will accept.
"""

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static, TextArea

from samskab.engine import fieldtypes
from samskab.engine.definition import Field
from samskab.engine.messages import text

_PLACEHOLDERS = {
    "date": ("ÅÅÅÅ-MM-DD eller D.M.ÅÅÅÅ", "YYYY-MM-DD or D.M.YYYY"),
    "money": ("kr., fx 12.500,00", "DKK, e.g. 12500.00"),
    "integer": ("helt tal", "whole number"),
    "email": ("navn@eksempel.dk", "name@example.dk"),
}


class FieldValidator(Validator):
    def __init__(self, field: Field, lang: str):
        super().__init__()
        self.field = field
        self.lang = lang

    def validate(self, value: str) -> ValidationResult:
        try:
            fieldtypes.parse(self.field, value)
        except fieldtypes.ValueProblem as problem:
            return self.failure(text(problem.message, self.lang))
        return self.success()


def _as_text(field: Field, value: Any) -> str:
    if value is None:
        return ""
    if field.type == "yesno":
        return "ja" if value else "nej"
    return str(value)


class FieldsForm(Vertical):
    """One labelled input per field; ``values()`` gives what was typed, as text."""

    def __init__(self, fields: list[Field], required: set[str], current: dict[str, Any], lang: str, **kwargs):
        super().__init__(**kwargs)
        self.fields = fields
        self.required = required
        self.current = current
        self.lang = lang

    def compose(self) -> ComposeResult:
        index = 1 if self.lang == "en" else 0
        for field in self.fields:
            mark = " *" if field.id in self.required else ""
            yield Label(f"{field.label.get(self.lang)}{mark}", classes="field-label")
            value = _as_text(field, self.current.get(field.id))
            widget_id = f"field-{field.id}"
            if field.type == "longtext":
                yield TextArea(value, id=widget_id, classes="field-longtext")
            elif field.type in ("choice", "yesno"):
                options = (
                    [(o.title.get(self.lang), o.id) for o in field.options]
                    if field.type == "choice"
                    else [(("ja", "yes")[index], "ja"), (("nej", "no")[index], "nej")]
                )
                yield Select(options, value=value or Select.NULL, id=widget_id, allow_blank=True)
            else:
                placeholder = _PLACEHOLDERS.get(field.type, ("", ""))[index]
                yield Input(
                    value,
                    placeholder=placeholder,
                    id=widget_id,
                    validators=[FieldValidator(field, self.lang)],
                    validate_on=["changed", "blur"],
                )
            if field.help:
                yield Static(field.help.get(self.lang), classes="field-help")

    def values(self) -> dict[str, str]:
        typed = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.id}")
            if isinstance(widget, TextArea):
                typed[field.id] = widget.text
            elif isinstance(widget, Select):
                typed[field.id] = "" if widget.value is Select.NULL else str(widget.value)
            else:
                typed[field.id] = widget.value
        # Only what differs from the case, so untouched fields are not "changed".
        return {k: v for k, v in typed.items() if v != _as_text(self._field(k), self.current.get(k))}

    def _field(self, field_id: str) -> Field:
        return next(f for f in self.fields if f.id == field_id)

    def problems(self) -> list[str]:
        """What does not parse yet, per field, in the form's words."""
        found = []
        for field in self.fields:
            widget = self.query_one(f"#field-{field.id}")
            if isinstance(widget, Input) and widget.value:
                result = FieldValidator(field, self.lang).validate(widget.value)
                if not result.is_valid:
                    found.append(f"{field.label.get(self.lang)}: {result.failure_descriptions[0]}")
        return found

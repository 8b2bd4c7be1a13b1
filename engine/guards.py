"""Guard conditions: named checks an action may require, registered by plugins.

A process file names a guard (``guards = ["agreement_signed"]`` or
``{ name = "at_least", field = "meetings", value = 4 }``); the engine looks the name
up among the guards plugins return from ``register_guards``. A definition can never
name Python code: an unknown name is a validation error.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from samskab.engine import fieldtypes
from samskab.engine.cases import Case
from samskab.engine.definition import GuardRef, Process
from samskab.engine.messages import Both, Msg, msg


@attrs.frozen
class GuardContext:
    """What a guard may look at when an action is tried, and how to name what it saw
    (``label``, ``shown``) in a reason a coordinator reads."""

    before: Mapping[str, Any]
    """The case's field values before the action."""
    changes: Mapping[str, Any]
    """The values the action sets."""
    now: dt.datetime
    process: Process
    """The process the case runs on (its fields' labels and types)."""
    sub_cases: Callable[[], Sequence[Case]] = lambda: ()
    """The case's sub-cases as they are now (read when called: ``engine.links``)."""

    @property
    def values(self) -> dict[str, Any]:
        """The field values as they will be if the action goes through."""
        return {**self.before, **self.changes}

    def label(self, field_id: str) -> Both:
        """A field's label in Danish and English, for a reason."""
        field = self.process.field(field_id)
        return Both.of(field.label) if field else Both(field_id, field_id)

    def shown(self, field_id: str, value: Any) -> Both:
        """A value of a field as people read it (12.500,00 kr., 1.3.2026, ja), or "–"."""
        field = self.process.field(field_id)
        if field is None or value is None or value == "":
            return Both("–", "–")
        return Both(fieldtypes.show(field, value, "da"), fieldtypes.show(field, value, "en"))


# check(context, ref) -> None when the condition holds, else the reason it does not.
GuardCheck = Callable[[GuardContext, GuardRef], str | None]


@attrs.frozen
class Guard:
    name: str
    check: GuardCheck
    description: str
    needs_field: bool = False
    needs_value: bool = False
    says: str | None = None
    """The condition in words, in English with ``{field}`` and ``{value}`` (the other
    field's label when the guard compares two fields), its Danish in the catalogue:
    "{field} is at least {value}"."""
    value_problem: Callable[[int | str | bool], str | None] | None = None
    """For a guard without a field: why a ``value`` in a process file does not fit it
    (checked when the file is read), or None."""
    describe: Callable[[Process, GuardRef], Msg] | None = None
    """The condition in words, where ``says`` cannot put it (it depends on the value)."""

    def words(self, process: Process, ref: GuardRef) -> Msg:
        """The condition as people read it: "Møder holdt er mindst 4"."""
        if self.describe is not None:
            return self.describe(process, ref)
        field = process.field(ref.field) if ref.field else None
        label = Both.of(field.label) if field else Both(ref.field or "", ref.field or "")
        if ref.other is not None:
            other = process.field(ref.other)
            value = Both.of(other.label) if other else Both(ref.other, ref.other)
        elif field is not None and ref.value is not None:
            value = Both(fieldtypes.show(field, ref.value, "da"), fieldtypes.show(field, ref.value, "en"))
        else:
            value = Both(str(ref.value), str(ref.value))
        if self.says is None:
            return msg("the condition {name} holds", name=self.name)
        return msg(self.says, field=label, value=value)

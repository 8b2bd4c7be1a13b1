"""The guards every process file may name.

``filled``        the field has a value
``at_least``      the field (a number, or a date) is at least ``value``
``at_most``       the field is at most ``value``
``equals``        the field equals ``value`` (for choice and yes/no fields)
``changed``       this action gives the field a new value
``not_in_future`` the field (a date) is not later than today
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from samskab.engine.definition import GuardRef
from samskab.engine.fieldtypes import is_filled
from samskab.engine.guards import Guard, GuardContext
from samskab.engine.hookspecs import hookimpl
from samskab.engine.messages import msg


def _field(ref: GuardRef) -> str:
    """The field the guard checks: every guard here needs one, and the validator sees it named."""
    assert ref.field is not None
    return ref.field


def _filled(context: GuardContext, ref: GuardRef) -> str | None:
    field = _field(ref)
    if not is_filled(context.values.get(field)):
        return msg("{field} must be filled in", field=context.label(field))
    return None


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def _at_least(context: GuardContext, ref: GuardRef) -> str | None:
    field = _field(ref)
    value = context.values.get(field)
    if value is None or _comparable(value) < _comparable(ref.value):
        return msg(
            "{field} must be at least {value} (it is {current})",
            field=context.label(field),
            value=context.shown(field, ref.value),
            current=context.shown(field, value),
        )
    return None


def _at_most(context: GuardContext, ref: GuardRef) -> str | None:
    field = _field(ref)
    value = context.values.get(field)
    if value is not None and _comparable(value) > _comparable(ref.value):
        return msg(
            "{field} must be at most {value} (it is {current})",
            field=context.label(field),
            value=context.shown(field, ref.value),
            current=context.shown(field, value),
        )
    return None


def _equals(context: GuardContext, ref: GuardRef) -> str | None:
    field = _field(ref)
    value = context.values.get(field)
    if value != ref.value:
        return msg(
            "{field} must be {value} (it is {current})",
            field=context.label(field),
            value=context.shown(field, ref.value),
            current=context.shown(field, value),
        )
    return None


def _changed(context: GuardContext, ref: GuardRef) -> str | None:
    field = _field(ref)
    new = context.changes.get(field)
    if not is_filled(new) or new == context.before.get(field):
        return msg("{field} must be given a new value in this action", field=context.label(field))
    return None


def _not_in_future(context: GuardContext, ref: GuardRef) -> str | None:
    field = _field(ref)
    value = context.values.get(field)
    if value and dt.date.fromisoformat(value) > context.now.date():
        return msg(
            "{field} ({value}) is in the future",
            field=context.label(field),
            value=context.shown(field, value),
        )
    return None


@hookimpl
def register_guards() -> list[Guard]:
    return [
        Guard("filled", _filled, "the field has a value", needs_field=True),
        Guard("at_least", _at_least, "the field is at least `value`", needs_field=True, needs_value=True),
        Guard("at_most", _at_most, "the field is at most `value`", needs_field=True, needs_value=True),
        Guard("equals", _equals, "the field equals `value`", needs_field=True, needs_value=True),
        Guard("changed", _changed, "this action gives the field a new value", needs_field=True),
        Guard("not_in_future", _not_in_future, "the date field is not after today", needs_field=True),
    ]

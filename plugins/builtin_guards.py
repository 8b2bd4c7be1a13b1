"""The guards every process file may name.

``filled``        the field has a value
``at_least``      the field (a number, or a date) is at least ``value``, or ``other``'s value
``at_most``       the field is at most ``value`` (or ``other``'s)
``equals``        the field equals ``value`` (or ``other``'s)
``changed``       this action gives the field a new value
``not_in_future`` the field (a date) is not later than today
``children_done`` the case's sub-cases are done (closed): ``value`` "all", "any" or a number
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from samskab.engine.definition import GuardRef, Process
from samskab.engine.fieldtypes import is_filled
from samskab.engine.guards import Guard, GuardCheck, GuardContext
from samskab.engine.hookspecs import hookimpl
from samskab.engine.messages import Both, Msg, msg


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


def _bound(context: GuardContext, ref: GuardRef) -> tuple[Any, Both]:
    """What the field is compared with: ``value``, or the other field's value now; and
    how to say it ("4", or "Ansøgt beløb (5.000,00 kr.)")."""
    if ref.other is None:
        return ref.value, context.shown(_field(ref), ref.value)
    other = context.values.get(ref.other)
    label, shown = context.label(ref.other), context.shown(ref.other, other)
    return other, Both(f"{label.da} ({shown.da})", f"{label.en} ({shown.en})")


def _at_least(context: GuardContext, ref: GuardRef) -> str | None:
    field = _field(ref)
    value, bound = context.values.get(field), _bound(context, ref)
    if value is None or bound[0] is None or _comparable(value) < _comparable(bound[0]):
        return msg(
            "{field} must be at least {value} (it is {current})",
            field=context.label(field),
            value=bound[1],
            current=context.shown(field, value),
        )
    return None


def _at_most(context: GuardContext, ref: GuardRef) -> str | None:
    field = _field(ref)
    value, bound = context.values.get(field), _bound(context, ref)
    if value is not None and bound[0] is not None and _comparable(value) > _comparable(bound[0]):
        return msg(
            "{field} must be at most {value} (it is {current})",
            field=context.label(field),
            value=bound[1],
            current=context.shown(field, value),
        )
    return None


def _equals(context: GuardContext, ref: GuardRef) -> str | None:
    field = _field(ref)
    value, bound = context.values.get(field), _bound(context, ref)
    if value != bound[0]:
        return msg(
            "{field} must be {value} (it is {current})",
            field=context.label(field),
            value=bound[1],
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


def _children_done(context: GuardContext, ref: GuardRef) -> str | None:
    """All, any or at least a number of the sub-cases are closed ("all" holds with none)."""
    children = context.sub_cases()
    done, total = sum(1 for c in children if c.closed_at is not None), len(children)
    if ref.value == "all" and done < total:
        return msg("waiting for sub-cases: {done} of {total} done", done=done, total=total)
    if ref.value == "any" and not done:
        return msg("waiting for a sub-case to be done (none of {total} is)", total=total)
    if isinstance(ref.value, int) and done < ref.value:
        return msg(
            "waiting for sub-cases: {done} done of the {value} needed ({total} in all)",
            done=done,
            value=ref.value,
            total=total,
        )
    return None


def _children_value(value: int | str | bool) -> str | None:
    if value in ("all", "any") or (type(value) is int and value >= 1):
        return None
    return f'`{value!r}` is not "all", "any" or a number of sub-cases from 1'


def _children_words(process: Process, ref: GuardRef) -> Msg:
    if ref.value == "all":
        return msg("every sub-case is done")
    if ref.value == "any":
        return msg("a sub-case is done")
    return msg("at least {value} sub-cases are done", value=ref.value)


SAYS = {
    "filled": "{field} is filled in",
    "at_least": "{field} is at least {value}",
    "at_most": "{field} is at most {value}",
    "equals": "{field} is {value}",
    "changed": "this action gives {field} a new value",
    "not_in_future": "{field} is not after today",
}
"""Each guard in words (``processes show``, the TUI's process screen, refusals)."""


@hookimpl
def register_guards() -> list[Guard]:
    def guard(name: str, check: GuardCheck, description: str, *, value: bool = False) -> Guard:
        return Guard(name, check, description, needs_field=True, needs_value=value, says=SAYS[name])

    return [
        guard("filled", _filled, "the field has a value"),
        guard("at_least", _at_least, "the field is at least `value` (or the `other` field)", value=True),
        guard("at_most", _at_most, "the field is at most `value` (or the `other` field)", value=True),
        guard("equals", _equals, "the field equals `value` (or the `other` field)", value=True),
        guard("changed", _changed, "this action gives the field a new value"),
        guard("not_in_future", _not_in_future, "the date field is not after today"),
        Guard(
            "children_done",
            _children_done,
            'the sub-cases are done: `value` "all", "any" or how many',
            needs_value=True,
            value_problem=_children_value,
            describe=_children_words,
        ),
    ]

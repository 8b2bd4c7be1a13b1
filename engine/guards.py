"""Guard conditions: named checks an action may require, registered by plugins.

A process file names a guard (``guards = ["agreement_signed"]`` or
``{ name = "at_least", field = "meetings", value = 4 }``); the engine looks the name
up among the guards plugins return from ``register_guards``. A definition can never
name Python code: an unknown name is a validation error.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from samskab.engine.definition import GuardRef


@attrs.frozen
class GuardContext:
    """What a guard may look at when an action is tried."""

    before: Mapping[str, Any]
    """The case's field values before the action."""
    changes: Mapping[str, Any]
    """The values the action sets."""
    now: dt.datetime

    @property
    def values(self) -> dict[str, Any]:
        """The field values as they will be if the action goes through."""
        return {**self.before, **self.changes}


# check(context, ref) -> None when the condition holds, else the reason it does not.
GuardCheck = Callable[[GuardContext, GuardRef], str | None]


@attrs.frozen
class Guard:
    name: str
    check: GuardCheck
    description: str
    needs_field: bool = False
    needs_value: bool = False

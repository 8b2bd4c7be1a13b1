"""When a case entering a state falls due, and when its reminders go out.

Deadlines are rows, not timers: this module only computes the rows; the store keeps
them and ``Engine.tick`` fires the ones that are due. Counted on the municipality's
local calendar (:mod:`samskab.engine.localtime`): a deadline from a date field falls
due at the end of the local day it lands on, and its reminders count back from the
start of that day.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from samskab.engine import localtime
from samskab.engine.cases import DEADLINE, REMINDER, Deadline
from samskab.engine.definition import Process


def plan(
    process: Process, case_id: int, state_id: str, values: Mapping[str, Any], entered: dt.datetime
) -> list[Deadline]:
    """The deadline and reminder rows for a case that has just entered ``state_id``."""
    deadline = process.state(state_id).deadline
    if deadline is None:
        return []
    day = values.get(deadline.from_field) if deadline.from_field else None  # a date field's
    if day:
        due = localtime.due(dt.date.fromisoformat(day), deadline.after)
    else:
        due = localtime.after(entered, deadline.after)
    rows = [Deadline(case_id, state_id, DEADLINE, due, action=deadline.action)]
    counted_from = localtime.start_of_last_day(due) if day else due
    for before in deadline.reminders:
        rows.append(
            Deadline(case_id, state_id, REMINDER, localtime.before(counted_from, before), before=before)
        )
    return rows

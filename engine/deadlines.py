"""When a case entering a state falls due, and when its reminders go out.

Deadlines are rows, not timers: this module only computes the rows; the store keeps
them and ``Engine.tick`` fires the ones that are due.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from samskab.engine import clock, durations
from samskab.engine.cases import DEADLINE, REMINDER, Deadline
from samskab.engine.definition import Process


def plan(
    process: Process, case_id: int, state_id: str, values: Mapping[str, Any], entered: dt.datetime
) -> list[Deadline]:
    """The deadline and reminder rows for a case that has just entered ``state_id``."""
    deadline = process.state(state_id).deadline
    if deadline is None:
        return []
    start = entered
    if deadline.from_field and values.get(deadline.from_field):
        start = clock.parse_moment(values[deadline.from_field])
    due = durations.add(start, deadline.after)
    rows = [Deadline(case_id, state_id, DEADLINE, due, action=deadline.action)]
    for before in deadline.reminders:
        rows.append(Deadline(case_id, state_id, REMINDER, durations.subtract(due, before), before=before))
    return rows

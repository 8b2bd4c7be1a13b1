"""When a case in a state falls due, and when its reminders go out.

Deadlines are rows, not timers: this module only computes the rows; the store keeps
them and ``Engine.tick`` fires the ones that are due. A step may have several deadlines
(``deadlines``), each with its own rows, told apart by the deadline's ``id`` (the row's
``rule``).

Counted on the municipality's local calendar (:mod:`samskab.engine.localtime`): a
deadline from a date field or a day of the year (``on``), or in working days, falls
due at the end of the local day it lands on, and its reminders count back from the
start of that day; one counted from entering the step falls due at that moment's time
of day.

A recurring deadline (``every``) has one occurrence planned at a time: the first that
falls due after now. When it falls due, the next is planned (:func:`following`),
counted again from what the series counts from (the date, or the moment the step was
entered, kept on the row as ``anchor``) and never from the one before, so it never
drifts: the third of a yearly series from 29.2.2028 is 29.2.2032, on 28.2 in between.
Occurrences that fell due while samskab was not run are not made up for: the series
goes on with the next one still ahead.
"""

import datetime as dt
import functools
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from samskab.engine import durations, localtime, workdays
from samskab.engine.cases import DEADLINE, REMINDER, Deadline
from samskab.engine.definition import DayOfYear, Process
from samskab.engine.definition import Deadline as Rule

Base = dt.date | dt.datetime
"""What an occurrence counts from: a local day, or a moment (a datetime)."""


def plan(
    process: Process,
    case_id: int,
    state_id: str,
    values: Mapping[str, Any],
    entered: dt.datetime,
    *,
    rules: Collection[str | None] | None = None,
    now: dt.datetime | None = None,
) -> list[Deadline]:
    """The deadline and reminder rows for a case that has entered ``state_id`` at
    ``entered``: of every deadline of the step, or only of those whose id is in ``rules``
    (replanned when a date they count from changed, at ``entered``). A recurring
    deadline's first occurrence is the first falling due after ``now`` (default:
    ``entered``; later for a case entered long before it is recorded, as one imported)."""
    return [
        row
        for rule in process.state(state_id).all_deadlines
        if rules is None or rule.id in rules
        for row in _rows(case_id, state_id, rule, values, entered, now or entered)
    ]


def following(
    process: Process, fired: Deadline, values: Mapping[str, Any], now: dt.datetime
) -> list[Deadline]:
    """The rows of a recurring deadline's next occurrence, after ``fired`` fell due (none
    for a deadline that does not repeat)."""
    rule = rule_of(process, fired)
    if rule is None or rule.every is None:
        return []
    return _rows(fired.case_id, fired.state, rule, values, fired.anchor or now, now)


def rule_of(process: Process, row: Deadline) -> Rule | None:
    """The deadline of the process file a stored row was planned from."""
    return process.state(row.state).deadline_by_id(row.rule)


def rules_counting_from(process: Process, state_id: str, fields: Collection[str]) -> set[str | None]:
    """The ids of the step's deadlines that count from one of ``fields``."""
    return {r.id for r in process.state(state_id).all_deadlines if r.from_field in fields}


def _rows(
    case_id: int, state_id: str, rule: Rule, values: Mapping[str, Any], entered: dt.datetime, now: dt.datetime
) -> list[Deadline]:
    base, due = _first(rule, values, entered, now)
    by_day = not isinstance(base, dt.datetime) or rule.after_working_days is not None
    anchor = entered if rule.every is not None and isinstance(base, dt.datetime) else None
    rows = [Deadline(case_id, state_id, DEADLINE, due, action=rule.action, rule=rule.id, anchor=anchor)]
    counted_from = localtime.start_of_last_day(due) if by_day else due
    for before in rule.reminders:
        rows.append(
            Deadline(
                case_id,
                state_id,
                REMINDER,
                localtime.before(counted_from, before),
                before=before,
                rule=rule.id,
            )
        )
    return rows


def _first(
    rule: Rule, values: Mapping[str, Any], entered: dt.datetime, now: dt.datetime
) -> tuple[Base, dt.datetime]:
    """The occurrence to plan: for a deadline that does not repeat, its one (passed or
    not); else the first falling due after ``now`` (``on``: the next such day)."""
    for base in _bases(rule, values, entered, now):
        due = _due(rule, base)
        if (rule.every is None and rule.on is None) or due > now:
            return base, due
    raise AssertionError("a series of occurrences never ends")  # pragma: no cover


def _bases(rule: Rule, values: Mapping[str, Any], entered: dt.datetime, now: dt.datetime) -> Iterator[Base]:
    """What each occurrence counts from, in order."""
    if rule.on is not None:
        # From the year before the earliest whose occurrence may still lie ahead.
        year = localtime.local(now - _reach(rule)).year - 1
        while True:
            yield _day_in(rule.on, year)
            year += 1
    day = values.get(rule.from_field) if rule.from_field else None
    start: Base = dt.date.fromisoformat(day) if day else localtime.local(entered)
    if rule.every is None:
        yield start
        return
    times = _skipped(rule, start, rule.every, now)
    while True:
        times += 1
        moved = start + durations.parse(rule.every) * times
        yield moved if not isinstance(moved, dt.datetime) else localtime.local(moved)


def _skipped(rule: Rule, start: Base, every: str, now: dt.datetime) -> int:
    """How many periods of a series may be passed over at once, all falling due before
    ``now`` (so a daily series from long ago is not walked day by day)."""
    moment = start if isinstance(start, dt.datetime) else localtime.local(localtime.end_of(start))
    return max(0, int((now - _reach(rule) - moment) / _longest(every)) - 1)


def _reach(rule: Rule) -> dt.timedelta:
    """The most an occurrence may fall due after what it counts from."""
    if rule.after is not None:
        return _longest(rule.after)
    if rule.after_working_days is not None:  # five working days a week, and holidays
        return dt.timedelta(days=2 * rule.after_working_days + 14)
    return dt.timedelta(days=1)


@functools.cache
def _longest(every: str) -> dt.timedelta:
    """The longest a period can be (a month of 31 days, a year of 366), so that no more
    periods are passed over than have passed."""
    starts = [dt.datetime(2027, 3, 1), dt.datetime(2027, 12, 1), dt.datetime(2028, 1, 1)]
    return max(start + durations.parse(every) - start for start in starts) + dt.timedelta(days=1)


def _day_in(on: DayOfYear, year: int) -> dt.date:
    """``on`` in ``year``: 29 February is 28 February in a year without it."""
    try:
        return dt.date(year, on.month, on.day)
    except ValueError:
        return dt.date(year, on.month, on.day - 1)


def _due(rule: Rule, base: Base) -> dt.datetime:
    """When an occurrence counting from ``base`` falls due."""
    if isinstance(base, dt.datetime):  # the moment the step was entered
        if rule.after_working_days is not None:
            return localtime.end_of(workdays.shift(base.date(), rule.after_working_days))
        return localtime.after(base, rule.after) if rule.after else base.astimezone(dt.UTC)
    if rule.after_working_days is not None:
        return localtime.end_of(workdays.shift(base, rule.after_working_days))
    if rule.before_working_days is not None:
        return localtime.end_of(workdays.shift(base, -rule.before_working_days))
    if rule.before is not None:
        return localtime.due(base, rule.before, back=True)
    return localtime.due(base, rule.after or "P0D")


def name(process: Process, row: Deadline, lang: str) -> str:
    """What a deadline row is called: its step, and the deadline's title where it has
    one ("Aktivt partnerskab – Årligt statusmøde")."""
    step = process.state(row.state).title.get(lang)
    rule = rule_of(process, row)
    return f"{step} – {rule.title.get(lang)}" if rule is not None and rule.title else step

"""Open deadlines as an iCalendar file (RFC 5545), written with the icalendar library,
as Outlook, Google, Apple and Thunderbird read it.

- One event per open deadline. A deadline from a date (due at the local midnight after
  its last day) is an all-day event on its last day; any other is a timed event of a
  quarter of an hour, in the municipality's time zone (TZID, with its VTIMEZONE).
- Its reminders not yet sent are alarms (VALARM) on it, at the moment they fall due.
- UIDs are stable (the deadline's row) and globally unique (they name the database's
  installation), so a subscribed calendar updates events instead of duplicating them.
"""

import datetime as dt

import icalendar

from samskab.engine import localtime
from samskab.engine.cases import DEADLINE, REMINDER, Case, Deadline
from samskab.engine.config import Actor
from samskab.engine.core import Engine
from samskab.engine.definition import Process
from samskab.engine.messages import due_day, words
from samskab.engine.readmodels import CaseFilter

TIMED = dt.timedelta(minutes=15)
"""How long a timed deadline's event lasts (clients want an end)."""


def calendar_for(
    engine: Engine, *, process_id: str | None = None, actor: Actor | None = None, lang: str = "da"
) -> bytes:
    """Every open deadline, or (``actor``) those of cases the person can act on now."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//samskab//deadlines//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "samskab")
    cal.add("x-wr-timezone", localtime.zone().key)
    stamp = engine.now()
    installation = engine.installation()
    for case in engine.iter_cases(CaseFilter(process_id=process_id, open_only=True)):
        if actor is not None and not any(a.allowed for a in engine.availability(case, actor)):
            continue
        process = engine.compiled_for(case).process
        rows = engine.store.deadlines(case.id)
        for deadline in (d for d in rows if d.kind == DEADLINE):
            reminders = [
                r for r in rows if r.kind == REMINDER and r.state == deadline.state and not r.fired_at
            ]
            cal.add_component(_event(case, process, deadline, reminders, stamp, installation, lang))
    cal.add_missing_timezones()
    return cal.to_ical()


def _event(
    case: Case,
    process: Process,
    deadline: Deadline,
    reminders: list[Deadline],
    stamp: dt.datetime,
    installation: str,
    lang: str,
) -> icalendar.Event:
    step = process.state(case.state).title.get(lang)
    event = icalendar.Event()
    event.add("uid", f"samskab-{installation}-{deadline.id}@samskab")
    event.add("dtstamp", stamp)
    due = localtime.local(deadline.due_at)
    if due.time() == dt.time():  # the end of a day: an all-day event on that last day
        last = localtime.last_day(deadline.due_at)
        event.add("dtstart", last)
        event.add("dtend", last + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        event.add("dtstart", due)
        event.add("dtend", due + TIMED)
    summary = f"{words('Deadline', lang)}: {case.title} – {step}"
    event.add("summary", summary)
    event.add(
        "description",
        words(
            "{process}, case {case} ({id})",
            lang,
            process=process.title.get(lang),
            case=case.id,
            id=case.process_id,
        ),
    )
    event.add("categories", [case.process_id])
    for reminder in reminders:
        alarm = icalendar.Alarm()
        alarm.add("uid", f"samskab-{installation}-{reminder.id}@samskab")
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", reminder.due_at)  # an absolute moment: months are no iCalendar duration
        alarm.add(
            "description",
            words("Reminder: «{state}» is due {due}", lang, state=step, due=due_day(deadline.due_at, lang)),
        )
        event.add_component(alarm)
    return event

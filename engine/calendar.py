"""Open deadlines as calendar entries, and as an iCalendar file (RFC 5545) written with
the icalendar library, as Outlook, Google, Apple and Thunderbird read it.

- One event per open deadline. A deadline from a date (due at the local midnight after
  its last day) is an all-day event on its last day; any other is a timed event of a
  quarter of an hour, in the municipality's time zone (TZID, with its VTIMEZONE). In a
  step with several deadlines, the summary names which (its title).
- A recurring deadline is one event per planned occurrence, not an RRULE: samskab plans
  the next occurrence when one falls due, and the file shows it then. An RRULE could not
  say what samskab counts: RFC 5545 leaves out 29 February and the 31st in months
  without them, where samskab takes the month's last day, and it has no working days.
- Its reminders not yet sent are alarms (VALARM) on it, at the moment they fall due.
- UIDs are stable (the deadline's row) and globally unique (they name the database's
  installation), so a subscribed calendar updates events instead of duplicating them.
"""

import datetime as dt
from collections.abc import Iterable

import icalendar

from samskab.engine import deadlines, localtime
from samskab.engine.cases import DEADLINE, REMINDER
from samskab.engine.config import Actor
from samskab.engine.core import Engine
from samskab.engine.messages import due_day, words
from samskab.engine.readmodels import CalendarEntry, CaseFilter

TIMED = dt.timedelta(minutes=15)
"""How long a timed deadline's event lasts (clients want an end)."""


def entries(
    engine: Engine, *, process_id: str | None = None, actor: Actor | None = None, lang: str = "da"
) -> list[CalendarEntry]:
    """Every open deadline, or (``actor``) those of cases the person can act on now."""
    found = []
    installation = engine.installation()
    for case in engine.iter_cases(CaseFilter(process_id=process_id, open_only=True)):
        if actor is not None and not any(a.allowed for a in engine.availability(case, actor)):
            continue
        process = engine.compiled_for(case).process
        rows = engine.store.deadlines(case.id)
        for deadline in (d for d in rows if d.kind == DEADLINE):
            reminders = [
                r
                for r in rows
                if r.kind == REMINDER
                and (r.state, r.rule) == (deadline.state, deadline.rule)
                and not r.fired_at
            ]
            all_day = localtime.local(deadline.due_at).time() == dt.time()
            found.append(
                CalendarEntry(
                    uid=f"samskab-{installation}-{deadline.id}@samskab",
                    case=case.id,
                    title=case.title,
                    process=case.process_id,
                    process_title=process.title.get(lang),
                    step=deadlines.name(process, deadline, lang),
                    due_at=deadline.due_at,
                    day=localtime.last_day(deadline.due_at),
                    all_day=all_day,
                    reminders=tuple(r.due_at for r in reminders),
                    reminder_uids=tuple(f"samskab-{installation}-{r.id}@samskab" for r in reminders),
                )
            )
    return found


def ics(found: Iterable[CalendarEntry], now: dt.datetime, lang: str) -> bytes:
    """``found`` as an iCalendar file."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//samskab//deadlines//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "samskab")
    cal.add("x-wr-timezone", localtime.zone().key)
    for entry in found:
        cal.add_component(_event(entry, now, lang))
    cal.add_missing_timezones()
    return cal.to_ical()


def _event(entry: CalendarEntry, now: dt.datetime, lang: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", now)
    if entry.all_day:  # the end of a day: an all-day event on that last day
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        start = localtime.local(entry.due_at)
        event.add("dtstart", start)
        event.add("dtend", start + TIMED)
    event.add("summary", f"{words('Deadline', lang)}: {entry.title} – {entry.step}")
    event.add(
        "description",
        words(
            "{process}, case {case} ({id})",
            lang,
            process=entry.process_title,
            case=entry.case,
            id=entry.process,
        ),
    )
    event.add("categories", [entry.process])
    for uid, when in zip(entry.reminder_uids, entry.reminders, strict=True):
        alarm = icalendar.Alarm()
        alarm.add("uid", uid)
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", when)  # an absolute moment: months are no iCalendar duration
        alarm.add(
            "description",
            words(
                "Reminder: «{state}» is due {due}", lang, state=entry.step, due=due_day(entry.due_at, lang)
            ),
        )
        event.add_component(alarm)
    return event

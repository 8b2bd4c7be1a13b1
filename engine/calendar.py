"""Open deadlines and reminders as an iCalendar file, written with the icalendar library.

Each event's UID is stable (the deadline's row), so a calendar that subscribes to the
file updates events instead of duplicating them.
"""

import icalendar

from samskab.engine.cases import DEADLINE
from samskab.engine.core import Engine
from samskab.engine.messages import words
from samskab.engine.readmodels import CaseFilter


def calendar_for(
    engine: Engine, *, process_id: str | None = None, person: str | None = None, lang: str = "da"
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//samskab//deadlines//DA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "samskab")
    actor = engine.actor(person) if person else None
    stamp = engine.now()
    for case in engine.iter_cases(CaseFilter(process_id=process_id, open_only=True)):
        process = engine.compiled_for(case).process
        if actor is not None and not any(a.allowed for a in engine.availability(case, actor)):
            continue
        step = process.state(case.state).title.get(lang)
        for deadline in engine.store.deadlines(case.id):
            if deadline.fired_at and deadline.kind != DEADLINE:
                continue
            event = icalendar.Event()
            event.add("uid", f"samskab-{deadline.id}@samskab")
            event.add("dtstamp", stamp)
            event.add("dtstart", deadline.due_at)
            word = words("Deadline" if deadline.kind == DEADLINE else "Reminder", lang)
            event.add("summary", f"{word}: {case.title} – {step}")
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
            cal.add_component(event)
    return cal.to_ical()

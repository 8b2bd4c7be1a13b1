"""What goes into the outbox when something happens to a case, and in what words.

The engine asks :func:`plan` for the messages of each event *before* it commits, and the
store writes them in the same transaction as the state change: a message is never
lost, and never sent for a change that did not happen. Delivery comes afterwards
(``engine.delivery``).
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from samskab.engine import clock, deadlines, fieldtypes
from samskab.engine.cases import (
    ACTION,
    CREATED,
    DEADLINE,
    HANDOVER,
    REMINDER,
    SYSTEM_ACTOR,
    Case,
    Deadline,
    Event,
)
from samskab.engine.channels import Channel
from samskab.engine.config import Person, names
from samskab.engine.definition import Process
from samskab.engine.messages import due_day, words
from samskab.engine.store import Outgoing


def happenings(event: Event, deadline_state: str | None = None) -> list[tuple[str, str | None, str | None]]:
    """The (on, state, action) an event stands for, as notify rules name them."""
    if event.kind == CREATED:
        return [("enter", event.to_state, None)]
    if event.kind == REMINDER:
        return [("reminder", event.to_state, None)]
    if event.kind == DEADLINE:
        return [("deadline", event.to_state, None)]
    found: list[tuple[str, str | None, str | None]] = [("action", None, event.action)]
    if deadline_state is not None:
        found.append(("deadline", deadline_state, None))
    if event.to_state != event.from_state:
        found.append(("enter", event.to_state, None))
    return found


@attrs.frozen
class Recipient:
    """Someone a message goes to, in their language. ``outside`` is an address from the
    case (a partner, a citizen): they see only what ``sees`` names beyond the step and
    the deadline (see ``definition.Notify.external_sees``)."""

    language: str = "da"
    outside: bool = False
    sees: frozenset[str] = frozenset()


def recipients(
    process: Process,
    case_fields: Mapping[str, Any],
    people: Mapping[str, Person],
    event: Event,
    deadline_state: str | None = None,
) -> dict[str, Recipient]:
    """E-mail address -> recipient, of everyone a rule of the process says should hear.
    An address that is also a registered person's is theirs (inside, their language).
    A handover, which no rule names, is said to the new owner alone."""
    if event.kind == HANDOVER:
        new_owner = people.get(event.owner or "")
        return {new_owner.email: Recipient(new_owner.language)} if new_owner and new_owner.email else {}
    inside: dict[str, Recipient] = {}
    outside: dict[str, frozenset[str]] = {}
    for on, state, action in happenings(event, deadline_state):
        for rule in process.notify:
            if (
                rule.on != on
                or (rule.state and rule.state != state)
                or (rule.action and rule.action != action)
            ):
                continue
            for target in rule.to:
                if target.startswith("field:"):
                    address = case_fields.get(target.removeprefix("field:"))
                    if address:
                        outside[address] = outside.get(address, frozenset()) | set(rule.external_sees)
                    continue
                role = process.role(target)
                bound = role.bound_to if role else ()
                for person_id, person in people.items():
                    named = not bound or any(
                        names(case_fields.get(f), person_id, person.email) for f in bound
                    )
                    if target in person.roles and person.email and named:
                        inside.setdefault(person.email, Recipient(person.language))
    registered = {p.email.casefold(): p.language for p in people.values() if p.email}
    found = dict(inside)
    for address, sees in outside.items():
        if address in found:
            continue
        language = registered.get(address.casefold())
        found[address] = Recipient(language) if language else Recipient("da", True, sees)
    return found


def compose(
    process: Process,
    case: Case,
    event: Event,
    to: Recipient,
    due: dt.datetime | None,
    about: Deadline | None = None,
) -> tuple[str, str]:
    """Subject and body of a short message about ``event``, in the recipient's language:
    the case (number and title), the process, what happened, the step now and the next
    deadline; for people inside the municipality also who acted, the note and the values
    set (samskab's own notes are not repeated: the message says it in their language).
    ``about`` is the deadline row a reminder or a deadline passed is about, or whose
    automatic action the event is (its title names it, in a step with several)."""
    lang = to.language
    shows = {"actor", "note", "fields"} if not to.outside else to.sees
    state = process.state(event.to_state).title.get(lang)
    named = deadlines.name(process, about, lang) if about is not None else state
    if event.kind == CREATED:
        what = words("The case was opened", lang)
    elif event.kind == REMINDER:
        what = words("Reminder: «{state}» is due {due}", lang, state=named, due=due_day(due, lang))
    elif event.kind == DEADLINE:
        what = words(
            "The deadline of «{state}» has passed ({due})", lang, state=named, due=due_day(due, lang)
        )
    else:
        if event.kind == HANDOVER:
            what = words("Handed over to {person}", lang, person=event.owner)
        else:
            action = process.action(event.action) if event.action is not None else None
            what = action.title.get(lang) if action else str(event.action)
        if "actor" in shows and event.actor != SYSTEM_ACTOR:
            what = words("{action} (by {actor})", lang, action=what, actor=event.actor)
        if about is not None:
            missed = words(
                "The deadline of «{state}» has passed ({due})",
                lang,
                state=named,
                due=due_day(about.due_at, lang),
            )
            what = f"{missed}; {what}"
    title = " ".join(case.title.split())  # one line, whatever was stored: a header cannot break
    lines = [
        f"{words('Case', lang)} {case.id}: {title}",
        f"{words('Process', lang)}: {process.title.get(lang)}",
        f"{words('What happened', lang)}: {what}",
        f"{words('Step now', lang)}: {state}",
    ]
    if due and event.kind != DEADLINE:
        lines.append(f"{words('Next deadline', lang)}: {due_day(due, lang)}")
    if event.note and "note" in shows and event.actor != SYSTEM_ACTOR:
        lines.append(f"{words('Note', lang)}: {event.note}")
    for key, value in event.changes.items() if "fields" in shows else ():
        field = process.field(key)
        if field is not None:
            lines.append(f"  {field.label.get(lang)}: {fieldtypes.show(field, value, lang)}")
    subject = f"[samskab] {words('Case', lang)} {case.id} – {title}: {what}"
    return " ".join(subject.split()), "\n".join(lines) + "\n"


def plan(
    process: Process,
    case: Case,
    event: Event,
    people: Mapping[str, Person],
    channels: Mapping[str, Channel],
    due: dt.datetime | None,
    about: Deadline | None = None,
    installation: str = "",
) -> list[Outgoing]:
    """Every message ``event`` causes: per recipient on addressed channels, once on the others.

    ``about`` is the deadline row the event is about (see :func:`compose`).
    """
    deadline_state = about.state if about is not None and event.kind == ACTION else None
    if not channels:
        return []
    payload = {
        "installation": installation,
        "case": case.id,
        "title": case.title,
        "process": case.process_id,
        "version": case.version,
        "event": event.kind,
        "action": event.action,
        "from": event.from_state,
        "to": event.to_state,
        "actor": event.actor,
        "at": clock.to_text(event.at),
        "note": event.note,
        "changes": dict(event.changes),
        "next_deadline": clock.to_text(due) if due else None,
        "owner": case.owner,
        "deadline": about.rule if about is not None else None,
    }
    messages = []
    addressed = recipients(process, case.fields, people, event, deadline_state)
    for name, channel in channels.items():
        if channel.addressed:
            for address, to in addressed.items():
                subject, body = compose(process, case, event, to, due, about)
                messages.append(Outgoing(name, address, subject, body, payload))
        elif event.kind in getattr(channel.settings, "events", (ACTION, CREATED, REMINDER, DEADLINE)):
            subject, body = compose(process, case, event, Recipient(), due, about)
            messages.append(Outgoing(name, "", subject, body, payload))
    return messages

"""Processes and cases as read models, in the reader's language.

The service builds every read model here from the engine's own objects (definitions,
cases, events), so that the CLI and the terminal UI get the same words: titles and
labels instead of ids, deadlines and durations in words, values as people write them.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import isodate

from samskab.engine import audit, deadlines, durations, fieldtypes, links, localtime, sizes
from samskab.engine.cases import (
    ACTION,
    COMMENT,
    CORRECTION,
    CREATED,
    DEADLINE,
    DOCUMENT,
    DOCUMENT_DELETED,
    ERASURE,
    HANDOVER,
    LINK,
    MIGRATION,
    REMINDER,
    UNLINK,
    Case,
    Deadline,
    Event,
)
from samskab.engine.config import Person
from samskab.engine.definition import Action, DayOfYear, Field, GuardRef, Opening, Process
from samskab.engine.definition import Deadline as DeadlineDefinition
from samskab.engine.guards import Guard
from samskab.engine.messages import text, words
from samskab.engine.readmodels import (
    ActionView,
    CaseSummary,
    DeadlineRule,
    DeadlineView,
    DocumentView,
    FieldSpec,
    FieldValue,
    GuardView,
    HistoryEntry,
    OpeningView,
    OptionView,
    ProcessView,
    PublicView,
    RelatedCase,
    RoleView,
    StartView,
    StepView,
)
from samskab.engine.store import StoredDocument

PLACEHOLDERS = {
    "date": "YYYY-MM-DD or D.M.YYYY",
    "money": "DKK, e.g. 12500.00",
    "integer": "whole number",
    "email": "name@example.dk",
    "link": "https://…",
}


def steps_in_order(process: Process) -> list[str]:
    """State ids from the initial one onwards, in the order actions reach them, final last."""
    order = [process.initial.id]
    for state_id in order:
        for action in process.actions:
            for target in action.targets:
                if state_id in action.from_ and target not in order:
                    order.append(target)
    order += [s.id for s in process.states if s.id not in order]
    # Open steps first, then the ways a case can end.
    return [s for s in order if not process.state(s).final] + [s for s in order if process.state(s).final]


# -- words ------------------------------------------------------------------------------

_UNITS = (
    ("years", "{n} year", "{n} years"),
    ("months", "{n} month", "{n} months"),
    ("weeks", "{n} week", "{n} weeks"),
    ("days", "{n} day", "{n} days"),
    ("hours", "{n} hour", "{n} hours"),
)


def _amounts(iso: str) -> dict[str, int]:
    """An ISO 8601 duration's years, months, weeks, days and hours (days in whole weeks
    as weeks)."""
    parsed = durations.parse(iso)
    delta = parsed.tdelta if isinstance(parsed, isodate.Duration) else parsed
    days, hours = delta.days, delta.seconds // 3600
    weeks = 0
    if days and days % 7 == 0:
        weeks, days = days // 7, 0
    return {
        "years": int(getattr(parsed, "years", 0)),
        "months": int(getattr(parsed, "months", 0)),
        "weeks": weeks,
        "days": days,
        "hours": hours,
    }


def duration_words(iso: str, lang: str) -> str:
    """An ISO 8601 duration (P3Y, P6W, P1Y6M) in words: "3 år", "6 uger", "1 år og 6 måneder"."""
    amounts = _amounts(iso)
    parts = [
        words(one if amounts[unit] == 1 else many, lang, n=amounts[unit])
        for unit, one, many in _UNITS
        if amounts[unit]
    ]
    if not parts:
        return words("at once", lang)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + words(" and ", lang) + parts[-1]


_EVERY = (
    ("years", "every year", "every {n} years"),
    ("months", "every month", "every {n} months"),
    ("weeks", "every week", "every {n} weeks"),
    ("days", "every day", "every {n} days"),
)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def every_words(iso: str, lang: str) -> str:
    """How often a deadline repeats: "hvert år", "hver 12. måned", "med 1 år og 6 måneders mellemrum"."""
    used = {unit: n for unit, n in _amounts(iso).items() if n}
    if len(used) == 1 and "hours" not in used:
        [(unit, n)] = used.items()
        one, many = next((one, many) for u, one, many in _EVERY if u == unit)
        return words(one if n == 1 else many, lang, n=n)
    return words("every {duration}", lang, duration=duration_words(iso, lang))


def day_of_year_words(on: DayOfYear, lang: str) -> str:
    """A day of the year: "15. marts", "15 March"."""
    return words("{day} {month}", lang, day=on.day, month=words(_MONTHS[on.month - 1], lang))


def deadline_rule(process: Process, deadline: DeadlineDefinition, lang: str) -> DeadlineRule:
    return DeadlineRule(
        after=deadline.after,
        from_field=deadline.from_field,
        action=deadline.action,
        reminders=tuple(deadline.reminders),
        words=deadline_words(process, deadline, lang),
        id=deadline.id,
        title=deadline.title.get(lang) if deadline.title else None,
        before=deadline.before,
        every=deadline.every,
        on=f"--{deadline.on.month:02d}-{deadline.on.day:02d}" if deadline.on else None,
        after_working_days=deadline.after_working_days,
        before_working_days=deadline.before_working_days,
    )


def deadline_words(process: Process, deadline: DeadlineDefinition, lang: str) -> str:
    """A deadline in words: "Årligt statusmøde: hver 15. marts; påmindelse 2 uger før",
    "2 uger før datoen i «Byrådsmøde (dato)»", "10 arbejdsdage efter at trinnet er nået"."""
    said = when_words(process, deadline, lang)
    if deadline.title:
        said = f"{deadline.title.get(lang)}: {said}"
    if deadline.reminders:
        before = words(" and ", lang).join(duration_words(r, lang) for r in deadline.reminders)
        said += words("; reminder {before} before", lang, before=before)
    if deadline.action:
        action = process.action(deadline.action)
        title = action.title.get(lang) if action else deadline.action
        said += words("; then automatically: {action}", lang, action=title)
    return said


def when_words(process: Process, deadline: DeadlineDefinition, lang: str) -> str:
    """When a deadline falls due, in words (without its title, reminders and action)."""
    if deadline.from_field:
        field = process.field(deadline.from_field)
        label = f"«{field.label.get(lang) if field else deadline.from_field}»"
        anchor = words("the date in {field}", lang, field=label)
    elif deadline.on is not None:
        day = day_of_year_words(deadline.on, lang)
        anchor = day if deadline.every else words("the next {day}", lang, day=day)
    else:
        anchor = words("entering the step", lang)
    amount, after = _offset(deadline, lang)
    if deadline.every is None or deadline.on is not None:
        if amount is None:
            when = words("on {anchor}", lang, anchor=anchor)
        else:
            when = words(
                "{amount} after {anchor}" if after else "{amount} before {anchor}",
                lang,
                amount=amount,
                anchor=anchor,
            )
        if deadline.every is None:
            return when
        return (
            words("every year on {day}", lang, day=anchor)
            if amount is None
            else words("every year, {when}", lang, when=when)
        )
    series = words("{every} after {anchor}", lang, every=every_words(deadline.every, lang), anchor=anchor)
    if amount is None:
        return series
    shift = words("{amount} after" if after else "{amount} before", lang, amount=amount)
    return words("{series}, each time {shift}", lang, series=series, shift=shift)


def _offset(deadline: DeadlineDefinition, lang: str) -> tuple[str | None, bool]:
    """How far from what it counts from a deadline falls, in words (None: on it), and
    whether after (or before) it."""
    count = deadline.after_working_days or deadline.before_working_days
    if count is not None:
        amount = words("{n} working day" if count == 1 else "{n} working days", lang, n=count)
        return amount, deadline.after_working_days is not None
    if deadline.before is not None:
        return duration_words(deadline.before, lang), False
    if deadline.after is None or durations.is_zero(deadline.after):
        return None, True
    return duration_words(deadline.after, lang), True


LEVELS = {"individ": "individual", "lokalsamfund": "community", "kommune": "municipality"}


def level_title(level: str, lang: str) -> str:
    """Pestoff's level of co-creation in words."""
    return words(LEVELS.get(level, level), lang)


def role_titles(process: Process, roles: Iterable[str], lang: str) -> str:
    titles = []
    for role_id in roles:
        role = process.role(role_id)
        titles.append(role.title.get(lang) if role else role_id)
    return ", ".join(titles) or words("anyone", lang)


# -- processes --------------------------------------------------------------------------


def field_spec(process: Process, field: Field, lang: str) -> FieldSpec:
    if field.type == "choice":
        options = tuple(OptionView(o.id, o.title.get(lang)) for o in field.options)
    elif field.type == "yesno":
        options = (OptionView("ja", words("yes", lang)), OptionView("nej", words("no", lang)))
    else:
        options = ()
    placeholder = PLACEHOLDERS.get(field.type)
    return FieldSpec(
        process_id=process.id,
        version=process.version,
        id=field.id,
        type=field.type,
        label=field.label.get(lang),
        help=field.help.get(lang) if field.help else None,
        options=options,
        placeholder=words(placeholder, lang) if placeholder else "",
    )


def form(process: Process, field_ids: Iterable[str], lang: str) -> tuple[FieldSpec, ...]:
    return tuple(field_spec(process, f, lang) for f in (process.field(i) for i in field_ids) if f)


def to_words(process: Process, action: Action, lang: str) -> str:
    """Where an action leads: a step, or the steps a choice picks among."""
    if action.to_by is None:
        return process.state(action.to).title.get(lang) if action.to else ""
    field = process.field(action.to_by.field)
    steps = " / ".join(process.state(t).title.get(lang) for t in action.targets)
    return words(
        "{steps} (by {field})",
        lang,
        steps=steps,
        field=field.label.get(lang) if field else action.to_by.field,
    )


def guard_view(process: Process, ref: GuardRef, guards: Mapping[str, Guard], lang: str) -> GuardView:
    guard = guards.get(ref.name)
    says = guard.words(process, ref).get(lang) if guard else ref.name
    return GuardView(ref.name, ref.field, ref.value, ref.other, says)


def required_when(
    process: Process, action: Action, guards: Mapping[str, Guard], lang: str
) -> tuple[str, ...]:
    return tuple(
        words(
            "{fields}, when {condition}",
            lang,
            fields=", ".join(label(process, f, lang) for f in rule.fields),
            condition=guard_view(process, rule.when, guards, lang).says,
        )
        for rule in action.requires_when
    )


def step_title(process: Process, state_id: str, lang: str) -> str:
    """A step's title, or its id when the process does not have it (any more: a history
    from before a migration)."""
    return process.state(state_id).title.get(lang) if process.has_state(state_id) else state_id


def label(process: Process, field_id: str, lang: str) -> str:
    """A field's label, or its id when the process does not have it (any more)."""
    field = process.field(field_id)
    return field.label.get(lang) if field else field_id


def link_words(kind: str, processes: Iterable[Process], lang: str, *, inverse: bool = False) -> str:
    """A kind of link in words, as the first of ``processes`` that knows it says it (the
    linking case's, then the other's): "fornyelse af", turned round "fornyet af"."""
    for process in processes:
        found = links.kinds(process).get(kind)
        if found is not None:
            return (found.inverse if inverse else found.title).get(lang)
    return kind


def opening_view(
    process: Process, opening: Opening, lang: str, processes: Mapping[str, Process]
) -> OpeningView:
    """What an action opens, in words; ``processes``: the others, by id."""
    process_id = opening.process or process.id
    other = process if process_id == process.id else processes.get(process_id)
    process_title = other.title.get(lang) if other else process_id
    kind = link_words(opening.link, [process], lang)
    if opening.count_field is not None:
        said = words(
            "opens as many cases of {process} as {field} says, each {kind} this one",
            lang,
            process=process_title,
            field=f"«{label(process, opening.count_field, lang)}»",
            kind=kind,
        )
    else:
        said = words(
            "opens {count} case(s) of {process}, each {kind} this one",
            lang,
            count=opening.count or 1,
            process=process_title,
            kind=kind,
        )
    if opening.fields:
        copied = []
        for source, target in opening.fields.items():
            said_here = label(process, source, lang)
            said_there = label(other, target, lang) if other else target
            copied.append(said_here if said_here == said_there else f"{said_here} → {said_there}")
        said += words("; copies {fields}", lang, fields=", ".join(copied))
    return OpeningView(
        process=process_id,
        process_title=process_title,
        title=opening.title,
        count=opening.count,
        count_field=opening.count_field,
        link=opening.link,
        fields=dict(opening.fields),
        words=said,
    )


def process_view(
    process: Process,
    lang: str,
    guards: Mapping[str, Guard] | None = None,
    processes: Mapping[str, Process] | None = None,
) -> ProcessView:
    """The process step by step; ``processes``: the others by id (what its actions open)."""
    labels = {f.id: f.label.get(lang) for f in process.fields}
    return ProcessView(
        id=process.id,
        version=process.version,
        title=process.title.get(lang),
        description=process.description.get(lang),
        level=process.level,
        level_title=level_title(process.level, lang),
        start=StartView(tuple(process.start.form_fields()), tuple(process.start.requires)),
        roles=tuple(
            RoleView(
                r.id,
                r.title.get(lang),
                r.bound_to,
                words(
                    "only in the cases that name them in {fields}",
                    lang,
                    fields=", ".join(label(process, f, lang) for f in r.bound_to),
                )
                if r.bound_to
                else "",
            )
            for r in process.roles
        ),
        fields=tuple(field_spec(process, f, lang) for f in process.fields),
        states=tuple(
            StepView(
                id=s.id,
                title=s.title.get(lang),
                initial=s.initial,
                final=s.final,
                deadline=deadline_rule(process, s.all_deadlines[0], lang) if s.all_deadlines else None,
                deadlines=tuple(deadline_rule(process, d, lang) for d in s.all_deadlines),
            )
            for s in (process.state(i) for i in steps_in_order(process))
        ),
        actions=tuple(
            ActionView(
                id=a.id,
                title=a.title.get(lang),
                from_=tuple(a.from_),
                to=a.to,
                to_title=to_words(process, a, lang),
                targets=a.targets,
                to_by=a.to_by.field if a.to_by else None,
                roles=tuple(a.roles),
                who=role_titles(process, a.roles, lang),
                fields=tuple(a.form_fields()),
                requires=tuple(a.required()),
                requires_labels=tuple(labels.get(f, f) for f in a.required()),
                required_when=required_when(process, a, guards or {}, lang),
                counts=tuple(a.counts),
                guards=tuple(guard_view(process, g, guards or {}, lang) for g in a.guards),
                note_required=a.note_required,
                description=a.description.get(lang) if a.description else None,
                opens=tuple(opening_view(process, o, lang, processes or {}) for o in a.opens),
            )
            for a in process.actions
        ),
        public=public_view(process, lang),
    )


def public_view(process: Process, lang: str) -> PublicView:
    """The process's ``[public]`` table, and in words which cases the website shows."""
    public = process.public

    def quoted(field_id: str) -> str:
        return f"«{label(process, field_id, lang)}»"

    if public.when is None:
        says = words("no case is on the website", lang)
    else:
        said = [words("cases are on the website while {field} is yes", lang, field=quoted(public.when))]
        if public.summary is not None:
            said.append(words("their summary: {field}", lang, field=quoted(public.summary)))
        if public.fields:
            said.append(words("also shown: {fields}", lang, fields=", ".join(map(quoted, public.fields))))
        says = "; ".join(said)
    return PublicView(
        when=public.when,
        summary=public.summary,
        fields=public.fields,
        door=public.door.get(lang) if public.door is not None else None,
        says=says,
    )


# -- cases ------------------------------------------------------------------------------


def shown_day(due_at: dt.datetime, kind: str = DEADLINE) -> dt.date:
    """The local day a deadline is shown as (its last day) or a reminder's."""
    return localtime.last_day(due_at) if kind == DEADLINE else localtime.local(due_at).date()


def days_left(due_at: dt.datetime, now: dt.datetime, kind: str = DEADLINE) -> int:
    """Whole local days from today to the day shown (0: today; negative: overdue)."""
    return (shown_day(due_at, kind) - localtime.local(now).date()).days


def person_name(register: Mapping[str, Person], person_id: str | None) -> str | None:
    """A person as people read them: their name in the register, else their id."""
    known = register.get(person_id) if person_id is not None else None
    return known.name if known is not None and known.name else person_id


def case_summary(
    case: Case,
    process: Process,
    now: dt.datetime,
    lang: str,
    register: Mapping[str, Person],
    columns: tuple[str, ...] = (),
) -> CaseSummary:
    """A case in a list; ``register`` names its owner; ``columns``: the fields to give
    with it."""
    overdue = case.next_due is not None and case.next_due <= now
    return CaseSummary(
        id=case.id,
        title=case.title,
        process=case.process_id,
        process_title=process.title.get(lang),
        version=case.version,
        state=case.state,
        state_title=process.state(case.state).title.get(lang),
        next_deadline=case.next_due,
        overdue=overdue,
        next_deadline_day=shown_day(case.next_due) if case.next_due else None,
        days_left=days_left(case.next_due, now) if case.next_due else None,
        updated_at=case.updated_at,
        closed_at=case.closed_at,
        revision=case.revision,
        owner=case.owner,
        owner_name=person_name(register, case.owner),
        values=tuple(field_value(process, f, case.fields.get(f), lang) for f in columns),
    )


def related(case: Case, process: Process, lang: str) -> RelatedCase:
    """Another case, as a case linked to it shows it."""
    return RelatedCase(
        id=case.id,
        title=case.title,
        process=case.process_id,
        process_title=process.title.get(lang),
        state=case.state,
        state_title=step_title(process, case.state, lang),
        closed=case.closed_at is not None,
    )


def field_value(process: Process, field_id: str, value: Any, lang: str) -> FieldValue:
    field = process.field(field_id)
    if field is None:  # a field a newer version of the process dropped
        return FieldValue(field_id, field_id, value, "" if value is None else str(value))
    link = value if field.type == "link" and isinstance(value, str) and value else None
    return FieldValue(field_id, field.label.get(lang), value, fieldtypes.show(field, value, lang), link)


def shown_fields(process: Process, values: dict[str, Any], lang: str) -> tuple[FieldValue, ...]:
    return tuple(
        field_value(process, f.id, values[f.id], lang)
        for f in process.fields
        if fieldtypes.is_filled(values.get(f.id))
    )


def deadline_view(process: Process, deadline: Deadline, now: dt.datetime, lang: str) -> DeadlineView:
    """An open deadline or reminder of a case; overdue: a deadline passed."""
    rule = deadlines.rule_of(process, deadline)
    return DeadlineView(
        kind=deadline.kind,
        state=deadline.state,
        due_at=deadline.due_at,
        day=shown_day(deadline.due_at, deadline.kind),
        action=deadline.action,
        before=deadline.before,
        before_words=duration_words(deadline.before, lang) if deadline.before else None,
        fired_at=deadline.fired_at,
        days_left=days_left(deadline.due_at, now, deadline.kind),
        overdue=deadline.kind == DEADLINE and deadline.due_at <= now,
        rule=deadline.rule,
        title=rule.title.get(lang) if rule is not None and rule.title else None,
        says=when_words(process, rule, lang) if rule is not None else None,
        repeats=rule is not None and rule.every is not None,
    )


_WHAT = {
    CREATED: "opened",
    COMMENT: "comment",
    CORRECTION: "fields corrected",
    DEADLINE: "deadline passed",
    REMINDER: "reminder",
    ERASURE: "personal data erased",
    MIGRATION: "moved to another version of the process",
}


_LINKED = {
    CREATED: "opened as {kind} case {case}",
    LINK: "linked: {kind} case {case}",
    UNLINK: "link removed: {kind} case {case}",
}
"""What an event that links the case to another did, in words."""


def history(
    events: Iterable[Event], process: Process, lang: str, register: Mapping[str, Person]
) -> tuple[HistoryEntry, ...]:
    """A case's history as people read it; a correction shows each value before and
    after, a handover the new owner by name (``register``)."""
    entries: list[HistoryEntry] = []
    fields: dict[str, Any] = {}
    for event in events:
        entries.append(history_entry(event, process, lang, register, fields))
        if event.kind in (CREATED, ACTION, CORRECTION):
            fields.update(event.changes)
    return tuple(entries)


def history_entry(
    event: Event,
    process: Process,
    lang: str,
    register: Mapping[str, Person],
    before: Mapping[str, Any] | None = None,
) -> HistoryEntry:
    document = audit.document_record(event.kind, event.changes)
    if document is not None:
        what = document_words(event.kind, document, lang)
    elif event.kind == HANDOVER:
        what = words("handed over to {person}", lang, person=person_name(register, event.owner))
    elif event.link_kind is not None and event.kind in _LINKED:
        kind = link_words(event.link_kind, [process], lang)
        what = words(_LINKED[event.kind], lang, kind=kind, case=event.link_case)
    elif event.kind in _WHAT:
        what = words(_WHAT[event.kind], lang)
    else:
        action = process.action(event.action or "")
        what = action.title.get(lang) if action else str(event.action)
    return HistoryEntry(
        at=event.at,
        actor=event.actor,
        account=event.account,
        kind=event.kind,
        action=event.action,
        what=what,
        from_=event.from_state,
        to=event.to_state,
        to_title=step_title(process, event.to_state, lang),
        changes=dict(event.changes),
        # An erasure's changes are the digests it recorded for the audit, a document
        # event's its document: not fields.
        changes_shown=()
        if event.kind in (ERASURE, DOCUMENT, DOCUMENT_DELETED)
        else tuple(
            _changed(process, k, v, lang, before if event.kind == CORRECTION else None)
            for k, v in event.changes.items()
        ),
        note=event.note,
        owner=event.owner,
        link_kind=event.link_kind,
        link_case=event.link_case,
    )


def document_words(kind: str, document: Mapping[str, Any], lang: str) -> str:
    """A document event in words: "Dokument vedhæftet: aftale.pdf (1,2 MB)"."""
    name = str(document.get("name"))
    if kind == DOCUMENT_DELETED:
        return words("Document deleted: {name}", lang, name=name)
    size = document.get("size")
    shown = sizes.shown(size, lang) if isinstance(size, int) else "?"
    return words("Document attached: {name} ({size})", lang, name=name, size=shown)


def document_view(document: StoredDocument, lang: str) -> DocumentView:
    return DocumentView(
        id=document.id,
        case=document.case_id,
        name=document.name,
        size=document.size,
        size_shown=sizes.shown(document.size, lang),
        sha256=document.sha256,
        attached_at=document.attached_at,
        actor=document.actor,
        account=document.account,
        note=document.note,
        deleted_at=document.deleted_at,
    )


def _changed(
    process: Process, field_id: str, value: Any, lang: str, before: Mapping[str, Any] | None
) -> FieldValue:
    """A value set; for a correction, shown as the value before → the value after."""
    shown = field_value(process, field_id, value, lang)
    if before is None:
        return shown
    old = field_value(process, field_id, before.get(field_id), lang).shown or "–"
    return attrs.evolve(shown, shown=f"{old} → {shown.shown}")


def reasons(found: Iterable[str], lang: str) -> tuple[str, ...]:
    return tuple(text(reason, lang) for reason in found)

"""The coordinator's report: a year's cases counted per process, step, outcome and value.

One pass over the cases open at some time in the year (``CaseFilter.active``) gives what
was opened and closed, the outcomes and their reasons, the totals of money and whole
numbers and the counts of each choice; a few counts ask the store for what is open now.
Every number carries the :class:`~samskab.engine.readmodels.CaseFilter` that lists the
cases behind it, so a front end can click through to them.

What a process does not record is said in words (``ProcessReport.missing``): a question
the report cannot answer for it says so instead of showing a zero.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from samskab.engine import fieldtypes, localtime, views
from samskab.engine.cases import Case
from samskab.engine.definition import Field, Process
from samskab.engine.messages import words
from samskab.engine.readmodels import (
    CaseFilter,
    Column,
    DueCount,
    FieldBreakdown,
    FieldTotal,
    Outcome,
    Period,
    ProcessReport,
    Report,
    ReportCount,
    Table,
)
from samskab.engine.store import Store

QUIET_MONTHS = "P12M"
"""A case with nothing in its history for this long is counted as quiet."""

COUNTED = ("choice", "yesno")
SUMMED = ("money", "integer")


def year_period(year: int) -> Period:
    """The local calendar year, from its first midnight to the next year's."""

    def midnight(y: int) -> dt.datetime:
        return dt.datetime(y, 1, 1, tzinfo=localtime.zone()).astimezone(dt.UTC)

    return Period(midnight(year), midnight(year + 1))


def columns(process: Process) -> tuple[str, ...]:
    """The fields a list of the process's cases shows: its ``[report] columns``, or its
    money and choice fields."""
    return process.report.columns or tuple(f.id for f in process.fields if f.type in ("money", "choice"))


def process_report(
    process: Process,
    store: Store,
    cases: Iterable[Case],
    year: int,
    now: dt.datetime,
    lang: str,
    owner: str | None = None,
) -> ProcessReport:
    """The report of one process for ``year``; ``cases`` are its cases active in the year
    (``owner``: of theirs only, as every number counts)."""
    period = year_period(year)
    mine = CaseFilter(process_id=process.id, owner=owner)
    steps = [s for s in views.steps_in_order(process) if not process.state(s).final]

    def counted(label: str, key: str, where: CaseFilter) -> ReportCount:
        return ReportCount(key, label, store.count_cases(where), where)

    def per_step(where: CaseFilter) -> tuple[ReportCount, ...]:
        return tuple(
            counted(process.state(s).title.get(lang), s, attrs.evolve(where, state=s))
            for s in steps
            if where.due is None or process.state(s).all_deadlines
        )

    def due_in(y: int) -> DueCount:
        """Open cases whose next deadline falls on the year's days (a date deadline falls
        due at the midnight after its last day: ``CaseFilter.due`` counts the year's end
        in), in all (also those in a step an older version had) and per step."""
        where = attrs.evolve(mine, due=year_period(y))
        return DueCount(y, counted(words("Due in {year}", lang, year=y), str(y), where), per_step(where))

    open_steps = per_step(attrs.evolve(mine, open_only=True))
    due = (due_in(year), due_in(year + 1))
    active = list(cases)
    opened = [c for c in active if period.start <= c.created_at < period.end]
    closed = [c for c in active if c.closed_at is not None and period.start <= c.closed_at < period.end]
    in_year = attrs.evolve(mine, active=period)
    reasons = _reasons(process)
    days = [(c.closed_at - c.created_at).days for c in closed if c.closed_at]
    return ProcessReport(
        process=process.id,
        title=process.title.get(lang),
        open_steps=open_steps,
        open_total=sum(s.count for s in open_steps),
        overdue=counted(
            words("Overdue", lang), "overdue", attrs.evolve(mine, overdue_at=now, open_only=True)
        ),
        quiet=counted(
            words("Nothing new for 12 months", lang),
            "quiet",
            attrs.evolve(mine, quiet_since=localtime.before(now, QUIET_MONTHS)),
        ),
        due=due,
        active=ReportCount("active", words("Open during the year", lang), len(active), in_year),
        opened=ReportCount(
            "opened", words("Opened in the year", lang), len(opened), attrs.evolve(mine, opened=period)
        ),
        outcomes=_outcomes(process, closed, attrs.evolve(mine, closed=period), lang),
        average_days=round(sum(days) / len(days)) if days else None,
        totals=tuple(_total(f, active, lang) for f in process.fields if f.type in SUMMED),
        breakdowns=tuple(
            _breakdown(f, active, in_year, lang)
            for f in process.fields
            if f.type in COUNTED and f.id not in reasons
        ),
        columns=columns(process),
        missing=_missing(process, lang),
    )


def _outcomes(process: Process, closed: list[Case], where: CaseFilter, lang: str) -> tuple[Outcome, ...]:
    """Cases closed in the year per final step, with the reasons the actions into that
    step record (their choice and yes/no fields), or whether they are notes only."""
    found = []
    for state in (s for s in process.states if s.final):
        here = [c for c in closed if c.state == state.id]
        into = attrs.evolve(where, state=state.id)
        actions = [a for a in process.actions if state.id in a.targets]
        set_here = {f for a in actions for f in a.form_fields()}
        reasons = tuple(
            _breakdown(field, here, into, lang)
            for field in process.fields
            if field.type in COUNTED and field.id in set_here
        )
        notes_only = not reasons and any(a.note_required for a in actions)
        found.append(Outcome(state.id, state.title.get(lang), len(here), into, reasons, notes_only))
    return tuple(found)


def _reasons(process: Process) -> set[str]:
    """Fields recorded only on the way to a final step: the reasons, counted per outcome
    rather than over the year's cases."""
    final = {s.id for s in process.states if s.final}
    into_final = {f for a in process.actions if set(a.targets) & final for f in a.form_fields()}
    elsewhere = {f for a in process.actions if set(a.targets) - final for f in a.form_fields()}
    return into_final - elsewhere - set(process.start.form_fields())


def _breakdown(field: Field, cases: list[Case], where: CaseFilter, lang: str) -> FieldBreakdown:
    """How many cases hold each value of a choice or yes/no field, in the field's order."""
    held = Counter(c.fields.get(field.id) for c in cases)
    values: list[Any] = [o.id for o in field.options] if field.type == "choice" else [True, False]
    counts = tuple(
        ReportCount(
            str(value).lower(),
            fieldtypes.show(field, value, lang),
            held[value],
            attrs.evolve(where, values=((field.id, value),)),
        )
        for value in values
    )
    unrecorded = sum(n for value, n in held.items() if not fieldtypes.is_filled(value))
    return FieldBreakdown(
        field.id,
        field.label.get(lang),
        counts,
        ReportCount(
            "none", words("not recorded", lang), unrecorded, attrs.evolve(where, values=((field.id, None),))
        ),
    )


def _total(field: Field, cases: list[Case], lang: str) -> FieldTotal:
    values = [c.fields[field.id] for c in cases if fieldtypes.is_filled(c.fields.get(field.id))]
    if field.type == "money":
        total: Decimal | int = sum((Decimal(str(v)) for v in values), Decimal("0.00"))
        stored: Any = f"{total:.2f}"
    else:
        total = stored = sum(int(v) for v in values)
    return FieldTotal(
        field.id,
        field.label.get(lang),
        field.type,
        stored,
        fieldtypes.show(field, stored, lang),
        len(values),
        len(cases),
    )


def _missing(process: Process, lang: str) -> tuple[str, ...]:
    """What the report cannot answer for this process, because it records no such data."""
    found = []
    if not any(f.type == "money" for f in process.fields):
        found.append(words("amounts of money", lang))
    if not any(f.type == "integer" for f in process.fields):
        found.append(words("hours or other numbers", lang))
    return tuple(found)


def table(report: Report, lang: str) -> Table:
    """The report as one table to export: a row per number, as the dashboard lists them
    (process, what is counted, how many; a sum in its own column, amounts apart)."""
    columns = (
        Column("process", words("Process", lang), "text"),
        Column("what", words("What", lang), "text"),
        Column("count", words("Count", lang), "number"),
        Column("amount", words("Amount", lang), "money"),
        Column("sum", words("Sum", lang), "number"),
    )
    rows: list[tuple[Any, ...]] = []
    for p in report.processes:

        def row(
            what: str, count: int | None = None, amount: Any = None, total: Any = None, title: str = p.title
        ) -> None:
            rows.append((title, what, count, amount, total))

        row(words("Open now", lang), p.open_total)
        for step in p.open_steps:
            row(f"{words('Open now', lang)} · {step.label}", step.count)
        for count in (p.overdue, p.quiet):
            row(count.label, count.count)
        for due in p.due:
            row(due.total.label, due.total.count)
            for step in due.steps:
                row(f"{due.total.label} · {step.label}", step.count)
        row(p.opened.label, p.opened.count)
        for outcome in p.outcomes:
            closed = f"{words('Closed in the year', lang)} · {outcome.title}"
            row(closed, outcome.count)
            for reasons in outcome.reasons:
                for count in (*reasons.counts, reasons.unrecorded):
                    row(f"{closed} · {reasons.label}: {count.label}", count.count)
        if p.average_days is not None:
            row(words("Days from opening to closing on average", lang), total=p.average_days)
        for t in p.totals:
            money = t.type == "money"
            row(
                f"{t.label} ({words('{n} of {of} cases', lang, n=t.recorded, of=t.of)})",
                t.recorded,
                Decimal(t.total) if money else None,
                None if money else t.total,
            )
        for breakdown in p.breakdowns:
            for count in (*breakdown.counts, breakdown.unrecorded):
                row(f"{breakdown.label}: {count.label}", count.count)
        if p.missing:
            row(f"{words('Not recorded', lang)}: {', '.join(p.missing)}")
    return Table(words("Report for {year}", lang, year=report.year), columns, tuple(rows))

"""Lists as tables (:class:`samskab.engine.readmodels.Table`) to export: labelled
columns in the reader's language and values typed for a spreadsheet (numbers, amounts,
dates), not text made for one reader.

A list of one process has a column for each of its fields, headed by the field's label:
amounts as kroner, whole numbers as numbers, dates as dates, yes/no and choices as their
titles, texts as they are.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from samskab.engine import fieldtypes, localtime, views
from samskab.engine.cases import Case
from samskab.engine.config import Person
from samskab.engine.definition import Field, Process
from samskab.engine.messages import words
from samskab.engine.readmodels import Column, Table

_CASE_COLUMNS = (
    ("id", "Case", "number"),
    ("title", "Title", "text"),
    ("process", "Process", "text"),
    ("state", "Step", "text"),
    ("next_deadline", "Deadline", "date"),
    ("overdue", "Past the deadline", "text"),
    ("created_at", "Opened on", "datetime"),
    ("updated_at", "Changed", "datetime"),
    ("owner", "Owner", "text"),
    ("closed_at", "Closed on", "datetime"),
)
"""The columns of every list of cases: (id, heading in English, kind)."""

_FIELD_KINDS = {"money": "money", "integer": "number", "date": "date"}
"""Fields whose values a spreadsheet keeps as numbers or dates; the rest are text."""


def case_table(
    title: str,
    cases: Sequence[tuple[Case, Process]],
    now: dt.datetime,
    lang: str,
    *,
    with_closed: bool,
    register: Mapping[str, Person],
    fields_of: Sequence[Process] = (),
    only: Sequence[str] = (),
) -> Table:
    """``cases`` (each with the process version it runs on) as a table titled ``title``,
    their owners named from ``register``.
    ``with_closed``: a column for when a case was closed. ``fields_of``: the versions
    of the one process listed, the newest first, whose fields get a column each (in
    the newest one's order, then those only older versions have); ``only``: just these
    fields, in this order (a list's chosen columns)."""
    base = [c for c in _CASE_COLUMNS if with_closed or c[0] != "closed_at"]
    fields = _fields(fields_of)
    if only:
        by_id = {f.id: f for f in fields}
        fields = [by_id[f] for f in only if f in by_id]
    columns = tuple(Column(cid, words(label, lang), kind) for cid, label, kind in base) + tuple(
        Column(f.id, f.label.get(lang), _FIELD_KINDS.get(f.type, "text")) for f in fields
    )
    rows = []
    for case, process in cases:
        summary = views.case_summary(case, process, now, lang, register)
        shown = {
            "id": case.id,
            "title": case.title,
            "process": summary.process_title,
            "state": summary.state_title,
            "next_deadline": summary.next_deadline_day,
            "overdue": words("yes" if summary.overdue else "no", lang),
            "created_at": case.created_at,
            "updated_at": case.updated_at,
            "owner": summary.owner_name,
            "closed_at": case.closed_at,
        }
        row = [shown[cid] for cid, _, _ in base]
        for field in fields:
            row.append(_value(process.field(field.id), case.fields.get(field.id), lang))
        rows.append(tuple(row))
    return Table(title, columns, tuple(rows))


def import_table(title: str, process: Process, cases: Iterable[tuple[Case, Process]], lang: str) -> Table:
    """``cases`` of ``process`` (each with the version it runs on) as ``samskab cases
    import`` reads them back (``importing.headings``): title, step, owner, the days it was
    opened and closed, and each field of ``process``, typed as in :func:`case_table`
    (yes/no and choices as their words, which import reads too)."""
    from samskab.engine import importing

    kinds = {"opened": "date", "closed": "date"} | {
        f.id: _FIELD_KINDS.get(f.type, "text") for f in process.fields
    }
    named = importing.headings(process, lang)
    columns = tuple(Column(target, heading, kinds.get(target, "text")) for target, heading in named)
    steps = Counter(s.title.get(lang).casefold() for s in process.states)
    rows = []
    for case, version in cases:
        step = version.state(case.state).title.get(lang)
        shown = {
            "title": case.title,
            "step": step if steps[step.casefold()] == 1 else case.state,
            "owner": case.owner,
            "opened": localtime.local(case.created_at).date(),
            "closed": localtime.local(case.closed_at).date() if case.closed_at else None,
        }
        rows.append(
            tuple(
                shown[target]
                if target in shown
                else _value(version.field(target), case.fields.get(target), lang)
                for target, _ in named
            )
        )
    return Table(title, columns, tuple(rows))


def _fields(versions: Iterable[Process]) -> list[Field]:
    """Each field of ``versions`` once: the first version's, then those it lacks."""
    found: dict[str, Field] = {}
    for process in versions:
        for field in process.fields:
            found.setdefault(field.id, field)
    return list(found.values())


def _value(field: Field | None, value: Any, lang: str) -> Any:
    """A stored value typed by its own version's field (None: not filled); a value its
    column's kind cannot hold (a field whose type changed) stays text."""
    if field is None or not fieldtypes.is_filled(value):
        return None
    if field.type == "money":
        return Decimal(value)
    if field.type == "integer" and isinstance(value, int):
        return value
    if field.type == "date":
        return dt.date.fromisoformat(value)
    return fieldtypes.show(field, value, lang)

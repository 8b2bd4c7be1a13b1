"""Cases from a spreadsheet (``samskab cases import``): a municipality's partnerships as
they were kept before samskab, one row a case, each in the step it has reached.

A file's headings name what each column holds (:class:`Columns`): a field of the
process, by its id or its label in Danish or English (ignoring case), or one of the
columns every case has: its title, step (by id or title), owner (by id, e-mail address or
name), the date it was opened and, for a case that ended, closed, and a reference of the
file's own. ``--map COLUMN=FIELD`` says it where the heading does not (``COLUMN=``: leave
the column out). ``samskab cases export`` writes exactly these headings (:func:`headings`).

It goes in two passes, neither holding more than a batch of rows in memory:

1. Every row of the file is read as opening a case reads what a person typed
   (``engine.fieldtypes``), and checked (:class:`Reader`): a title, a step the process
   has, the fields that step needs, an owner who may own such a case, dates not in the
   future. Every problem of every row is collected (row, column, what, a suggestion); if
   there is one, nothing is written. The rows as read wait in a temporary file of the
   import's own (owner-only, gone when it is closed).
2. Otherwise those rows are written in batches of :data:`BATCH`, each one transaction
   (``Store.import_cases``): a batch is there whole or not at all. Each case's first event
   says "importeret fra FILE, række N" and who imported it, in the audit chain as every
   event is; its deadlines are planned from the date it was opened. No message is sent (an
   import would otherwise mail someone once per case); deadlines and reminders to come
   are sent as for any case.

Each row has a key (``Event.imported``): its reference where the file has a column of
them, else its content (and how many rows before it held the same). A row whose key is in
the history already is left as it is and counted, so that importing a file again, or
again after an interruption, opens only the cases that are not there yet.
"""

import datetime as dt
import hashlib
import itertools
import marshal
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import attrs

from samskab.engine import deadlines, fieldtypes, localtime, sheets
from samskab.engine.audit import Key
from samskab.engine.cases import CREATED, DEADLINE, Case, Deadline, Event
from samskab.engine.config import Actor, Person
from samskab.engine.definition import Definition, Field, Process, Text
from samskab.engine.errors import Busy, StorageFailed
from samskab.engine.messages import Both, Msg, day, msg, text, words
from samskab.engine.readmodels import ImportColumn, ImportedRow, ImportProblem, ImportReport, StepCount
from samskab.engine.sheets import Cell
from samskab.engine.store import NewCase, Store
from samskab.engine.suggest import did_you_mean

BATCH = 5000
"""Rows written in one transaction: enough that a commit costs little per case (each page
of an index it changes is written once for many cases), few enough that another writer
waits only a moment and an interrupted import has little to do again."""
SHOWN = 20
"""Cases a report lists one by one (the rest it counts)."""
MOST_PROBLEMS = 1000
"""Problems a report lists (it counts them all)."""

TITLE, STEP, OWNER, OPENED, CLOSED, REFERENCE = "title", "step", "owner", "opened", "closed", "reference"
COLUMNS = {
    TITLE: "Title",
    STEP: "Step",
    OWNER: "Owner",
    OPENED: "Opened on",
    CLOSED: "Closed on",
    REFERENCE: "Reference",
}
"""The columns every case has besides its process's fields, each with its heading (in
English; ``words`` says it in Danish)."""
_ALSO = {OPENED: ("opened",), CLOSED: ("closed", "lukket"), REFERENCE: ("ekstern reference",)}
"""More headings taken for them."""


def headings(process: Process, lang: str) -> list[tuple[str, str]]:
    """What ``cases export`` writes, (what the column holds, its heading) in ``lang``:
    title, step, owner, the dates opened and closed, then each field by its label, or by
    its id where the label would not read back as that field (:class:`Columns`: another
    field or column is called so too)."""
    names = _names(process)
    named = [(target, words(english, lang)) for target, english in COLUMNS.items() if target != REFERENCE]
    for field in process.fields:
        label = field.label.get(lang)
        named.append((field.id, label if names.get(_folded(label)) == field.id else field.id))
    return named


def _folded(heading: str) -> str:
    return " ".join(heading.split()).casefold()


def _problem(
    row: int | None, column: str | None, what: str, suggestion: str | None, lang: str
) -> ImportProblem:
    return ImportProblem(row, column, text(what, lang), text(suggestion, lang) if suggestion else None)


# -- the headings ----------------------------------------------------------------------------


@attrs.frozen
class Columns:
    """What each column of the file holds, and the problems with the headings."""

    row: int
    """The headings' row."""
    headings: tuple[str, ...]
    """By position ("" for a column without one)."""
    targets: tuple[str | None, ...]
    """By position: a field's id, or one of ``COLUMNS`` (None: left out)."""
    problems: tuple[ImportProblem, ...]

    @classmethod
    def read(
        cls, row: int, cells: list[Cell], process: Process, mapping: Mapping[str, str], lang: str
    ) -> "Columns":
        names = _names(process)
        known = set(COLUMNS) | {f.id for f in process.fields}
        wanted = {_folded(column): (column, target.strip()) for column, target in mapping.items()}
        headings = tuple(_plain(cell) for cell in cells)
        problems: list[ImportProblem] = []
        targets: list[str | None] = []
        seen: dict[str, str] = {}

        def problem(heading: str | None, what: Msg, suggestion: Msg | None) -> None:
            problems.append(_problem(row, heading, what, suggestion, lang))

        for heading in headings:
            folded = _folded(heading)
            target: str | None = None
            if folded in wanted:
                target = wanted.pop(folded)[1] or None
                if target is not None and target not in known:
                    problem(
                        heading,
                        msg("--map names no field `{field}`", field=target),
                        did_you_mean(target, sorted(known)),
                    )
                    target = None
            elif heading:
                target = names.get(folded)
                if target is None:
                    problem(
                        heading,
                        msg("no field of {process} is called so", process=Both.of(process.title)),
                        _suggestion(heading, process, lang),
                    )
                elif target == _AMBIGUOUS:
                    problem(
                        heading,
                        msg("more than one field is called so"),
                        msg("say which with --map {column}=FIELD", column=_quoted(heading)),
                    )
                    target = None
            if target is not None and target in seen:
                problem(
                    heading,
                    msg("the column {other} holds it already", other=seen[target]),
                    msg("leave one out with --map {column}=", column=_quoted(heading)),
                )
                target = None
            if target is not None:
                seen[target] = heading
            targets.append(target)
        for column, _ in wanted.values():
            problems.append(
                _problem(
                    None,
                    column,
                    msg("--map names a column the file does not have"),
                    did_you_mean(column, [h for h in headings if h]),
                    lang,
                )
            )
        if TITLE not in seen:
            title = Both(words(COLUMNS[TITLE], "da"), words(COLUMNS[TITLE], "en"))
            problem(
                None,
                msg("no column holds the cases' titles"),
                msg("head one {heading}, or say which with --map COLUMN=title", heading=title),
            )
        return cls(row, headings, tuple(targets), tuple(problems))

    def heading(self, index: int) -> str:
        """The column as a problem names it: its heading, else its letters (A, B ...)."""
        return (
            self.headings[index] if index < len(self.headings) and self.headings[index] else _letters(index)
        )

    def heading_of(self, target: str) -> str | None:
        """The heading of the column holding ``target``; None if none does."""
        return self.headings[self.targets.index(target)] if target in self.targets else None

    def shown(self, process: Process, lang: str) -> tuple[ImportColumn, ...]:
        return tuple(
            ImportColumn(heading, _letters(index), target, _said(process, target, lang))
            for index, (heading, target) in enumerate(zip(self.headings, self.targets, strict=True))
            if heading
        )


_AMBIGUOUS = "\x00"


def _names(process: Process) -> dict[str, str]:
    """Every heading taken, folded, and what it names (``_AMBIGUOUS``: more than one
    field). The columns every case has come first: a field called so (labelled "Titel")
    is named by its other names, as ``headings`` writes it."""
    names = {
        _folded(heading): target
        for target, english in COLUMNS.items()
        for heading in (target, english, words(english, "da"), *_ALSO.get(target, ()))
    }
    fields: dict[str, str] = {}
    for field in process.fields:
        for heading in {_folded(h) for h in (field.id, field.label.da, field.label.get("en"))} - names.keys():
            fields[heading] = field.id if fields.get(heading, field.id) == field.id else _AMBIGUOUS
    return names | fields


def _suggestion(heading: str, process: Process, lang: str) -> Msg:
    """What an unknown heading may have meant, and how to leave its column out."""
    candidates = [words(english, lang) for english in COLUMNS.values()]
    candidates += [f.label.get(lang) for f in process.fields] + [f.id for f in process.fields]
    close = did_you_mean(heading, candidates)
    leave_out = msg("leave it out with --map {column}=", column=_quoted(heading))
    return msg("{hint}; or {rest}", hint=close, rest=leave_out) if close else leave_out


def _quoted(heading: str) -> str:
    return heading if heading.isidentifier() else f'"{heading}"'


def _letters(index: int) -> str:
    """A column's letters as a spreadsheet shows them (0: A, 26: AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _said(process: Process, target: str | None, lang: str) -> str:
    """What a column holds, in words."""
    if target is None:
        return words("left out", lang)
    field = process.field(target)
    return field.label.get(lang) if field is not None else words(COLUMNS[target], lang)


# -- the rows ----------------------------------------------------------------------------------


@attrs.frozen
class Row:
    """A row checked: the case it opens, but for its number."""

    number: int
    title: str
    state: str
    values: dict[str, Any]
    owner: str
    opened: dt.datetime | None
    closed: dt.datetime | None
    reference: str | None
    content: str
    """What the row's key is made from, where there is no reference: what it holds."""


@attrs.frozen
class Importer:
    """Who imports (the service has decided they may), when, in which language, and who
    may own a case of a process (the engine's rule, over ``register``)."""

    actor: Actor
    register: Mapping[str, Person]
    owner_reasons: Callable[[Process, str], list[str]]
    now: dt.datetime
    lang: str


class Reader:
    """Reads and checks the rows of one file for one process, as one person imports it."""

    def __init__(self, process: Process, columns: Columns, importer: Importer):
        self.process = process
        self.columns = columns
        self.actor = importer.actor
        self.now = importer.now
        self.lang = importer.lang
        self._register = importer.register
        self._owner_reasons = importer.owner_reasons
        self._fields = [f for f in process.fields if f.id in columns.targets]
        self._steps = _steps(process)
        self._required = {s.id: _required_in(process, s.id) for s in process.states}
        self._final = {s.id for s in process.states if s.final}
        # What recurs from row to row is read once: values (a choice, an amount), owners,
        # dates; each map is emptied when it grows large, so it never holds a file.
        self._values: dict[tuple[str, str], Any] = {}
        self._owners: dict[str, tuple[str | None, list[str]]] = {}
        self._moments: dict[Cell, dt.datetime | None] = {}

    def check(self, number: int, cells: list[Cell]) -> tuple[Row | None, list[ImportProblem]]:
        """The row read (None if it is empty or has a problem), and every problem with it."""
        problems: list[ImportProblem] = []
        found: dict[str, Cell] = {}
        targets, headings = self.columns.targets, self.columns.headings
        for index, cell in enumerate(cells):
            if cell == "" or (isinstance(cell, str) and cell.isspace()):
                continue
            if isinstance(cell, str) and len(cell) > sheets.LONGEST_CELL:
                what = msg(
                    "it holds {count} characters; a value holds at most {most}",
                    count=len(str(cell)),
                    most=sheets.LONGEST_CELL,
                )
                self._say(problems, number, None, what, column=self.columns.heading(index))
            elif index < len(targets) and targets[index] is not None:
                found[targets[index]] = cell  # type: ignore[index]
            elif index >= len(headings) or not headings[index]:
                self._say(
                    problems,
                    number,
                    None,
                    msg("a value in a column without a heading"),
                    msg("give the column a heading, or remove the value"),
                    column=self.columns.heading(index),
                )
        title = _plain(found.get(TITLE))
        if not title:
            self._say(problems, number, TITLE, msg("a case needs a title"))
        elif unsafe := fieldtypes.control_problem(title, one_line=True):
            self._say(problems, number, TITLE, unsafe)
        state = self._state(number, found.get(STEP), problems)
        values: dict[str, Any] = {}
        for field in self._fields:
            given = found.get(field.id)
            if given is not None:
                value = self._value(number, field, given, problems)
                if value is not None and value != "":
                    values[field.id] = value
        if state is not None:  # a value that is there but does not fit is said already
            self._required_filled(number, state, values.keys() | found.keys(), problems)
        owner = self._owner(number, _plain(found.get(OWNER)), problems)
        opened = self._moment(number, OPENED, found.get(OPENED), problems)
        closed = self._moment(number, CLOSED, found.get(CLOSED), problems)
        if closed is not None and state is not None and state not in self._final:
            self._say(
                problems,
                number,
                CLOSED,
                msg("only a case in a final step is closed"),
                msg("leave it empty, or give the step it ended in"),
            )
        if closed is not None and opened is not None and closed < opened:
            self._say(problems, number, CLOSED, msg("it is before the case was opened"))
        if problems or state is None or owner is None:
            return None, problems
        content = "\x1f".join(
            [title, state, _plain(found.get(OWNER)), _plain(found.get(OPENED)), _plain(found.get(CLOSED))]
            + [f"{k}={v!r}" for k, v in sorted(values.items())]
        )
        reference = _plain(found.get(REFERENCE)) or None
        return Row(number, title, state, values, owner, opened, closed, reference, content), []

    def _say(
        self,
        problems: list[ImportProblem],
        number: int,
        target: str | None,
        what: str,
        suggestion: str | None = None,
        *,
        column: str | None = None,
    ) -> None:
        """A problem of row ``number``, in the column holding ``target`` (or ``column``)."""
        heading = column or (self.columns.heading_of(target) if target else None)
        problems.append(_problem(number, heading, what, suggestion, self.lang))

    def _state(self, number: int, cell: Cell | None, problems: list[ImportProblem]) -> str | None:
        if cell is None:
            return self.process.initial.id
        said = _plain(cell)
        state = self._steps.get(_folded(said))
        if state is None:
            titles = [s.title.get(self.lang) for s in self.process.states]
            self._say(
                problems,
                number,
                STEP,
                msg("{process} has no step {step}", process=Both.of(self.process.title), step=repr(said)),
                did_you_mean(said, titles + [s.id for s in self.process.states]),
            )
        return state

    def _value(self, number: int, field: Field, cell: Cell, problems: list[ImportProblem]) -> Any:
        """The cell read as the field reads what a person types."""
        typed = cell if isinstance(cell, str) else _typed(field, cell)
        key = (field.id, typed)
        value = self._values.get(key, _UNREAD)
        if value is _UNREAD:
            if len(self._values) > _REMEMBERED:
                self._values.clear()
            try:
                value = fieldtypes.parse(field, typed)
            except fieldtypes.ValueProblem as bad:
                value = bad
            self._values[key] = value
        if isinstance(value, fieldtypes.ValueProblem):
            self._say(problems, number, field.id, value.message)
            return None
        return value

    def _required_filled(
        self, number: int, state: str, given: Collection[str], problems: list[ImportProblem]
    ) -> None:
        """A problem for each field the step needs that the row does not give."""
        for field_id in self._required[state]:
            field = self.process.field(field_id)
            if field_id not in given and field is not None:
                self._say(
                    problems,
                    number,
                    field_id,
                    msg(
                        "{field} is needed in the step {state}",
                        field=Both.of(field.label),
                        state=Both.of(self.process.state(state).title),
                    ),
                    None if field_id in self.columns.targets else msg("add a column for it"),
                    column=None if field_id in self.columns.targets else field.label.get(self.lang),
                )

    def _owner(self, number: int, said: str, problems: list[ImportProblem]) -> str | None:
        """Who owns the case: the person ``said`` names (default: who imports it)."""
        if not said:
            return self.actor.id
        if said not in self._owners:
            if len(self._owners) > _REMEMBERED:
                self._owners.clear()
            person = _person(self._register, said)
            if person is None:
                hint = did_you_mean(said, sorted(self._register))
                hint_said = msg(" ({suggestion})", suggestion=hint) if hint else ""
                self._owners[said] = (
                    None,
                    [msg("{person} is not registered{hint}", person=said, hint=hint_said)],
                )
            else:
                reasons = self._owner_reasons(self.process, person)
                self._owners[said] = (None if reasons else person, reasons)
        person, reasons = self._owners[said]
        for reason in reasons:
            self._say(problems, number, OWNER, reason)
        return person

    def _moment(
        self, number: int, target: str, cell: Cell | None, problems: list[ImportProblem]
    ) -> dt.datetime | None:
        if cell is None:
            return None
        if cell not in self._moments:
            if len(self._moments) > _REMEMBERED:
                self._moments.clear()
            self._moments[cell] = _moment(cell)
        moment = self._moments[cell]
        if moment is None:
            what = msg("{value!r} is not a date (e.g. 2026-03-01 or 1.3.2026)", value=_plain(cell))
            self._say(problems, number, target, what)
        elif moment > self.now:
            self._say(
                problems,
                number,
                target,
                msg("{day} is in the future", day=Both(day(moment, "da"), day(moment, "en"))),
            )
            return None
        return moment


_UNREAD = object()
_REMEMBERED = 50_000
"""Values, owners and dates a reader remembers at most, each."""


def _steps(process: Process) -> dict[str, str]:
    """Each step by its id and its titles, folded."""
    steps: dict[str, str] = {}
    for state in process.states:
        for said in (state.id, state.title.da, state.title.get("en")):
            steps.setdefault(_folded(said), state.id)
    return steps


def _required_in(process: Process, state_id: str) -> tuple[str, ...]:
    """The fields a case in ``state_id`` has filled whichever way it came there: those
    needed to open it, and those every action leading into the step requires."""
    required = list(process.start.requires)
    if state_id != process.initial.id:
        into = [set(a.required()) for a in process.actions if state_id in a.targets]
        if into:
            required += sorted(set.intersection(*into) - set(required))
    return tuple(required)


def _person(register: Mapping[str, Person], said: str) -> str | None:
    """The person ``said`` names: their id, e-mail address or name (ignoring case), if it
    names one person; any account while no one is registered."""
    if not register or said in register:
        return said
    folded = said.casefold()
    found = {
        pid
        for pid, p in register.items()
        if folded in ((p.email or "").casefold(), (p.name or "").casefold())
    }
    return found.pop() if len(found) == 1 else None


def _plain(cell: Cell | None) -> str:
    """A cell as text: a whole number without decimals, a date as ISO 8601."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime) and cell.time() == dt.time():
        return cell.date().isoformat()
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return str(cell).strip()


def _typed(field: Field, cell: Cell) -> str:
    """A cell as a person would type it into the field (``fieldtypes.parse`` reads it):
    a workbook's number with a decimal comma where it is an amount or a whole number (so
    12.345 is not read as twelve thousand), its yes/no as ja/nej, its date as a date."""
    if isinstance(cell, bool):
        return "ja" if cell else "nej"
    if isinstance(cell, float) and cell.is_integer() and field.type == "integer":
        return str(int(cell))
    if isinstance(cell, float | int) and field.type in ("money", "integer"):
        return format(_decimal(cell) if field.type == "money" else Decimal(repr(cell)), "f").replace(".", ",")
    if isinstance(cell, dt.datetime) and field.type == "date":
        return cell.date().isoformat()
    return _plain(cell)


def _decimal(number: float | int) -> Decimal:
    """A workbook's number as the amount it stands for: 12500.499999999998 (arithmetic in
    the sheet) is 12500.50; a number with more decimals stays as it is."""
    exact = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    try:
        rounded = exact.quantize(Decimal("0.01"))
    except InvalidOperation:
        return exact
    return rounded if abs(rounded - exact) < Decimal("1e-9") else exact


_DATE = Field("date", "date", Text("Dato", "Date"))


def _moment(cell: Cell) -> dt.datetime | None:
    """A date (23.12.2026, 2026-12-23, a workbook's date) as the start of that local day,
    or a date and a time (23.12.2026 09:30, 2026-12-23T09:30) as that local moment, in UTC;
    None if it is neither."""
    if isinstance(cell, dt.datetime):
        wall = cell
    elif isinstance(cell, dt.date):
        wall = dt.datetime.combine(cell, dt.time())
    else:
        date_part, _, time_part = _plain(cell).replace("T", " ").partition(" ")
        try:
            date = dt.date.fromisoformat(fieldtypes.parse(_DATE, date_part))
            wall = dt.datetime.combine(date, dt.time.fromisoformat(time_part.strip() or "00:00"))
        except (fieldtypes.ValueProblem, ValueError, TypeError):
            return None
    if wall.tzinfo is None:
        wall = wall.replace(tzinfo=localtime.zone())
    return wall.astimezone(dt.UTC).replace(microsecond=0)


# -- the import --------------------------------------------------------------------------------


@attrs.define
class _Tally:
    """What a pass over the file finds."""

    rows: int = 0
    problems: list[ImportProblem] = attrs.field(factory=list)
    problems_total: int = 0
    steps: Counter[str] = attrs.field(factory=Counter)
    shown: list[ImportedRow] = attrs.field(factory=list)
    already: int = 0
    already_shown: list[ImportedRow] = attrs.field(factory=list)

    def add(self, problems: Iterable[ImportProblem]) -> None:
        for problem in problems:
            self.problems_total += 1
            if len(self.problems) < MOST_PROBLEMS:
                self.problems.append(problem)


class Import:
    """Importing one file into one process, as one person (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        definition: Definition,
        sheet: sheets.Sheet,
        mapping: Mapping[str, str],
        importer: Importer,
        key: Key,
        *,
        pin: Callable[[], object],
        after: Callable[[Case, Event], None] | None,
    ):
        self.store = store
        self.process = definition.process
        self.sheet = sheet
        self.actor = importer.actor
        self.key = key
        self.now = importer.now
        self.lang = lang = importer.lang
        self._sha256 = definition.sha256
        self._pin = pin
        self._after = after
        self._finals = {s.id for s in self.process.states if s.final}
        self._plans: dict[tuple[Any, ...], list[Deadline]] = {}
        self.reader: Reader | None = None
        self._problems: list[ImportProblem] = []
        for number, cells in sheet.rows():
            if not all(sheets.is_empty(cell) for cell in cells):
                columns = Columns.read(number, cells, self.process, mapping, lang)
                self.reader = Reader(self.process, columns, importer)
                self._problems = list(columns.problems)
                break
        else:
            self._problems = [
                _problem(
                    None,
                    None,
                    msg("the file holds no rows"),
                    msg("the first row holds the headings, each row after it a case"),
                    lang,
                )
            ]

    def run(self, *, dry_run: bool) -> ImportReport:
        """Check every row; then, unless ``dry_run`` or there is a problem, write them."""
        tally = _Tally()
        tally.add(self._problems)
        # The rows checked wait for the second pass in a file of their own (owner-only,
        # and gone when closed, whatever happens), so a file of any length needs no more
        # memory than a batch.
        with tempfile.TemporaryFile() as spool:
            for batch in self._batches(tally):
                done = self.store.imported_cases([key for _, key in batch])
                for row, key in batch:
                    if key in done:
                        tally.already += 1
                        if len(tally.already_shown) < SHOWN:
                            tally.already_shown.append(self._shown(row, done[key]))
                        continue
                    tally.steps[row.state] += 1
                    if dry_run and len(tally.shown) < SHOWN:
                        tally.shown.append(self._shown(row, None))
                    if not (dry_run or tally.problems_total):
                        _keep(spool, row, key)
            if tally.problems_total or dry_run or self.reader is None:
                return self._report(
                    tally, dry_run=dry_run, created=0 if tally.problems_total else tally.steps.total()
                )
            return self._report(tally, dry_run=False, created=self._write(_spooled(spool), tally))

    def _batches(self, tally: _Tally) -> Iterator[list[tuple[Row, str]]]:
        """The file's good rows after the headings, each with its key, in batches; the
        problems of the others go to ``tally``."""
        if self.reader is None:
            return
        references: dict[str, int] = {}
        seen: Counter[bytes] = Counter()
        batch: list[tuple[Row, str]] = []
        for number, cells in self.sheet.rows():
            if number <= self.reader.columns.row:
                continue
            row, problems = self.reader.check(number, cells)
            if row is None:
                if problems:
                    tally.rows += 1
                    tally.add(problems)
                continue
            tally.rows += 1
            if row.reference is not None:
                first = references.setdefault(row.reference, number)
                if first != number:
                    what = msg("row {row} has the same reference", row=first)
                    tally.add(
                        [_problem(number, self.reader.columns.heading_of(REFERENCE), what, None, self.lang)]
                    )
                    continue
                made = f"reference\x1f{row.reference}"
            else:
                digest = hashlib.sha256(row.content.encode()).digest()
                seen[digest] += 1
                made = f"row\x1f{row.content}\x1f{seen[digest]}"
            batch.append((row, self.key.imported(f"{self.process.id}\x1f{made}")))
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def _write(self, rows: Iterator[tuple[Any, ...]], tally: _Tally) -> int:
        """Open a case for each of ``rows`` (as the first pass kept them), a batch a
        transaction; how many were opened (a row imported meanwhile by someone else is not)."""
        self._pin()
        written = 0
        batch: list[tuple[int, NewCase]] = []
        for kept in itertools.chain(rows, [None]):
            if kept is not None:
                batch.append((kept[0], self._new(*kept)))
                if len(batch) < BATCH:
                    continue
            try:
                made = self.store.import_cases([new for _, new in batch]) if batch else []
            except (Busy, StorageFailed) as failed:  # this batch is not saved; those before are
                failed.details.append(
                    msg(
                        "the {count} case(s) imported before it were saved: import the file again for the rest",
                        count=written,
                    )
                )
                raise
            for (number, new), case in zip(batch, made, strict=True):
                if case is None:
                    continue
                written += 1
                if len(tally.shown) < SHOWN:
                    tally.shown.append(
                        self._row_shown(
                            number, case.id, case.title, case.state, case.owner or "", case.next_due
                        )
                    )
                if self._after is not None:
                    self._after(case, attrs.evolve(new.event, case_id=case.id))
            batch = []
        return written

    def _new(
        self,
        number: int,
        title: str,
        state: str,
        values: dict[str, Any],
        owner: str,
        opened: dt.datetime | None,
        closed: dt.datetime | None,
        reference: str | None,
        key: str,
    ) -> NewCase:
        """The case a row opens, its first event and its deadlines."""
        opened = opened or self.now
        closed = (closed or self.now) if state in self._finals else None
        case = Case(
            0,
            title,
            self.process.id,
            self.process.version,
            self._sha256,
            state,
            values,
            opened,
            self.now,
            1,
            closed_at=closed,
            owner=owner,
        )
        name = self.sheet.path.name
        note = (
            msg("imported from {file}, row {row}", file=name, row=number)
            if reference is None
            else msg(
                "imported from {file}, row {row} (reference {reference})",
                file=name,
                row=number,
                reference=reference,
            )
        )
        event = Event(
            0,
            self.now,
            self.actor.id,
            CREATED,
            None,
            None,
            state,
            values,
            text(note, "da"),
            account=self.actor.account,
            owner=owner,
            imported=key,
        )
        return NewCase(case, event, [] if closed else self._plan(state, values, opened))

    def _plan(self, state: str, values: Mapping[str, Any], entered: dt.datetime) -> list[Deadline]:
        """The deadlines of a case that entered ``state`` at ``entered``: the same for
        cases alike in what they count from, so planned once for them."""
        rules = self.process.state(state).all_deadlines
        from_entering = any(r.from_field is None and r.on is None for r in rules)
        key = (
            state,
            entered if from_entering else None,
            *(values.get(r.from_field) for r in rules if r.from_field),
        )
        if key not in self._plans:
            if len(self._plans) > _REMEMBERED:
                self._plans.clear()
            self._plans[key] = deadlines.plan(self.process, 0, state, values, entered, now=self.now)
        return self._plans[key]

    def _shown(self, row: Row, case: int | None) -> ImportedRow:
        """A row to open a case (``case`` None), or that opened ``case`` before."""
        due = None
        if case is None and row.state not in self._finals:
            planned = self._plan(row.state, row.values, row.opened or self.now)
            due = min((d.due_at for d in planned if d.kind == DEADLINE), default=None)
        return self._row_shown(row.number, case, row.title, row.state, row.owner, due)

    def _row_shown(
        self, number: int, case: int | None, title: str, state: str, owner: str, due: dt.datetime | None
    ) -> ImportedRow:
        return ImportedRow(
            row=number,
            case=case,
            title=title,
            state=state,
            state_title=self.process.state(state).title.get(self.lang),
            owner=owner,
            next_deadline_day=localtime.last_day(due) if due else None,
        )

    def _report(self, tally: _Tally, *, dry_run: bool, created: int) -> ImportReport:
        good = not tally.problems_total
        return ImportReport(
            process=self.process.id,
            process_title=self.process.title.get(self.lang),
            file=str(self.sheet.path),
            kind=self.sheet.kind,
            dry_run=dry_run,
            rows=tally.rows,
            columns=self.reader.columns.shown(self.process, self.lang) if self.reader else (),
            created=created,
            already=tally.already,
            steps=tuple(
                StepCount(s.id, s.title.get(self.lang), tally.steps[s.id])
                for s in self.process.states
                if good and tally.steps[s.id]
            ),
            cases=tuple(tally.shown) if good else (),
            already_imported=tuple(tally.already_shown),
            problems=tuple(tally.problems),
            problems_total=tally.problems_total,
        )


def _keep(spool: IO[bytes], row: Row, key: str) -> None:
    """Keep a row checked for the second pass: its values as marshal writes them (times
    as seconds), after their length."""
    kept = marshal.dumps(
        (
            row.number,
            row.title,
            row.state,
            row.values,
            row.owner,
            _seconds(row.opened),
            _seconds(row.closed),
            row.reference,
            key,
        )
    )
    spool.write(len(kept).to_bytes(4, "little") + kept)


def _spooled(spool: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """The rows the first pass kept (:func:`_keep`), in order, as :meth:`Import._new` takes them."""
    spool.seek(0)
    while length := spool.read(4):
        number, title, state, values, owner, opened, closed, reference, key = marshal.loads(
            spool.read(int.from_bytes(length, "little"))
        )
        yield number, title, state, values, owner, _moment_of(opened), _moment_of(closed), reference, key


def _seconds(moment: dt.datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def _moment_of(seconds: int | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)

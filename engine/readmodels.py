"""What crosses the service boundary: the questions front ends ask (``CaseFilter``) and
the frozen read models the service answers with.

The CLI and the terminal UI render these and nothing else. Every text in a read model
is already in the reader's language (titles, labels, reasons, deadlines in words); ids
stay beside them for scripts. Times are timezone-aware datetimes in UTC, which the front
ends show through :mod:`samskab.engine.messages` (``day``, ``moment``). :func:`to_json`
is the one way they become ``--json``.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from samskab.engine import clock

FIELD_ORDER = "field:"
"""``CaseFilter.order_by`` for a field's value: ``field:tilskud``."""


@attrs.frozen
class Period:
    """From ``start`` (included) to ``end`` (not included), in UTC."""

    start: dt.datetime
    end: dt.datetime


@attrs.frozen
class CaseFilter:
    process_id: str | None = None
    state: str | None = None
    overdue: bool = False
    """Only cases past an open deadline (the service sets ``overdue_at`` to now)."""
    overdue_at: dt.datetime | None = None
    """Only cases with an open deadline due at or before this time."""
    open_only: bool = False
    """Leave out cases that reached a final state."""
    text: str | None = None
    """Only cases whose title or a field value holds this text (ignoring case, æøå too)."""
    actor: str | None = None
    """Only cases this person opened or acted on."""
    owner: str | None = None
    """Only cases this person owns (is *ansvarlig* for): "mine"."""
    opened: Period | None = None
    """Only cases opened in this period."""
    closed: Period | None = None
    """Only cases that reached a final step in this period."""
    active: Period | None = None
    """Only cases open at some time in this period (opened before its end, not closed
    before its start)."""
    due: Period | None = None
    """Only open cases whose next deadline falls due after the period's start and at or
    before its end (a date deadline falls due at the midnight that ends its day, so the
    deadlines of a year's days fall due in the year's period shifted by this much)."""
    quiet_since: dt.datetime | None = None
    """Only open cases with nothing in their history since this time."""
    parent: int | None = None
    """Only the sub-cases of this case."""
    ids: tuple[int, ...] | None = None
    """Only these cases (by number)."""
    values: tuple[tuple[str, Any], ...] = ()
    """Only cases whose field (the first of each pair) holds this stored value; None:
    the field holds nothing."""
    columns: tuple[str, ...] = ()
    """Fields to give with each case (``CaseSummary.values``), for a list's columns."""
    order_by: str = "id"
    """id, title, process_id, state, updated_at, next_due (the next open deadline), or
    a field's value: ``FIELD_ORDER`` and its id (see ``Store.list_cases``)."""
    descending: bool = False
    limit: int | None = None
    offset: int = 0


# -- processes ---------------------------------------------------------------------------


@attrs.frozen
class ProcessSummary:
    id: str
    version: int
    level: str
    """Pestoff's level of co-creation: individ, lokalsamfund or kommune."""
    level_title: str
    title: str
    description: str
    file: str


@attrs.frozen
class OptionView:
    id: str
    """The stored value."""
    title: str


@attrs.frozen
class FieldSpec:
    """A field as a form asks for it."""

    process_id: str
    version: int
    id: str
    type: str
    label: str
    help: str | None = None
    options: tuple[OptionView, ...] = ()
    """The choices of choice and yes/no fields."""
    placeholder: str = ""


@attrs.frozen
class RoleView:
    id: str
    title: str
    bound_to: tuple[str, ...] = ()
    """Fields naming who holds the role in a case."""
    bound_words: str = ""
    """That in words: "only in the cases naming them in Organisationens kontakt (e-mail)"."""


@attrs.frozen
class DeadlineRule:
    after: str | None
    from_field: str | None
    action: str | None
    reminders: tuple[str, ...]
    words: str
    """The rule in the reader's words, with its title: "Årligt statusmøde: hver 15. marts;
    påmindelse 2 uger før", "3 år efter datoen i «Underskrevet»; påmindelse 3 måneder før"."""
    id: str | None = None
    title: str | None = None
    before: str | None = None
    every: str | None = None
    on: str | None = None
    """The day of the year it counts from, ISO 8601 style without a year: --03-15."""
    after_working_days: int | None = None
    before_working_days: int | None = None


@attrs.frozen
class StepView:
    id: str
    title: str
    initial: bool
    final: bool
    deadline: DeadlineRule | None
    """The step's first deadline (its one, in most steps)."""
    deadlines: tuple[DeadlineRule, ...] = ()
    """Every deadline of the step."""


@attrs.frozen
class GuardView:
    name: str
    field: str | None
    value: int | str | bool | None
    other: str | None
    says: str
    """The condition in words: "Møder holdt er mindst 4"."""


@attrs.frozen
class OpeningView:
    """Cases an action opens, each linked to the case taking it."""

    process: str
    process_title: str
    title: str
    """The new cases' title, as a template: {title}, {case}, {n}, {FIELD}."""
    count: int | None
    count_field: str | None
    """An integer field saying how many (instead of ``count``)."""
    link: str
    """The kind of link: ``del_af`` (a sub-case), ``fornyelse_af`` ..."""
    fields: Mapping[str, str]
    """This case's field -> the new case's field it is copied into."""
    words: str
    """All of it in the reader's words."""


@attrs.frozen
class ActionView:
    id: str
    title: str
    from_: tuple[str, ...]
    to: str | None
    """The step it leads to; None when a choice picks it (``to_by``)."""
    to_title: str
    """The step, or the steps it may lead to and the field choosing among them, in words."""
    targets: tuple[str, ...]
    to_by: str | None
    """The choice field whose option picks the step."""
    roles: tuple[str, ...]
    who: str
    """The roles' titles, or "anyone", in the reader's words."""
    fields: tuple[str, ...]
    requires: tuple[str, ...]
    requires_labels: tuple[str, ...]
    required_when: tuple[str, ...]
    """Fields required only while a condition holds, in words."""
    counts: tuple[str, ...]
    guards: tuple[GuardView, ...]
    note_required: bool
    description: str | None
    opens: tuple[OpeningView, ...] = ()


@attrs.frozen
class StartView:
    fields: tuple[str, ...]
    requires: tuple[str, ...]


@attrs.frozen
class PublicView:
    """What the municipality's website shows of a process (its ``[public]`` table)."""

    when: str | None
    """The yes/no field that marks a case public (None: no case is ever shown)."""
    summary: str | None
    fields: tuple[str, ...]
    door: str | None
    """What citizens can start with the process (None: it is not on the page of doors)."""
    says: str
    """Which cases are shown, and with what, in words."""


@attrs.frozen
class ProcessView:
    """A process drawn in order: steps from the first to the final ones, with their actions."""

    id: str
    version: int
    title: str
    description: str
    level: str
    level_title: str
    start: StartView
    roles: tuple[RoleView, ...]
    fields: tuple[FieldSpec, ...]
    states: tuple[StepView, ...]
    actions: tuple[ActionView, ...]
    public: PublicView

    def actions_from(self, state_id: str) -> tuple[ActionView, ...]:
        return tuple(a for a in self.actions if state_id in a.from_)

    def mermaid(self) -> str:
        """The process as a Mermaid state diagram."""
        lines = ["stateDiagram-v2"]
        lines += [f'    state "{s.title}" as {s.id}' for s in self.states]
        lines += [f"    [*] --> {s.id}" for s in self.states if s.initial]
        lines += [
            f"    {source} --> {target}: {a.title}" + "".join(f" + {o.process_title}" for o in a.opens)
            for a in self.actions
            for source in a.from_
            for target in a.targets
        ]
        lines += [f"    {s.id} --> [*]" for s in self.states if s.final]
        for step in self.states:  # the deadlines in words, beside their step
            if step.deadlines:
                lines.append(f"    note right of {step.id}")
                lines += [f"        ⏱ {d.words}" for d in step.deadlines]
                lines.append("    end note")
        return "\n".join(lines)


@attrs.frozen
class CheckReport:
    checked: int
    problems: tuple[str, ...]


@attrs.frozen
class FileProblem:
    """Why samskab does not use a process file: no new case starts on it until it is
    fixed (cases already running keep the version they have)."""

    file: str
    line: int | None
    place: str
    """Where in the file, as the file names it (``states[2].title``), or empty."""
    what: str
    """What is wrong (in the reader's language where samskab knows how to say it)."""
    suggestion: str | None


# -- cases -------------------------------------------------------------------------------


@attrs.frozen
class CaseSummary:
    id: int
    title: str
    process: str
    process_title: str
    version: int
    state: str
    state_title: str
    next_deadline: dt.datetime | None
    next_deadline_day: dt.date | None
    """The next deadline's last day, in local time (the day it is shown as)."""
    overdue: bool
    days_left: int | None
    """Whole local days from today to that day (negative: overdue)."""
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    revision: int
    owner: str | None
    """The person id of who is responsible for the case (*ansvarlig*)."""
    owner_name: str | None
    """The owner's name from the register of people, or their id where it holds no name
    (single-user mode, a person since removed or erased)."""
    values: tuple["FieldValue", ...] = attrs.field(default=(), kw_only=True)
    """The fields ``CaseFilter.columns`` asked for, in that order (empty where unset)."""


@attrs.frozen
class CasePage:
    rows: tuple[CaseSummary, ...]
    total: int | None
    """How many cases match the filter in all; None when the page is full, so that more
    may follow: then ``Service.count_cases`` counts them, which may take longer than
    the page (a search matching half a million cases), so a list shows its page first."""
    offset: int
    unfiltered: int = 0
    """How many cases there are without the filter's conditions (open ones, or every
    one when closed ones are included): a list says "8 of 34"."""


@attrs.frozen
class FieldValue:
    id: str
    label: str
    value: Any
    shown: str
    """The value as a person reads it (12.500,00 kr., ja, the option's title)."""
    link: str | None = None
    """For a link field, the address to open (http or https only)."""


@attrs.frozen
class DeadlineView:
    kind: str
    """deadline or reminder"""
    state: str
    due_at: dt.datetime
    day: dt.date
    """The local day shown: a deadline's last day, a reminder's day."""
    action: str | None
    before: str | None
    before_words: str | None
    fired_at: dt.datetime | None
    days_left: int
    overdue: bool
    rule: str | None = None
    """Which of the step's deadlines (its id; None: the step's one without an id)."""
    title: str | None = None
    """The deadline's title, in a step with several: Årligt statusmøde."""
    says: str | None = None
    """When it falls due, in words: hver 15. marts."""
    repeats: bool = False
    """A recurring deadline (``every``): the next is planned when this one falls due."""


@attrs.frozen
class HistoryEntry:
    at: dt.datetime
    actor: str
    account: str | None
    kind: str
    action: str | None
    what: str
    """The action's title, or what samskab did (opened, deadline passed ...), in words."""
    from_: str | None
    to: str
    to_title: str
    changes: Mapping[str, Any]
    changes_shown: tuple[FieldValue, ...]
    note: str | None
    owner: str | None = None
    """Who owns the case from this event on, where the event says (a handover: the new
    owner)."""
    link_kind: str | None = None
    """Where the event links the case to another (opened as a sub-case, linked or
    unlinked by hand): the kind, and the other case's number."""
    link_case: int | None = None


@attrs.frozen
class RefusalView:
    at: dt.datetime
    actor: str
    account: str | None
    action: str
    reasons: tuple[str, ...]


@attrs.frozen
class DocumentView:
    """A document kept with a case (a signed agreement, minutes): its name, size and
    content hash, who attached it and when. The content itself is saved with
    ``Service.save_document``."""

    id: int
    case: int
    name: str
    size: int
    """Bytes, as attached."""
    size_shown: str
    """The size as people read it: 1,2 MB."""
    sha256: str
    """The content's hash as attached, as the history records it."""
    attached_at: dt.datetime
    actor: str
    account: str | None
    note: str | None
    deleted_at: dt.datetime | None = None
    """When its content was deleted (the name, size and hash stay in the history)."""


@attrs.frozen
class ActionChoice:
    """An action the case can take from its step, and why not now (if so)."""

    id: str
    title: str
    to: str | None
    to_title: str
    allowed: bool
    reasons: tuple[str, ...]
    fields: tuple[str, ...]
    requires: tuple[str, ...]
    note_required: bool
    description: str | None
    form: tuple[FieldSpec, ...]
    ends_case: bool = False
    """It leads to a final step: the case is closed (a front end asks first)."""
    clears: tuple[str, ...] = ()
    """Fields the action empties before setting what its form gives (a form starts them
    empty, not with the values they hold now)."""


@attrs.frozen
class RelatedCase:
    """Another case as a case linked to it shows it."""

    id: int
    title: str
    process: str
    process_title: str
    state: str
    state_title: str
    closed: bool


@attrs.frozen
class CaseLinkView:
    """A link between the case and another (besides its parent and sub-cases)."""

    kind: str
    said: str
    """The link in words, from this case: "fornyelse af" (it links to the other) or
    "fornyet af" (the other links to it)."""
    direction: str
    """``to``: this case links to the other; ``from``: the other links to this one."""
    case: RelatedCase


@attrs.frozen
class CaseDetail(CaseSummary):
    """A case whole: its summary, then what it holds and what it can do."""

    process_level: str
    definition_sha256: str
    created_at: dt.datetime
    fields: Mapping[str, Any]
    """The stored values by field id, for scripts."""
    shown_fields: tuple[FieldValue, ...]
    """The filled fields in the process's order, labelled, for people."""
    deadlines: tuple[DeadlineView, ...]
    history: tuple[HistoryEntry, ...]
    refused: tuple[RefusalView, ...]
    actions: tuple[ActionChoice, ...]
    correctable: tuple[FieldSpec, ...] = ()
    """The fields the acting person may correct now (none: the case is closed, or they
    hold no role the process names for corrections)."""
    may_hand_over: bool = False
    """Whether the acting person may hand the case over to another owner now (see
    ``Service.handover``; ``Service.owner_choices`` says to whom)."""
    documents: tuple[DocumentView, ...] = ()
    """The documents kept with the case, oldest first (deleted ones too, marked so)."""
    parent: RelatedCase | None = None
    """The case this one is a sub-case of (links to as ``del_af``)."""
    children: tuple[RelatedCase, ...] = ()
    """Its sub-cases, by number, open and closed."""
    links: tuple[CaseLinkView, ...] = ()
    """Its other links, both ways."""
    link_kinds: tuple[OptionView, ...] = ()
    """The kinds the acting person may link it to another case with now (none: they
    may not; ``Service.link``)."""


@attrs.frozen
class StartForm:
    """What opening a case of a process asks for."""

    process_id: str
    title: str
    description: str
    fields: tuple[FieldSpec, ...]
    requires: tuple[str, ...]


# -- tables (exports) --------------------------------------------------------------------

COLUMN_KINDS = ("text", "number", "money", "date", "datetime")
"""What a table's column holds, and so the Python type of its values (None: empty):
text ``str``; number ``int`` or ``float``; money ``Decimal`` (kroner); date ``dt.date``
(a local day); datetime ``dt.datetime`` (aware, shown in local time)."""


@attrs.frozen
class Column:
    id: str
    """For scripts: the attribute or field id the values come from."""
    label: str
    """The heading, in the reader's language."""
    kind: str = attrs.field(validator=attrs.validators.in_(COLUMN_KINDS))


def _rows_fit(table: "Table", _: attrs.Attribute, rows: tuple[tuple[Any, ...], ...]) -> None:
    if any(len(row) != len(table.columns) for row in rows):
        raise ValueError(f"every row of {table.title!r} has one value per column")


@attrs.frozen
class Table:
    """Labelled columns and typed rows: a list or a report as a spreadsheet or a CSV file
    takes it (``Service.table_file``). Values are typed by their column's kind, never
    text made for one reader, so each format shows them its own way."""

    title: str
    """What the table is, in the reader's language (an XLSX file's sheet name)."""
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...] = attrs.field(validator=_rows_fit)


# -- the working day ---------------------------------------------------------------------


@attrs.frozen
class AgendaItem:
    case: int
    title: str
    due_at: dt.datetime
    day: dt.date
    """The local day shown: a deadline's last day, a reminder's day."""
    kind: str
    process: str
    state: str
    days: int
    owner: str | None = None
    owner_name: str | None = None
    """As on :class:`CaseSummary`."""


@attrs.frozen
class CalendarEntry:
    """An open deadline as a calendar shows it, with its reminders not yet sent."""

    uid: str
    """Stable, and unique across installations."""
    case: int
    title: str
    process: str
    process_title: str
    step: str
    due_at: dt.datetime
    day: dt.date
    """The deadline's last day, in local time."""
    all_day: bool
    """A deadline at the end of a day (from a date): an all-day event on ``day``."""
    reminders: tuple[dt.datetime, ...]
    reminder_uids: tuple[str, ...]


@attrs.frozen
class StepCount:
    state: str
    title: str
    count: int


@attrs.frozen
class ProcessCount:
    process: str
    title: str
    active: int
    steps: tuple[StepCount, ...]


@attrs.frozen
class Overview:
    """What a coordinator sees first: active cases per process and step, then the overdue."""

    processes: tuple[ProcessCount, ...]
    overdue: tuple[CaseSummary, ...]
    overdue_total: int


# -- versions ---------------------------------------------------------------------------


@attrs.frozen
class MigratedCase:
    """What moving one case to another version of its process does (or would do)."""

    case: int
    title: str
    from_version: int
    from_state: str
    from_state_title: str
    to_state: str | None
    """None: it stays where it is (``reason`` says why)."""
    to_state_title: str | None
    reason: str | None
    dropped: tuple[str, ...]
    """Fields with a value that the new version does not have (the values are kept)."""
    deadlines: tuple[str, ...]
    """The deadlines planned again, in words ("frist 23.12.2026"); empty: as they were."""


@attrs.frozen
class Migration:
    process: str
    version: int
    dry_run: bool
    cases: tuple[MigratedCase, ...]
    moved: int
    """How many moved (or, in a dry run, would)."""
    staying: int


# -- importing cases from a file ------------------------------------------------------------


@attrs.frozen
class ImportColumn:
    """A column of a file to import, and what it holds."""

    column: str
    """Its heading, as the file has it."""
    letter: str
    """Where it is, as a spreadsheet names it: A, B, ... AA."""
    target: str | None
    """A field's id, or title, step, owner, opened, closed or reference; None: left out."""
    target_title: str
    """That in words: the field's label, "Titel", "udeladt"."""


@attrs.frozen
class ImportProblem:
    """Why a row of a file cannot be imported (or the file, or one of its headings)."""

    row: int | None
    """The row as the spreadsheet numbers it (the headings' row for a heading); None:
    the file as a whole, or an option given."""
    column: str | None
    """The column's heading (or its letters, without one)."""
    what: str
    suggestion: str | None


@attrs.frozen
class ImportedRow:
    """A row of a file and the case it opened (or would open, or opened before)."""

    row: int
    case: int | None
    """The case's number; None in a dry run."""
    title: str
    state: str
    state_title: str
    owner: str
    next_deadline_day: dt.date | None
    """Its next deadline's last day (local)."""


@attrs.frozen
class ImportReport:
    """What importing a file did, or (``dry_run``) would do; with ``problems``, nothing
    was written."""

    process: str
    process_title: str
    file: str
    kind: str
    """csv or xlsx."""
    dry_run: bool
    rows: int
    """The rows read (empty ones aside), the headings aside."""
    columns: tuple[ImportColumn, ...]
    created: int
    """Cases opened (in a dry run: that would be; with problems: 0)."""
    already: int
    """Rows imported before (by an earlier import of them), left as they are."""
    steps: tuple[StepCount, ...]
    """The cases opened (or that would be) per step."""
    cases: tuple[ImportedRow, ...]
    """The first of them, row by row."""
    already_imported: tuple[ImportedRow, ...]
    """The first rows imported before, each with the case it opened then."""
    problems: tuple[ImportProblem, ...]
    """Every problem found, up to a thousand (``problems_total`` counts them all)."""
    problems_total: int


# -- the report ---------------------------------------------------------------------------


@attrs.frozen
class ReportCount:
    """A number in the report, and the question that lists the cases behind it."""

    key: str
    """What is counted: a step's or an option's id, a year, ``overdue`` ..."""
    label: str
    count: int
    cases: CaseFilter


@attrs.frozen
class DueCount:
    """Open cases whose next deadline falls in a year, in all and per step."""

    year: int
    total: ReportCount
    steps: tuple[ReportCount, ...]


@attrs.frozen
class FieldTotal:
    """A money or whole-number field summed over the cases open during the year."""

    field: str
    label: str
    type: str
    total: Any
    """As stored: money as text with two decimals ("12500.00"), a whole number as int."""
    shown: str
    recorded: int
    """How many of the cases hold a value."""
    of: int


@attrs.frozen
class FieldBreakdown:
    """How many cases hold each option of a choice or yes/no field."""

    field: str
    label: str
    counts: tuple[ReportCount, ...]
    unrecorded: ReportCount


@attrs.frozen
class Outcome:
    """Cases that reached a final step in the year, and the reasons recorded on the way."""

    state: str
    title: str
    count: int
    cases: CaseFilter
    reasons: tuple[FieldBreakdown, ...]
    notes_only: bool
    """The reasons are in the notes only (the process records no choice for them)."""


@attrs.frozen
class ProcessReport:
    process: str
    title: str
    open_steps: tuple[ReportCount, ...]
    """Open now, per step."""
    open_total: int
    overdue: ReportCount
    quiet: ReportCount
    """Open, with nothing new in twelve months."""
    due: tuple[DueCount, ...]
    """Open, the next deadline in the year and in the next."""
    active: ReportCount
    """Open at some time during the year: what the totals and breakdowns count."""
    opened: ReportCount
    outcomes: tuple[Outcome, ...]
    average_days: int | None
    """Days from opening to closing, on average, of the cases closed in the year."""
    totals: tuple[FieldTotal, ...]
    breakdowns: tuple[FieldBreakdown, ...]
    columns: tuple[str, ...]
    """The fields a list of these cases shows (ask for them with ``CaseFilter.columns``)."""
    missing: tuple[str, ...]
    """What the process does not record, so the report cannot tell."""


@attrs.frozen
class Report:
    year: int
    period: Period
    at: dt.datetime
    processes: tuple[ProcessReport, ...]
    owner: str | None = None
    """Whose cases are counted (None: everyone's)."""


@attrs.frozen
class TickEvent:
    case: int
    at: dt.datetime
    action: str | None
    kind: str
    state: str
    note: str | None


@attrs.frozen
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    incidents: int = 0


@attrs.frozen
class TickReport:
    reminders: tuple[TickEvent, ...]
    deadlines: tuple[TickEvent, ...]
    actions: tuple[TickEvent, ...]
    skipped: tuple[TickEvent, ...]
    """Reminders not sent because their deadline had passed."""
    failed: tuple[TickEvent, ...]
    """Deadlines samskab could not handle; each is recorded on its case."""
    delivery: DeliveryReport


@attrs.frozen
class OutboxItem:
    id: int
    key: str
    event_id: int
    case_id: int
    channel: str
    recipient: str
    subject: str
    status: str
    """pending, sent, incident (gave up after the last retry) or dismissed."""
    status_title: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


@attrs.frozen
class ChannelView:
    """A channel the outbox sends through, as the config file names it."""

    name: str
    type: str


@attrs.frozen
class OutboxLogEntry:
    at: dt.datetime
    actor: str
    what: str


@attrs.frozen
class Broken:
    event_id: int
    case_id: int
    what: str


@attrs.frozen
class Anchor:
    """The database's head at a moment: how many events, and the last link."""

    events: int
    head: str
    at: dt.datetime

    @property
    def text(self) -> str:
        """The line to keep, as ``audit verify --anchor`` reads it (service.ANCHOR)."""
        return f"samskab-anchor events={self.events} head={self.head}"


@attrs.frozen
class AuditReport:
    checked: int
    broken: Broken | None


@attrs.frozen
class PersonView:
    """A person in the register: who they are and the roles they hold."""

    id: str
    name: str | None
    email: str | None
    language: str
    roles: tuple[str, ...]
    role_titles: str


@attrs.frozen
class ServeSettings:
    """How ``samskab serve`` learns who a browser's session acts as (the config's
    ``[serve]``, checked: see docs/security.md)."""

    identity_header: str | None
    """The header the reverse proxy sets to the logged-in person; None: no proxy, so
    loopback only, as the account running samskab."""
    trusted_proxies: tuple[str, ...]
    """The addresses and networks the header is taken from."""
    public_url: str | None
    """The address people open (without a trailing slash); None: samskab's own."""
    config_file: str
    """Where these were read (or would be), to name in an error."""
    sessions_per_person: int = 5
    """How many sessions one person may have open at once."""


@attrs.frozen
class PeopleChange:
    """A change to the register of people, from its history."""

    at: dt.datetime
    actor: str
    account: str | None
    note: str | None


@attrs.frozen
class Erasure:
    email: str
    pseudonym: str
    cases: int
    events: int
    messages: int
    channels: Mapping[str, int]
    """What channels kept outside the database (the log channel's journal), by channel
    name: how many of their records (lines) named the person and now name the pseudonym."""
    config_people: tuple[str, ...]
    """People in the config file with this address: remove them there too."""
    open_cases_owned: int = 0
    """Open cases the person owned, now owned by the pseudonym: to hand over."""
    documents: int = 0
    """Documents whose name named the person: now named with the pseudonym."""
    documents_to_review: tuple[DocumentView, ...] = ()
    """Documents of the cases that named the person (names now pseudonymised): their
    contents are not searched, so someone reads them and deletes those that name the
    person (``Service.delete_document``)."""


# -- the public website ------------------------------------------------------------------


@attrs.frozen
class PublicStep:
    """A step a public case came to, and when."""

    state: str
    title: str
    at: dt.datetime


@attrs.frozen
class PublicCase:
    """A case as the municipality's website shows it: only what its process declares
    public (``[public]``), never a person."""

    id: int
    title: str
    process: str
    process_title: str
    state: str
    state_title: str
    opened_at: dt.datetime
    step_at: dt.datetime
    """When it came to the step it is in."""
    changed_at: dt.datetime
    closed_at: dt.datetime | None
    summary: str | None
    fields: tuple[FieldValue, ...]
    steps: tuple[PublicStep, ...]
    """Every step it came to, the first first."""


@attrs.frozen
class PublicProcess:
    """A process on the website: its public cases, and, where citizens start one (a
    door), what they can start and whom they contact."""

    id: str
    title: str
    description: str
    door: str | None
    contact: str | None
    cases: tuple[PublicCase, ...]


@attrs.frozen
class Withheld:
    """A case marked public that the website leaves out, and why (its title or a public
    field names a person)."""

    case: int
    reason: str


@attrs.frozen
class Publication:
    """Everything the municipality's website shows, in its language."""

    municipality: str
    contact: str | None
    lang: str
    processes: tuple[PublicProcess, ...]
    updated_at: dt.datetime | None
    """When the last of its cases changed (None: it shows no case)."""
    withheld: tuple[Withheld, ...]

    @property
    def cases(self) -> tuple[PublicCase, ...]:
        return tuple(case for process in self.processes for case in process.cases)

    @property
    def doors(self) -> tuple[PublicProcess, ...]:
        return tuple(process for process in self.processes if process.door is not None)


@attrs.frozen
class PublishReport:
    """What ``samskab publish`` wrote: every file of the website (``changed``: those whose
    content is new), and the files of an earlier website it removed."""

    directory: str
    files: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    cases: int
    doors: int
    withheld: tuple[Withheld, ...]
    lang: str
    """The website's language."""
    contact: str | None
    """The config's ``[publish] contact`` (None: the page of doors names only the
    municipality)."""


def to_json(model: Any) -> Any:
    """A read model (or a list of them) as JSON-ready data: keys are the attribute names,
    less a trailing underscore (``from_`` is ``from``); times are ISO 8601 text in UTC
    (``2026-03-01T09:30:00+00:00``), local days ISO 8601 dates (``2026-03-01``)."""
    if isinstance(model, dt.datetime):
        return clock.to_text(model)
    if isinstance(model, dt.date):
        return model.isoformat()
    if isinstance(model, CaseFilter):  # a question: only what it asks
        return {
            f.name: to_json(getattr(model, f.name))
            for f in attrs.fields(CaseFilter)
            if getattr(model, f.name) != f.default
        }
    if attrs.has(type(model)):
        return {name.rstrip("_"): to_json(getattr(model, name)) for name in attrs.fields_dict(type(model))}
    if isinstance(model, Mapping):
        return {key: to_json(value) for key, value in model.items()}
    if isinstance(model, list | tuple):
        return [to_json(item) for item in model]
    return model

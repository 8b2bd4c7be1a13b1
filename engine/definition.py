"""The process definition format: what a municipality writes in a TOML file.

These frozen attrs classes are the one description of the format. The loader
structures files into them (``engine.loader``), the validator checks what types alone
cannot (``engine.validate``), and the JSON Schema is generated from them
(``engine.schema``). A definition is data only: names in it are looked up in tables
the engine and its plugins fill, never imported.

Field metadata used by the schema generator: ``doc`` (description), ``enum``
(allowed values), ``toml`` (the key's name in the file when it differs).
"""

import functools
import hashlib
from collections.abc import Mapping
from typing import Any

import attrs

LEVELS = ("individ", "lokalsamfund", "kommune")
FIELD_TYPES = ("text", "longtext", "integer", "money", "date", "yesno", "choice", "email", "link")
EXTERNAL_SEES = ("note", "fields", "actor")
NOTIFY_ON = ("enter", "action", "reminder", "deadline")


def doc(text: str, **more) -> dict:
    return {"doc": text, **more}


@attrs.frozen
class Text:
    """Words shown to people, Danish first. A plain string in the file means Danish only."""

    da: str = attrs.field(metadata=doc("Danish"))
    en: str | None = attrs.field(default=None, metadata=doc("English"))

    def get(self, lang: str = "da") -> str:
        return (self.en or self.da) if lang == "en" else self.da


@attrs.frozen
class Role:
    id: str = attrs.field(metadata=doc("Role id, used in actions' `roles` and the config"))
    title: Text = attrs.field(metadata=doc("What the role is called"))
    bound_to: tuple[str, ...] = attrs.field(
        default=(),
        metadata=doc(
            "Fields (e-mail or text) naming who holds the role in a case: a person with the role"
            " acts only in the cases that name their e-mail address or account"
        ),
    )


@attrs.frozen
class Option:
    id: str = attrs.field(metadata=doc("The stored value"))
    title: Text = attrs.field(metadata=doc("What people see"))


@attrs.frozen
class Field:
    id: str = attrs.field(metadata=doc("Field id, used with `--set ID=VALUE`"))
    type: str = attrs.field(
        metadata=doc(
            "The kind of value; `link` is an http or https address, opened from the case (docs/processes.md)",
            enum=FIELD_TYPES,
        )
    )
    label: Text = attrs.field(metadata=doc("The label on forms"))
    help: Text | None = attrs.field(default=None, metadata=doc("A line of help on forms"))
    options: tuple[Option, ...] = attrs.field(default=(), metadata=doc("The choices of a `choice` field"))


@attrs.frozen
class DayOfYear:
    """A day of the year, as ``on = { month = 3, day = 15 }`` writes it."""

    month: int = attrs.field(metadata=doc("The month, 1 to 12"))
    day: int = attrs.field(metadata=doc("The day of the month; 29 February is 28 February in other years"))


@attrs.frozen
class Deadline:
    """When a step is due: counted from entering the step, from a date field, or from a
    day of the year (``on``); once, or again and again (``every``)."""

    id: str | None = attrs.field(
        default=None, metadata=doc("Which of the step's deadlines this is (each in `deadlines` needs one)")
    )
    title: Text | None = attrs.field(
        default=None, metadata=doc("What it is called, e.g. Årligt statusmøde (default: the step's title)")
    )
    after: str | None = attrs.field(
        default=None,
        metadata=doc("ISO 8601 duration, e.g. P3Y, P6W, P14D; P0D with `from_field` is due on that date"),
    )
    before: str | None = attrs.field(
        default=None,
        metadata=doc("ISO 8601 duration before the date (`from_field` or `on`), e.g. P2W"),
    )
    after_working_days: int | None = attrs.field(
        default=None,
        metadata=doc("Working days after (weekends and Danish public holidays do not count)"),
    )
    before_working_days: int | None = attrs.field(
        default=None, metadata=doc("Working days before the date (`from_field` or `on`)")
    )
    from_field: str | None = attrs.field(
        default=None,
        metadata=doc("Count from this date field instead of from entering the state"),
    )
    on: DayOfYear | None = attrs.field(
        default=None, metadata=doc("Count from the next such day of the year, e.g. { month = 3, day = 15 }")
    )
    every: str | None = attrs.field(
        default=None,
        metadata=doc(
            "Again and again: the n-th falls n times this after what it counts from (P1Y, P12M);"
            " with `on`, P1Y: every year on that day"
        ),
    )
    action: str | None = attrs.field(
        default=None, metadata=doc("Action taken automatically when the deadline falls due")
    )
    reminders: tuple[str, ...] = attrs.field(
        default=(), metadata=doc("ISO 8601 durations before the deadline to remind at")
    )

    @property
    def counts_from_a_day(self) -> bool:
        """Due at the end of a local day (a date, or working days), not at a moment."""
        return (
            self.from_field is not None
            or self.on is not None
            or self.after_working_days is not None
            or self.before_working_days is not None
        )


@attrs.frozen
class State:
    id: str = attrs.field(metadata=doc("State id"))
    title: Text = attrs.field(metadata=doc("What the step is called"))
    description: Text | None = attrs.field(default=None, metadata=doc("What happens here"))
    initial: bool = attrs.field(default=False, metadata=doc("Cases start here (exactly one)"))
    final: bool = attrs.field(default=False, metadata=doc("Cases end here (at least one)"))
    deadline: Deadline | None = attrs.field(default=None, metadata=doc("When the step is due"))
    deadlines: tuple[Deadline, ...] = attrs.field(
        default=(),
        metadata=doc("More than one deadline for the step, each with an `id` (instead of `deadline`)"),
    )

    @property
    def all_deadlines(self) -> tuple[Deadline, ...]:
        """The step's deadlines: the one ``deadline`` or those in ``deadlines``."""
        return ((self.deadline,) if self.deadline else ()) + self.deadlines

    def deadline_by_id(self, rule: str | None) -> Deadline | None:
        """The step's deadline with this ``id`` (None: the one without an id)."""
        return next((d for d in self.all_deadlines if d.id == rule), None)


@attrs.frozen
class GuardRef:
    """A named condition, with the field and value it looks at where it needs them."""

    name: str = attrs.field(metadata=doc("A built-in guard or one a plugin registers"))
    field: str | None = attrs.field(default=None, metadata=doc("The field the guard checks"))
    value: int | str | bool | None = attrs.field(default=None, metadata=doc("What it compares with"))
    other: str | None = attrs.field(
        default=None, metadata=doc("Another field to compare with, instead of a `value`")
    )


@attrs.frozen
class RequiredWhen:
    """Fields an action requires only while a condition holds (a grant amount, only when
    the support agreed is a grant)."""

    fields: tuple[str, ...] = attrs.field(metadata=doc("Fields that must be filled after the action"))
    when: GuardRef = attrs.field(metadata=doc("The condition, written as a guard"))


@attrs.frozen
class ToBy:
    """The step an action leads to, chosen by the value of a choice field it asks for."""

    field: str = attrs.field(metadata=doc("A choice field; the action requires it"))
    states: dict[str, str] = attrs.field(metadata=doc("Each option's id and the state it leads to"))


@attrs.frozen
class Opening:
    """Cases an action opens, each linked to the case taking it: sub-cases by default (one
    residents' consultation per milestone), or a case linked another way (a renewal)."""

    title: str = attrs.field(
        metadata=doc(
            "The new case's title: text with {title} (this case's title), {case} (its number),"
            " {n} (1, 2, ... among the cases opened) and {FIELD} (a field of this case)"
        )
    )
    process: str | None = attrs.field(
        default=None, metadata=doc("The process the new cases run (default: this process)")
    )
    fields: dict[str, str] = attrs.field(
        factory=dict,
        metadata=doc("Fields copied into each new case: this case's field = the new case's field"),
    )
    count: int | None = attrs.field(default=None, metadata=doc("How many cases to open (default 1)"))
    count_field: str | None = attrs.field(
        default=None,
        metadata=doc("An integer field of this case saying how many to open (instead of `count`)"),
    )
    link: str = attrs.field(
        default="del_af",
        metadata=doc(
            "How each new case is linked to this one: `del_af` (a sub-case, which this case can wait"
            " for), `fornyelse_af`, `relateret_til`, or a kind of the process's `link_kinds`"
        ),
    )


@attrs.frozen
class LinkKind:
    """A kind of link between two cases, said from the case that links to the other
    ("fornyelse af sag 4") and from the other ("fornyet af sag 12")."""

    id: str = attrs.field(metadata=doc("The kind's id, used in `opens.link` and `cases link --kind`"))
    title: Text = attrs.field(metadata=doc('What the linking case is to the other: "fornyelse af"'))
    inverse: Text = attrs.field(metadata=doc('What the other case is to it: "fornyet af"'))


@attrs.frozen
class Action:
    id: str = attrs.field(metadata=doc("Action id, used with `cases advance CASE ID`"))
    title: Text = attrs.field(metadata=doc("What the action is called"))
    from_: tuple[str, ...] = attrs.field(
        metadata=doc(
            'State or states the action may be taken from; "*": every step that is not final', toml="from"
        )
    )
    to: str | None = attrs.field(default=None, metadata=doc("The state the action leads to (or `to_by`)"))
    to_by: ToBy | None = attrs.field(
        default=None, metadata=doc("The state is chosen by a choice field's value (instead of `to`)")
    )
    description: Text | None = attrs.field(default=None, metadata=doc("What the action means"))
    roles: tuple[str, ...] = attrs.field(
        default=(), metadata=doc("Roles that may take it; none listed means anyone")
    )
    fields: tuple[str, ...] = attrs.field(default=(), metadata=doc("Fields the action's form asks for"))
    requires: tuple[str, ...] = attrs.field(
        default=(), metadata=doc("Fields that must be filled after the action")
    )
    requires_when: tuple[RequiredWhen, ...] = attrs.field(
        default=(), metadata=doc("Fields that must be filled only while a condition holds")
    )
    guards: tuple[GuardRef, ...] = attrs.field(default=(), metadata=doc("Conditions that must hold"))
    counts: tuple[str, ...] = attrs.field(
        default=(), metadata=doc("Integer fields the action adds one to, e.g. meetings held")
    )
    sets: dict[str, int | str | bool | None] = attrs.field(
        factory=dict, metadata=doc("Fields the action sets to these values (also when taken at a deadline)")
    )
    clears: tuple[str, ...] = attrs.field(
        default=(), metadata=doc("Fields that start empty again, e.g. when a renewal starts a new cycle")
    )
    note_required: bool = attrs.field(
        default=False, metadata=doc("A note (the reason) must be given, e.g. for a refusal")
    )
    opens: tuple[Opening, ...] = attrs.field(
        default=(), metadata=doc("Cases the action opens, each linked to this one (sub-cases by default)")
    )

    def form_fields(self) -> tuple[str, ...]:
        """Every field the action may set: the ones it asks for, then the required ones
        (the field choosing the target, those required while a condition holds)."""
        asked = [*self.fields, *self.required()]
        asked += [f for rule in self.requires_when for f in rule.fields]
        return tuple(dict.fromkeys(asked))

    def required(self) -> tuple[str, ...]:
        """The fields that must always be filled after the action."""
        chooser = (self.to_by.field,) if self.to_by else ()
        return tuple(dict.fromkeys((*self.requires, *chooser)))

    @property
    def targets(self) -> tuple[str, ...]:
        """Every state the action may lead to."""
        if self.to_by is not None:
            return tuple(dict.fromkeys(self.to_by.states.values()))
        return (self.to,) if self.to is not None else ()

    def target(self, values: Mapping[str, Any]) -> str | None:
        """The state the action leads to with these field values (None: the value that
        chooses it is missing or maps to no state)."""
        if self.to_by is None:
            return self.to
        return self.to_by.states.get(values.get(self.to_by.field))  # type: ignore[arg-type]


@attrs.frozen
class Notify:
    """Who hears about what: a rule for the outbox."""

    on: str = attrs.field(
        metadata=doc(
            "enter a state, an action taken, a reminder before a deadline, a deadline passed", enum=NOTIFY_ON
        )
    )
    to: tuple[str, ...] = attrs.field(
        metadata=doc("Roles (people with the role in the config), or `field:NAME` for an address in the case")
    )
    state: str | None = attrs.field(
        default=None, metadata=doc("For enter, reminder and deadline: the state (default: any)")
    )
    action: str | None = attrs.field(default=None, metadata=doc("For action: the action (default: any)"))
    external_sees: tuple[str, ...] = attrs.field(
        default=(),
        metadata=doc(
            "What an address from the case (`field:NAME`: someone outside the municipality) sees"
            " besides the case, the step and the deadline: `note`, `fields` (the values set),"
            " `actor` (who acted)",
            enum=EXTERNAL_SEES,
        ),
    )


@attrs.frozen
class Correction:
    """Who may correct a case's fields in any open step, without moving it."""

    roles: tuple[str, ...] = attrs.field(
        default=(), metadata=doc("Who may correct fields (default: anyone holding a role the process names)")
    )


@attrs.frozen
class Report:
    """How the coordinator's report and lists show the process's cases."""

    columns: tuple[str, ...] = attrs.field(
        default=(),
        metadata=doc("Fields a list of the cases shows beside the title (default: money and choice fields)"),
    )


@attrs.frozen
class Public:
    """What the municipality's website (``samskab publish``) shows of the process: its
    cases marked public, and, for citizens, whether and how they start one ("which door")."""

    when: str | None = attrs.field(
        default=None,
        metadata=doc(
            "A yes/no field: a case is on the website only while it is yes (none: no case of"
            " the process is ever shown)"
        ),
    )
    summary: str | None = attrs.field(
        default=None, metadata=doc("A text field holding the case's summary for the public")
    )
    fields: tuple[str, ...] = attrs.field(
        default=(),
        metadata=doc(
            "More fields shown with a public case, besides its title, step, dates and summary;"
            " never a field that names a person (an e-mail, a name, an address, a phone number)"
        ),
    )
    door: Text | None = attrs.field(
        default=None,
        metadata=doc(
            "For citizens: what they can start this way and how; the process is then listed on"
            " the website's page of doors, with the municipality's contact"
        ),
    )


@attrs.frozen
class Start:
    """What is asked for when a case is opened."""

    fields: tuple[str, ...] = attrs.field(default=(), metadata=doc("Fields the new-case form asks for"))
    requires: tuple[str, ...] = attrs.field(
        default=(), metadata=doc("Fields that must be given to open a case")
    )
    roles: tuple[str, ...] = attrs.field(
        default=(), metadata=doc("Who may open a case (default: anyone holding a role the process names)")
    )

    def form_fields(self) -> tuple[str, ...]:
        return self.fields + tuple(f for f in self.requires if f not in self.fields)


@attrs.frozen
class Process:
    id: str = attrs.field(metadata=doc("Stable process id"))
    version: int = attrs.field(metadata=doc("Raise it whenever the file changes"))
    title: Text = attrs.field(metadata=doc("The process's name"))
    description: Text = attrs.field(metadata=doc("What the process is for"))
    level: str = attrs.field(metadata=doc("Pestoff's level of co-creation", enum=LEVELS))
    states: tuple[State, ...] = attrs.field(metadata=doc("The steps"))
    actions: tuple[Action, ...] = attrs.field(metadata=doc("The moves between steps"))
    roles: tuple[Role, ...] = attrs.field(default=(), metadata=doc("Who takes part"))
    fields: tuple[Field, ...] = attrs.field(default=(), metadata=doc("What is recorded"))
    start: Start = attrs.field(factory=Start, metadata=doc("What opening a case asks for"))
    correction: Correction = attrs.field(
        factory=Correction, metadata=doc("Who may correct fields without moving the case")
    )
    notify: tuple[Notify, ...] = attrs.field(default=(), metadata=doc("Who hears about what"))
    report: Report = attrs.field(factory=Report, metadata=doc("What the report and lists show"))
    link_kinds: tuple[LinkKind, ...] = attrs.field(
        default=(),
        metadata=doc("Kinds of links its cases may make besides del_af, fornyelse_af and relateret_til"),
    )
    public: Public = attrs.field(
        factory=Public, metadata=doc("What the municipality's website shows (`samskab publish`)")
    )

    @functools.cached_property
    def _by_id(self) -> dict[str, dict]:
        return {
            "states": {s.id: s for s in self.states},
            "actions": {a.id: a for a in self.actions},
            "fields": {f.id: f for f in self.fields},
        }

    def state(self, state_id: str) -> State:
        return self._by_id["states"][state_id]

    def has_state(self, state_id: str) -> bool:
        return state_id in self._by_id["states"]

    def action(self, action_id: str) -> Action | None:
        return self._by_id["actions"].get(action_id)

    def field(self, field_id: str) -> Field | None:
        return self._by_id["fields"].get(field_id)

    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    @property
    def initial(self) -> State:
        return next(s for s in self.states if s.initial)


@attrs.frozen
class Definition:
    """A checked process together with the exact text it came from."""

    process: Process
    text: str
    origin: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def key(self) -> tuple[str, int]:
        return (self.process.id, self.process.version)


ANY_OPEN_STEP = "*"


def with_any_open_step(process: Process) -> Process:
    """``from = "*"`` spelled out: every state that is not final, in file order."""
    if not any(ANY_OPEN_STEP in a.from_ for a in process.actions):
        return process
    open_steps = tuple(s.id for s in process.states if not s.final)

    def spelled(sources: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(
                s for source in sources for s in (open_steps if source == ANY_OPEN_STEP else (source,))
            )
        )

    return attrs.evolve(
        process, actions=tuple(attrs.evolve(a, from_=spelled(a.from_)) for a in process.actions)
    )

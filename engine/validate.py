"""Checks on a structured process that types alone cannot express.

Every check adds to one list, so a person sees every mistake in one run. Places are
tuples such as ``("actions", 2, "to")``; the loader turns them into file lines.
"""

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from samskab.engine import durations, fieldtypes, links, publicity, workdays
from samskab.engine.definition import (
    EXTERNAL_SEES,
    FIELD_TYPES,
    LEVELS,
    NOTIFY_ON,
    Action,
    DayOfYear,
    Deadline,
    Field,
    GuardRef,
    Opening,
    Process,
    State,
    ToBy,
)
from samskab.engine.guards import Guard
from samskab.engine.locate import Place
from samskab.engine.messages import msg
from samskab.engine.suggest import did_you_mean

IDENTIFIER = re.compile(r"^[^\W\d_]\w*$")


@attrs.frozen
class Finding:
    place: Place
    message: str
    suggestion: str | None = None


LAST_VERSION = 1_000_000
"""Versions are counted up one change at a time; a larger number is a typing mistake."""


def check_process(process: Process, guards: Mapping[str, Guard]) -> list[Finding]:
    found: list[Finding] = []
    state_ids = [s.id for s in process.states]
    field_ids = [f.id for f in process.fields]
    role_ids = [r.id for r in process.roles]
    action_ids = [a.id for a in process.actions]

    def refer(place: Place, name: str, known: list[str], kind: str) -> None:
        if name not in known:
            found.append(Finding(place, f"unknown {kind} `{name}`", did_you_mean(name, known)))

    if not IDENTIFIER.match(process.id):
        found.append(Finding(("id",), f"`{process.id}` is not a valid id", _ID_HINT))
    if not 1 <= process.version <= LAST_VERSION:
        found.append(
            Finding(("version",), f"version must be between 1 and {LAST_VERSION:,}", "raise it by one")
        )
    if process.level not in LEVELS:
        found.append(
            Finding(("level",), f"unknown level `{process.level}`", did_you_mean(process.level, LEVELS))
        )
    for group, items in (
        ("roles", process.roles),
        ("fields", process.fields),
        ("states", process.states),
        ("actions", process.actions),
        ("link_kinds", process.link_kinds),
    ):
        found += _check_ids(group, [item.id for item in items])
    for i, kind in enumerate(process.link_kinds):
        if kind.id in links.BUILTIN:
            found.append(
                Finding(
                    ("link_kinds", i, "id"),
                    f"`{kind.id}` is a kind every process has",
                    "use it as it is, or give yours another id",
                )
            )

    for i, field in enumerate(process.fields):
        place = ("fields", i)
        if field.type not in FIELD_TYPES:
            found.append(
                Finding(
                    place + ("type",),
                    f"unknown field type `{field.type}`",
                    did_you_mean(field.type, FIELD_TYPES),
                )
            )
        if field.type == "choice" and not field.options:
            found.append(Finding(place + ("options",), "a choice field needs `options`"))
        if field.type != "choice" and field.options:
            found.append(
                Finding(
                    place + ("options",),
                    "only a choice field has `options`",
                    'set type = "choice" or remove the options',
                )
            )
        found += _check_ids(place + ("options",), [o.id for o in field.options])

    initial = [i for i, s in enumerate(process.states) if s.initial]
    if not initial:
        found.append(Finding(("states",), "no initial state", "mark the first step `initial = true`"))
    for i in initial[1:]:
        found.append(
            Finding(
                ("states", i, "initial"),
                f"more than one initial state (`{process.states[initial[0]].id}` is already initial)",
                "keep `initial = true` on one state only",
            )
        )
    if not any(s.final for s in process.states):
        found.append(Finding(("states",), "no final state", "mark the last step `final = true`"))

    for i, state in enumerate(process.states):
        place = ("states", i)
        if state.initial and state.final:
            found.append(Finding(place, f"state `{state.id}` is both initial and final"))
        found += _check_deadlines(place, process, state)

    for i, action in enumerate(process.actions):
        place = ("actions", i)
        if not action.from_:
            found.append(Finding(place + ("from",), "an action needs at least one state in `from`"))
        for j, source in enumerate(action.from_):
            refer(place + ("from", j), source, state_ids, "state")
            if source in state_ids and process.state(source).final:
                found.append(
                    Finding(place + ("from", j), f"`{source}` is final; no action leaves a final state")
                )
        if (action.to is None) == (action.to_by is None):
            found.append(
                Finding(
                    place,
                    "an action needs `to` or `to_by` (one of them)",
                    "give the state it leads to in `to`",
                )
            )
        if action.to is not None:
            refer(place + ("to",), action.to, state_ids, "state")
        if action.to_by is not None:
            found += _check_to_by(place + ("to_by",), process, action.to_by, state_ids)
        for j, role in enumerate(action.roles):
            refer(place + ("roles", j), role, role_ids, "role")
        for key in ("fields", "requires", "counts", "clears"):
            for j, name in enumerate(getattr(action, key)):
                refer(place + (key, j), name, field_ids, "field")
        for name, value in action.sets.items():
            refer(place + ("sets", name), name, field_ids, "field")
            set_field = process.field(name)
            misfit = _value_problem(set_field, value) if set_field is not None and value is not None else None
            if misfit:
                found.append(Finding(place + ("sets", name), *misfit))
        for j, condition in enumerate(action.requires_when):
            for k, name in enumerate(condition.fields):
                refer(place + ("requires_when", j, "fields", k), name, field_ids, "field")
            found += _check_guard(place + ("requires_when", j, "when"), process, condition.when, guards)
        for j, name in enumerate(action.counts):
            counted = process.field(name)
            if counted is not None and counted.type != "integer":
                found.append(
                    Finding(
                        place + ("counts", j),
                        f"`{name}` is a {counted.type} field; only integer fields count",
                    )
                )
        for j, ref in enumerate(action.guards):
            found += _check_guard(place + ("guards", j), process, ref, guards)
        for j, opening in enumerate(action.opens):
            found += _check_opening(place + ("opens", j), process, opening)

    for key in ("fields", "requires"):
        for j, name in enumerate(getattr(process.start, key)):
            refer(("start", key, j), name, field_ids, "field")
    for j, role in enumerate(process.start.roles):
        refer(("start", "roles", j), role, role_ids, "role")
    for i, bound_role in enumerate(process.roles):
        for j, name in enumerate(bound_role.bound_to):
            refer(("roles", i, "bound_to", j), name, field_ids, "field")
            bound = process.field(name)
            if bound is not None and bound.type not in ("email", "text"):
                found.append(
                    Finding(
                        ("roles", i, "bound_to", j),
                        f"`{name}` is a {bound.type} field; a role is bound to a field naming a person",
                        "bind it to an e-mail or text field holding their address or account",
                    )
                )
    for j, role in enumerate(process.correction.roles):
        refer(("correction", "roles", j), role, role_ids, "role")
    for j, name in enumerate(process.report.columns):
        refer(("report", "columns", j), name, field_ids, "field")
    for i, rule in enumerate(process.notify):
        place = ("notify", i)
        if rule.on not in NOTIFY_ON:
            found.append(
                Finding(place + ("on",), f"unknown event `{rule.on}`", did_you_mean(rule.on, NOTIFY_ON))
            )
        for j, shown in enumerate(rule.external_sees):
            if shown not in EXTERNAL_SEES:
                found.append(
                    Finding(
                        place + ("external_sees", j),
                        f"`{shown}` is not something a message shows; it shows {', '.join(EXTERNAL_SEES)}",
                        did_you_mean(shown, EXTERNAL_SEES),
                    )
                )
        if rule.state is not None:
            refer(place + ("state",), rule.state, state_ids, "state")
        if rule.action is not None:
            refer(place + ("action",), rule.action, action_ids, "action")
            if rule.on != "action":
                found.append(Finding(place + ("action",), '`action` goes with `on = "action"`'))
        if (
            rule.on in ("reminder", "deadline")
            and rule.state is not None
            and rule.state in state_ids
            and not process.state(rule.state).all_deadlines
        ):
            found.append(Finding(place + ("state",), f"state `{rule.state}` has no deadline"))
        for j, target in enumerate(rule.to):
            if target.startswith("field:"):
                name = target.removeprefix("field:")
                refer(place + ("to", j), name, field_ids, "field")
                if (addressed := process.field(name)) is not None and addressed.type != "email":
                    found.append(Finding(place + ("to", j), f"`{name}` is not an email field"))
            else:
                refer(place + ("to", j), target, role_ids, "role")
    found += _check_public(process)
    found += _check_deadline_dates(process)
    found += _check_graph(process)
    return found


_ID_HINT = "ids start with a letter and hold letters, digits and _"


def _check_ids(group: str | Place, ids: Iterable[str | None]) -> list[Finding]:
    """Ids valid and each once (None: an id left out, said where it is needed)."""
    base = (group,) if isinstance(group, str) else group
    found = []
    seen: Counter[str] = Counter()
    for i, name in enumerate(ids):
        if name is None:
            continue
        seen[name] += 1
        if seen[name] == 2:
            found.append(Finding(base + (i, "id"), f"duplicate id `{name}`", "give each one its own id"))
        if not IDENTIFIER.match(name):
            found.append(Finding(base + (i, "id"), f"`{name}` is not a valid id", _ID_HINT))
    return found


def _check_deadline_dates(process: Process) -> list[Finding]:
    """A deadline counted from a date field needs that date whenever its step is entered."""
    found = []
    dated = [(s, d.from_field) for s in process.states for d in s.all_deadlines if d.from_field is not None]
    for state, date_field in dict.fromkeys(dated):
        if state.initial and date_field not in process.start.requires:
            found.append(
                Finding(
                    ("start", "requires"),
                    f"the deadline of `{state.id}` counts from `{date_field}`, "
                    "which opening a case does not require",
                    f"add `{date_field}` to `start.requires`",
                )
            )
        for i, action in enumerate(process.actions):
            if (
                state.id in action.targets
                and date_field not in _required_into(action, state.id)
                and (any(source != state.id for source in action.from_))
            ):
                found.append(
                    Finding(
                        ("actions", i, "requires"),
                        f"`{action.id}` leads to `{state.id}`, whose deadline counts "
                        f"from `{date_field}`, but does not require it",
                        f"add `{date_field}` to its `requires`",
                    )
                )
    return found


def _required_into(action: Action, state_id: str) -> set[str]:
    """The fields ``action`` requires whenever it leads to ``state_id``: those it always
    requires, and those it requires while its choice (``to_by``) is an option leading
    there, for every such option (an informal hearing's meeting date)."""
    required = set(action.required())
    if action.to_by is None:
        return required
    options = {value for value, target in action.to_by.states.items() if target == state_id}
    by_option: dict[str, set[str]] = {}
    for rule in action.requires_when:
        when = rule.when
        if when.name == "equals" and when.field == action.to_by.field and when.value in options:
            by_option.setdefault(str(when.value), set()).update(rule.fields)
    if options and set(by_option) == options:
        required |= set.intersection(*by_option.values())
    return required


_OFFSETS = ("after", "before", "after_working_days", "before_working_days")
_DURATION_HINT = "write e.g. P3Y, P6M, P6W or P14D"


def _check_deadlines(place: Place, process: Process, state: State) -> list[Finding]:
    """A step's deadlines: ``deadline`` or ``deadlines`` (each with an id and a title),
    and each one's own rules (:func:`_check_deadline`)."""
    found = []
    if state.deadline is not None and state.deadlines:
        found.append(
            Finding(
                place + ("deadlines",),
                "a step has `deadline` or `deadlines`, not both",
                "move the `deadline` into `deadlines`, with an `id` and a `title`",
            )
        )
    if state.all_deadlines and state.final:
        key = "deadline" if state.deadline is not None else "deadlines"
        found.append(Finding(place + (key,), "a final state has no deadline"))
    if state.deadline is not None:
        found += _check_deadline(place + ("deadline",), process, state, state.deadline)
    for j, deadline in enumerate(state.deadlines):
        where = place + ("deadlines", j)
        if deadline.id is None:
            found.append(
                Finding(
                    where,
                    "each of a step's `deadlines` needs an `id`",
                    'add e.g. id = "statusmoede", to tell it from the others',
                )
            )
        if deadline.title is None:
            found.append(
                Finding(
                    where,
                    "each of a step's `deadlines` needs a `title`, so people see which is which",
                    'add e.g. title = "Årligt statusmøde"',
                )
            )
        found += _check_deadline(where, process, state, deadline)
    found += _check_ids(place + ("deadlines",), [d.id for d in state.deadlines])
    if (
        state.deadline is not None
        and state.deadline.id is not None
        and not IDENTIFIER.match(state.deadline.id)
    ):
        found.append(
            Finding(place + ("deadline", "id"), f"`{state.deadline.id}` is not a valid id", _ID_HINT)
        )
    return found


def _check_deadline(place: Place, process: Process, state: State, deadline: Deadline) -> list[Finding]:
    """One deadline: what it counts from, one offset at most, durations and days that
    exist, a date field, an action that can be taken from the step."""
    found = []
    offsets = [key for key in _OFFSETS if getattr(deadline, key) is not None]
    from_a_day = deadline.from_field is not None or deadline.on is not None
    if deadline.from_field is not None and deadline.on is not None:
        found.append(
            Finding(
                place + ("on",),
                "a deadline counts from `from_field` or from `on`, not both",
                "remove one of them",
            )
        )
    if len(offsets) > 1:
        found.append(
            Finding(
                place + (offsets[1],),
                f"a deadline has one of {', '.join(f'`{k}`' for k in _OFFSETS)}; this one has "
                + " and ".join(f"`{k}`" for k in offsets),
                "keep one of them",
            )
        )
    if not offsets and not from_a_day and deadline.every is None:
        found.append(
            Finding(
                place,
                "a deadline needs `after` (or `every`, `after_working_days`, or a date: `from_field`, `on`)",
                'add e.g. after = "P6W"',
            )
        )
    for key in ("before", "before_working_days"):
        if getattr(deadline, key) is not None and not from_a_day:
            found.append(
                Finding(
                    place + (key,),
                    f"`{key}` counts back from a date, and this deadline has none",
                    "give the date field in `from_field`, or a day of the year in `on`",
                )
            )
    durations_at: list[tuple[Place, str, bool]] = []
    if deadline.after is not None:
        durations_at.append((("after",), deadline.after, from_a_day))
    if deadline.before is not None:
        durations_at.append((("before",), deadline.before, True))
    if deadline.every is not None:
        durations_at.append((("every",), deadline.every, False))
    durations_at += [(("reminders", j), r, False) for j, r in enumerate(deadline.reminders)]
    bad = set()
    for where, text, zero_ok in durations_at:
        if (problem := durations.problem(text, zero_ok=zero_ok)) is not None:
            found.append(Finding(place + where, problem, _DURATION_HINT))
            bad.add(where)
    for key in ("after_working_days", "before_working_days"):
        count = getattr(deadline, key)
        if count is not None and not 1 <= count <= workdays.LONGEST:
            found.append(
                Finding(
                    place + (key,),
                    f"{count} is not a number of working days from 1 to {workdays.LONGEST}",
                    "write e.g. 10",
                )
            )
    if deadline.every is not None and ("every",) not in bad:
        if durations.shorter_than(deadline.every, "P1D"):
            found.append(
                Finding(
                    place + ("every",),
                    f"`{deadline.every}` repeats more often than once a day",
                    "write e.g. P1Y, P6M or P1W",
                )
            )
        if deadline.on is not None and deadline.every != "P1Y":
            found.append(
                Finding(
                    place + ("every",),
                    "a deadline `on` a day of the year repeats every year or not at all",
                    'write every = "P1Y", or leave `every` out for once',
                )
            )
        for j, reminder in enumerate(deadline.reminders):
            if ("reminders", j) not in bad and not durations.shorter_than(reminder, deadline.every):
                found.append(
                    Finding(
                        place + ("reminders", j),
                        f"a reminder {reminder} before comes before the previous occurrence is due"
                        f" (every {deadline.every})",
                        f"remind less than {deadline.every} before",
                    )
                )
    if deadline.on is not None and (problem := _day_problem(deadline.on)) is not None:
        found.append(Finding(place + ("on",), problem, "write e.g. on = { month = 3, day = 15 }"))
    if deadline.from_field is not None:
        found += _refer(place + ("from_field",), deadline.from_field, [f.id for f in process.fields], "field")
        from_field = process.field(deadline.from_field)
        if from_field is not None and from_field.type != "date":
            found.append(
                Finding(
                    place + ("from_field",),
                    f"`{from_field.id}` is a {from_field.type} field, not a date field",
                )
            )
    if deadline.action is not None:
        found += _refer(place + ("action",), deadline.action, [a.id for a in process.actions], "action")
        action = process.action(deadline.action)
        if action is not None and state.id not in action.from_:
            found.append(
                Finding(
                    place + ("action",),
                    f"action `{action.id}` cannot be taken from `{state.id}`",
                    f"add `{state.id}` to its `from`",
                )
            )
    return found


def _day_problem(on: DayOfYear) -> str | None:
    """Why ``on`` is no day of the year (29 February is one), or None."""
    if not 1 <= on.month <= 12:
        return f"{on.month} is not a month (1 to 12)"
    if not 1 <= on.day <= calendar.monthrange(2028, on.month)[1]:
        return f"month {on.month} has no day {on.day}"
    return None


def _refer(place: Place, name: str, known: list[str], kind: str) -> list[Finding]:
    if name in known:
        return []
    return [Finding(place, f"unknown {kind} `{name}`", did_you_mean(name, known))]


def _check_guard(place: Place, process: Process, ref: GuardRef, guards: Mapping[str, Guard]) -> list[Finding]:
    """A guard (of an action, or the condition of ``requires_when``): known, with the
    field and value or other field it needs, the value fitting the field."""
    guard = guards.get(ref.name)
    if guard is None:
        return [Finding(place, f"unknown guard `{ref.name}`", did_you_mean(ref.name, sorted(guards)))]
    found = []
    field_ids = [f.id for f in process.fields]
    if guard.needs_field and ref.field is None:
        found.append(Finding(place, f"guard `{ref.name}` needs a `field`"))
    if ref.field is not None:
        found += _refer(place + ("field",), ref.field, field_ids, "field")
    if ref.value is not None and ref.other is not None:
        found.append(Finding(place, "a guard compares with a `value` or an `other` field, not both"))
    elif guard.needs_value and ref.value is None and ref.other is None:
        found.append(
            Finding(
                place,
                f"guard `{ref.name}` needs a `value`"
                + ("" if guard.value_problem else " (or an `other` field to compare with)"),
            )
        )
    if guard.value_problem is not None and ref.value is not None:
        problem = guard.value_problem(ref.value)
        if problem:
            found.append(Finding(place + ("value",), problem))
    guarded = process.field(ref.field) if ref.field is not None else None
    if guarded is not None and ref.value is not None:
        misfit = _value_problem(guarded, ref.value)
        if misfit:
            found.append(Finding(place + ("value",), *misfit))
    if ref.other is not None:
        found += _refer(place + ("other",), ref.other, field_ids, "field")
        other = process.field(ref.other)
        numbers = {"money", "integer"}
        if (
            guarded is not None
            and other is not None
            and guarded.type != other.type
            and not {guarded.type, other.type} <= numbers
        ):
            found.append(
                Finding(
                    place + ("other",),
                    f"`{guarded.id}` is a {guarded.type} field and `{other.id}` a {other.type} field;"
                    " they cannot be compared",
                    "compare fields of the same type (money and integer compare too)",
                )
            )
    return found


def _check_opening(place: Place, process: Process, opening: Opening) -> list[Finding]:
    """What an action's ``opens`` says of the case taking it: the title's placeholders,
    its fields, how many, the kind of link; and, opening a case of the same process, what
    it copies (another process is checked when every file is read: :func:`check_openings`)."""
    field_ids = [f.id for f in process.fields]
    found = []
    problem = links.title_problem(opening.title, field_ids)
    if problem:
        found.append(Finding(place + ("title",), *problem))
    for name in opening.fields:
        found += _refer(place + ("fields", name), name, field_ids, "field")
    if opening.count is not None and opening.count_field is not None:
        found.append(Finding(place, "give `count` or `count_field`, not both"))
    if opening.count is not None and not 1 <= opening.count <= links.MAX_OPENED:
        found.append(Finding(place + ("count",), f"`count` is from 1 to {links.MAX_OPENED}"))
    if opening.count_field is not None:
        found += _refer(place + ("count_field",), opening.count_field, field_ids, "field")
        counted = process.field(opening.count_field)
        if counted is not None and counted.type != "integer":
            found.append(
                Finding(
                    place + ("count_field",),
                    f"`{counted.id}` is a {counted.type} field; the count is an integer field",
                )
            )
    found += _refer(place + ("link",), opening.link, links.kind_ids(process), "kind of link")
    if opening.process is None or opening.process == process.id:
        found += _check_copies(place, process, process, opening)
    return found


def _check_copies(place: Place, process: Process, other: Process, opening: Opening) -> list[Finding]:
    """Each field copied is a field of ``other`` that can hold its values, and what
    opening a case of ``other`` requires is copied."""
    found = []
    other_ids = [f.id for f in other.fields]
    for name, target in opening.fields.items():
        source, into = process.field(name), other.field(target)
        if into is None:
            found += _refer(place + ("fields", name), target, other_ids, f"field of `{other.id}`")
        elif source is not None and not links.copyable(source, into):
            found.append(
                Finding(
                    place + ("fields", name),
                    f"`{name}` is a {source.type} field and `{target}` of `{other.id}` a {into.type} field;"
                    " its values cannot be copied there",
                    "copy into a field of the same type (a choice into one with the same options)",
                )
            )
    for needed in other.start.requires:
        if needed not in opening.fields.values():
            found.append(
                Finding(
                    place + ("fields",),
                    f"opening a case of `{other.id}` requires `{needed}`, which nothing is copied into",
                    f'add `yours = "{needed}"` to `fields`',
                )
            )
    return found


def check_openings(process: Process, known: Mapping[str, Process]) -> list[Finding]:
    """What ``process``'s actions open, among the ``known`` processes (by id, each the
    version new cases start on): a known process, fields it has, and no round of
    processes opening each other by themselves at deadlines (a person taking one of the
    steps is a round that ends)."""
    found = []
    for i, action in enumerate(process.actions):
        for j, opening in enumerate(action.opens):
            if opening.process is None or opening.process == process.id:
                continue
            place: Place = ("actions", i, "opens", j)
            other = known.get(opening.process)
            if other is None:
                found += _refer(place + ("process",), opening.process, sorted(known), "process")
                continue
            found += _check_copies(place, process, other, opening)
    everyone = {**known, process.id: process}
    for place, target in _automatic_openings(process):
        if process.id in _opened_automatically(target, everyone):
            found.append(
                Finding(
                    place,
                    f"`{process.id}` opens cases of `{target}` at a deadline by itself, and they open cases of"
                    f" `{process.id}` the same way: it would never end",
                    "let a person take one of these actions (not a deadline's `action`)",
                )
            )
    return found


def _automatic_openings(process: Process) -> list[tuple[Place, str]]:
    """(place, process opened) of each ``opens`` of an action a deadline takes by itself."""
    automatic = {d.action for s in process.states for d in s.all_deadlines if d.action}
    return [
        (("actions", i, "opens", j), opening.process or process.id)
        for i, action in enumerate(process.actions)
        if action.id in automatic
        for j, opening in enumerate(action.opens)
    ]


def _opened_automatically(start: str, processes: Mapping[str, Process]) -> set[str]:
    """Every process whose cases are opened by themselves, at a deadline, from a case of
    ``start``, through any number of such openings (``start`` included if it comes round)."""
    reached: set[str] = set()
    todo = [start]
    while todo:
        process = processes.get(todo.pop())
        for _, target in _automatic_openings(process) if process else ():
            if target not in reached:
                reached.add(target)
                todo.append(target)
    return reached


def _check_public(process: Process) -> list[Finding]:
    """``[public]``: a yes/no field that marks a case public, a text field for its
    summary, and more fields shown with it, none of which may name a person."""
    public, found = process.public, []
    field_ids = [f.id for f in process.fields]

    def known(place: Place, name: str) -> Field | None:
        field = process.field(name)
        if field is None:
            found.append(
                Finding(place, msg("unknown field `{field}`", field=name), did_you_mean(name, field_ids))
            )
        return field

    marks = known(("public", "when"), public.when) if public.when is not None else None
    if marks is not None and marks.type != "yesno":
        found.append(
            Finding(
                ("public", "when"),
                msg(
                    "`{field}` is a {type} field; `when` names a yes/no field",
                    field=marks.id,
                    type=marks.type,
                ),
                msg('add a field with type = "yesno" (e.g. offentlig) and name it here'),
            )
        )
    shown: list[tuple[Place, str]] = [(("public", "summary"), public.summary)] if public.summary else []
    shown += [(("public", "fields", j), name) for j, name in enumerate(public.fields)]
    for place, name in shown:
        field = known(place, name)
        if field is None:
            continue
        why = publicity.names_a_person(process, field)
        if why is not None:
            found.append(
                Finding(
                    place,
                    msg("`{field}` names a person ({why}): it can never be public", field=field.id, why=why),
                    msg(
                        "leave it out; a field with no personal data needs a name and label that do not say so"
                    ),
                )
            )
        elif place[1] == "summary" and field.type not in publicity.FREE_TEXT:
            found.append(
                Finding(
                    place,
                    msg(
                        "`{field}` is a {type} field; the summary is a text field",
                        field=field.id,
                        type=field.type,
                    ),
                    msg('add a field with type = "longtext" (e.g. resume) and name it here'),
                )
            )
    found += [
        Finding(("public", "fields", j), msg("`{field}` is named twice", field=name))
        for j, name in enumerate(public.fields)
        if name in public.fields[:j]
    ]
    if public.when is None and (public.summary is not None or public.fields):
        found.append(
            Finding(
                ("public",),
                msg("`summary` and `fields` show nothing without `when`"),
                msg("name the yes/no field that marks a case public in `when`"),
            )
        )
    return found


def _check_to_by(place: Place, process: Process, to_by: ToBy, state_ids: list[str]) -> list[Finding]:
    """The choice field that picks the target: a choice field, each option leading to a state."""
    field = process.field(to_by.field)
    if field is None:
        return _refer(place + ("field",), to_by.field, [f.id for f in process.fields], "field")
    if field.type != "choice":
        return [
            Finding(
                place + ("field",),
                f"`{field.id}` is a {field.type} field; `to_by` needs a choice field",
                "make it a choice field with an option per outcome",
            )
        ]
    options = [o.id for o in field.options]
    found = []
    for option, state in to_by.states.items():
        found += _refer(place + ("states", option), option, options, f"option of `{field.id}`")
        found += _refer(place + ("states", option), state, state_ids, "state")
    for option in options:
        if option not in to_by.states:
            found.append(
                Finding(
                    place + ("states",),
                    f"option `{option}` of `{field.id}` leads to no state",
                    f'add `{option} = "<state>"` to `states`',
                )
            )
    return found


def _check_graph(process: Process) -> list[Finding]:
    """Every state reachable from the initial one; every non-final state has a way out."""
    exits: dict[str, set[str]] = {s.id: set() for s in process.states}
    for action in process.actions:
        for source in action.from_:
            for target in action.targets:
                if source in exits and target in exits and target != source:
                    exits[source].add(target)
    initial = [s.id for s in process.states if s.initial]
    reached = set(initial[:1])
    todo = list(reached)
    while todo:
        for target in exits[todo.pop()]:
            if target not in reached:
                reached.add(target)
                todo.append(target)
    found = []
    for i, state in enumerate(process.states):
        if initial and state.id not in reached:
            found.append(
                Finding(
                    ("states", i),
                    f"state `{state.id}` cannot be reached",
                    f'add an action with `to = "{state.id}"`',
                )
            )
        if not state.final and not exits[state.id]:
            found.append(
                Finding(
                    ("states", i),
                    f"no action leads out of `{state.id}`, and it is not final",
                    "add an action from it, or mark it `final = true`",
                )
            )
    return found


_VALUE_HINTS = {
    "yesno": "write true or false",
    "integer": "write a whole number, without quotes",
    "money": 'write an amount, e.g. 50000 or "50000.00"',
    "date": 'write a date in quotes, e.g. "2026-03-01"',
}


def _value_problem(field: Field, value: int | str | bool) -> tuple[str, str | None] | None:
    """Why a guard's ``value`` can never equal a value of ``field`` (a guard that could
    never hold, or would fail when tried), with a suggestion; None when it fits."""
    if field.type == "yesno":
        fits = isinstance(value, bool)
    elif field.type == "integer":
        fits = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(value, bool) or (isinstance(value, int) and field.type != "money"):
        fits = False
    else:
        try:
            fieldtypes.parse(field, str(value))
            fits = True
        except fieldtypes.ValueProblem:
            fits = False
    if fits:
        return None
    hint = _VALUE_HINTS.get(field.type)
    if field.type == "choice":
        hint = "one of " + ", ".join(f'"{o.id}"' for o in field.options)
    return f"`{value!r}` does not fit the {field.type} field `{field.id}`", hint

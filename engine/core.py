"""The engine: open cases, check and take actions, fire deadlines.

:func:`open_engine` wires it together (plugins, store, config, process files);
:class:`Engine` is what the command line, the terminal UI and scripts use.
"""

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs
import pluggy

from samskab.engine import (
    audit,
    clock,
    deadlines,
    fieldtypes,
    links,
    loader,
    localtime,
    migration,
    notifications,
    people,
)
from samskab.engine.cases import (
    ACTION,
    COMMENT,
    CORRECTION,
    CREATED,
    DEADLINE,
    DOCUMENT,
    DOCUMENT_DELETED,
    HANDOVER,
    LINK,
    REMINDER,
    SYSTEM_ACTOR,
    UNLINK,
    Case,
    Deadline,
    Event,
)
from samskab.engine.channels import build_channels
from samskab.engine.config import ADMIN_ROLE, CONFIG_NAME, Actor, Config, Person, load_config, os_account
from samskab.engine.definition import Action, Definition, Opening, Process, Text
from samskab.engine.delivery import deliver
from samskab.engine.errors import BadInput, Busy, Conflict, NotFound, Refused, SamskabError, StorageFailed
from samskab.engine.guards import GuardContext
from samskab.engine.machine import CompiledProcess
from samskab.engine.messages import Both, Msg, due_day, msg, text
from samskab.engine.plugins import make_plugin_manager
from samskab.engine.readmodels import CaseFilter, DeliveryReport
from samskab.engine.registry import Registry
from samskab.engine.store import Firing, NewCase, Outgoing, Store, StoredDocument
from samskab.engine.suggest import did_you_mean

if TYPE_CHECKING:  # read only for an import
    from samskab.engine.readmodels import ImportReport
    from samskab.engine.sheets import Sheet

log = logging.getLogger(__name__)

ALL_CASES = CaseFilter()
LARGEST_ID = 2**63 - 1
TICK_BATCH = 250
"""How many due deadlines ``tick`` fires in one transaction: one commit per batch, not
per deadline, and a SIGKILL loses at most a batch, fired again at the next tick."""
"""No store numbers a case or a message beyond this (SQLite's largest integer)."""
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
"""What a deleted document's content hashes to."""


@attrs.frozen
class Availability:
    """An action from the case's current step, and why it cannot be taken (if so)."""

    action: Action
    reasons: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.reasons


@attrs.frozen
class TickReport:
    reminders: list[Event] = attrs.field(factory=list)
    deadlines: list[Event] = attrs.field(factory=list)
    actions: list[Event] = attrs.field(factory=list)
    skipped: list[Event] = attrs.field(factory=list)
    """Reminders not sent: their deadline had passed."""
    failed: list[Event] = attrs.field(factory=list)
    """Deadlines samskab could not handle (recorded on the case)."""
    delivery: DeliveryReport = attrs.field(factory=DeliveryReport)


class Engine:
    def __init__(
        self,
        store: Store,
        pm: pluggy.PluginManager,
        config: Config,
        process_dirs: Iterable[Path],
        now: Callable[[], dt.datetime] | None = None,
        config_origin: str = CONFIG_NAME,
    ):
        self.store = store
        self.pm = pm
        self.config = config
        self.config_origin = config_origin
        self.now = now or clock.from_environment()
        self.audit_key: audit.Key | None = None
        """The key the history is kept under (set by :func:`open_engine`)."""
        self.plugin_errors: list[str] = []
        self._held_after: list[tuple[Case, Event]] | None = None
        """Errors plugins raised after a commit: reported, never undoing what was saved."""
        self.loader = loader.Loader(pm)
        self.process_dirs = self.loader.builtin_dirs + list(process_dirs)
        self.registry = Registry(lambda: self._files[0], store, self.loader.read)
        types = {kind.type: kind for kinds in pm.hook.register_channel_types() for kind in kinds or ()}
        self.channels = build_channels(config.channels, types, config_origin)

    # -- definitions -----------------------------------------------------------

    @functools.cached_property
    def _files(self):
        return self.loader.load(self.process_dirs)

    @property
    def problems(self):
        """Everything wrong with the process files (reads them if not yet read)."""
        return self._files[1] + self.registry.problems

    def process(self, process_id: str) -> Definition:
        return self.registry.latest(process_id)

    def processes(self) -> list[Definition]:
        return [self.registry.latest(pid) for pid in self.registry.process_ids()]

    def compiled_for(self, case: Case) -> CompiledProcess:
        return self.registry.compiled(case.process_id, case.version)

    # -- reading cases ---------------------------------------------------------

    def case(self, case_id: int | str) -> Case:
        try:
            number = int(case_id)
        except (TypeError, ValueError):
            raise BadInput(msg("a case number is a whole number, not {value}", value=repr(case_id))) from None
        case = self.store.get_case(number) if 0 < number <= LARGEST_ID else None
        if case is None:
            raise NotFound(msg("there is no case {case}", case=number))
        return case

    def cases(self, where: CaseFilter = ALL_CASES) -> list[Case]:
        return list(self.store.list_cases(where))

    def iter_cases(self, where: CaseFilter = ALL_CASES) -> Iterator[Case]:
        """The cases one at a time, for lists too long to hold."""
        return iter(self.store.list_cases(where))

    # -- values ----------------------------------------------------------------

    def parse_values(
        self, process: Process, raw: Mapping[str, str], allowed: Iterable[str] | None = None
    ) -> dict[str, Any]:
        """Read typed values from what a person typed; every bad one is reported at once."""
        allowed = list(allowed) if allowed is not None else [f.id for f in process.fields]
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, typed in raw.items():
            field = process.field(name)
            if field is None:
                hint = did_you_mean(name, [f.id for f in process.fields])
                problems.append(
                    msg(
                        "{process} has no field `{field}`{hint}",
                        process=Both.of(process.title),
                        field=name,
                        hint=msg(" ({suggestion})", suggestion=hint) if hint else "",
                    )
                )
                continue
            if name not in allowed:
                problems.append(
                    msg(
                        "{field} is not set by this action; it sets: {fields}",
                        field=Both.of(field.label),
                        fields=labels(process, allowed) if allowed else msg("no fields"),
                    )
                )
                continue
            try:
                values[name] = fieldtypes.parse(field, typed)
            except fieldtypes.ValueProblem as exc:
                problems.append(msg("{field}: {problem}", field=Both.of(field.label), problem=exc.message))
        if problems:
            raise BadInput(msg("some values do not fit their fields"), problems)
        return values

    # -- actions ---------------------------------------------------------------

    def actor(self, person: str | None = None) -> Actor:
        """Who acts: the operating-system account running samskab, or ``person`` on its
        behalf (``--as``, for admins), with the roles the register gives them."""
        return people.actor(self.register(), os_account(), person)

    @functools.cached_property
    def _installation(self) -> str:
        assert self.audit_key is not None, "open_engine sets the key"
        return self.audit_key.installation()

    def installation(self) -> str:
        """This database's name among all samskab installations (from its audit key)."""
        return self._installation

    def register(self) -> dict[str, Person]:
        """The people registered, by id (empty: single-user mode)."""
        return people.read(self.store.get_case(people.REGISTER))

    def change_people(self, acting: Actor, register: dict[str, Person], note: str) -> None:
        """Make the register ``register``, recorded as an event with ``note`` (Conflict if
        someone else changed it meanwhile)."""
        now = self.now()
        event = people.change_event(now, acting, register, note)
        current = self.store.get_case(people.REGISTER)
        if current is None:
            case = attrs.evolve(people.register_case(now), fields=event.changes, owner=acting.id)
            self.store.create_case(case, attrs.evolve(event, kind=CREATED, from_state=None), [])
        else:
            self.store.commit_action(
                current,
                state=current.state,
                fields=dict(event.changes),
                event=event,
                deadlines=[],
                close_deadlines=False,
                closed=False,
            )

    def reasons_against(
        self,
        case: Case,
        action_id: str,
        actor: Actor | None,
        changes: Mapping[str, Any],
        note: str | None,
        *,
        preview: bool = False,
        now: dt.datetime | None = None,
    ) -> list[str]:
        """Why ``action_id`` cannot be taken now, in the order checked; empty if it can.

        ``actor`` None is samskab itself (an automatic action at a deadline), which holds
        every role. ``preview`` leaves out what the action's form will ask for (its
        fields, the note, guards on those fields), to show which actions are open.
        """
        compiled = self.compiled_for(case)
        process = compiled.process
        action = process.action(action_id)
        if action is None:
            hint = did_you_mean(action_id, [a.id for a in process.actions])
            return [
                msg(
                    "`{process}` has no action `{action}`{hint}",
                    process=process.id,
                    action=action_id,
                    hint=msg(" ({suggestion})", suggestion=hint) if hint else "",
                )
            ]
        reasons: list[str] = []
        if not compiled.allows(case.state, action_id):
            reasons.append(
                msg(
                    "{action} cannot be taken from the step {state}; it is taken from {sources}",
                    action=Both.of(action.title),
                    state=Both.of(process.state(case.state).title),
                    sources=_joined([process.state(s).title for s in action.from_]),
                )
            )
        if actor is not None and not people.holds(actor, process, case.fields, action.roles):
            reasons += people.unbound(actor, process, action.roles) or [
                msg(
                    "{actor} does not hold a role that may take it; it needs: {roles}",
                    actor=actor.id,
                    roles=_joined([r.title for r in map(process.role, action.roles) if r]),
                )
            ]
        values = {**case.fields, **changes}
        context = GuardContext(
            before=case.fields,
            changes=changes,
            now=now or self.now(),
            process=process,
            sub_cases=functools.partial(self.sub_cases, case.id),
        )
        missing = [f for f in action.required() if not fieldtypes.is_filled(values.get(f))]
        if missing and not preview:
            reasons.append(msg("required fields are empty: {fields}", fields=labels(process, missing)))
        for rule in action.requires_when if not preview else ():
            empty = [f for f in rule.fields if not fieldtypes.is_filled(values.get(f)) and f not in missing]
            if empty and self.loader.guards[rule.when.name].check(context, rule.when) is None:
                reasons.append(
                    msg(
                        "required when {condition}: {fields}",
                        condition=self.loader.guards[rule.when.name].words(process, rule.when),
                        fields=labels(process, empty),
                    )
                )
        if action.note_required and not (note and note.strip()) and not preview:
            reasons.append(msg("a note is required: say why"))
        if action.guards:
            for ref in action.guards:
                if preview and ref.field in action.form_fields():
                    continue
                reason = self.loader.guards[ref.name].check(context, ref)
                if reason:
                    reasons.append(reason)
        if action.opens and not preview:
            reasons += self._openings(case, process, action, values)[1]
        if not reasons and not preview and self.pm.hook.before_action.get_hookimpls():
            reasons += [
                reason
                for reason in self.pm.hook.before_action(
                    case=case,
                    action=action_id,
                    actor=actor.id if actor else SYSTEM_ACTOR,
                    changes=dict(changes),
                    note=note,
                )
                if reason
            ]
        return reasons

    def availability(self, case: Case, actor: Actor) -> list[Availability]:
        """Every action from the case's current step, each with why it is blocked (if so)."""
        process = self.compiled_for(case).process
        return [
            Availability(action, tuple(self.reasons_against(case, action.id, actor, {}, None, preview=True)))
            for action in process.actions
            if case.state in action.from_
        ]

    def new_case(
        self,
        process_id: str,
        title: str,
        raw: Mapping[str, str] | None = None,
        actor: Actor | None = None,
        owner: str | None = None,
        parent: int | str | None = None,
    ) -> Case:
        """Open a case, owned by ``owner`` (default: ``actor``, who opens it); ``parent``:
        as a sub-case of that (open) case."""
        definition = self.registry.latest(process_id)
        values = self.parse_values(definition.process, raw or {})
        missing = [f for f in definition.process.start.requires if not fieldtypes.is_filled(values.get(f))]
        actor = actor or self.actor()
        may_open = definition.process.start.roles or tuple(r.id for r in definition.process.roles)
        unroled = not people.holds(actor, definition.process, values, may_open)
        untitled = not (title and title.strip())
        unsafe = fieldtypes.control_problem(title, one_line=True) if title else None
        owner = actor.id if owner is None else owner
        unowned = self.owner_reasons(definition.process, owner) if owner != actor.id else []
        parent_case = self.case(parent) if parent is not None else None
        closed_parent = parent_case is not None and parent_case.closed_at is not None
        if untitled or unsafe or missing or unroled or unowned or closed_parent:
            reasons: list[str] = [msg("a case needs a title")] if untitled else []
            if unroled:
                reasons += people.unbound(actor, definition.process, may_open) or [
                    msg(
                        "{actor} does not hold a role that may open it; it needs: {roles}",
                        actor=actor.id,
                        roles=_joined([r.title for r in map(definition.process.role, may_open) if r]),
                    )
                ]
            if unsafe:
                reasons.append(msg("{field}: {problem}", field=Both("Titel", "Title"), problem=unsafe))
            if missing:
                reasons.append(
                    msg("required fields are empty: {fields}", fields=labels(definition.process, missing))
                )
            if closed_parent:
                assert parent_case is not None
                reasons.append(msg("case {case} is closed: it takes no sub-cases", case=parent_case.id))
            reasons += unowned
            # A title missing or unsafe is bad input (exit 2); only fields missing, a refusal (1).
            raise (BadInput if untitled or unsafe else Refused)(
                msg("cannot open a case of {process}", process=Both.of(definition.process.title)), reasons
            )
        made: list[tuple[Case, Event]] = []
        link = (links.SUB_CASE, parent_case.id) if parent_case is not None else None
        new = self._new(
            definition, title.strip(), values, actor.id, actor.account, owner, self.now(), link, made
        )
        self.store.create_case(new.case, new.event, new.deadlines, new.outbox)
        for created, event in made:
            self._after(created, event)
        return made[0][0]

    def _new(
        self,
        definition: Definition,
        title: str,
        values: dict[str, Any],
        actor: str,
        account: str | None,
        owner: str,
        now: dt.datetime,
        link: tuple[str, int] | None,
        made: list[tuple[Case, Event]],
    ) -> NewCase:
        """A case to open (its event, deadlines and messages), ``link``ed (kind, case) to
        another case if given; once stored, it is added to ``made`` with its event."""
        compiled = self.registry.pin(definition)
        state = compiled.process.initial.id
        case = Case(
            id=0,
            title=title,
            process_id=definition.process.id,
            version=definition.process.version,
            definition_sha256=definition.sha256,
            state=state,
            fields=values,
            created_at=now,
            updated_at=now,
            revision=1,
            owner=owner,
        )
        kind, other = link if link is not None else (None, None)
        event = Event(
            0,
            now,
            actor,
            CREATED,
            None,
            None,
            state,
            values,
            account=account,
            owner=owner,
            link_kind=kind,
            link_case=other,
        )
        rows = deadlines.plan(compiled.process, 0, state, values, now)

        def outbox(created: Case) -> list[Outgoing]:
            stored = attrs.evolve(event, case_id=created.id)
            made.append((created, stored))
            return self._messages(compiled.process, created, stored, _due(rows))

        return NewCase(case, event, rows, outbox)

    def _openings(
        self, case: Case, process: Process, action: Action, values: Mapping[str, Any]
    ) -> tuple[list[tuple[Opening, Definition, str, dict[str, Any]]], list[str]]:
        """The cases ``action`` opens from ``case`` with these field values (each its
        ``opens`` entry, process, title and values), and why it cannot (reasons)."""
        planned: list[tuple[Opening, Definition, str, dict[str, Any]]] = []
        reasons: list[str] = []
        for opening in action.opens:
            process_id = opening.process or process.id
            try:
                definition = self.registry.latest(process_id)
            except SamskabError:
                reasons.append(
                    msg("it opens cases of `{process}`, which samskab does not have now", process=process_id)
                )
                continue
            other = definition.process
            copied: dict[str, Any] = {}
            for source_id, target_id in opening.fields.items():
                source, target = process.field(source_id), other.field(target_id)
                if source is None or target is None or not links.copyable(source, target):
                    reasons.append(
                        msg(
                            "`{field}` cannot be copied into `{target}` of `{process}` (changed since?)",
                            field=source_id,
                            target=target_id,
                            process=other.id,
                        )
                    )
                elif fieldtypes.is_filled(values.get(source_id)):
                    copied[target_id] = values[source_id]
            empty = [f for f in other.start.requires if not fieldtypes.is_filled(copied.get(f))]
            if empty:
                reasons.append(
                    msg(
                        "a case of {process} needs {fields} to open; fill in what is copied into them",
                        process=Both.of(other.title),
                        fields=labels(other, empty),
                    )
                )
            count = opening.count or 1
            if opening.count_field is not None:
                count = values.get(opening.count_field) or 0
            if count > links.MAX_OPENED:
                reasons.append(
                    msg(
                        "it would open {count} cases of {process}; at most {most} at once",
                        count=count,
                        process=Both.of(other.title),
                        most=links.MAX_OPENED,
                    )
                )
                continue
            for n in range(1, count + 1):
                title = links.opened_title(opening.title, case, process, values, n)
                if not title:
                    reasons.append(msg("the title of the case it opens would be empty"))
                    break
                planned.append((opening, definition, title, copied))
        return planned, reasons

    def advance(
        self,
        case_id: int | str,
        action_id: str,
        raw: Mapping[str, str] | None = None,
        *,
        note: str | None = None,
        actor: Actor | None = None,
        expected_revision: int | None = None,
        _fire_deadline: Deadline | None = None,
    ) -> tuple[Case, Event]:
        """Take an action; returns the case as it now is and the event recorded.

        Raises Refused with every reason, BadInput for values that do not parse, and
        Conflict when the case changed since ``expected_revision`` (or during the call).
        """
        case = self._current(case_id, expected_revision)
        unsafe_note = fieldtypes.control_problem(note, one_line=False) if note else None
        if unsafe_note:
            raise BadInput(msg("the note cannot be kept"), [unsafe_note])
        compiled = self.compiled_for(case)
        action = compiled.process.action(action_id)
        allowed = action.form_fields() if action else ()
        changes: dict[str, Any] = (
            {f: None for f in action.clears if case.fields.get(f) is not None} if action else {}
        )
        changes.update(_stored(compiled.process, action.sets) if action else {})
        changes.update(self.parse_values(compiled.process, raw or {}, allowed))
        for counted in action.counts if action else ():
            changes.setdefault(counted, (case.fields.get(counted) or 0) + 1)
        # None: samskab itself, firing a deadline's automatic action.
        acting = None if _fire_deadline is not None else actor or self.actor()
        now = self.now()
        reasons = self.reasons_against(case, action_id, acting, changes, note, now=now)
        if reasons:
            if acting is not None:
                self.store.record_refusal(case.id, now, acting.id, acting.account, action_id, reasons)
            raise Refused(
                msg(
                    "case {case}: cannot take {action} now",
                    case=case.id,
                    action=Both.of(action.title) if action else action_id,
                ),
                reasons,
            )
        values = {**case.fields, **changes}
        target = compiled.fire(case.state, action_id, values)
        changed = {k: v for k, v in changes.items() if case.fields.get(k) != v}
        event = Event(
            case.id,
            now,
            acting.id if acting else SYSTEM_ACTOR,
            ACTION,
            action_id,
            case.state,
            target,
            changed,
            note.strip() if note and note.strip() else None,
            account=acting.account if acting else None,
        )
        entering = target != case.state
        rows = self._replanned(compiled.process, case, target, values, changed, now, _fire_deadline)
        made: list[tuple[Case, Event]] = []
        opened = [
            self._new(
                definition,
                title,
                copied,
                event.actor,
                event.account,
                self._owner_of_opened(case, definition.process, acting),
                now,
                (opening.link, case.id),
                made,
            )
            for opening, definition, title, copied in (
                self._openings(case, compiled.process, action, values)[0] if action and action.opens else ()
            )
        ]
        outbox = []
        if self.channels:
            due = _due(rows if entering else _replaced(self.store.deadlines(case.id), rows))
            after = attrs.evolve(case, state=target, fields=values)
            outbox = self._messages(compiled.process, after, event, due, about=_fire_deadline)
        updated = self.store.commit_action(
            case,
            state=target,
            fields=values,
            event=event,
            deadlines=rows,
            close_deadlines=entering and bool(compiled.process.state(case.state).all_deadlines),
            closed=target in compiled.final_states,
            fire_deadline=_fire_deadline.id if _fire_deadline else None,
            outbox=outbox,
            opened=opened,
        )
        self._after(updated, event)
        for created, created_event in made:
            self._after(created, created_event)
        return updated, event

    @staticmethod
    def _replanned(
        process: Process,
        case: Case,
        target: str,
        values: Mapping[str, Any],
        changed: Mapping[str, Any],
        now: dt.datetime,
        fired: Deadline | None,
    ) -> list[Deadline]:
        """The deadline rows an action plans: every deadline of a step entered; in the
        same step, those counting from a date it changed, and the next occurrence of a
        recurring deadline whose automatic action it is."""
        if target != case.state:
            return deadlines.plan(process, case.id, target, values, now)
        rules = deadlines.rules_counting_from(process, target, changed)
        rows = deadlines.plan(process, case.id, target, values, now, rules=rules) if rules else []
        if fired is not None and fired.rule not in rules:
            rows += deadlines.following(process, fired, values, now)
        return rows

    def _owner_of_opened(self, case: Case, process: Process, acting: Actor | None) -> str:
        """Who owns a case ``case`` opens: its own owner where they may own a case of
        ``process``, else whoever acts (samskab acting: still its owner)."""
        if case.owner is not None and not self.owner_reasons(process, case.owner):
            return case.owner
        return acting.id if acting is not None else case.owner or SYSTEM_ACTOR

    def comment(
        self, case_id: int | str, note: str, actor: Actor, *, expected_revision: int | None = None
    ) -> Case:
        """A note on the case, in its history, without taking a step (open or closed)."""
        case = self._current(case_id, expected_revision)
        text_ = self._note(note)
        event = Event(
            case.id,
            self.now(),
            actor.id,
            COMMENT,
            None,
            case.state,
            case.state,
            {},
            text_,
            account=actor.account,
        )
        return self._record(case, dict(case.fields), event)

    def correct(
        self,
        case_id: int | str,
        raw: Mapping[str, str],
        reason: str,
        actor: Actor,
        *,
        expected_revision: int | None = None,
    ) -> Case:
        """Correct fields of an open case without moving it (a wrong address in an active
        partnership); the history keeps the reason, and the values before."""
        case = self._current(case_id, expected_revision)
        process = self.compiled_for(case).process
        reasons = self.correction_reasons(case, actor)
        if reasons:
            self.store.record_refusal(case.id, self.now(), actor.id, actor.account, "correct", reasons)
            raise Refused(msg("case {case}: its fields cannot be corrected", case=case.id), reasons)
        note = self._note(reason)
        changes = {k: v for k, v in self.parse_values(process, raw).items() if case.fields.get(k) != v}
        if not changes:
            raise BadInput(msg("nothing to correct: the values are as they are already"))
        fields = {**case.fields, **changes}
        event = Event(
            case.id,
            self.now(),
            actor.id,
            CORRECTION,
            None,
            case.state,
            case.state,
            changes,
            note,
            account=actor.account,
        )
        rules = deadlines.rules_counting_from(process, case.state, changes)
        rows = deadlines.plan(process, case.id, case.state, fields, self.now(), rules=rules) if rules else []
        return self._record(case, fields, event, rows)

    def correction_reasons(self, case: Case, actor: Actor) -> list[str]:
        """Why ``actor`` may not correct the case's fields now; empty if they may."""
        process = self.compiled_for(case).process
        may = process.correction.roles or tuple(r.id for r in process.roles)
        reasons: list[str] = []
        if case.closed_at is not None:
            reasons.append(msg("the case is closed"))
        if not people.holds(actor, process, case.fields, may):
            reasons.append(
                msg(
                    "{actor} does not hold a role that may correct fields; it needs: {roles}",
                    actor=actor.id,
                    roles=_joined([r.title for r in map(process.role, may) if r]),
                )
            )
        return reasons

    def owner_reasons(self, process: Process, person_id: str) -> list[str]:
        """Why ``person_id`` cannot own a case of ``process``; empty if they can: a
        registered person holding a role the process names (any, if it names none). In
        single-user mode, with no one registered, any account can."""
        register = self.register()
        if not register:
            try:
                people.valid_id(person_id)
            except BadInput as bad:
                return [bad.args[0]]
            return []
        person = register.get(person_id)
        if person is None:
            hint = did_you_mean(person_id, sorted(register))
            return [
                msg(
                    "{person} is not registered{hint}",
                    person=person_id,
                    hint=msg(" ({suggestion})", suggestion=hint) if hint else "",
                )
            ]
        roles = tuple(r.id for r in process.roles)
        if roles and not set(person.roles) & set(roles):
            return [
                msg(
                    "{person} holds no role in {process}; an owner needs one of: {roles}",
                    person=person_id,
                    process=Both.of(process.title),
                    roles=_joined([r.title for r in process.roles]),
                )
            ]
        return []

    def handover(
        self,
        case_id: int | str,
        person_id: str,
        note: str,
        actor: Actor,
        *,
        expected_revision: int | None = None,
    ) -> Case:
        """Hand the case over to ``person_id``, who becomes its owner; the note (why, what
        they need to know) goes into the history with the new owner. The new owner hears
        of it (``engine.notifications``)."""
        case = self._current(case_id, expected_revision)
        process = self.compiled_for(case).process
        reasons = self.handover_reasons(case, actor)
        if person_id == case.owner:
            reasons.append(msg("{person} owns it already", person=person_id))
        else:
            reasons += self.owner_reasons(process, person_id)
        if reasons:
            self.store.record_refusal(case.id, self.now(), actor.id, actor.account, HANDOVER, reasons)
            raise Refused(
                msg("case {case} cannot be handed over to {person}", case=case.id, person=person_id), reasons
            )
        event = Event(
            case.id,
            self.now(),
            actor.id,
            HANDOVER,
            None,
            case.state,
            case.state,
            {},
            self._note(note),
            account=actor.account,
            owner=person_id,
        )
        handed = attrs.evolve(case, owner=person_id)
        outbox = self._messages(process, handed, event, case.next_due)
        return self._record(case, dict(case.fields), event, owner=person_id, outbox=outbox)

    def handover_reasons(self, case: Case, actor: Actor) -> list[str]:
        """Why ``actor`` may not hand the case over now; empty if they may: its owner, an
        admin, or someone holding a role the process names for corrections (any role it
        names, if it names none for them)."""
        reasons: list[str] = [msg("the case is closed")] if case.closed_at is not None else []
        if not self._steers(case, actor):
            reasons.append(
                msg(
                    "{actor} is not its owner and holds no role that may hand it over; it needs: {roles}",
                    actor=actor.id,
                    roles=self._steering_roles(case),
                )
            )
        return reasons

    # -- documents ---------------------------------------------------------------

    def attach_document(
        self,
        case_id: int | str,
        read: Callable[[], tuple[str, bytes]],
        actor: Actor,
        note: str | None = None,
    ) -> StoredDocument:
        """Keep a document with the case (open or closed): ``read()`` gives its name and
        content, and an event records its name, size and sha256. Refused (and recorded)
        for someone holding no role the process names (see :meth:`document_reasons`),
        before anything is read."""
        case = self.case(case_id)
        reasons = self.document_reasons(case, actor)
        if reasons:
            self.store.record_refusal(case.id, self.now(), actor.id, actor.account, "attach", reasons)
            raise Refused(msg("case {case}: a document cannot be attached", case=case.id), reasons)
        unsafe = fieldtypes.control_problem(note, one_line=False) if note else None
        if unsafe:
            raise BadInput(msg("the note cannot be kept"), [unsafe])
        name, content = read()
        now = self.now()
        record = {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}

        def event(document_id: int) -> Event:
            return Event(
                case.id,
                now,
                actor.id,
                DOCUMENT,
                None,
                case.state,
                case.state,
                {"document": {"id": document_id, **record}},
                note.strip() if note and note.strip() else None,
                account=actor.account,
            )

        stored = self.store.attach_document(case.id, name, content, event)
        self._after(case, event(stored.id))
        return stored

    def document_reasons(self, case: Case, actor: Actor) -> list[str]:
        """Why ``actor`` may not attach documents to the case; empty if they may: anyone
        holding a role the process names in this case (anyone, if it names none), and
        admins. A partner organisation bound to its case attaches to that case only."""
        process = self.compiled_for(case).process
        may = tuple(r.id for r in process.roles)
        if not may or people.holds(actor, process, case.fields, (*may, ADMIN_ROLE)):
            return []
        titles = [r.title for r in process.roles] + [people.SYSTEM_ROLES[ADMIN_ROLE]]
        reasons: list[str] = list(people.unbound(actor, process, may))
        return reasons or [
            msg(
                "{actor} does not hold a role that may attach documents; it needs one of: {roles}",
                actor=actor.id,
                roles=_joined(titles),
            )
        ]

    def delete_document(self, case: Case, document: StoredDocument, actor: Actor, reason: str) -> None:
        """Delete a document's content (it names a person, or should never have been kept):
        the history keeps its name, size and sha256, and records the deletion, the reason,
        the sha256 of what is left (nothing) and of what was deleted (so content swapped
        before it was deleted still shows). Who may is the service's to decide."""
        note = self._note(reason)
        held = self.store.document_content(document.id) or b""
        event = Event(
            case.id,
            self.now(),
            actor.id,
            DOCUMENT_DELETED,
            None,
            case.state,
            case.state,
            {
                "document": {
                    "id": document.id,
                    "name": document.name,
                    "sha256": EMPTY_SHA256,
                    "deleted": hashlib.sha256(held).hexdigest(),
                }
            },
            note,
            account=actor.account,
        )
        if not self.store.delete_document(document.id, event):
            raise Conflict(
                msg("document {id} was deleted by someone else meanwhile; nothing was saved", id=document.id)
            )
        self._after(case, event)

    def _steers(self, case: Case, actor: Actor) -> bool:
        """Whether ``actor`` is the case's owner, an admin, or holds a role its process
        names for corrections (any role it names, if it names none for them)."""
        process = self.compiled_for(case).process
        may = process.correction.roles or tuple(r.id for r in process.roles)
        return actor.id == case.owner or people.holds(actor, process, case.fields, (ADMIN_ROLE, *may))

    def _steering_roles(self, case: Case) -> Both:
        process = self.compiled_for(case).process
        may = process.correction.roles or tuple(r.id for r in process.roles)
        return _joined([people.SYSTEM_ROLES[ADMIN_ROLE], *(r.title for r in map(process.role, may) if r)])

    # -- links between cases -------------------------------------------------------

    def sub_cases(self, case_id: int) -> list[Case]:
        """The case's sub-cases (``engine.links``), by number."""
        return list(self.store.list_cases(CaseFilter(parent=case_id)))

    def parent_of(self, case_id: int) -> int | None:
        """The number of the case ``case_id`` is a sub-case of, if any."""
        return next(
            (
                link.other_id
                for link in self.store.links(case_id)
                if link.case_id == case_id and link.kind == links.SUB_CASE
            ),
            None,
        )

    def link_reasons(self, case: Case, actor: Actor) -> list[str]:
        """Why ``actor`` may not link the case to others (or remove a link) now; empty if
        they may: as for a handover, whether the case is open or closed (a renewal links
        to an ended partnership)."""
        if self._steers(case, actor):
            return []
        return [
            msg(
                "{actor} is not its owner and holds no role that may link it; it needs: {roles}",
                actor=actor.id,
                roles=self._steering_roles(case),
            )
        ]

    def link(
        self,
        case_id: int | str,
        other_id: int | str,
        kind: str,
        actor: Actor,
        note: str | None = None,
        *,
        remove: bool = False,
        expected_revision: int | None = None,
    ) -> Case:
        """Link the case to another with ``kind`` (``engine.links``), or (``remove``)
        remove that link, by hand; an event of the case records it, with ``note``."""
        case = self._current(case_id, expected_revision)
        other = self.case(other_id)
        process = self.compiled_for(case).process
        known = links.kind_ids(process)
        if kind not in known:
            raise BadInput(
                msg("there is no kind of link `{kind}`", kind=kind),
                [did_you_mean(kind, known) or msg("the kinds: {kinds}", kinds=", ".join(known))],
            )
        unsafe = fieldtypes.control_problem(note, one_line=False) if note else None
        if unsafe:
            raise BadInput(msg("the note cannot be kept"), [unsafe])
        reasons = self.link_reasons(case, actor)
        said = links.kinds(process)[kind].title
        linked = any(
            (found.case_id, found.other_id, found.kind) == (case.id, other.id, kind)
            for found in self.store.links(case.id)
        )
        if remove and not linked:
            reasons.append(
                msg(
                    "case {case} is not {kind} case {other}", case=case.id, kind=Both.of(said), other=other.id
                )
            )
        elif not remove:
            reasons += self._new_link_reasons(case, other, kind, linked, said)
        if reasons:
            self.store.record_refusal(
                case.id, self.now(), actor.id, actor.account, UNLINK if remove else LINK, reasons
            )
            raise Refused(
                msg(
                    "case {case} cannot be linked to case {other}"
                    if not remove
                    else "the link of case {case} to case {other} cannot be removed",
                    case=case.id,
                    other=other.id,
                ),
                reasons,
            )
        event = Event(
            case.id,
            self.now(),
            actor.id,
            UNLINK if remove else LINK,
            None,
            case.state,
            case.state,
            {},
            note.strip() if note and note.strip() else None,
            account=actor.account,
            link_kind=kind,
            link_case=other.id,
        )
        return self._record(case, dict(case.fields), event)

    def _new_link_reasons(self, case: Case, other: Case, kind: str, linked: bool, said: Text) -> list[str]:
        """Why ``case`` cannot be linked to ``other`` with ``kind``: itself, linked so
        already, or (a sub-case) a second parent, a closed one, or a parent that is its
        own sub-case."""
        if other.id == case.id:
            return [msg("a case cannot be linked to itself")]
        if linked:
            return [
                msg(
                    "case {case} is {kind} case {other} already",
                    case=case.id,
                    kind=Both.of(said),
                    other=other.id,
                )
            ]
        if kind != links.SUB_CASE:
            return []
        reasons: list[str] = []
        parent = self.parent_of(case.id)
        if parent is not None:
            reasons.append(
                msg("case {case} is a sub-case of case {parent} already", case=case.id, parent=parent)
            )
        if other.closed_at is not None:
            reasons.append(msg("case {case} is closed: it takes no sub-cases", case=other.id))
        above, seen = self.parent_of(other.id), {other.id}
        while above is not None and above not in seen:
            if above == case.id:
                reasons.append(
                    msg(
                        "case {other} is itself among the sub-cases of case {case}; they would go round",
                        other=other.id,
                        case=case.id,
                    )
                )
                break
            seen.add(above)
            above = self.parent_of(above)
        return reasons

    def _current(self, case_id: int | str, expected_revision: int | None) -> Case:
        case = self.case(case_id)
        if expected_revision is not None and case.revision != expected_revision:
            raise Conflict(
                msg(
                    "case {case} was changed by someone else (revision {revision}, you had {expected}); "
                    "nothing was saved, look at it again",
                    case=case.id,
                    revision=case.revision,
                    expected=expected_revision,
                )
            )
        return case

    @staticmethod
    def _note(note: str) -> str:
        if not (note and note.strip()):
            raise BadInput(msg("a note is required: say why"))
        unsafe = fieldtypes.control_problem(note, one_line=False)
        if unsafe:
            raise BadInput(msg("the note cannot be kept"), [unsafe])
        return note.strip()

    def _record(
        self,
        case: Case,
        fields: dict[str, Any],
        event: Event,
        rows: list[Deadline] | None = None,
        *,
        owner: str | None = None,
        outbox: list[Outgoing] | None = None,
    ) -> Case:
        """Commit an event that keeps the case in its step (a comment, a correction, a
        handover to ``owner``); ``rows`` replace the open rows of the deadlines they were
        planned for."""
        updated = self.store.commit_action(
            case,
            state=case.state,
            fields=fields,
            event=event,
            deadlines=rows or [],
            close_deadlines=False,
            closed=case.closed_at is not None,
            outbox=outbox or [],
            owner=owner,
        )
        self._after(updated, event)
        return updated

    # -- versions ----------------------------------------------------------------

    def migrate(
        self, process_id: str, version: int, mapping: Mapping[str, str], actor: Actor, *, dry_run: bool
    ) -> list[migration.Move]:
        """Move every open case of ``process_id`` on another version to ``version`` (see
        :mod:`engine.migration`), each in one transaction; ``dry_run``: only say what
        would change. A case changed meanwhile is a Conflict for that case alone."""
        latest = self.registry.latest(process_id)
        target = (
            self.registry.pin(latest)
            if version == latest.process.version
            else self.registry.compiled(process_id, version)
        )
        new_states = [s.id for s in target.process.states]
        for new_state in mapping.values():
            if new_state not in new_states:
                raise BadInput(
                    msg("version {version} has no step `{state}`", version=version, state=new_state),
                    [
                        did_you_mean(new_state, new_states)
                        or msg("its steps: {steps}", steps=", ".join(new_states))
                    ],
                )
        cases = [
            c
            for c in self.store.list_cases(CaseFilter(process_id=process_id, open_only=True))
            if c.version != version
        ]
        old_states = sorted({s.id for c in cases for s in self.compiled_for(c).process.states})
        for old_state in mapping:
            if old_state not in old_states:
                raise BadInput(
                    msg("no case to move is in a step `{state}`", state=old_state),
                    [
                        did_you_mean(old_state, old_states)
                        or msg("their steps: {steps}", steps=", ".join(old_states))
                    ],
                )
        found = list(
            migration.moves(
                cases,
                target.process,
                lambda c: self.compiled_for(c).process,
                lambda c: migration.entered_at(c, self.store.history(c.id)),
                mapping,
            )
        )
        if dry_run:
            return found
        now = self.now()
        for move in found:
            if move.to_state is None:
                continue
            event = migration.event(move, actor.id, now, actor.account)
            updated = self.store.commit_action(
                move.case,
                state=move.to_state,
                fields=dict(move.case.fields),
                event=event,
                deadlines=list(move.deadlines),
                close_deadlines=move.replan,
                closed=move.to_state in target.final_states,
                version=(version, target.definition.sha256),
            )
            self._after(updated, event)
        return found

    # -- importing ---------------------------------------------------------------

    def import_file(
        self,
        sheet: "Sheet",
        process_id: str,
        mapping: Mapping[str, str],
        actor: Actor,
        *,
        dry_run: bool,
        lang: str,
    ) -> "ImportReport":
        """Open a case of ``process_id`` for each row of ``sheet`` (``engine.importing``)
        as ``actor``, who may (the service's to decide); ``dry_run``: only say what would
        be opened, and what is wrong."""
        from samskab.engine.importing import Import, Importer

        definition = self.registry.latest(process_id)
        assert self.audit_key is not None, "open_engine sets the key"
        return Import(
            self.store,
            definition,
            sheet,
            mapping,
            Importer(actor, self.register(), self.owner_reasons, self.now(), lang),
            self.audit_key,
            pin=lambda: self.registry.pin(definition),
            after=self._after if self.pm.hook.after_action.get_hookimpls() else None,
        ).run(dry_run=dry_run)

    # -- deadlines ---------------------------------------------------------------

    def tick(self) -> TickReport:
        """Fire every reminder and deadline that is due, each exactly once; take an audit
        checkpoint (for a store that keeps them); then deliver.

        What fails for one case (a plugin's guard that raises, a broken definition) is
        recorded on that case's history and in the report, and tick goes on with the
        rest. A database that cannot be written (damaged, read-only, a full disk) stops
        it: the error says how many it had handled (and saved) before. The notes samskab
        writes into the history here are in Danish, the language of the municipality and
        of the step titles they quote.
        """
        report = TickReport()
        now = self.now()
        due = list(self.store.due_deadlines(now))
        saved = 0
        for start in range(0, len(due), TICK_BATCH):
            held: list[tuple[Case, Event]] = []
            self._held_after = held
            try:
                with self.store.batch():
                    self._fire_batch(due[start : start + TICK_BATCH], now, report)
            except StorageFailed as failed:
                if saved:
                    failed.details.append(
                        msg(
                            "the {count} deadline(s) and reminder(s) handled before it were saved",
                            count=saved,
                        )
                    )
                raise
            finally:
                self._held_after = None
            saved = len(report.reminders + report.deadlines + report.actions + report.skipped)
            for case, event in held:  # plugins hear of what is saved, once it is
                self._after(case, event)
        with contextlib.suppress(Busy):  # another writer: tidied at the next tick
            self.store.tidy()
        self.store.audit_checkpoint(now)
        return attrs.evolve(report, delivery=self.deliver())

    def _fire_batch(self, batch: list[Deadline], now: dt.datetime, report: "TickReport") -> None:
        """Fire ``batch`` in the transaction under way: the deadlines that take an action
        one by one, the others written together (``Store.fire_deadlines``), those of a
        case always before the action that moves it on."""
        pending: list[tuple[Firing, Case, list[Event]]] = []
        wanted = CaseFilter(ids=tuple({d.case_id for d in batch}))
        cases: dict[int, Case | None] = {case.id: case for case in self.store.list_cases(wanted)}

        def write() -> None:
            try:
                fired = self.store.fire_deadlines([firing for firing, _, _ in pending])
            except (Busy, Conflict):  # another writer: they are there next tick
                fired = [False] * len(pending)
            for (firing, case, said), done in zip(pending, fired, strict=True):
                if done:
                    said.append(firing.event)
                    self._after(case, firing.event)
            pending.clear()

        for deadline in batch:
            try:
                if deadline.kind == DEADLINE and deadline.action:
                    if any(case.id == deadline.case_id for _, case, _ in pending):
                        write()
                    self._fire_action(deadline, cases.get(deadline.case_id), now, report)
                    cases[deadline.case_id] = self.store.get_case(deadline.case_id)  # moved on
                elif planned := self._firing(deadline, cases.get(deadline.case_id), now, report):
                    pending.append(planned)
            except (Busy, Conflict):  # another writer: the deadline is there next tick
                continue
            except StorageFailed:
                raise
            except Exception as error:
                self._failed(deadline, now, error, report)
        write()

    def _fire_action(self, due: Deadline, case: Case | None, now: dt.datetime, report: "TickReport") -> None:
        """Take the action a passed deadline of ``case`` takes; if it cannot be taken,
        say why on the case (written at once)."""
        log.info("case %d: %s of %s due %s", due.case_id, due.kind, due.state, clock.to_text(due.due_at))
        if case is None or case.state != due.state:
            return
        assert due.action is not None
        try:
            _, event = self.advance(case.id, due.action, _fire_deadline=due)
            report.actions.append(event)
            return
        except Refused as refused:
            process = self.compiled_for(case).process
            reasons = "; ".join(text(reason, "da") for reason in refused.reasons)
            action = process.action(due.action)
            note = msg(
                "{state}: deadline passed; {action} could not be taken: {reasons}",
                state=deadlines.name(process, due, "da"),
                action=action.title.da if action else due.action,
                reasons=reasons,
            )
        firing = self._said(process, case, due, note, now)
        if self.store.fire_deadlines([firing])[0]:
            report.deadlines.append(firing.event)
            self._after(case, firing.event)

    def _firing(
        self, due: Deadline, case: Case | None, now: dt.datetime, report: "TickReport"
    ) -> tuple[Firing, Case, list[Event]] | None:
        """What firing ``due`` of ``case`` writes (no action taken), the case and the
        report's list it goes to once written; None if its case has moved on."""
        log.info("case %d: %s of %s due %s", due.case_id, due.kind, due.state, clock.to_text(due.due_at))
        if case is None or case.state != due.state:
            return None
        process = self.compiled_for(case).process
        state_title = deadlines.name(process, due, "da")
        if due.kind == DEADLINE:
            note = msg("{state}: deadline passed ({due})", state=state_title, due=due_day(due.due_at, "da"))
            return self._said(process, case, due, note, now), case, report.deadlines
        deadline_at = self._deadline_of(due)
        if deadline_at <= now:
            # A reminder for a deadline already passed would only confuse: skipped, said so.
            note = msg(
                "{state}: reminder skipped, the deadline ({due}) has passed",
                state=state_title,
                due=due_day(deadline_at, "da"),
            )
            event = Event(
                case.id, now, SYSTEM_ACTOR, REMINDER, None, case.state, case.state, {}, text(note, "da")
            )
            return Firing(due, event), case, report.skipped
        note = msg("{state}: reminder, due {due}", state=state_title, due=due_day(deadline_at, "da"))
        return self._said(process, case, due, note, now), case, report.reminders

    def _said(self, process: Process, case: Case, due: Deadline, note: Msg, now: dt.datetime) -> Firing:
        """A deadline's or reminder's firing that says ``note`` on the case, with its
        messages and (a deadline's) next occurrence."""
        kind = REMINDER if due.kind == REMINDER else DEADLINE
        deadline_at = self._deadline_of(due) if kind == REMINDER else due.due_at
        event = Event(case.id, now, SYSTEM_ACTOR, kind, None, case.state, case.state, {}, text(note, "da"))
        return Firing(
            due,
            event,
            self._messages(process, case, event, deadline_at, about=due),
            deadlines.following(process, due, case.fields, now) if kind == DEADLINE else [],
        )

    def _failed(self, due: Deadline, now: dt.datetime, error: Exception, report: "TickReport") -> None:
        """Record on the case that samskab could not handle ``due``; the deadline counts as
        fired, so the failure is said once, not at every tick. A recurring deadline goes
        on with its next occurrence where that can still be planned."""
        note = text(
            msg("samskab could not handle a deadline: {error}", error=f"{type(error).__name__}: {error}"),
            "da",
        )
        case = self.store.get_case(due.case_id)
        state = case.state if case else due.state
        event = Event(due.case_id, now, SYSTEM_ACTOR, due.kind, None, state, state, {}, note)
        try:
            process = self.compiled_for(case).process if case and due.kind == DEADLINE else None
            follow = deadlines.following(process, due, case.fields, now) if process and case else []
        except Exception:  # what failed may be the definition itself
            follow = []
        try:
            self.store.fire_deadlines([Firing(due, event, (), follow)])
        except Exception as again:
            event = attrs.evolve(event, note=f"{note} ({type(again).__name__}: {again})")
        log.error("case %d: could not handle its %s: %s", due.case_id, due.kind, note)
        report.failed.append(event)

    def _messages(
        self,
        process: Process,
        case: Case,
        event: Event,
        due: dt.datetime | None,
        *,
        about: Deadline | None = None,
    ) -> list[Outgoing]:
        """What goes into the outbox for ``event`` (see ``engine.notifications``)."""
        if not self.channels:
            return []
        return notifications.plan(
            process, case, event, self.register(), self.channels, due, about, self.installation()
        )

    def deliver(self) -> DeliveryReport:
        """Send what is due in the outbox."""
        return deliver(self.store, self.channels, self.now(), self.config.delivery)

    def _after(self, case: Case, event: Event) -> None:
        if not self.pm.hook.after_action.get_hookimpls():
            return
        if self._held_after is not None:  # inside a batch: told once it is saved
            self._held_after.append((case, event))
            return
        try:
            self.pm.hook.after_action(case=case, event=event, store=self.store)
        except Exception as exc:  # a plugin's bug must not look like a failed action
            self.plugin_errors.append(
                f"case {case.id}: a plugin failed after `{event.action or event.kind}` was saved: "
                f"{type(exc).__name__}: {exc}"
            )

    def _deadline_of(self, reminder: Deadline) -> dt.datetime:
        for row in self.store.deadlines(reminder.case_id):
            if row.kind == DEADLINE and (row.state, row.rule) == (reminder.state, reminder.rule):
                return row.due_at
        return reminder.due_at


def open_engine(
    db: str | None = None,
    *,
    config_path: Path | None = None,
    process_dirs: Iterable[Path] = (),
    pm: pluggy.PluginManager | None = None,
    create: bool | None = True,
) -> Engine:
    """Open the store for ``db`` (a path or URL; default ``samskab.db``) and load
    everything. ``create``: where there is no database, make one (True), say so
    (False), or use an empty one that is not kept (None; see the ``open_store`` hook)."""
    pm = pm or make_plugin_manager()
    url = db or "samskab.db"
    store = pm.hook.open_store(url=url, create=create)
    if store is None:
        raise BadInput(msg("no storage plugin can open {url}", url=repr(url)))
    explicit = config_path is not None
    if config_path is None:
        config_path = (store.config_directory() or Path.cwd()) / CONFIG_NAME
    config = load_config(config_path, required=explicit)
    localtime.use(ZoneInfo(config.timezone))
    dirs = config.process_dirs(config_path) + list(process_dirs)
    engine = Engine(store, pm, config, dirs, config_origin=str(config_path))
    engine.audit_key = _audit_key(store)
    if config.people and store.get_case(people.REGISTER) is None:
        seed = dict(config.people)
        if not people.has_admin(seed):
            seed = people.with_admin(seed, os_account())
        note = msg("registered from {file}: {people}", file=config_path.name, people=", ".join(sorted(seed)))
        engine.change_people(engine.actor(), seed, text(note, "da"))
    return engine


def _audit_key(store: Store) -> audit.Key:
    """The key the history is kept under: made at first use (and then the history so far
    is linked under it), or a clear error if a keyed history's key is missing."""
    path = store.audit_key_path()
    if path is None:
        key, new = audit.Key(secrets.token_bytes(audit.KEY_BYTES)), True
    else:
        key, new = audit.load_key(path, create=not store.audit_keyed())
    if new and path is not None:
        log.warning("made the audit key %s: keep it, and keep it from others", path)
    try:
        store.use_audit_key(key, new_key=new)
    except BaseException:
        if new and path is not None:  # made for a history that could not be kept under it
            path.unlink(missing_ok=True)
        raise
    return key


def _due(rows: Iterable[Deadline]) -> dt.datetime | None:
    """When the open deadline among ``rows`` falls due (reminders aside)."""
    return min((d.due_at for d in rows if d.kind == DEADLINE), default=None)


def _replaced(open_rows: Iterable[Deadline], rows: list[Deadline]) -> list[Deadline]:
    """The open rows after ``rows`` replaced those of the deadlines they were planned for."""
    planned = {(row.state, row.rule) for row in rows}
    return [row for row in open_rows if (row.state, row.rule) not in planned] + rows


def _joined(texts: Iterable[Text]) -> Both:
    texts = list(texts)
    return Both(", ".join(t.da for t in texts), ", ".join(t.get("en") for t in texts))


def labels(process: Process, field_ids: Iterable[str]) -> Both:
    """The labels of ``field_ids``, in both languages, for a message."""
    return _joined([f.label for f in map(process.field, field_ids) if f])


def _stored(process: Process, sets: Mapping[str, Any]) -> dict[str, Any]:
    """An action's ``sets`` as its fields store them ("0" money is "0.00")."""
    stored = {}
    for name, value in sets.items():
        field = process.field(name)
        if value is None or isinstance(value, bool) or field is None or field.type == "integer":
            stored[name] = value
        else:
            stored[name] = fieldtypes.parse(field, str(value))
    return stored

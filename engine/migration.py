"""Moving running cases to a new version of their process (``samskab processes migrate``).

A case runs on the version it was opened with. When a municipality changes a process and
wants its running cases on the new version, each open case is moved in one transaction:
to the step of the same id in the new version, or the one ``mapping`` names; its
deadlines planned again when its step or the step's deadline changed (counted from when
the case entered the step, as if it had run on the new version); and an event saying
from which version to which, and who moved it. A case whose step the new version lacks,
and no mapping names, stays where it is and is listed. Fields the new version no longer
has keep their values (nothing is lost) and are listed.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs

from samskab.engine import deadlines
from samskab.engine.cases import ACTION, CREATED, MIGRATION, Case, Deadline, Event
from samskab.engine.definition import Process
from samskab.engine.messages import Msg, msg


@attrs.frozen
class Move:
    """What migrating one case does (or would do)."""

    case: Case
    old: Process
    new: Process
    to_state: str | None
    """None: the case stays (its step is not in the new version, and no mapping names one)."""
    dropped: tuple[str, ...]
    """Fields holding a value that the new version does not have."""
    deadlines: tuple[Deadline, ...]
    """The deadlines planned again; empty when they stay as they are."""
    replan: bool

    @property
    def reason(self) -> Msg | None:
        if self.to_state is not None:
            return None
        return msg(
            "version {version} has no step `{state}`; say where it goes with --map {state}=STEP",
            version=self.new.version,
            state=self.case.state,
        )


def moves(
    cases: Iterable[Case],
    new: Process,
    old_of: Callable[[Case], Process],
    entered: Callable[[Case], dt.datetime],
    mapping: Mapping[str, str],
) -> Iterator[Move]:
    """What migrating each of ``cases`` to ``new`` does: ``old_of`` gives the version a
    case runs on, ``entered`` when it entered its step."""
    for case in cases:
        old = old_of(case)
        mapped = mapping.get(case.state, case.state)
        to_state = mapped if new.has_state(mapped) else None
        dropped = tuple(f for f, v in case.fields.items() if v is not None and new.field(f) is None)
        replan = to_state is not None and (
            to_state != case.state or old.state(case.state).all_deadlines != new.state(to_state).all_deadlines
        )
        rows = (
            tuple(deadlines.plan(new, case.id, to_state, case.fields, entered(case)))
            if replan and to_state is not None
            else ()
        )
        yield Move(case, old, new, to_state, dropped, rows, replan)


def entered_at(case: Case, history: list[Event]) -> dt.datetime:
    """When the case entered the step it is in (its deadlines count from then)."""
    for event in reversed(history):
        if (
            event.kind in (CREATED, ACTION)
            and event.to_state == case.state
            and event.from_state != case.state
        ):
            return event.at
    return case.created_at


def event(move: Move, actor: str, at: dt.datetime, account: str | None) -> Event:
    assert move.to_state is not None
    note = f"version {move.old.version} → {move.new.version}"
    return Event(
        move.case.id, at, actor, MIGRATION, None, move.case.state, move.to_state, {}, note, account=account
    )

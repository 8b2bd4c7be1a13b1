"""The audit trail: every event's digest, chained per case and across the database.

Each event gets ``digest = sha256(canonical JSON of its content)``, ``case_link =
sha256(previous case_link of the same case + digest)`` and ``chain = sha256(previous
chain + digest)``. An edit made behind samskab's back changes a digest (or, if the
editor recomputed it, breaks the links after it), and :func:`verify` names the first
event where that shows.

Personal data can be erased (GDPR) without breaking the chain: the erasure keeps the
stored digests, pseudonymises the content and records which events it touched; those
events' content is then no longer compared with their digest, while every link still is.
"""

import hashlib
from collections.abc import Iterable
from typing import Any

import attrs

from samskab.engine import clock, jsontext
from samskab.engine.cases import ACTION, CREATED, ERASURE, PEOPLE, Case, Event

GENESIS = "0" * 64


def digest(event: Event) -> str:
    """sha256 of the event's content as JSON with sorted keys (its id and links left out).
    Its time is hashed as the text ``clock.to_text`` writes, as it always was."""
    content = {
        "case": event.case_id,
        "at": clock.to_text(event.at),
        "actor": event.actor,
        "kind": event.kind,
        "action": event.action,
        "from": event.from_state,
        "to": event.to_state,
        "changes": dict(event.changes),
        "note": event.note,
    }
    if event.account is not None:
        content["account"] = event.account
    return hashlib.sha256(jsontext.dumps(content).encode()).hexdigest()


def link(previous: str | None, current: str) -> str:
    return hashlib.sha256(((previous or GENESIS) + current).encode()).hexdigest()


@attrs.frozen
class AuditRow:
    """A stored event with the digest and links stored beside it."""

    event: Event
    digest: str
    case_link: str
    chain: str


@attrs.frozen
class Broken:
    event_id: int
    case_id: int
    what: str


@attrs.define
class Replayed:
    """A case as its history makes it: the step, the fields and the revision."""

    state: str
    fields: dict[str, Any]
    revision: int
    last_event: int

    @classmethod
    def start(cls, event: Event) -> "Replayed":
        assert event.id is not None
        return cls(event.to_state, dict(event.changes), 1, event.id)

    def follow(self, event: Event) -> None:
        """An action (or a change to the register of people) moves the case and sets
        fields; an erasure changes the revision only; reminders and passed deadlines
        change nothing."""
        assert event.id is not None
        self.last_event = event.id
        if event.kind in (ACTION, PEOPLE):
            self.state = event.to_state
            self.fields.update(event.changes)
            self.revision += 1
        elif event.kind == ERASURE:
            self.revision += 1


def verify(
    rows: Iterable[AuditRow], erased: set[int], cases: Iterable[Case] = ()
) -> tuple[int, Broken | None]:
    """Check every event in order, then that each of ``cases`` is what its history makes
    it (so a case changed without an event shows); (events checked, the first break)."""
    last_chain: str | None = None
    last_link: dict[int, str] = {}
    replayed: dict[int, Replayed] = {}
    count = 0
    for row in rows:
        count += 1
        event = row.event
        assert event.id is not None, "a stored event has an id"
        if event.id not in erased and digest(event) != row.digest:
            return count, Broken(event.id, event.case_id, "its content does not match its digest (edited?)")
        if row.case_link != link(last_link.get(event.case_id), row.digest):
            return count, Broken(
                event.id, event.case_id, "the case's chain is broken here (an event removed or changed?)"
            )
        if row.chain != link(last_chain, row.digest):
            return count, Broken(event.id, event.case_id, "the database's chain is broken here")
        last_link[event.case_id] = row.case_link
        last_chain = row.chain
        if event.kind == CREATED:
            replayed[event.case_id] = Replayed.start(event)
        elif event.case_id in replayed:
            replayed[event.case_id].follow(event)
    for case in cases:
        history = replayed.get(case.id)
        if history is None:
            return count, Broken(0, case.id, "the case has no history (added without an event?)")
        if (case.state, dict(case.fields), case.revision) != (
            history.state,
            history.fields,
            history.revision,
        ):
            return count, Broken(
                history.last_event,
                case.id,
                "the case's step, fields or revision do not follow from its history (changed without an event?)",
            )
    return count, None

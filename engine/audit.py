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

import attrs

from samskab.engine import clock, jsontext
from samskab.engine.cases import Event

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


def verify(rows: Iterable[AuditRow], erased: set[int]) -> tuple[int, Broken | None]:
    """Check every event in order; (events checked, the first broken link or None)."""
    last_chain: str | None = None
    last_link: dict[int, str] = {}
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
    return count, None

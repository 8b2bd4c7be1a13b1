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
import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

GENESIS = "0" * 64


def digest(case_id: int, at: str, actor: str, kind: str, action: str | None, from_state: str | None,
           to_state: str, changes: Mapping[str, Any], note: str | None, account: str | None = None) -> str:
    content = {
        "case": case_id, "at": at, "actor": actor, "kind": kind, "action": action,
        "from": from_state, "to": to_state, "changes": dict(changes), "note": note,
    }
    if account is not None:
        content["account"] = account
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def link(previous: str | None, current: str) -> str:
    return hashlib.sha256(((previous or GENESIS) + current).encode()).hexdigest()


@attrs.frozen
class AuditRow:
    id: int
    case_id: int
    at: str
    actor: str
    kind: str
    action: str | None
    from_state: str | None
    to_state: str
    changes: Mapping[str, Any]
    note: str | None
    digest: str
    case_link: str
    chain: str
    account: str | None = None


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
        if row.id not in erased:
            content = digest(row.case_id, row.at, row.actor, row.kind, row.action, row.from_state,
                             row.to_state, row.changes, row.note, row.account)
            if content != row.digest:
                return count, Broken(row.id, row.case_id, "its content does not match its digest (edited?)")
        if row.case_link != link(last_link.get(row.case_id), row.digest):
            return count, Broken(row.id, row.case_id, "the case's chain is broken here (an event removed or changed?)")
        if row.chain != link(last_chain, row.digest):
            return count, Broken(row.id, row.case_id, "the database's chain is broken here")
        last_link[row.case_id] = row.case_link
        last_chain = row.chain
    return count, None

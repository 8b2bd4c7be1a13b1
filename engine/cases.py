"""Cases, their history and their deadlines, as small frozen objects read from a store.

Every time is a timezone-aware :class:`datetime.datetime` in UTC, to the second.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

CREATED = "created"
ACTION = "action"
DEADLINE = "deadline"
REMINDER = "reminder"
ERASURE = "erasure"
COMMENT = "comment"
"""A note on a case without taking a step."""
CORRECTION = "correction"
"""Fields corrected without moving the case; the note says why."""
DOCUMENT = "document"
"""A document attached to the case; its changes record the document (``document``: its
id, name, size and the sha256 of its content), so ``audit verify`` notices content swapped
afterwards."""
DOCUMENT_DELETED = "document_deleted"
"""A document's content deleted (it named a person, or should not have been kept); its
changes record the document's id and name and the sha256 of what it holds now."""
PEOPLE = "people"
"""A change to the register of people (see ``engine.people``)."""
HANDOVER = "handover"
"""The case handed over to another owner (the event's ``owner``); the note says why."""
MIGRATION = "migration"
"""The case moved to another version of its process (``engine.migration``); the note says
from which to which."""

LINK = "link"
"""The case linked to another by hand (the event's ``link_kind`` and ``link_case``)."""
UNLINK = "unlink"
"""A link of the case to another removed (the event's ``link_kind`` and ``link_case``)."""

SYSTEM_ACTOR = "samskab"
"""The actor recorded when samskab itself acts, e.g. an automatic action at a deadline."""


@attrs.frozen
class Case:
    id: int
    title: str
    process_id: str
    version: int
    definition_sha256: str
    state: str
    fields: Mapping[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int
    closed_at: dt.datetime | None = None
    """When the case reached a final state."""
    next_due: dt.datetime | None = None
    """When the earliest open deadline of its step falls due (kept by the store)."""
    owner: str | None = None
    """The person id of who is responsible for the case (its *ansvarlig*): named when it
    is opened (by default the person who opens it), changed only by a handover."""


@attrs.frozen
class Event:
    """One line of a case's history: who did what, when, from which step to which."""

    case_id: int
    at: dt.datetime
    actor: str
    kind: str
    action: str | None
    from_state: str | None
    to_state: str
    changes: Mapping[str, Any] = attrs.field(factory=dict)
    note: str | None = None
    id: int | None = None
    account: str | None = None
    """The operating-system account that acted on ``actor``'s behalf, if not ``actor``."""
    owner: str | None = None
    """The case's owner from this event on: on a ``created`` event (None in histories
    from before owners: the actor, who opened it) and a ``handover``."""
    link_kind: str | None = None
    """With ``link_case``: the case is linked to that case with this kind (see
    ``engine.links``) by a ``created`` event (opened as a sub-case, a renewal ...) or a
    ``link`` event, or no longer by an ``unlink`` event."""
    link_case: int | None = None
    imported: str | None = None
    """On a ``created`` event of a case imported from a file (``engine.importing``): the
    key of the row it came from, so that a row imported again is known and not opened
    twice. An HMAC under the audit key, naming nothing by itself."""


@attrs.frozen
class Link:
    """A link from one case to another, as the events that made it say."""

    case_id: int
    """The linking case ("case 12 is a renewal of ...")."""
    other_id: int
    """The case it links to ("... case 4")."""
    kind: str


@attrs.frozen
class Deadline:
    """A due time stored when a case enters a state: the deadline itself or a reminder."""

    case_id: int
    state: str
    kind: str
    due_at: dt.datetime
    action: str | None = None
    before: str | None = None
    """For a reminder: how long before the deadline (an ISO 8601 duration)."""
    fired_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    id: int | None = None
    rule: str | None = None
    """Which of its step's deadlines the row is (the ``id`` in the process file; None:
    the step's one deadline without an id). A reminder has its deadline's."""
    anchor: dt.datetime | None = None
    """For a recurring deadline counted from entering its step: that moment, which every
    occurrence is counted from (so the series never drifts)."""

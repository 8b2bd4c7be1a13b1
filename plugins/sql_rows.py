"""What the two SQL stores (SQLite and PostgreSQL) keep alike, and so share: a row as
either keeps it, and back into the engine's objects.

Both keep times as ISO 8601 text in UTC (``clock.to_text``: it sorts and compares as the
times do, and it is the form event digests hash) and values (fields, changes, payloads)
as JSON text exactly as ``engine.jsontext`` writes it, so that a row reads back as the
very value that was hashed; and both select the columns of a case, an event, a deadline
and a message in the same order. What differs between them (placeholders, locking, how
text is searched) stays in each store.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from typing import Any, TypeVar

import attrs

from samskab.engine import audit, clock, collation, jsontext
from samskab.engine.cases import Case, Deadline, Event
from samskab.engine.errors import StorageFailed
from samskab.engine.mentions import Mentions
from samskab.engine.messages import msg
from samskab.engine.store import OutboxRow, StoredDocument

EVENT_COLUMNS = (
    "case_id, at, actor, kind, action, from_state, to_state, changes, note, id, account, owner,"
    " link_kind, link_case, imported"
)
EVENT_WIDTH = EVENT_COLUMNS.count(",") + 1
"""How many columns ``EVENT_COLUMNS`` are: an audit row's digest and links come after."""
DOCUMENT_COLUMNS = (
    "d.id, d.case_id, d.name, d.size, d.sha256, d.event_id, e.at, e.actor, e.account, e.note, x.at"
)
"""A document (``d``) with the event that attached it (``e``) and the one that deleted it (``x``)."""
DOCUMENTS = "documents d JOIN events e ON e.id = d.event_id LEFT JOIN events x ON x.id = d.deleted_event_id"
"""Where ``DOCUMENT_COLUMNS`` are selected from."""
PERSONAL_EVENT_COLUMNS = "id, case_id, at, actor, kind, action, changes, note, account, owner"
PERSONAL_CASE_COLUMNS = "id, title, process_id, state, fields, created_at, owner"


class Person(Mentions):
    """The person's mentions (``engine.mentions``), and the LIKE patterns that find the
    rows which may hold them."""

    def __init__(self, texts: list[str]):
        super().__init__(texts)
        # LIKE ignores case for ASCII letters only: æ, ø and å are asked for as written,
        # in lower and in upper case.
        forms = {form for t in self.texts for form in (t, t.lower(), t.upper(), t.title())}
        self.patterns = sorted(f"%{escape_like(form)}%" for form in forms)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def next_due(deadlines: Sequence[Deadline]) -> dt.datetime | None:
    return min((d.due_at for d in deadlines if d.kind == "deadline"), default=None)


def event_row(case_id: int, event: Event) -> tuple[Any, ...]:
    """An event as both stores insert it: the columns of ``EVENT_COLUMNS`` before its id."""
    return (
        case_id,
        clock.to_text(event.at),
        event.actor,
        event.kind,
        event.action,
        event.from_state,
        event.to_state,
        jsontext.dumps(dict(event.changes)),
        event.note,
        event.account,
        event.owner,
        event.link_kind,
        event.link_case,
        event.imported,
    )


INSERT_EVENT = (
    "INSERT INTO events (case_id, at, actor, kind, action, from_state, to_state, changes, note, account,"
    " owner, link_kind, link_case, imported, digest, case_link"
)
"""How both stores begin to insert an event (``event_row``, then its digest and case link)."""
EVENT_VALUES = ", ".join("?" * (EVENT_WIDTH + 1))
"""The placeholders of ``INSERT_EVENT``'s values: ``event_row``'s (every column but the
id), the digest and the case link."""


_NUMBER_TEXT = re.compile(r"(?=.*[0-9])[0-9.-]+")
_NUMBER_PREFIX = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def field_order_keys(fields: dict[str, Any]) -> dict[str, tuple[float | None, str]]:
    """How each field with a value sorts (``Store.list_cases`` by ``field:<id>``), as
    SQLite's store sorts it in SQL, for a store that keeps the keys beside the case:
    (its number, or None for a text that is not one; what sorts texts as titles sort,
    empty for a number). A JSON number (and yes/no) is its value; a text of digits,
    ``.`` and ``-`` is the number it begins with (money "12500.00"; a date by its year)."""
    keys: dict[str, tuple[float | None, str]] = {}
    for field_id, value in fields.items():
        if value is None or value == "":
            continue
        if isinstance(value, bool | int | float):
            keys[field_id] = (float(value), "")
            continue
        text = value if isinstance(value, str) else jsontext.dumps(value)
        number = None
        if _NUMBER_TEXT.fullmatch(text):
            prefix = _NUMBER_PREFIX.match(text)
            number = float(prefix[0]) if prefix else 0.0
        keys[field_id] = (number, collation.key(text))
    return keys


def acted(
    case: Case,
    state: str,
    fields: dict[str, Any],
    event: Event,
    deadlines: Sequence[Deadline],
    *,
    close_deadlines: bool,
    closed: bool,
    owner: str | None,
    version: tuple[int, str] | None,
) -> tuple[Case, dict[str, Any]]:
    """What ``Store.commit_action`` makes of ``case``: the case as it will read back
    (but for ``next_due`` when new deadlines are given: that is the earliest open one
    once they are written), and the columns to set (only those that change besides the
    step and ``updated_at``: an index on a column left alone is not rewritten, and every
    page written is paid for at commit)."""
    closed_at = (case.closed_at or event.at) if closed else None
    owner = owner or case.owner
    columns: dict[str, Any] = {"state": state, "updated_at": clock.to_text(event.at)}
    if fields != case.fields:
        columns["fields"] = jsontext.dumps(fields)
    if closed_at != case.closed_at:
        columns["closed_at"] = to_text(closed_at)
    if close_deadlines and not deadlines and case.next_due is not None:
        columns["next_due"] = None
    if owner != case.owner:
        columns["owner"] = owner
    if version is not None:
        columns["version"], columns["definition_sha256"] = version
    after = attrs.evolve(
        case,
        state=state,
        fields=fields,
        updated_at=event.at,
        revision=case.revision + 1,
        closed_at=closed_at,
        next_due=None if "next_due" in columns else case.next_due,
        owner=owner,
    )
    if version is not None:
        after = attrs.evolve(after, version=version[0], definition_sha256=version[1])
    return after, columns


def to_text(moment: dt.datetime | None) -> str | None:
    """A time as the database keeps it (None stays None)."""
    return None if moment is None else clock.to_text(moment)


def to_time(text: str | None) -> dt.datetime | None:
    """A time the database kept (None stays None)."""
    return None if text is None else moment(text)


def moment(text: str) -> dt.datetime:
    try:
        return clock.from_text(text)
    except (ValueError, TypeError):
        raise damaged(msg("a time it holds is not a time")) from None


def loads(text: str) -> Any:
    """A value (fields, changes, a payload) the database kept as JSON text."""
    try:
        return jsontext.loads(text)
    except (ValueError, TypeError, AttributeError):  # AttributeError: NULL, or a number
        raise damaged(msg("a value it holds is not JSON")) from None


def damaged(error: str) -> StorageFailed:
    """The database file is damaged: SQLite found it so (``error`` in its words), or a
    value samskab wrote reads back as something samskab never writes."""
    return StorageFailed(msg("the database file is damaged ({error}); restore it from a backup", error=error))


def idempotency_key(installation: str, event_id: int, channel: str, recipient: str) -> str:
    """Unique to the message, across installations (their event numbers overlap)."""
    return hashlib.sha256(f"{installation}:{event_id}:{channel}:{recipient}".encode()).hexdigest()[:32]


T = TypeVar("T", bound=attrs.AttrsInstance)


def record(
    cls: type[T], row: tuple[Any, ...], *, json: tuple[str, ...] = (), times: tuple[str, ...] = ()
) -> T:
    """An engine object from a row whose columns are in the class's field order: the
    ``json`` columns read from JSON text, the ``times`` columns from ISO 8601 text."""
    values = dict(zip(attrs.fields_dict(cls), row, strict=True))
    for name in json:
        values[name] = loads(values[name])
    for name in times:
        values[name] = to_time(values[name])
    return cls(**values)


def case_of(row: tuple[Any, ...]) -> Case:
    return record(Case, row, json=("fields",), times=("created_at", "updated_at", "closed_at", "next_due"))


def event_of(row: tuple[Any, ...]) -> Event:
    return record(Event, row, json=("changes",), times=("at",))


def deadline_of(row: tuple[Any, ...]) -> Deadline:
    return record(Deadline, row, times=("due_at", "fired_at", "closed_at", "anchor"))


def document_of(row: tuple[Any, ...]) -> StoredDocument:
    return record(StoredDocument, row, times=("attached_at", "deleted_at"))


def document_name(kind: str, changes: Any) -> str:
    """The name of the document an event records ("" for any other event)."""
    recorded = audit.document_record(kind, changes) if isinstance(changes, dict) else None
    name = recorded.get("name") if recorded is not None else None
    return name if isinstance(name, str) else ""


def outbox_of(row: tuple[Any, ...]) -> OutboxRow:
    return record(OutboxRow, row, json=("payload",), times=("next_attempt_at", "created_at", "sent_at"))


def personal_data_of(found: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """What ``Store.personal_data`` answers, from the rows a store found: cases, events
    and refusals as both stores select them, messages with every outbox column, documents
    as ``DOCUMENT_COLUMNS`` (``renamed``: those whose name names the person)."""
    renamed = {row[0] for row in found["renamed"]}
    return {
        "cases": [
            {
                "id": c[0],
                "title": c[1],
                "process": c[2],
                "state": c[3],
                "fields": loads(c[4]),
                "created_at": moment(c[5]),
                "owner": c[6],
            }
            for c in found["cases"]
        ],
        "events": [
            {
                "id": e[0],
                "case": e[1],
                "at": moment(e[2]),
                "actor": e[3],
                "account": e[8],
                "kind": e[4],
                "action": e[5],
                "changes": loads(e[6]),
                "note": e[7],
                "owner": e[9],
            }
            for e in found["events"]
        ],
        "messages": [
            {
                "id": m[0],
                "case": m[3],
                "channel": m[4],
                "recipient": m[5],
                "subject": m[6],
                "body": m[7],
                "payload": loads(m[8]),
                "status": m[9],
                "last_error": m[12],
                "created_at": moment(m[13]),
                "sent_at": to_time(m[14]),
            }
            for m in found["messages"]
        ],
        "refusals": [
            {
                "case": r[1],
                "at": moment(r[2]),
                "actor": r[3],
                "account": r[4],
                "action": r[5],
                "reasons": loads(r[6]),
            }
            for r in found["refusals"]
        ],
        "documents": [
            {
                "id": d.id,
                "case": d.case_id,
                "name": d.name,
                "size": d.size,
                "sha256": d.sha256,
                "attached_at": d.attached_at,
                "actor": d.actor,
                "deleted": d.deleted_at is not None,
                "named": d.id in renamed,
            }
            for d in map(document_of, found["documents"])
        ],
    }

"""The audit trail: every event's digest, chained per case and across the database
under a key kept outside it, with heads that say where each chain ends.

Each event gets ``digest = sha256(canonical JSON of its content)``, ``case_link =
HMAC(key, previous case_link of the same case + digest)`` and ``chain = HMAC(key,
previous chain + digest)``. The key is a file beside the database, readable only by the
account samskab runs as (:func:`load_key`), so someone who can write the database but
not read the key cannot link a forged or edited event into a chain. The *heads* record
per case and for the database how many events there are and the last link, each with
an HMAC, so events removed at the end are found too. :func:`verify` checks all of it
and replays every case from its history; an *anchor* (the database's head, kept
elsewhere) also catches a whole database put back to an earlier copy of itself.

A store whose writers work in parallel (PostgreSQL) cannot chain every event across the
database without making every write wait for the one before. It keeps the case chains
and their heads as above and, instead of the database chain, *checkpoints*: from time to
time (``samskab tick``, ``audit anchor``) a :class:`Checkpoint` records where the chain
of every case that moved since the last one stands, chained to the checkpoint before it
under the key; the database's head is then the last checkpoint's. A case removed whole
(events, head and row) is found once a checkpoint has recorded it.

Personal data can be erased (GDPR) without breaking the chain: the erasure is an event
of its own, in the chain, listing the events it rewrote and the digests of their new
content; those events keep their original digest for the links and are compared with
the new one.

Documents kept with a case are outside the events, so each one's content is compared with
the sha256 its history records: the event that attached it, or the one that deleted its
content (which records the sha256 of what is left).
"""

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from samskab.engine import clock, jsontext
from samskab.engine.cases import (
    ACTION,
    COMMENT,
    CORRECTION,
    CREATED,
    DOCUMENT,
    DOCUMENT_DELETED,
    ERASURE,
    HANDOVER,
    LINK,
    MIGRATION,
    PEOPLE,
    UNLINK,
    Case,
    Event,
    Link,
)
from samskab.engine.errors import BadInput, file_problem
from samskab.engine.messages import msg

GENESIS = "0" * 64


def digest(event: Event, case_id: int | None = None) -> str:
    """sha256 of the event's content as JSON with sorted keys (its id and links left out),
    on case ``case_id`` if given (else its own ``case_id``). Its time is hashed as the
    text ``clock.to_text`` writes, as it always was."""
    content = {
        "case": event.case_id if case_id is None else case_id,
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
    if event.owner is not None:
        content["owner"] = event.owner
    if event.link_kind is not None:
        content["link"] = {"kind": event.link_kind, "case": event.link_case}
    if event.imported is not None:
        content["imported"] = event.imported
    return hashlib.sha256(jsontext.dumps(content).encode()).hexdigest()


def link(previous: str | None, current: str) -> str:
    """The unkeyed link of databases from before the key (read once, when keyed)."""
    return hashlib.sha256(((previous or GENESIS) + current).encode()).hexdigest()


DATABASE = 0
"""The heads' number for the database-wide chain (cases are numbered from 1)."""


class Key:
    """The audit key: links, heads and pseudonyms are HMACs under it."""

    def __init__(self, secret: bytes):
        self._secret = secret

    def _mac(self, text: str) -> str:
        return hmac.digest(self._secret, text.encode(), "sha256").hex()

    def link(self, previous: str | None, current: str) -> str:
        return self._mac((previous or GENESIS) + current)

    def head(self, case_id: int, count: int, last: str) -> str:
        """The HMAC that keeps a head (``case_id`` 0: the database's) from being rewound."""
        return self._mac(f"head:{case_id}:{count}:{last}")

    def fingerprint(self) -> str:
        """Stored in the database: tells a wrong key from a changed history."""
        return self._mac("samskab audit key")

    def installation(self) -> str:
        """A stable name of this database, for ids that must be unique across
        installations (calendar UIDs, message ids)."""
        return self._mac("installation")[:16]

    def imported(self, text: str) -> str:
        """The key of a row imported from a file (``Event.imported``), made from what
        the row holds: the same for the same row, naming nothing without the key."""
        return self._mac("imported:" + text)[:32]

    def pseudonym(self, text: str) -> str:
        """Stable per person, not reversible without the key (from a list of addresses)."""
        return self._mac("pseudonym:" + text.casefold())[:16]


KEY_BYTES = 32


def load_key(path: Path, *, create: bool) -> tuple[Key, bool]:
    """The key in ``path`` and whether it was made now: made (owner-only, never over an
    existing file) only if ``create``; else a missing key is a clear error."""
    try:
        secret = path.read_bytes()
    except FileNotFoundError:
        if not create:
            raise BadInput(
                msg(
                    "the audit key {path} is missing: this database's history was kept with it; "
                    "restore it from a backup (without it the history can neither be verified nor extended)",
                    path=str(path),
                )
            ) from None
        secret = secrets.token_bytes(KEY_BYTES)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(secret)
                file.flush()
                os.fsync(file.fileno())
        except FileExistsError:  # another samskab made it just now: theirs counts
            return load_key(path, create=False)
        except OSError as error:
            raise file_problem(path, error) from None
        return Key(secret), True
    except OSError as error:
        raise file_problem(path, error) from None
    if len(secret) != KEY_BYTES:
        raise BadInput(
            msg("{path} is not a samskab audit key ({size} bytes)", path=str(path), size=len(secret))
        )
    return Key(secret), False


@attrs.frozen
class AuditRow:
    """A stored event with the digest and links stored beside it (``chain``: None in a
    store that keeps checkpoints instead of the database chain)."""

    event: Event
    digest: str
    case_link: str
    chain: str | None


@attrs.frozen
class Checkpoint:
    """Where the case chains stood when the checkpoint was taken: ``heads`` holds (case,
    events, last link) of each case whose chain moved since the checkpoint before;
    ``events`` is how many events the checkpoints have recorded so far (every case's
    count as last recorded, summed);
    ``link`` chains it to the checkpoint before under the key (:func:`checkpoint_link`)."""

    number: int
    at: dt.datetime
    events: int
    heads: tuple[tuple[int, int, str], ...]
    link: str


def checkpoint_link(
    key: "Key", previous: str | None, at: dt.datetime, events: int, heads: Iterable[tuple[int, int, str]]
) -> str:
    """The link of a checkpoint: its content's sha256, linked to the one before."""
    content = {"at": clock.to_text(at), "events": events, "heads": [list(head) for head in heads]}
    return key.link(previous, hashlib.sha256(jsontext.dumps(content).encode()).hexdigest())


@attrs.frozen
class Head:
    """Where a chain ends: how many events it has, its last link, and the HMAC of both."""

    case_id: int
    count: int
    last: str
    mac: str


@attrs.frozen
class Anchor:
    """The database's head as printed by ``audit anchor``, to be kept elsewhere."""

    events: int
    head: str


@attrs.frozen
class Broken:
    event_id: int
    case_id: int
    what: str


@attrs.frozen
class DocumentRow:
    """A kept document as :func:`verify` checks it: what its row says, and the sha256 of the
    bytes it holds now (computed from them by the store, never read from a column)."""

    id: int
    case_id: int
    name: str
    size: int
    sha256: str
    """Of the content as attached."""
    deleted: bool
    content_sha256: str


def document_record(kind: str, changes: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """What an event of ``kind`` with ``changes`` records of a document: ``id``, ``name``,
    ``size`` (when attached), ``sha256`` (of the content attached, or after a deletion of
    what is left) and, for a deletion, ``deleted`` (the sha256 of the content it deleted);
    None for any other event."""
    record = changes.get("document") if kind in (DOCUMENT, DOCUMENT_DELETED) else None
    return record if isinstance(record, Mapping) else None


@attrs.define
class Replayed:
    """A case as its history makes it: the step, the fields, the revision and the owner."""

    state: str
    fields: dict[str, Any]
    revision: int
    owner: str
    last_event: int

    @classmethod
    def start(cls, event: Event) -> "Replayed":
        """The opening event: its owner, or (recorded before owners) its actor."""
        assert event.id is not None
        return cls(event.to_state, dict(event.changes), 1, event.owner or event.actor, event.id)

    def follow(self, event: Event) -> None:
        """An action moves the case and sets fields, as do a correction, a comment and a
        change to the register (in the same step); a handover changes the owner and the
        revision; an erasure, a link and an unlink the revision only; reminders and passed
        deadlines change nothing."""
        assert event.id is not None
        self.last_event = event.id
        if event.kind in (ACTION, PEOPLE, COMMENT, CORRECTION, MIGRATION):
            self.state = event.to_state
            self.fields.update(event.changes)
            self.revision += 1
        elif event.kind == HANDOVER:
            self.owner = event.owner or self.owner
            self.revision += 1
        elif event.kind in (ERASURE, LINK, UNLINK):
            self.revision += 1


def _linking(event: Event, links: set[Link]) -> None:
    """The links as they are after ``event``: it makes one (opening a case linked to
    another, a link by hand) or removes one."""
    if event.link_kind is None or event.link_case is None:
        return
    link = Link(event.case_id, event.link_case, event.link_kind)
    if event.kind == UNLINK:
        links.discard(link)
    elif event.kind in (CREATED, LINK):
        links.add(link)


def verify(
    rows: Iterable[AuditRow],
    key: Key,
    heads: Iterable[Head] = (),
    cases: Iterable[Case] = (),
    anchor: Anchor | None = None,
    documents: Iterable[DocumentRow] | None = None,
    checkpoints: Sequence[Checkpoint] | None = None,
    links: Iterable[Link] | None = None,
) -> tuple[int, Broken | None]:
    """Check every event in order, the heads, then that each of ``cases`` is what its
    history makes it (so a case changed without an event shows), given ``links`` (every
    link between cases stored) that they are those the history makes, and given
    ``documents`` (every one the database keeps) that they are what the history records
    (so content swapped afterwards shows); (events checked, the first break).
    ``anchor``: the history must hold it (not rewound, not rewritten). ``checkpoints``:
    the store keeps those instead of the database chain (None: every row's ``chain``
    links it into the database chain)."""
    sealed = None if checkpoints is None else _Sealed(checkpoints, key)
    if sealed is not None and sealed.broken:
        return 0, sealed.broken
    last_chain: str | None = None
    last_link: dict[int, str] = {}
    counts: dict[int, int] = {}
    replayed: dict[int, Replayed] = {}
    mismatched: dict[int, tuple[str, int]] = {}
    """Events whose content is not what their digest says: erased, or edited."""
    rewritten: dict[int, str] = {}
    """The digest of each erased event's content now, as its erasure says."""
    kept = _Documents()
    linked: set[Link] = set()
    count = 0
    for row in rows:
        count += 1
        event = row.event
        assert event.id is not None, "a stored event has an id"
        content = digest(event)
        if content != row.digest:
            mismatched[event.id] = (content, event.case_id)
        if row.case_link != key.link(last_link.get(event.case_id), row.digest):
            return count, Broken(
                event.id,
                event.case_id,
                msg("the case's chain is broken here (an event removed, changed or forged?)"),
            )
        last_link[event.case_id] = row.case_link
        counts[event.case_id] = counts.get(event.case_id, 0) + 1
        if sealed is None:
            if row.chain != key.link(last_chain, row.digest):
                return count, Broken(event.id, event.case_id, msg("the database's chain is broken here"))
            if anchor is not None and count == anchor.events and row.chain != anchor.head:
                return count, Broken(event.id, event.case_id, msg("the history differs from the anchor here"))
            last_chain = row.chain
        elif broken := sealed.check(event, counts[event.case_id], row.case_link):
            return count, broken
        if event.kind == ERASURE:
            for erased, now in _erased(event).items():
                if erased >= event.id:
                    return count, Broken(event.id, event.case_id, msg("an erasure names a later event"))
                rewritten[erased] = now
        if event.kind == CREATED:
            replayed[event.case_id] = Replayed.start(event)
        elif event.case_id in replayed:
            replayed[event.case_id].follow(event)
        kept.follow(event)
        _linking(event, linked)
    for event_id, (content, case_id) in sorted(mismatched.items()):
        if rewritten.get(event_id) != content:
            return count, Broken(event_id, case_id, msg("its content does not match its digest (edited?)"))
    if sealed is None:
        if anchor is not None and count < anchor.events:
            return count, Broken(
                0, 0, msg("the history is shorter than the anchor (events removed, or an older copy?)")
            )
        database = (count, last_chain or GENESIS) if count else None
    else:
        broken = sealed.after(counts, anchor)
        if broken:
            return count, broken
        database = sealed.head
    broken = _heads(heads, key, counts, last_link, database, checkpointed=sealed is not None)
    if broken:
        return count, broken
    for case in cases:
        history = replayed.get(case.id)
        if history is None:
            return count, Broken(0, case.id, msg("the case has no history (added without an event?)"))
        if (case.state, dict(case.fields), case.revision, case.owner) != (
            history.state,
            history.fields,
            history.revision,
            history.owner,
        ):
            return count, Broken(
                history.last_event,
                case.id,
                msg(
                    "the case's step, fields, revision or owner do not follow from its history"
                    " (changed without an event?)"
                ),
            )
    broken = _links_broken(links, linked) if links is not None else None
    if broken is None and documents is not None:
        broken = kept.broken(documents)
    return count, broken


def _links_broken(links: Iterable[Link], linked: set[Link]) -> Broken | None:
    """The first link stored that the history does not make, or made and not stored."""
    for link in sorted(set(links) ^ linked, key=lambda found: (found.case_id, found.other_id, found.kind)):
        return Broken(
            0,
            link.case_id,
            msg(
                "its link to case {other} ({kind}) does not follow from its history"
                " (added or removed without an event?)",
                other=link.other_id,
                kind=link.kind,
            ),
        )
    return None


@attrs.define
class _Documents:
    """What the history records of each document, by id: the event that attached it (and
    its case, name, size and sha256), and the event that deleted its content (and the
    sha256 of what is left)."""

    # Keyed and filled by what events record, which an edited event may hold anything in
    # (found by its digest): compared, never trusted to be of a type.
    attached: dict[Any, tuple[int, int, Any, Any, Any]] = attrs.field(factory=dict)
    deleted: dict[Any, tuple[int, Any, Any]] = attrs.field(factory=dict)

    def follow(self, event: Event) -> None:
        record = document_record(event.kind, event.changes)
        if record is None:
            return
        assert event.id is not None
        if event.kind == DOCUMENT:
            self.attached[record.get("id")] = (
                event.id,
                event.case_id,
                record.get("name"),
                record.get("size"),
                record.get("sha256"),
            )
        else:
            self.deleted[record.get("id")] = (event.id, record.get("sha256"), record.get("deleted"))

    def broken(self, documents: Iterable[DocumentRow]) -> Broken | None:
        """The first document that is not what its history records, or one it records
        that is gone."""
        seen = set()
        for document in documents:
            seen.add(document.id)
            attached = self.attached.get(document.id)
            if attached is None:
                return Broken(
                    0,
                    document.case_id,
                    msg("document {id} has no event that attached it (added without one?)", id=document.id),
                )
            event_id, case_id, name, size, sha256 = attached
            if (document.case_id, document.name, document.size, document.sha256) != (
                case_id,
                name,
                size,
                sha256,
            ):
                return Broken(
                    event_id,
                    document.case_id,
                    msg(
                        "document {id} is not what the event that attached it records (changed?)",
                        id=document.id,
                    ),
                )
            deleted = self.deleted.get(document.id)
            if document.deleted and deleted is None:
                return Broken(
                    event_id,
                    document.case_id,
                    msg("document {id} is marked deleted, but no event deleted it", id=document.id),
                )
            if deleted is not None and not document.deleted:
                return Broken(
                    deleted[0],
                    document.case_id,
                    msg(
                        "document {id} is no longer marked deleted, though an event deleted it",
                        id=document.id,
                    ),
                )
            if deleted is not None and deleted[2] != sha256:
                return Broken(
                    deleted[0],
                    document.case_id,
                    msg(
                        "document {id}'s content was not what was attached when it was deleted (swapped?)",
                        id=document.id,
                    ),
                )
            recorded = deleted[1] if deleted else sha256
            if document.content_sha256 != recorded:
                return Broken(
                    deleted[0] if deleted else event_id,
                    document.case_id,
                    msg(
                        "document {id}'s content does not match the sha256 its history records (swapped?)",
                        id=document.id,
                    ),
                )
        for missing in sorted(set(self.attached) - seen):
            event_id, case_id, *_ = self.attached[missing]
            return Broken(
                event_id, case_id, msg("document {id} is gone from the database (removed?)", id=missing)
            )
        return None


class _Sealed:
    """The checkpoints, checked as a chain of their own, and what they say each case's
    history holds: the link at each count they recorded, and at least the last count."""

    def __init__(self, checkpoints: Sequence[Checkpoint], key: Key):
        self.broken: Broken | None = None
        self.wanted: dict[tuple[int, int], tuple[int, str]] = {}
        """(case, count) -> (checkpoint, the case's link after that many events)."""
        self.sealed: dict[int, tuple[int, int]] = {}
        """case -> (its count at the last checkpoint that recorded it, that checkpoint)."""
        self.anchors: dict[str, int] = {}
        """Each checkpoint's link -> the events it covered: what an anchor may be."""
        self.head: tuple[int, str] | None = None
        previous: str | None = None
        for checkpoint in checkpoints:
            if checkpoint.link != checkpoint_link(
                key, previous, checkpoint.at, checkpoint.events, checkpoint.heads
            ):
                self.broken = Broken(
                    0, 0, msg("checkpoint {number} of the database was changed", number=checkpoint.number)
                )
                return
            for case_id, count, last in checkpoint.heads:
                self.wanted[case_id, count] = (checkpoint.number, last)
                self.sealed[case_id] = (count, checkpoint.number)
            self.anchors[checkpoint.link] = checkpoint.events
            previous = checkpoint.link
            self.head = (checkpoint.events, checkpoint.link)

    def check(self, event: Event, count: int, case_link: str) -> Broken | None:
        """The case's link after its ``count``th event is the one a checkpoint recorded."""
        wanted = self.wanted.get((event.case_id, count))
        if wanted is not None and wanted[1] != case_link:
            return Broken(
                event.id or 0,
                event.case_id,
                msg("the case's history differs from checkpoint {number} here", number=wanted[0]),
            )
        return None

    def after(self, counts: Mapping[int, int], anchor: Anchor | None) -> Broken | None:
        """Every case a checkpoint recorded is still there, as long; the anchor is a checkpoint."""
        for case_id, (count, number) in sorted(self.sealed.items()):
            if counts.get(case_id, 0) < count:
                return Broken(
                    0,
                    case_id,
                    msg(
                        "the case's history ends before checkpoint {number} recorded it"
                        " (events, or the whole case, removed?)",
                        number=number,
                    ),
                )
        if anchor is None or self.anchors.get(anchor.head) == anchor.events:
            return None
        if anchor.events > (self.head[0] if self.head else 0):
            return Broken(
                0, 0, msg("the history is shorter than the anchor (events removed, or an older copy?)")
            )
        return Broken(0, 0, msg("the history differs from the anchor here"))


def _erased(event: Event) -> dict[int, str]:
    listed = event.changes.get("erased", {})
    return {int(k): v for k, v in listed.items()} if isinstance(listed, Mapping) else {}


def _heads(
    heads: Iterable[Head],
    key: Key,
    counts: Mapping[int, int],
    last_link: Mapping[int, str],
    database: tuple[int, str] | None,
    *,
    checkpointed: bool,
) -> Broken | None:
    """Each chain ends where its head says, and every head is one samskab wrote; the
    database's head is (events, last link) of its chain or of its last checkpoint."""
    expected = {case_id: (n, last_link[case_id]) for case_id, n in counts.items()}
    if database is not None:
        expected[DATABASE] = database
    seen = set()
    for head in heads:
        seen.add(head.case_id)
        if not hmac.compare_digest(head.mac, key.head(head.case_id, head.count, head.last)):
            return Broken(0, head.case_id, msg("a head of the chain was changed"))
        if expected.get(head.case_id) != (head.count, head.last):
            if head.case_id != DATABASE:
                what = msg("the case's history ends before its recorded head (events removed at the end?)")
            elif checkpointed:
                what = msg("the database's checkpoints end before its recorded head (a checkpoint removed?)")
            else:
                what = msg(
                    "the database's history ends before its recorded head (events removed at the end?)"
                )
            return Broken(0, head.case_id, what)
    for missing in sorted(set(expected) - seen):
        return Broken(0, missing, msg("a chain has no head (removed?)"))
    return None


def relinked(
    rows: Iterable[AuditRow], erased: set[int], key: Key
) -> Iterator[tuple[int, int, str, str, str]]:
    """For a history from before the key: check it as samskab then did (unkeyed links;
    the events in ``erased`` were erased and are not compared with their digest), and
    give each event's (id, case, digest, case link, chain) under ``key``. An erased event's
    digest becomes that of its content now. BadInput at the first break: a broken
    history is not keyed, which would hide the break."""
    old_chain: str | None = None
    old_link: dict[int, str] = {}
    chain: str | None = None
    links: dict[int, str] = {}
    for row in rows:
        event = row.event
        assert event.id is not None
        content = digest(event)
        if (
            (event.id not in erased and content != row.digest)
            or row.case_link != link(old_link.get(event.case_id), row.digest)
            or row.chain != link(old_chain, row.digest)
        ):
            raise BadInput(
                msg(
                    "the history was changed at event {event} (case {case}) before samskab kept it "
                    "under a key; restore the database from a backup",
                    event=event.id,
                    case=event.case_id,
                )
            )
        old_link[event.case_id] = row.case_link
        old_chain = row.chain
        now = content if event.id in erased else row.digest
        links[event.case_id] = key.link(links.get(event.case_id), now)
        chain = key.link(chain, now)
        yield event.id, event.case_id, now, links[event.case_id], chain


def content_digests(events: Iterable[Event]) -> dict[str, Any]:
    """What an erasure event records: each rewritten event's id and new digest."""
    return {"erased": {str(e.id): digest(e) for e in events}}

"""What the engine needs from storage, and the contract every store keeps. The built-in
SQLite store (``plugins.sqlite_store``) implements it; a plugin can bring another through
the ``open_store`` hook, and proves it keeps this contract by passing
``tests/test_store_conformance.py``.

Writes that belong together (a state change, its event, its deadlines, its messages)
are one call, so a store can make them one transaction. The rules every store keeps:

- **All or nothing.** Each method that writes is one transaction: it does everything
  its docstring says or, when it raises, nothing at all. Once it returns, what it wrote
  is committed: every store instance on the same database (another process, another
  machine) reads it.
- **The history is append-only.** No method changes or removes an event, with one
  exception: :meth:`Store.erase_personal_data` pseudonymises events in place, and
  records that it did (an erasure event on each case it touched, listing the events it
  changed and the digests of their new content).
- **Appends are keyed and never fork a chain.** Each event's digest
  (:func:`engine.audit.digest` of the event as stored) and case link (``Key.link`` under
  the key given to :meth:`Store.use_audit_key`) are computed from the case's head
  *inside* the write transaction that appends it, and the head (count, last link,
  ``Key.head``) moves in the same transaction; no other append to the same case can
  come between reading its head and committing. The database-wide part is one of two:

  - a *chain* (:meth:`Store.audit_checkpoints` is None): each event is also linked to
    the one before it in the database (``AuditRow.chain``), and the ``audit.DATABASE``
    head moves with every append, so appends to the whole database are serialised
    (SQLite: one writer at a time anyway, and every write transaction's first statement
    is a write, so it holds the lock before it reads);
  - *checkpoints* (PostgreSQL): appends to different cases never wait for each other;
    :meth:`Store.audit_checkpoint` seals, from time to time, where the chain of every
    case that moved since stands, chained to the checkpoint before, and the
    ``audit.DATABASE`` head is the last checkpoint's.

  Either way :func:`engine.audit.verify` holds on :meth:`Store.audit_rows`,
  :meth:`Store.audit_heads` and :meth:`Store.audit_checkpoints` after any interleaving
  of writers.
- **Links follow their events.** An event with a ``link_kind`` and ``link_case``
  (``engine.cases.Event``) of kind ``created`` or ``link`` adds the link from its case
  to ``link_case`` with that kind; of kind ``unlink``, removes it. The link is written
  in the transaction that appends the event, and :meth:`Store.links` gives exactly the
  links the history makes (``audit.verify`` checks it).
- **Ids are the store's.** Cases, events, deadlines, outbox messages and documents get
  positive integer ids, increasing in the order they are committed and never reused; ids given
  in the objects passed in (``Case.id``, ``Event.id``, ``Event.case_id``,
  ``Deadline.case_id`` of a new case) are ignored. Events in id order are the order of
  the chains. (A store whose writers work in parallel keeps this order within a case;
  across cases, of two transactions at once the one with the lower id may commit last.)
- **Times are datetimes.** Every time given or returned (on cases, events, deadlines
  and messages; in refusals, the outbox log and what :meth:`Store.personal_data` finds;
  ``now``, ``at``, ``until`` and ``CaseFilter.overdue_at``) is a timezone-aware
  :class:`datetime.datetime` in UTC, to the second (the engine's clock has no
  fractions). A time reads back equal to what was written, in UTC (one given with
  another offset, as the same moment in UTC), and times are ordered and compared as
  datetimes. How a store keeps them is its own (SQLite: ISO 8601 text,
  ``clock.to_text``, which sorts as the times do).
- **Values round-trip.** Fields, changes and payloads are JSON objects: they read back
  equal to what was written (``engine.jsontext``).
- **Errors.** A write the database holds off past the store's timeout is
  :class:`engine.errors.Busy`, with nothing written; a lost compare-and-swap is
  :class:`engine.errors.Conflict`, with nothing written. Storage that cannot be read or
  written as asked (a damaged file, a read-only one, a full disk) is
  :class:`engine.errors.StorageFailed`, from any method, with nothing written; never the
  database library's own exception.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from samskab.engine.cases import Case, Deadline, Event, Link
from samskab.engine.readmodels import CaseFilter

if TYPE_CHECKING:
    from samskab.engine.audit import AuditRow, Checkpoint, DocumentRow, Head, Key


@attrs.frozen
class Outgoing:
    """A message to write to the outbox. The store gives it its idempotency key."""

    channel: str
    recipient: str
    subject: str
    body: str
    payload: Mapping[str, Any]


@attrs.frozen
class Firing:
    """A deadline or reminder to mark fired, with the event and messages that say so
    (:meth:`Store.fire_deadlines`)."""

    deadline: Deadline
    event: Event
    outbox: Sequence[Outgoing] = ()
    follow: Sequence[Deadline] = ()
    """A recurring deadline's next occurrence."""


@attrs.frozen
class NewCase:
    """A case to open with another case's action (:meth:`Store.commit_action`): as
    :meth:`Store.create_case` takes it."""

    case: Case
    event: Event
    deadlines: Sequence[Deadline]
    outbox: Callable[[Case], Sequence[Outgoing]] | None = None


@attrs.frozen
class StoredDefinition:
    process_id: str
    version: int
    sha256: str
    text: str
    origin: str


@attrs.frozen
class OutboxRow:
    """A message in the outbox, and where its delivery stands.

    A message is written ``pending`` with the event that causes it (``next_attempt_at``
    and ``created_at`` are the event's time, ``attempts`` 0). Then::

        pending  --outbox_attempted, no error-------------------> sent       (final)
        pending  --outbox_attempted, error, next_attempt_at-----> pending    (attempts + 1)
        pending  --outbox_attempted, error, no next_attempt_at--> incident
        incident --outbox_resolve "retry"-----------------------> pending    (attempts 0, due now)
        incident --outbox_resolve "dismiss"---------------------> dismissed  (final)

    and a pending message can be retried now or dismissed the same way. Nothing else
    changes a message, except erasure (which pseudonymises its text).
    """

    id: int
    key: str
    """The idempotency key: unique in the outbox, fixed when the message is written and
    the same on every read, so a receiver that sees it twice can drop the copy."""
    event_id: int
    case_id: int
    channel: str
    recipient: str
    subject: str
    body: str
    payload: dict[str, Any]
    status: str
    """pending, sent, incident (gave up after the last retry) or dismissed."""
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


@attrs.frozen
class StoredDocument:
    """A document kept with a case, without its content: what the store records of it,
    and who attached it when (the event that did)."""

    id: int
    case_id: int
    name: str
    size: int
    """Bytes of the content as attached."""
    sha256: str
    """Of the content as attached, in hex."""
    event_id: int
    """The event that attached it."""
    attached_at: dt.datetime
    actor: str
    account: str | None
    note: str | None
    deleted_at: dt.datetime | None = None
    """When its content was deleted (:meth:`Store.delete_document`)."""


class Store(Protocol):
    """Storage for cases, their history, deadlines and outbox. See the module docstring
    for the rules every method keeps; each method's docstring says what it promises."""

    # -- definitions ---------------------------------------------------------------

    def save_definition(self, definition: StoredDefinition) -> None:
        """Keep a definition's text, so cases opened on it can be read after the file
        changed. A no-op when (process_id, version) is already kept: the first text
        kept for a version stays, whatever is saved for it later."""

    def definitions(self) -> list[StoredDefinition]:
        """Every kept definition, exactly as saved, in no promised order."""

    # -- writing cases ---------------------------------------------------------------

    def create_case(
        self,
        case: Case,
        event: Event,
        deadlines: Sequence[Deadline],
        outbox: Callable[[Case], Sequence[Outgoing]] | None = None,
    ) -> Case:
        """Insert a new case with its first event, deadlines and outbox messages, in one
        transaction; return the case as stored. The messages are ``outbox(case as
        stored)``, made inside the transaction, so they can name the case's new number.

        The store assigns the case's id (a negative one is kept: the register of people,
        ``engine.people``, which no list or count includes) and puts it on the event,
        the deadlines and the messages; everything else of ``case`` (revision and owner
        included) is kept as given. The returned case is ``case`` with its new id and ``next_due``,
        the earliest ``due_at`` among ``deadlines`` of kind ``deadline`` (reminders do not
        count; None if there is none). The event is appended to the chains as every event
        is (module docstring). Deadlines are stored open and unfired. Each message is
        stored ``pending``, due at ``event.at``, with ``created_at = event.at``, the new
        event's id and an idempotency key of its own; one call holds at most one message
        per (channel, recipient).
        """

    def import_cases(self, cases: Sequence[NewCase]) -> list[Case | None]:
        """Open ``cases`` (a batch imported from a file), in one transaction, each as
        :meth:`create_case` opens a case, but for those already imported; for each, in
        order, the case as stored, or None where it was imported already.

        Each case's event carries its ``imported`` key (``engine.cases.Event``), each a
        different one; an imported case has no messages (``outbox`` is None) and its
        event links to no case. A case whose key an event of the history has already
        is skipped: found and skipped inside the transaction, so that of two imports of
        the same rows at once, only one opens each (the other skips it, or is
        :class:`engine.errors.Busy` with nothing written). Otherwise as one
        :meth:`create_case` after another: ids in order, the events appended to the
        chains in order, deadlines open and unfired, ``next_due`` the earliest deadline.
        """

    def imported_cases(self, keys: Sequence[str]) -> dict[str, int]:
        """Of ``keys`` (``Event.imported``), those an event of the history carries, each
        with the number of the case it opened; the others are left out."""

    def commit_action(
        self,
        case: Case,
        *,
        state: str,
        fields: dict[str, Any],
        event: Event,
        deadlines: Sequence[Deadline],
        close_deadlines: bool,
        closed: bool,
        fire_deadline: int | None = None,
        outbox: Sequence[Outgoing] = (),
        owner: str | None = None,
        version: tuple[int, str] | None = None,
        opened: Sequence[NewCase] = (),
    ) -> Case:
        """Write a case's new state and fields with its event, deadlines and outbox
        messages, and open the ``opened`` cases, in one transaction; return the case as
        now stored (equal to ``get_case`` after it).

        The transaction starts with a compare-and-swap on the revision: it goes on only
        if the stored case still has ``case.revision``, and then the revision goes up by
        one. If not (someone else committed since ``case`` was read, or there is no such
        case), it raises :class:`engine.errors.Conflict` and writes nothing: no case
        column, event, deadline or message changes.

        Then: ``state`` and ``fields`` replace the stored ones and ``updated_at`` becomes
        ``event.at``. ``closed`` says the new state is final: ``closed_at`` becomes
        ``event.at`` (or stays, if the case was already closed); without it
        ``closed_at`` is None. ``fire_deadline`` (a deadline id) marks that deadline
        fired at ``event.at``, once: if it has fired already, or was closed, the whole
        call is a Conflict and writes nothing. ``close_deadlines`` closes every open
        deadline and reminder of the case (``closed_at = event.at``), before the new
        ``deadlines`` are stored open. New deadlines replace the open ones of the same
        ``(state, rule)``: those are closed at ``event.at`` first (a date a deadline
        counts from was corrected; a step's other deadlines stay as they are). When
        deadlines are closed or new ones given, ``next_due`` becomes the earliest open
        deadline of kind ``deadline`` after the writes (None if none); otherwise it
        stays. ``owner`` (a handover) becomes the case's owner; None leaves the owner as
        it is. ``version`` (a version and its definition's sha256: a migration) becomes
        the case's version of its process. The event (its ``case_id`` set to the case's)
        and the messages are written as in :meth:`create_case`. After the event, each of
        ``opened`` is created as :meth:`create_case` creates a case, in order (their
        events follow the case's event in the chain; an event linking to the case,
        ``link_case``, names it by its id).
        """

    def fire_deadlines(self, firings: Sequence[Firing]) -> list[bool]:
        """Mark each deadline or reminder fired at its event's time and append its event
        and messages, all in one transaction; for each firing, in order, whether it did.

        A deadline fires once: one that has fired already, or was closed (the case moved
        on), is left as it is, and nothing of its firing is written. The check and the
        marking are one conditional write inside the transaction, so of two callers
        racing for the same deadline (two ``samskab tick``, another store instance)
        exactly one gets True; a store may also leave a deadline another caller is
        firing at that moment to that caller. The events of one case are appended in the
        order given. A firing's ``follow`` (a recurring deadline's next occurrence)
        replaces the open rows of the same ``(state, rule)``, the fired one among them,
        as in :meth:`commit_action`, and then the case's ``next_due`` is its earliest open
        deadline. The cases' other columns and revisions are not changed.
        """

    # -- reading cases -----------------------------------------------------------------

    def get_case(self, case_id: int) -> Case | None:
        """The case as last committed, by any instance; None if there is no such case."""

    def list_cases(self, where: CaseFilter) -> Iterable[Case]:
        """The cases matching ``where``, one at a time (a store may read them lazily).

        Filters, all of which must hold: ``process_id`` and ``state`` equal;
        ``open_only``: not closed; ``text``: the title or a field value mentions the text
        as :func:`engine.collation.mentions` says; ``actor``: an event of the case has
        that actor; ``owner``: the case's owner is that person; ``overdue_at``: open,
        with ``next_due`` at or before it; ``opened`` and ``closed``: ``created_at`` and
        ``closed_at`` in the period (start included, end not); ``active``: created before
        the period's end and not closed before its start; ``due``: open, with
        ``next_due`` after the period's start and at or before its end; ``quiet_since``:
        open and ``updated_at`` before it; ``values``: each field holds exactly that
        stored value (None: holds nothing); ``parent``: a sub-case of that case (it links
        to it with the kind ``del_af``).

        Order: ``order_by`` (id, title ignoring the case of ASCII letters, process_id,
        state, updated_at or next_due), reversed by ``descending``; ties always by id,
        ascending. By next_due, cases without one come last in either direction.
        ``field:<id>`` (``readmodels.FIELD_ORDER``) orders by a field's stored value: numbers, and
        texts made of digits, ``.`` and ``-`` (money, "12500.00"), by their value, ties
        and other texts (ISO dates, names) as the titles sort; cases without a value
        (none, or empty text) last in either direction. Any other ``order_by`` is
        :class:`engine.errors.BadInput`. Then ``offset`` cases are
        skipped (with or without a limit) and at most ``limit`` given, so consecutive
        pages of the same question hold every case once.
        """

    def count_cases(self, where: CaseFilter) -> int:
        """How many cases ``list_cases`` gives for ``where`` without its limit and offset."""

    def links(self, case_id: int | None = None) -> list[Link]:
        """The links from or to the case (None: every link), ordered by the linking
        case, the other case and the kind."""

    def owners(self) -> list[str]:
        """Every person who owns a case (open or closed; the register of people's owner
        aside), each once, sorted."""

    def history(self, case_id: int) -> list[Event]:
        """The case's events in the order appended (by id), each with its id; empty for
        an unknown case."""

    def deadlines(self, case_id: int, *, open_only: bool = True) -> list[Deadline]:
        """The case's deadlines and reminders by due time (ties in no promised order),
        each with its id; ``open_only`` leaves out closed ones (fired ones stay until
        closed)."""

    def due_deadlines(self, now: dt.datetime) -> Iterable[Deadline]:
        """Open, unfired deadlines and reminders due at or before ``now``, of every case,
        oldest first (ties by id).

        Listing is not claiming: two callers may both see a deadline; only one of them
        fires it (:meth:`fire_deadlines` and ``commit_action(fire_deadline=...)`` return
        False or raise Conflict for the other). A fired or closed deadline is not listed
        again.
        """

    def agenda(
        self, until: dt.datetime, *, owner: str | None = None, limit: int | None = None
    ) -> list[Deadline]:
        """What is coming, of every case (``owner``: of the cases this person owns): open
        deadlines (fired or not) and open, unfired reminders due at or before ``until``,
        soonest first (ties by id); the first ``limit`` of them (None: all)."""

    def data_version(self) -> int:
        """A number that changes when another store instance (connection, process,
        machine) has committed a change to the database since the last call, so a
        screen knows when to read again. Unchanged while nobody commits; after this
        instance's own writes it may or may not change (SQLite's does not)."""

    # -- documents -------------------------------------------------------------------

    def attach_document(
        self, case_id: int, name: str, content: bytes, event: Callable[[int], Event]
    ) -> StoredDocument:
        """Keep ``content`` as a document of the case, named ``name``, and append its
        event ``event(the document's new id)``, in one transaction; return the document
        as stored (equal to its entry in :meth:`documents` after it).

        The store gives the document its id and records its ``size`` (``len(content)``)
        and ``sha256`` (of ``content``) itself. Any content the store takes, empty too,
        reads back byte for byte; two documents may have the same name. The event is
        appended to the chains as every event is (its ``case_id`` set to the case's); the
        case itself (its columns and revision) is not changed. A case that does not exist
        is :class:`engine.errors.NotFound`, with nothing written.
        """

    def documents(self, case_id: int) -> list[StoredDocument]:
        """The case's documents by id, deleted ones too (with ``deleted_at``), each with
        the time, actor, account and note of the event that attached it; empty for an
        unknown case."""

    def document_content(self, document_id: int) -> bytes | None:
        """A document's content exactly as attached (empty once deleted); None if there
        is no such document."""

    def delete_document(self, document_id: int, event: Event) -> bool:
        """Delete a document's content and append ``event`` on the document's case, in one
        transaction; True if it did, False (nothing written) for a document deleted
        already or unknown.

        The content becomes empty, and is not left behind in the storage's free space or
        log (SQLite: as :meth:`erase_personal_data`); the name, size and sha256 stay as
        attached, and ``deleted_at`` becomes ``event.at``.
        """

    def document_digests(self) -> "Iterable[DocumentRow]":
        """Every document by id, with the sha256 of the bytes it holds now, computed from
        them (never read from a column), such that ``audit.verify(...,
        documents=store.document_digests())`` finds nothing broken in anything this store
        wrote."""

    # -- the outbox (states: :class:`OutboxRow`) ----------------------------------------

    def outbox_claim(self, now: dt.datetime, until: dt.datetime) -> list[OutboxRow]:
        """Claim the pending messages whose next attempt is due at or before ``now`` for
        one deliverer, until ``until``; they are returned by id, claimed (their next
        attempt at ``until``).

        The claim is a lease, one conditional write: the messages' next attempt moves to
        ``until``, so no other deliverer (``samskab tick`` while the terminal UI
        delivers, or two ticks) is given them before then, and two concurrent claims
        never return the same message. The deliverer reports each attempt with
        :meth:`outbox_attempted`; if it dies in the middle, the lease runs out and the
        message is due again (sent twice only then, with the same idempotency key).
        """

    def outbox(self, *, include_done: bool = False) -> list[OutboxRow]:
        """Pending messages and incidents (with ``include_done``, sent and dismissed ones
        too), by id."""

    def outbox_message(self, message_id: int) -> OutboxRow | None:
        """One message, whatever its status; None if there is no such message."""

    def outbox_attempted(
        self,
        message_id: int,
        at: dt.datetime,
        *,
        error: str | None,
        next_attempt_at: dt.datetime | None,
    ) -> None:
        """Record a delivery attempt at ``at`` of a pending message: ``attempts`` goes up
        by one and ``last_error`` becomes ``error``. No error: ``sent``, ``sent_at = at``,
        no next attempt. An error and a ``next_attempt_at``: still ``pending``, due then.
        An error and no next attempt: ``incident``, no next attempt.

        Only a pending message changes, in one conditional write: what a second,
        concurrent deliverer reports late about a message that meanwhile became sent,
        an incident or dismissed is ignored, so it can never un-send, resurrect or
        re-count a message. (Two reports on a message still pending both count.)
        """

    def outbox_resolve(self, message_id: int, at: dt.datetime, actor: str, what: str) -> bool:
        """Resolve an incident (or a message still pending) as ``actor`` at ``at``:
        ``what`` is ``"retry"`` (back to pending, attempts 0, due at ``at``; the last
        error stays until the next attempt) or ``"dismiss"`` (dismissed, never sent).
        The change and its line in :meth:`outbox_log` are one transaction. False, with
        nothing written or logged, for a message that is sent, dismissed or unknown.
        """

    def outbox_log(self, message_id: int) -> list[tuple[dt.datetime, str, str]]:
        """How the message was resolved: (at, actor, what) per resolution, oldest first."""

    # -- the audit trail -----------------------------------------------------------

    def audit_key_path(self) -> Path | None:
        """Where this database's audit key is kept (beside a database file: the file's
        name ending in ``.key``); None where there is no file (in memory: a key for
        this run only)."""

    def audit_keyed(self) -> bool:
        """Whether the history is kept under a key already (else it is new, or from a
        samskab before keys)."""

    def use_audit_key(self, key: "Key", *, new_key: bool) -> None:
        """Link what is appended from now on under ``key``. A database whose history is
        not keyed yet is keyed now, in one transaction: the history so far (linked
        without a key, as samskab did before) is verified and linked again under
        ``key``, and the heads are written; a broken history is refused (BadInput), as
        is an unkeyed history when ``new_key`` is False (the key existed: someone put
        an unkeyed history in place of a keyed one). A keyed database refuses a key
        that is not its own (BadInput)."""

    def batch(self) -> "AbstractContextManager[None]":
        """One transaction around several writes (``tick`` fires what is due in
        batches): saved together when the context ends, or none of them if it raises.
        Each write inside keeps its own rule of all or nothing (a savepoint): one that
        fails is undone alone, and the others go on. What is read inside is the latest
        committed, and a write inside is never refused because another caller committed
        after the batch read (a store with one writer at a time holds the write lock for
        the whole batch)."""

    def snapshot(self) -> "AbstractContextManager[None]":
        """A context in which every read sees the database as one moment left it, whatever
        other instances commit meanwhile, so that a check across several reads (``audit
        verify``: the events, then the heads, then the cases) sees one state. Only reads
        go inside."""

    def audit_rows(self) -> "Iterable[AuditRow]":
        """Every event with its stored digest and links, oldest first (by id), such that
        ``audit.verify(store.audit_rows(), key, store.audit_heads(),
        checkpoints=store.audit_checkpoints())`` finds nothing
        broken in anything this store wrote."""

    def audit_heads(self) -> "Iterable[Head]":
        """Every head: one per case with events, and ``audit.DATABASE``'s (with a chain:
        once there are events; with checkpoints: once there is a checkpoint)."""

    def tidy(self) -> None:
        """Catch up, in one transaction, on what the store leaves for later so that each
        write stays cheap (counts kept as changes summed, changed texts indexed for
        search); ``tick`` calls it. ``count_cases`` and ``list_cases`` give the same
        answers before and after."""

    def audit_checkpoint(self, at: dt.datetime) -> None:
        """Take a checkpoint at ``at`` (module docstring): record (case, count, last link)
        of every case whose chain moved since the last checkpoint, and how many events
        the checkpoints have recorded (every case's count as last recorded, summed),
        linked to the checkpoint before under the key; the
        ``audit.DATABASE`` head becomes this checkpoint's. One transaction; it may leave
        out a case being written to at that moment (the next checkpoint has it), and
        takes no checkpoint when no chain moved. Nothing to do for a store with a chain."""

    def audit_checkpoints(self) -> "list[Checkpoint] | None":
        """Every checkpoint, oldest first; None for a store that keeps the database chain
        instead (``AuditRow.chain``)."""

    def record_refusal(
        self,
        case_id: int | None,
        at: dt.datetime,
        actor: str,
        account: str | None,
        action: str,
        reasons: list[str],
    ) -> None:
        """Keep a refused attempt: who tried what (on which case; None: not on a case),
        when, and why it was refused (each reason kept as text). Not an event: the
        history and the chains do not change."""

    def refusals(self, case_id: int) -> list[dict[str, Any]]:
        """The case's refused attempts, oldest first, each
        ``{"at", "actor", "account", "action", "reasons"}``."""

    # -- personal data (GDPR) ----------------------------------------------------------

    def personal_data(self, texts: list[str], person_ids: list[str]) -> dict[str, Any]:
        """Everything that names the person: ``texts`` (e-mail address, name) matched
        ignoring case, ``person_ids`` as actors and owners. Each list oldest first (by
        id)::

            {"cases": [{"id", "title", "process", "state", "fields", "created_at",
                        "owner"}],                 title or fields name them, or they own it
             "events": [{"id", "case", "at", "actor", "account", "kind", "action",
                         "changes", "note", "owner"}],
                                                   actor, account, owner, changes or note
             "messages": [{"id", "case", "channel", "recipient", "subject", "body",
                           "payload", "status", "last_error", "created_at", "sent_at"}],
                                                   any of its text
             "refusals": [{"case", "at", "actor", "account", "action", "reasons"}],
                                                   refused attempts of theirs
             "documents": [{"id", "case", "name", "size", "sha256", "attached_at",
                            "actor", "deleted", "named"}]}
                    documents whose name names them ("named": True), and every other
                    document of the cases found above ("named": False: its content may)

        A text inside a longer word or address (``anna@x.dk`` in ``hanna@x.dk``) names
        someone else. Documents' contents are not searched.
        """

    def erase_personal_data(
        self, texts: list[str], person_ids: list[str], pseudonym: str, at: dt.datetime, actor: str
    ) -> dict[str, int]:
        """Pseudonymise the person everywhere :meth:`personal_data` finds them, in one
        transaction (the finding included), and record the erasure.

        Every match of ``texts`` (whatever its case) in case titles and fields, event
        changes and notes, outbox recipients, subjects, bodies and payloads, and document
        names becomes ``pseudonym``, as do ``person_ids`` as actors (and accounts) of events
        and refusals and as owners of cases and events; nothing else changes (documents'
        contents neither), and other people's data (see :meth:`personal_data`) not at all.
        Each touched case's revision goes up by one, so an edit read before the erasure
        is a Conflict instead of writing the data back. Changed events keep their
        digests and links; each touched case gets an event of kind ``erasure`` (by
        ``actor`` at ``at``, in its current state, its changes
        ``audit.content_digests`` of the case's changed events as they now are),
        appended to the chains. Afterwards ``personal_data`` finds nothing.

        Returns what changed: ``{"cases": cases touched (title, fields or events
        changed; each got an erasure event), "events": events changed (the erasure
        events not counted), "messages": messages changed, "documents": documents
        renamed}``.
        """

    def config_directory(self) -> Path | None:
        """The directory whose ``samskab.toml`` configures this database: beside a
        database file, its directory; None where the database is not a file (then the
        current directory's)."""

    def close(self) -> None:
        """Release the connection. Everything committed stays for the next instance; the
        store is not used afterwards. Closing twice does no harm."""

"""What the engine needs from storage. The built-in SQLite store (``plugins.sqlite_store``)
implements it; a plugin can bring another through the ``open_store`` hook.

Writes that belong together (a state change, its event, its deadlines) are one call,
so a store can make them one transaction.
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from samskab.engine.cases import Case, Deadline, Event
from samskab.engine.readmodels import CaseFilter

if TYPE_CHECKING:
    from samskab.engine.audit import AuditRow
    from samskab.engine.notifications import Outgoing


@attrs.frozen
class StoredDefinition:
    process_id: str
    version: int
    sha256: str
    text: str
    origin: str


@attrs.frozen
class OutboxRow:
    """A message in the outbox, and where its delivery stands."""

    id: int
    key: str
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
    next_attempt_at: str | None
    last_error: str | None
    created_at: str
    sent_at: str | None


class Store(Protocol):
    def save_definition(self, definition: StoredDefinition) -> None:
        """Keep a definition's text; a no-op when (id, version) is already kept."""

    def definitions(self) -> list[StoredDefinition]: ...

    def create_case(
        self, case: Case, event: Event, deadlines: Sequence[Deadline], outbox: Sequence["Outgoing"] = ()
    ) -> Case:
        """Insert a new case (its id is assigned here) with its first event, deadlines and
        outbox messages, in one transaction."""

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
        outbox: Sequence["Outgoing"] = (),
    ) -> Case:
        """Write a case's new state and fields, its event, deadlines and outbox messages in
        one transaction.

        Only if the stored revision is still ``case.revision`` (else
        :class:`engine.errors.Conflict`). ``close_deadlines`` closes the open deadlines of
        the state being left; ``closed`` says the new state is final; ``fire_deadline`` marks that deadline fired (else Conflict
        if it already was).
        """

    def fire_deadline(self, deadline: Deadline, event: Event, outbox: Sequence["Outgoing"] = ()) -> bool:
        """Mark a deadline fired and record its event and messages; False if it already was."""

    def get_case(self, case_id: int) -> Case | None: ...

    def list_cases(self, where: CaseFilter) -> Iterable[Case]:
        """The cases matching ``where``, one at a time."""

    def count_cases(self, where: CaseFilter) -> int: ...

    def history(self, case_id: int) -> list[Event]: ...

    def deadlines(self, case_id: int, *, open_only: bool = True) -> list[Deadline]: ...

    def due_deadlines(self, now: str) -> Iterable[Deadline]:
        """Open, unfired deadlines due at or before ``now``, oldest first."""

    def agenda(self, until: str) -> list[Deadline]:
        """Open deadlines and unsent reminders due at or before ``until``, soonest first."""

    def data_version(self) -> int:
        """A number that changes whenever another connection commits a change."""

    def outbox_due(self, now: str) -> list[OutboxRow]:
        """Pending messages whose next attempt is due."""

    def outbox(self, *, include_done: bool = False) -> list[OutboxRow]:
        """Pending messages and incidents (and, with ``include_done``, sent and dismissed)."""

    def outbox_message(self, message_id: int) -> OutboxRow | None: ...

    def outbox_attempted(
        self, message_id: int, at: str, *, error: str | None, next_attempt_at: str | None
    ) -> None: ...

    def outbox_resolve(self, message_id: int, at: str, actor: str, what: str) -> bool: ...

    def outbox_log(self, message_id: int) -> list[tuple[str, str, str]]: ...

    def audit_rows(self) -> "Iterable[AuditRow]":
        """Every event with its digest and links, oldest first."""

    def record_refusal(
        self, case_id: int, at: str, actor: str, account: str | None, action: str, reasons: list[str]
    ) -> None:
        """Keep a refused attempt: who tried what, when, and why it was refused."""

    def refusals(self, case_id: int) -> list[dict[str, Any]]: ...

    def personal_data(self, texts: list[str], person_ids: list[str]) -> dict[str, Any]:
        """Every case, event, message and refusal that names the person."""

    def erase_personal_data(
        self, texts: list[str], person_ids: list[str], pseudonym: str, at: str, actor: str
    ) -> dict[str, int]:
        """Pseudonymise the person everywhere and record the erasure; counts of what changed."""

    def erased_events(self) -> set[int]:
        """Events whose personal data was erased (their content no longer matches)."""

    def close(self) -> None: ...

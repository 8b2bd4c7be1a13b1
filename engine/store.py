"""What the engine needs from storage. The built-in SQLite store (``plugins.sqlite_store``)
implements it; a plugin can bring another through the ``open_store`` hook.

Writes that belong together (a state change, its event, its deadlines) are one call,
so a store can make them one transaction.
"""

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import attrs

from engine.cases import Case, Deadline, Event


@attrs.frozen
class StoredDefinition:
    process_id: str
    version: int
    sha256: str
    text: str
    origin: str


@attrs.frozen
class CaseFilter:
    process_id: str | None = None
    state: str | None = None
    overdue_at: str | None = None
    """Only cases with an open deadline due at or before this time."""
    open_only: bool = False
    """Leave out cases that reached a final state."""
    text: str | None = None
    """Only cases whose title contains this text."""
    actor: str | None = None
    """Only cases this person opened or acted on."""
    order_by: str = "id"
    """id, title, process_id, state, updated_at or next_due (the next open deadline)."""
    descending: bool = False
    limit: int | None = None
    offset: int = 0


class Store(Protocol):
    def save_definition(self, definition: StoredDefinition) -> None:
        """Keep a definition's text; a no-op when (id, version) is already kept."""

    def definitions(self) -> list[StoredDefinition]: ...

    def create_case(
        self, case: Case, event: Event, deadlines: Sequence[Deadline]
    ) -> Case:
        """Insert a new case (its id is assigned here) with its first event and deadlines."""

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
    ) -> Case:
        """Write a case's new state and fields, its event and deadlines in one transaction.

        Only if the stored revision is still ``case.revision`` (else
        :class:`engine.errors.Conflict`). ``close_deadlines`` closes the open deadlines of
        the state being left; ``closed`` says the new state is final; ``fire_deadline`` marks that deadline fired (else Conflict
        if it already was).
        """

    def fire_deadline(self, deadline: Deadline, event: Event) -> bool:
        """Mark a deadline fired and record its event; False if it already was."""

    def get_case(self, case_id: int) -> Case | None: ...

    def list_cases(self, where: CaseFilter) -> list[Case]: ...

    def count_cases(self, where: CaseFilter) -> int: ...

    def history(self, case_id: int) -> list[Event]: ...

    def deadlines(self, case_id: int, *, open_only: bool = True) -> list[Deadline]: ...

    def due_deadlines(self, now: str) -> Iterable[Deadline]:
        """Open, unfired deadlines due at or before ``now``, oldest first."""

    def agenda(self, until: str) -> list[Deadline]:
        """Open deadlines and unsent reminders due at or before ``until``, soonest first."""

    def data_version(self) -> int:
        """A number that changes whenever another connection commits a change."""

    def close(self) -> None: ...

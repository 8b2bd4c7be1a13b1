"""What crosses the service boundary: the questions front ends ask (``CaseFilter``) and
the frozen read models the service answers with. The CLI and the TUI render these and
nothing else; a store sees the questions too.
"""

import attrs


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

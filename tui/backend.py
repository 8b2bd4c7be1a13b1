"""The UI's way to the engine: every call runs one at a time, off the UI thread.

Screens call these methods from thread workers; the lock keeps two workers from
interleaving transactions on the one database connection.
"""

import datetime as dt
import threading
from typing import Any

import attrs

from samskab.engine import clock, views
from samskab.engine.cases import Case, Event
from samskab.engine.config import Actor
from samskab.engine.core import Engine
from samskab.engine.errors import Refused
from samskab.engine.readmodels import CaseFilter


class Backend:
    def __init__(self, engine: Engine, actor: Actor, lang: str):
        self.engine = engine
        self.actor = actor
        self.lang = lang
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        return self.engine.now()

    def page(self, where: CaseFilter) -> tuple[list[dict[str, Any]], int]:
        """One page of case summaries, and how many cases match in all."""
        with self._lock:
            cases = self.engine.cases(where)
            total = self.engine.store.count_cases(attrs.evolve(where, limit=None, offset=0))
            return [views.case_summary(self.engine, c, self.lang) for c in cases], total

    def counts(self) -> dict[str, int]:
        """Active cases per process id."""
        with self._lock:
            return {
                d.process.id: self.engine.store.count_cases(
                    CaseFilter(process_id=d.process.id, open_only=True)
                )
                for d in self.engine.processes()
            }

    def processes(self):
        with self._lock:
            return [d.process for d in self.engine.processes()]

    def process_for(self, case_id: int):
        with self._lock:
            return self.engine.compiled_for(self.engine.case(case_id)).process

    def detail(self, case_id: int) -> dict[str, Any]:
        with self._lock:
            case = self.engine.case(case_id)
            return views.case_data(self.engine, case, self.actor, self.lang)

    def agenda(self, weeks: int) -> list[dict[str, Any]]:
        with self._lock:
            now = self.engine.now()
            until = clock.to_text(now + dt.timedelta(weeks=weeks))
            rows = []
            for deadline in self.engine.store.agenda(until):
                case = self.engine.store.get_case(deadline.case_id)
                process = self.engine.compiled_for(case).process
                rows.append(
                    {
                        "case": case.id,
                        "title": case.title,
                        "due_at": deadline.due_at,
                        "kind": deadline.kind,
                        "state": process.state(case.state).title.get(self.lang),
                        "process": process.title.get(self.lang),
                        "days": days_left(deadline.due_at, now),
                    }
                )
            return sorted(rows, key=lambda r: r["due_at"])

    def advance(
        self, case_id: int, action: str, raw: dict[str, str], note: str | None, revision: int
    ) -> tuple[Case, Event]:
        with self._lock:
            return self.engine.advance(
                case_id, action, raw, note=note, actor=self.actor, expected_revision=revision
            )

    def new_case(self, process_id: str, title: str, raw: dict[str, str]) -> Case:
        with self._lock:
            return self.engine.new_case(process_id, title, raw, self.actor)

    def outbox(self):
        with self._lock:
            return self.engine.store.outbox()

    def resolve(self, message_id: int, what: str) -> None:
        with self._lock:
            now = clock.to_text(self.engine.now())
            if not self.engine.store.outbox_resolve(message_id, now, self.actor.id, what):
                raise Refused(f"message {message_id}", ["it is already sent or dismissed"])

    def deliver(self):
        with self._lock:
            return self.engine.deliver()

    def data_version(self) -> int:
        with self._lock:
            return self.engine.store.data_version()


def days_left(due_at: str, now: dt.datetime) -> int:
    due = clock.from_text(due_at)
    return (due.date() - now.date()).days

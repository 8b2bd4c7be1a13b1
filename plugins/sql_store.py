"""What the SQLite and the PostgreSQL store do alike, written once: :class:`SqlStore`.

Both keep the same tables with the same columns (``plugins.sql_rows``), and most of the
:class:`engine.store.Store` contract is the same SQL on either: reading cases, their
history and deadlines, the outbox, refusals, finding and erasing a person. Statements
are written with ``?`` for their parameters, as SQLite takes them (the PostgreSQL store
turns them into psycopg's ``%s``), and only in SQL both engines read alike.

Each store brings what differs between the engines (``_``-methods below without a
body): how a transaction starts and what it holds, the compare-and-swap on a case, how
an event is appended to the audit trail (one database chain, or chains per case with
checkpoints), how a case is searched by text and sorted by title, and what else an
erasure must do to leave nothing behind.
"""

import contextlib
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar

import attrs

from samskab.engine import audit, clock, collation, jsontext
from samskab.engine.cases import CREATED, ERASURE, LINK, UNLINK, Case, Deadline, Event, Link
from samskab.engine.errors import BadInput, Conflict, NotFound
from samskab.engine.links import SUB_CASE
from samskab.engine.messages import msg
from samskab.engine.readmodels import FIELD_ORDER, CaseFilter
from samskab.engine.store import Firing, NewCase, OutboxRow, Outgoing, Store, StoredDefinition, StoredDocument
from samskab.plugins import sql_rows


class SqlStore(Store):
    """The Store contract over a DB-API-like connection (``self.conn.execute(sql,
    params)`` giving a cursor with ``fetchone``, ``fetchall``, iteration, ``rowcount``
    and ``executemany``) that says the database's errors as samskab's."""

    conn: Any
    _key: audit.Key | None = None
    _installation = ""

    _TITLE_ORDER: ClassVar[str]
    """How cases sort by title: in Danish, ignoring the case of ASCII letters."""
    _NO_LIMIT: ClassVar[int | None]
    """What ``LIMIT ?`` takes to mean no limit."""
    _LIKE: ClassVar[str]
    """The operator that finds a pattern ignoring the case of ASCII letters at least."""
    _CONTENT: ClassVar[str]
    """A document's content, as bytes."""
    _OPEN: ClassVar[str]
    """The condition on ``case_counts`` that its row counts open cases."""
    _DUE: ClassVar[str]
    """An open case with an open deadline, said so that the index of the list's default
    order (``cases_due_order``: open cases by ``next_due IS NULL, next_due, id``) finds
    them."""

    # -- what each store does its own way ------------------------------------------------

    def _writing(self) -> contextlib.AbstractContextManager[None]:
        """One transaction: all of it is saved or, whatever fails, none of it."""
        raise NotImplementedError

    def batch(self) -> contextlib.AbstractContextManager[None]:
        # Writes inside open their own transactions, which nest as savepoints.
        return self._writing()

    def _insert_case(self, values: dict[str, Any], register: int | None) -> int:
        """Insert a case's row (``values`` by column; ``register``: the id to keep, for
        the register of people), first in its transaction; its id."""
        raise NotImplementedError

    def _swap(self, case: Case, columns: dict[str, Any]) -> None:
        """The compare-and-swap, first in its transaction: if the case still has
        ``case.revision``, set ``columns`` and the revision one up; else Conflict."""
        raise NotImplementedError

    def _append(self, case_id: int, event: Event) -> int:
        """Append an event with its digest and links and move the heads, in the
        transaction under way; its id."""
        raise NotImplementedError

    def _insert_cases(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert the rows of new cases (each by column, all with the same columns), in
        order, in the transaction under way; their ids, in that order."""
        raise NotImplementedError

    def _append_events(self, events: list[tuple[int, Event]]) -> list[int]:
        """Append each (case, event) as ``_append`` appends one, in order, with the heads
        read and written once, in the transaction under way; their ids."""
        raise NotImplementedError

    def _hold_for_import(self) -> None:
        """First in an import's transaction: no other import of the same rows can come
        between finding which of them are imported already and importing the rest."""
        raise NotImplementedError

    def _searched(self, title: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Columns a store keeps to search and sort cases by their title and fields."""
        return {"title_key": collation.key(title), **self._searched_fields(title, fields)}

    def _searched_fields(self, title: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Those of :meth:`_searched` that change with the fields (an action changes
        those, never the title)."""
        return {}

    def _text_clause(self, text: str) -> tuple[str, list[Any]]:
        """The condition that a case's title or a field value mentions ``text``
        (``engine.collation.mentions``)."""
        raise NotImplementedError

    def _value_clause(self, field_id: str, value: Any) -> tuple[str, list[Any]]:
        """The condition that field ``field_id`` holds exactly ``value`` (None: nothing)."""
        raise NotImplementedError

    def _any(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """The condition that ``column`` is one of ``values`` (none: false)."""
        raise NotImplementedError

    def _field_order(self, field_id: str, *, descending: bool) -> tuple[str, list[Any]]:
        """How cases sort by field ``field_id``'s value (``Store.list_cases``): texts that
        are numbers by value, ties and other texts as titles sort, no value last."""
        raise NotImplementedError

    def _hold_for_erasure(self) -> None:
        """First in an erasure's transaction: hold off every other writer until it
        commits, and let it rewrite events (the history is otherwise append-only)."""
        raise NotImplementedError

    def _release_after_erasure(self) -> None:
        """Last in an erasure's transaction: events are append-only again."""

    def _require_key(self) -> audit.Key:
        if self._key is None:
            raise BadInput(msg("no audit key: samskab cannot add to the history"))
        return self._key

    # -- definitions -----------------------------------------------------------------

    def save_definition(self, definition: StoredDefinition) -> None:
        with self._writing():
            self.conn.execute(
                "INSERT INTO definitions (process_id, version, sha256, text, origin)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                attrs.astuple(definition),
            )

    def definitions(self) -> list[StoredDefinition]:
        rows = self.conn.execute(
            "SELECT process_id, version, sha256, text, origin FROM definitions"
        ).fetchall()
        return [StoredDefinition(*row) for row in rows]

    # -- writing cases -----------------------------------------------------------------

    def create_case(
        self,
        case: Case,
        event: Event,
        deadlines: Sequence[Deadline],
        outbox: Callable[[Case], Sequence[Outgoing]] | None = None,
    ) -> Case:
        with self._writing():
            return self._create(NewCase(case, event, deadlines, outbox))

    def _create(self, new: NewCase) -> Case:
        """Insert a case with its first event, deadlines and messages, in the transaction
        under way."""
        case, due = new.case, sql_rows.next_due(new.deadlines)
        case_id = self._insert_case(self._case_row(case, due), case.id if case.id < 0 else None)
        created = attrs.evolve(case, id=case_id, next_due=due)
        event_id = self._appended(case_id, new.event)
        self._insert_deadlines(case_id, new.deadlines)
        self._insert_outbox(case_id, event_id, new.event.at, new.outbox(created) if new.outbox else ())
        return created

    def _case_row(self, case: Case, due: dt.datetime | None) -> dict[str, Any]:
        """A new case's row, by column (its id aside), ``due`` its ``next_due``."""
        return {
            "title": case.title,
            "process_id": case.process_id,
            "version": case.version,
            "definition_sha256": case.definition_sha256,
            "state": case.state,
            "fields": jsontext.dumps(dict(case.fields)),
            "created_at": clock.to_text(case.created_at),
            "updated_at": clock.to_text(case.updated_at),
            "closed_at": sql_rows.to_text(case.closed_at),
            "revision": case.revision,
            "next_due": sql_rows.to_text(due),
            "owner": case.owner,
            **self._searched(case.title, dict(case.fields)),
        }

    def import_cases(self, cases: Sequence[NewCase]) -> list[Case | None]:
        with self._writing():
            self._hold_for_import()
            keys = [new.event.imported for new in cases]
            if None in keys or len(set(keys)) != len(keys):
                raise ValueError("every imported case needs a key of its own")
            if any(new.outbox is not None or new.event.link_kind is not None for new in cases):
                raise ValueError("an imported case has no messages and no links")
            done = self.imported_cases([key for key in keys if key is not None])
            fresh = [new for new in cases if new.event.imported not in done]
            if not fresh:
                return [None] * len(cases)
            dues = [sql_rows.next_due(new.deadlines) for new in fresh]
            ids = self._insert_cases(
                [self._case_row(new.case, due) for new, due in zip(fresh, dues, strict=True)]
            )
            self._append_events([(case_id, new.event) for case_id, new in zip(ids, fresh, strict=True)])
            self.conn.cursor().executemany(
                f"INSERT INTO deadlines {_DEADLINE_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    _deadline_row(case_id, d)
                    for case_id, new in zip(ids, fresh, strict=True)
                    for d in new.deadlines
                ],
            )
        created = {
            new.event.imported: attrs.evolve(new.case, id=case_id, next_due=due)
            for new, case_id, due in zip(fresh, ids, dues, strict=True)
        }
        return [created.get(key) for key in keys]

    def imported_cases(self, keys: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(keys), _AT_ONCE):
            clause, params = self._any("imported", keys[start : start + _AT_ONCE])
            for key, case_id in self.conn.execute(
                f"SELECT imported, case_id FROM events WHERE {clause}", params
            ):
                found[key] = case_id
        return found

    def _appended(self, case_id: int, event: Event) -> int:
        """Append ``event`` (``_append``) and make or remove the link it names, if it
        names one (the Store's rule: links follow their events); its id."""
        event_id = self._append(case_id, event)
        if event.link_kind is None:
            return event_id
        if event.kind == UNLINK:
            self.conn.execute(
                "DELETE FROM links WHERE case_id = ? AND other_id = ? AND kind = ?",
                (case_id, event.link_case, event.link_kind),
            )
        elif event.kind in (CREATED, LINK):
            self.conn.execute(
                "INSERT INTO links (case_id, other_id, kind, event_id) VALUES (?, ?, ?, ?)",
                (case_id, event.link_case, event.link_kind, event_id),
            )
        return event_id

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
        acted, columns = sql_rows.acted(
            case,
            state,
            fields,
            event,
            deadlines,
            close_deadlines=close_deadlines,
            closed=closed,
            owner=owner,
            version=version,
        )
        if "fields" in columns:
            columns.update(self._searched_fields(case.title, fields))
        at = columns["updated_at"]
        with self._writing():
            self._swap(case, columns)
            if fire_deadline is not None and not self._fire(fire_deadline, at):
                raise Conflict(f"deadline {fire_deadline} has already fired or was closed")
            if close_deadlines:
                self.conn.execute(
                    "UPDATE deadlines SET closed_at = ? WHERE case_id = ? AND closed_at IS NULL",
                    (at, case.id),
                )
            event_id = self._appended(case.id, event)
            self._insert_deadlines(case.id, deadlines, event.at)
            self._insert_outbox(case.id, event_id, event.at, outbox)
            if deadlines:
                acted = attrs.evolve(acted, next_due=self._keep_next_due(case.id))
            for new in opened:
                self._create(new)
        return acted

    def _conflict(self, case: Case) -> Conflict:
        return Conflict(
            msg(
                "case {case} was changed by someone else while you worked on it; "
                "nothing was saved, look at it again",
                case=case.id,
            )
        )

    def _fire(self, deadline_id: int | None, at: str) -> bool:
        """Mark an open, unfired deadline fired, in one conditional write: of two at once
        the second finds it fired (or, in SQLite, never runs alongside)."""
        return (
            self.conn.execute(
                "UPDATE deadlines SET fired_at = ? WHERE id = ? AND fired_at IS NULL AND closed_at IS NULL",
                (at, deadline_id),
            ).rowcount
            == 1
        )

    def fire_deadlines(self, firings: Sequence[Firing]) -> list[bool]:
        if not firings:
            return []
        with self._writing():
            # Only an open deadline fires: one listed before its case moved on stays unfired.
            fired: set[int] = set()
            for at in {firing.event.at for firing in firings}:
                fired |= self._claim([f.deadline.id for f in firings if f.event.at == at], clock.to_text(at))
            done = []
            for firing in firings:
                done.append(firing.deadline.id in fired)
                fired.discard(firing.deadline.id)  # the same deadline twice fires once
            kept = [firing for firing, fires in zip(firings, done, strict=True) if fires]
            event_ids = self._append_events([(f.deadline.case_id, f.event) for f in kept])
            self._insert_outboxes(
                [
                    (f.deadline.case_id, event_id, f.event.at, f.outbox)
                    for f, event_id in zip(kept, event_ids, strict=True)
                ]
            )
            for firing in kept:
                if firing.follow:
                    self._insert_deadlines(firing.deadline.case_id, firing.follow, firing.event.at)
                    self._keep_next_due(firing.deadline.case_id)
        return done

    def _claim(self, deadline_ids: list[int | None], at: str) -> set[int]:
        """Mark those of the deadlines that are open and unfired fired at ``at``, in the
        transaction under way; their ids."""
        clause, params = self._any("id", deadline_ids)
        return {
            row[0]
            for row in self.conn.execute(
                f"UPDATE deadlines SET fired_at = ? WHERE {clause} AND fired_at IS NULL AND closed_at IS NULL"
                " RETURNING id",
                [at, *params],
            )
        }

    def _keep_next_due(self, case_id: int) -> dt.datetime | None:
        """The case's ``next_due`` made its earliest open deadline (reminders aside); it."""
        (due,) = self.conn.execute(
            "UPDATE cases SET next_due = (SELECT min(due_at) FROM deadlines d"
            " WHERE d.case_id = cases.id AND d.closed_at IS NULL AND d.kind = 'deadline')"
            " WHERE id = ? RETURNING next_due",
            (case_id,),
        ).fetchone()
        return sql_rows.to_time(due)

    def _insert_deadlines(
        self, case_id: int, deadlines: Sequence[Deadline], at: dt.datetime | None = None
    ) -> None:
        """Store ``deadlines`` open; with ``at``, they replace the open rows of the same
        step and rule, which are closed at ``at``."""
        if not deadlines:
            return
        if at is not None:
            self.conn.cursor().executemany(
                "UPDATE deadlines SET closed_at = ?"
                " WHERE case_id = ? AND closed_at IS NULL AND state = ? AND rule IS NOT DISTINCT FROM ?",
                [
                    (clock.to_text(at), case_id, state, rule)
                    for state, rule in {(d.state, d.rule) for d in deadlines}
                ],
            )
        self.conn.cursor().executemany(
            f"INSERT INTO deadlines {_DEADLINE_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [_deadline_row(case_id, d) for d in deadlines],
        )

    def _insert_outbox(
        self, case_id: int, event_id: int, when: dt.datetime, outbox: Sequence[Outgoing]
    ) -> None:
        self._insert_outboxes([(case_id, event_id, when, outbox)])

    def _insert_outboxes(self, messages: Sequence[tuple[int, int, dt.datetime, Sequence[Outgoing]]]) -> None:
        """Each (case, event, when, its messages) into the outbox, pending."""
        rows = [
            (
                sql_rows.idempotency_key(self._installation, event_id, m.channel, m.recipient),
                event_id,
                case_id,
                m.channel,
                m.recipient,
                m.subject,
                m.body,
                jsontext.dumps(dict(m.payload)),
                at,
                at,
            )
            for case_id, event_id, when, outbox in messages
            if outbox
            for at in (clock.to_text(when),)
            for m in outbox
        ]
        if rows:
            self.conn.cursor().executemany(
                "INSERT INTO outbox (key, event_id, case_id, channel, recipient, subject, body, payload,"
                " status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                " 'pending', 0, ?, ?)",
                rows,
            )

    # -- reading cases -------------------------------------------------------------------

    _CASE_COLUMNS = (
        "id, title, process_id, version, definition_sha256, state, fields, created_at,"
        " updated_at, revision, closed_at, next_due, owner"
    )

    def get_case(self, case_id: int) -> Case | None:
        row = self.conn.execute(f"SELECT {self._CASE_COLUMNS} FROM cases WHERE id = ?", (case_id,)).fetchone()
        return sql_rows.case_of(row) if row else None

    def _where(self, where: CaseFilter) -> tuple[str, list[Any]]:
        # Case -1 is the register of people (engine.people), never listed. (`id > 0`
        # would tempt SQLite into a scan by number instead of the right index.)
        clauses: list[str] = ["id != -1"]
        params: list[Any] = []

        def add(clause: str, *values: Any) -> None:
            clauses.append(clause)
            params.extend(values)

        if where.process_id:
            add("process_id = ?", where.process_id)
        if where.state:
            add("state = ?", where.state)
        if where.open_only:
            add("closed_at IS NULL")
        if where.text:
            clause, values = self._text_clause(where.text)
            add(clause, *values)
        if where.actor:
            add("id IN (SELECT case_id FROM events WHERE actor = ?)", where.actor)
        if where.owner:
            add("owner = ?", where.owner)
        if where.parent is not None:
            add("id IN (SELECT case_id FROM links WHERE other_id = ? AND kind = ?)", where.parent, SUB_CASE)
        if where.ids is not None:
            clause, values = self._any("id", where.ids)
            add(clause, *values)
        if where.overdue_at is not None:
            add(f"{self._DUE} AND next_due <= ?", clock.to_text(where.overdue_at))
        for column, period in (("created_at", where.opened), ("closed_at", where.closed)):
            if period is not None:
                add(f"{column} >= ? AND {column} < ?", clock.to_text(period.start), clock.to_text(period.end))
        if where.active is not None:
            add(
                "created_at < ? AND (closed_at IS NULL OR closed_at >= ?)",
                clock.to_text(where.active.end),
                clock.to_text(where.active.start),
            )
        if where.due is not None:
            add(
                f"{self._DUE} AND next_due > ? AND next_due <= ?",
                clock.to_text(where.due.start),
                clock.to_text(where.due.end),
            )
        if where.quiet_since is not None:
            add("closed_at IS NULL AND updated_at < ?", clock.to_text(where.quiet_since))
        for field_id, value in where.values:
            clause, values = self._value_clause(field_id, value)
            add(clause, *values)
        return " WHERE " + " AND ".join(clauses), params

    def _order(self) -> dict[str, str]:
        return {
            "id": "id",
            "title": self._TITLE_ORDER,
            "process_id": "process_id",
            "state": "state",
            "updated_at": "updated_at",
            "next_due": "next_due",
        }

    def list_cases(self, where: CaseFilter) -> Iterator[Case]:
        sql, params = self._where(where)
        orders = self._order()
        field = where.order_by.removeprefix(FIELD_ORDER)
        if where.order_by.startswith(FIELD_ORDER) and re.fullmatch(r"\w+", field):
            order, values = self._field_order(field, descending=where.descending)
            params += values
        elif where.order_by in orders:
            column = orders[where.order_by]
            order = f"{column}{' DESC' if where.descending else ''}"
            if where.order_by == "next_due" and where.overdue_at is None:
                # Cases without a deadline come last either way. (Overdue ones all have
                # one, and then the index gives the order, with no sort.)
                order = f"{column} IS NULL, {order}"
        else:
            raise BadInput(
                msg(
                    "cannot sort by {column}; sort by {columns}",
                    column=repr(where.order_by),
                    columns=", ".join([*orders, f"{FIELD_ORDER}<field>"]),
                )
            )
        sql = f"SELECT {self._CASE_COLUMNS} FROM cases{sql} ORDER BY {order}, id"
        if where.limit is not None or where.offset:
            sql += " LIMIT ? OFFSET ?"
            params += [self._NO_LIMIT if where.limit is None else where.limit, where.offset]
        # A generator over the cursor: a million cases are listed without a million objects.
        return (sql_rows.case_of(row) for row in self.conn.execute(sql, params))

    def count_cases(self, where: CaseFilter) -> int:
        if _counted(where):
            # How many per process, step and owner, open or not, the store keeps as
            # cases change (``case_counts``): a few rows read, however many cases.
            clauses, params = ["1 = 1"], []
            for column, value in (
                ("process_id", where.process_id),
                ("state", where.state),
                ("owner", where.owner),
            ):
                if value is not None:
                    clauses.append(f"{column} = ?")
                    params.append(value)
            if where.open_only:
                clauses.append(self._OPEN)
            sql = f"SELECT coalesce(sum(n), 0) FROM case_counts WHERE {' AND '.join(clauses)}"
            return int(self.conn.execute(sql, params).fetchone()[0])
        sql, params = self._where(where)
        return self.conn.execute(f"SELECT count(*) FROM cases{sql}", params).fetchone()[0]

    def links(self, case_id: int | None = None) -> list[Link]:
        where, params = (
            ("", ()) if case_id is None else (" WHERE case_id = ? OR other_id = ?", (case_id, case_id))
        )
        rows = self.conn.execute(
            f"SELECT case_id, other_id, kind FROM links{where} ORDER BY case_id, other_id, kind", params
        )
        return [Link(*row) for row in rows]

    def owners(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT owner FROM cases WHERE id != -1 AND owner IS NOT NULL ORDER BY owner"
        )
        return [owner for (owner,) in rows]

    def history(self, case_id: int) -> list[Event]:
        rows = self.conn.execute(
            f"SELECT {sql_rows.EVENT_COLUMNS} FROM events WHERE case_id = ? ORDER BY id", (case_id,)
        )
        return [sql_rows.event_of(row) for row in rows]

    _DEADLINE_COLUMNS = (
        'case_id, state, kind, due_at, action, "before", fired_at, closed_at, id, rule, anchor'
    )

    def deadlines(self, case_id: int, *, open_only: bool = True) -> list[Deadline]:
        sql = f"SELECT {self._DEADLINE_COLUMNS} FROM deadlines WHERE case_id = ?"
        if open_only:
            sql += " AND closed_at IS NULL"
        return [sql_rows.deadline_of(row) for row in self.conn.execute(sql + " ORDER BY due_at", (case_id,))]

    def agenda(
        self, until: dt.datetime, *, owner: str | None = None, limit: int | None = None
    ) -> list[Deadline]:
        # Open deadlines and unfired reminders, each in the order of its index
        # (deadlines_open, deadlines_pending), merged: a page is read, not the weeks.
        mine, each = "", [clock.to_text(until)]
        if owner is not None:
            # `+case_id`: walk the deadlines in their order, looking each case up among
            # the owner's, rather than read all the owner's deadlines and sort them.
            mine, each = " AND +case_id IN (SELECT id FROM cases WHERE owner = ?)", [*each, owner]
        sql = (
            f"SELECT {self._DEADLINE_COLUMNS} FROM deadlines WHERE closed_at IS NULL AND kind = 'deadline'"
            f" AND due_at <= ?{mine} UNION ALL SELECT {self._DEADLINE_COLUMNS} FROM deadlines"
            f" WHERE fired_at IS NULL AND closed_at IS NULL AND kind = 'reminder' AND due_at <= ?{mine}"
            " ORDER BY due_at, id"
        )
        params: list[Any] = each * 2
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(limit, 0))
        return [sql_rows.deadline_of(row) for row in self.conn.execute(sql, params)]

    def due_deadlines(self, now: dt.datetime) -> list[Deadline]:
        rows = self.conn.execute(
            f"SELECT {self._DEADLINE_COLUMNS} FROM deadlines"
            " WHERE fired_at IS NULL AND closed_at IS NULL AND due_at <= ? ORDER BY due_at, id",
            (clock.to_text(now),),
        )
        return [sql_rows.deadline_of(row) for row in rows]

    # -- the outbox --------------------------------------------------------------------

    _OUTBOX_COLUMNS = (
        "id, key, event_id, case_id, channel, recipient, subject, body, payload, status,"
        " attempts, next_attempt_at, last_error, created_at, sent_at"
    )

    def outbox(self, *, include_done: bool = False) -> list[OutboxRow]:
        where = "" if include_done else " WHERE status IN ('pending', 'incident')"
        rows = self.conn.execute(f"SELECT {self._OUTBOX_COLUMNS} FROM outbox{where} ORDER BY id")
        return [sql_rows.outbox_of(row) for row in rows]

    def outbox_message(self, message_id: int) -> OutboxRow | None:
        row = self.conn.execute(
            f"SELECT {self._OUTBOX_COLUMNS} FROM outbox WHERE id = ?", (message_id,)
        ).fetchone()
        return sql_rows.outbox_of(row) if row else None

    def outbox_attempted(
        self,
        message_id: int,
        at: dt.datetime,
        *,
        error: str | None,
        next_attempt_at: dt.datetime | None,
    ) -> None:
        """Record a delivery attempt: sent (no error), retry later, or an incident (no next)."""
        status = "sent" if error is None else ("pending" if next_attempt_at else "incident")
        sent_at = clock.to_text(at) if status == "sent" else None
        with self._writing():
            self.conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, status = ?, last_error = ?,"
                " next_attempt_at = ?, sent_at = coalesce(?, sent_at) WHERE id = ? AND status = 'pending'",
                (status, error, sql_rows.to_text(next_attempt_at), sent_at, message_id),
            )

    def outbox_resolve(self, message_id: int, at: dt.datetime, actor: str, what: str) -> bool:
        """Retry (back to pending, attempts from zero) or dismiss an incident; both logged."""
        stamp = clock.to_text(at)
        with self._writing():
            if what == "retry":
                change = "status = 'pending', attempts = 0, next_attempt_at = ?"
                params: tuple[Any, ...] = (stamp, message_id)
            else:
                change, params = "status = 'dismissed'", (message_id,)
            changed = self.conn.execute(
                f"UPDATE outbox SET {change} WHERE id = ? AND status IN ('incident', 'pending')", params
            ).rowcount
            if changed != 1:
                return False
            self.conn.execute(
                "INSERT INTO outbox_log (message_id, at, actor, what) VALUES (?, ?, ?, ?)",
                (message_id, stamp, actor, what),
            )
        return True

    def outbox_log(self, message_id: int) -> list[tuple[dt.datetime, str, str]]:
        rows = self.conn.execute(
            "SELECT at, actor, what FROM outbox_log WHERE message_id = ? ORDER BY id", (message_id,)
        )
        return [(sql_rows.moment(at), actor, what) for at, actor, what in rows]

    # -- documents ---------------------------------------------------------------------

    def attach_document(
        self, case_id: int, name: str, content: bytes, event: Callable[[int], Event]
    ) -> StoredDocument:
        size, sha256 = len(content), hashlib.sha256(content).hexdigest()
        with self._writing():
            # The document's row first: the event that records it names its id.
            row = self.conn.execute(
                "INSERT INTO documents (case_id, name, size, sha256, content)"
                " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?) RETURNING id",
                (case_id, name, size, sha256, content, case_id),
            ).fetchone()
            if row is None:
                raise NotFound(msg("there is no case {case}", case=case_id))
            document_id = row[0]
            attaching = event(document_id)
            event_id = self._append(case_id, attaching)
            self.conn.execute("UPDATE documents SET event_id = ? WHERE id = ?", (event_id, document_id))
        return StoredDocument(
            document_id,
            case_id,
            name,
            size,
            sha256,
            event_id,
            attaching.at,
            attaching.actor,
            attaching.account,
            attaching.note,
        )

    def documents(self, case_id: int) -> list[StoredDocument]:
        rows = self.conn.execute(
            f"SELECT {sql_rows.DOCUMENT_COLUMNS} FROM {sql_rows.DOCUMENTS} WHERE d.case_id = ? ORDER BY d.id",
            (case_id,),
        )
        return [sql_rows.document_of(row) for row in rows]

    def document_content(self, document_id: int) -> bytes | None:
        row = self.conn.execute(
            f"SELECT {self._CONTENT} FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        return None if row is None else bytes(row[0] or b"")

    def delete_document(self, document_id: int, event: Event) -> bool:
        with self._writing():
            rows = self.conn.execute(
                "UPDATE documents SET content = ? WHERE id = ? AND deleted_event_id IS NULL RETURNING case_id",
                (b"", document_id),
            ).fetchall()
            if not rows:
                return False
            event_id = self._append(rows[0][0], event)
            self.conn.execute(
                "UPDATE documents SET deleted_event_id = ? WHERE id = ?", (event_id, document_id)
            )
        return True

    def document_digests(self) -> Iterator[audit.DocumentRow]:
        rows = self.conn.execute(
            f"SELECT id, case_id, name, size, sha256, deleted_event_id IS NOT NULL, {self._CONTENT}"
            " FROM documents ORDER BY id"
        )
        for document_id, case_id, name, size, sha256, deleted, content in rows:
            now = hashlib.sha256(content or b"").hexdigest()
            yield audit.DocumentRow(document_id, case_id, name, size, sha256, bool(deleted), now)

    # -- the audit trail, refusals -------------------------------------------------------

    def audit_keyed(self) -> bool:
        return self.conn.execute("SELECT 1 FROM audit_key").fetchone() is not None

    def audit_heads(self) -> Iterator[audit.Head]:
        for row in self.conn.execute("SELECT case_id, count, last, mac FROM audit_heads ORDER BY case_id"):
            yield audit.Head(*row)

    def record_refusal(
        self,
        case_id: int | None,
        at: dt.datetime,
        actor: str,
        account: str | None,
        action: str,
        reasons: list[str],
    ) -> None:
        with self._writing():
            self.conn.execute(
                "INSERT INTO refusals (case_id, at, actor, account, action, reasons) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    case_id,
                    clock.to_text(at),
                    actor,
                    account,
                    action,
                    jsontext.dumps([str(r) for r in reasons]),
                ),
            )

    def refusals(self, case_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT at, actor, account, action, reasons FROM refusals WHERE case_id = ? ORDER BY id",
            (case_id,),
        )
        return [
            {
                "at": sql_rows.moment(at),
                "actor": actor,
                "account": account,
                "action": action,
                "reasons": sql_rows.loads(reasons),
            }
            for at, actor, account, action, reasons in rows
        ]

    # -- personal data -------------------------------------------------------------------

    def _mentioning(
        self, table: str, select: str, columns: tuple[str, ...], person: sql_rows.Person
    ) -> list[tuple[Any, ...]]:
        """The rows of ``table`` (their ``select`` columns) that may name the person in one
        of ``columns``; the caller confirms each as whole words or addresses."""
        if not person.texts:
            return []
        like = " OR ".join(f"{c} {self._LIKE} ? ESCAPE '\\'" for c in columns for _ in person.patterns)
        params = [pattern for _ in columns for pattern in person.patterns]
        return self.conn.execute(f"SELECT {select} FROM {table} WHERE {like} ORDER BY id", params).fetchall()

    def _find(self, texts: list[str], person_ids: list[str]) -> dict[str, list[tuple[Any, ...]]]:
        person = sql_rows.Person(texts)
        named = person.names
        owners, owner_ids = self._any("owner", person_ids)
        actors, actor_ids = self._any("actor", person_ids)
        accounts, account_ids = self._any("account", person_ids)
        mentioned_cases = {
            row[0]: row
            for row in self._mentioning("cases", sql_rows.PERSONAL_CASE_COLUMNS, ("title", "fields"), person)
            if named(row[1]) or named(sql_rows.loads(row[4]))
        }
        owned = self.conn.execute(
            f"SELECT {sql_rows.PERSONAL_CASE_COLUMNS} FROM cases WHERE {owners}", owner_ids
        ).fetchall()
        cases = sorted({**mentioned_cases, **{row[0]: row for row in owned}}.values())
        mentioned = {
            row[0]: row
            for row in self._mentioning(
                "events", sql_rows.PERSONAL_EVENT_COLUMNS, ("changes", "note"), person
            )
            if named(sql_rows.loads(row[6]))
            or named(row[7])
            or person.names_file(sql_rows.document_name(row[4], sql_rows.loads(row[6])))
        }
        acting = self.conn.execute(
            f"SELECT {sql_rows.PERSONAL_EVENT_COLUMNS} FROM events WHERE {actors} OR {accounts} OR {owners}",
            [*actor_ids, *account_ids, *owner_ids],
        ).fetchall()
        events = sorted({**mentioned, **{row[0]: row for row in acting}}.values())
        messages = [
            row
            for row in self._mentioning(
                "outbox",
                self._OUTBOX_COLUMNS,
                ("recipient", "subject", "body", "payload", "last_error"),
                person,
            )
            if any(named(value) for value in (row[5], row[6], row[7], sql_rows.loads(row[8]), row[12]))
        ]
        refusals = self.conn.execute(
            "SELECT id, case_id, at, actor, account, action, reasons FROM refusals"
            f" WHERE {actors} OR {accounts} ORDER BY id",
            [*actor_ids, *account_ids],
        ).fetchall()
        renamed = [
            row
            for row in self._mentioning("documents", "id, name", ("name",), person)
            if person.names_file(row[1])
        ]
        on_cases, case_ids = self._any("d.case_id", sorted({c[0] for c in cases} | {e[1] for e in events}))
        named_so, document_ids = self._any("d.id", [row[0] for row in renamed])
        documents = self.conn.execute(
            f"SELECT {sql_rows.DOCUMENT_COLUMNS} FROM {sql_rows.DOCUMENTS}"
            f" WHERE {on_cases} OR {named_so} ORDER BY d.id",
            [*case_ids, *document_ids],
        ).fetchall()
        return {
            "cases": cases,
            "events": events,
            "messages": messages,
            "refusals": refusals,
            "documents": documents,
            "renamed": renamed,
        }

    def personal_data(self, texts: list[str], person_ids: list[str]) -> dict[str, Any]:
        """Every case, event, message and refusal that names the person, whole, and the
        documents named so or kept with the cases found."""
        return sql_rows.personal_data_of(self._find(texts, person_ids))

    def erase_personal_data(
        self, texts: list[str], person_ids: list[str], pseudonym: str, at: dt.datetime, actor: str
    ) -> dict[str, int]:
        """Replace the person with ``pseudonym`` everywhere, in one transaction that finds
        them too (every other writer held off: nothing written in between escapes), and
        record the erasure as an event on every case it touched, whose revision goes up; a
        document whose name names the person is renamed."""
        person = sql_rows.Person(texts)

        def clean(value: Any) -> Any:
            return person.replaced(value, pseudonym)

        def who(name: str | None) -> str | None:
            return pseudonym if name in person_ids else name

        def cleaned(kind: str, changes: Any) -> Any:
            """An event's changes cleaned, the name of a document it records as a file's."""
            done = clean(changes)
            name = sql_rows.document_name(kind, changes)
            if name:
                done["document"] = {**done["document"], "name": person.file_replaced(name, pseudonym)}
            return done

        with self._writing():
            self._hold_for_erasure()
            found = self._find(texts, person_ids)
            touched = {c[0] for c in found["cases"]} | {e[1] for e in found["events"]}
            for case in found["cases"]:
                title, fields = clean(case[1]), clean(sql_rows.loads(case[4]))
                columns = {"title": title, "fields": jsontext.dumps(fields), "owner": who(case[6])}
                columns.update(self._searched(title, fields))
                assignments = ", ".join(f"{column} = ?" for column in columns)
                self.conn.execute(
                    f"UPDATE cases SET {assignments} WHERE id = ?", (*columns.values(), case[0])
                )
            for event in found["events"]:
                self.conn.execute(
                    "UPDATE events SET actor = ?, account = ?, owner = ?, changes = ?, note = ? WHERE id = ?",
                    (
                        who(event[3]),
                        who(event[8]),
                        who(event[9]),
                        jsontext.dumps(cleaned(event[4], sql_rows.loads(event[6]))),
                        clean(event[7]),
                        event[0],
                    ),
                )
            for case_id in sorted(touched):
                (state,) = self.conn.execute(
                    "UPDATE cases SET revision = revision + 1 WHERE id = ? RETURNING state", (case_id,)
                ).fetchone()
                ids, values = self._any("id", [e[0] for e in found["events"] if e[1] == case_id])
                rewritten = self.conn.execute(
                    f"SELECT {sql_rows.EVENT_COLUMNS} FROM events WHERE {ids} ORDER BY id", values
                ).fetchall()
                note = f"personal data erased ({pseudonym})"
                changes = audit.content_digests(sql_rows.event_of(row) for row in rewritten)
                self._append(case_id, Event(case_id, at, actor, ERASURE, None, state, state, changes, note))
            for message in found["messages"]:
                self.conn.execute(
                    "UPDATE outbox SET recipient = ?, subject = ?, body = ?, payload = ?, last_error = ? WHERE id = ?",
                    (
                        clean(message[5]),
                        clean(message[6]),
                        clean(message[7]),
                        jsontext.dumps(clean(sql_rows.loads(message[8]))),
                        clean(message[12]),
                        message[0],
                    ),
                )
            for refusal in found["refusals"]:
                self.conn.execute(
                    "UPDATE refusals SET actor = ?, account = ? WHERE id = ?",
                    (who(refusal[3]), who(refusal[4]), refusal[0]),
                )
            for document_id, name in found["renamed"]:
                self.conn.execute(
                    "UPDATE documents SET name = ? WHERE id = ?",
                    (person.file_replaced(name, pseudonym), document_id),
                )
            self._release_after_erasure()
        return {
            "cases": len(touched),
            "events": len(found["events"]),
            "messages": len(found["messages"]),
            "documents": len(found["renamed"]),
        }


_COUNTED = CaseFilter()


def _counted(where: CaseFilter) -> bool:
    """Whether ``case_counts`` answers how many cases ``where`` matches: when it asks
    for nothing but a process, a step, an owner and open cases."""
    return (
        attrs.evolve(
            where,
            process_id=None,
            state=None,
            owner=None,
            open_only=False,
            columns=(),
            order_by=_COUNTED.order_by,
            descending=False,
            limit=None,
            offset=0,
        )
        == _COUNTED
    )


_AT_ONCE = 500
"""Keys asked for in one statement: well under what SQLite takes as parameters."""

_DEADLINE_COLUMNS = '(case_id, state, kind, due_at, action, "before", rule, anchor)'


def _deadline_row(case_id: int, d: Deadline) -> tuple[Any, ...]:
    """A deadline's values for ``_DEADLINE_COLUMNS``."""
    return (
        case_id,
        d.state,
        d.kind,
        clock.to_text(d.due_at),
        d.action,
        d.before,
        d.rule,
        sql_rows.to_text(d.anchor),
    )

"""The PostgreSQL store: many coordinators writing at once, each municipality in a
schema of its own (URLs and their parameters: ``plugins.postgresql``).

It keeps the :class:`engine.store.Store` contract, on the same tables as the SQLite
store (``plugins.sql_rows``: times as ISO 8601 text in UTC, values as JSON text exactly
as hashed), and what the two do alike is written once (``plugins.sql_store``). This
class is what differs, where PostgreSQL lets writers work in parallel and SQLite makes
them queue:

- **Compare-and-swap**: a write to a case locks its row (``SELECT ... FOR UPDATE``)
  and compares the revision; writers of other cases never wait.
- **The audit trail** is chained per case, each case's head locked by its writer;
  there is no database-wide chain that every write would queue on. Instead
  :meth:`PostgresStore.audit_checkpoint` (``samskab tick``, ``audit anchor``) seals
  where every moved chain stands (``engine.audit``), skipping a head being written
  that moment (``SKIP LOCKED``: the next checkpoint has it).
- **Outbox claims** take the due messages with ``FOR UPDATE SKIP LOCKED``, so two
  deliverers never wait for, nor get, each other's messages.
- **An erasure** locks the tables it rewrites against writers (readers go on) for its
  one transaction, so nothing written meanwhile escapes it.
- **Search and order**: each case keeps its title's Danish sort key (``title_key``,
  ``collation.key``) and its folded texts (``search``, ``collation.search_text``),
  computed here as SQLite's store computes them in its SQL functions.
- **Changes by others** reach an open terminal UI through LISTEN/NOTIFY: every write
  notifies the schema's channel, right after its commit and in a transaction of its own
  that does not wait for the disk, because PostgreSQL holds a lock over the whole
  database while a transaction that notifies commits; :meth:`data_version` counts the
  notifications a second connection has heard.

PostgreSQL's errors become samskab's in one place (:func:`_problem`).
"""

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import attrs
import psycopg
from psycopg import sql

from samskab.engine import audit, clock, collation, jsontext
from samskab.engine.cases import Case, Event
from samskab.engine.errors import BadInput, Busy, NotFound, SamskabError, StorageFailed
from samskab.engine.messages import msg
from samskab.engine.store import OutboxRow, Store
from samskab.plugins import postgres_schema, sql_rows
from samskab.plugins.sql_store import SqlStore

OURS = ("schema", "key", "timeout")
"""The URL's parameters that are samskab's, not libpq's."""

SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@attrs.frozen
class Address:
    """Where a PostgreSQL database is: libpq's URL (without samskab's parameters), the
    schema, the audit key's file and the lock timeout."""

    conninfo: str
    schema: str | None
    key: Path | None
    timeout: float
    shown: str
    """The URL as messages name it: without a password (nor the key and the timeout)."""

    @classmethod
    def from_url(cls, url: str) -> "Address":
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        ours = {name: value for name, value in query if name in OURS}
        rest = [(name, value) for name, value in query if name not in OURS]
        schema = ours.get("schema") or None
        if schema is not None and not SCHEMA_NAME.fullmatch(schema):
            raise BadInput(
                msg(
                    "schema {schema}: a schema's name is lower-case letters, digits and _ (at most 63)",
                    schema=repr(schema),
                )
            )
        try:
            timeout = float(ours.get("timeout", 5.0))
        except ValueError:
            raise BadInput(
                msg("timeout must be a number of seconds, not {value}", value=repr(ours["timeout"]))
            ) from None
        netloc = parts.netloc
        if "@" in netloc and ":" in netloc.split("@", 1)[0]:
            netloc = netloc.split(":", 1)[0] + "@" + netloc.split("@", 1)[1]
        shown_query = "&".join(
            part
            for part in parts.query.split("&")
            if part.partition("=")[0] not in ("key", "timeout", "password")
        )
        return cls(
            urlunsplit(parts._replace(query=urlencode(rest))),
            schema,
            Path(ours["key"]) if ours.get("key") else None,
            timeout,
            urlunsplit(parts._replace(netloc=netloc, query=shown_query)),
        )

    def with_schema(self, schema: str, key: Path) -> str:
        """This address's URL for another schema, its key in ``key``."""
        parts = urlsplit(self.conninfo)
        query = [
            *parse_qsl(parts.query),
            ("schema", schema),
            ("key", str(key)),
            ("timeout", str(self.timeout)),
        ]
        return urlunsplit(parts._replace(query=urlencode(query)))


def open_postgres(url: str, create: bool | None) -> Store:
    """The store at ``url`` (the ``open_store`` hook). A schema without samskab's tables
    is made samskab's when ``create``; refused (NotFound) when ``create`` is False; and
    with ``create`` None, an empty store that is not kept stands in for it."""
    where = Address.from_url(url)
    store = PostgresStore(where)
    try:
        state = store.schema_state()
        if state == "new" and create is None:
            store.close()
            from samskab.plugins.sqlite_store import SqliteStore

            return SqliteStore(":memory:")
        if state == "new" and create is False:
            raise NotFound(
                msg(
                    "there is no samskab database in {url}: give one with --db, or start one"
                    " (samskab cases new, samskab demo)",
                    url=where.shown,
                )
            )
        if state == "foreign":
            raise BadInput(
                msg(
                    "{url} holds another program's tables; give samskab a schema of its own (?schema=NAME)",
                    url=where.shown,
                )
            )
        if state != "current":
            store.migrate()
    except BaseException:
        store.close()
        raise
    return store


def create_postgres(url: str, fill: Callable[[str], None]) -> bool:
    """Build a new schema all or nothing (the ``create_store`` hook): ``fill`` writes into
    SCHEMA_building (its key beside the key's file), which becomes SCHEMA, and its key
    the key, only when it is done; a failure leaves neither behind."""
    where = Address.from_url(url)
    store = PostgresStore(where)
    try:
        if store.schema_state() != "new":
            return False
        building = f"{store.schema[:54]}_building"
        key = store.key_path
        staging_key = key.with_name(key.name + ".building")
        store.drop_schema(building)
        staging_key.unlink(missing_ok=True)
        try:
            fill(where.with_schema(building, staging_key))
            store.rename_schema(building)
            staging_key.replace(key)
        finally:
            store.drop_schema(building)
            staging_key.unlink(missing_ok=True)
    finally:
        store.close()
    return True


def _placeholders(query: Any) -> Any:
    """samskab's SQL (``?`` for each parameter, as SQLite takes them) as psycopg takes it."""
    return query.replace("?", "%s") if isinstance(query, str) else query


class _Cursor(psycopg.Cursor[tuple[Any, ...]]):
    """A cursor that takes samskab's SQL (:func:`_placeholders`) and says PostgreSQL's
    errors as samskab's (:func:`_problem`)."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> "_Cursor":
        if params is not None:
            query = _placeholders(query)
        try:
            super().execute(query, params, **options)
        except psycopg.Error as error:
            raise _problem(error, self.connection) or error from None
        return self

    def executemany(self, query: Any, params_seq: Any, **options: Any) -> None:
        try:
            super().executemany(_placeholders(query), params_seq, **options)
        except psycopg.Error as error:
            raise _problem(error, self.connection) or error from None


class _Connection(psycopg.Connection[tuple[Any, ...]]):
    shown = ""
    """The database as messages name it."""


def _connect(where: Address) -> _Connection:
    try:
        conn = _Connection.connect(
            where.conninfo, autocommit=True, cursor_factory=_Cursor, application_name="samskab"
        )
    except psycopg.Error as error:
        raise StorageFailed(
            msg("cannot connect to {url} ({error})", url=where.shown, error=_said(error))
        ) from None
    conn.shown = where.shown
    conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{int(where.timeout * 1000)}ms")))
    if where.schema:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(where.schema)))
    return conn


class PostgresStore(SqlStore):
    """The :class:`engine.store.Store` contract on one schema of a PostgreSQL database."""

    def __init__(self, where: Address):
        self.where = where
        self.conn = _connect(where)
        self.schema = where.schema or _one(self.conn.execute("SELECT current_schema()"))[0]
        if self.schema is None:
            self.conn.close()
            raise BadInput(msg("{url} names no schema: add ?schema=NAME", url=where.shown))
        database = self.conn.info.dbname
        self.key_path = where.key or Path.cwd() / f"{database}-{self.schema}.key"
        self.channel = f"samskab_{self.schema}"[:63]
        self._key: audit.Key | None = None
        self._installation = ""
        self._listener: _Connection | None = None
        self._heard = 0

    # -- the schema ----------------------------------------------------------------

    def schema_state(self) -> str:
        """What the schema holds: "current", "older" (migrations are due), "new" (no
        such schema, or nothing in it yet) or "foreign" (another program's tables)."""
        applied = postgres_schema.applied(self.conn, self.schema)
        if applied is not None:
            return "current" if applied and applied[-1] == postgres_schema.LATEST else "older"
        (tables,) = _one(
            self.conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = ?", (self.schema,))
        )
        return "foreign" if tables else "new"

    def migrate(self) -> None:
        """Make the schema if there is none, and bring it to the last migration."""
        self.conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
        postgres_schema.apply(self.conn, self.schema, self.where.shown)

    def drop_schema(self, schema: str) -> None:
        self.conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))

    def rename_schema(self, building: str) -> None:
        """``building`` becomes this store's schema, in place of an empty one by that name."""
        with self._writing():
            self.conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {}").format(sql.Identifier(self.schema)))
            self.conn.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                    sql.Identifier(building), sql.Identifier(self.schema)
                )
            )

    def config_directory(self) -> Path | None:
        return None

    def close(self) -> None:
        self.conn.close()
        if self._listener is not None:
            self._listener.close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction: all of it is saved or, whatever fails (a lost compare-and-swap,
        a lock held too long, a lost connection), none of it; then the schema's channel
        hears of it."""
        try:
            with self.conn.transaction():
                yield
        except psycopg.Error as error:
            raise _problem(error, self.conn) or error from None
        # Its own transaction, which need not wait for the disk: the commit of one that
        # notifies holds a lock over the whole database. If it fails, the change is
        # saved all the same, and a screen hears of the next one.
        with contextlib.suppress(SamskabError):
            self.conn.execute(
                "SELECT set_config('synchronous_commit', 'off', true), pg_notify(?, '')", (self.channel,)
            )

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    # -- writing cases ---------------------------------------------------------------

    _TITLE_ORDER = "title_key"
    _NO_LIMIT = None
    _LIKE = "ILIKE"  # with the patterns that find æ, ø and å in either case (sql_rows.Person)
    _CONTENT = "content"
    _DUE = "closed_at IS NULL AND (next_due IS NULL) = false"
    _OPEN = "open"

    def _insert_case(self, values: dict[str, Any], register: int | None) -> int:
        if register is not None:  # the register of people keeps its number
            values = {"id": register, **values}
        return _one(
            self.conn.execute(
                f"INSERT INTO cases ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)}) RETURNING id",
                list(values.values()),
            )
        )[0]

    def _insert_cases(self, rows: list[dict[str, Any]]) -> list[int]:
        columns = list(rows[0])
        cursor = self.conn.cursor()
        cursor.executemany(
            f"INSERT INTO cases ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
            [list(row.values()) for row in rows],
            returning=True,
        )
        ids = []
        while True:
            ids.append(_one(cursor)[0])
            if not cursor.nextset():
                return ids

    def _claim(self, deadline_ids: list[int | None], at: str) -> set[int]:
        # Rows another tick (or an action) holds are left to it, not waited for: two
        # ticks firing the same batch share it out instead of queueing, and cannot
        # deadlock on each other's rows.
        return {
            row[0]
            for row in self.conn.execute(
                "UPDATE deadlines SET fired_at = ? WHERE id IN (SELECT id FROM deadlines WHERE id = ANY(?)"
                " AND fired_at IS NULL AND closed_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING id",
                (at, list(deadline_ids)),
            )
        }

    def _append_events(self, events: list[tuple[int, Event]]) -> list[int]:
        # The heads' rows locked in the order of their cases, so that two callers
        # appending to some of the same cases cannot each wait for the other.
        if not events:
            return []
        key = self._require_key()
        heads: dict[int, tuple[int, str | None]] = dict.fromkeys(
            sorted({case_id for case_id, _ in events}), (0, None)
        )
        moved: dict[int, tuple[int, str]] = {}
        for head_of, count, last in self.conn.execute(
            "SELECT case_id, count, last FROM audit_heads WHERE case_id = ANY(?) ORDER BY case_id FOR UPDATE",
            (list(heads),),
        ):
            heads[head_of] = (count, last)
        rows = []
        for case_id, event in events:
            digest = audit.digest(event, case_id)
            count, last = heads[case_id]
            heads[case_id] = moved[case_id] = (count + 1, key.link(last, digest))
            rows.append((*sql_rows.event_row(case_id, event), digest, moved[case_id][1]))
        cursor = self.conn.cursor()
        cursor.executemany(
            f"{sql_rows.INSERT_EVENT}) VALUES ({sql_rows.EVENT_VALUES}) RETURNING id", rows, returning=True
        )
        ids = []
        while True:
            ids.append(_one(cursor)[0])
            if not cursor.nextset():
                break
        cursor.executemany(
            "INSERT INTO audit_heads (case_id, count, last, mac) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (case_id) DO UPDATE SET count = excluded.count, last = excluded.last, mac = excluded.mac",
            [
                (case_id, count, last, key.head(case_id, count, last))
                for case_id, (count, last) in moved.items()
            ],
        )
        return ids

    def _hold_for_import(self) -> None:
        # Imports queue among themselves, so that of two importing the same rows at once
        # the second finds them imported; other writers do not wait.
        self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('samskab import: ' || ?))", (self.schema,))

    def _swap(self, case: Case, columns: dict[str, Any]) -> None:
        # The case's row locked, then its revision compared: writers of other cases go
        # on; another of this case waits here, then finds the revision moved.
        stored = self.conn.execute(
            "SELECT revision FROM cases WHERE id = ? FOR UPDATE", (case.id,)
        ).fetchone()
        if stored is None or stored[0] != case.revision:
            raise self._conflict(case)
        assignments = "".join(f"{column} = ?, " for column in columns)
        self.conn.execute(
            f"UPDATE cases SET {assignments}revision = revision + 1 WHERE id = ?",
            (*columns.values(), case.id),
        )

    def _searched_fields(self, title: str, fields: dict[str, Any]) -> dict[str, Any]:
        return {
            "search": collation.search_text(title, fields),
            "field_keys": jsontext.dumps(sql_rows.field_order_keys(fields)),
        }

    def _field_order(self, field_id: str, *, descending: bool) -> tuple[str, list[Any]]:
        # As SQLite sorts: no value last; a text that is not a number before numbers
        # (SQLite's NULL is least), then the texts as titles sort (a number's is "").
        direction, nulls = (" DESC", "LAST") if descending else ("", "FIRST")
        order = (
            "coalesce(fields::jsonb ->> ?, '') = '',"
            f" (field_keys -> ? ->> 0)::float8{direction} NULLS {nulls},"
            f' (field_keys -> ? ->> 1) COLLATE "C"{direction}'
        )
        return order, [field_id] * 3

    def _text_clause(self, text: str) -> tuple[str, list[Any]]:
        # LIKE, which the trigram index (p010) answers where there is one; a text no
        # case's texts hold between them (the separator) matches nothing.
        needle = collation.fold(text)
        if collation.SEPARATOR in needle:
            return "false", []
        pattern = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "search LIKE ?", [f"%{pattern}%"]

    def _value_clause(self, field_id: str, value: Any) -> tuple[str, list[Any]]:
        # A JSON null and no value at all are alike, as in the SQLite store.
        return "coalesce(fields::jsonb -> ?, 'null') = ?::jsonb", [field_id, jsontext.dumps(value)]

    def _any(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{column} = ANY(?)", [list(values)]

    def _hold_for_erasure(self) -> None:
        # Readers go on; writers wait until the erasure commits, so nothing written
        # meanwhile escapes it.
        self.conn.execute("LOCK TABLE cases, events, outbox, refusals, documents IN EXCLUSIVE MODE")
        self.conn.execute("SELECT set_config('samskab.erasing', 'on', true)")

    def _append(self, case_id: int, event: Event) -> int:
        """Append an event with its digest and case link, and move the case's head, whose
        row is locked first: appends to one case queue there, to others do not."""
        key = self._require_key()
        if event.case_id != case_id:
            event = attrs.evolve(event, case_id=case_id)
        head = self.conn.execute(
            "SELECT count, last FROM audit_heads WHERE case_id = ? FOR UPDATE", (case_id,)
        ).fetchone()
        count, last = head if head else (0, None)
        digest = audit.digest(event)
        case_link = key.link(last, digest)
        (event_id,) = _one(
            self.conn.execute(
                f"{sql_rows.INSERT_EVENT}) VALUES ({sql_rows.EVENT_VALUES}) RETURNING id",
                (*sql_rows.event_row(case_id, event), digest, case_link),
            )
        )
        self.conn.execute(
            "INSERT INTO audit_heads (case_id, count, last, mac) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (case_id) DO UPDATE SET count = excluded.count, last = excluded.last, mac = excluded.mac",
            (case_id, count + 1, case_link, key.head(case_id, count + 1, case_link)),
        )
        return event_id

    # -- reading cases -------------------------------------------------------------------

    def data_version(self) -> int:
        """How many changes the schema's channel has heard of since this store first
        asked (a connection of its own, listening from then on)."""
        if self._listener is None:
            self._listener = _connect(self.where)
            self._listener.add_notify_handler(self._heard_one)
            self._listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        else:
            self._listener.execute("SELECT 1")  # what was said meanwhile is heard with its answer
        return self._heard

    def _heard_one(self, _: psycopg.Notify) -> None:
        self._heard += 1

    # -- the outbox ------------------------------------------------------------------------

    def outbox_claim(self, now: dt.datetime, until: dt.datetime) -> list[OutboxRow]:
        with self._writing():
            # Messages another deliverer is claiming this moment are skipped, not waited
            # for: that one takes them.
            rows = self.conn.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE id IN (SELECT id FROM outbox"
                " WHERE status = 'pending' AND next_attempt_at <= ? FOR UPDATE SKIP LOCKED)"
                f" RETURNING {self._OUTBOX_COLUMNS}",
                (clock.to_text(until), clock.to_text(now)),
            ).fetchall()
        return sorted((sql_rows.outbox_of(row) for row in rows), key=lambda message: message.id)

    # -- the audit trail -------------------------------------------------------------------

    def audit_key_path(self) -> Path:
        return self.key_path

    def use_audit_key(self, key: audit.Key, *, new_key: bool) -> None:
        stored = self.conn.execute("SELECT fingerprint FROM audit_key").fetchone()
        if stored is None:
            with self._writing():
                # One samskab keys a new schema; another starting at once waits, then compares.
                self.conn.execute("LOCK TABLE audit_key IN EXCLUSIVE MODE")
                stored = self.conn.execute("SELECT fingerprint FROM audit_key").fetchone()
                if stored is None:
                    if self.conn.execute("SELECT 1 FROM events LIMIT 1").fetchone():
                        raise BadInput(
                            msg(
                                "the history in {url} is not kept under an audit key: events were added"
                                " without samskab; restore it from a backup",
                                url=self.where.shown,
                            )
                        )
                    self.conn.execute("INSERT INTO audit_key (fingerprint) VALUES (?)", (key.fingerprint(),))
                    stored = (key.fingerprint(),)
        if stored[0] != key.fingerprint():
            raise BadInput(msg("the audit key {path} is not this database's", path=str(self.key_path)))
        self._key, self._installation = key, key.installation()

    def audit_rows(self) -> Iterator[audit.AuditRow]:
        after = 0
        while True:  # in batches: a long history need not fit in memory
            rows = self.conn.execute(
                f"SELECT {sql_rows.EVENT_COLUMNS}, digest, case_link FROM events WHERE id > ?"
                " ORDER BY id LIMIT 10000",
                (after,),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                width = sql_rows.EVENT_WIDTH
                yield audit.AuditRow(sql_rows.event_of(row[:width]), row[width], row[width + 1], None)
            after = rows[-1][9]

    def tidy(self) -> None:
        with self._writing():
            # The counts' changes summed into one row per process, step, owner and
            # openness. What others add meanwhile is not in this statement's snapshot,
            # so it is neither deleted nor counted twice.
            self.conn.execute(
                "WITH gone AS (DELETE FROM case_counts RETURNING *) INSERT INTO case_counts"
                " SELECT process_id, state, owner, open, sum(n) FROM gone"
                " GROUP BY process_id, state, owner, open HAVING sum(n) <> 0"
            )

    def audit_checkpoint(self, at: dt.datetime) -> None:
        key = self._require_key()
        moved_since = "FROM audit_heads WHERE case_id <> ? AND count <> sealed"
        if not self.conn.execute(f"SELECT 1 {moved_since} LIMIT 1", (audit.DATABASE,)).fetchone():
            return  # nothing to seal (and no screen told of a change)
        with self._writing():
            # Checkpoints queue among themselves (they are a chain). One never waits for
            # a writer: a head being written is left for the next checkpoint; a writer
            # of a case being sealed waits for the checkpoint's commit, a moment.
            self.conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('samskab checkpoint: ' || ?))", (self.schema,)
            )
            moved = self.conn.execute(
                f"SELECT case_id, count, last, sealed {moved_since} ORDER BY case_id FOR UPDATE SKIP LOCKED",
                (audit.DATABASE,),
            ).fetchall()
            if not moved:
                return
            last = self.conn.execute(
                "SELECT events, link FROM audit_checkpoints ORDER BY number DESC LIMIT 1"
            ).fetchone()
            events = (last[0] if last else 0) + sum(count - sealed for _, count, _, sealed in moved)
            heads = [(case_id, count, link) for case_id, count, link, _ in moved]
            link = audit.checkpoint_link(key, last[1] if last else None, at, events, heads)
            self.conn.execute(
                "INSERT INTO audit_checkpoints (at, events, heads, link) VALUES (?, ?, ?, ?)",
                (clock.to_text(at), events, jsontext.dumps(heads), link),
            )
            self.conn.execute(
                "UPDATE audit_heads SET sealed = count WHERE case_id = ANY(?)", ([h[0] for h in heads],)
            )
            self.conn.execute(
                "INSERT INTO audit_heads (case_id, count, last, mac) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (case_id) DO UPDATE SET count = excluded.count, last = excluded.last,"
                " mac = excluded.mac",
                (audit.DATABASE, events, link, key.head(audit.DATABASE, events, link)),
            )

    def audit_checkpoints(self) -> list[audit.Checkpoint]:
        rows = self.conn.execute(
            "SELECT number, at, events, heads, link FROM audit_checkpoints ORDER BY number"
        )
        return [
            audit.Checkpoint(
                number,
                sql_rows.moment(at),
                events,
                tuple(tuple(head) for head in sql_rows.loads(heads)),
                link,
            )
            for number, at, events, heads, link in rows
        ]

    # -- personal data ---------------------------------------------------------------------


def _one(cursor: psycopg.Cursor[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The one row a statement gives: a count, or what ``RETURNING`` gives back."""
    row = cursor.fetchone()
    assert row is not None, "the statement gives a row"
    return row


def _said(error: psycopg.Error) -> str:
    """PostgreSQL's own words for ``error``, on one line."""
    said = (getattr(error, "diag", None) and error.diag.message_primary) or str(error)
    return " ".join(said.split())


def _problem(error: psycopg.Error, conn: Any) -> SamskabError | None:
    """PostgreSQL's ``error`` said as samskab's; None for a mistake in samskab (a statement
    PostgreSQL does not understand), which goes on as it is. PostgreSQL undoes the
    transaction a failed statement was part of, so each of these means nothing was saved."""
    place = getattr(conn, "shown", "") or "the PostgreSQL database"
    state = error.sqlstate or ""
    said = _said(error)
    if state in ("55P03", "40P01", "40001", "57014"):  # a lock held too long, a deadlock
        return Busy(
            msg("the database is busy (another program is writing to it); nothing was saved, try again")
        )
    if state == "42501":
        return StorageFailed(
            msg(
                "{path}: the PostgreSQL server does not let this account do that ({error})",
                path=place,
                error=said,
            )
        )
    if state == "53100":
        return StorageFailed(msg("the disk is full: nothing was saved in {path}", path=place))
    if state == "25006":
        return StorageFailed(msg("{path} is read-only: nothing was saved", path=place))
    if state.startswith("22"):  # a value PostgreSQL cannot keep (a NUL character in a text)
        return BadInput(
            msg(
                "{path}: PostgreSQL cannot keep a value given ({error}); nothing was saved",
                path=place,
                error=said,
            )
        )
    if isinstance(error, psycopg.OperationalError) or state.startswith(("08", "57", "53", "58", "XX")):
        return StorageFailed(
            msg(
                "{path} could not be read or written ({error}); a change under way was not saved",
                path=place,
                error=said,
            )
        )
    return None

"""The built-in store: one SQLite file, no server.

Schema changes only through sqlite-utils ``Migrations`` (``mNNN_`` functions, never
renamed or reordered once released). The hot path (taking an action) is plain
parameterised SQL in one ``db.atomic()`` transaction: a compare-and-swap on the case's
revision, its event and its deadlines, so a case's state and its history never part.

URLs: a plain path, ``sqlite:PATH`` or ``sqlite:///PATH``; ``?synchronous=FULL``
trades speed for durability against power loss (the default, NORMAL, is durable
against a crash of samskab itself in WAL mode); ``?timeout=SECONDS`` is how long to wait
for another writer (default 5).

SQLite's errors become samskab's in one place (:func:`_problem`), whichever statement
or row shows them (:class:`_Connection`): a damaged file, a read-only file or folder, a
full disk (or file-size limit), a busy database. A file in a folder samskab may not write
is read as it is on disk (``immutable``), since SQLite cannot make its -wal and -shm there.

Times are kept as ISO 8601 text in UTC (``clock.to_text``: ``2026-03-01T09:30:00+00:00``),
which sorts and compares in SQL as the times do: the store takes and gives datetimes and
turns them into that text on the way in and back on the way out.
"""

import contextlib
import datetime as dt
import os
import resource
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlencode

import attrs

from samskab.engine import audit, clock, collation
from samskab.engine.cases import Case, Event
from samskab.engine.errors import (
    BadInput,
    Busy,
    NotFound,
    SamskabError,
    StorageFailed,
    file_problem,
)
from samskab.engine.hookspecs import hookimpl
from samskab.engine.messages import msg
from samskab.engine.store import OutboxRow
from samskab.plugins import sql_rows
from samskab.plugins.sql_store import _AT_ONCE, SqlStore

if TYPE_CHECKING:  # loaded for the first write only (see db)
    import sqlite_utils


def _key_path(path: str) -> Path:
    return Path(path).with_suffix(".key")


def _path_and_options(url: str) -> tuple[str, dict[str, str]] | None:
    if url.startswith("sqlite:"):
        url = url.removeprefix("sqlite:").removeprefix("//")
    elif "://" in url:
        return None
    path, _, query = url.partition("?")
    return path, {key: values[-1] for key, values in parse_qs(query).items()}


@hookimpl
def open_store(url: str, create: bool | None):
    parsed = _path_and_options(url)
    if parsed is None:
        return None
    path, options = parsed
    if path != ":memory:" and not create and not os.path.exists(path):
        if create is False:
            raise NotFound(
                msg(
                    "there is no database {path}: give one with --db, or start one (samskab cases new, samskab demo)",
                    path=path,
                )
            )
        return SqliteStore(":memory:", config_directory=Path(path).resolve().parent)
    synchronous = options.get("synchronous", "NORMAL").upper()
    if synchronous not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise BadInput(msg("synchronous must be NORMAL or FULL, not {value}", value=repr(synchronous)))
    try:
        timeout = float(options.get("timeout", 5.0))
    except ValueError:
        raise BadInput(
            msg("timeout must be a number of seconds, not {value}", value=repr(options["timeout"]))
        ) from None
    return SqliteStore(path, synchronous=synchronous, timeout=timeout)


@hookimpl
def create_store(url: str, fill: Callable[[str], None]) -> bool | None:
    """Build a new database file all or nothing: ``fill`` writes into PATH.building, which
    becomes PATH only when it is done; a failure leaves no file behind."""
    parsed = _path_and_options(url)
    if parsed is None:
        return None
    path, options = parsed
    if path == ":memory:":
        raise BadInput(msg("a database in memory cannot be kept"))
    if os.path.exists(path):
        return False
    building = path + ".building"
    leftovers = [building, building + "-wal", building + "-shm"]
    for leftover in leftovers:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(leftover)
    leftovers.append(str(_key_path(building)))
    try:
        fill(building + (f"?{urlencode(options)}" if options else ""))
        os.replace(_key_path(building), _key_path(path))
        os.replace(building, path)
    finally:
        for leftover in leftovers:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)
    return True


MIGRATIONS = (
    "m001_initial",
    "m002_next_due",
    "m003_outbox",
    "m004_audit_chain",
    "m005_accounts_and_refusals",
    "m006_case_link_on_case",
    "m007_keyed_audit",
    "m008_heads_only",
    "m009_case_owner",
    "m010_documents",
    "m011_deadline_rules",
    "m012_case_links",
    "m014_imported_cases",
    "m015_cost_by_the_page",
    "m016_periods",
)
"""Every migration in ``plugins.sqlite_schema``, in order; a test keeps the two in step.
A database is current when it has applied all of them, so one that came after a
later-numbered one (m010 after m011) is still applied to a database made in between."""
LATEST = MIGRATIONS[-1]
_CASES_A_STATEMENT = 500
"""Cases inserted by one statement (:meth:`SqliteStore._insert_cases`): their values stay
well under the parameters SQLite takes in one."""


class SqliteStore(SqlStore):
    """The :class:`engine.store.Store` contract on one SQLite file."""

    def __init__(
        self,
        path: str,
        *,
        synchronous: str = "NORMAL",
        timeout: float = 5.0,
        config_directory: Path | None = None,
    ):
        self.path = path
        self._config_directory = config_directory
        if path != ":memory:" and not os.path.exists(path):
            # Created readable by its owner only: it holds people's names and addresses.
            try:
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            except OSError as error:
                raise file_problem(path, error) from None
        self._db: sqlite_utils.Database | None = None
        self._key: audit.Key | None = None
        self._installation = ""
        try:
            address = _address(path)
            self.conn = sqlite3.connect(
                address, uri=address != path, factory=_Connection, check_same_thread=False, timeout=timeout
            )
            self.conn.path = path
            self.conn.create_collation("danish", collation.compare)
            self.conn.execute("PRAGMA foreign_keys = ON")
            if path != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
                # Copying the log back into the database costs more per action than
                # writing it; doing so every 10,000 pages (not 1,000) halves that cost.
                # A log that grew past 64 MB (a long reader held it) is cut back after.
                self.conn.execute("PRAGMA wal_autocheckpoint = 10000")
                self.conn.execute("PRAGMA journal_size_limit = 67108864")
                # A municipality's years are gigabytes: 16 MB of pages kept (not 2 MB)
                # spare the indexes a tick or an import writes all over many a reread.
                self.conn.execute("PRAGMA cache_size = -16000")
            self.conn.execute(f"PRAGMA synchronous = {synchronous}")
            schema = self._schema()
            if schema == "foreign":
                raise BadInput(
                    msg("{path} is another program's database; give samskab a new file (--db)", path=path)
                )
            if schema == "newer":
                raise BadInput(
                    msg("{path} was made by a newer samskab; upgrade samskab to open it", path=path)
                )
            if schema != "current":
                from samskab.plugins.sqlite_schema import migrations

                migrations.apply(self.db)
        except sqlite3.DatabaseError as exc:
            raise _problem(exc, path) or BadInput(
                msg("{path}: not a samskab database ({error})", path=path, error=str(exc))
            ) from None

    def _schema(self) -> str:
        """What the file holds: "current" (every migration applied: reading needs no
        sqlite-utils), "older" (migrations are due), "newer" (a later samskab's: it applied
        one this samskab does not know), "new" (nothing yet) or "foreign" (another
        program's tables, never to be written)."""
        try:
            applied = [
                name
                for (name,) in self.conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = 'samskab' ORDER BY rowid"
                )
            ]
        except sqlite3.OperationalError:  # no migrations table: new, or not samskab's
            applied = []
        if applied:
            if not set(applied) <= set(MIGRATIONS):
                return "newer"
            return "current" if len(set(applied)) == len(MIGRATIONS) else "older"
        tables = self.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations'"
        ).fetchone()[0]
        return "foreign" if tables else "new"

    @property
    def db(self) -> "sqlite_utils.Database":
        """The sqlite-utils view of the connection: migrations, transactions, tooling."""
        if self._db is None:
            import sqlite_utils

            # No sqlite-utils plugins: they would change samskab's connection, and looking
            # for them (every installed package's entry points) costs a write ~50 ms.
            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    def config_directory(self) -> Path | None:
        if self.path == ":memory:":
            return self._config_directory
        return Path(self.path).resolve().parent

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def _writing(self):
        """One transaction: all of it is saved or, whatever fails (a lost compare-and-swap,
        a busy database, a full disk), none of it."""
        with self.db.atomic():
            yield

    # -- writing cases -----------------------------------------------------------

    _TITLE_ORDER = "title_key"
    _DUE = "closed_at IS NULL AND (next_due IS NULL) = 0"
    _OPEN = "open = 1"
    _NO_LIMIT = -1  # SQLite has no OFFSET without a LIMIT
    _LIKE = "LIKE"
    _CONTENT = "CAST(content AS BLOB)"  # text put there by hand reads back as its bytes

    def _insert_case(self, values: dict[str, Any], register: int | None) -> int:
        # Numbered from 1 whatever the register's -1 (SQLite alone would give 0).
        cursor = self.conn.execute(
            f"INSERT INTO cases (id, {', '.join(values)})"
            " VALUES (coalesce(?, (SELECT max(coalesce(max(id), 0), 0) + 1 FROM cases)),"
            f" {', '.join('?' for _ in values)})",
            (register, *values.values()),
        )
        return _row_id(cursor)

    def _insert_cases(self, rows: list[dict[str, Any]]) -> list[int]:
        # Numbered on from the last case, as _insert_case numbers one: SQLite has one
        # writer at a time, so no other case can take these numbers meanwhile.
        (last,) = self.conn.execute("SELECT max(coalesce(max(id), 0), 0) FROM cases").fetchone()
        ids = list(range(last + 1, last + 1 + len(rows)))
        columns = list(rows[0])
        one = f"({', '.join('?' * (len(columns) + 1))})"
        # Many cases a statement: SQLite runs the triggers on cases (the counts, the
        # search index's waiting list) for a statement's cases faster than a case each.
        for start in range(0, len(rows), _CASES_A_STATEMENT):
            some = range(start, min(start + _CASES_A_STATEMENT, len(rows)))
            self.conn.execute(
                f"INSERT INTO cases (id, {', '.join(columns)}) VALUES {', '.join([one] * len(some))}",
                [value for i in some for value in (ids[i], *rows[i].values())],
            )
        return ids

    def _append_events(self, events: list[tuple[int, Event]]) -> list[int]:
        if not events:
            return []
        key = self._require_key()
        heads: dict[int, tuple[int, str | None]] = dict.fromkeys(
            [audit.DATABASE, *(case_id for case_id, _ in events)], (0, None)
        )
        moved: dict[int, tuple[int, str]] = {}
        for start in range(0, len(heads), _AT_ONCE):
            clause, params = self._any("case_id", list(heads)[start : start + _AT_ONCE])
            for head_of, count, last in self.conn.execute(
                f"SELECT case_id, count, last FROM audit_heads WHERE {clause}", params
            ):
                heads[head_of] = (count, last)
        rows = []
        for case_id, event in events:
            digest = audit.digest(event, case_id)
            links = []
            for head_of in (case_id, audit.DATABASE):
                count, last = heads[head_of]
                heads[head_of] = moved[head_of] = (count + 1, key.link(last, digest))
                links.append(moved[head_of][1])
            rows.append((*sql_rows.event_row(case_id, event), digest, *links))
        # Numbered on from the last event, as SQLite numbers rows it is given no id for,
        # one writer at a time: each is one more than the largest before it.
        (last_id,) = self.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
        self.conn.executemany(f"{sql_rows.INSERT_EVENT}, chain) VALUES ({sql_rows.EVENT_VALUES}, ?)", rows)
        self.conn.executemany(
            "INSERT OR REPLACE INTO audit_heads (case_id, count, last, mac) VALUES (?, ?, ?, ?)",
            [
                (head_of, count, last, key.head(head_of, count, last))
                for head_of, (count, last) in moved.items()
            ],
        )
        return list(range(last_id + 1, last_id + 1 + len(rows)))

    def _hold_for_import(self) -> None:
        # Another import of the same rows waits for this one to commit, then finds them
        # imported.
        self._hold_writes()

    def _hold_writes(self) -> None:
        """Take the write lock first in the transaction under way, by a write that changes
        nothing: what it reads after is the latest, and stays so until it commits (a
        transaction that read first and wrote after another's commit could not write)."""
        self.conn.execute("UPDATE audit_heads SET count = count WHERE 0")

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        with self._writing():
            self._hold_writes()  # the batch reads, then writes what it read
            yield

    def _swap(self, case: Case, columns: dict[str, Any]) -> None:
        # The compare-and-swap comes first, so the transaction takes the write lock
        # before it reads anything: no stale snapshot can be upgraded.
        assignments = "".join(f"{column} = ?, " for column in columns)
        cursor = self.conn.execute(
            f"UPDATE cases SET {assignments}revision = revision + 1 WHERE id = ? AND revision = ?",
            (*columns.values(), case.id, case.revision),
        )
        if cursor.rowcount != 1:
            raise self._conflict(case)

    def _searched_fields(self, title: str, fields: dict[str, Any]) -> dict[str, Any]:
        return {"search": collation.search_text(title, fields)}

    def _text_clause(self, text: str) -> tuple[str, list[Any]]:
        # Folded in Python, so Æ, Ø and Å match æ, ø and å (LIKE folds ASCII only). The
        # index knows every three letters; a shorter text is looked for case by case.
        needle = collation.fold(text)
        if collation.SEPARATOR in needle:  # in no case's texts (it is between them)
            return "0", []
        if len(needle) < 3:
            return "instr(search, ?) > 0", [needle]
        # The index finds the text in the cases it knows as they are; those waiting to
        # be indexed are looked at one by one.
        phrase = '"' + needle.replace('"', '""') + '"'
        waiting = "id IN (SELECT id FROM cases_search_pending)"
        return (
            f"((id IN (SELECT rowid FROM cases_search WHERE cases_search MATCH ?) AND NOT {waiting})"
            f" OR ({waiting} AND instr(search, ?) > 0))",
            [phrase, needle],
        )

    def _value_clause(self, field_id: str, value: Any) -> tuple[str, list[Any]]:
        path = f'$."{field_id}"'
        if '"' in field_id or "\\" in field_id:  # no field is named so (ids are identifiers)
            return "0", []
        if value is None:
            return "json_extract(fields, ?) IS NULL", [path]
        return "json_extract(fields, ?) = ?", [path, value]

    def _any(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        return f"{column} IN ({', '.join('?' for _ in values)})", list(values)

    def _field_order(self, field_id: str, *, descending: bool) -> tuple[str, list[Any]]:
        # The field's value; texts that are numbers (money: "12500.00") by value, ties
        # (dates by year) and other texts as text; no value last either way.
        direction = " DESC" if descending else ""
        value = "json_extract(fields, ?)"
        number = (
            f"CASE WHEN typeof({value}) IN ('integer', 'real') THEN {value}"
            f" WHEN {value} GLOB '*[0-9]*' AND {value} NOT GLOB '*[^0-9.-]*'"
            f" THEN CAST({value} AS REAL) END"
        )
        order = f"coalesce({value}, '') = '', {number}{direction}, {value} COLLATE danish{direction}"
        return order, [f'$."{field_id}"'] * order.count("?")

    def _hold_for_erasure(self) -> None:
        self.conn.execute("INSERT INTO audit_unlock DEFAULT VALUES")  # the write lock, first

    def _release_after_erasure(self) -> None:
        self.conn.execute("DELETE FROM audit_unlock")

    def _append(self, case_id: int, event: Event) -> int:
        """Append an event with its digest and links, and move the heads. The heads are
        read inside the write transaction, so they are the latest."""
        key = self._require_key()
        if event.case_id != case_id:
            event = attrs.evolve(event, case_id=case_id)
        heads = dict.fromkeys((audit.DATABASE, case_id), (0, None))
        for head_of, count, last in self.conn.execute(
            "SELECT case_id, count, last FROM audit_heads WHERE case_id IN (?, ?)", (audit.DATABASE, case_id)
        ):
            heads[head_of] = (count, last)
        digest = audit.digest(event)
        case_link = key.link(heads[case_id][1], digest)
        chain = key.link(heads[audit.DATABASE][1], digest)
        event_id = _row_id(
            self.conn.execute(
                f"{sql_rows.INSERT_EVENT}, chain) VALUES ({sql_rows.EVENT_VALUES}, ?)",
                (*sql_rows.event_row(case_id, event), digest, case_link, chain),
            )
        )
        self.conn.execute(
            "INSERT OR REPLACE INTO audit_heads (case_id, count, last, mac) VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
            [
                value
                for head_of, last in ((case_id, case_link), (audit.DATABASE, chain))
                for value in (
                    head_of,
                    heads[head_of][0] + 1,
                    last,
                    key.head(head_of, heads[head_of][0] + 1, last),
                )
            ],
        )
        return event_id

    # -- the audit trail ---------------------------------------------------------

    def audit_key_path(self) -> Path | None:
        return None if self.path == ":memory:" else _key_path(self.path)

    def use_audit_key(self, key: audit.Key, *, new_key: bool) -> None:
        stored = self.conn.execute("SELECT fingerprint FROM audit_key").fetchone()
        if stored is not None:
            if stored[0] != key.fingerprint():
                raise BadInput(
                    msg("the audit key {path} is not this database's", path=str(self.audit_key_path()))
                )
            self._key, self._installation = key, key.installation()
            return
        with self._writing():
            self.conn.execute("INSERT INTO audit_unlock DEFAULT VALUES")  # the write lock, first
            if not new_key and self.conn.execute("SELECT 1 FROM events LIMIT 1").fetchone():
                raise BadInput(
                    msg(
                        "the history in {path} is not kept under its audit key, though the key exists: "
                        "it may have been replaced; restore it from a backup (if it is a database from "
                        "before samskab kept keys and the key was made for it, remove the key and open it again)",
                        path=self.path,
                    )
                )
            self._key_history(key)
            self.conn.execute("INSERT INTO audit_key (fingerprint) VALUES (?)", (key.fingerprint(),))
            self.conn.execute("DELETE FROM audit_unlock")
        self._key, self._installation = key, key.installation()

    def _key_history(self, key: audit.Key) -> None:
        """Link a history from before keys again under ``key``, with its heads; its
        erasures, kept in a table then, become part of the digests."""
        erased = {row[0] for row in self.conn.execute("SELECT event_id FROM erasures")}
        heads: dict[int, tuple[int, str]] = {}
        for event_id, case_id, digest, case_link, chain in audit.relinked(
            list(self.audit_rows()), erased, key
        ):
            self.conn.execute(
                "UPDATE events SET digest = ?, case_link = ?, chain = ? WHERE id = ?",
                (digest, case_link, chain, event_id),
            )
            heads[case_id] = (heads.get(case_id, (0, ""))[0] + 1, case_link)
            heads[audit.DATABASE] = (heads.get(audit.DATABASE, (0, ""))[0] + 1, chain)
        self.conn.executemany(
            "INSERT INTO audit_heads (case_id, count, last, mac) VALUES (?, ?, ?, ?)",
            [(c, n, last, key.head(c, n, last)) for c, (n, last) in heads.items()],
        )
        # An erasure then did not count in the revision; as the history is replayed now, it does.
        self.conn.execute(
            "UPDATE cases SET revision = revision + (SELECT count(*) FROM events e"
            " WHERE e.case_id = cases.id AND e.kind = 'erasure') WHERE revision ="
            " (SELECT count(*) FROM events e WHERE e.case_id = cases.id AND e.kind IN ('created', 'action'))"
        )
        self.conn.execute("DELETE FROM erasures")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: in WAL mode it reads the database as its first read found it."""
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def tidy(self) -> None:
        """The cases whose text changed since (``cases_search_pending``) indexed for
        search: what the index holds for each taken out, its text now put in. Without
        any, nothing is written (another tick may be writing)."""
        if self.conn.execute("SELECT 1 FROM cases_search_pending LIMIT 1").fetchone() is None:
            return
        with self._writing():
            self.conn.execute(
                "INSERT INTO cases_search (cases_search, rowid, search)"
                " SELECT 'delete', id, indexed FROM cases_search_pending WHERE indexed IS NOT NULL"
            )
            self.conn.execute(
                "INSERT INTO cases_search (rowid, search) SELECT c.id, c.search"
                " FROM cases_search_pending p JOIN cases c ON c.id = p.id WHERE c.search IS NOT NULL"
            )
            self.conn.execute("DELETE FROM cases_search_pending")

    def audit_checkpoint(self, at: dt.datetime) -> None:
        """Nothing to do: the database chain and its head move with every append."""

    def audit_checkpoints(self) -> None:
        return None

    def audit_rows(self) -> Iterator[audit.AuditRow]:
        rows = self.conn.execute(
            f"SELECT {sql_rows.EVENT_COLUMNS}, digest, case_link, chain FROM events ORDER BY id"
        )
        for row in rows:
            yield audit.AuditRow(sql_rows.event_of(row[: sql_rows.EVENT_WIDTH]), *row[sql_rows.EVENT_WIDTH :])

    # -- personal data -----------------------------------------------------------

    def erase_personal_data(
        self, texts: list[str], person_ids: list[str], pseudonym: str, at: dt.datetime, actor: str
    ) -> dict[str, int]:
        """As every SQL store erases (``SqlStore.erase_personal_data``), leaving no trace
        (:meth:`_leaving_no_trace`)."""
        unsaved = msg(
            "the personal data is erased, but the log ({path}-wal) could not be copied into"
            " {path}, where its old text may still be: free some space, then run samskab again",
            path=self.path,
        )
        with self._leaving_no_trace(unsaved):
            counts = super().erase_personal_data(texts, person_ids, pseudonym, at, actor)
            if counts["cases"]:
                # The old texts out of the index, their pieces merged away.
                self.tidy()
                with self._writing():
                    self.conn.execute("INSERT INTO cases_search (cases_search) VALUES ('optimize')")
            return counts

    def delete_document(self, document_id: int, event: Event) -> bool:
        """As every SQL store deletes a document's content, leaving no trace."""
        unsaved = msg(
            "the document is deleted, but the log ({path}-wal) could not be copied into"
            " {path}, where its old content may still be: free some space, then run samskab again",
            path=self.path,
        )
        with self._leaving_no_trace(unsaved):
            return super().delete_document(document_id, event)

    @contextlib.contextmanager
    def _leaving_no_trace(self, unsaved: str) -> Iterator[None]:
        """Freed space is overwritten while the body writes, and afterwards the log is
        copied back and cut to nothing, so what the body removed is left neither in the
        file nor in its -wal. ``unsaved``: what to say when the body's change is saved but
        the log cannot be copied back (a full disk, say)."""
        self.conn.execute("PRAGMA secure_delete = ON")
        try:
            yield
        finally:
            self.conn.execute("PRAGMA secure_delete = OFF")
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except StorageFailed:
            raise StorageFailed(unsaved) from None

    # -- the outbox --------------------------------------------------------------

    def outbox_claim(self, now: dt.datetime, until: dt.datetime) -> list[OutboxRow]:
        with self._writing():
            # The UPDATE takes the write lock first, so of two deliverers claiming at
            # once the second sees the first's lease.
            rows = self.conn.execute(
                "UPDATE outbox SET next_attempt_at = ?1 WHERE status = 'pending' AND next_attempt_at <= ?2"
                f" RETURNING {self._OUTBOX_COLUMNS}",
                (clock.to_text(until), clock.to_text(now)),
            ).fetchall()
        return sorted((sql_rows.outbox_of(row) for row in rows), key=lambda message: message.id)

    def data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]


class _Connection(sqlite3.Connection):
    """A connection that says SQLite's errors as samskab's (:func:`_problem`). Every
    statement runs on a :class:`_Cursor`, which does so for every row it reads too: a
    damaged page may show only in the middle of a list."""

    path = ""
    """The database file, as the user named it (for messages)."""

    def cursor(self, factory: Callable[[sqlite3.Connection], Any] | None = None) -> Any:
        return super().cursor(factory or _Cursor)

    def execute(self, sql: str, parameters: Any = (), /) -> "_Cursor":
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> "_Cursor":
        return self.cursor().executemany(sql, parameters)


class _Cursor(sqlite3.Cursor):
    connection: _Connection

    def _said(self, call: Callable[..., Any], *args: Any) -> Any:
        """``call(self, *args)``, SQLite's error said as samskab's."""
        try:
            return call(self, *args)
        except (sqlite3.Error, UnicodeDecodeError) as error:
            raise (_problem(error, self.connection.path) or error) from None

    def execute(self, sql: str, parameters: Any = (), /) -> "_Cursor":
        return self._said(sqlite3.Cursor.execute, sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> "_Cursor":
        return self._said(sqlite3.Cursor.executemany, sql, parameters)

    def fetchone(self) -> Any:
        return self._said(sqlite3.Cursor.fetchone)

    def fetchall(self) -> list[Any]:
        return self._said(sqlite3.Cursor.fetchall)

    def __next__(self) -> Any:
        # As _said does, written out: this runs for every row of a list of every case.
        try:
            return sqlite3.Cursor.__next__(self)
        except (sqlite3.Error, UnicodeDecodeError) as error:
            raise (_problem(error, self.connection.path) or error) from None


def _problem(error: Exception, path: str) -> SamskabError | None:
    """SQLite's ``error`` on the database at ``path``, said as samskab's; None for any
    other (a mistake in samskab, which goes on as it is). SQLite undoes a transaction a
    failed write was part of, so for a write each of these means nothing was saved."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF  # the primary result code
    said = str(error)
    if isinstance(error, UnicodeDecodeError):  # SQLite's message quotes damaged bytes
        code, said = sqlite3.SQLITE_CORRUPT, error.object.decode("utf-8", "replace")
    elif said.startswith("Could not decode to UTF-8"):  # Python's sqlite3, reading damaged text
        code, said = sqlite3.SQLITE_CORRUPT, said.partition(" with text")[0]
    said = "".join(c if c.isprintable() else "?" for c in said)  # it may quote the damage
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return Busy(
            msg("the database is busy (another program is writing to it); nothing was saved, try again")
        )
    if code == sqlite3.SQLITE_NOTADB:
        return BadInput(msg("{path}: not a samskab database ({error})", path=path, error=said))
    if code == sqlite3.SQLITE_CORRUPT:
        return sql_rows.damaged(f"{path}: {said}")
    if code == sqlite3.SQLITE_READONLY:
        return StorageFailed(
            msg("{path} is read-only (the file or its folder): nothing was saved", path=path)
        )
    if code == sqlite3.SQLITE_FULL or (code == sqlite3.SQLITE_IOERR and _at_size_limit(path)):
        return StorageFailed(msg("the disk is full: nothing was saved in {path}", path=path))
    if code == sqlite3.SQLITE_IOERR:
        return StorageFailed(
            msg(
                "{path} could not be read or written ({error}); a change under way was not saved",
                path=path,
                error=said,
            )
        )
    return None


def _at_size_limit(path: str) -> bool:
    """Whether the database or its log has grown to the file-size limit (``ulimit -f``),
    so that writing more failed. (A disk with no room left SQLite says itself.)"""
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit == resource.RLIM_INFINITY:
        return False
    files = [name for name in (path, path + "-wal") if os.path.exists(name)]
    # A write that crosses the limit fills the file up to it; a page is at most 64 KiB.
    return any(os.path.getsize(name) > limit - 65536 for name in files)


def _address(path: str) -> str:
    """How SQLite is to open ``path``: as it is or, in a folder samskab may not write
    (where SQLite cannot make the -wal and -shm files it reads with), read-only and as it
    is on disk, with no locks (``immutable``): nothing can be written there. A -wal left
    beside the file may hold changes not yet in it: then the file is opened as usual, and
    SQLite says what it cannot do."""
    if path == ":memory:" or os.path.exists(path + "-wal"):
        return path
    whole = os.path.abspath(path)
    if os.access(os.path.dirname(whole), os.W_OK):
        return path
    return f"file:{quote(whole)}?immutable=1"


def _row_id(cursor: sqlite3.Cursor) -> int:
    """The id SQLite gave the row a cursor's INSERT just wrote."""
    assert cursor.lastrowid is not None
    return cursor.lastrowid

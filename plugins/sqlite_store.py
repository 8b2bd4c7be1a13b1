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
import hashlib
import os
import re
import resource
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import parse_qs, quote, urlencode

import attrs

from samskab.engine import audit, clock, collation, jsontext
from samskab.engine.cases import ERASURE, Case, Deadline, Event
from samskab.engine.errors import (
    BadInput,
    Busy,
    Conflict,
    NotFound,
    SamskabError,
    StorageFailed,
    file_problem,
)
from samskab.engine.hookspecs import hookimpl
from samskab.engine.mentions import Mentions
from samskab.engine.messages import msg
from samskab.engine.readmodels import FIELD_ORDER, CaseFilter
from samskab.engine.store import OutboxRow, Outgoing, Store, StoredDefinition, StoredDocument

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
)
"""Every migration in ``plugins.sqlite_schema``, in order; a test keeps the two in step.
A database is current when it has applied all of them, so one that came after a
later-numbered one (m010 after m011) is still applied to a database made in between."""
LATEST = MIGRATIONS[-1]


class SqliteStore(Store):
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
            self.conn.create_function("samskab_mentions", 3, _mentions, deterministic=True)
            self.conn.execute("PRAGMA foreign_keys = ON")
            if path != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
                # Copying the log back into the database costs more per action than
                # writing it; doing so every 10,000 pages (not 1,000) halves that cost.
                # A log that grew past 64 MB (a long reader held it) is cut back after.
                self.conn.execute("PRAGMA wal_autocheckpoint = 10000")
                self.conn.execute("PRAGMA journal_size_limit = 67108864")
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

            self._db = sqlite_utils.Database(self.conn)
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

    # -- definitions -----------------------------------------------------------

    def save_definition(self, definition: StoredDefinition) -> None:
        with self._writing():
            self.conn.execute(
                "INSERT OR IGNORE INTO definitions (process_id, version, sha256, text, origin)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    definition.process_id,
                    definition.version,
                    definition.sha256,
                    definition.text,
                    definition.origin,
                ),
            )

    def definitions(self) -> list[StoredDefinition]:
        rows = self.conn.execute(
            "SELECT process_id, version, sha256, text, origin FROM definitions"
        ).fetchall()
        return [StoredDefinition(*row) for row in rows]

    # -- writing cases -----------------------------------------------------------

    def create_case(
        self,
        case: Case,
        event: Event,
        deadlines: Sequence[Deadline],
        outbox: Callable[[Case], Sequence[Outgoing]] | None = None,
    ) -> Case:
        with self._writing():
            cursor = self.conn.execute(
                # Numbered from 1 whatever the register's -1 (SQLite alone would give 0).
                "INSERT INTO cases (id, title, process_id, version, definition_sha256, state, fields,"
                " created_at, updated_at, closed_at, revision, next_due, owner)"
                " VALUES (coalesce(?, (SELECT max(coalesce(max(id), 0), 0) + 1 FROM cases)),"
                " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    case.id if case.id < 0 else None,
                    case.title,
                    case.process_id,
                    case.version,
                    case.definition_sha256,
                    case.state,
                    jsontext.dumps(dict(case.fields)),
                    clock.to_text(case.created_at),
                    clock.to_text(case.updated_at),
                    _text(case.closed_at),
                    case.revision,
                    _text(_next_due(deadlines)),
                    case.owner,
                ),
            )
            case_id = _row_id(cursor)
            created = attrs.evolve(case, id=case_id, next_due=_next_due(deadlines))
            event_id = self._insert_event(case_id, event)
            self._insert_deadlines(case_id, deadlines)
            self._insert_outbox(case_id, event_id, event.at, outbox(created) if outbox else ())
        return created

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
    ) -> Case:
        closed_at = (case.closed_at or event.at) if closed else None
        owner = owner or case.owner
        # Only the columns that change are set: an index on a column left alone is
        # not rewritten, and every page written is paid for at commit.
        at = clock.to_text(event.at)
        columns: dict[str, Any] = {"state": state, "updated_at": at}
        if fields != case.fields:
            columns["fields"] = jsontext.dumps(fields)
        if closed_at != case.closed_at:
            columns["closed_at"] = _text(closed_at)
        if close_deadlines and not deadlines and case.next_due is not None:
            columns["next_due"] = None
        if owner != case.owner:
            columns["owner"] = owner
        if version is not None:
            columns["version"], columns["definition_sha256"] = version
        assignments = "".join(f"{column} = ?, " for column in columns)
        with self._writing():
            # The compare-and-swap comes first, so the transaction takes the write lock
            # before it reads anything: no stale snapshot can be upgraded.
            cursor = self.conn.execute(
                f"UPDATE cases SET {assignments}revision = revision + 1 WHERE id = ? AND revision = ?",
                (*columns.values(), case.id, case.revision),
            )
            if cursor.rowcount != 1:
                raise Conflict(
                    msg(
                        "case {case} was changed by someone else while you worked on it; "
                        "nothing was saved, look at it again",
                        case=case.id,
                    )
                )
            if fire_deadline is not None:
                cursor = self.conn.execute(
                    "UPDATE deadlines SET fired_at = ? WHERE id = ? AND fired_at IS NULL AND closed_at IS NULL",
                    (at, fire_deadline),
                )
                if cursor.rowcount != 1:
                    raise Conflict(f"deadline {fire_deadline} has already fired or was closed")
            if close_deadlines:
                self.conn.execute(
                    "UPDATE deadlines SET closed_at = ? WHERE case_id = ? AND closed_at IS NULL",
                    (at, case.id),
                )
            event_id = self._insert_event(case.id, event)
            self._insert_deadlines(case.id, deadlines, event.at)
            self._insert_outbox(case.id, event_id, event.at, outbox)
            if deadlines:
                self._keep_next_due(case.id)
            next_due = _time(
                self.conn.execute("SELECT next_due FROM cases WHERE id = ?", (case.id,)).fetchone()[0]
            )
        return Case(
            case.id,
            case.title,
            case.process_id,
            *(version or (case.version, case.definition_sha256)),
            state,
            fields,
            case.created_at,
            event.at,
            case.revision + 1,
            closed_at,
            next_due,
            owner,
        )

    def fire_deadline(
        self,
        deadline: Deadline,
        event: Event,
        outbox: Sequence[Outgoing] = (),
        *,
        follow: Sequence[Deadline] = (),
    ) -> bool:
        with self._writing():
            # Only an open deadline fires: one listed before its case moved on stays unfired.
            cursor = self.conn.execute(
                "UPDATE deadlines SET fired_at = ? WHERE id = ? AND fired_at IS NULL AND closed_at IS NULL",
                (clock.to_text(event.at), deadline.id),
            )
            if cursor.rowcount != 1:
                return False
            event_id = self._insert_event(deadline.case_id, event)
            self._insert_outbox(deadline.case_id, event_id, event.at, outbox)
            if follow:
                self._insert_deadlines(deadline.case_id, follow, event.at)
                self._keep_next_due(deadline.case_id)
        return True

    def _keep_next_due(self, case_id: int) -> None:
        """The case's ``next_due``: its earliest open deadline (reminders aside)."""
        self.conn.execute(
            "UPDATE cases SET next_due = (SELECT min(due_at) FROM deadlines d"
            " WHERE d.case_id = cases.id AND d.closed_at IS NULL AND d.kind = 'deadline')"
            " WHERE id = ?",
            (case_id,),
        )

    def _insert_event(self, case_id: int, event: Event) -> int:
        """Append an event with its digest and links, and move the heads. The heads are
        read inside the write transaction, so they are the latest."""
        if self._key is None:
            raise BadInput(msg("no audit key: samskab cannot add to the history"))
        key = self._key
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
                "INSERT INTO events (case_id, at, actor, kind, action, from_state, to_state, changes, note,"
                " account, owner, digest, case_link, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
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
                    digest,
                    case_link,
                    chain,
                ),
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

    # -- documents -----------------------------------------------------------------

    def attach_document(
        self, case_id: int, name: str, content: bytes, event: Callable[[int], Event]
    ) -> StoredDocument:
        size, sha256 = len(content), hashlib.sha256(content).hexdigest()
        with self._writing():
            cursor = self.conn.execute(
                "INSERT INTO documents (case_id, name, size, sha256, content)"
                " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?)",
                (case_id, name, size, sha256, content, case_id),
            )
            if cursor.rowcount != 1:
                raise NotFound(msg("there is no case {case}", case=case_id))
            document_id = _row_id(cursor)
            attaching = event(document_id)
            event_id = self._insert_event(case_id, attaching)
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
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents d JOIN events e ON e.id = d.event_id"
            " LEFT JOIN events x ON x.id = d.deleted_event_id WHERE d.case_id = ? ORDER BY d.id",
            (case_id,),
        )
        return [_document(row) for row in rows]

    def document_content(self, document_id: int) -> bytes | None:
        # As bytes whatever the column holds (text put there by hand reads back as its bytes).
        row = self.conn.execute(
            "SELECT CAST(content AS BLOB) FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        return None if row is None else bytes(row[0] or b"")

    def delete_document(self, document_id: int, event: Event) -> bool:
        unsaved = msg(
            "the document is deleted, but the log ({path}-wal) could not be copied into"
            " {path}, where its old content may still be: free some space, then run samskab again",
            path=self.path,
        )
        with self._leaving_no_trace(unsaved), self._writing():
            rows = self.conn.execute(
                "UPDATE documents SET content = X'' WHERE id = ? AND deleted_event_id IS NULL RETURNING case_id",
                (document_id,),
            ).fetchall()
            if not rows:
                return False
            event_id = self._insert_event(rows[0][0], event)
            self.conn.execute(
                "UPDATE documents SET deleted_event_id = ? WHERE id = ?", (event_id, document_id)
            )
        return True

    def document_digests(self) -> Iterator[audit.DocumentRow]:
        rows = self.conn.execute(
            "SELECT id, case_id, name, size, sha256, deleted_event_id IS NOT NULL, CAST(content AS BLOB)"
            " FROM documents ORDER BY id"
        )
        for document_id, case_id, name, size, sha256, deleted, content in rows:
            now = hashlib.sha256(content or b"").hexdigest()
            yield audit.DocumentRow(document_id, case_id, name, size, sha256, bool(deleted), now)

    # -- the audit trail ---------------------------------------------------------

    def audit_key_path(self) -> Path | None:
        return None if self.path == ":memory:" else _key_path(self.path)

    def audit_keyed(self) -> bool:
        return self.conn.execute("SELECT 1 FROM audit_key").fetchone() is not None

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

    def audit_heads(self) -> Iterator[audit.Head]:
        for row in self.conn.execute("SELECT case_id, count, last, mac FROM audit_heads ORDER BY case_id"):
            yield audit.Head(*row)

    def audit_rows(self) -> Iterator[audit.AuditRow]:
        rows = self.conn.execute(f"SELECT {_EVENT_COLUMNS}, digest, case_link, chain FROM events ORDER BY id")
        for row in rows:
            yield audit.AuditRow(_event(row[:12]), *row[12:])

    # -- personal data -----------------------------------------------------------

    def _mentioning(
        self, table: str, select: str, columns: tuple[str, ...], person: "_Person"
    ) -> list[tuple[Any, ...]]:
        """The rows of ``table`` (their ``select`` columns) that may name the person in one
        of ``columns`` (LIKE); the caller confirms each as whole words or addresses."""
        if not person.texts:
            return []
        like = " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns for _ in person.patterns)
        params = [pattern for _ in columns for pattern in person.patterns]
        return self.conn.execute(
            f"SELECT {select} FROM {table} WHERE {like} ORDER BY rowid", params
        ).fetchall()

    def _find(self, texts: list[str], person_ids: list[str]) -> dict[str, list[tuple[Any, ...]]]:
        person = _Person(texts)
        named = person.names
        actors = " OR ".join("actor = ? OR account = ?" for _ in person_ids) or "0"
        ids = [value for pid in person_ids for value in (pid, pid)]
        owners = ", ".join("?" for _ in person_ids)
        mentioned_cases = {
            row[0]: row
            for row in self._mentioning("cases", _PERSONAL_CASE_COLUMNS, ("title", "fields"), person)
            if named(row[1]) or named(_loads(row[4]))
        }
        owned = self.conn.execute(
            f"SELECT {_PERSONAL_CASE_COLUMNS} FROM cases WHERE owner IN ({owners})", person_ids
        ).fetchall()
        cases = sorted({**mentioned_cases, **{row[0]: row for row in owned}}.values())
        mentioned = {
            row[0]: row
            for row in self._mentioning("events", _PERSONAL_EVENT_COLUMNS, ("changes", "note"), person)
            if named(_loads(row[6]))
            or named(row[7])
            or person.names_file(_document_name(row[4], _loads(row[6])))
        }
        acting = self.conn.execute(
            f"SELECT {_PERSONAL_EVENT_COLUMNS} FROM events WHERE {actors} OR owner IN ({owners})",
            [*ids, *person_ids],
        ).fetchall()
        events = sorted({**mentioned, **{row[0]: row for row in acting}}.values())
        messages = [
            row
            for row in self._mentioning(
                "outbox", "*", ("recipient", "subject", "body", "payload", "last_error"), person
            )
            if any(named(value) for value in (row[5], row[6], row[7], _loads(row[8]), row[12]))
        ]
        refusals = self.conn.execute(f"SELECT * FROM refusals WHERE {actors} ORDER BY id", ids).fetchall()
        renamed = [
            row
            for row in self._mentioning("documents", "id, name", ("name",), person)
            if person.names_file(row[1])
        ]
        on_cases = {c[0] for c in cases} | {e[1] for e in events}
        documents = self.conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents d JOIN events e ON e.id = d.event_id"
            " LEFT JOIN events x ON x.id = d.deleted_event_id"
            " WHERE d.case_id IN (SELECT value FROM json_each(?)) OR d.id IN (SELECT value FROM json_each(?))"
            " ORDER BY d.id",
            (jsontext.dumps(sorted(on_cases)), jsontext.dumps([r[0] for r in renamed])),
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
        found = self._find(texts, person_ids)
        renamed = {row[0] for row in found["renamed"]}
        return {
            "cases": [
                {
                    "id": c[0],
                    "title": c[1],
                    "process": c[2],
                    "state": c[3],
                    "fields": _loads(c[4]),
                    "created_at": _moment(c[5]),
                    "owner": c[6],
                }
                for c in found["cases"]
            ],
            "events": [
                {
                    "id": e[0],
                    "case": e[1],
                    "at": _moment(e[2]),
                    "actor": e[3],
                    "account": e[8],
                    "kind": e[4],
                    "action": e[5],
                    "changes": _loads(e[6]),
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
                    "payload": _loads(m[8]),
                    "status": m[9],
                    "last_error": m[12],
                    "created_at": _moment(m[13]),
                    "sent_at": _time(m[14]),
                }
                for m in found["messages"]
            ],
            "refusals": [
                {
                    "case": r[1],
                    "at": _moment(r[2]),
                    "actor": r[3],
                    "account": r[4],
                    "action": r[5],
                    "reasons": _loads(r[6]),
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
                for d in map(_document, found["documents"])
            ],
        }

    def erase_personal_data(
        self, texts: list[str], person_ids: list[str], pseudonym: str, at: dt.datetime, actor: str
    ) -> dict[str, int]:
        """Replace the person with ``pseudonym`` everywhere, in one transaction that finds
        them too (nothing written in between escapes), and record the erasure as an event
        on every case it touched, whose revision goes up."""
        unsaved = msg(
            "the personal data is erased, but the log ({path}-wal) could not be copied into"
            " {path}, where its old text may still be: free some space, then run samskab again",
            path=self.path,
        )
        with self._leaving_no_trace(unsaved):
            found, touched = self._erase(texts, person_ids, pseudonym, at, actor)
        return {
            "cases": len(touched),
            "events": len(found["events"]),
            "messages": len(found["messages"]),
            "documents": len(found["renamed"]),
        }

    @contextlib.contextmanager
    def _leaving_no_trace(self, unsaved: str):
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

    def _erase(
        self, texts: list[str], person_ids: list[str], pseudonym: str, at: dt.datetime, actor: str
    ) -> tuple[dict[str, list[tuple[Any, ...]]], set[int]]:
        person = _Person(texts)

        def clean(value: Any) -> Any:
            return person.replaced(value, pseudonym)

        def who(name: str | None) -> str | None:
            return pseudonym if name in person_ids else name

        def cleaned(kind: str, changes: Any) -> Any:
            """An event's changes cleaned, the name of a document it records as a file's."""
            done = clean(changes)
            name = _document_name(kind, changes)
            if name:
                done["document"] = {**done["document"], "name": person.file_replaced(name, pseudonym)}
            return done

        with self._writing():
            self.conn.execute("INSERT INTO audit_unlock DEFAULT VALUES")  # the write lock, first
            found = self._find(texts, person_ids)
            touched = {c[0] for c in found["cases"]} | {e[1] for e in found["events"]}
            for case in found["cases"]:
                self.conn.execute(
                    "UPDATE cases SET title = ?, fields = ?, owner = ? WHERE id = ?",
                    (clean(case[1]), jsontext.dumps(clean(_loads(case[4]))), who(case[6]), case[0]),
                )
            for event in found["events"]:
                self.conn.execute(
                    "UPDATE events SET actor = ?, account = ?, owner = ?, changes = ?, note = ? WHERE id = ?",
                    (
                        who(event[3]),
                        who(event[8]),
                        who(event[9]),
                        jsontext.dumps(cleaned(event[4], _loads(event[6]))),
                        clean(event[7]),
                        event[0],
                    ),
                )
            for case_id in sorted(touched):
                self.conn.execute("UPDATE cases SET revision = revision + 1 WHERE id = ?", (case_id,))
                state = self.conn.execute("SELECT state FROM cases WHERE id = ?", (case_id,)).fetchone()[0]
                rewritten = [
                    _event(
                        self.conn.execute(
                            f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", (e[0],)
                        ).fetchone()
                    )
                    for e in found["events"]
                    if e[1] == case_id
                ]
                note = f"personal data erased ({pseudonym})"
                changes = audit.content_digests(rewritten)
                self._insert_event(
                    case_id, Event(case_id, at, actor, ERASURE, None, state, state, changes, note)
                )
            for message in found["messages"]:
                self.conn.execute(
                    "UPDATE outbox SET recipient = ?, subject = ?, body = ?, payload = ?, last_error = ?"
                    " WHERE id = ?",
                    (
                        clean(message[5]),
                        clean(message[6]),
                        clean(message[7]),
                        jsontext.dumps(clean(_loads(message[8]))),
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
            self.conn.execute("DELETE FROM audit_unlock")
        return found, touched

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
                "INSERT INTO refusals (case_id, at, actor, account, action, reasons)"
                " VALUES (?, ?, ?, ?, ?, ?)",
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
                "at": _moment(at),
                "actor": actor,
                "account": account,
                "action": action,
                "reasons": _loads(reasons),
            }
            for at, actor, account, action, reasons in rows
        ]

    def _insert_outbox(
        self, case_id: int, event_id: int, when: dt.datetime, outbox: Sequence[Outgoing]
    ) -> None:
        if not outbox:
            return
        at = clock.to_text(when)
        installation = self._installation
        self.conn.executemany(
            "INSERT INTO outbox (key, event_id, case_id, channel, recipient, subject, body, payload,"
            " status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            " 'pending', 0, ?, ?)",
            [
                (
                    _idempotency_key(installation, event_id, m.channel, m.recipient),
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
                for m in outbox
            ],
        )

    # -- the outbox --------------------------------------------------------------

    _OUTBOX_COLUMNS = (
        "id, key, event_id, case_id, channel, recipient, subject, body, payload, status,"
        " attempts, next_attempt_at, last_error, created_at, sent_at"
    )

    def outbox_claim(self, now: dt.datetime, until: dt.datetime) -> list[OutboxRow]:
        with self._writing():
            # The UPDATE takes the write lock first, so of two deliverers claiming at
            # once the second sees the first's lease.
            rows = self.conn.execute(
                "UPDATE outbox SET next_attempt_at = ?1 WHERE status = 'pending' AND next_attempt_at <= ?2"
                f" RETURNING {self._OUTBOX_COLUMNS}",
                (clock.to_text(until), clock.to_text(now)),
            ).fetchall()
        return sorted((_outbox(row) for row in rows), key=lambda message: message.id)

    def outbox(self, *, include_done: bool = False) -> list[OutboxRow]:
        where = "" if include_done else " WHERE status IN ('pending', 'incident')"
        rows = self.conn.execute(f"SELECT {self._OUTBOX_COLUMNS} FROM outbox{where} ORDER BY id")
        return [_outbox(row) for row in rows]

    def outbox_message(self, message_id: int) -> OutboxRow | None:
        row = self.conn.execute(
            f"SELECT {self._OUTBOX_COLUMNS} FROM outbox WHERE id = ?", (message_id,)
        ).fetchone()
        return _outbox(row) if row else None

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
        with self._writing():
            self.conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, status = ?, last_error = ?,"
                " next_attempt_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END"
                " WHERE id = ? AND status = 'pending'",
                (status, error, _text(next_attempt_at), status, clock.to_text(at), message_id),
            )

    def outbox_resolve(self, message_id: int, at: dt.datetime, actor: str, what: str) -> bool:
        """Retry (back to pending, attempts from zero) or dismiss an incident; both logged."""
        status = {"retry": "pending", "dismiss": "dismissed"}[what]
        stamp = clock.to_text(at)
        with self._writing():
            cursor = self.conn.execute(
                "UPDATE outbox SET status = ?, attempts = CASE WHEN ? = 'pending' THEN 0 ELSE attempts END,"
                " next_attempt_at = CASE WHEN ? = 'pending' THEN ? ELSE next_attempt_at END"
                " WHERE id = ? AND status IN ('incident', 'pending')",
                (status, status, status, stamp, message_id),
            )
            if cursor.rowcount != 1:
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
        return [(_moment(at), actor, what) for at, actor, what in rows]

    def _insert_deadlines(
        self, case_id: int, deadlines: Sequence[Deadline], at: dt.datetime | None = None
    ) -> None:
        """Store ``deadlines`` open; with ``at``, they replace the open rows of the same
        step and rule, which are closed at ``at``."""
        if not deadlines:
            return
        if at is not None:
            self.conn.executemany(
                "UPDATE deadlines SET closed_at = ?"
                " WHERE case_id = ? AND closed_at IS NULL AND state = ? AND rule IS ?",
                [
                    (clock.to_text(at), case_id, state, rule)
                    for state, rule in {(d.state, d.rule) for d in deadlines}
                ],
            )
        self.conn.executemany(
            "INSERT INTO deadlines (case_id, state, kind, due_at, action, before, rule, anchor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    case_id,
                    d.state,
                    d.kind,
                    clock.to_text(d.due_at),
                    d.action,
                    d.before,
                    d.rule,
                    _text(d.anchor),
                )
                for d in deadlines
            ],
        )

    # -- reading -----------------------------------------------------------------

    _CASE_COLUMNS = (
        "id, title, process_id, version, definition_sha256, state, fields, created_at,"
        " updated_at, revision, closed_at, next_due, owner"
    )

    def get_case(self, case_id: int) -> Case | None:
        row = self.conn.execute(f"SELECT {self._CASE_COLUMNS} FROM cases WHERE id = ?", (case_id,)).fetchone()
        return _case(row) if row else None

    def _where(self, where: CaseFilter) -> tuple[str, list[Any]]:
        # Case -1 is the register of people (engine.people), never listed. (`id > 0`
        # would tempt SQLite into a scan by number instead of the right index.)
        clauses: list[str] = ["id != -1"]
        params: list[Any] = []
        if where.process_id:
            clauses.append("process_id = ?")
            params.append(where.process_id)
        if where.state:
            clauses.append("state = ?")
            params.append(where.state)
        if where.open_only:
            clauses.append("closed_at IS NULL")
        if where.text:
            # Folded in Python, so Æ, Ø and Å match æ, ø and å (LIKE folds ASCII only).
            clauses.append("samskab_mentions(?, title, fields)")
            params.append(where.text)
        if where.actor:
            clauses.append("id IN (SELECT case_id FROM events WHERE actor = ?)")
            params.append(where.actor)
        if where.owner:
            clauses.append("owner = ?")
            params.append(where.owner)
        if where.overdue_at is not None:
            clauses.append("closed_at IS NULL AND next_due <= ?")
            params.append(clock.to_text(where.overdue_at))
        for column, period in (("created_at", where.opened), ("closed_at", where.closed)):
            if period is not None:
                clauses.append(f"{column} >= ? AND {column} < ?")
                params += [clock.to_text(period.start), clock.to_text(period.end)]
        if where.active is not None:
            clauses.append("created_at < ? AND (closed_at IS NULL OR closed_at >= ?)")
            params += [clock.to_text(where.active.end), clock.to_text(where.active.start)]
        if where.due is not None:
            clauses.append("closed_at IS NULL AND next_due > ? AND next_due <= ?")
            params += [clock.to_text(where.due.start), clock.to_text(where.due.end)]
        if where.quiet_since is not None:
            clauses.append("closed_at IS NULL AND updated_at < ?")
            params.append(clock.to_text(where.quiet_since))
        for field_id, value in where.values:
            path = f'$."{field_id}"'
            if '"' in field_id or "\\" in field_id:  # no field is named so (ids are identifiers)
                clauses.append("0")
            elif value is None:
                clauses.append("json_extract(fields, ?) IS NULL")
                params.append(path)
            else:
                clauses.append("json_extract(fields, ?) = ?")
                params += [path, value]
        return " WHERE " + " AND ".join(clauses), params

    _ORDER: ClassVar[dict[str, str]] = {
        "id": "id",
        "title": "title COLLATE danish",
        "process_id": "process_id",
        "state": "state",
        "updated_at": "updated_at",
        "next_due": "next_due",
    }

    def list_cases(self, where: CaseFilter) -> Iterator[Case]:
        sql, params = self._where(where)
        field = where.order_by.removeprefix(FIELD_ORDER)
        direction = " DESC" if where.descending else ""
        if where.order_by.startswith(FIELD_ORDER) and re.fullmatch(r"\w+", field):
            # The field's value; texts that are numbers (money: "12500.00") by value,
            # ties (dates by year) and other texts as text; no value last either way.
            value = "json_extract(fields, ?)"
            number = (
                f"CASE WHEN typeof({value}) IN ('integer', 'real') THEN {value}"
                f" WHEN {value} GLOB '*[0-9]*' AND {value} NOT GLOB '*[^0-9.-]*'"
                f" THEN CAST({value} AS REAL) END"
            )
            order = f"coalesce({value}, '') = '', {number}{direction}, {value} COLLATE danish{direction}"
            params += [f'$."{field}"'] * order.count("?")
        elif where.order_by in self._ORDER:
            column = self._ORDER[where.order_by]
            order = f"{column}{direction}"
            if where.order_by == "next_due" and where.overdue_at is None:
                # Cases without a deadline come last either way. (Overdue ones all have
                # one, and then the index gives the order, with no sort.)
                order = f"{column} IS NULL, {order}"
        else:
            raise BadInput(
                msg(
                    "cannot sort by {column}; sort by {columns}",
                    column=repr(where.order_by),
                    columns=", ".join([*self._ORDER, f"{FIELD_ORDER}<field>"]),
                )
            )
        sql = f"SELECT {self._CASE_COLUMNS} FROM cases{sql} ORDER BY {order}, id"
        if where.limit is not None or where.offset:
            sql += " LIMIT ? OFFSET ?"  # LIMIT -1: no limit, and SQLite has no OFFSET without one
            params += [-1 if where.limit is None else where.limit, where.offset]
        # A generator over the cursor: a million cases are listed without a million objects.
        return (_case(row) for row in self.conn.execute(sql, params))

    def count_cases(self, where: CaseFilter) -> int:
        sql, params = self._where(where)
        return self.conn.execute(f"SELECT count(*) FROM cases{sql}", params).fetchone()[0]

    def owners(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT owner FROM cases WHERE id != -1 AND owner IS NOT NULL ORDER BY owner"
        )
        return [owner for (owner,) in rows]

    def history(self, case_id: int) -> list[Event]:
        rows = self.conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE case_id = ? ORDER BY id",
            (case_id,),
        )
        return [_event(row) for row in rows]

    _DEADLINE_COLUMNS = "case_id, state, kind, due_at, action, before, fired_at, closed_at, id, rule, anchor"

    def deadlines(self, case_id: int, *, open_only: bool = True) -> list[Deadline]:
        sql = f"SELECT {self._DEADLINE_COLUMNS} FROM deadlines WHERE case_id = ?"
        if open_only:
            sql += " AND closed_at IS NULL"
        return [_deadline(row) for row in self.conn.execute(sql + " ORDER BY due_at", (case_id,))]

    def agenda(self, until: dt.datetime) -> list[Deadline]:
        rows = self.conn.execute(
            f"SELECT {self._DEADLINE_COLUMNS} FROM deadlines WHERE closed_at IS NULL"
            " AND due_at <= ? AND (kind = 'deadline' OR fired_at IS NULL) ORDER BY due_at, id",
            (clock.to_text(until),),
        )
        return [_deadline(row) for row in rows]

    def data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def due_deadlines(self, now: dt.datetime) -> list[Deadline]:
        rows = self.conn.execute(
            f"SELECT {self._DEADLINE_COLUMNS} FROM deadlines"
            " WHERE fired_at IS NULL AND closed_at IS NULL AND due_at <= ? ORDER BY due_at, id",
            (clock.to_text(now),),
        )
        return [_deadline(row) for row in rows]


_EVENT_COLUMNS = "case_id, at, actor, kind, action, from_state, to_state, changes, note, id, account, owner"
_DOCUMENT_COLUMNS = (
    "d.id, d.case_id, d.name, d.size, d.sha256, d.event_id, e.at, e.actor, e.account, e.note, x.at"
)
"""A document (``d``) with the event that attached it (``e``) and the one that deleted it (``x``)."""
_PERSONAL_EVENT_COLUMNS = "id, case_id, at, actor, kind, action, changes, note, account, owner"
_PERSONAL_CASE_COLUMNS = "id, title, process_id, state, fields, created_at, owner"


class _Person(Mentions):
    """The person's mentions (``engine.mentions``), and the LIKE patterns that find the
    rows which may hold them."""

    def __init__(self, texts: list[str]):
        super().__init__(texts)
        # LIKE ignores case for ASCII letters only: æ, ø and å are asked for as written,
        # in lower and in upper case.
        forms = {form for t in self.texts for form in (t, t.lower(), t.upper(), t.title())}
        self.patterns = sorted(f"%{_escape_like(form)}%" for form in forms)


def _document_name(kind: str, changes: Any) -> str:
    """The name of the document an event records ("" for any other event)."""
    record = audit.document_record(kind, changes) if isinstance(changes, dict) else None
    name = record.get("name") if record is not None else None
    return name if isinstance(name, str) else ""


def _mentions(needle: str, title: str, fields: str) -> bool:
    try:
        return collation.mentions(needle, title, jsontext.loads(fields))
    except ValueError:  # a damaged row is not a match; reading it whole says so
        return False


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _next_due(deadlines: Sequence[Deadline]) -> dt.datetime | None:
    return min((d.due_at for d in deadlines if d.kind == "deadline"), default=None)


def _text(moment: dt.datetime | None) -> str | None:
    """A time as the database keeps it (None stays None)."""
    return None if moment is None else clock.to_text(moment)


def _time(text: str | None) -> dt.datetime | None:
    """A time the database kept (None stays None)."""
    return None if text is None else _moment(text)


def _moment(text: str) -> dt.datetime:
    try:
        return clock.from_text(text)
    except (ValueError, TypeError):
        raise _damaged(msg("a time it holds is not a time")) from None


def _loads(text: str) -> Any:
    """A value (fields, changes, a payload) the database kept as JSON text."""
    try:
        return jsontext.loads(text)
    except (ValueError, TypeError, AttributeError):  # AttributeError: NULL, or a number
        raise _damaged(msg("a value it holds is not JSON")) from None


def _damaged(error: str) -> StorageFailed:
    """The database file is damaged: SQLite found it so (``error`` in its words), or a
    value samskab wrote reads back as something samskab never writes."""
    return StorageFailed(msg("the database file is damaged ({error}); restore it from a backup", error=error))


def _idempotency_key(installation: str, event_id: int, channel: str, recipient: str) -> str:
    """Unique to the message, across installations (their event numbers overlap)."""
    return hashlib.sha256(f"{installation}:{event_id}:{channel}:{recipient}".encode()).hexdigest()[:32]


T = TypeVar("T", bound=attrs.AttrsInstance)


def _record(
    cls: type[T], row: tuple[Any, ...], *, json: tuple[str, ...] = (), times: tuple[str, ...] = ()
) -> T:
    """An engine object from a row whose columns are in the class's field order: the
    ``json`` columns read from JSON text, the ``times`` columns from ISO 8601 text."""
    values = dict(zip(attrs.fields_dict(cls), row, strict=True))
    for name in json:
        values[name] = _loads(values[name])
    for name in times:
        values[name] = _time(values[name])
    return cls(**values)


def _case(row: tuple[Any, ...]) -> Case:
    return _record(Case, row, json=("fields",), times=("created_at", "updated_at", "closed_at", "next_due"))


def _event(row: tuple[Any, ...]) -> Event:
    return _record(Event, row, json=("changes",), times=("at",))


def _deadline(row: tuple[Any, ...]) -> Deadline:
    return _record(Deadline, row, times=("due_at", "fired_at", "closed_at", "anchor"))


def _document(row: tuple[Any, ...]) -> StoredDocument:
    return _record(StoredDocument, row, times=("attached_at", "deleted_at"))


def _outbox(row: tuple[Any, ...]) -> OutboxRow:
    return _record(OutboxRow, row, json=("payload",), times=("next_attempt_at", "created_at", "sent_at"))


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
        return _damaged(f"{path}: {said}")
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

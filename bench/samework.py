"""The same-work baseline: plain sqlite3 (and psycopg) running exactly the statements
samskab runs to open a partnership case and to take its first action, on a database
samskab made, under the same settings, with the same values: the event's digest and its
HMAC links, the heads' MACs, the case's Danish sort key and search text, all computed
here with hashlib, hmac and orjson as ``engine/audit.py`` and ``engine/collation.py``
compute them, never by importing samskab. What is left between this and samskab is
samskab's own cost: loading the definition, checking roles, fields and guards, planning
deadlines and messages, plugins, read models.

The statements were read off SQLite's trace (``set_trace_callback``) and PostgreSQL's
statement log of samskab doing the same, and tests/test_bench.py keeps them so: it traces
both sides and compares the statements, and `samskab audit verify` must find the
history this writes sound.
"""

import datetime as dt
import hashlib
import hmac
import re
import sqlite3
import unicodedata
from typing import Any

import orjson

GENESIS = "0" * 64
DATABASE = 0
"""The heads' number of the chain across the database (SQLite's)."""
PROCESS, START, ACTION, TARGET = "partnerskab", "dialog", "udform_aftale", "aftaleudkast"
ACTOR = "bench"
CASE_COLUMNS = (
    "id, title, process_id, version, definition_sha256, state, fields, created_at, updated_at,"
    " revision, closed_at, next_due, owner"
)
NEW_CASE_COLUMNS = (
    "title, process_id, version, definition_sha256, state, fields, created_at, updated_at,"
    " closed_at, revision, next_due, owner, title_key, search"
)
EVENT_COLUMNS = (
    "case_id, at, actor, kind, action, from_state, to_state, changes, note, account, owner,"
    " link_kind, link_case, imported, digest, case_link"
)
SEPARATOR = "\x1f"
_AFTER_Z = str.maketrans({"æ": "\U0010fff0", "ø": "\U0010fff1", "å": "\U0010fff2"})
_NUMBER_TEXT = re.compile(r"(?=.*[0-9])[0-9.-]+")
_NUMBER_PREFIX = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def title_key(text: str) -> str:
    """The Danish sort key: folded, Æ Ø Å after Z, AA as Å, other accents dropped."""
    danish = text.casefold().replace("aa", "å").translate(_AFTER_Z)
    return "".join(c for c in unicodedata.normalize("NFKD", danish) if not unicodedata.combining(c))


def searched(title: str, fields: dict[str, Any]) -> list[str]:
    return [title.casefold(), *(str(v).casefold() for v in fields.values() if v is not None)]


def field_keys(fields: dict[str, Any]) -> str:
    """How each field sorts, as PostgreSQL keeps it beside the case."""
    keys: dict[str, tuple[float | None, str]] = {}
    for field_id, value in fields.items():
        if value is None or value == "":
            continue
        if isinstance(value, bool | int | float):
            keys[field_id] = (float(value), "")
            continue
        text = value if isinstance(value, str) else dumps(value)
        number = None
        if _NUMBER_TEXT.fullmatch(text):
            prefix = _NUMBER_PREFIX.match(text)
            number = float(prefix[0]) if prefix else 0.0
        keys[field_id] = (number, title_key(text))
    return dumps(keys)


class Chain:
    """The audit trail's digests and HMAC links under the key in the file beside the
    database."""

    def __init__(self, secret: bytes):
        self.secret = secret

    def mac(self, text: str) -> str:
        return hmac.digest(self.secret, text.encode(), "sha256").hex()

    def link(self, previous: str | None, digest: str) -> str:
        return self.mac((previous or GENESIS) + digest)

    def head(self, case_id: int, count: int, last: str) -> str:
        return self.mac(f"head:{case_id}:{count}:{last}")

    @staticmethod
    def digest(row: tuple[Any, ...], changes: dict[str, Any]) -> str:
        """sha256 of an event's content: its row (``EVENT_COLUMNS`` up to its owner) and
        its changes."""
        case_id, at, actor, kind, action, from_state, to_state, _, note, account, owner = row
        content = {
            "case": case_id,
            "at": at,
            "actor": actor,
            "kind": kind,
            "action": action,
            "from": from_state,
            "to": to_state,
            "changes": changes,
            "note": note,
        }
        if account is not None:
            content["account"] = account
        if owner is not None:
            content["owner"] = owner
        return hashlib.sha256(dumps(content).encode()).hexdigest()


def _event(case_id: int, at: str, kind: str, changes: dict[str, Any], **columns: Any) -> tuple[Any, ...]:
    """An event row's content: ``EVENT_COLUMNS`` up to its owner."""
    return (
        case_id,
        at,
        ACTOR,
        kind,
        columns.get("action"),
        columns.get("from_state"),
        columns.get("to_state"),
        dumps(changes),
        None,
        None,
        columns.get("owner"),
    )


def _advanced(row: tuple[Any, ...], values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A case row in its first step, the values given: its fields after, the changed
    ones, its title. Refuses (as samskab does) a case that has moved on."""
    if row is None or row[2] != PROCESS or row[5] != START or row[10] is not None:
        raise RuntimeError(f"case {row and row[0]} cannot take {ACTION} now")
    fields = orjson.loads(row[6])
    changed = {k: v for k, v in values.items() if fields.get(k) != v}
    return {**fields, **values}, changed, row[1]


class SqliteSameWork:
    """samskab's statements on one SQLite file, through plain sqlite3."""

    def __init__(self, path: str, synchronous: str = "NORMAL"):
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
        for pragma in (
            "foreign_keys = ON",
            "journal_mode = WAL",
            "wal_autocheckpoint = 10000",
            "journal_size_limit = 67108864",
            "cache_size = -16000",
            f"synchronous = {synchronous}",
        ):
            self.conn.execute(f"PRAGMA {pragma}")
        with open(path.removesuffix(".db") + ".key", "rb") as key:
            self.chain = Chain(key.read())
        self.version, self.sha256 = self.conn.execute(
            "SELECT version, sha256 FROM definitions WHERE process_id = ? ORDER BY version DESC LIMIT 1",
            (PROCESS,),
        ).fetchone()

    def create(self, title: str) -> int:
        at = now_text()
        self.conn.execute("BEGIN")
        case_id = self.conn.execute(
            f"INSERT INTO cases (id, {NEW_CASE_COLUMNS}) VALUES"
            " (coalesce(?, (SELECT max(coalesce(max(id), 0), 0) + 1 FROM cases)),"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                None,
                title,
                PROCESS,
                self.version,
                self.sha256,
                START,
                "{}",
                at,
                at,
                None,
                1,
                None,
                ACTOR,
                title_key(title),
                SEPARATOR.join(searched(title, {})),
            ),
        ).lastrowid
        assert case_id is not None
        self._append(_event(case_id, at, "created", {}, to_state=START, owner=ACTOR), {})
        self.conn.execute("COMMIT")
        return case_id

    def advance(self, case_id: int, values: dict[str, Any]) -> None:
        row = self.conn.execute(f"SELECT {CASE_COLUMNS} FROM cases WHERE id = ?", (case_id,)).fetchone()
        fields, changed, title = _advanced(row, values)
        at = now_text()
        self.conn.execute("BEGIN")
        swapped = self.conn.execute(
            "UPDATE cases SET state = ?, updated_at = ?, fields = ?, search = ?,"
            " revision = revision + 1 WHERE id = ? AND revision = ?",
            (
                TARGET,
                at,
                dumps(fields),
                SEPARATOR.join(searched(title, fields)),
                case_id,
                row[9],
            ),
        )
        if swapped.rowcount != 1:
            self.conn.execute("ROLLBACK")
            raise RuntimeError(f"case {case_id} changed meanwhile")
        self._append(
            _event(case_id, at, "action", changed, action=ACTION, from_state=START, to_state=TARGET),
            changed,
        )
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def _append(self, event: tuple[Any, ...], changes: dict[str, Any]) -> None:
        case_id = event[0]
        heads = dict.fromkeys((DATABASE, case_id), (0, None))
        for head_of, count, last in self.conn.execute(
            "SELECT case_id, count, last FROM audit_heads WHERE case_id IN (?, ?)", (DATABASE, case_id)
        ):
            heads[head_of] = (count, last)
        digest = self.chain.digest(event, changes)
        case_link = self.chain.link(heads[case_id][1], digest)
        chain = self.chain.link(heads[DATABASE][1], digest)
        self.conn.execute(
            f"INSERT INTO events ({EVENT_COLUMNS}, chain) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*event, None, None, None, digest, case_link, chain),
        )
        self.conn.execute(
            "INSERT OR REPLACE INTO audit_heads (case_id, count, last, mac) VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
            [
                value
                for head_of, last in ((case_id, case_link), (DATABASE, chain))
                for value in (
                    head_of,
                    heads[head_of][0] + 1,
                    last,
                    self.chain.head(head_of, heads[head_of][0] + 1, last),
                )
            ],
        )


class PostgresSameWork:
    """samskab's statements on one PostgreSQL schema, through plain psycopg: the case's
    row and its chain's head locked, no chain across the database (checkpoints), the
    schema's channel told after each commit."""

    def __init__(self, conninfo: str, schema: str, key: str):
        import psycopg

        self.conn = psycopg.connect(conninfo, autocommit=True, application_name="samework")
        self.conn.execute("SET lock_timeout = '5000ms'")
        self.conn.execute(f'SET search_path TO "{schema}"')
        self.channel = f"samskab_{schema}"[:63]
        with open(key, "rb") as file:
            self.chain = Chain(file.read())
        self.version, self.sha256 = self.conn.execute(
            "SELECT version, sha256 FROM definitions WHERE process_id = %s ORDER BY version DESC LIMIT 1",
            (PROCESS,),
        ).fetchone()

    def create(self, title: str) -> int:
        at = now_text()
        with self.conn.transaction():
            (case_id,) = self.conn.execute(
                f"INSERT INTO cases ({NEW_CASE_COLUMNS}, field_keys) VALUES"
                " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (
                    title,
                    PROCESS,
                    self.version,
                    self.sha256,
                    START,
                    "{}",
                    at,
                    at,
                    None,
                    1,
                    None,
                    ACTOR,
                    title_key(title),
                    SEPARATOR.join(searched(title, {})),
                    field_keys({}),
                ),
            ).fetchone()
            self._append(_event(case_id, at, "created", {}, to_state=START, owner=ACTOR), {})
        self._notify()
        return case_id

    def advance(self, case_id: int, values: dict[str, Any]) -> None:
        row = self.conn.execute(f"SELECT {CASE_COLUMNS} FROM cases WHERE id = %s", (case_id,)).fetchone()
        fields, changed, title = _advanced(row, values)
        at = now_text()
        with self.conn.transaction():
            locked = self.conn.execute(
                "SELECT revision FROM cases WHERE id = %s FOR UPDATE", (case_id,)
            ).fetchone()
            if locked is None or locked[0] != row[9]:
                raise RuntimeError(f"case {case_id} changed meanwhile")
            self.conn.execute(
                "UPDATE cases SET state = %s, updated_at = %s, fields = %s, search = %s,"
                " field_keys = %s, revision = revision + 1 WHERE id = %s",
                (
                    TARGET,
                    at,
                    dumps(fields),
                    SEPARATOR.join(searched(title, fields)),
                    field_keys(fields),
                    case_id,
                ),
            )
            self._append(
                _event(case_id, at, "action", changed, action=ACTION, from_state=START, to_state=TARGET),
                changed,
            )
        self._notify()

    def _append(self, event: tuple[Any, ...], changes: dict[str, Any]) -> None:
        case_id = event[0]
        head = self.conn.execute(
            "SELECT count, last FROM audit_heads WHERE case_id = %s FOR UPDATE", (case_id,)
        ).fetchone()
        count, last = head if head else (0, None)
        digest = self.chain.digest(event, changes)
        case_link = self.chain.link(last, digest)
        self.conn.execute(
            f"INSERT INTO events ({EVENT_COLUMNS}) VALUES"
            " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (*event, None, None, None, digest, case_link),
        ).fetchone()
        self.conn.execute(
            "INSERT INTO audit_heads (case_id, count, last, mac) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (case_id) DO UPDATE SET count = excluded.count, last = excluded.last, mac = excluded.mac",
            (case_id, count + 1, case_link, self.chain.head(case_id, count + 1, case_link)),
        )

    def _notify(self) -> None:
        self.conn.execute(
            "SELECT set_config('synchronous_commit', 'off', true), pg_notify(%s, '')", (self.channel,)
        )

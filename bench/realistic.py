"""A realistic database of N cases: the demo municipality (every process, history,
deadlines, owners, links) copied over and over with its dates spread over the years
ahead, so that about DUE pending deadlines are due at NOW and the rest lie in the future.

    python -m bench.realistic PATH N [DUE]    # prints the size per case

The demo is built through the engine once; its rows are then copied with plain SQL,
since building millions of cases one action at a time would take hours. The copies'
audit links are the template's, so `audit verify` on such a database reports them; the
benchmarks read, list and tick, which is what the copies are for. They keep these
databases between runs (:func:`cached`), and before each tick set the next deadlines
due (:func:`arm`).
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parent.parent
BUILD = 1
"""How :func:`build` builds: one more whenever it builds otherwise, so that databases
kept by :func:`cached` are built anew."""

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
STAMP = "%Y-%m-%dT%H:%M:%S+00:00"
SHIFTED = f"strftime('{STAMP}', {{column}}, :shift)"
# How a copy's column differs from the template's: a numbered title, dates ahead.
COPIED = {
    "title": "title || ' ' || :copy",
    "title_key": "samskab_key(title || ' ' || :copy)",
    "search": "samskab_search(title || ' ' || :copy, fields)",
    "next_due": SHIFTED.format(column="next_due"),
    "due_at": SHIFTED.format(column="due_at"),
}

CASE_COLUMNS = (
    "title",
    "process_id",
    "version",
    "definition_sha256",
    "state",
    "fields",
    "created_at",
    "updated_at",
    "closed_at",
    "revision",
    "next_due",
    "owner",
    "title_key",
    "search",
)
EVENT_COLUMNS = (
    "at",
    "actor",
    "kind",
    "action",
    "from_state",
    "to_state",
    "changes",
    "note",
    "digest",
    "case_link",
    "chain",
    "account",
    "owner",
    "link_kind",
)
DEADLINE_COLUMNS = ("state", "kind", "due_at", "action", "before", "fired_at", "closed_at", "rule", "anchor")


def template(folder: Path) -> Path:
    """The demo municipality as it stood at NOW, ticked: nothing is left due."""
    os.environ["SAMSKAB_NOW"] = NOW.isoformat()
    from samskab.engine.core import open_engine
    from samskab.engine.service import build_demo

    path = folder / "template.db"
    build_demo(str(path))
    engine = open_engine(str(path))
    engine.tick()
    engine.store.close()
    return path


def _select(columns: tuple[str, ...]) -> str:
    return ", ".join(COPIED.get(c, c) for c in columns)


def build(path: str, n: int, due: int = 1000) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        source = template(Path(folder))
        target = Path(path)
        target.unlink(missing_ok=True)
        Path(str(target) + ".key").unlink(missing_ok=True)
        target.write_bytes(source.read_bytes())
        key = source.with_suffix(".key")
        if key.exists():
            target.with_suffix(".key").write_bytes(key.read_bytes())
            target.with_suffix(".key").chmod(0o600)
    from samskab.engine import collation

    conn = sqlite3.connect(target, isolation_level=None)
    conn.create_function("samskab_key", 1, collation.key, deterministic=True)
    conn.create_function(
        "samskab_search", 2, lambda title, fields: collation.search_text(title, json.loads(fields))
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("CREATE TEMP TABLE t_cases AS SELECT * FROM cases")
    conn.execute("CREATE TEMP TABLE t_events AS SELECT * FROM events")
    conn.execute("CREATE TEMP TABLE t_deadlines AS SELECT * FROM deadlines")
    conn.execute("CREATE TEMP TABLE t_heads AS SELECT * FROM audit_heads WHERE case_id > 0")
    size = conn.execute("SELECT max(id) FROM t_cases").fetchone()[0]
    copies = max(0, (n - size + size - 1) // size)
    conn.execute("BEGIN")
    for copy in range(1, copies + 1):
        offset = copy * size
        params = {"off": offset, "shift": f"+{30 + (copy * 37) % 1400} days", "copy": copy}
        conn.execute(
            f"INSERT INTO cases (id, {', '.join(CASE_COLUMNS)}) SELECT id + :off,"
            f" {_select(CASE_COLUMNS)} FROM t_cases",
            params,
        )
        conn.execute(
            f"INSERT INTO events (case_id, {', '.join(EVENT_COLUMNS)}) SELECT case_id + :off,"
            f" {_select(EVENT_COLUMNS)} FROM t_events ORDER BY id",
            params,
        )
        conn.execute(
            f"INSERT INTO deadlines (case_id, {', '.join(DEADLINE_COLUMNS)}) SELECT case_id + :off,"
            f" {_select(DEADLINE_COLUMNS)} FROM t_deadlines",
            params,
        )
        conn.execute(
            "INSERT INTO audit_heads (case_id, count, last, mac) SELECT case_id + :off, count, last, mac"
            " FROM t_heads",
            params,
        )
        if copy % 2000 == 0:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
    # The search index made whole at once, as tick's tidying would.
    conn.execute("DELETE FROM cases_search_pending")
    conn.execute("INSERT INTO cases_search (cases_search) VALUES ('rebuild')")
    conn.execute("COMMIT")
    conn.close()
    arm(str(target), due, above=size)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    conn.close()
    return {"cases": cases, "bytes_per_case": target.stat().st_size / cases, "due": due, "template": size}


def arm(path: str, due: int, above: int) -> int:
    """Make DUE pending deadlines due at NOW, counting those that are already (a tick
    fires them: this sets the next ones, so that each tick has as many to fire), of
    cases numbered above ``above`` (the template's cases keep their history as it is),
    spread over the database; their cases' next deadline follows. How many it set."""
    stamp = (NOW - dt.timedelta(days=1)).strftime(STAMP)
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN IMMEDIATE")
    (already,) = conn.execute(
        "SELECT count(*) FROM deadlines WHERE fired_at IS NULL AND closed_at IS NULL AND due_at <= ?",
        (NOW.strftime(STAMP),),
    ).fetchone()
    conn.execute(
        "CREATE TEMP TABLE due AS SELECT id, case_id FROM deadlines WHERE fired_at IS NULL"
        " AND closed_at IS NULL AND kind = 'deadline' AND case_id > ? AND due_at > ?"
        " ORDER BY (id * 7919) % 1000003 LIMIT ?",
        (above, NOW.strftime(STAMP), max(0, due - already)),
    )
    conn.execute("UPDATE deadlines SET due_at = ? WHERE id IN (SELECT id FROM due)", (stamp,))
    conn.execute("UPDATE cases SET next_due = ? WHERE id IN (SELECT case_id FROM due)", (stamp,))
    (armed,) = conn.execute("SELECT count(*) FROM due").fetchone()
    conn.execute("COMMIT")
    conn.close()
    return armed


CONFIG = '[channels.journal]\ntype = "log"\npath = "{log}"\n'
"""Beside each kept database: what tick delivers goes to a journal there."""


def cached(folder: Path, n: int, due: int = 1000) -> tuple[Path, dict]:
    """The realistic database of N cases in a folder of its own under ``folder``, built
    the first time only, and what :func:`build` said of it. A folder is named for what
    made its database (:data:`BUILD`, the demo, the schema), so a change to any of them
    builds anew; older builds of the same size are removed. The benchmarks tick these
    databases (:func:`arm` sets the next deadlines due): they are kept for their size,
    not as they were built."""
    made_by = hashlib.sha256(str(BUILD).encode())
    for source in ("engine/demo.py", "plugins/sqlite_schema.py"):
        made_by.update((ROOT / source).read_bytes())
    home = folder / f"realistic-{n}-due{due}-{made_by.hexdigest()[:12]}"
    built = home / "built.json"
    if not built.exists():
        for older in folder.glob(f"realistic-{n}-due{due}-*"):
            shutil.rmtree(older)
        home.mkdir(parents=True)
        (home / "samskab.toml").write_text(CONFIG.format(log=home / "journal.log"))
        print(f"Building a realistic database of {n:,} cases in {home} (once)", file=sys.stderr)
        building = subprocess.run(  # in a process of its own: it sets SAMSKAB_NOW
            [sys.executable, "-m", "bench.realistic", str(home / "samskab.db"), str(n), str(due)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        built.write_text(building.stdout.strip().splitlines()[-1])
    return home / "samskab.db", json.loads(built.read_text())


if __name__ == "__main__":
    print(json.dumps(build(sys.argv[1], int(sys.argv[2]), *(int(a) for a in sys.argv[3:4]))))

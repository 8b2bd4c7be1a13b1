"""The SQLite store under the engine and its SQLite specifics; what every store must do is
in test_store_conformance.py."""

import datetime as dt
import sqlite3

import pytest

from samskab.engine.core import open_engine
from samskab.engine.errors import Conflict
from samskab.engine.plugins import make_plugin_manager
from samskab.engine.readmodels import CaseFilter


def engine_on(path):
    return open_engine(str(path), pm=make_plugin_manager(load_entrypoints=False))


def test_two_coordinators_on_one_case_one_wins_nothing_lost(workdir):
    first, second = engine_on(workdir / "s.db"), engine_on(workdir / "s.db")
    case = first.new_case("partnerskab", "Lions")
    stale = second.case(case.id)
    first.advance(case.id, "afbryd", note="first")
    with pytest.raises(Conflict):
        second.advance(case.id, "afbryd", note="second", expected_revision=stale.revision)
    history = second.store.history(case.id)
    assert [e.note for e in history] == [None, "first"]


def test_schema_is_made_by_migrations_wal_and_foreign_keys(workdir):
    engine = engine_on(workdir / "s.db")
    db = engine.store.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    applied = [r["name"] for r in db["_sqlite_migrations"].rows]
    assert applied[:4] == ["m001_initial", "m002_next_due", "m003_outbox", "m004_audit_chain"]
    numbers = [int(name[1:4]) for name in applied if name[0] == "m" and name[4] == "_"]
    assert len(numbers) == len(applied) and numbers == sorted(set(numbers))
    plan = db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM deadlines WHERE fired_at IS NULL AND closed_at IS NULL"
        " AND due_at <= '2030'"
    ).fetchall()
    assert "deadlines_pending" in str(plan)


def test_not_a_database_is_a_clear_error(samskab, workdir):
    (workdir / "notes.db").write_text("my shopping list")
    result = samskab("--db", "notes.db", "cases", "list", exit=2)
    assert "notes.db: not a samskab database" in result.stderr


def test_latest_names_the_last_migration():
    from samskab.plugins.sqlite_schema import migrations
    from samskab.plugins.sqlite_store import LATEST, MIGRATIONS

    assert migrations._migrations[-1].name == LATEST
    assert tuple(m.name for m in migrations._migrations) == MIGRATIONS


def test_a_migration_missed_by_a_database_made_before_it_was_merged_is_applied(workdir):
    """m010 was merged after m011: a database made in between has m011 and not m010, and
    gets m010 when next opened, though its last migration is the latest."""
    engine_on(workdir / "s.db").store.close()
    with sqlite3.connect(workdir / "s.db") as db:
        db.execute("DROP TABLE documents")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm010_documents'")
    store = engine_on(workdir / "s.db").store
    assert store.documents(1) == []
    applied = [r["name"] for r in store.db["_sqlite_migrations"].rows]
    assert applied[-1] == "m010_documents" and "m011_deadline_rules" in applied[:-1]


def test_reading_a_current_database_does_not_import_sqlite_utils(samskab, workdir):
    import subprocess
    import sys

    samskab("cases", "new", "partnerskab", "--title", "Lions")
    code = (
        "import sys; from samskab.cli import cli; "
        "sys.argv = ['samskab', 'cases', 'show', '1']; "
        "cli(standalone_mode=False); "
        "print('sqlite_utils' in sys.modules, file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=workdir,
        env={"PATH": "/usr/bin:/bin", "SAMSKAB_LOAD_PLUGINS": ""},
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().endswith("False")


@pytest.mark.parametrize(
    ("where", "index"),
    [
        (
            CaseFilter(
                overdue_at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
                open_only=True,
                order_by="next_due",
                limit=200,
            ),
            "cases_due_order",
        ),
        (CaseFilter(order_by="updated_at", limit=200), "idx_cases_updated_at"),
        (CaseFilter(open_only=True, order_by="next_due", limit=100), "cases_due_order"),
        (CaseFilter(open_only=True, owner="mette", order_by="next_due", limit=100), "cases_owner"),
        (
            CaseFilter(open_only=True, process_id="partnerskab", order_by="next_due", limit=100),
            "cases_process_due",
        ),
        (CaseFilter(open_only=True, order_by="title", limit=100), "cases_title_key"),
    ],
)
def test_lists_read_in_index_order_without_sorting_every_case(workdir, where, index):
    """The lists a screen opens on (open cases by deadline, mine, one process's, by
    title), the overdue list and the list by last change stay fast with a million
    cases: the database walks an index instead of sorting every case."""
    engine = engine_on(workdir / "s.db")
    engine.new_case("partnerskab", "Lions")
    statements = []
    engine.store.conn.set_trace_callback(statements.append)
    engine.cases(where)
    engine.store.conn.set_trace_callback(None)
    query = next(s for s in statements if s.startswith("SELECT"))
    plan = str(engine.store.conn.execute(f"EXPLAIN QUERY PLAN {query}").fetchall())
    assert index in plan and "TEMP B-TREE" not in plan


def test_counts_a_screen_opens_on_read_the_counts_not_the_cases(workdir):
    """How many open cases, per process, mine: a few rows of ``case_counts``, not a
    count of every case."""
    engine = engine_on(workdir / "s.db")
    case = engine.new_case("partnerskab", "Lions")
    statements = []
    engine.store.conn.set_trace_callback(statements.append)
    for where in (
        CaseFilter(open_only=True),
        CaseFilter(process_id="partnerskab", open_only=True),
        CaseFilter(owner=case.owner, open_only=True),
        CaseFilter(process_id="partnerskab", state="dialog"),
    ):
        assert engine.store.count_cases(where) == 1
    engine.store.conn.set_trace_callback(None)
    assert len(statements) == 4 and all("FROM case_counts" in s for s in statements)


def test_the_config_beside_the_database_file_is_read_whatever_the_url(samskab, workdir):
    """samskab.toml beside the database configures it, for a path and a sqlite: URL alike."""
    for name, db in (("path", "path/samskab.db"), ("url", f"sqlite:///{workdir / 'url' / 'samskab.db'}")):
        (workdir / name).mkdir()
        (workdir / name / "samskab.toml").write_text('[people.mette]\nroles = ["koordinator"]\n')
        registered = samskab.json("--db", db, "people", "list")
        assert [p["id"] for p in registered if p["roles"] == ["koordinator"]] == ["mette"]


def test_another_programs_database_is_refused_and_left_as_it_was(samskab, workdir):
    other = workdir / "noter.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (text)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    result = samskab("--db", str(other), "cases", "list", exit=2)
    assert "is another program's database; give samskab a new file (--db)" in result.stderr
    with sqlite3.connect(other) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert tables == ["notes"]


def test_a_database_of_a_newer_samskab_is_refused(samskab, workdir):
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    with sqlite3.connect(workdir / "samskab.db") as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('samskab', 'm999_from_the_future', '2030-01-01')"
        )
    result = samskab("cases", "list", exit=2)
    assert "was made by a newer samskab; upgrade samskab to open it" in result.stderr


def test_numbers_beyond_what_a_store_holds_are_clear_errors(samskab):
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    huge = str(2**64)
    assert "there is no case" in samskab("cases", "show", huge, exit=1).stderr
    assert "there is no case" in samskab("cases", "advance", huge, "afbryd", "--note", "x", exit=1).stderr
    assert "no message" in samskab("outbox", "retry", huge, exit=1).stderr
    result = samskab("cases", "new", "partnerskab", "--title", "X", "--set", "tilskud=" + "9" * 30, exit=2)
    assert "is more kroner than samskab keeps" in result.stderr

"""The history is append-only and tamper-evident: `samskab audit verify` finds edits."""

import datetime as dt
import sqlite3

import pytest

from samskab.engine.cases import Event


@pytest.fixture
def history(samskab, workdir):
    samskab("demo", now="2026-11-23T08:00")
    return sqlite3.connect(workdir / "samskab.db", isolation_level=None)


def test_intact_history_verifies(samskab, history):
    out = samskab("audit", "verify").stdout
    events = history.execute("SELECT count(*) FROM events").fetchone()[0]
    assert out == f"ok: {events} events, chains intact\n"


def test_events_cannot_be_changed_or_deleted(history):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        history.execute("UPDATE events SET note = 'rettet' WHERE id = 5")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        history.execute("DELETE FROM events WHERE id = 5")


def test_an_edit_behind_samskabs_back_is_found(samskab, history):
    history.execute("DROP TRIGGER events_append_only_update")
    history.execute("UPDATE events SET note = 'Alt gik fint' WHERE id = 7")
    result = samskab("audit", "verify", exit=1)
    assert "Broken: event 7 " in result.stderr
    assert "does not match its digest" in result.stderr


def test_an_edit_with_a_recomputed_digest_breaks_the_chain(samskab, history):
    from samskab.engine import audit, clock
    from samskab.engine.cases import Event

    history.execute("DROP TRIGGER events_append_only_update")
    row = history.execute(
        "SELECT case_id, at, actor, kind, action, from_state, to_state, changes, note FROM events WHERE id = 7"
    ).fetchone()
    forged = audit.digest(Event(row[0], clock.from_text(row[1]), "someone-else", *row[3:7], {}, row[8]))
    history.execute(
        "UPDATE events SET actor = 'someone-else', changes = '{}', digest = ? WHERE id = 7", (forged,)
    )
    result = samskab("audit", "verify", "--json", exit=1)
    assert '"event_id": 7' in result.stdout and "chain is broken" in result.stdout


def test_a_removed_event_breaks_the_chain(samskab, history):
    history.execute("DROP TRIGGER events_append_only_delete")
    history.execute("PRAGMA foreign_keys = OFF")
    history.execute("DELETE FROM outbox WHERE event_id = 9")
    history.execute("DELETE FROM events WHERE id = 9")
    result = samskab("audit", "verify", exit=1)
    assert "chain is broken here" in result.stderr


def test_upgrading_an_older_database_chains_its_history(workdir, samskab):
    """A database made before the audit chain gets digests for its history on upgrade."""
    import sqlite_utils

    from samskab.plugins.sqlite_schema import migrations
    from samskab.plugins.sqlite_store import SqliteStore

    db = sqlite_utils.Database(workdir / "old.db")
    migrations.apply(db, stop_before="m004_audit_chain")
    db.execute("INSERT INTO definitions VALUES ('x', 1, 'h', 't', 'o')")
    db.execute(
        "INSERT INTO cases (id, title, process_id, version, state, fields, created_at, updated_at, revision)"
        " VALUES (1, 'Gammel', 'x', 1, 'a', '{}', '2020-01-01', '2020-01-01', 2)"
    )
    for i, (kind, note) in enumerate([("created", None), ("action", "videre")], start=1):
        db.execute(
            "INSERT INTO events (id, case_id, at, actor, kind, from_state, to_state, changes, note)"
            " VALUES (?, 1, '2020-01-01', 'mette', ?, 'a', 'a', '{}', ?)",
            (i, kind, note),
        )
    db.conn.commit()
    db.conn.close()
    store = SqliteStore(str(workdir / "old.db"))
    # The next event links to the last one of the case, read from where the upgrade put it.
    store.commit_action(
        store.get_case(1),
        state="a",
        fields={},
        event=Event(1, dt.datetime(2020, 1, 2, tzinfo=dt.UTC), "mette", "action", "videre", "a", "a"),
        deadlines=[],
        close_deadlines=False,
        closed=False,
    )
    store.close()
    assert samskab("--db", "old.db", "audit", "verify").stdout == "ok: 3 events, chains intact\n"


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE cases SET state = 'afsluttet' WHERE id = 4",  # a step skipped, no event
        "UPDATE cases SET fields = json_set(fields, '$.tilskud', '999999.00') WHERE id = 4",  # more money
        "UPDATE cases SET revision = revision + 1 WHERE id = 4",
        "UPDATE cases SET fields = json_remove(fields, '$.organisation') WHERE id = 4",
    ],
)
def test_a_case_changed_without_an_event_is_found(samskab, history, edit):
    """The case's row follows from its history: verify replays it and compares."""
    history.execute(edit)
    result = samskab("audit", "verify", exit=1)
    assert "(case 4)" in result.stderr
    assert "do not follow from its history (changed without an event?)" in result.stderr


def test_a_case_added_without_a_history_is_found(samskab, history):
    history.execute(
        "INSERT INTO cases (title, process_id, version, definition_sha256, state, fields, created_at,"
        " updated_at, revision) SELECT 'Indsat', process_id, version, definition_sha256, 'aktiv', '{}',"
        " created_at, updated_at, 1 FROM cases WHERE id = 4"
    )
    result = samskab("audit", "verify", exit=1)
    assert "the case has no history (added without an event?)" in result.stderr

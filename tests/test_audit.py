"""The history is append-only and tamper-evident: `samskab audit verify` finds edits."""

import sqlite3
import stat

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


def old_database(path, *, erased_note: str | None = None) -> None:
    """A database as samskab made it before keys: unkeyed links, an erasure in a table."""
    import sqlite_utils

    from samskab.engine import audit, clock
    from samskab.plugins.sqlite_schema import migrations

    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m007_keyed_audit")
    db.execute("INSERT INTO definitions VALUES ('x', 1, 'h', 't', 'o')")
    db.execute(
        "INSERT INTO cases (id, title, process_id, version, state, fields, created_at, updated_at, revision)"
        " VALUES (1, 'Gammel', 'x', 1, 'a', '{}', '2020-01-01T00:00:00+00:00', '2020-01-01T00:00:00+00:00', 2)"
    )
    chain = case_link = None
    for i, (kind, note) in enumerate([("created", None), ("action", "videre")], start=1):
        event = Event(
            1, clock.from_text("2020-01-01T00:00:00+00:00"), "mette", kind, None, "a", "a", {}, note
        )
        digest = audit.digest(event)
        case_link, chain = audit.link(case_link, digest), audit.link(chain, digest)
        db.execute(
            "INSERT INTO events (id, case_id, at, actor, kind, from_state, to_state, changes, note, digest,"
            " case_link, chain) VALUES (?, 1, '2020-01-01T00:00:00+00:00', 'mette', ?, 'a', 'a', '{}', ?, ?, ?, ?)",
            (i, kind, note, digest, case_link, chain),
        )
    if erased_note is not None:  # erased as samskab then did: content changed, listed in a table
        db.execute("INSERT INTO audit_unlock DEFAULT VALUES")
        db.execute("UPDATE events SET note = ? WHERE id = 2", (erased_note,))
        db.execute("DELETE FROM audit_unlock")
        db.execute("INSERT INTO erasures VALUES (2, 2)")
    db.execute("UPDATE cases SET case_link = ?", (case_link,))
    db.conn.commit()
    db.conn.close()


def test_an_older_database_is_kept_under_a_new_key_when_first_opened(workdir, samskab):
    old_database(workdir / "old.db", erased_note="slettet-abc")
    assert samskab("--db", "old.db", "audit", "verify").stdout == "ok: 2 events, chains intact\n"
    key = workdir / "old.key"
    assert key.stat().st_size == 32 and stat.S_IMODE(key.stat().st_mode) == 0o600
    with sqlite3.connect(workdir / "old.db") as conn:
        assert conn.execute("SELECT count(*) FROM erasures").fetchone() == (0,)
        conn.execute("DROP TRIGGER events_append_only_update")
        conn.execute("UPDATE events SET note = 'noget andet' WHERE id = 2")  # the erased event edited
    assert "Broken: event 2 " in samskab("--db", "old.db", "audit", "verify", exit=1).stderr


def test_an_older_database_whose_history_was_changed_is_not_keyed(workdir, samskab):
    old_database(workdir / "old.db")
    with sqlite3.connect(workdir / "old.db") as conn:
        conn.execute("DROP TRIGGER events_append_only_update")
        conn.execute("UPDATE events SET actor = 'someone' WHERE id = 1")
    refused = samskab("--db", "old.db", "cases", "list", exit=2)
    assert "the history was changed at event 1 (case 1) before samskab kept it under a key" in refused.stderr
    assert not (workdir / "old.key").exists()


def test_an_unkeyed_history_in_place_of_a_keyed_one_is_refused(workdir, samskab):
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    (workdir / "samskab.db").unlink()
    old_database(workdir / "samskab.db")
    refused = samskab("cases", "list", exit=2)
    assert "is not kept under its audit key, though the key exists" in refused.stderr


def test_a_missing_or_wrong_key_is_a_clear_error(workdir, samskab, history):
    key = workdir / "samskab.key"
    secret = key.read_bytes()
    key.unlink()
    missing = samskab("audit", "verify", exit=2)
    assert (
        "the audit key samskab.key is missing" in missing.stderr
        and "restore it from a backup" in missing.stderr
    )
    assert not key.exists()  # not made anew for a history kept under another
    key.write_bytes(bytes(32))
    assert "the audit key samskab.key is not this database's" in samskab("cases", "list", exit=2).stderr
    key.write_bytes(b"short")
    assert "is not a samskab audit key (5 bytes)" in samskab("cases", "list", exit=2).stderr
    key.write_bytes(secret)
    samskab("audit", "verify")


def test_a_forged_event_with_every_digest_recomputed_is_found(samskab, history):
    """Without the key, the links of an added event cannot be made to fit."""
    from samskab.engine import audit, clock

    last = history.execute("SELECT case_id, case_link, chain FROM events ORDER BY id DESC LIMIT 1").fetchone()
    event = Event(last[0], clock.from_text("2026-11-23T09:00:00+00:00"), "mette", "action", "x", "a", "a")
    digest = audit.digest(event)
    history.execute(
        "INSERT INTO events (case_id, at, actor, kind, action, from_state, to_state, changes, digest,"
        " case_link, chain) VALUES (?, '2026-11-23T09:00:00+00:00', 'mette', 'action', 'x', 'a', 'a', '{}',"
        " ?, ?, ?)",
        (last[0], digest, audit.link(last[1], digest), audit.link(last[2], digest)),
    )
    assert "chain is broken here" in samskab("audit", "verify", exit=1).stderr


@pytest.mark.parametrize("heads_rewound", [False, True])
def test_events_removed_at_the_end_are_found(samskab, history, heads_rewound):
    """The database's last events, with their case rows put back as they were before."""
    history.execute("DROP TRIGGER events_append_only_delete")
    history.execute("PRAGMA foreign_keys = OFF")
    (last_id,) = history.execute("SELECT id FROM events ORDER BY id DESC LIMIT 1").fetchone()
    history.execute("DELETE FROM outbox WHERE event_id = ?", (last_id,))
    history.execute("DELETE FROM events WHERE id = ?", (last_id,))
    if heads_rewound:  # the heads rewound to what the remaining events say (without the key: no MAC)
        count, chain = history.execute(
            "SELECT count(*), (SELECT chain FROM events ORDER BY id DESC LIMIT 1) FROM events"
        ).fetchone()
        history.execute("UPDATE audit_heads SET count = ?, last = ? WHERE case_id = 0", (count, chain))
    result = samskab("audit", "verify", exit=1)
    if heads_rewound:
        assert "a head of the chain was changed" in result.stderr
    else:
        assert "history ends before its recorded head (events removed at the end?)" in result.stderr


def test_removing_a_head_is_found(samskab, history):
    history.execute("DELETE FROM audit_heads WHERE case_id = 4")
    assert "a chain has no head (removed?)" in samskab("audit", "verify", exit=1).stderr


def test_an_anchor_kept_elsewhere_finds_a_database_put_back_to_an_earlier_copy(samskab, workdir, history):
    history.close()
    earlier = (workdir / "samskab.db").read_bytes()
    samskab("cases", "new", "partnerskab", "--title", "Ny", now="2026-11-23T09:00")
    anchor = samskab("audit", "anchor").stdout
    assert anchor.startswith("samskab-anchor events=")
    (workdir / "anker.txt").write_text(f"Til arkivet\n{anchor}\nHilsen Mette\n")
    samskab("audit", "verify", "--anchor", "anker.txt")
    samskab("cases", "new", "partnerskab", "--title", "Senere", now="2026-11-23T10:00")
    samskab("audit", "verify", "--anchor", "anker.txt")  # more since is fine

    for suffix in ("", "-wal", "-shm"):
        (workdir / f"samskab.db{suffix}").unlink(missing_ok=True)
    (workdir / "samskab.db").write_bytes(earlier)  # consistent in itself: only the anchor tells
    samskab("audit", "verify")
    shorter = samskab("audit", "verify", "--anchor", "anker.txt", exit=1)
    assert "the history is shorter than the anchor" in shorter.stderr
    for title in ("Anden", "Tredje"):
        samskab("cases", "new", "partnerskab", "--title", title, now="2026-11-23T11:00")
    differs = samskab("audit", "verify", "--anchor", "anker.txt", exit=1)
    assert "the history differs from the anchor here" in differs.stderr
    (workdir / "tom.txt").write_text("intet her")
    assert "no anchor found" in samskab("audit", "verify", "--anchor", "tom.txt", exit=2).stderr


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

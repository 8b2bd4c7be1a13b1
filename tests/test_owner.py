"""A case's owner (ansvarlig): named when it is opened, handed over with a note, the one
"mine" means; end to end through the command line, and a database from before owners."""

import hashlib
import sqlite3

import pytest
from conftest import ADMIN, PROCESSES

from samskab.engine.config import os_account
from samskab.plugins.sqlite_store import LATEST

ME = os_account()


@pytest.fixture
def registered(workdir):
    """I am an admin and a coordinator; Anna a coordinator; Bo in the administration (no
    role in partnerships); Carl a coordinator who owns nothing."""
    (workdir / "samskab.toml").write_text(
        ADMIN
        + """
[people.anna]
name = "Anna Jensen"
roles = ["koordinator"]

[people.bo]
roles = ["forvaltning"]

[people.carl]
roles = ["koordinator"]
""",
        encoding="utf-8",
    )


def opened(samskab, title: str, *extra: str) -> dict:
    return samskab.json("cases", "new", "partnerskab", "--title", title, *extra)


def test_a_case_is_owned_by_whoever_opens_it_or_by_the_owner_named(samskab, registered, workdir):
    mine = opened(samskab, "Lions")
    assert (mine["owner"], mine["owner_name"]) == (ME, ME)
    assert mine["history"][0]["owner"] == ME and mine["may_hand_over"]
    hers = opened(samskab, "Spejderne", "--owner", "anna")
    assert (hers["owner"], hers["owner_name"]) == ("anna", "Anna Jensen")
    assert (hers["history"][0]["actor"], hers["history"][0]["owner"]) == (ME, "anna")
    shown = samskab("cases", "show", str(hers["id"])).stdout
    assert "  owner     Anna Jensen [anna]\n" in shown
    assert (
        "  ansvarlig Anna Jensen [anna]\n" in samskab("--lang", "da", "cases", "show", str(hers["id"])).stdout
    )
    listed = {c["id"]: (c["owner"], c["owner_name"]) for c in samskab.json("cases", "list")}
    assert listed == {mine["id"]: (ME, ME), hers["id"]: ("anna", "Anna Jensen")}
    spreadsheet = samskab("cases", "list", "--format", "csv").stdout_bytes.decode("utf-8-sig").splitlines()
    assert spreadsheet[0].split(",")[8] == "Owner" and spreadsheet[2].split(",")[8] == "Anna Jensen"
    samskab("cases", "show", str(hers["id"]), "--format", "html", "-o", "sag.html")
    assert "<dt>Owner</dt><dd>Anna Jensen</dd>" in (workdir / "sag.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("owner", "says"),
    [
        (
            "bo",
            "bo holds no role in Partnership with a voluntary organisation; an owner needs one of: "
            "Coordinator, Steering group (mayor and directors), Partner organisation",
        ),
        ("ana", "ana is not registered (did you mean `anna`?)"),
    ],
)
def test_an_owner_is_someone_registered_with_a_role_in_the_process(samskab, registered, owner, says):
    refused = samskab("cases", "new", "partnerskab", "--title", "Lions", "--owner", owner, exit=1)
    assert "cannot open a case of Partnership with a voluntary organisation" in refused.stderr
    assert says in refused.stderr
    assert samskab.json("cases", "list") == []


def test_a_handover_is_history_in_the_audit_chain_and_the_new_owner_owns_it(samskab, registered, workdir):
    case = opened(samskab, "Lions")
    number = str(case["id"])
    handed = samskab.json(
        "cases",
        "handover",
        number,
        "anna",
        "--note",
        "Anna kender foreningen",
        "--revision",
        case["revision"],
    )
    assert (handed["owner"], handed["revision"]) == ("anna", case["revision"] + 1)
    last = handed["history"][-1]
    assert (last["kind"], last["actor"], last["owner"], last["what"], last["note"]) == (
        "handover",
        ME,
        "anna",
        "handed over to Anna Jensen",
        "Anna kender foreningen",
    )
    assert last["from"] == last["to"] == case["state"]  # the case stays in its step
    danish = samskab("--lang", "da", "cases", "show", number).stdout
    assert f"{ME}  overdraget til Anna Jensen [handover]" in danish
    assert "note: Anna kender foreningen" in danish

    stale = samskab(
        "cases", "handover", number, "carl", "--note", "x", "--revision", case["revision"], exit=1
    )
    assert "was changed by someone else" in stale.stderr
    assert samskab.json("cases", "show", number)["owner"] == "anna"
    assert samskab("audit", "verify").stdout.startswith("ok: ")

    with sqlite3.connect(workdir / "samskab.db") as db:  # the owner changed without an event
        db.execute("UPDATE cases SET owner = 'carl' WHERE id = ?", (case["id"],))
    broken = samskab("audit", "verify", exit=1).stderr
    assert f"(case {number})" in broken and "revision or owner do not follow from its history" in broken
    with sqlite3.connect(workdir / "samskab.db") as db:  # the handover event's owner edited
        db.execute("UPDATE cases SET owner = 'anna' WHERE id = ?", (case["id"],))
        db.execute("DROP TRIGGER events_append_only_update")
        db.execute("UPDATE events SET owner = 'carl' WHERE kind = 'handover'")
    assert "does not match its digest" in samskab("audit", "verify", exit=1).stderr


def test_who_may_hand_over_and_every_refusal_is_recorded(samskab, registered):
    number = str(opened(samskab, "Lions", "--owner", "anna")["id"])
    refused = samskab("cases", "handover", number, "carl", "--note", "x", "--as", "bo", exit=1)
    assert "case 1 cannot be handed over to carl" in refused.stderr
    assert (
        "bo is not its owner and holds no role that may hand it over; it needs: administrator, "
        "Coordinator, Steering group (mayor and directors), Partner organisation"
    ) in refused.stderr
    assert (
        "anna owns it already" in samskab("cases", "handover", number, "anna", "--note", "x", exit=1).stderr
    )
    assert "bo holds no role in" in samskab("cases", "handover", number, "bo", "--note", "x", exit=1).stderr
    assert "a note is required" in samskab("cases", "handover", number, "carl", "--note", " ", exit=2).stderr
    assert "Missing option '--note'" in samskab("cases", "handover", number, "carl", exit=2).stderr
    shown = samskab.json("cases", "show", number)
    assert [(r["actor"], r["action"]) for r in shown["refused"]] == [
        ("bo", "handover"),
        (ME, "handover"),
        (ME, "handover"),
    ]
    assert shown["owner"] == "anna" and [e["kind"] for e in shown["history"]] == ["created"]

    # Anna, the owner, may; so may Carl, a coordinator; bo as its owner, never (no role).
    samskab("cases", "handover", number, "carl", "--note", "Ferie", "--as", "anna")
    samskab("cases", "handover", number, "anna", "--note", "Tilbage", "--as", "carl")
    samskab("cases", "advance", number, "afbryd", "--note", "Trak sig", "--as", "anna")
    closed = samskab("cases", "handover", number, "carl", "--note", "x", "--as", "anna", exit=1)
    assert "the case is closed" in closed.stderr
    assert samskab("audit", "verify").stdout.startswith("ok: ")


def test_mine_and_owner_filter_the_list_the_agenda_and_the_overview(samskab, registered):
    now = "2026-03-01T09:00"

    def idea(title: str, *extra: str) -> int:
        new = ("cases", "new", "borgerinitiativ", "--title", title, "--set", "ide=Bænke", *extra)
        return samskab.json(*new, now=now)["id"]  # an answer is due within 14 days

    mine, hers = idea("Bænke på torvet"), idea("Cykelværksted", "--owner", "anna")
    assert [c["id"] for c in samskab.json("cases", "list", "--mine")] == [mine]
    assert [c["id"] for c in samskab.json("cases", "list", "--owner", "anna")] == [hers]
    assert samskab.json("cases", "list", "--owner", "carl") == []
    assert "Cykelværksted" in samskab("cases", "list", "--owner", "anna").stdout
    both = samskab("cases", "list", "--mine", "--owner", "anna", exit=2)
    assert "--mine and --owner cannot be used together" in both.stderr

    def agenda(*extra: str) -> set[tuple[int, str]]:
        """The cases with deadlines or reminders in the agenda, by the owner's name."""
        return {(item["case"], item["owner_name"]) for item in samskab.json("agenda", *extra, now=now)}

    assert agenda() == {(mine, ME), (hers, "Anna Jensen")}
    assert agenda("--mine") == {(mine, ME)}
    assert agenda("--owner", "anna") == {(hers, "Anna Jensen")}
    assert agenda("--owner", "anna", "--weeks", "0") == set()
    assert "Cykelværksted" in samskab("agenda", "--owner", "anna", now=now).stdout
    soonest = [(item["case"], item["due_at"]) for item in samskab.json("agenda", now=now)]
    assert [(i["case"], i["due_at"]) for i in samskab.json("agenda", "--limit", "1", now=now)] == soonest[:1]
    assert "--limit" in samskab("agenda", "--limit", "0", now=now, exit=2).stderr

    def active(*extra: str) -> int:
        overview = samskab.json("overview", *extra, now=now)
        return next(p["active"] for p in overview["processes"] if p["process"] == "borgerinitiativ")

    assert (active(), active("--mine"), active("--owner", "anna"), active("--owner", "carl")) == (2, 1, 1, 0)
    late = samskab.json("overview", "--owner", "anna", now="2026-04-01T09:00")
    assert [c["id"] for c in late["overdue"]] == [hers] and late["overdue_total"] == 1


def test_a_person_who_owns_open_cases_is_removed_only_once_they_are_handed_over(samskab, registered):
    number = str(opened(samskab, "Lions", "--owner", "carl")["id"])
    closed = str(opened(samskab, "Spejderne", "--owner", "carl")["id"])
    samskab("cases", "advance", closed, "afbryd", "--note", "Trak sig")
    refused = samskab("people", "remove", "carl", exit=1)
    assert f"carl owns 1 open case(s): {number}" in refused.stderr
    assert "samskab cases handover CASE PERSON --note TEXT" in refused.stderr
    assert "carl" in {p["id"] for p in samskab.json("people", "list")}
    samskab("cases", "handover", number, "anna", "--note", "Carl stopper")
    assert samskab.json("people", "remove", "carl") == {"id": "carl", "removed": True}
    assert samskab.json("cases", "show", closed)["owner"] == "carl"  # the closed one keeps its history


def test_single_user_mode_any_account_may_own_a_case(samskab):
    case = opened(samskab, "Lions", "--owner", "mette")
    assert (case["owner"], case["owner_name"]) == ("mette", "mette")
    handed = samskab.json("cases", "handover", str(case["id"]), "jonas", "--note", "Barsel")
    assert handed["owner"] == "jonas"
    bad = samskab("cases", "new", "partnerskab", "--title", "X", "--owner", "not an account", exit=1)
    assert "cannot be an account name" in bad.stderr


def pre_owner_database(path) -> None:
    """A database as samskab made it before owners (migrations up to m008): two cases,
    the first opened by mette and moved on by jonas, the second opened by jonas; its
    history kept under the key in the key file beside it."""
    import sqlite_utils

    from samskab.engine import audit, clock
    from samskab.engine.cases import Event
    from samskab.plugins.sqlite_schema import migrations

    key = audit.Key(b"k" * audit.KEY_BYTES)
    path.with_suffix(".key").write_bytes(b"k" * audit.KEY_BYTES)
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m009_case_owner")
    text = (PROCESSES / "partnerskab.toml").read_text(encoding="utf-8")
    sha = hashlib.sha256(text.encode()).hexdigest()
    version = int(next(line for line in text.splitlines() if line.startswith("version")).split("=")[1])
    db.execute(
        "INSERT INTO definitions VALUES ('partnerskab', ?, ?, ?, 'partnerskab.toml')", (version, sha, text)
    )
    at = "2026-01-05T09:00:00+00:00"
    for case_id, title, revision in ((1, "Lions", 2), (2, "Spejderne", 1)):
        db.execute(
            "INSERT INTO cases (id, title, process_id, version, definition_sha256, state, fields, created_at,"
            " updated_at, revision) VALUES (?, ?, 'partnerskab', ?, ?, 'dialog', '{}', ?, ?, ?)",
            (case_id, title, version, sha, at, at, revision),
        )
    chain, links, counts = None, {}, {}
    history = [
        (1, "mette", "created", None),
        (2, "jonas", "created", None),
        (1, "jonas", "comment", "Ringede"),
    ]
    for event_id, (case_id, actor, kind, note) in enumerate(history, start=1):
        event = Event(
            case_id,
            clock.from_text(at),
            actor,
            kind,
            None,
            None if kind == "created" else "dialog",
            "dialog",
            {},
            note,
        )
        digest = audit.digest(event)
        links[case_id] = key.link(links.get(case_id), digest)
        chain = key.link(chain, digest)
        counts[case_id] = counts.get(case_id, 0) + 1
        db.execute(
            "INSERT INTO events (id, case_id, at, actor, kind, from_state, to_state, changes, note, digest,"
            " case_link, chain) VALUES (?, ?, ?, ?, ?, ?, 'dialog', '{}', ?, ?, ?, ?)",
            (event_id, case_id, at, actor, kind, event.from_state, note, digest, links[case_id], chain),
        )
    heads = [(c, n, links[c]) for c, n in counts.items()] + [(audit.DATABASE, len(history), chain)]
    for case_id, count, last in heads:
        db.execute(
            "INSERT INTO audit_heads VALUES (?, ?, ?, ?)",
            (case_id, count, last, key.head(case_id, count, last)),
        )
    db.execute("INSERT INTO audit_key VALUES (?)", (key.fingerprint(),))
    db.conn.commit()
    db.conn.close()


def test_a_database_from_before_owners_gets_its_openers_as_owners(samskab, workdir):
    pre_owner_database(workdir / "old.db")
    old = ("--db", "old.db")
    assert samskab(*old, "audit", "verify").stdout == "ok: 3 events, chains intact\n"
    listed = {c["id"]: c["owner"] for c in samskab.json(*old, "cases", "list")}
    assert listed == {1: "mette", 2: "jonas"}  # the opener, not the last to act
    assert [c["id"] for c in samskab.json(*old, "cases", "list", "--owner", "jonas")] == [2]
    assert samskab.json(*old, "cases", "show", "1")["history"][0]["owner"] is None  # as it was recorded
    samskab(*old, "cases", "handover", "1", "jonas", "--note", "Mette stopper")
    assert samskab(*old, "audit", "verify").stdout == "ok: 4 events, chains intact\n"
    with sqlite3.connect(workdir / "old.db") as db:
        applied = [name for (name,) in db.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        indexes = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")]
    assert "m009_case_owner" in applied and applied[-1] == LATEST and "cases_owner" in indexes

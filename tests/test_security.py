"""Who may do what, and files readable by their owner only."""

import os
import sqlite3
import stat

from samskab.engine.config import os_account


def test_acting_on_behalf_needs_admin_and_is_recorded(samskab, workdir):
    me = os_account()
    samskab("people", "add", "anna", "--role", "koordinator", "--role", "styregruppe")
    samskab("people", "grant", me, "koordinator")
    samskab("people", "add", "bo", "--role", "admin")
    samskab("people", "revoke", me, "admin")
    result = samskab("cases", "new", "partnerskab", "--title", "Lions", "--as", "anna", exit=1)
    assert f"{me} may not act on someone else's behalf" in result.stderr
    assert "it needs one of the roles: administrator" in result.stderr
    case = samskab.json("cases", "new", "partnerskab", "--title", "Lions")
    assert case["history"][0]["actor"] == me and case["history"][0]["account"] is None

    samskab("people", "add", "x", exit=1)  # I may not make myself an admin again
    samskab("people", "grant", me, "admin", exit=1)
    assert [p["roles"] for p in samskab.json("people", "list") if p["id"] == me] == [["koordinator"]]


def test_an_admin_acts_on_someones_behalf_recorded_as_person_and_account(samskab):
    me = os_account()
    samskab("people", "add", "anna", "--role", "koordinator", "--role", "styregruppe")
    case = samskab.json("cases", "new", "partnerskab", "--title", "Lions", "--as", "anna")
    case = samskab.json("cases", "advance", str(case["id"]), "afbryd", "--note", "x", "--as", "anna")
    last = case["history"][-1]
    assert (last["actor"], last["account"]) == ("anna", me)
    shown = samskab("cases", "show", str(case["id"])).stdout
    assert f"anna (by {me})  The partnership is not established [afbryd]" in shown


def test_refused_attempts_are_recorded(samskab, workdir):
    me = os_account()
    (workdir / "samskab.toml").write_text(f'[people.{me}]\nroles = ["koordinator"]\n')
    number = str(samskab.json("cases", "new", "partnerskab", "--title", "Lions")["id"])
    samskab("cases", "advance", number, "underskriv", exit=1)
    refused = samskab.json("cases", "show", number)["refused"]
    assert [(r["actor"], r["action"]) for r in refused] == [(me, "underskriv")]
    assert any("does not hold a role" in reason for reason in refused[0]["reasons"])


def test_database_is_readable_by_its_owner_only(samskab, workdir):
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    mode = stat.S_IMODE((workdir / "samskab.db").stat().st_mode)
    assert mode == 0o600


def test_a_dotted_python_name_can_never_become_a_callback(samskab, workdir):
    from conftest import PROCESSES

    text = (PROCESSES / "partnerskab.toml").read_text(encoding="utf-8")
    text = text.replace('id = "partnerskab"', 'id = "x"').replace('id = "start_revision"', 'id = "os.system"')
    text = text.replace('action = "start_revision"', 'action = "os.system"')
    text = text.replace('[[states]]\nid = "revision"', '[[states]]\nid = "builtins.exec"')
    (workdir / "x.toml").write_text(text, encoding="utf-8")
    err = samskab("processes", "check", "x.toml", exit=2).stderr
    assert "`os.system` is not a valid id" in err and "`builtins.exec` is not a valid id" in err


def test_sqlite_refuses_edits_of_history_even_to_the_owner(samskab, workdir):
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    conn = sqlite3.connect(workdir / "samskab.db")
    try:
        conn.execute("UPDATE events SET actor = 'someone'")
        raise AssertionError("the update went through")
    except sqlite3.IntegrityError as error:
        assert "append-only" in str(error)


def test_files_with_personal_data_are_owner_only_whatever_the_umask(samskab, workdir):
    """The log channel's journal and a calendar written with -o hold names and addresses."""
    (workdir / "samskab.toml").write_text('[channels.journal]\ntype = "log"\npath = "journal.log"\n')
    (workdir / "journal.log").write_text("")
    (workdir / "journal.log").chmod(0o644)  # made by hand, readable by all: made private
    previous = os.umask(0o002)
    try:
        samskab("cases", "new", "partnerskab", "--title", "Lions", "--set", "kontakt_email=a@b.dk")
        samskab("tick")
        samskab("calendar", "-o", "frister.ics")
    finally:
        os.umask(previous)
    assert "Lions" in (workdir / "journal.log").read_text()
    for name in ("journal.log", "frister.ics", "samskab.db"):
        assert stat.S_IMODE((workdir / name).stat().st_mode) == 0o600, name

"""Correct a field without moving the case, and comment on a case without taking a step."""

import sqlite3

import pytest
from test_deadlines import signed_partnership

from samskab.engine.config import os_account


def test_a_wrong_contact_address_in_an_active_partnership_is_corrected(samskab):
    number = signed_partnership(samskab)
    before = samskab.json("cases", "show", number)
    case = samskab.json(
        "cases",
        "correct",
        number,
        "--set",
        "kontakt_email=ny@spejderne.dk",
        "--reason",
        "Ny formand",
        now="2026-06-01T10:00",
    )
    assert case["state"] == before["state"] == "aktiv"  # not moved
    assert case["fields"]["kontakt_email"] == "ny@spejderne.dk"
    assert case["revision"] == before["revision"] + 1
    last = case["history"][-1]
    assert (last["kind"], last["note"], last["changes"]) == (
        "correction",
        "Ny formand",
        {"kontakt_email": "ny@spejderne.dk"},
    )
    assert [c["shown"] for c in last["changes_shown"]] == ["– → ny@spejderne.dk"]  # before → after
    shown = samskab("--lang", "da", "cases", "show", number).stdout
    assert "felter rettet" in shown
    assert samskab("audit", "verify").stdout.startswith("ok:")


def test_correcting_the_date_a_deadline_counts_from_moves_the_deadline(samskab):
    number = signed_partnership(samskab, signed="2026-03-01")
    case = samskab.json(
        "cases", "correct", number, "--set", "underskrevet_dato=2026-04-15", "--reason", "Tastefejl"
    )
    [review] = [d for d in case["deadlines"] if d["kind"] == "deadline"]
    assert review["day"] == "2029-04-15"
    assert (
        samskab.json("tick", now="2029-03-02T00:00+01:00")["actions"] == []
    )  # the old date no longer counts


@pytest.mark.parametrize(
    "args, says, status",
    [
        (["--set", "kontakt_email=a,b@x.dk", "--reason", "x"], "is not an e-mail address", 2),
        (["--set", "findes_ikke=1", "--reason", "x"], "has no field `findes_ikke`", 2),
        (["--set", "kontakt_email=x@y.dk", "--reason", " "], "a note is required", 2),
        (["--set", "organisation=Spejderne", "--reason", "x"], "nothing to correct", 2),
    ],
)
def test_a_correction_that_cannot_be_kept_is_said_and_changes_nothing(samskab, args, says, status):
    number = signed_partnership(samskab)
    before = samskab.json("cases", "show", number)
    assert says in samskab("cases", "correct", number, *args, exit=status).stderr
    assert samskab.json("cases", "show", number) == before


def test_only_the_roles_the_process_names_correct_and_not_a_closed_case(samskab, workdir):
    number = signed_partnership(samskab)
    samskab("people", "add", os_account(), "--role", "koordinator")
    samskab("people", "add", "bo", "--role", "revisor")
    refused = samskab("cases", "correct", number, "--set", "tilskud=1", "--reason", "x", "--as", "bo", exit=1)
    assert "bo does not hold a role that may correct fields" in refused.stderr
    ended = str(samskab.json("cases", "new", "partnerskab", "--title", "Lions")["id"])
    samskab("cases", "advance", ended, "afbryd", "--note", "Ikke interesseret")
    closed = samskab("cases", "correct", ended, "--set", "organisation=Lions", "--reason", "x", exit=1)
    assert "the case is closed" in closed.stderr
    with sqlite3.connect(workdir / "samskab.db") as conn:
        refusals = conn.execute(
            "SELECT actor, action FROM refusals WHERE case_id = ?", (int(number),)
        ).fetchall()
    assert ("bo", "correct") in refusals


def test_a_comment_is_in_the_history_without_a_step(samskab):
    number = signed_partnership(samskab)
    before = samskab.json("cases", "show", number)
    case = samskab.json("cases", "comment", number, "--note", "Ringede til formanden", now="2026-06-01T10:00")
    assert (case["state"], case["fields"]) == (before["state"], before["fields"])
    assert case["history"][-1]["kind"] == "comment" and case["history"][-1]["note"] == "Ringede til formanden"
    stale = samskab("cases", "comment", number, "--note", "x", "--revision", str(before["revision"]), exit=1)
    assert "was changed by someone else" in stale.stderr
    assert "a note is required" in samskab("cases", "comment", number, "--note", "", exit=2).stderr
    assert samskab("audit", "verify").stdout.startswith("ok:")

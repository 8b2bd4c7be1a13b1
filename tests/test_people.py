"""Who may do what: the register of people in the database, and the role matrix
(docs/security.md) checked for every command, whatever config file the caller gives."""

import json
import sqlite3

import pytest

from samskab.engine.config import os_account

ME = os_account()


def partnership(samskab, *extra: str) -> str:
    return str(samskab.json("cases", "new", "partnerskab", "--title", "Lions", *extra)["id"])


def test_single_user_mode_until_the_first_registration_which_makes_that_account_admin(samskab):
    assert "No one is registered" in samskab("people", "list").stdout
    partnership(samskab)  # single-user mode: every role
    added = samskab.json("people", "add", "anna", "--name", "Anna Jensen", "--role", "koordinator")
    assert added["roles"] == ["koordinator"]
    registered = {p["id"]: p["roles"] for p in samskab.json("people", "list")}
    assert registered == {"anna": ["koordinator"], ME: ["admin"]}
    # Single-user mode is over: I am an admin, not a coordinator.
    refused = samskab("cases", "new", "partnerskab", "--title", "X", exit=1)
    assert f"{ME} does not hold a role that may open it; it needs: Coordinator" in refused.stderr
    assert partnership(samskab, "--as", "anna")


def test_registering_oneself_first_adds_the_admin_role(samskab):
    samskab("people", "add", ME, "--role", "koordinator")
    assert {p["id"]: p["roles"] for p in samskab.json("people", "list")} == {ME: ["koordinator", "admin"]}
    partnership(samskab)


@pytest.fixture
def coordinator_only(samskab, workdir):
    """I am a coordinator; anna is the admin. My own config file says otherwise."""
    samskab("people", "add", "anna", "--role", "admin", "--email", "anna@kommune.dk")
    samskab("people", "grant", ME, "koordinator")
    samskab("people", "revoke", ME, "admin")
    (workdir / "own.toml").write_text(f'[people.{ME}]\nroles = ["admin", "koordinator", "styregruppe"]\n')
    return partnership(samskab)


@pytest.mark.parametrize("config", [None, "/dev/null", "own.toml"])
@pytest.mark.parametrize(
    "command, needs",
    [
        (["people", "add", "x", "--role", "admin"], "administrator"),
        (["people", "grant", "anna", "koordinator"], "administrator"),
        (["people", "revoke", "anna", "admin"], "administrator"),
        (["people", "remove", "anna"], "administrator"),
        (["person", "export", "anna@kommune.dk"], "administrator, data protection"),
        (["person", "erase", "anna@kommune.dk", "--yes"], "administrator, data protection"),
        (["outbox", "dismiss", "1"], "administrator, operations"),
        (["outbox", "retry", "1"], "administrator, operations"),
        (["audit", "verify"], "administrator, auditor"),
        (["cases", "document-delete", "1", "1", "--reason", "x", "--yes"], "administrator, data protection"),
        (["cases", "import", "sager.csv", "--process", "partnerskab"], "administrator"),
    ],
)
def test_what_needs_a_role_is_refused_without_it_whatever_the_config(
    samskab, coordinator_only, config, command, needs
):
    options = ["--config", config] if config else []
    refused = samskab(*options, *command, exit=1)
    assert f"{ME} may not" in refused.stderr
    assert f"it needs one of the roles: {needs}" in refused.stderr
    assert {p["id"]: p["roles"] for p in samskab.json("people", "list")} == {
        "anna": ["admin"],
        ME: ["koordinator"],
    }


@pytest.mark.parametrize("config", ["/dev/null", "own.toml"])
def test_a_config_file_of_ones_own_gives_no_roles_and_no_one_to_act_as(samskab, coordinator_only, config):
    number = coordinator_only
    refused = samskab(
        "--config", config, "cases", "advance", number, "afbryd", "--note", "x", "--as", "anna", exit=1
    )
    assert f"{ME} may not act on someone else's behalf" in refused.stderr
    assert "it needs one of the roles: administrator" in refused.stderr
    # A step the steering group takes: my own config's "styregruppe" counts for nothing.
    samskab(
        "--config",
        config,
        "cases",
        "advance",
        number,
        "udform_aftale",
        "--set",
        "organisation=Lions",
        "--set",
        "dialogmoede_dato=2026-01-10",
        "--set",
        "deltagere=Alle",
    )
    samskab(
        "--config",
        config,
        "cases",
        "advance",
        number,
        "send_til_underskrift",
        "--set",
        "kommunens_bidrag=a",
        "--set",
        "organisationens_bidrag=b",
        "--set",
        "tilskud=1000",
        "--set",
        "faciliteter=c",
    )
    refused = samskab(
        "--config",
        config,
        "cases",
        "advance",
        number,
        "underskriv",
        "--set",
        "underskrevet_dato=2026-02-01",
        exit=1,
    )
    assert f"{ME} does not hold a role that may take it" in refused.stderr


def test_an_account_not_registered_may_do_nothing_with_cases(samskab, workdir):
    samskab("people", "add", "anna", "--role", "admin")
    samskab("people", "grant", "anna", "koordinator")
    number = partnership(samskab, "--as", "anna")
    samskab("people", "remove", ME)
    for command in (
        ["cases", "list"],
        ["cases", "show", number],
        ["cases", "list", "--format", "csv"],
        ["cases", "list", "-o", "sager.xlsx"],
        ["cases", "show", number, "--format", "html", "-o", "sag.html"],
        ["cases", "new", "partnerskab", "--title", "X"],
        ["cases", "advance", number, "afbryd", "--note", "x"],
        ["tick"],
        ["calendar"],
        ["outbox", "list"],
        ["people", "list"],
        ["tui"],
    ):
        refused = samskab(*command, exit=1)
        assert f"{ME} is not registered in this database" in refused.stderr, command
        assert "an admin registers people with `samskab people add`" in refused.stderr
    assert not (workdir / "sager.xlsx").exists() and not (workdir / "sag.html").exists()
    # What processes there are is no one's personal data.
    samskab("processes", "list")


def test_refusals_are_recorded_with_what_was_tried(samskab, coordinator_only, workdir):
    samskab("people", "add", "x", exit=1)
    samskab("audit", "verify", exit=1)
    with sqlite3.connect(workdir / "samskab.db") as conn:
        rows = conn.execute("SELECT case_id, actor, action FROM refusals ORDER BY id").fetchall()
    assert rows == [(None, ME, "manage people"), (None, ME, "verify the audit trail")]


def test_the_config_seeds_the_register_once_and_never_overrides_it(samskab, workdir):
    (workdir / "samskab.toml").write_text(
        f'[people.anna]\nroles = ["admin"]\n[people.{ME}]\nroles = ["koordinator"]\nemail = "me@kommune.dk"\n'
    )
    partnership(samskab)
    history = samskab.json("people", "history")
    assert len(history) == 1 and "registreret fra samskab.toml" in history[0]["note"]
    (workdir / "samskab.toml").write_text(f'[people.{ME}]\nroles = ["admin", "koordinator"]\n')
    refused = samskab("people", "grant", ME, "revisor", exit=1)
    assert "it needs one of the roles: administrator" in refused.stderr
    listed = samskab("people", "list")
    assert "the [people] in " in listed.stderr and "are not read" in listed.stderr
    assert {p["id"]: p["roles"] for p in samskab.json("people", "list")} == {
        "anna": ["admin"],
        ME: ["koordinator"],
    }


def test_a_seed_without_an_admin_makes_the_account_that_opened_it_one(samskab, workdir):
    (workdir / "samskab.toml").write_text('[people.anna]\nroles = ["koordinator"]\n')
    assert {p["id"]: p["roles"] for p in samskab.json("people", "list")} == {
        "anna": ["koordinator"],
        ME: ["admin"],
    }


def test_every_change_to_the_register_is_in_its_history_and_the_audit(samskab, workdir):
    samskab("people", "add", "anna", "--role", "koordinator", "--email", "anna@kommune.dk")
    samskab("people", "grant", "anna", "styregruppe", "revisor")
    samskab("people", "revoke", "anna", "styregruppe")
    samskab("people", "add", "bo", "--name", "Bo")
    samskab("people", "remove", "bo")
    notes = [c["note"] for c in samskab.json("people", "history")]
    assert notes == [
        f"anna registreret: koordinator; {ME} er administrator (den første registrering)",
        "anna fik: styregruppe, revisor",
        "anna har ikke længere: styregruppe",
        "bo registreret: ",
        "bo fjernet",
    ]
    assert all(c["actor"] == ME for c in samskab.json("people", "history"))
    assert "ok:" in samskab("audit", "verify").stdout
    assert samskab.json("cases", "list") == []  # the register is no case

    # Granting oneself a role behind samskab's back is found.
    with sqlite3.connect(workdir / "samskab.db") as conn:
        (fields,) = conn.execute("SELECT fields FROM cases WHERE id = -1").fetchone()
        register = json.loads(fields)
        register["people"][0]["roles"].append("admin")
        conn.execute("UPDATE cases SET fields = ? WHERE id = -1", (json.dumps(register),))
    broken = samskab("audit", "verify", exit=1)
    assert "do not follow from its history" in broken.stderr


@pytest.mark.parametrize(
    "command, says, status",
    [
        (["people", "add", "anna"], "anna is registered already", 2),
        (["people", "add", "a b"], "'a b' cannot be an account name", 2),
        (["people", "add", "x", "--role", "kordinator"], "unknown role kordinator (did you mean", 2),
        (["people", "add", "x", "--email", "a,b@x.dk"], "is not an e-mail address", 2),
        (["people", "add", "x", "--name", "Bo\nBo"], "the name cannot be kept", 2),
        (["people", "grant", "nobody", "koordinator"], "nobody is not registered", 1),
        (["people", "revoke", "anna", "styregruppe"], "anna does not hold: styregruppe", 2),
        (["people", "revoke", ME, "admin"], "someone must keep the admin role", 1),
        (["people", "remove", ME], "someone must keep the admin role", 1),
        (["cases", "show", "1", "--as", "nobody"], "nobody is not registered", 2),
    ],
)
def test_mistakes_managing_people_are_clear(samskab, command, says, status):
    samskab("people", "add", "anna", "--role", "koordinator")
    assert says in samskab(*command, exit=status).stderr


def test_refusals_are_in_danish_too(samskab):
    samskab("people", "add", "anna", "--role", "admin")
    samskab("people", "grant", ME, "koordinator")
    samskab("people", "revoke", ME, "admin")
    refused = samskab("--lang", "da", "audit", "verify", exit=1)
    assert f"{ME} må ikke kontrollere revisionssporet" in refused.stderr
    assert "det kræver en af rollerne: administrator, revisor" in refused.stderr

"""A coordinator's work through the command line: open a case, move it on, be refused."""

import os
import re
import subprocess

import pytest
from conftest import ADMIN, SAMSKAB


def new_partnership(samskab, now="2026-01-05T09:00"):
    return samskab.json(
        "cases",
        "new",
        "partnerskab",
        "--title",
        "Lions: Det er mit valg",
        "--set",
        "organisation=Lions Club",
        "--as",
        "mette",
        now=now,
    )


def test_partnership_from_first_to_final_state(samskab):
    case = new_partnership(samskab)
    assert case["state"] == "dialog"
    assert case["fields"] == {"organisation": "Lions Club"}
    number = str(case["id"])

    case = samskab.json(
        "cases",
        "advance",
        number,
        "udform_aftale",
        "--set",
        "dialogmoede_dato=12.1.2026",
        "--set",
        "deltagere=Skoler, SSP, Lions",
        "--note",
        "Alle aktører var med",
        "--as",
        "mette",
        now="2026-01-14T10:00",
    )
    assert case["state"] == "aftaleudkast"
    assert case["fields"]["dialogmoede_dato"] == "2026-01-12"

    case = samskab.json(
        "cases",
        "advance",
        number,
        "send_til_underskrift",
        "--set",
        "kommunens_bidrag=Tilskud og lokaler",
        "--set",
        "organisationens_bidrag=Frivillige",
        "--set",
        "tilskud=75.000,00",
        "--set",
        "faciliteter=Gymnastiksalen",
        "--set",
        "indsatsomraade=trivsel",
        "--as",
        "mette",
        now="2026-02-01T10:00",
    )
    assert case["state"] == "til_underskrift"
    assert case["fields"]["tilskud"] == "75000.00"

    case = samskab.json(
        "cases",
        "advance",
        number,
        "underskriv",
        "--set",
        "underskrevet_dato=2026-03-01",
        "--set",
        "underskrevet_af=Borgmesteren",
        "--as",
        "borgmester",
        now="2026-03-02T10:00",
    )
    assert case["state"] == "aktiv"
    assert case["deadlines"][-1]["due_at"].startswith("2029-03-01")

    case = samskab.json(
        "cases",
        "advance",
        number,
        "afslut",
        "--note",
        "Organisationen er opløst",
        "--as",
        "borgmester",
        now="2027-06-01T10:00",
    )
    assert case["state"] == "afsluttet"
    assert case["closed_at"] == "2027-06-01T10:00:00+00:00"
    assert case["actions"] == [] and case["deadlines"] == []

    history = case["history"]
    assert [(e["actor"], e["action"] or e["kind"], e["from"], e["to"]) for e in history] == [
        ("mette", "created", None, "dialog"),
        ("mette", "udform_aftale", "dialog", "aftaleudkast"),
        ("mette", "send_til_underskrift", "aftaleudkast", "til_underskrift"),
        ("borgmester", "underskriv", "til_underskrift", "aktiv"),
        ("borgmester", "afslut", "aktiv", "afsluttet"),
    ]
    assert history[1]["note"] == "Alle aktører var med"
    assert history[1]["at"] == "2026-01-14T10:00:00+00:00"
    assert history[4]["note"] == "Organisationen er opløst"
    assert history[3]["changes"] == {"underskrevet_af": "Borgmesteren", "underskrevet_dato": "2026-03-01"}

    listed = samskab.json("cases", "list", "--all")
    assert [c["state"] for c in listed] == ["afsluttet"]
    assert samskab.json("cases", "list") == []


def test_human_output_shows_history_and_open_actions(samskab):
    case = new_partnership(samskab)
    out = samskab("--lang", "da", "cases", "show", str(case["id"])).stdout
    assert "Sag 1: Lions: Det er mit valg" in out
    assert "Dialog med alle aktører [dialog]" in out
    assert re.search(r"mette \(af \S+\)  oprettet \[created\]  -> Dialog med alle aktører \[dialog\]", out)
    assert "udform_aftale: Dialogen er holdt: udform aftalen -> Skriftlig aftale udformes" in out
    english = samskab("--lang", "en", "cases", "show", str(case["id"])).stdout
    assert "Dialogue with all actors [dialog]" in english
    assert re.search(r"mette \(by \S+\)  opened \[created\]", english)


def test_refused_action_says_every_reason_and_changes_nothing(samskab):
    number = str(new_partnership(samskab)["id"])
    result = samskab("cases", "advance", number, "underskriv", "--as", "mette", exit=1)
    assert "cannot take The steering group signs now" in result.stderr
    assert "cannot be taken from the step Dialogue with all actors" in result.stderr
    assert "required fields are empty: Agreement signed (date), Signed by" in result.stderr
    danish = samskab("--lang", "da", "cases", "advance", number, "underskriv", "--as", "mette", exit=1)
    assert "Fejl: sag 1: Styregruppen underskriver kan ikke tages nu" in danish.stderr
    assert "disse felter skal udfyldes: Aftalen underskrevet (dato), Underskrevet af" in danish.stderr
    case = samskab.json("cases", "show", number)
    assert case["state"] == "dialog" and case["revision"] == 1 and len(case["history"]) == 1


def test_refusal_and_withdrawal_need_a_reason(samskab):
    number = str(new_partnership(samskab)["id"])
    result = samskab("cases", "advance", number, "afbryd", exit=1)
    assert "a note is required" in result.stderr
    case = samskab.json("cases", "advance", number, "afbryd", "--note", "Organisationen trak sig")
    assert case["state"] == "ikke_indgaaet"
    assert case["history"][-1]["note"] == "Organisationen trak sig"


def test_unknown_action_suggests_the_right_one(samskab):
    number = str(new_partnership(samskab)["id"])
    result = samskab("cases", "advance", number, "udform_aftalen", exit=1)
    assert "did you mean `udform_aftale`?" in result.stderr


@pytest.mark.parametrize(
    "setting, message",
    [
        ("tilskud=abc", "'abc' is not an amount in kroner"),
        ("underskrevet_dato=31.2.2026", "is not a date"),
        ("kontakt_email=lions", "is not an e-mail address"),
        ("indsatsomraade=sport", "is not one of the choices"),
        ("tilskuud=5", "has no field `tilskuud` (did you mean `tilskud`?)"),
    ],
)
def test_values_are_checked_by_type(samskab, setting, message):
    result = samskab("cases", "new", "partnerskab", "--title", "X", "--set", setting, exit=2)
    assert message in result.stderr
    assert samskab.json("cases", "list") == []


def test_a_field_outside_the_action_is_bad_input(samskab):
    number = str(new_partnership(samskab)["id"])
    result = samskab("cases", "advance", number, "udform_aftale", "--set", "tilskud=5", exit=2)
    assert "Annual subsidy (DKK) is not set by this action; it sets: " in result.stderr


def test_unknown_case_and_process(samskab):
    assert "there is no case 42" in samskab("cases", "show", "42", exit=1).stderr
    assert "a case number is a whole number" in samskab("cases", "show", "x", exit=2).stderr
    result = samskab("cases", "new", "partnerskap", "--title", "X", exit=1)
    assert "did you mean `partnerskab`?" in result.stderr


def test_stale_revision_is_a_conflict_not_a_lost_update(samskab):
    number = str(new_partnership(samskab)["id"])
    samskab("cases", "advance", number, "afbryd", "--note", "first", "--revision", "1")
    result = samskab("cases", "advance", number, "afbryd", "--note", "second", "--revision", "1", exit=1)
    assert "changed by someone else" in result.stderr
    notes = [e["note"] for e in samskab.json("cases", "show", number)["history"]]
    assert notes == [None, "first"]


def test_roles_from_the_config_limit_who_may_act(samskab, workdir):
    (workdir / "samskab.toml").write_text(
        ADMIN + '[people.mette]\nname = "Mette"\nroles = ["koordinator"]\n'
        '[people.borgmester]\nroles = ["styregruppe"]\n'
    )
    number = str(new_partnership(samskab)["id"])
    result = samskab("cases", "advance", number, "afbryd", "--note", "x", "--as", "ukendt", exit=2)
    assert "ukendt is not registered" in result.stderr
    shown = samskab.json("--lang", "da", "cases", "show", number, "--as", "borgmester")
    udform = next(a for a in shown["actions"] if a["id"] == "udform_aftale")
    assert not udform["allowed"]
    assert "borgmester har ikke en rolle, der må tage handlingen" in udform["reasons"][0]
    english = samskab.json("--lang", "en", "cases", "show", number, "--as", "borgmester")
    udform = next(a for a in english["actions"] if a["id"] == "udform_aftale")
    assert "borgmester does not hold a role that may take it; it needs: Coordinator" in udform["reasons"][0]
    samskab("cases", "advance", number, "afbryd", "--note", "x", "--as", "mette")


def test_bad_config_names_the_key(samskab, workdir):
    (workdir / "samskab.toml").write_text('[people.mette]\nrole = ["koordinator"]\n')
    result = samskab("cases", "list", exit=2)
    assert "samskab.toml:2: people.mette.role: unknown key `role` (did you mean `roles`?)" in result.stderr


def test_json_output_has_the_whole_case(samskab):
    case = new_partnership(samskab)
    assert {
        "id",
        "title",
        "process",
        "version",
        "definition_sha256",
        "state",
        "fields",
        "created_at",
        "updated_at",
        "revision",
        "history",
        "actions",
        "deadlines",
    } <= set(case)


def test_paths_that_cannot_be_written_are_clear_errors(samskab):
    result = samskab("--db", "no-such-dir/samskab.db", "cases", "list", exit=2)
    assert "Error: no-such-dir/samskab.db: there is no such file or folder" in result.stderr
    danish = samskab("--lang", "da", "--db", "no-such-dir/samskab.db", "cases", "list", exit=2)
    assert "Fejl: no-such-dir/samskab.db: der er ingen sådan fil eller mappe" in danish.stderr
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    result = samskab("calendar", "-o", "no-such-dir/frister.ics", exit=2)
    assert "Error: no-such-dir/frister.ics: there is no folder no-such-dir" in result.stderr
    result = samskab("processes", "copy", "partnerskab", "mit", "--to", "samskab.db/sub", exit=2)
    assert "samskab.db/sub/mit.toml: a part of the path is not a folder" in result.stderr


def test_text_from_a_terminal_not_set_to_utf8_is_refused_not_stored(samskab):
    """A Latin-1 terminal sends "æ" as the byte 0xE6, which Python keeps as a surrogate."""
    broken = b"F\xe6llesskab".decode("utf-8", "surrogateescape")
    result = samskab("cases", "new", "partnerskab", "--title", broken, exit=2)
    assert "`F\\xe6llesskab` is not UTF-8 text; set the terminal to UTF-8" in result.stderr
    assert samskab.json("cases", "list") == []


@pytest.mark.parametrize(
    "args, said",
    [
        (["--title", "Lions\nBcc: alle@kommune.dk"], "holds line breaks; type it on one line"),
        (["--title", "Lions\x1b[2J"], "holds control characters"),
        (["--title", "Lions", "--set", "organisation=Evil\x1b]0;pwned\x07"], "holds control characters"),
    ],
)
def test_escape_sequences_and_line_breaks_are_refused_where_they_would_do_harm(samskab, args, said):
    """A title goes into mail subjects and terminals: one plain line. A note may have lines."""
    result = samskab("cases", "new", "partnerskab", *args, exit=2)
    assert said in result.stderr and "\x1b" not in result.stderr
    assert samskab.json("cases", "list") == []


def test_a_note_keeps_its_lines_but_not_escape_sequences(samskab):
    number = str(samskab.json("cases", "new", "partnerskab", "--title", "Lions")["id"])
    result = samskab("cases", "advance", number, "afbryd", "--note", "Trak sig\x1b[31m", exit=2)
    assert "holds control characters" in result.stderr
    case = samskab.json("cases", "advance", number, "afbryd", "--note", "Trak sig.\nAftalt i telefonen.")
    assert case["history"][-1]["note"] == "Trak sig.\nAftalt i telefonen."


def test_commands_on_process_files_leave_no_database_behind(samskab, workdir):
    for command in (
        ["processes", "check"],
        ["processes", "list"],
        ["processes", "show", "partnerskab"],
        ["processes", "schema"],
        ["processes", "docs"],
    ):
        samskab(*command)
    assert list(workdir.iterdir()) == []


def test_tick_where_there_is_no_database_says_so_and_makes_none(samskab, workdir):
    result = samskab("tick", exit=1)
    assert "there is no database samskab.db: give one with --db" in result.stderr
    assert list(workdir.iterdir()) == []


def test_help_with_h_or_help_and_shell_completion(samskab):
    assert "Usage:" in samskab("-h").stdout and "Usage:" in samskab("cases", "list", "-h").stdout
    assert samskab("people", "--help").stdout == samskab("people", "-h").stdout
    from samskab.cli import cli

    completion = samskab.runner.invoke(cli, [], env={"_SAMSKAB_COMPLETE": "bash_source"}, prog_name="samskab")
    assert "_SAMSKAB_COMPLETE=bash_complete" in completion.output


def test_every_command_for_scripts_takes_json():
    """The exceptions print something that is already a format of its own, or are not for
    scripts (the terminal UI, and serve, which runs until stopped)."""
    import click

    from samskab.cli import cli

    own_format = {"tui", "demo", "serve", "processes docs", "processes schema", "person export"}

    def commands(group: click.Group, path: str = ""):
        for name, command in group.commands.items():
            full = f"{path} {name}".strip()
            if isinstance(command, click.Group):
                yield from commands(command, full)
            else:
                yield full, command

    lacking = [
        name
        for name, c in commands(cli)
        if name not in own_format and "as_json" not in [p.name for p in c.params]
    ]
    assert lacking == []


def test_every_json_answer_has_one_shape_errors_too(samskab):
    """`{"ok": true, "data": ...}`, or `{"ok": false, "error": {message, details, exit}}`
    with the exit status, in the chosen language; the text error on standard error too."""
    import json

    number = str(samskab.json("cases", "new", "partnerskab", "--title", "Lions")["id"])
    listed = json.loads(samskab("cases", "list", "--json").stdout)
    assert listed["ok"] is True and [c["id"] for c in listed["data"]] == [int(number)]
    calendar = json.loads(samskab("calendar", "--json").stdout)
    assert calendar == {"ok": True, "data": []}

    refused = samskab("cases", "advance", number, "underskriv", "--json", exit=1)
    error = json.loads(refused.stdout)["error"]
    assert error["exit"] == 1 and error["message"] == "case 1: cannot take The steering group signs now"
    assert any("cannot be taken from the step" in d for d in error["details"])
    assert refused.stderr.startswith("Error: case 1: cannot take")

    unknown = samskab.json("cases", "show", "999", exit=1)
    assert unknown["exit"] == 1 and "999" in unknown["message"]
    bad_value = samskab.json("cases", "new", "partnerskab", "--title", "X", "--set", "tilskud=mange", exit=2)
    assert bad_value["exit"] == 2
    usage = samskab.json("cases", "list", "--sort", "nope", exit=2)
    assert usage["exit"] == 2 and "nope" in usage["message"]
    danish = json.loads(samskab("--lang", "da", "cases", "show", "999", "--json", exit=1).stdout)
    assert "999" in danish["error"]["message"] and "no case" not in danish["error"]["message"]


def test_json_from_commands_that_change_something(samskab, workdir):
    assert samskab.json("processes", "check") == {"checked": 12, "problems": []}
    copied = samskab.json("processes", "copy", "partnerskab", "lokal", "--to", "mine")
    assert copied["path"].endswith("lokal.toml") and (workdir / "mine" / "lokal.toml").exists()
    samskab("people", "add", "anna", "--role", "koordinator")
    assert samskab.json("people", "grant", "anna", "styregruppe")["roles"] == ["koordinator", "styregruppe"]
    assert samskab.json("people", "revoke", "anna", "styregruppe")["roles"] == ["koordinator"]
    assert samskab.json("people", "remove", "anna") == {"id": "anna", "removed": True}


@pytest.mark.parametrize("listing", ["cases list", "cases list --json", "cases list --format csv"])
def test_output_into_a_pipe_closed_early_ends_quietly(workdir, listing):
    """`samskab cases list | head -1`: far more than the pipe holds, and the reader leaves
    after one line. samskab stops writing (exit 1) and says nothing: no traceback, no
    "Exception ignored"."""
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    engine = open_engine(str(workdir / "samskab.db"), pm=make_plugin_manager(load_entrypoints=False))
    for i in range(1500):
        engine.new_case("partnerskab", f"Forening {i}", {"organisation": f"Forening {i}"})
    engine.store.close()
    env = {"PATH": os.environ["PATH"], "SAMSKAB_LANG": "en", "SAMSKAB_LOAD_PLUGINS": ""}
    piped = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {SAMSKAB} {listing} | head -1"],
        capture_output=True,
        text=True,
        cwd=workdir,
        env=env,
    )
    assert piped.stdout.count("\n") == 1 and piped.stdout.strip()
    assert piped.stderr == ""
    assert piped.returncode == 1  # samskab's, through pipefail: cut off, not done


def test_search_folds_case_for_danish_letters_and_titles_sort_in_danish_order(samskab):
    for title, organisation in (
        ("Ældre Sagen", "Ældre Sagen Holbæk"),
        ("Zoneterapeuter", "Zoneforeningen"),
        ("Øens lokalråd", "Øboerne"),
        ("Ånden i byen", "Kirkens Korshær"),
        ("Aarhus-venner", "Venneforeningen"),
        ("abc-klubben", "Skakklubben Æblet"),
    ):
        samskab("cases", "new", "partnerskab", "--title", title, "--set", f"organisation={organisation}")

    def found(search: str) -> list[str]:
        return [c["title"] for c in samskab.json("cases", "list", "--search", search, "--sort", "title")]

    assert found("ældre") == found("ÆLDRE") == ["Ældre Sagen"]
    assert found("æblet") == ["abc-klubben"]  # a field value, not only the title
    assert found("100%") == [] and found("_") == []  # typed characters, not wildcards
    ordered = [c["title"] for c in samskab.json("cases", "list", "--sort", "title")]
    assert ordered == [
        "abc-klubben",
        "Zoneterapeuter",
        "Ældre Sagen",
        "Øens lokalråd",
        "Ånden i byen",
        "Aarhus-venner",
    ]

"""GDPR: everything held on a person as JSON, and erasure that keeps the audit chain."""

import json
import os
import re
import stat
import threading
import time

import attrs
import pytest
from conftest import ADMIN


def setup(samskab, workdir):
    (workdir / "samskab.toml").write_text(
        ADMIN
        + """
[people.anna]
name = "Anna Jensen"
email = "anna@forening.dk"
roles = ["koordinator", "styregruppe"]

[people.karin]
roles = ["forvaltning"]

[channels.journal]
type = "log"
path = "journal.log"
"""
    )
    case = samskab.json(
        "cases",
        "new",
        "partnerskab",
        "--title",
        "Spejderne",
        "--as",
        "anna",
        "--set",
        "kontakt_email=anna@forening.dk",
    )
    number = str(case["id"])
    samskab(
        "cases",
        "advance",
        number,
        "udform_aftale",
        "--set",
        "organisation=Spejderne",
        "--set",
        "dialogmoede_dato=2026-01-10",
        "--set",
        "deltagere=Anna Jensen og bestyrelsen",
        "--note",
        "Aftalt med Anna Jensen",
        "--as",
        "anna",
    )
    other = samskab.json(
        "cases", "new", "hoering", "--title", "Politik", "--set", "dokument=Politik", "--as", "karin"
    )
    return number, str(other["id"])


@pytest.mark.usefixtures("each_store")
def test_export_holds_everything_on_the_person(samskab, workdir):
    number, _ = setup(samskab, workdir)
    data = json.loads(samskab("person", "export", "anna@forening.dk").stdout)
    assert data["people"]["anna"]["name"] == "Anna Jensen"
    assert [c["id"] for c in data["cases"]] == [int(number)]
    assert {e["action"] or e["kind"] for e in data["events"]} == {"created", "udform_aftale"}
    assert data["messages"]  # the log channel's messages name her
    assert "nothing is held" in samskab("person", "export", "nobody@x.dk", exit=1).stderr


@pytest.mark.usefixtures("each_store")
def test_erase_pseudonymises_everywhere_and_the_chain_still_verifies(samskab, workdir):
    number, other = setup(samskab, workdir)
    erased = samskab("person", "erase", "anna@forening.dk", "--yes")
    assert "Remove [people.anna] from the config file too." in erased.stderr
    shown = samskab.json("cases", "show", number)
    text = json.dumps(shown, ensure_ascii=False)
    assert "anna@forening.dk" not in text and "Anna Jensen" not in text and '"anna"' not in text
    assert shown["fields"]["kontakt_email"].startswith("slettet-")
    assert shown["history"][-1]["kind"] == "erasure"
    left = json.loads(samskab("person", "export", "anna@forening.dk").stdout)
    assert left["cases"] == left["events"] == left["messages"] == left["refusals"] == []
    assert samskab("audit", "verify").stdout.startswith("ok:")
    # The other case was not touched.
    assert [e["kind"] for e in samskab.json("cases", "show", other)["history"]] == ["created"]


@pytest.mark.usefixtures("each_store")
def test_an_erased_owner_becomes_the_pseudonym_as_an_actor_does(samskab, workdir):
    opened_by_her, _ = setup(samskab, workdir)
    handed = str(samskab.json("cases", "new", "partnerskab", "--title", "FDF")["id"])
    samskab("cases", "handover", handed, "anna", "--note", "Anna kender FDF")
    data = json.loads(samskab("person", "export", "anna@forening.dk").stdout)
    assert {(c["id"], c["owner"]) for c in data["cases"]} == {
        (int(opened_by_her), "anna"),
        (int(handed), "anna"),
    }
    assert ("handover", "anna") in {(e["kind"], e["owner"]) for e in data["events"]}

    erased = samskab.json("person", "erase", "anna@forening.dk", "--yes")
    pseudonym = erased["pseudonym"]
    assert erased["open_cases_owned"] == 2
    owned = samskab.json("cases", "list", "--owner", pseudonym)
    assert sorted(str(c["id"]) for c in owned) == sorted([opened_by_her, handed])
    assert {(c["owner"], c["owner_name"]) for c in owned} == {(pseudonym, pseudonym)}
    assert samskab.json("cases", "list", "--owner", "anna") == []
    handover = samskab.json("cases", "show", handed)["history"][-2]
    assert (handover["kind"], handover["owner"], handover["what"]) == (
        "handover",
        pseudonym,
        f"handed over to {pseudonym}",
    )
    left = json.loads(samskab("person", "export", "anna@forening.dk").stdout)
    assert left["cases"] == left["events"] == []
    assert samskab("audit", "verify").stdout.startswith("ok:")
    samskab("cases", "handover", handed, "karin", "--note", "x", exit=1)  # karin has no partnership role
    samskab("people", "add", "bente", "--role", "koordinator")
    assert samskab.json("cases", "handover", handed, "bente", "--note", "Overtager")["owner"] == "bente"


@pytest.mark.usefixtures("each_store")
def test_erasure_reaches_the_copies_a_sub_case_and_a_renewal_hold(samskab, workdir):
    """A dialogue copies its forum's contact, its title the forum's area; a renewal
    copies the organisation's contact: the export lists every copy, the erasure reaches
    them, the links stay."""
    (workdir / "samskab.toml").write_text(
        ADMIN.replace('"koordinator"]', '"koordinator", "konsulent"]')
        + '[people.anna]\nname = "Anna Jensen"\nemail = "anna@forening.dk"\nroles = ["lokalforum"]\n'
    )
    forum = samskab.json(
        "cases", "new", "forum", "--title", "Lokalforum Tuse", "--set", "lokalomraade=Tuse",
        "--set", "lokal_kontakt=Anna Jensen", "--set", "kontakt_email=anna@forening.dk",
    )  # fmt: skip
    number = str(forum["id"])
    parent = samskab.json(
        "cases", "advance", number, "ny_dialog", "--set", "emne=sti til Anna Jensens gård",
        "--set", "henvendelse=Skrevet af anna@forening.dk",
    )  # fmt: skip
    dialogue = str(parent["children"][0]["id"])
    renewed = str(samskab.json("cases", "new", "partnerskab", "--title", "Lions")["id"])
    samskab("cases", "link", renewed, dialogue, "--kind", "relateret_til", "--note", "Anna Jensen spurgte")
    data = json.loads(samskab("person", "export", "anna@forening.dk").stdout)
    assert {c["id"] for c in data["cases"]} == {int(number), int(dialogue)}
    [copied] = [c for c in data["cases"] if c["id"] == int(dialogue)]
    assert (
        copied["title"] == "Tuse: sti til Anna Jensens gård"
        and copied["fields"]["kontakt_email"] == "anna@forening.dk"
    )
    assert {e["case"] for e in data["events"]} >= {int(number), int(dialogue), int(renewed)}

    samskab("person", "erase", "anna@forening.dk", "--yes")
    for case in (number, dialogue, renewed):
        text = json.dumps(samskab.json("cases", "show", case), ensure_ascii=False)
        assert "anna@forening.dk" not in text and "Anna Jensen" not in text
    shown = samskab.json("cases", "show", dialogue)
    assert shown["parent"]["id"] == int(number) and shown["links"][0]["case"]["id"] == int(renewed)
    assert shown["title"].startswith("Tuse: sti til slettet-")
    left = json.loads(samskab("person", "export", "anna@forening.dk").stdout)
    assert left["cases"] == left["events"] == []
    assert samskab("audit", "verify").stdout.startswith("ok:")


@pytest.mark.usefixtures("each_store")
def test_erasing_an_owner_says_which_open_cases_to_hand_over(samskab, workdir):
    setup(samskab, workdir)
    said = samskab("person", "erase", "anna@forening.dk", "--yes").stdout
    assert re.search(
        r"1 open case\(s\) were theirs and are now owned by (slettet-\w+): hand them over"
        r" \(samskab cases list --owner \1\)\.",
        said,
    )


def test_erase_asks_first(samskab, workdir):
    setup(samskab, workdir)
    result = samskab("person", "erase", "anna@forening.dk", exit=1)
    assert "Aborted" in result.stderr or "Aborted" in result.stdout
    assert json.loads(samskab("person", "export", "anna@forening.dk").stdout)["cases"]


@pytest.mark.usefixtures("each_store")
def test_erasing_one_person_leaves_everyone_else_exactly_as_they_were(samskab, workdir):
    """anna@x.dk is not inside hanna@x.dk, and "e" is nobody: only whole addresses erase."""
    for name, address in (("Hanna", "hanna@x.dk"), ("Anna", "Anna@X.dk"), ("Joanna", "joanna@x.dk")):
        samskab("cases", "new", "partnerskab", "--title", name, "--set", f"kontakt_email={address}")
    before = {c["title"]: samskab.json("cases", "show", str(c["id"])) for c in samskab.json("cases", "list")}
    result = samskab("person", "erase", "e", "--yes", exit=2)
    assert "'e' is not an e-mail address" in result.stderr
    samskab("person", "erase", "anna@x.dk", "--yes")
    after = {c["title"]: samskab.json("cases", "show", str(c["id"])) for c in samskab.json("cases", "list")}
    assert after["Hanna"] == before["Hanna"] and after["Joanna"] == before["Joanna"]
    assert after["Anna"]["fields"]["kontakt_email"].startswith("slettet-")
    assert after["Anna"]["revision"] == before["Anna"]["revision"] + 1
    exported = samskab("person", "export", "ANNA@x.dk", exit=1)
    assert "nothing is held on ANNA@x.dk" in exported.stderr
    assert samskab.json("audit", "verify")["broken"] is None


def test_an_erased_address_is_left_in_no_byte_of_the_database_files(samskab, workdir):
    """Not in the database file, not in its write-ahead log: freed space is overwritten."""
    for i in range(5):
        samskab(
            "cases", "new", "partnerskab", "--title", f"Lions {i}", "--set", "kontakt_email=anna@forening.dk"
        )
    import sqlite3

    other = sqlite3.connect(workdir / "samskab.db")  # another program has it open (a TUI)
    other.execute("SELECT count(*) FROM cases").fetchone()
    samskab("person", "erase", "anna@forening.dk", "--yes")
    files = [path for path in workdir.iterdir() if path.name.startswith("samskab.db")]
    assert files and all(b"anna@forening.dk" not in path.read_bytes() for path in files)
    other.close()


@pytest.mark.usefixtures("each_store")
def test_a_registered_person_erased_is_gone_from_the_register_and_its_history(samskab, workdir):
    number, _ = setup(samskab, workdir)
    before = samskab.json("people", "history")
    assert "anna" in json.dumps(before)
    erased = samskab("person", "erase", "anna@forening.dk", "--yes").stdout
    assert "anna" not in [p["id"] for p in samskab.json("people", "list")]
    history = json.dumps(samskab.json("people", "history"), ensure_ascii=False)
    assert "anna" not in history.replace("slettet-", "") and "Anna Jensen" not in history
    # Her account id is gone from the case's history too, where she acted.
    actors = {e["actor"] for e in samskab.json("cases", "show", number)["history"]}
    assert "anna" not in actors and any(a.startswith("slettet-") for a in actors)
    assert samskab("audit", "verify").stdout.startswith("ok:")
    assert "slettet-" in erased


@pytest.mark.usefixtures("each_store")
def test_the_pseudonym_is_keyed_and_the_same_everywhere(samskab, workdir):
    """Not the bare hash of the address (anyone with a list of addresses could find her)."""
    import hashlib

    for title in ("Lions", "Spejderne"):
        samskab("cases", "new", "partnerskab", "--title", title, "--set", "kontakt_email=anna@forening.dk")
    samskab("person", "erase", "anna@forening.dk", "--yes")
    pseudonyms = {
        c["title"]: samskab.json("cases", "show", str(c["id"]))["fields"]["kontakt_email"]
        for c in samskab.json("cases", "list")
    }
    assert len(set(pseudonyms.values())) == 1
    [pseudonym] = set(pseudonyms.values())
    unkeyed = hashlib.sha256(b"anna@forening.dk").hexdigest()
    assert pseudonym.startswith("slettet-") and pseudonym.removeprefix("slettet-") not in unkeyed


# -- what channels keep outside the database: the log channel's journal ---------------------

ANNA_AND_ANNALISE = """
[people.anna]
name = "Anna"
email = "anna@x.dk"
roles = ["koordinator"]

[people.annalise]
name = "Annalise"
email = "hanna@x.dk"
roles = ["koordinator"]

[channels.journal]
type = "log"
path = "journal.log"
"""


def traces(text, *needles):
    """The words of ``text`` (an address is one word) that are one of ``needles``, ignoring
    case: found independently of the matching samskab uses."""
    wanted = {needle.casefold() for needle in needles}
    return [word for word in re.findall(r"[\w.@+-]+", text) if word.strip(".").casefold() in wanted]


def her(line):
    return traces(line.decode("utf-8", "replace"), "anna@x.dk", "anna")


def two_people_in_the_journal(samskab, workdir):
    """Anna (anna@x.dk) and Annalise (hanna@x.dk) in cases the log channel tells of, the
    journal delivered by tick, and two lines added by hand that are not JSON."""
    (workdir / "samskab.toml").write_text(ADMIN + ANNA_AND_ANNALISE)
    hers = samskab.json(
        "cases",
        "new",
        "partnerskab",
        "--title",
        "Møde med ANNA",
        "--as",
        "anna",
        "--set",
        "kontakt_email=ANNA@X.DK",
    )
    samskab(
        "cases",
        "advance",
        str(hers["id"]),
        "udform_aftale",
        "--set",
        "organisation=Spejderne",
        "--set",
        "dialogmoede_dato=2026-01-10",
        "--set",
        "deltagere=Anna og bestyrelsen",
        "--note",
        "Aftalt med anna@x.dk",
        "--as",
        "anna",
    )
    theirs = samskab.json(
        "cases",
        "new",
        "partnerskab",
        "--title",
        "Roklubben",
        "--as",
        "annalise",
        "--set",
        "kontakt_email=hanna@x.dk",
    )
    samskab(
        "cases",
        "advance",
        str(theirs["id"]),
        "afbryd",
        "--note",
        "Annalise (Hanna@X.dk) trak sig",
        "--as",
        "annalise",
    )
    samskab("cases", "new", "partnerskab", "--title", "Lions", "--set", "kontakt_email=lions@y.dk")
    assert "5 sent" in samskab("tick").stdout
    with (workdir / "journal.log").open("ab") as journal:
        journal.write(b"by hand: ANNA@X.DK called about Anna's case\n")
        journal.write(b"by hand: hanna@x.dk called, Annalise too\n")
    return (workdir / "journal.log").read_bytes().splitlines(keepends=True)


def test_erasing_one_person_leaves_no_trace_of_her_in_the_journal_and_the_others_lines_as_they_were(
    samskab, workdir
):
    before = two_people_in_the_journal(samskab, workdir)
    hers = [i for i, line in enumerate(before) if her(line)]
    assert len(hers) == 3 and len(before) == 7  # her two cases' lines and one by hand
    assert b"ANNA@X.DK" in b"".join(before)  # also in upper case
    assert traces(b"".join(before).decode(), "hanna@x.dk", "annalise")  # the other one is there
    previous = os.umask(0)  # however loose: the journal stays the owner's
    try:
        erased = samskab("person", "erase", "anna@x.dk", "--yes")
    finally:
        os.umask(previous)
    assert "Channel journal: 3 record(s) outside the database." in erased.stdout
    after = (workdir / "journal.log").read_bytes().splitlines(keepends=True)
    assert len(after) == len(before)
    assert not any(her(line) for line in after)
    assert not traces(b"".join(after).decode(), "anna@x.dk", "anna")
    assert [after[i] for i in range(len(after)) if i not in hers] == [
        before[i] for i in range(len(before)) if i not in hers
    ]  # byte for byte, in their places
    assert all(b"slettet-" in after[i] for i in hers)
    for i in hers[:-1]:  # the JSON lines are still JSON, the line by hand still text
        json.loads(after[i])
    assert after[hers[-1]].startswith(b"by hand: slettet-") and b"slettet-" in after[hers[-1]]
    assert stat.S_IMODE((workdir / "journal.log").stat().st_mode) == 0o600
    assert sorted(path.name for path in workdir.iterdir() if path.name.startswith("journal")) == [
        "journal.log"
    ]
    left = json.loads(samskab("person", "export", "anna@x.dk").stdout)
    assert left["channels"] == {"journal": []}  # export finds nothing of her there any more


def test_export_lists_the_journal_lines_that_name_the_person(samskab, workdir):
    before = two_people_in_the_journal(samskab, workdir)
    found = json.loads(samskab("person", "export", "ANNA@x.dk").stdout)["channels"]["journal"]
    assert [entry["line"] for entry in found] == [i + 1 for i, line in enumerate(before) if her(line)]
    assert found[0]["entry"]["changes"]["kontakt_email"] == "ANNA@X.DK"  # a JSON line, read
    assert found[-1]["entry"] == "by hand: ANNA@X.DK called about Anna's case"  # a text line, as it is
    theirs = json.loads(samskab("person", "export", "hanna@x.dk").stdout)["channels"]["journal"]
    assert {entry["line"] for entry in theirs}.isdisjoint(entry["line"] for entry in found)


def test_a_journal_that_cannot_be_erased_stops_the_erasure_before_the_database(samskab, workdir):
    """The journal goes first, while her names are known: erasing again finishes it."""
    before = two_people_in_the_journal(samskab, workdir)
    (workdir / "journal.log.erasing").mkdir()  # where the new journal would be written
    failed = samskab("person", "erase", "anna@x.dk", "--yes", exit=2)
    assert "not erased everywhere; mend this and erase again" in failed.stderr
    assert "channel journal: journal.log.erasing: it is a folder, not a file" in failed.stderr
    assert (workdir / "journal.log").read_bytes().splitlines(keepends=True) == before
    held = json.loads(samskab("person", "export", "anna@x.dk").stdout)
    assert held["cases"] and len(held["channels"]["journal"]) == 3  # the database is as it was
    assert "anna@x.dk" in samskab("people", "list").stdout  # still registered
    (workdir / "journal.log.erasing").rmdir()
    assert "Channel journal: 3 record(s)" in samskab("person", "erase", "anna@x.dk", "--yes").stdout
    assert not any(her(line) for line in (workdir / "journal.log").read_bytes().splitlines())


# -- the log channel's journal, line by line ------------------------------------------------


def journal_of(path):
    from samskab.plugins.log_channel import LogChannel, LogSettings

    return LogChannel("journal", LogSettings(str(path)))


def test_the_journal_is_erased_line_by_line_whatever_a_line_holds(workdir):
    from samskab.engine.mentions import Mentions

    lines = [
        json.dumps({"note": "Møde med Søren Ærø", "to": "anna@x.dk"}).encode() + b"\n",  # \u00f8 escapes
        json.dumps({"note": "hanna@x.dk og Annalise"}, ensure_ascii=False).encode() + b"\n",
        b'{"changes": {"anna@x.dk": "a key"}}\n',
        b"not JSON \xff\xfe, ANNA@X.DK, bytes that are not UTF-8\n",
        b"not JSON \xff\xfe either, naming no one\n",
        json.dumps({"note": "escaped:\nSøren Ærø"}).encode() + b"\n",  # "\nS" as written
        b"\n",
        b'{"held": "\\ud800 anna@x.dk", "bytes": "\xff"}\n',  # a lone surrogate, a byte not UTF-8
        b"last, no newline: anna@x.dk",
    ]
    path = workdir / "journal.log"
    path.write_bytes(b"".join(lines))
    path.chmod(0o600)
    journal, person = journal_of(path), Mentions(["anna@x.dk", "Søren Ærø", "anna"])
    found = journal.personal_data(person)
    assert [entry["line"] for entry in found] == [1, 3, 4, 6, 8, 9]
    assert found[2]["entry"] == r"not JSON \xff\xfe, ANNA@X.DK, bytes that are not UTF-8"
    assert found[4]["entry"] == r'{"held": "\ud800 anna@x.dk", "bytes": "\xff"}'  # its text
    json.dumps(found, ensure_ascii=False).encode()  # an export can print it
    assert journal.erase_personal_data(person, "slettet-1") == 6
    after = path.read_bytes().splitlines(keepends=True)
    assert [after[i] for i in (1, 4, 6)] == [lines[i] for i in (1, 4, 6)]
    assert json.loads(after[0]) == {"note": "Møde med slettet-1", "to": "slettet-1"}
    assert json.loads(after[2]) == {"changes": {"slettet-1": "a key"}}
    assert after[3] == b"not JSON \xff\xfe, slettet-1, bytes that are not UTF-8\n"
    assert json.loads(after[5]) == {"note": "escaped:\nslettet-1"}
    assert after[7] == b'{"held": "\\ud800 slettet-1", "bytes": "\\udcff"}\n'  # not UTF-8: kept as an escape
    assert after[8] == b"last, no newline: slettet-1"
    assert journal.personal_data(person) == []
    assert journal.erase_personal_data(person, "slettet-1") == 0


def test_a_journal_that_does_not_name_the_person_is_not_written(workdir):
    from samskab.engine.mentions import Mentions

    path = workdir / "journal.log"
    journal, person = journal_of(path), Mentions(["anna@x.dk"])
    assert journal.personal_data(person) == [] and journal.erase_personal_data(person, "x") == 0
    assert not path.exists()  # no journal: none is made
    path.write_bytes(b'{"to": "hanna@x.dk"}\n')
    inode = path.stat().st_ino
    assert journal.erase_personal_data(person, "x") == 0
    assert path.stat().st_ino == inode and path.read_bytes() == b'{"to": "hanna@x.dk"}\n'


def test_lines_appended_while_the_journal_is_erased_are_kept(workdir):
    """Appending and erasing take turns: a line sent while an erasure rewrites the journal
    is in the new journal, never in the old one it replaced."""
    from samskab.engine.mentions import Mentions

    path = workdir / "journal.log"
    path.write_bytes(b'{"to": "anna@x.dk", "note": "%s"}\n' % (b"x" * 2000) * 2000)
    journal, person = journal_of(path), Mentions(["anna@x.dk"])

    @attrs.frozen
    class Message:
        key: str
        subject: str = "s"
        payload: dict = attrs.field(factory=dict)

    stop, sent = threading.Event(), []

    def send():
        while not stop.is_set():
            journal.send(Message(f"k{len(sent)}"))
            sent.append(1)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        erased = []
        for _ in range(5):
            erased.append(journal.erase_personal_data(person, "slettet-1"))
            with path.open("ab") as by_hand:
                by_hand.write(b'{"to": "anna@x.dk"}\n')
            time.sleep(0.02)  # the sender's turn
    finally:
        stop.set()
        sender.join()
    assert erased == [2000, 1, 1, 1, 1]
    keys = [json.loads(line).get("key") for line in path.read_bytes().splitlines()]
    assert [key for key in keys if key] == [f"k{n}" for n in range(len(sent))]
    assert len(sent) > 20

"""GDPR: everything held on a person as JSON, and erasure that keeps the audit chain."""

import json

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


def test_export_holds_everything_on_the_person(samskab, workdir):
    number, _ = setup(samskab, workdir)
    data = json.loads(samskab("person", "export", "anna@forening.dk").stdout)
    assert data["people"]["anna"]["name"] == "Anna Jensen"
    assert [c["id"] for c in data["cases"]] == [int(number)]
    assert {e["action"] or e["kind"] for e in data["events"]} == {"created", "udform_aftale"}
    assert data["messages"]  # the log channel's messages name her
    assert "nothing is held" in samskab("person", "export", "nobody@x.dk", exit=1).stderr


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


def test_erase_asks_first(samskab, workdir):
    setup(samskab, workdir)
    result = samskab("person", "erase", "anna@forening.dk", exit=1)
    assert "Aborted" in result.stderr or "Aborted" in result.stdout
    assert json.loads(samskab("person", "export", "anna@forening.dk").stdout)["cases"]


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

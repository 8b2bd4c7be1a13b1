"""Documents kept with a case, end to end through the command line: attach, list, save,
delete; the size limit; who may; what `audit verify` notices; personal data."""

import hashlib
import json
import os
import sqlite3
import stat
import subprocess

import pytest
from conftest import ADMIN, SAMSKAB
from test_storage_failures import powerless

from samskab.cli import cli
from samskab.engine.config import os_account

ME = os_account()
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4823  # 1,234,713 bytes: 1,2 MB, every byte value


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def case(samskab) -> str:
    return str(samskab.json("cases", "new", "partnerskab", "--title", "Lions")["id"])


@pytest.fixture
def agreement(workdir):
    path = workdir / "aftale.pdf"
    path.write_bytes(PDF)
    return path


@pytest.mark.usefixtures("each_store")
def test_attach_list_save_and_see_it_in_the_history(samskab, workdir, case, agreement):
    attached = samskab.json("cases", "attach", case, agreement, "--note", "Den underskrevne aftale")
    assert (attached["case"], attached["name"], attached["size"], attached["sha256"]) == (
        int(case),
        "aftale.pdf",
        len(PDF),
        sha256(PDF),
    )
    assert (attached["size_shown"], attached["actor"], attached["note"]) == (
        "1.2 MB",
        ME,
        "Den underskrevne aftale",
    )
    listed = samskab.json("cases", "documents", case)
    assert listed == [attached]
    line = samskab("cases", "documents", case).stdout
    assert "aftale.pdf" in line and "1.2 MB" in line and f"sha256 {sha256(PDF)}" in line and ME in line

    os.umask(0)  # whatever the umask, the file written is its owner's only
    saved = samskab("cases", "document", case, str(attached["id"]), "-o", workdir / "ud.pdf")
    assert "readable by you only" in saved.stderr
    assert (workdir / "ud.pdf").read_bytes() == PDF
    assert stat.S_IMODE((workdir / "ud.pdf").stat().st_mode) == 0o600

    shown = samskab("--lang", "da", "cases", "show", case).stdout
    assert "Dokument vedhæftet: aftale.pdf (1,2 MB)" in shown
    assert "Dokumenter" in shown
    history = samskab.json("cases", "show", case)["history"]
    assert history[-1]["kind"] == "document" and history[-1]["note"] == "Den underskrevne aftale"
    assert history[-1]["changes"] == {
        "document": {"id": attached["id"], "name": "aftale.pdf", "size": len(PDF), "sha256": sha256(PDF)}
    }
    assert samskab("audit", "verify").stdout.startswith("ok:")
    samskab("--lang", "da", "cases", "show", case, "--format", "html", "-o", workdir / "sag.html")
    page = (workdir / "sag.html").read_text(encoding="utf-8")
    assert "<h2>Dokumenter</h2>" in page and "aftale.pdf" in page and sha256(PDF) in page


def test_saving_over_a_file_needs_force(samskab, workdir, case, agreement):
    number = str(samskab.json("cases", "attach", case, agreement)["id"])
    (workdir / "ud.pdf").write_text("mine")
    refused = samskab("cases", "document", case, number, "-o", workdir / "ud.pdf", exit=2)
    assert "ud.pdf already exists" in refused.stderr and "--force replaces it" in refused.stderr
    assert (workdir / "ud.pdf").read_text() == "mine"
    written = samskab.json("cases", "document", case, number, "-o", workdir / "ud.pdf", "--force")
    assert written["written_to"] == str(workdir / "ud.pdf") and written["sha256"] == sha256(PDF)
    assert (workdir / "ud.pdf").read_bytes() == PDF
    assert stat.S_IMODE((workdir / "ud.pdf").stat().st_mode) == 0o600
    gone = samskab("cases", "document", case, number, "-o", workdir / "no" / "folder.pdf", exit=2)
    assert f"there is no folder {workdir / 'no'}" in gone.stderr
    piped = samskab("cases", "document", case, number, "-o", "-")  # to standard output, for a pipe
    assert piped.stdout_bytes == PDF
    usage = samskab("cases", "document", case, number, "--json", exit=2)
    assert "--json says what was written to a file" in usage.stderr
    other = samskab("cases", "document", case, "99", "-o", workdir / "x.pdf", exit=1)
    assert f"case {case} has no document 99" in other.stderr and f"its documents: {number}" in other.stderr


@pytest.mark.usefixtures("each_store")
def test_empty_files_odd_names_and_the_same_name_twice(samskab, workdir, case):
    (workdir / "tom.txt").write_bytes(b"")
    empty = samskab.json("cases", "attach", case, workdir / "tom.txt")
    again = samskab.json("cases", "attach", case, workdir / "tom.txt")
    assert (empty["size"], empty["sha256"], empty["size_shown"]) == (0, sha256(b""), "0 B")
    assert again["id"] != empty["id"] and again["name"] == empty["name"] == "tom.txt"
    odd = workdir / "a\nb\x1b[31m\u202efdp.exe"
    odd.write_bytes(b"x")
    assert samskab.json("cases", "attach", case, odd)["name"] == "a_b_[31m_fdp.exe"
    danish = workdir / "Referat, dialogmøde 3.12.pdf"
    danish.write_bytes(b"y")
    assert samskab.json("cases", "attach", case, danish)["name"] == "Referat, dialogmøde 3.12.pdf"
    named = samskab.json("cases", "attach", case, danish, "--name", "Underskrevet aftale.pdf")
    assert named["name"] == "Underskrevet aftale.pdf"
    for name, said in (("", "a document needs a name"), ("a/b.pdf", "without /"), ("x" * 256, "at most 255")):
        assert said in samskab("cases", "attach", case, danish, "--name", name, exit=2).stderr
    refused = samskab("cases", "attach", case, danish, "--note", "a\x1b[2J", exit=2)
    assert "the note cannot be kept" in refused.stderr
    assert samskab.json("audit", "verify")["broken"] is None


def test_what_cannot_be_attached_is_a_clear_error(samskab, workdir, case):
    missing = samskab("cases", "attach", case, workdir / "findes-ikke.pdf", exit=2)
    assert "findes-ikke.pdf: there is no such file or folder" in missing.stderr
    folder = samskab("cases", "attach", case, workdir, exit=2)
    assert "is a folder; attach the files in it one by one" in folder.stderr
    device = samskab("cases", "attach", case, "/dev/zero", exit=2)
    assert "/dev/zero is not a file (a device or a pipe?)" in device.stderr
    assert "there is no case 99" in samskab("cases", "attach", "99", "/dev/zero", exit=1).stderr
    assert samskab.json("cases", "documents", case) == []


def test_an_unreadable_file_is_a_clear_error(samskab, workdir, case):
    secret = workdir / "hemmelig.pdf"
    secret.write_bytes(b"x")
    secret.chmod(0)
    result = subprocess.run(
        [SAMSKAB, "cases", "attach", case, str(secret)],
        cwd=workdir,
        env={"PATH": os.environ["PATH"], "SAMSKAB_LANG": "en", "SAMSKAB_LOAD_PLUGINS": ""},
        capture_output=True,
        text=True,
        preexec_fn=powerless(),
    )
    if result.returncode == 0:
        pytest.skip("running as root, and root reads any file here")
    assert (result.returncode, result.stderr) == (2, f"Error: {secret}: permission denied\n")


def test_the_size_limit_is_the_configs_and_named_when_refused(samskab, workdir, case, agreement):
    samskab("cases", "attach", case, agreement)  # 1.2 MB: under the default 25 MB
    (workdir / "samskab.toml").write_text('[documents]\nmax_size = "1 MB"\n')
    refused = samskab("--lang", "da", "cases", "attach", case, agreement, exit=2)
    assert (
        f"{agreement} fylder 1,2 MB; et dokument må højst fylde 1,0 MB"
        f" (max_size under [documents] i {workdir / 'samskab.toml'})"
    ) in refused.stderr
    big = workdir / "stor.pdf"
    with big.open("wb") as file:
        file.truncate(30 * 10**9)  # 30 GB that take no room: refused before a byte is read
    assert (
        "stor.pdf is 30 GB; a document may be at most 1.0 MB"
        in samskab("cases", "attach", case, big, exit=2).stderr
    )
    (workdir / "samskab.toml").write_text('[documents]\nmax_size = "1000 B"\n')
    (workdir / "lige.pdf").write_bytes(b"x" * 1000)
    samskab("cases", "attach", case, workdir / "lige.pdf")
    (workdir / "over.pdf").write_bytes(b"x" * 1001)
    over = samskab("cases", "attach", case, workdir / "over.pdf", exit=2)
    assert "over.pdf is 1001 B; a document may be at most 1000 B" in over.stderr
    for size, said in (("lots", "'lots' is not a size"), ("2 GB", "more than samskab keeps in one document")):
        (workdir / "samskab.toml").write_text(f'[documents]\nmax_size = "{size}"\n')
        bad = samskab("cases", "documents", case, exit=2)
        assert "documents.max_size" in bad.stderr and said in bad.stderr


@pytest.fixture
def people(samskab, workdir):
    """I am an admin and a coordinator; bo is registered with no role; ole is the partner
    organisation; dorte works with data protection."""
    (workdir / "samskab.toml").write_text(ADMIN)
    samskab("people", "add", "bo")
    samskab("people", "add", "ole", "--role", "organisation", "--email", "ole@lions.dk")
    samskab("people", "add", "dorte", "--role", "databeskyttelse")


def test_who_may_attach_save_and_delete(samskab, workdir, people, agreement):
    lions = ["cases", "new", "partnerskab", "--title", "Lions", "--set", "kontakt_email=ole@lions.dk"]
    case = str(samskab.json(*lions)["id"])
    other = str(samskab.json("cases", "new", "partnerskab", "--title", "FDF")["id"])
    bound = samskab("cases", "attach", other, agreement, "--as", "ole", exit=1)
    assert "ole is Partner organisation only in the cases that name them in" in bound.stderr
    refused = samskab("cases", "attach", case, agreement, "--as", "bo", exit=1)
    assert f"case {case}: a document cannot be attached" in refused.stderr
    assert (
        "bo does not hold a role that may attach documents; it needs one of: Coordinator,"
        " Steering group (mayor and directors), Partner organisation, administrator"
    ) in refused.stderr
    [recorded] = samskab.json("cases", "show", case)["refused"]
    assert (recorded["actor"], recorded["action"], recorded["account"]) == ("bo", "attach", ME)
    number = str(samskab.json("cases", "attach", case, agreement, "--as", "ole")["id"])
    assert samskab.json("cases", "documents", case)[0]["actor"] == "ole"

    # Anyone who may read the case may list and save its documents.
    assert [d["id"] for d in samskab.json("cases", "documents", case, "--as", "bo")] == [int(number)]
    samskab("cases", "document", case, number, "-o", workdir / "bo.pdf", "--as", "bo")
    assert (workdir / "bo.pdf").read_bytes() == PDF

    for who in ("bo", "ole"):
        denied = samskab(
            "cases", "document-delete", case, number, "--reason", "x", "--yes", "--as", who, exit=1
        )
        assert f"{who} may not delete a document's content" in denied.stderr
        assert "it needs one of the roles: administrator, data protection" in denied.stderr
    deleted = samskab.json(
        "cases",
        "document-delete",
        case,
        number,
        "--reason",
        "Forkert fil vedhæftet",
        "--yes",
        "--as",
        "dorte",
    )
    assert deleted["deleted_at"] and deleted["sha256"] == sha256(PDF) and deleted["size"] == len(PDF)
    history = samskab.json("cases", "show", case)["history"]
    assert (history[-1]["kind"], history[-1]["actor"], history[-1]["note"]) == (
        "document_deleted",
        "dorte",
        "Forkert fil vedhæftet",
    )
    assert history[-1]["what"] == "Document deleted: aftale.pdf"
    gone = samskab("cases", "document", case, number, "-o", workdir / "igen.pdf", exit=2)
    assert f"document {number} was deleted" in gone.stderr and not (workdir / "igen.pdf").exists()
    again = samskab("cases", "document-delete", case, number, "--reason", "x", "--yes", exit=2)
    assert "is deleted already" in again.stderr
    assert "content deleted" in samskab("cases", "documents", case).stdout
    assert samskab.json("audit", "verify")["broken"] is None


def test_deleted_content_is_left_in_no_byte_of_the_database_files(samskab, workdir, case):
    marker = b"CPR 010203-1234 " * 1000
    (workdir / "fejl.pdf").write_bytes(marker)
    number = str(samskab.json("cases", "attach", case, workdir / "fejl.pdf")["id"])
    other = sqlite3.connect(workdir / "samskab.db")  # another program has it open (a TUI)
    other.execute("SELECT count(*) FROM documents").fetchone()
    samskab("cases", "document-delete", case, number, "--reason", "CPR-nummer", "--yes")
    files = [path for path in workdir.iterdir() if path.name.startswith("samskab.db")]
    assert files and all(b"CPR 010203-1234" not in path.read_bytes() for path in files)
    other.close()
    assert samskab("audit", "verify").stdout.startswith("ok:")


def test_delete_asks_first(samskab, case, agreement):
    number = str(samskab.json("cases", "attach", case, agreement)["id"])
    result = samskab.runner.invoke(
        cli, ["cases", "document-delete", case, number, "--reason", "x"], input="n\n"
    )
    assert result.exit_code == 1 and "This cannot be undone" in result.stdout
    assert samskab.json("cases", "documents", case)[0]["deleted_at"] is None


# -- what audit verify notices ------------------------------------------------------------


@pytest.fixture
def kept(samskab, workdir, case, agreement):
    """Two documents on a case, and the database open behind samskab's back."""
    samskab("cases", "attach", case, agreement)
    (workdir / "referat.pdf").write_bytes(b"Referat")
    samskab("cases", "attach", case, workdir / "referat.pdf")
    assert samskab("audit", "verify").stdout.startswith("ok:")
    return sqlite3.connect(workdir / "samskab.db", isolation_level=None)


@pytest.mark.parametrize(
    "tampering, said",
    [
        ("UPDATE documents SET content = X'00' || content WHERE id = 1", "content does not match the sha256"),
        ("UPDATE documents SET content = X'' WHERE id = 2", "content does not match the sha256"),
        (
            "UPDATE documents SET content = X'00', sha256 = '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',"
            " size = 1 WHERE id = 2",
            "is not what the event that attached it records",
        ),
        (
            "UPDATE documents SET name = 'andet.pdf' WHERE id = 1",
            "is not what the event that attached it records",
        ),
        (
            "UPDATE documents SET case_id = 1 + case_id WHERE id = 1",
            "is not what the event that attached it records",
        ),
        ("DELETE FROM documents WHERE id = 2", "document 2 is gone from the database"),
        (
            "INSERT INTO documents (case_id, name, size, sha256, content) SELECT case_id, name, size, sha256, content"
            " FROM documents WHERE id = 1",
            "document 3 has no event that attached it",
        ),
        (
            "UPDATE documents SET content = X'', deleted_event_id = event_id WHERE id = 1",
            "document 1 is marked deleted, but no event deleted it",
        ),
    ],
)
def test_tampering_with_a_document_is_found(samskab, kept, tampering, said):
    samskab("cases", "new", "partnerskab", "--title", "Anden")  # case 2, for a document moved there
    kept.execute(tampering)
    result = samskab("audit", "verify", exit=1)
    assert said in result.stderr


def test_a_swapped_document_is_refused_when_saved_and_still_found_after_its_deletion(
    samskab, workdir, case, kept
):
    kept.execute("UPDATE documents SET content = CAST('falsk' AS BLOB) WHERE id = 1")
    refused = samskab("cases", "document", case, "1", "-o", workdir / "ud.pdf", exit=2)
    assert "document 1 is not what was attached" in refused.stderr and not (workdir / "ud.pdf").exists()
    samskab("cases", "document-delete", case, "1", "--reason", "Byttet ud", "--yes")
    result = samskab("audit", "verify", exit=1)
    assert "document 1's content was not what was attached when it was deleted" in result.stderr


# -- personal data ------------------------------------------------------------------------


@pytest.mark.usefixtures("each_store")
def test_export_lists_and_erase_renames_documents_and_says_what_to_read(samskab, workdir):
    case = str(
        samskab.json(
            "cases", "new", "partnerskab", "--title", "Spejderne", "--set", "kontakt_email=anna@forening.dk"
        )["id"]
    )
    (workdir / "Ansøgning fra anna@forening.dk.pdf").write_bytes(b"Anna Jensen, Skolevej 1")
    (workdir / "budget.pdf").write_bytes(b"Budget")
    named = samskab.json("cases", "attach", case, workdir / "Ansøgning fra anna@forening.dk.pdf")
    plain = samskab.json("cases", "attach", case, workdir / "budget.pdf")
    other = str(samskab.json("cases", "new", "partnerskab", "--title", "FDF")["id"])
    samskab("cases", "attach", other, workdir / "budget.pdf")

    exported = json.loads(samskab("person", "export", "anna@forening.dk").stdout)
    assert [(d["id"], d["name"], d["named"]) for d in exported["documents"]] == [
        (named["id"], "Ansøgning fra anna@forening.dk.pdf", True),
        (plain["id"], "budget.pdf", False),
    ]

    erased = samskab.json("person", "erase", "anna@forening.dk", "--yes")
    pseudonym = erased["pseudonym"]
    assert erased["documents"] == 1
    assert [(d["id"], d["name"]) for d in erased["documents_to_review"]] == [
        (named["id"], f"Ansøgning fra {pseudonym}.pdf"),
        (plain["id"], "budget.pdf"),
    ]
    listed = samskab.json("cases", "documents", case)
    assert [d["name"] for d in listed] == [f"Ansøgning fra {pseudonym}.pdf", "budget.pdf"]
    history = samskab("cases", "show", case).stdout
    assert (
        "anna@forening.dk" not in history and f"Document attached: Ansøgning fra {pseudonym}.pdf" in history
    )
    samskab("cases", "document", case, str(named["id"]), "-o", workdir / "ud.pdf")
    assert (workdir / "ud.pdf").read_bytes() == b"Anna Jensen, Skolevej 1"  # contents are not searched
    assert samskab.json("audit", "verify")["broken"] is None
    assert "nothing is held" in samskab("person", "export", "anna@forening.dk", exit=1).stderr


def test_erase_says_in_words_which_documents_to_read(samskab, workdir):
    case = str(
        samskab.json("cases", "new", "partnerskab", "--title", "Lions", "--set", "kontakt_email=bo@x.dk")[
            "id"
        ]
    )
    (workdir / "referat.pdf").write_bytes(b"Bo sagde ...")
    number = samskab.json("cases", "attach", case, workdir / "referat.pdf")["id"]
    said = samskab("--lang", "da", "person", "erase", "bo@x.dk", "--yes").stdout
    assert "Dokumenters indhold gennemsøges ikke" in said
    assert f"sag {case}: {number}  referat.pdf  12 B" in said


# -- link fields --------------------------------------------------------------------------


def test_a_link_field_takes_web_addresses_only_and_shows_the_address(samskab):
    refused = samskab(
        "--lang",
        "da",
        "cases",
        "new",
        "hoering",
        "--title",
        "Politik",
        "--set",
        "dokument=Politik",
        "--set",
        "hoeringsmateriale=javascript:alert(document.cookie)",
        exit=2,
    )
    assert (
        "Høringsmaterialet (link): 'javascript:alert(document.cookie)' er ikke et link:"
        " kun http- og https-links gemmes, ikke javascript: (fx https://kommune.dk/dagsorden)"
    ) in refused.stderr
    case = samskab.json(
        "cases",
        "new",
        "hoering",
        "--title",
        "Politik",
        "--set",
        "dokument=Politik",
        "--set",
        "hoeringsmateriale=https://kommune.dk/hoeringer/politik",
    )
    [link] = [f for f in case["shown_fields"] if f["id"] == "hoeringsmateriale"]
    assert link["link"] == link["shown"] == link["value"] == "https://kommune.dk/hoeringer/politik"
    assert [f["link"] for f in case["shown_fields"] if f["id"] == "dokument"] == [None]
    shown = samskab("cases", "show", str(case["id"])).stdout
    assert "The hearing material (link) [hoeringsmateriale]: https://kommune.dk/hoeringer/politik" in shown

"""Cases imported from a spreadsheet and exported as one (``samskab cases import`` and
``cases export``), end to end through the command line: CSV as Danish Excel saves it and
XLSX workbooks, every problem of every row said at once with nothing written, a dry run,
importing again, the history and deadlines of what is imported, who may, and the round
trip export -> import of every kind of field, on SQLite and on PostgreSQL."""

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from samskab.engine.config import os_account

NOW = "2026-11-23T08:00"
ME = os_account()

HEADINGS = (
    "Titel;Trin;Oprettet;Partnerorganisation;Årligt tilskud (kr.);Aftalen underskrevet (dato);Underskrevet af"
)


def csv_file(path: Path, *rows: str, headings: str = HEADINGS) -> Path:
    """A CSV file as Danish Excel saves one: UTF-8 with a byte-order mark, ``;``, CRLF."""
    path.write_bytes(("\ufeff" + "\r\n".join([headings, *rows]) + "\r\n").encode("utf-8"))
    return path


def imported(samskab, *args: str, exit: int = 0) -> dict:
    return (
        samskab.json("cases", "import", *args, now=NOW, exit=0) if exit == 0 else json_report(samskab, *args)
    )


def json_report(samskab, *args: str) -> dict:
    """What an import that found problems answers with --json (exit status 2)."""
    import json

    result = samskab("cases", "import", *args, "--json", now=NOW, exit=2)
    answer = json.loads(result.stdout)
    assert answer["ok"] is True  # the report is the answer; the exit status says it failed
    return answer["data"]


def cases(samskab, *args: str) -> list[dict]:
    return samskab.json("cases", "list", "--all", *args, now=NOW)


def show(samskab, number: int, *args: str) -> dict:
    return samskab.json(*args, "cases", "show", str(number), now=NOW)


# -- CSV -------------------------------------------------------------------------------------


def test_a_csv_file_opens_a_case_per_row_each_in_its_step_with_its_history_and_deadlines(samskab, workdir):
    file = csv_file(
        workdir / "partnerskaber.csv",
        "Lions;Aktivt partnerskab;1.3.2019;Lions Club Ålholm;12.500,50;23.12.2025;Borgmesteren",
        "Spejderne;dialog;2026-11-01;Det Danske Spejderkorps;;;",
        "Røde Kors;til underskrift i styregruppen;2.11.2026;Røde Kors;;;",
    )
    # Til underskrift needs what sending it there requires: a column for each.
    problems = json_report(samskab, str(file), "--process", "partnerskab")["problems"]
    assert {p["column"] for p in problems} == {
        "The municipality's contribution",
        "The organisation's contribution",
        "Use of municipal facilities",
        "Årligt tilskud (kr.)",  # a column the file has is named by its heading
    }
    assert all(p["row"] == 4 for p in problems)
    csv_file(
        file,
        "Lions;Aktivt partnerskab;1.3.2019;Lions Club Ålholm;12.500,50;23.12.2025;Borgmesteren;;;",
        "Spejderne;dialog;2026-11-01;Det Danske Spejderkorps;;;;;;",
        "Røde Kors;til underskrift i styregruppen;2.11.2026;Røde Kors;5000;;;Lokaler;Frivillige;Hallen",
        headings=HEADINGS + ";Kommunens bidrag;Organisationens bidrag;Brug af kommunale faciliteter",
    )
    report = imported(samskab, str(file), "--process", "partnerskab")
    assert (report["rows"], report["created"], report["already"], report["kind"]) == (3, 3, 0, "csv")
    assert [(c["row"], c["case"], c["state"]) for c in report["cases"]] == [
        (2, 1, "aktiv"),
        (3, 2, "dialog"),
        (4, 3, "til_underskrift"),
    ]
    assert {s["state"]: s["count"] for s in report["steps"]} == {
        "aktiv": 1,
        "dialog": 1,
        "til_underskrift": 1,
    }

    lions = show(samskab, 1)
    assert lions["state"] == "aktiv" and lions["owner"] == ME and lions["closed_at"] is None
    assert lions["fields"] == {
        "organisation": "Lions Club Ålholm",
        "tilskud": "12500.50",
        "underskrevet_dato": "2025-12-23",
        "underskrevet_af": "Borgmesteren",
    }
    assert lions["created_at"] == "2019-02-28T23:00:00+00:00"  # 1.3.2019 in Danish time
    [opened] = lions["history"]
    assert (opened["kind"], opened["to"], opened["actor"]) == ("created", "aktiv", ME)
    assert opened["note"] == "importeret fra partnerskaber.csv, række 2"
    # Three years from the signing (and its reminders), as if signed in samskab.
    assert [(d["kind"], d["day"]) for d in lions["deadlines"]] == [
        ("reminder", "2028-06-23"),
        ("reminder", "2028-09-23"),
        ("deadline", "2028-12-23"),
    ]
    # Six weeks for the signature, counted from the start of the day the case was opened.
    assert [(d["kind"], d["day"]) for d in show(samskab, 3)["deadlines"]] == [("deadline", "2026-12-13")]
    assert samskab("audit", "verify", now=NOW).stdout.startswith("ok: 3 events")
    # Found and counted as every case is.
    assert [c["id"] for c in cases(samskab, "--search", "lions club ålholm")] == [1]
    [partnerships] = [
        p for p in samskab.json("overview", now=NOW)["processes"] if p["process"] == "partnerskab"
    ]
    assert partnerships["active"] == 3


def test_importing_sends_no_message_where_opening_a_case_would(samskab, workdir):
    (workdir / "samskab.toml").write_text(
        f'[people.{ME}]\nroles = ["admin", "koordinator"]\nemail = "me@kommune.dk"\n\n'
        f'[channels.journal]\ntype = "log"\npath = "{workdir / "journal.log"}"\n'
    )
    samskab(
        "cases",
        "new",
        "partnerskab",
        "--title",
        "Opened by hand",
        "--set",
        "kontakt_email=a@forening.dk",
        now=NOW,
    )
    told = len(samskab.json("outbox", "list", now=NOW))
    assert told > 0
    file = csv_file(workdir / "p.csv", "Lions;;;;;;", "Spejderne;;;;;;")
    samskab("cases", "import", file, "--process", "partnerskab", now=NOW)
    assert len(samskab.json("outbox", "list", now=NOW)) == told
    assert len(cases(samskab)) == 3


def test_columns_by_id_or_label_in_either_language_and_map(samskab, workdir):
    file = csv_file(
        workdir / "p.csv",
        "Lions,partnerskab@lions.dk,trivsel,skal ikke med,10",
        headings="title,Organisation's contact (e-mail),indsatsomraade,Noter,Tilskud i alt",
    )
    found = json_report(samskab, str(file), "--process", "partnerskab", "--map", "Bemærkning=")["problems"]
    assert [(p["row"], p["column"]) for p in found] == [
        (1, "Noter"),
        (1, "Tilskud i alt"),
        (None, "Bemærkning"),
    ]
    assert "leave it out with --map Noter=" in found[0]["suggestion"]
    assert found[2]["what"] == "--map names a column the file does not have"
    report = imported(
        samskab, str(file), "--process", "partnerskab", "--map", "Noter=", "--map", "tilskud i alt=tilskud"
    )
    assert [(c["column"], c["letter"], c["target"]) for c in report["columns"]] == [
        ("title", "A", "title"),
        ("Organisation's contact (e-mail)", "B", "kontakt_email"),
        ("indsatsomraade", "C", "indsatsomraade"),
        ("Noter", "D", None),
        ("Tilskud i alt", "E", "tilskud"),
    ]
    assert show(samskab, 1)["fields"] == {
        "kontakt_email": "partnerskab@lions.dk",
        "indsatsomraade": "trivsel",
        "tilskud": "10.00",
    }


# -- everything wrong at once --------------------------------------------------------------


def test_every_problem_of_every_row_is_said_at_once_and_nothing_is_written(samskab, workdir):
    file = csv_file(
        workdir / "p.csv",
        "Lions;Aktivt partnerskab;1.3.2019;Lions Club;12.500,50;23.12.2025;Borgmesteren;x",
        ";dialog;;Ingen titel;;;;",
        "Spejderne;Aktiv partnerskab;;Spejderne;mange penge;;;",
        "Røde Kors;aktiv;1.1.2030;Røde Kors;100;31.2.2025;;",
        "Ok;dialog;;Ok;;;;",
        headings=HEADINGS + ";Partnerorganisaton",
    )
    report = json_report(samskab, str(file), "--process", "partnerskab")
    said = [(p["row"], p["column"], p["what"], p["suggestion"]) for p in report["problems"]]
    assert said == [
        (
            1,
            "Partnerorganisaton",
            "no field of Partnership with a voluntary organisation is called so",
            "did you mean `Partner organisation`?; or leave it out with --map Partnerorganisaton=",
        ),
        (3, "Titel", "a case needs a title", None),
        (
            4,
            "Trin",
            "Partnership with a voluntary organisation has no step 'Aktiv partnerskab'",
            "did you mean `Active partnership`?",
        ),
        (
            4,
            "Årligt tilskud (kr.)",
            "'mange penge' is not an amount in kroner (e.g. 12500 or 12.500,50)",
            None,
        ),
        (5, "Aftalen underskrevet (dato)", "'31.2.2025' is not a date (e.g. 2026-03-01 or 1.3.2026)", None),
        (5, "Underskrevet af", "Signed by is needed in the step Active partnership", None),
        (5, "Oprettet", "2030-01-01 is in the future", None),
    ]
    assert (report["problems_total"], report["created"], report["cases"]) == (7, 0, [])
    result = samskab("cases", "import", file, "--process", "partnerskab", now=NOW, exit=2)
    assert "row 4, column Trin: Partnership with a voluntary organisation has no step" in result.stderr
    assert "7 problem(s): nothing was imported" in result.stderr
    assert cases(samskab) == []
    assert samskab.json("audit", "verify", now=NOW)["checked"] == 0


def test_a_dry_run_says_what_would_be_opened_and_writes_nothing(samskab, workdir):
    file = csv_file(
        workdir / "p.csv", "Lions;Aktivt partnerskab;1.3.2019;Lions;1000;23.12.2025;B", "Spejderne;;;;;;"
    )
    report = imported(samskab, str(file), "--process", "partnerskab", "--dry-run")
    assert (report["dry_run"], report["created"]) == (True, 2)
    assert [(c["row"], c["case"], c["state"], c["next_deadline_day"]) for c in report["cases"]] == [
        (2, None, "aktiv", "2028-12-23"),
        (3, None, "dialog", None),
    ]
    text = samskab("cases", "import", file, "--process", "partnerskab", "--dry-run", now=NOW).stdout
    assert "2 case(s) would be opened" in text and "Nothing was saved (--dry-run)." in text
    assert cases(samskab) == [] and samskab.json("audit", "verify", now=NOW)["checked"] == 0


# -- importing again ---------------------------------------------------------------------------


def test_importing_a_file_again_opens_only_what_is_not_there_yet(samskab, workdir):
    rows = ["Lions;dialog;;Lions;;;", "Spejderne;dialog;;Spejderne;;;", "Spejderne;dialog;;Spejderne;;;"]
    file = csv_file(workdir / "p.csv", *rows)
    assert imported(samskab, str(file), "--process", "partnerskab")["created"] == 3  # two alike: two cases
    again = imported(samskab, str(file), "--process", "partnerskab")
    assert (again["created"], again["already"]) == (0, 3)
    assert [(r["row"], r["case"]) for r in again["already_imported"]] == [(2, 1), (3, 2), (4, 3)]
    # A row changed is another row; rows moved are the same rows.
    csv_file(file, rows[2], "Lions;dialog;;Lions Club;;;", *rows[:2], "Spejderne;dialog;;Spejderne;;;")
    changed = imported(samskab, str(file), "--process", "partnerskab")
    assert (changed["created"], changed["already"]) == (2, 3)
    assert [c["title"] for c in cases(samskab)] == ["Lions", "Spejderne", "Spejderne", "Lions", "Spejderne"]
    assert (
        "were imported before and are left as they are"
        in samskab("cases", "import", file, "--process", "partnerskab", now=NOW).stdout
    )


def test_a_reference_column_keys_each_row_whatever_else_changes(samskab, workdir):
    headings = "Reference;Titel;Partnerorganisation"
    file = csv_file(workdir / "p.csv", "P-1;Lions;Lions", "P-2;Spejderne;Spejderne", headings=headings)
    imported(samskab, str(file), "--process", "partnerskab")
    csv_file(
        file,
        "P-1;Lions Club;Lions Club",
        "P-2;Spejderne;Spejderne",
        "P-3;Røde Kors;Røde Kors",
        headings=headings,
    )
    again = imported(samskab, str(file), "--process", "partnerskab")
    assert (again["created"], again["already"]) == (1, 2)
    assert show(samskab, 3)["history"][0]["note"] == "importeret fra p.csv, række 4 (reference P-3)"
    csv_file(file, "P-4;A;A", "P-4;B;B", headings=headings)
    [twice] = json_report(samskab, str(file), "--process", "partnerskab")["problems"]
    assert (twice["row"], twice["column"], twice["what"]) == (3, "Reference", "row 2 has the same reference")


def test_an_import_stopped_half_way_goes_on_where_it_stopped(samskab, workdir):
    """Killed while it writes, an import leaves whole batches (each a transaction); run
    again, it opens the rest, each row once."""
    from samskab.engine.importing import BATCH

    total = 2 * BATCH + 1
    file = csv_file(workdir / "p.csv", *(f"Partnerskab {i};dialog;;Forening {i};;;" for i in range(total)))
    samskab("cases", "list", now=NOW)  # the database and its key, made
    env = {"SAMSKAB_NOW": NOW, "SAMSKAB_LOAD_PLUGINS": "", "PATH": str(Path(sys.executable).parent)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "samskab", "cases", "import", str(file), "--process", "partnerskab"],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    written = 0
    started = time.monotonic()
    while not written and worker.poll() is None and time.monotonic() - started < 120:
        time.sleep(0.02)
        written = count_cases(workdir / "samskab.db")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    written = count_cases(workdir / "samskab.db")
    assert written % BATCH == 0 and 0 < written < total  # whole batches, and not all
    report = imported(samskab, str(file), "--process", "partnerskab")
    assert (report["created"], report["already"]) == (total - written, written)
    assert count_cases(workdir / "samskab.db") == total
    assert samskab.json("audit", "verify", now=NOW)["checked"] == total


def test_a_row_key_changed_behind_samskabs_back_is_found(samskab, workdir):
    """The key that says a row was imported is part of the history: removing it (so the
    row would be imported again) or changing it is found."""
    file = csv_file(workdir / "p.csv", "Lions;;;;;;", "Spejderne;;;;;;")
    imported(samskab, str(file), "--process", "partnerskab")
    conn = sqlite3.connect(workdir / "samskab.db", isolation_level=None)
    conn.execute("DROP TRIGGER events_append_only_update")
    conn.execute("UPDATE events SET imported = NULL WHERE case_id = 2")
    conn.close()
    result = samskab("audit", "verify", now=NOW, exit=1)
    assert "Broken: event 2 " in result.stderr and "does not match its digest" in result.stderr


def count_cases(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM cases WHERE id > 0").fetchone()[0]
    except sqlite3.OperationalError:  # not made yet
        return 0
    finally:
        conn.close()


# -- files that are not what they should be ----------------------------------------------------


@pytest.mark.parametrize(
    "content, said",
    [
        (b"", "the file holds no rows"),
        (b"\xef\xbb\xbf\r\n;;\r\n", "the file holds no rows"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "is neither an XLSX workbook nor a CSV file in UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is neither an XLSX workbook nor a CSV file in UTF-8"),
        (b"\xff\xfeT\x00i\x00t\x00e\x00l\x00", "is neither an XLSX workbook nor a CSV file in UTF-8"),
        (b"PK\x03\x04 not really a workbook", "is not a workbook samskab can read"),
    ],
)
def test_a_file_that_is_no_spreadsheet_is_a_clear_error(samskab, workdir, content, said):
    file = workdir / "sager.csv"
    file.write_bytes(content)
    result = samskab("cases", "import", file, "--process", "partnerskab", now=NOW, exit=2)
    assert said in result.stderr
    assert cases(samskab) == []


def test_a_csv_file_in_another_encoding_says_how_to_save_it(samskab, workdir):
    file = workdir / "sager.csv"
    file.write_bytes("Titel;Partnerorganisation\r\nLions;Lions\r\nÅlholm;Ålholm\r\n".encode("cp1252"))
    result = samskab("cases", "import", file, "--process", "partnerskab", now=NOW, exit=2)
    assert "sager.csv is neither an XLSX workbook nor a CSV file in UTF-8" in result.stderr
    assert 'save it as "CSV UTF-8"' in result.stderr
    missing = samskab("cases", "import", workdir / "nope.csv", "--process", "partnerskab", now=NOW, exit=2)
    assert "nope.csv: there is no such file or folder" in missing.stderr


def test_a_huge_cell_is_a_problem_of_its_row_and_a_monstrous_one_stops_the_reading(samskab, workdir):
    file = csv_file(workdir / "p.csv", "Lions;;;" + "x" * 200_000 + ";;;", "Spejderne;;;;;;")
    [problem] = json_report(samskab, str(file), "--process", "partnerskab")["problems"]
    assert (problem["row"], problem["column"]) == (2, "Partnerorganisation")
    assert problem["what"] == "it holds 200000 characters; a value holds at most 100000"
    csv_file(file, "Lions;;;" + "x" * 2_000_000 + ";;;")
    result = samskab("cases", "import", file, "--process", "partnerskab", now=NOW, exit=2)
    assert "p.csv, row 2: field larger than field limit" in result.stderr
    assert cases(samskab) == []


# -- who may ----------------------------------------------------------------------------------


def test_only_an_admin_may_import_and_a_refusal_is_recorded(samskab, workdir):
    samskab("people", "add", "anna", "--role", "admin", now=NOW)
    samskab("people", "grant", ME, "koordinator", now=NOW)
    samskab("people", "revoke", ME, "admin", now=NOW)
    file = csv_file(workdir / "p.csv", "Lions;;;;;;")
    refused = samskab("cases", "import", file, "--process", "partnerskab", now=NOW, exit=1)
    assert f"{ME} may not import cases from a file" in refused.stderr
    assert "it needs one of the roles: administrator" in refused.stderr
    assert cases(samskab) == []


def test_owners_by_id_address_or_name_who_may_own_such_a_case(samskab, workdir):
    samskab(
        "people",
        "add",
        "mette",
        "--role",
        "koordinator",
        "--email",
        "mette@kommune.dk",
        "--name",
        "Mette Jensen",
        now=NOW,
    )
    samskab("people", "add", "ole", "--role", "revisor", now=NOW)
    file = csv_file(
        workdir / "p.csv",
        "Lions;mette",
        "Spejderne;METTE@kommune.dk",
        "Røde Kors;Mette Jensen",
        "KFUM;ole",
        "Ældresagen;mete",
        headings="Titel;Ansvarlig",
    )
    found = json_report(samskab, str(file), "--process", "partnerskab")["problems"]
    assert [(p["row"], p["column"], p["what"]) for p in found] == [
        (
            5,
            "Ansvarlig",
            "ole holds no role in Partnership with a voluntary organisation; an owner needs one of:"
            " Coordinator, Steering group (mayor and directors), Partner organisation",
        ),
        (6, "Ansvarlig", "mete is not registered (did you mean `mette`?)"),
    ]
    csv_file(
        file,
        "Lions;mette",
        "Spejderne;METTE@kommune.dk",
        "Røde Kors;Mette Jensen",
        headings="Titel;Ansvarlig",
    )
    imported(samskab, str(file), "--process", "partnerskab")
    assert {c["owner"] for c in cases(samskab)} == {"mette"}


# -- XLSX ------------------------------------------------------------------------------------


def workbook(path: Path, *, with_bad_amount: bool) -> Path:
    """A workbook as a person makes one in Excel: starting at B2, real numbers and dates,
    a formula, a text typed with a quote so it is not one."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Ark1")
    sheet.write_row(1, 1, ["Title", "Step", "Opened on", "tilskud", "underskrevet_dato", "Underskrevet af"])
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(2, 1, ["Lions", "Active partnership"])
    sheet.write_datetime(2, 3, dt.datetime(2019, 3, 1), day)
    sheet.write_number(2, 4, 12500.5)
    sheet.write_datetime(2, 5, dt.datetime(2025, 12, 23), day)
    sheet.write_string(2, 6, "=Borgmesteren", book.add_format({"quote_prefix": True}))
    sheet.write_row(3, 1, ["Spejderne", "dialog"])
    sheet.write_formula(3, 4, "=1000+234.5", None, 1234.5)
    if with_bad_amount:
        sheet.write_row(4, 1, ["KFUM", "dialog", "", 12.345])
    book.close()
    return path


def test_an_xlsx_workbook_with_numbers_dates_and_formulas_as_excel_keeps_them(samskab, workdir):
    file = workbook(workdir / "grupper.xlsx", with_bad_amount=True)
    [problem] = json_report(samskab, str(file), "--process", "partnerskab")["problems"]
    assert (problem["row"], problem["column"], problem["what"]) == (
        5,
        "tilskud",
        "'12,345' is not an amount in kroner with at most two decimals",
    )
    report = imported(samskab, str(workbook(file, with_bad_amount=False)), "--process", "partnerskab")
    assert (report["kind"], report["created"]) == ("xlsx", 2)
    assert [(c["column"], c["letter"]) for c in report["columns"]][:2] == [("Title", "B"), ("Step", "C")]
    lions = show(samskab, 1)
    assert lions["fields"] == {
        "tilskud": "12500.50",
        "underskrevet_dato": "2025-12-23",
        "underskrevet_af": "=Borgmesteren",
    }
    assert lions["created_at"] == "2019-02-28T23:00:00+00:00"
    assert lions["history"][0]["note"] == "importeret fra grupper.xlsx, række 3"
    assert show(samskab, 2)["fields"] == {"tilskud": "1234.50"}


# -- the round trip ------------------------------------------------------------------------------

EVERY_KIND = """
id = "alle_felter"
version = 1
level = "individ"
title = { da = "Alle slags felter", en = "Every kind of field" }
description = "Et felt af hver slags."

[start]
fields = ["tekst"]

[[fields]]
id = "tekst"
type = "text"
label = { da = "Tekst", en = "Text" }

[[fields]]
id = "lang"
type = "longtext"
label = { da = "Lang tekst", en = "Long text" }

[[fields]]
id = "antal"
type = "integer"
label = { da = "Antal", en = "Count" }

[[fields]]
id = "beloeb"
type = "money"
label = { da = "Beløb (kr.)", en = "Amount (DKK)" }

[[fields]]
id = "dato"
type = "date"
label = { da = "Dato", en = "Date" }

[[fields]]
id = "svar"
type = "yesno"
label = { da = "Svar", en = "Answer" }

[[fields]]
id = "valg"
type = "choice"
label = { da = "Valg", en = "Choice" }
options = [
    { id = "foerste", title = { da = "Første", en = "First" } },
    { id = "andet", title = { da = "Andet", en = "Second" } },
]

[[fields]]
id = "post"
type = "email"
label = { da = "E-mail", en = "E-mail" }

[[fields]]
id = "side"
type = "link"
label = { da = "Hjemmeside", en = "Web page" }

[[states]]
id = "start"
initial = true
title = { da = "Start", en = "Start" }

[[states]]
id = "midt"
title = { da = "Midt i", en = "Midway" }
deadline = { after = "P6W" }

[[states]]
id = "slut"
final = true
title = { da = "Slut", en = "Done" }

[[actions]]
id = "videre"
title = { da = "Videre", en = "On" }
from = "start"
to = "midt"
fields = ["lang", "antal", "beloeb", "dato", "svar", "valg", "post", "side"]

[[actions]]
id = "slut"
title = { da = "Slut", en = "End" }
from = "midt"
to = "slut"
"""

VALUES = [
    {
        "tekst": "=SUM(A1:A9) æøå ÆØÅ",
        "lang": 'Første linje\nanden linje; med "citat", komma\n\'=1+1',
        "antal": "12",
        "beloeb": "12.500,50",
        "dato": "23.12.2026",
        "svar": "ja",
        "valg": "andet",
        "post": "anne@forening.dk",
        "side": "https://kommune.dk/sag?a=1&b=2",
    },
    {
        "tekst": "-5 grader, @hjemme, +3",
        "lang": "\tindrykket",
        "antal": "-3",
        "beloeb": "-0,05",
        "dato": "2026-01-01",
        "svar": "nej",
        "valg": "foerste",
    },
    {"tekst": "'citeret", "beloeb": "1.000.000"},
]


@pytest.fixture
def every_kind(workdir) -> Path:
    directory = workdir / "processer"
    directory.mkdir()
    (directory / "alle_felter.toml").write_text(EVERY_KIND, encoding="utf-8")
    return directory


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database_keeps_every_value(
    samskab, workdir, every_kind, each_store, fmt
):
    source = ["--db", str(workdir / "source.db"), "--processes", str(every_kind)]
    target = ["--processes", str(every_kind)]  # the test's store: SQLite or PostgreSQL
    for number, values in enumerate(VALUES, start=1):
        samskab(
            *source,
            "cases",
            "new",
            "alle_felter",
            "--title",
            f"Sag {number} æøå",
            "--set",
            f"tekst={values['tekst']}",
            now=NOW,
        )
        rest = [f"{k}={v}" for k, v in values.items() if k != "tekst"]
        if number < 3:
            samskab(
                *source,
                "cases",
                "advance",
                number,
                "videre",
                *(a for r in rest for a in ("--set", r)),
                now=NOW,
            )
    samskab(*source, "cases", "advance", 2, "slut", now="2026-11-24T09:00")
    exported = workdir / f"sager.{fmt}"
    written = samskab.json(
        *source, "cases", "export", "--process", "alle_felter", "-o", exported, now="2026-11-25T08:00"
    )
    assert written == {"written_to": str(exported), "format": fmt, "cases": 3}
    report = samskab.json(
        *target, "cases", "import", exported, "--process", "alle_felter", now="2026-11-25T08:00"
    )
    assert (report["created"], [c["state"] for c in report["cases"]]) == (3, ["midt", "slut", "start"])
    for number in (1, 2, 3):
        before = samskab.json(*source, "cases", "show", number, now="2026-11-25T08:00")
        after = samskab.json(*target, "cases", "show", number, now="2026-11-25T08:00")
        assert after["fields"] == before["fields"]
        assert (after["title"], after["state"], after["owner"]) == (
            before["title"],
            before["state"],
            before["owner"],
        )
        assert after["created_at"][:10] == "2026-11-22"  # the local day it was opened, from its start
        assert (after["closed_at"] is None) == (before["closed_at"] is None)
    assert (
        samskab.json(*target, "cases", "show", 1, now="2026-11-25T08:00")["deadlines"][0]["day"]
        == "2027-01-03"
    )
    assert samskab.json(*source, "cases", "show", 1, now="2026-11-25T08:00")["fields"]["tekst"].startswith(
        "=SUM"
    )
    # What the import made exports as the file it came from; and imported again, it is there.
    again = workdir / f"igen.{fmt}"
    samskab(*target, "cases", "export", "--process", "alle_felter", "-o", again, now="2026-11-25T08:00")
    if fmt == "csv":
        assert again.read_bytes() == exported.read_bytes()
    else:
        assert list(openpyxl.load_workbook(again).active.values) == list(
            openpyxl.load_workbook(exported).active.values
        )
    assert (
        samskab.json(*target, "cases", "import", again, "--process", "alle_felter", now="2026-11-25T08:00")[
            "already"
        ]
        == 3
    )
    assert samskab("audit", "verify", now="2026-11-25T08:00").stdout.startswith("ok: 3 events")


def test_the_export_guards_texts_against_formulas_and_import_undoes_it(samskab, workdir):
    samskab(
        "cases", "new", "partnerskab", "--title", '=HYPERLINK("x")', "--set", "organisation='=1+1", now=NOW
    )
    out = workdir / "p.csv"
    samskab("cases", "export", "--process", "partnerskab", "-o", out, now=NOW)
    line = out.read_text(encoding="utf-8-sig").splitlines()[1]
    assert line.startswith('\'=HYPERLINK(""x"")') or line.startswith('"\'=HYPERLINK(""x"")"')
    assert "''=1+1" in line
    samskab("--db", "other.db", "cases", "import", out, "--process", "partnerskab", now=NOW)
    copy = samskab.json("--db", "other.db", "cases", "show", "1", now=NOW)
    assert (copy["title"], copy["fields"]["organisation"]) == ('=HYPERLINK("x")', "'=1+1")


def test_export_says_which_format_and_needs_a_process(samskab, workdir):
    usage = samskab("cases", "export", "--process", "partnerskab", "-o", workdir / "x.txt", exit=2)
    assert "say which format to write" in usage.stderr
    samskab("cases", "export", exit=2)
    missing = samskab("cases", "export", "--process", "partnerskb", "-o", workdir / "x.csv", exit=1)
    assert "did you mean" in missing.stderr

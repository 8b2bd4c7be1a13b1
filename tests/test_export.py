"""Lists of cases as spreadsheets (CSV, XLSX) and a case as a printable page (HTML),
through the command line: what a coordinator's Excel or printer gets, the files' safety
(owner-only, never replaced unasked) and formula injection."""

import csv
import datetime as dt
import io
import os
import stat
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest

from samskab.engine import export
from samskab.engine.errors import BadInput
from samskab.engine.readmodels import Column, Table

NOW = "2026-03-10T09:00"
FORMULAS = ('=HYPERLINK("http://x.example","klik")', "+45 1234", "-1+2", "@SUM(A1)", "=1+1")


def partnership(samskab, title="Lions: Det er mit valg", **values):
    sets = [a for k, v in {"organisation": "Lions Club", **values}.items() for a in ("--set", f"{k}={v}")]
    return samskab.json("cases", "new", "partnerskab", "--title", title, *sets, now=NOW)["id"]


def csv_rows(data: bytes, separator: str) -> list[list[str]]:
    assert data.startswith("\ufeff".encode()), "a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=separator))


def sheet(path):
    return openpyxl.load_workbook(path).active


@pytest.fixture
def cases(samskab):
    """Two partnerships (one with an amount, dates and a choice) and a volunteer with a
    yes/no field, on 10.3.2026."""
    lions = partnership(samskab, tilskud="12.500,50", dialogmoede_dato="2.3.2026", indsatsomraade="trivsel")
    spejder = partnership(samskab, "Spejderne", organisation="Spejderne")
    frivillig = samskab.json("cases", "new", "frivillig", "--title", "Eva Lind", "--set", "navn=Eva", now=NOW)
    samskab("cases", "correct", frivillig["id"], "--set", "boerneattest=ja", "--reason", "Set", now=NOW)
    return lions, spejder, frivillig["id"]


def test_a_list_of_one_process_as_danish_csv(samskab, workdir, cases):
    lions, spejder, _ = cases
    samskab(
        "--lang", "da", "cases", "list", "--process", "partnerskab", "--format", "csv", "-o", "s.csv", now=NOW
    )
    header, *rows = csv_rows((workdir / "s.csv").read_bytes(), ";")
    assert header[:8] == ["Sag", "Titel", "Proces", "Trin", "Frist", "Overskredet", "Oprettet", "Ændret"]
    assert "Årligt tilskud (kr.)" in header and "Indsatsområde" in header
    assert not [h for h in header if "_" in h or h == "tilskud"], "labels, never field ids"
    assert [row[0] for row in rows] == [str(lions), str(spejder)]
    lions_row = dict(zip(header, rows[0], strict=True))
    assert lions_row["Titel"] == "Lions: Det er mit valg"
    assert lions_row["Proces"] == "Partnerskab med frivillig organisation"
    assert lions_row["Årligt tilskud (kr.)"] == "12500,50"  # a decimal comma, no "kr.": a number
    assert lions_row["Dato for dialogmøde"] == "02.03.2026"
    assert lions_row["Indsatsområde"] == "Børn og unges trivsel"  # the choice's title
    assert lions_row["Overskredet"] == "nej"
    assert lions_row["Oprettet"] == "10.03.2026 10:00"  # local time (UTC+1 in March)
    assert dict(zip(header, rows[1], strict=True))["Årligt tilskud (kr.)"] == ""


def test_english_csv_to_standard_output_with_commas_and_a_decimal_point(samskab, cases):
    lions, _, _ = cases
    args = ("cases", "list", "--search", "Lions", "--format", "csv")
    printed = samskab(*args, now=NOW).stdout_bytes
    assert samskab(*args, "-o", "-", now=NOW).stdout_bytes == printed
    header, row = csv_rows(printed, ",")
    assert header == [
        "Case",
        "Title",
        "Process",
        "Step",
        "Deadline",
        "Past the deadline",
        "Opened on",
        "Changed",
        "Owner",
    ]
    assert row[:2] == [str(lions), "Lions: Det er mit valg"] and row[6] == "2026-03-10 10:00"

    header, row = csv_rows(
        samskab("cases", "list", "--process", "frivillig", "--format", "csv").stdout_bytes, ","
    )
    assert dict(zip(header, row, strict=True))["Child-protection certificate obtained"] == "yes"
    header, row, _ = csv_rows(
        samskab("cases", "list", "--process", "partnerskab", "--format", "csv").stdout_bytes, ","
    )
    assert dict(zip(header, row, strict=True))["Annual subsidy (DKK)"] == "12500.50"
    chosen = (
        "cases",
        "list",
        "--process",
        "partnerskab",
        "--columns",
        "tilskud,organisation",
        "--format",
        "csv",
    )
    header, row, _ = csv_rows(samskab(*chosen).stdout_bytes, ",")
    assert header[-3:] == ["Owner", "Annual subsidy (DKK)", "Partner organisation"]
    assert row[-2:] == ["12500.50", "Lions Club"]


def test_xlsx_holds_numbers_amounts_and_dates_with_danish_formats(samskab, workdir, cases):
    lions, _, frivillig = cases
    said = samskab("--lang", "da", "cases", "list", "--process", "partnerskab", "-o", "p.xlsx", now=NOW)
    assert "Skrev 2 sag(er) til p.xlsx" in said.stderr
    ws = sheet(workdir / "p.xlsx")
    assert ws.title == "Partnerskab med frivillig orga…"  # Excel's 31 characters
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Sag", "Titel", "Proces", "Trin", "Frist"] and all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["Sag"].value == lions and row["Sag"].data_type == "n"
    assert row["Årligt tilskud (kr.)"].value == 12500.5
    assert row["Årligt tilskud (kr.)"].number_format == '#,##0.00 "kr."'
    assert row["Dato for dialogmøde"].value == dt.datetime(2026, 3, 2)
    assert row["Dato for dialogmøde"].number_format == "dd.mm.yyyy"
    assert row["Oprettet"].value == dt.datetime(2026, 3, 10, 10, 0)  # local time
    assert row["Oprettet"].number_format == "dd.mm.yyyy hh:mm"
    assert row["Indsatsområde"].value == "Børn og unges trivsel"

    samskab("--lang", "da", "cases", "list", "--process", "frivillig", "--format", "xlsx", "-o", "f.xlsx")
    ws = sheet(workdir / "f.xlsx")
    row = dict(zip([c.value for c in ws[1]], ws[2], strict=True))
    assert row["Børneattest indhentet"].value == "ja" and row["Sag"].value == frivillig
    assert row["Frist"].value == dt.datetime(2026, 3, 17) and row["Frist"].number_format == "dd.mm.yyyy"

    samskab("--lang", "en", "cases", "list", "-o", "all.xlsx")
    ws = sheet(workdir / "all.xlsx")
    assert ws.title == "Cases" and [c.value for c in ws[1]][-1] == "Owner"  # no fields: several processes
    assert ws.max_row == 4


@pytest.mark.parametrize(
    "filters",
    [
        ("--process", "partnerskab"),
        ("--state", "dialog"),
        ("--search", "spejder"),
        ("--overdue",),
        ("--all", "--sort", "title"),
        ("--sort", "due"),
        ("--process", "partnerskab", "--where", "organisation=Spejderne"),
        ("--opened-in", "2026", "--closed-in", "2026"),
    ],
)
def test_an_export_holds_exactly_the_list(samskab, workdir, cases, filters):
    samskab("cases", "advance", cases[1], "afbryd", "--note", "Stoppet", now=NOW)
    listed = [c["id"] for c in samskab.json("cases", "list", *filters, now="2026-04-01T09:00")]
    exported = samskab("cases", "list", *filters, "--format", "csv", now="2026-04-01T09:00").stdout_bytes
    assert [int(row[0]) for row in csv_rows(exported, ",")[1:]] == listed
    if "--all" in filters:
        assert "Closed on" in csv_rows(exported, ",")[0]


def test_text_that_would_be_a_formula_stays_text_in_csv_and_xlsx(samskab, workdir):
    for title in FORMULAS:
        partnership(samskab, title, organisation=title)
    samskab("cases", "list", "--process", "partnerskab", "-o", "s.csv")
    samskab("cases", "list", "--process", "partnerskab", "-o", "s.xlsx")
    header, *rows = csv_rows((workdir / "s.csv").read_bytes(), ",")
    organisation = header.index("Partner organisation")
    assert [row[1] for row in rows] == ["'" + title for title in FORMULAS]
    assert [row[organisation] for row in rows] == ["'" + title for title in FORMULAS]

    ws = sheet(workdir / "s.xlsx")
    for row, title in zip(ws.iter_rows(min_row=2), FORMULAS, strict=True):
        for cell in (row[1], row[organisation]):
            assert (cell.value, cell.data_type) == (title, "s")  # text, shown as written
            assert cell.quotePrefix  # and Excel keeps it text when the cell is edited
    assert not ws["B1"].quotePrefix


def test_separators_quotes_and_line_breaks_survive_csv(samskab, workdir):
    partnership(samskab, 'Foreningen "Ø; Å, Æ"', udfordringer="Linje et\nLinje to; med semikolon")
    for lang, separator in (("da", ";"), ("en", ",")):
        printed = samskab("--lang", lang, "cases", "list", "--process", "partnerskab", "--format", "csv")
        _, row = csv_rows(printed.stdout_bytes, separator)
        assert row[1] == 'Foreningen "Ø; Å, Æ"'
        assert "Linje et\nLinje to; med semikolon" in row


def test_files_are_owner_only_and_never_replaced_unasked(samskab, workdir, cases):
    previous = os.umask(0o002)
    try:
        samskab("cases", "list", "-o", "s.xlsx")
        samskab("cases", "show", cases[0], "-o", "sag.html")
    finally:
        os.umask(previous)
    for name in ("s.xlsx", "sag.html"):
        assert stat.S_IMODE((workdir / name).stat().st_mode) == 0o600, name

    kept = (workdir / "s.xlsx").read_bytes()
    refused = samskab("cases", "list", "--search", "Spejder", "-o", "s.xlsx", exit=2)
    assert "Error: s.xlsx already exists" in refused.stderr and "--force replaces it" in refused.stderr
    assert (workdir / "s.xlsx").read_bytes() == kept
    refused = samskab("--lang", "da", "cases", "show", cases[0], "-o", "sag.html", exit=2)
    assert "Fejl: sag.html findes allerede" in refused.stderr and "--force erstatter den" in refused.stderr

    samskab("cases", "list", "--search", "Spejder", "-o", "s.xlsx", "--force")
    assert sheet(workdir / "s.xlsx").max_row == 2
    (workdir / "s.csv").write_text("old")
    (workdir / "s.csv").chmod(0o644)
    samskab("cases", "list", "-o", "s.csv", "--force")
    assert stat.S_IMODE((workdir / "s.csv").stat().st_mode) == 0o600


def test_places_that_cannot_be_written_and_formats_that_do_not_fit_are_clear_errors(samskab, workdir, cases):
    said = samskab("--lang", "da", "cases", "list", "-o", "mangler/s.csv", exit=2).stderr
    assert "Fejl: mangler/s.csv: mappen mangler findes ikke" in said
    (workdir / "mappe.csv").mkdir()
    assert (
        "is a directory"
        in samskab("cases", "list", "--format", "csv", "-o", "mappe.csv", "--force", exit=2).stderr
    )
    assert "--format csv|xlsx" in samskab("cases", "list", "-o", "s.txt", exit=2).stderr
    assert "do not go together" in samskab("cases", "list", "--format", "csv", "--json", exit=2).stderr
    assert "-o writes a file" in samskab("cases", "list", "--format", "text", "-o", "s.csv", exit=2).stderr
    assert "--format html" in samskab("cases", "show", cases[0], "-o", "sag.pdf", exit=2).stderr
    assert "no case 99" in samskab("cases", "show", "99", "-o", "sag.html", exit=1).stderr
    assert not (workdir / "sag.html").exists() and not (workdir / "s.txt").exists()
    assert (
        "no process"
        in samskab("cases", "list", "--process", "partnerskb", "-o", "p.xlsx", exit=1).stderr.lower()
    )


class Page(HTMLParser):
    """What a reader of the page sees (its text) and what it is made of (its tags)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.inside: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.inside.append(tag)

    def handle_endtag(self, tag):
        while self.inside and self.inside.pop() != tag:
            pass

    def handle_data(self, data):
        if data.strip() and not {"style", "title"} & set(self.inside):
            self.texts.append(data.strip())

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def test_a_case_as_a_printable_page_in_danish(samskab, workdir):
    title = "<script>alert('x')</script> & Co"
    number = partnership(samskab, title, tilskud="75000", dialogmoede_dato="2.3.2026")
    samskab(
        "cases", "advance", number, "udform_aftale", "--set", "deltagere=Skoler & <SSP>",
        "--note", "Alle var med\nogså <b>Lions</b>", now="2026-03-12T13:30",
    )  # fmt: skip
    samskab(
        "--lang", "da", "cases", "show", number, "--format", "html", "-o", "sag.html", now="2026-03-13T08:00"
    )
    html = (workdir / "sag.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    page = Page(html)
    tags = [tag for tag, _ in page.tags]
    assert tags.count("script") == 0 and "b" not in tags and "link" not in tags and "img" not in tags
    assert not [a for _, attrs in page.tags for a in attrs if a in ("src", "href") or a.startswith("on")]
    assert ("html", {"lang": "da"}) in page.tags and "style" in tags

    text = page.text
    assert f"Sag {number}: {title}" in text  # the title as text, not a script
    for shown in (
        "Partnerskab med frivillig organisation (version",
        "Skriftlig aftale udformes",  # the step
        "Årligt tilskud (kr.)", "75.000,00 kr.",
        "Dato for dialogmøde", "2.3.2026",
        "Aktører med i dialogen", "Skoler & <SSP>",
        "Frister og påmindelser", "Historik",
        "12.3.2026 14:30",  # the action, in local time
        "Dialogen er holdt: udform aftalen → Skriftlig aftale udformes",
        "Alle var med\nogså <b>Lions</b>",
        "Udskrevet 13.3.2026 09:00",
    ):  # fmt: skip
        assert shown in text, shown

    english = Page(samskab("cases", "show", number, "--format", "html").stdout)  # to standard output
    assert ("html", {"lang": "en"}) in english.tags and "Fields" in english.text and "History" in english.text


def test_a_table_of_a_report_as_a_workbook_of_several_sheets():
    """A report is tables too: each a sheet; any kind of value in its columns."""
    counts = Table(
        "Sager pr. proces",
        (
            Column("process", "Proces", "text"),
            Column("active", "Aktive", "number"),
            Column("avg", "Snit", "number"),
        ),
        (("Partnerskab", 12, 2.5), ("Frivillig", 3, None)),
    )
    money = Table(
        "Sager pr. proces",
        (
            Column("process", "Proces", "text"),
            Column("sum", "Tilskud", "money"),
            Column("at", "Tid", "datetime"),
        ),
        (("Partnerskab", Decimal("1234567.89"), dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC)),),
    )
    data = export.table_file((counts, money), "xlsx", "da", dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Sager pr. proces", "Sager pr. proces (2)"]
    assert [[c.value for c in row] for row in book.worksheets[0].iter_rows()] == [
        ["Proces", "Aktive", "Snit"],
        ["Partnerskab", 12, 2.5],
        ["Frivillig", 3, None],
    ]
    cell = book.worksheets[1]["C2"]
    assert cell.value == dt.datetime(2026, 7, 1, 10, 30)  # summer time
    assert csv_rows(export.table_file((money,), "csv", "da", dt.datetime.now(dt.UTC)), ";")[1] == [
        "Partnerskab",
        "1234567,89",
        "01.07.2026 10:30",
    ]
    assert csv_rows(export.table_file((counts,), "csv", "en", dt.datetime.now(dt.UTC)), ",")[1][2] == "2.5"
    with pytest.raises(BadInput):
        export.table_file((counts, money), "csv", "da", dt.datetime.now(dt.UTC))
    with pytest.raises(ValueError):
        Table("t", (Column("a", "A", "text"),), (("a", "b"),))
    with pytest.raises(ValueError):
        Column("a", "A", "currency")

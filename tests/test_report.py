"""`samskab report` and the lists behind its numbers: a coordinator's six weekly questions,
answered on the demo municipality from the command line (the terminal UI's dashboard is
tested in test_tui.py)."""

import pytest

NOW = "2026-11-23T08:00"


@pytest.fixture
def demo(samskab):
    samskab("demo", now=NOW)
    return lambda *args, **kw: samskab.json(*args, now=kw.pop("now", NOW), **kw)


def process(report, process_id):
    return next(p for p in report["processes"] if p["process"] == process_id)


def counts(items):
    return {item["key"]: item["count"] for item in items}


def test_reviews_due_this_year_with_what_each_side_gives(demo):
    """1. Which partnerships are due for review this year (or overdue), and what did the
    municipality and the organisation each give?"""
    partnerships = process(demo("report", "--year", "2026"), "partnerskab")
    this_year = partnerships["due"][0]
    assert this_year["year"] == 2026 and counts(this_year["steps"])["aktiv"] == 1
    asked = this_year["steps"][[s["key"] for s in this_year["steps"]].index("aktiv")]["cases"]
    assert asked["due"]["start"].startswith("2025-12-31T23:00")  # local midnight, 1 January

    columns = ",".join(partnerships["columns"])
    listed = demo(
        "cases",
        "list",
        "--process",
        "partnerskab",
        "--state",
        "aktiv",
        "--due-in",
        "2026",
        "--columns",
        columns,
    )
    assert [c["title"] for c in listed] == ["FDF: klubaftener for de 10-14-årige"]
    shown = {v["id"]: v["shown"] for v in listed[0]["values"]}
    assert shown["tilskud"] == "DKK 50,000.00"
    assert shown["faciliteter"] and shown["organisationens_bidrag"] and shown["kommunens_bidrag"]
    # Overdue ones are counted apart, and are listed by --overdue as before.
    assert partnerships["overdue"]["count"] == len(
        demo("cases", "list", "--process", "partnerskab", "--overdue")
    )


def test_refusals_this_year_grouped_by_reason(demo):
    """2. How many citizen initiatives were refused this year, and why?"""
    initiatives = process(demo("report", "--year", "2026"), "borgerinitiativ")
    refused = next(o for o in initiatives["outcomes"] if o["state"] == "afvist")
    assert refused["count"] == 4
    reasons = refused["reasons"][0]
    assert reasons["field"] == "afslagsgrund"
    assert counts(reasons["counts"]) == {"rammer": 1, "oekonomi": 2, "findes": 1, "drift": 0, "andet": 0}
    listed = demo(
        "cases",
        "list",
        "--process",
        "borgerinitiativ",
        "--closed-in",
        "2026",
        "--where",
        "afslagsgrund=oekonomi",
    )
    assert len(listed) == 2 and {c["state"] for c in listed} == {"afvist"}
    # Last year's refusal is last year's.
    last_year = process(demo("report", "--year", "2025"), "borgerinitiativ")
    assert next(o for o in last_year["outcomes"] if o["state"] == "afvist")["count"] == 1


def test_what_the_transition_groups_cost(demo):
    """3. What did the transition groups cost, in meeting hours and in money?"""
    groups = process(demo("report"), "omstillingsgruppe")
    totals = {t["field"]: t for t in groups["totals"]}
    assert totals["moedetimer"]["total"] == 675 and totals["moedetimer"]["recorded"] == 2
    assert totals["udgifter"]["total"] == "107500.00"
    assert totals["antal_moeder"]["total"] == 11
    assert groups["missing"] == []


def test_local_forums_without_dialogue_for_a_year(demo):
    """4. Which local forums have not been in dialogue with the council in 12 months?"""
    forums = process(demo("report"), "lokalforum")
    assert forums["quiet"]["count"] == 2
    quiet = forums["quiet"]["cases"]
    assert quiet["quiet_since"].startswith("2025-11-23")
    listed = demo("cases", "list", "--process", "lokalforum")
    assert "Kirke Eskilstrup: dialog om forsamlingshuset" in {c["title"] for c in listed}


def test_citizen_projects_running_now(demo):
    """5. Which citizen-initiated projects are running now?"""
    initiatives = process(demo("report"), "borgerinitiativ")
    assert counts(initiatives["open_steps"])["pilot"] == 1
    in_operation = next(o for o in initiatives["outcomes"] if o["state"] == "drift")
    assert in_operation["count"] == 1
    running = demo("cases", "list", "--process", "borgerinitiativ", "--state", "pilot")
    assert [c["title"] for c in running] == ["Bytte-reol på biblioteket"]


def test_cases_that_reached_quiet_citizens(demo):
    """6. How many cases reached quiet or resource-weak citizens?"""
    initiatives = process(demo("report"), "borgerinitiativ")
    reached = next(b for b in initiatives["breakdowns"] if b["field"] == "stille_borgere")
    assert counts(reached["counts"]) == {"true": 2, "false": 0}
    assert reached["unrecorded"]["count"] == initiatives["active"]["count"] - 2
    listed = demo("cases", "list", "--process", "borgerinitiativ", "--all", "--where", "stille_borgere=ja")
    assert len(listed) == 2


def test_report_as_text_in_danish(samskab):
    samskab("demo", now=NOW)
    text = samskab("--lang", "da", "report", "--process", "borgerinitiativ", now=NOW).stdout
    assert "Rapport for 2026 (opgjort 23.11.2026 09:00)" in text
    assert "Afvist med begrundelse 4" in text
    assert "Grund til afslag: Uden for lovgivning eller kommunens rammer 1 · Ingen økonomi til det 2" in text
    assert "Når idéen stille eller ressourcesvage borgere?: ja 2" in text


def test_what_a_process_does_not_record_is_said(samskab):
    samskab("demo", now=NOW)
    report = samskab.json("report", now=NOW)
    assert process(report, "oversaettelse")["missing"] == ["amounts of money", "hours or other numbers"]
    assert process(report, "frivillig")["missing"] == []
    ended = next(o for o in process(report, "frivillig")["outcomes"] if o["state"] == "stoppet")
    assert ended["notes_only"] is True


def test_an_unknown_process_is_refused(samskab):
    samskab("demo", now=NOW)
    assert "there is no process `nope`" in samskab("report", "--process", "nope", now=NOW, exit=1).stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["report", "--year", "99"], "99 is not a year; give one like 2026"),
        (["report", "--year", "nope"], "'nope' is not a valid integer"),
        (["cases", "list", "--where", "a=b"], "--where and --columns need --process"),
        (["cases", "list", "--process", "borgerinitiativ", "--where", "stile_borgere=ja"], "did you mean"),
        (
            ["cases", "list", "--process", "borgerinitiativ", "--where", "stille_borgere=måske"],
            "stille_borgere:",
        ),
        (["cases", "list", "--process", "borgerinitiativ", "--where", "stille_borgere"], "FIELD=VALUE"),
        (["cases", "list", "--process", "partnerskab", "--columns", "tilskud,nope"], "has no field 'nope'"),
        (["cases", "list", "--due-in", "0"], "0 is not a year"),
    ],
)
def test_bad_questions_are_told_what_would_do(samskab, args, said):
    samskab("demo", now=NOW)
    result = samskab(*args, now=NOW, exit=2)
    assert said in result.stderr


def test_the_report_of_one_owner_counts_and_lists_only_their_cases(demo, samskab):
    everyone = process(demo("report", "--year", "2026"), "partnerskab")
    report = demo("report", "--year", "2026", "--owner", "mette")
    assert report["owner"] == "mette"
    hers = process(report, "partnerskab")
    open_hers = demo("cases", "list", "--process", "partnerskab", "--owner", "mette")
    assert hers["open_total"] == len(open_hers) < everyone["open_total"]
    assert hers["overdue"]["cases"]["owner"] == "mette"  # the list behind a number is hers too
    assert all(p["open_total"] == 0 for p in demo("report", "--year", "2026", "--mine")["processes"])
    assert "Owner: mette" in samskab("report", "--owner", "mette", now=NOW).stdout


def test_the_report_as_a_spreadsheet(samskab, workdir):
    import openpyxl

    samskab("demo", now=NOW)
    samskab("--lang", "da", "report", "-o", "rapport.xlsx", now=NOW)
    assert (workdir / "rapport.xlsx").stat().st_mode & 0o777 == 0o600
    sheet = openpyxl.load_workbook(workdir / "rapport.xlsx").active
    assert [c.value for c in sheet[1]] == ["Proces", "Hvad", "Antal", "Beløb", "I alt"]
    rows = {(r[0].value, r[1].value): r for r in sheet.iter_rows(min_row=2)}
    refused = rows[("Borgerinitiativ", "Afsluttet i året · Afvist med begrundelse")]
    assert refused[2].value == 4
    costs = rows[("Omstillingsgruppe", "Udgifter i alt (kr.) (2 af 4 sager)")]
    assert costs[3].value == 107500 and "kr." in costs[3].number_format
    hours = rows[("Omstillingsgruppe", "Mødetimer i alt (2 af 4 sager)")]
    assert hours[4].value == 675
    # The same numbers as the JSON, a row each.
    report = samskab.json("report", now=NOW)
    assert sum(1 for r in rows if r[0] == "Borgerinitiativ") > len(
        process(report, "borgerinitiativ")["open_steps"]
    )
    text = samskab("report", "--format", "csv", now=NOW).stdout
    assert 'Citizen initiative,"Closed in the year · Refused, with reason",4,,' in text
    assert "already exists" in samskab("report", "-o", "rapport.xlsx", now=NOW, exit=2).stderr
    samskab("report", "-o", "rapport.xlsx", "--force", now=NOW)

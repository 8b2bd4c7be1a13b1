"""Deadlines are rows fired by `samskab tick`, on the clock SAMSKAB_NOW sets."""

from conftest import FORMAL_HEARING


def signed_partnership(samskab, signed="2026-03-01"):
    number = str(
        samskab.json(
            "cases",
            "new",
            "partnerskab",
            "--title",
            "Spejderne",
            "--set",
            "organisation=Spejderne",
            now="2026-01-05",
        )["id"]
    )
    for action, sets in [
        ("udform_aftale", ["dialogmoede_dato=2026-01-10", "deltagere=Alle"]),
        (
            "send_til_underskrift",
            [
                "kommunens_bidrag=Lokaler",
                "organisationens_bidrag=Ledere",
                "tilskud=30000",
                "faciliteter=Hytten",
            ],
        ),
        ("underskriv", [f"underskrevet_dato={signed}", "underskrevet_af=Styregruppen"]),
    ]:
        args = [a for s in sets for a in ("--set", s)]
        samskab("cases", "advance", number, action, *args, now=signed + "T12:00")
    return number


def test_three_year_review_fires_exactly_once_after_its_date(samskab):
    """Signed 1.3.2026: reviewed by the end of 1.3.2029, Danish time; due at the next midnight."""
    number = signed_partnership(samskab)
    assert samskab.json("tick", now="2029-03-01T23:59+01:00")["actions"] == []
    assert samskab.json("cases", "show", number)["state"] == "aktiv"

    first = samskab.json("tick", now="2029-03-02T00:00+01:00")
    assert [(e["case"], e["action"]) for e in first["actions"]] == [(int(number), "start_revision")]
    again = samskab.json("tick", now="2029-03-02T08:00")
    assert again["reminders"] == again["deadlines"] == again["actions"] == []

    case = samskab.json("cases", "show", number, now="2029-03-02T08:00")
    assert case["state"] == "revision"
    revision_events = [e for e in case["history"] if e["action"] == "start_revision"]
    assert len(revision_events) == 1 and revision_events[0]["actor"] == "samskab"


def test_reminders_fire_once_each_before_the_review(samskab):
    number = signed_partnership(samskab)
    assert samskab.json("tick", now="2028-08-31T23:59+02:00")["reminders"] == []
    six_months = samskab.json("tick", now="2028-09-01T00:00+02:00")["reminders"]
    assert [e["case"] for e in six_months] == [int(number)]
    assert samskab.json("tick", now="2028-09-02")["reminders"] == []
    three_months = samskab.json("tick", now="2028-12-01T00:00+01:00")["reminders"]
    assert len(three_months) == 1 and "fristen er 1.3.2029" in three_months[0]["note"]
    kinds = [e["kind"] for e in samskab.json("cases", "show", number)["history"]]
    assert kinds.count("reminder") == 2


def test_overdue_without_automatic_action_is_marked_and_listed(samskab):
    number = str(samskab.json("cases", "new", "partnerskab", "--title", "Røde Kors", now="2026-01-05")["id"])
    samskab(
        "cases",
        "advance",
        number,
        "udform_aftale",
        "--set",
        "organisation=Røde Kors",
        "--set",
        "dialogmoede_dato=2026-01-10",
        "--set",
        "deltagere=Alle",
        now="2026-01-12",
    )
    samskab(
        "cases",
        "advance",
        number,
        "send_til_underskrift",
        "--set",
        "kommunens_bidrag=a",
        "--set",
        "organisationens_bidrag=b",
        "--set",
        "tilskud=1",
        "--set",
        "faciliteter=c",
        now="2026-02-01",
    )
    # Six weeks for the steering group to sign.
    assert samskab.json("cases", "list", "--overdue", now="2026-03-14T23:59") == []
    overdue = samskab.json("cases", "list", "--overdue", now="2026-03-15")
    assert [c["id"] for c in overdue] == [int(number)] and overdue[0]["overdue"]
    fired = samskab.json("tick", now="2026-03-15")
    assert [e["case"] for e in fired["deadlines"]] == [int(number)]
    assert samskab.json("tick", now="2026-03-16")["deadlines"] == []
    # Leaving the step closes its deadline.
    samskab(
        "cases",
        "advance",
        number,
        "underskriv",
        "--set",
        "underskrevet_dato=2026-03-20",
        "--set",
        "underskrevet_af=Styregruppen",
        now="2026-03-20",
    )
    assert samskab.json("cases", "list", "--overdue", now="2026-03-21") == []


def test_renewal_opens_a_linked_case_whose_three_years_count_from_its_own_signature(samskab):
    number = signed_partnership(samskab)
    samskab("tick", now="2029-03-02")
    refused = samskab("cases", "advance", number, "forny", now="2029-03-10", exit=1)
    assert "required fields are empty: Evaluation of the term" in refused.stderr
    ended = samskab.json("cases", "advance", number, "forny", "--set", "evaluering=God", now="2029-03-10")
    assert ended["state"] == "fornyet" and ended["closed_at"] and ended["deadlines"] == []
    [link] = ended["links"]
    assert (link["kind"], link["direction"], link["said"]) == ("fornyelse_af", "from", "renewed by")
    renewal = samskab.json("cases", "show", str(link["case"]["id"]), now="2029-03-10")
    assert renewal["state"] == "dialog" and renewal["title"] == "Spejderne: fornyet partnerskab"
    assert [(x["kind"], x["direction"], x["case"]["id"]) for x in renewal["links"]] == [
        ("fornyelse_af", "to", int(number))
    ]
    assert "underskrevet_dato" not in renewal["fields"]  # the new agreement is made afresh
    renewal_number = str(renewal["id"])
    for action, values in (
        ("udform_aftale", ["dialogmoede_dato=2029-03-12", "deltagere=Alle"]),
        (
            "send_til_underskrift",
            ["kommunens_bidrag=a", "organisationens_bidrag=b", "tilskud=1000", "faciliteter=c"],
        ),
        ("underskriv", ["underskrevet_dato=2029-04-10", "underskrevet_af=Styregruppen"]),
    ):
        case = samskab.json(
            "cases", "advance", renewal_number, action, *(f"--set={v}" for v in values), now="2029-04-10"
        )
    assert case["state"] == "aktiv"
    due = [(d["day"], d["due_at"]) for d in case["deadlines"] if d["kind"] == "deadline"]
    assert due == [("2032-04-10", "2032-04-10T22:00:00+00:00")]  # the next Danish midnight (summer time)


def test_bad_clock_is_a_clear_error(samskab):
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    result = samskab("tick", now="next tuesday", exit=2)
    assert "SAMSKAB_NOW: 'next tuesday' is not a date or a time" in result.stderr


def test_a_reminder_whose_deadline_passed_is_skipped_not_sent(samskab):
    """Cron was off for months: the reminders before the review are not sent late."""
    number = signed_partnership(samskab)
    late = samskab.json("tick", now="2029-03-02T08:00")
    assert late["reminders"] == [] and [e["case"] for e in late["skipped"]] == [int(number)] * 2
    assert [e["action"] for e in late["actions"]] == ["start_revision"]
    history = samskab.json("--lang", "da", "cases", "show", number, now="2029-03-02T08:00")["history"]
    notes = [e["note"] for e in history if e["kind"] == "reminder"]
    assert notes == ["Aktivt partnerskab: påmindelse sprunget over, fristen (1.3.2029) er overskredet"] * 2
    again = samskab.json("tick", now="2029-03-03")
    assert again["skipped"] == again["reminders"] == again["failed"] == []


def test_a_case_that_fails_in_tick_is_recorded_and_tick_goes_on(samskab, register_plugin):
    """A plugin that raises for one case: that case says so in its history, once; the
    other case's deadline fires as usual."""
    from samskab.engine.hookspecs import hookimpl

    class Flaky:
        @hookimpl
        def before_action(self, case, action):
            if case.title == "Boom" and action == "luk_hoering":
                raise RuntimeError("the budget service is down")

    register_plugin(Flaky())
    numbers = {}
    for title in ("Boom", "Fint"):
        made = samskab.json(
            "cases", "new", "hoering", "--title", title, "--set", "dokument=Politik", now="2026-02-01"
        )
        numbers[title] = made["id"]
        samskab(
            "cases",
            "advance",
            str(made["id"]),
            "send_i_hoering",
            *FORMAL_HEARING,
            now="2026-02-02",
        )
    said = samskab("tick", now="2026-03-16T08:00").stdout
    assert f"case {numbers['Fint']}: luk_hoering" in said
    assert "2 stale reminder(s) skipped, 1 deadline(s) samskab could not handle" in said
    fint = samskab.json("cases", "show", str(numbers["Fint"]), now="2026-03-16T09:00")
    assert fint["state"] == "sammenfatning"
    boom = samskab.json("--lang", "da", "cases", "show", str(numbers["Boom"]), now="2026-03-16T09:00")
    assert boom["state"] == "i_hoering"
    assert boom["history"][-1]["note"] == (
        "samskab kunne ikke håndtere en frist: RuntimeError: the budget service is down"
    )
    assert samskab.json("tick", now="2026-03-17")["failed"] == []

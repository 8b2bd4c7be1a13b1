"""Deadlines in the municipality's local time (Europe/Copenhagen), across the changes to
and from summer time (the last Sundays of March and October), with SAMSKAB_NOW."""

import pytest
from test_process_rules import advance, new, overdue_ids


def forum_evaluated_by(samskab, last_day: str) -> str:
    """A local forum whose evaluation date (a date field, P0D) is ``last_day``."""
    number = new(samskab, "lokalforum", "lokalomraade=Tølløse", "henvendelse=Legeplads", now="2026-01-05")
    advance(samskab, number, "tildel_kontaktperson", "kommunal_kontakt=Mette", now="2026-01-06")
    advance(
        samskab, number, "hold_dialogmoede", "dialogmoede_dato=2026-01-07", "deltagere=Alle", now="2026-01-08"
    )
    advance(
        samskab,
        number,
        "aftal_stoette",
        "stoette=projekt",
        "aftale=Legeplads",
        f"evalueringsfrist={last_day}",
        now="2026-01-09",
    )
    return number


@pytest.mark.parametrize(
    "last_day, still_in_time, overdue",
    [
        ("2026-03-29", "2026-03-29T23:59:59+02:00", "2026-03-30T00:00+02:00"),  # summer time begins
        ("2026-10-25", "2026-10-25T23:59:59+01:00", "2026-10-26T00:00+01:00"),  # summer time ends
        ("2026-03-28", "2026-03-28T23:59:59+01:00", "2026-03-29T00:00+01:00"),  # the day before
        ("2026-10-24", "2026-10-24T23:59:59+02:00", "2026-10-25T00:00+02:00"),
        ("2026-12-23", "2026-12-23T23:59:59+01:00", "2026-12-24T00:00+01:00"),
        ("2026-07-01", "2026-07-01T23:59:59+02:00", "2026-07-02T00:00+02:00"),
    ],
)
def test_a_date_deadline_runs_to_the_end_of_its_local_day(samskab, last_day, still_in_time, overdue):
    number = int(forum_evaluated_by(samskab, last_day))
    assert overdue_ids(samskab, still_in_time) == []
    assert samskab.json("tick", now=still_in_time)["deadlines"] == []
    assert overdue_ids(samskab, overdue) == [number]
    fired = samskab.json("tick", now=overdue)["deadlines"]
    assert [e["case"] for e in fired] == [number]
    assert samskab.json("tick", now=overdue)["deadlines"] == []  # once
    [deadline] = [
        d
        for d in samskab.json("cases", "show", str(number))["deadlines"]
        if (d["kind"], d["rule"]) == ("deadline", "evaluering")
    ]
    assert deadline["day"] == last_day
    shown = samskab("--lang", "da", "cases", "show", str(number), now=still_in_time).stdout
    day, month, year = last_day[8:].lstrip("0"), last_day[5:7].lstrip("0"), last_day[:4]
    assert f"{day}.{month}.{year}  frist" in shown


@pytest.mark.parametrize(
    "sent, closes_at",
    [
        # Sent at 10:00 Danish time: closes six weeks later at 10:00 Danish time, summer or not.
        ("2026-03-02T10:00+01:00", "2026-04-13T10:00+02:00"),
        ("2026-09-28T10:00+02:00", "2026-11-09T10:00+01:00"),
    ],
)
def test_a_timed_deadline_keeps_its_local_hour_across_summer_time(samskab, sent, closes_at):
    number = new(samskab, "hoering", "dokument=Politik", now=sent)
    advance(
        samskab,
        number,
        "send_i_hoering",
        "hoeringsparter=Alle",
        "hoeringsform=formel",
        "hoer_ungebyraadet=nej",
        now=sent,
    )
    before = closes_at.replace("10:00", "09:59")
    assert samskab.json("tick", now=before)["actions"] == []
    assert [e["action"] for e in samskab.json("tick", now=closes_at)["actions"]] == ["luk_hoering"]


def test_times_are_shown_in_local_time(samskab):
    number = new(samskab, "hoering", "dokument=Politik", now="2026-07-01T08:30Z")
    shown = samskab("--lang", "da", "cases", "show", number, now="2026-07-01T09:00Z").stdout
    assert "1.7.2026 10:30" in shown  # summer: UTC+2
    winter = new(samskab, "hoering", "dokument=Politik", now="2026-12-01T08:30Z")
    assert "1.12.2026 09:30" in samskab("--lang", "da", "cases", "show", winter).stdout


def test_the_time_zone_is_the_municipalitys(samskab, workdir):
    (workdir / "samskab.toml").write_text('timezone = "Atlantic/Reykjavik"\n')  # UTC all year
    number = int(forum_evaluated_by(samskab, "2026-07-01"))
    assert overdue_ids(samskab, "2026-07-01T23:59:59Z") == []
    assert overdue_ids(samskab, "2026-07-02T00:00Z") == [number]
    (workdir / "samskab.toml").write_text('timezone = "Europe/Kobenhavn"\n')
    refused = samskab("cases", "list", exit=2)
    assert "timezone: unknown time zone 'Europe/Kobenhavn'" in refused.stderr
    assert "Europe/Copenhagen" in refused.stderr

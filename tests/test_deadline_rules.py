"""Deadlines as municipal processes need them: several per step, recurring without
drifting, before a date, on a day of the year, in working days that skip Danish public
holidays; through the command line, on the clock SAMSKAB_NOW sets."""

import datetime as dt
import re
from pathlib import Path

import holidays
import icalendar
import pytest
from conftest import FORMAL_HEARING
from hypothesis import given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from samskab.engine import durations

DOC = (Path(__file__).parent.parent / "docs" / "customising.md").read_text(encoding="utf-8")
POLICY = re.search(r'```toml\n(id = "frivilligpolitik".*?)```', DOC, re.S)[1]
"""The worked example of docs/customising.md, as a municipality would copy it."""


@pytest.fixture
def policy(samskab, workdir):
    """The volunteer policy of docs/customising.md in the municipality's processes."""
    (workdir / "processes").mkdir()
    (workdir / "processes" / "frivilligpolitik.toml").write_text(POLICY, encoding="utf-8")
    (workdir / "samskab.toml").write_text('processes = ["processes"]\n')
    return samskab


def deadlines(samskab, number, now=None):
    """The case's open deadlines: {id: last day}."""
    shown = samskab.json("cases", "show", str(number), now=now)["deadlines"]
    return {d["rule"]: d["day"] for d in shown if d["kind"] == "deadline"}


def fired(report):
    """What a tick did: (kind, case, note) of each deadline, reminder and action."""
    return sorted(
        (kind, e["case"], e["note"] or e["action"])
        for kind in ("deadlines", "reminders", "actions", "skipped")
        for e in report[kind]
    )


def adopted(samskab, meeting="2026-05-20", adopted_on="2026-05-20"):
    number = samskab.json(
        "cases", "new", "frivilligpolitik", "--title", "Frivillighedspolitik 2026",
        "--set", f"byraadsmoede={meeting}", now="2026-04-01T10:00",
    )["id"]  # fmt: skip
    samskab(
        "cases", "advance", str(number), "vedtag", "--set", f"vedtaget_dato={adopted_on}",
        now=f"{adopted_on}T15:00",
    )  # fmt: skip
    return number


def test_two_weeks_before_the_council_meeting(policy):
    """The draft is due two weeks before the council meeting: by the end of 6.5.2026."""
    number = policy.json(
        "cases", "new", "frivilligpolitik", "--title", "Politik",
        "--set", "byraadsmoede=2026-05-20", now="2026-04-01T10:00",
    )["id"]  # fmt: skip
    assert deadlines(policy, number) == {None: "2026-05-06"}
    shown = policy("--lang", "da", "cases", "show", str(number), now="2026-04-01T10:00").stdout
    assert "6.5.2026  frist: Udkast klar (2 uger før datoen i «Byrådsmøde (dato)»)" in shown
    assert fired(policy.json("tick", now="2026-04-29T00:00+02:00")) == [
        ("reminders", number, "Udkast til byrådet – Udkast klar: påmindelse, fristen er 6.5.2026")
    ]
    assert fired(policy.json("tick", now="2026-05-06T23:59+02:00")) == []
    assert fired(policy.json("tick", now="2026-05-07T00:00+02:00")) == [
        ("deadlines", number, "Udkast til byrådet – Udkast klar: fristen er overskredet (6.5.2026)")
    ]
    assert fired(policy.json("tick", now="2026-05-08")) == []


def test_a_yearly_status_meeting_and_a_four_year_revision_each_fire_once(policy):
    number = adopted(policy)
    assert deadlines(policy, number, now="2026-05-20T15:00") == {
        "statusmoede": "2027-05-20",
        "revision": "2030-05-20",
    }
    for year in (2027, 2028, 2029):
        reminder = policy.json("tick", now=f"{year}-04-20T00:00+02:00")
        assert fired(reminder) == [
            (
                "reminders",
                number,
                f"Politikken gælder – Årligt statusmøde: påmindelse, fristen er 20.5.{year}",
            )
        ]
        assert fired(policy.json("tick", now=f"{year}-05-20T23:59+02:00")) == []
        passed = policy.json("tick", now=f"{year}-05-21T00:00+02:00")
        assert fired(passed) == [
            (
                "deadlines",
                number,
                f"Politikken gælder – Årligt statusmøde: fristen er overskredet (20.5.{year})",
            )
        ]
        assert fired(policy.json("tick", now=f"{year}-05-22")) == []
        # The next meeting is planned; the revision stays where it was; not overdue.
        assert deadlines(policy, number, now=f"{year}-05-22") == {
            "statusmoede": f"{year + 1}-05-20",
            "revision": "2030-05-20",
        }
        assert policy.json("cases", "list", "--overdue", now=f"{year}-05-22") == []
    six_months = policy.json("tick", now="2029-11-20T00:00+01:00")
    assert [e["case"] for e in six_months["reminders"]] == [number]
    assert "Revision efter 4 år" in six_months["reminders"][0]["note"]
    revision = policy.json("tick", now="2030-05-21T00:00+02:00")
    assert [(e["case"], e["action"]) for e in revision["actions"]] == [(number, "start_revision")]
    assert revision["deadlines"] == []  # the fourth meeting is the revision's
    assert fired(policy.json("tick", now="2030-05-22")) == []
    case = policy.json("cases", "show", str(number), now="2030-05-22")
    assert case["state"] == "revision"
    kinds = [(e["kind"], e["action"]) for e in case["history"]]
    assert kinds.count(("deadline", None)) == 3 and kinds.count(("action", "start_revision")) == 1
    # 20 working days after 21.5.2030: Ascension Day 30.5 and Whit Monday 10.6 are holidays.
    assert deadlines(policy, number, now="2030-05-22") == {None: "2030-06-20"}
    assert str(working_days_after(dt.date(2030, 5, 21), 20)) == "2030-06-20"
    assert policy("audit", "verify").stdout.startswith("ok:")


def test_a_new_adoption_starts_the_series_again_from_its_date(policy):
    number = adopted(policy)
    policy("tick", now="2030-05-21T00:00+02:00")
    case = policy.json(
        "cases", "advance", str(number), "vedtag", "--set", "vedtaget_dato=2030-06-15", now="2030-06-15T12:00"
    )
    assert {d["rule"]: d["day"] for d in case["deadlines"] if d["kind"] == "deadline"} == {
        "statusmoede": "2031-06-15",
        "revision": "2034-06-15",
    }


def one_step(workdir, *deadline_lines: str, fields=("start",), more: str = "") -> None:
    """A process ``proeve`` whose one open step has these deadlines, counted from the
    date fields ``fields`` (asked for when a case is opened); ``more``: TOML added."""
    (workdir / "processes").mkdir(exist_ok=True)
    quoted = ", ".join(f'"{f}"' for f in fields)
    defined = "".join(f'[[fields]]\nid = "{f}"\ntype = "date"\nlabel = "{f.title()}"\n\n' for f in fields)
    (workdir / "processes" / "proeve.toml").write_text(
        f"""id = "proeve"
version = 1
level = "kommune"
title = "Prøve"
description = "Frister"

[start]
fields = [{quoted}]
requires = [{quoted}]

[[roles]]
id = "koordinator"
title = "Koordinator"

{defined}[[states]]
id = "aktiv"
initial = true
title = "Aktiv"
deadlines = [
{"".join(f"    {line},{chr(10)}" for line in deadline_lines)}]

[[states]]
id = "slut"
final = true
title = "Slut"

[[actions]]
id = "afslut"
title = "Afslut"
from = "aktiv"
to = "slut"
roles = ["koordinator"]
{more}""",
        encoding="utf-8",
    )
    (workdir / "samskab.toml").write_text('processes = ["processes"]\n')


def opened(samskab, now, **dates):
    sets = [a for name, day in dates.items() for a in ("--set", f"{name}={day}")]
    return samskab.json("cases", "new", "proeve", "--title", "Prøve", *sets, now=now)["id"]


def test_a_yearly_deadline_from_29_february_does_not_drift(samskab, workdir):
    one_step(
        workdir, '{ id = "aar", title = "Årlig", every = "P1Y", from_field = "start", reminders = ["P1M"] }'
    )
    number = opened(samskab, "2028-03-01T09:00", start="2028-02-29")
    expected = ["2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29", "2033-02-28"]
    for last_day in expected:
        assert deadlines(samskab, number) == {"aar": last_day}
        day = dt.date.fromisoformat(last_day)
        assert fired(samskab.json("tick", now=f"{last_day}T23:59:59+01:00"))[0][0] == "reminders"
        passed = samskab.json("tick", now=f"{day + dt.timedelta(days=1)}T00:00+01:00")
        assert [e["case"] for e in passed["deadlines"]] == [number]
        assert fired(samskab.json("tick", now=f"{day + dt.timedelta(days=2)}")) == []
    history = samskab.json("cases", "show", str(number))["history"]
    assert [e["note"] for e in history if e["kind"] == "deadline"] == [
        f"Aktiv – Årlig: fristen er overskredet ({int(d[8:])}.{int(d[5:7])}.{d[:4]})" for d in expected
    ]


def test_a_monthly_deadline_from_the_31st_lands_on_each_months_last_day(samskab, workdir):
    one_step(workdir, '{ id = "maaned", title = "Månedlig", every = "P1M", from_field = "start" }')
    number = opened(samskab, "2026-01-31T09:00", start="2026-01-31")
    seen = []
    for _ in range(6):
        due = deadlines(samskab, number)["maaned"]
        seen.append(due)
        samskab("tick", now=f"{dt.date.fromisoformat(due) + dt.timedelta(days=1)}T12:00")
    assert seen == ["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31"]


def test_every_half_year_from_entering_keeps_its_hour_across_summer_time(samskab, workdir):
    """Counted from the moment the step was reached (10:00 Danish time), not from when
    each one fired: ticks that come late do not move the series."""
    one_step(workdir, '{ id = "halvaar", title = "Halvårlig", every = "P6M" }')
    number = opened(samskab, "2026-01-15T10:00+01:00", start="2026-01-15")
    expected = [
        "2026-07-15T08:00:00+00:00",  # 10:00 summer time
        "2027-01-15T09:00:00+00:00",  # 10:00 winter time
        "2027-07-15T08:00:00+00:00",
        "2028-01-15T09:00:00+00:00",
    ]
    for due_at in expected:
        [row] = [
            d for d in samskab.json("cases", "show", str(number))["deadlines"] if d["kind"] == "deadline"
        ]
        assert row["due_at"] == due_at
        late = dt.datetime.fromisoformat(due_at) + dt.timedelta(days=3, hours=5)
        assert [e["case"] for e in samskab.json("tick", now=late.isoformat())["deadlines"]] == [number]


def test_every_year_on_a_day_and_the_next_such_day(samskab, workdir):
    one_step(
        workdir,
        '{ id = "marts", title = "Årligt statusmøde", every = "P1Y", on = { month = 3, day = 15 }, reminders = ["P2W"] }',
        '{ id = "budget", title = "Budgetforslag", on = { month = 10, day = 1 }, before_working_days = 1 }',
    )
    number = opened(samskab, "2026-03-16T09:00", start="2026-03-16")
    assert deadlines(samskab, number) == {"marts": "2027-03-15", "budget": "2026-09-30"}
    samskab("tick", now="2026-10-01T00:00+02:00")  # the budget proposal, once
    for year in (2027, 2028, 2029):
        samskab("tick", now=f"{year}-03-16T00:00+01:00")
        assert deadlines(samskab, number) == {"marts": f"{year + 1}-03-15", "budget": "2026-09-30"}
    shown = samskab("--lang", "da", "processes", "show", "proeve").stdout
    assert "Årligt statusmøde: hver 15. marts; påmindelse 2 uger før" in shown
    assert "Budgetforslag: 1 arbejdsdag før den næste 1. oktober" in shown
    english = samskab("processes", "show", "proeve").stdout
    assert "Årligt statusmøde: every year on 15 March; reminder 2 weeks before" in english


KNOWN_HOLIDAYS = {
    dt.date(2026, 4, 2): "Skærtorsdag",
    dt.date(2026, 4, 3): "Langfredag",
    dt.date(2026, 4, 6): "2. påskedag",
    dt.date(2026, 12, 25): "1. juledag",
    dt.date(2026, 12, 26): "2. juledag",
    dt.date(2027, 3, 25): "Skærtorsdag",
    dt.date(2027, 3, 26): "Langfredag",
    dt.date(2027, 3, 29): "2. påskedag",
}


def working_days_after(day: dt.date, count: int) -> dt.date:
    """Counted here with the holidays package itself, to check samskab against."""
    danish = holidays.Denmark(years=range(day.year - 1, day.year + 2))
    step = 1 if count > 0 else -1
    while count:
        day += dt.timedelta(days=step)
        if day.weekday() < 5 and day not in danish:
            count -= step
    return day


def test_working_days_skip_easter_and_christmas(samskab, workdir):
    danish = holidays.Denmark(years=[2026, 2027])
    assert all(day in danish for day in KNOWN_HOLIDAYS)
    assert dt.date(2026, 12, 24) not in danish  # Christmas Eve is no public holiday
    one_step(
        workdir,
        '{ id = "efter", title = "Tre arbejdsdage efter", after_working_days = 3, from_field = "start" }',
        '{ id = "foer", title = "To arbejdsdage før", before_working_days = 2, from_field = "start" }',
        '{ id = "naaet", title = "Ti arbejdsdage", after_working_days = 10 }',
    )
    cases = {
        # start: (3 working days after, 2 before, 10 after opening on that day at 09:00)
        "2026-04-01": ("2026-04-09", "2026-03-30", "2026-04-20"),  # over Easter 2026
        "2026-04-07": ("2026-04-10", "2026-03-31", "2026-04-21"),
        "2026-12-23": ("2026-12-29", "2026-12-21", "2027-01-08"),  # Christmas and New Year
        "2027-03-24": ("2027-04-01", "2027-03-22", "2027-04-12"),  # over Easter 2027
        "2027-12-23": ("2027-12-28", "2027-12-21", "2028-01-06"),
    }
    for start, (after, before, reached) in cases.items():
        day = dt.date.fromisoformat(start)
        assert (str(working_days_after(day, 3)), str(working_days_after(day, -2))) == (after, before)
        assert str(working_days_after(day, 10)) == reached
        number = opened(samskab, f"{start}T09:00", start=start)
        assert deadlines(samskab, number, now=f"{start}T09:00") == {
            "efter": after,
            "foer": before,
            "naaet": reached,
        }
    shown = samskab("--lang", "da", "processes", "show", "proeve").stdout
    assert "Ti arbejdsdage: 10 arbejdsdage efter at trinnet er nået" in shown
    assert "To arbejdsdage før: 2 arbejdsdage før datoen i «Start»" in shown
    # Each falls due at the end of its working day, once.
    first = samskab.json("tick", now="2026-04-10T00:00+02:00")
    assert sorted(e["note"] for e in first["deadlines"] if e["case"] == 1) == [
        "Aktiv – To arbejdsdage før: fristen er overskredet (30.3.2026)",
        "Aktiv – Tre arbejdsdage efter: fristen er overskredet (9.4.2026)",
    ]
    assert samskab.json("tick", now="2026-04-10T00:00+02:00")["deadlines"] == []


def test_processes_show_says_every_deadline_in_text_json_and_mermaid(policy):
    shown = policy("--lang", "da", "processes", "show", "frivilligpolitik").stdout
    block = re.search(r"`samskab --lang da processes show frivilligpolitik`.*?```\n(.*?)```", DOC, re.S)[1]
    for line in block.splitlines():
        assert line in shown
    english = policy("processes", "show", "frivilligpolitik").stdout
    assert (
        "Deadline: Yearly status meeting: every year after the date in «Adopted (date)»; reminder 1 month before"
        in english
    )
    assert "Deadline: 20 working days after entering the step; reminder 1 week before" in english
    view = policy.json("processes", "show", "frivilligpolitik")
    step = next(s for s in view["states"] if s["id"] == "gaelder")
    assert [(d["id"], d["every"], d["after"], d["from_field"]) for d in step["deadlines"]] == [
        ("statusmoede", "P1Y", None, "vedtaget_dato"),
        ("revision", None, "P4Y", "vedtaget_dato"),
    ]
    assert step["deadline"]["id"] == "statusmoede"  # the first, for scripts that read one
    mermaid = policy("--lang", "da", "processes", "show", "frivilligpolitik", "--format", "mermaid").stdout
    assert "    note right of gaelder\n        ⏱ Årligt statusmøde: hvert år efter" in mermaid
    assert "Revision efter 4 år: 4 år efter datoen i «Vedtaget (dato)»" in mermaid


def test_the_calendar_has_one_event_per_planned_occurrence_with_its_own_alarms(policy, workdir):
    number = adopted(policy)
    policy("--lang", "da", "calendar", "-o", "frister.ics", now="2026-06-01")
    data = (workdir / "frister.ics").read_bytes()
    events = {str(e["summary"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    status = events["Frist: Frivillighedspolitik 2026 – Politikken gælder – Årligt statusmøde"]
    revision = events["Frist: Frivillighedspolitik 2026 – Politikken gælder – Revision efter 4 år"]
    assert (status["dtstart"].dt, revision["dtstart"].dt) == (dt.date(2027, 5, 20), dt.date(2030, 5, 20))
    assert [a["trigger"].dt for a in status.walk("VALARM")] == [
        dt.datetime(2027, 4, 19, 22, 0, tzinfo=dt.UTC)  # a month before the last day, 00:00 Danish time
    ]
    assert [a["trigger"].dt.date() for a in revision.walk("VALARM")] == [dt.date(2029, 11, 19)]
    parsed = IcsCalendarStream.calendar_from_ics(data.decode())
    assert sorted(e.dtstart for e in parsed.events) == [dt.date(2027, 5, 20), dt.date(2030, 5, 20)]

    # When the meeting has passed, the next one takes its place, with a new UID.
    policy("tick", now="2027-05-21T00:00+02:00")
    again = icalendar.Calendar.from_ical(policy("--lang", "da", "calendar", now="2027-05-22").stdout)
    later = {str(e["summary"]): e for e in again.walk("VEVENT")}
    moved = later["Frist: Frivillighedspolitik 2026 – Politikken gælder – Årligt statusmøde"]
    assert moved["dtstart"].dt == dt.date(2028, 5, 20) and moved["uid"] != status["uid"]
    kept = later["Frist: Frivillighedspolitik 2026 – Politikken gælder – Revision efter 4 år"]
    assert kept["uid"] == revision["uid"]
    listed = policy.json("calendar", now="2027-05-22")
    assert sorted(e["day"] for e in listed if e["case"] == number) == ["2028-05-20", "2030-05-20"]


@pytest.mark.parametrize(
    "deadline, line_says",
    [
        (
            '{ id = "a", title = "A", before = "P2W" }',
            "states[0].deadlines[0].before: `before` counts back from a date, and this deadline has none"
            " (give the date field in `from_field`, or a day of the year in `on`)",
        ),
        (
            '{ id = "a", title = "A", every = "P1Y", on = { month = 2, day = 30 } }',
            "states[0].deadlines[0].on: month 2 has no day 30 (write e.g. on = { month = 3, day = 15 })",
        ),
        (
            '{ id = "a", title = "A", every = "P2Y", on = { month = 3, day = 15 } }',
            "states[0].deadlines[0].every: a deadline `on` a day of the year repeats every year or not at all",
        ),
        (
            '{ id = "a", title = "A", every = "P1M", from_field = "start", reminders = ["P5W"] }',
            "states[0].deadlines[0].reminders[0]: a reminder P5W before comes before the previous occurrence"
            " is due (every P1M) (remind less than P1M before)",
        ),
        (
            '{ id = "a", title = "A", after = "P1W", after_working_days = 5 }',
            "states[0].deadlines[0].after_working_days: a deadline has one of `after`, `before`,"
            " `after_working_days`, `before_working_days`; this one has `after` and `after_working_days`",
        ),
        (
            '{ id = "a", title = "A", after_working_days = 0 }',
            "states[0].deadlines[0].after_working_days: 0 is not a number of working days from 1 to 2600",
        ),
        (
            '{ title = "A", after = "P1W" }',
            "states[0].deadlines[0]: each of a step's `deadlines` needs an `id`",
        ),
        (
            '{ id = "a", after = "P1W" }',
            "states[0].deadlines[0]: each of a step's `deadlines` needs a `title`, so people see which is which",
        ),
        (
            '{ id = "a", title = "A", every = "PT6H" }',
            "states[0].deadlines[0].every: `PT6H` repeats more often than once a day",
        ),
        (
            '{ id = "a", title = "A", from_field = "start", on = { month = 1, day = 1 } }',
            "states[0].deadlines[0].on: a deadline counts from `from_field` or from `on`, not both",
        ),
        (
            '{ id = "a", title = "A", on = "--03-15" }',
            "states[0].deadlines[0].on: expected a table such as { month = 3, day = 15 }, got the text '--03-15'",
        ),
        (
            '{ id = "a", title = "A", after_working_days = "10" }',
            "states[0].deadlines[0].after_working_days: expected a whole number, got the text '10'",
        ),
        (
            '{ id = "a", title = "A", every = "yearly" }',
            "states[0].deadlines[0].every: `yearly` is not an ISO 8601 duration",
        ),
    ],
)
def test_every_mistake_is_said_with_its_line_and_a_suggestion(samskab, workdir, deadline, line_says):
    one_step(workdir, '{ id = "ok", title = "Ok", after = "P1W" }', deadline)
    err = samskab("processes", "check", "processes", exit=2).stderr
    place = line_says.replace("deadlines[0]", "deadlines[1]")
    # deadlines = [ is line 24 of the file; the second item is on line 26.
    assert f"proeve.toml:26: {place}" in err, err


def test_deadline_and_deadlines_in_one_step_and_duplicate_ids(samskab, workdir):
    one_step(workdir, '{ id = "a", title = "A", after = "P1W" }', '{ id = "a", title = "B", after = "P2W" }')
    path = workdir / "processes" / "proeve.toml"
    path.write_text(
        path.read_text().replace('title = "Aktiv"\n', 'title = "Aktiv"\ndeadline = { after = "P1W" }\n')
    )
    err = samskab("processes", "check", "processes", exit=2).stderr
    assert "states[0].deadlines: a step has `deadline` or `deadlines`, not both" in err
    assert "(move the `deadline` into `deadlines`, with an `id` and a `title`)" in err
    assert "proeve.toml:27: states[0].deadlines[1].id: duplicate id `a` (give each one its own id)" in err


def test_a_database_from_before_several_deadlines_per_step_keeps_running(samskab, workdir):
    """Made before a deadline row said which deadline of its step it is: the migration
    adds the columns, and the old rows are the step's one deadline, firing as before."""
    import sqlite3

    number = samskab.json(
        "cases", "new", "hoering", "--title", "Politik", "--set", "dokument=Udkast", now="2026-02-01"
    )["id"]
    samskab(
        "cases",
        "advance",
        str(number),
        "send_i_hoering",
        *FORMAL_HEARING,
        now="2026-02-02T10:00",
    )
    with sqlite3.connect(workdir / "samskab.db") as conn:  # as a samskab from before left it
        conn.execute("ALTER TABLE deadlines DROP COLUMN rule")
        conn.execute("ALTER TABLE deadlines DROP COLUMN anchor")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm011_deadline_rules'")
    assert deadlines(samskab, number) == {None: "2026-03-16"}
    fired_now = samskab.json("tick", now="2026-03-16T12:00+01:00")
    assert [(e["case"], e["action"]) for e in fired_now["actions"]] == [(number, "luk_hoering")]
    assert samskab.json("tick", now="2026-03-17")["actions"] == []
    assert samskab("audit", "verify").stdout.startswith("ok:")


def test_the_json_schema_knows_deadlines_on_days_and_working_days(samskab):
    import json
    import tomllib

    import jsonschema

    schema = json.loads(samskab("processes", "schema").stdout)
    jsonschema.validate(tomllib.loads(POLICY), schema)
    deadline = schema["$defs"]["Deadline"]["properties"]
    assert {"id", "title", "every", "on", "before", "after_working_days", "before_working_days"} <= set(
        deadline
    )
    wrong = tomllib.loads(
        POLICY.replace('every = "P1Y", from_field = "vedtaget_dato"', 'every = "P1Y", on = "--03-15"')
    )
    with pytest.raises(jsonschema.ValidationError, match="--03-15"):
        jsonschema.validate(wrong, schema)


@given(
    anchor=st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)),
    every=st.sampled_from(["P1Y", "P12M", "P1M", "P6M", "P2W", "P1D", "P1Y6M"]),
    offset=st.sampled_from([{}, {"after": "P1M"}, {"before": "P2W"}, {"after_working_days": 10}]),
    late=st.integers(0, 40 * 366),
)
@settings(max_examples=200, derandomize=True, deadline=None)
def test_the_next_occurrence_is_the_first_still_ahead_counted_from_the_anchor(anchor, every, offset, late):
    """However late samskab fires one, the next occurrence is anchor + k × every (shifted)
    for the smallest k whose deadline still lies ahead: passing over many periods at once
    loses none of them."""
    from samskab.engine import deadlines
    from samskab.engine.cases import DEADLINE, Deadline
    from samskab.engine.definition import Deadline as Rule
    from samskab.engine.definition import Process, State, Text

    rule = Rule(id="r", title=Text("R"), every=every, from_field="start", **offset)
    process = Process(
        "p", 1, Text("P"), Text("P"), "kommune", (State("s", Text("S"), deadlines=(rule,)),), ()
    )
    now = dt.datetime.combine(anchor, dt.time(12), tzinfo=dt.UTC) + dt.timedelta(days=late)
    fired = Deadline(1, "s", DEADLINE, now, rule="r")
    [row] = deadlines.following(process, fired, {"start": anchor.isoformat()}, now)
    k = 1
    while (due := deadlines._due(rule, anchor + durations.parse(every) * k)) <= now:
        k += 1
    assert row.due_at == due


def test_a_recurring_automatic_action_that_keeps_the_step_is_taken_each_time(samskab, workdir):
    """Every month samskab counts a month by itself (an action from the step to itself);
    when the action is refused, the refusal is said and the series goes on."""
    one_step(
        workdir,
        '{ id = "maaned", title = "Månedlig optælling", every = "P1M", from_field = "start", action = "taeller" }',
        more="""
[[fields]]
id = "maaneder"
type = "integer"
label = "Måneder"

[[actions]]
id = "taeller"
title = "Tæl en måned"
from = "aktiv"
to = "aktiv"
roles = ["koordinator"]
counts = ["maaneder"]
guards = [{ name = "at_most", field = "maaneder", value = 2 }]
""",
    )
    number = opened(samskab, "2026-01-10T09:00", start="2026-01-10")
    for month, counted in ((2, 1), (3, 2)):
        taken = samskab.json("tick", now=f"2026-{month:02d}-11T08:00")
        assert [(e["case"], e["action"]) for e in taken["actions"]] == [(number, "taeller")]
        assert samskab.json("tick", now=f"2026-{month:02d}-11T09:00")["actions"] == []
        case = samskab.json("cases", "show", str(number), now=f"2026-{month:02d}-11T09:00")
        assert case["fields"]["maaneder"] == counted
        assert deadlines(samskab, number) == {"maaned": f"2026-{month + 1:02d}-10"}
    refused = samskab.json("tick", now="2026-04-11T08:00")
    assert refused["actions"] == [] and [e["case"] for e in refused["deadlines"]] == [number]
    assert "Tæl en måned kunne ikke tages" in refused["deadlines"][0]["note"]
    assert deadlines(samskab, number) == {"maaned": "2026-05-10"}
    assert samskab("audit", "verify").stdout.startswith("ok:")

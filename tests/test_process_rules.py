"""What the source documents promise, checked on the built-in processes with SAMSKAB_NOW."""


def new(samskab, process, *sets, now):
    args = [a for s in sets for a in ("--set", s)]
    return str(samskab.json("cases", "new", process, "--title", "Sag", *args, now=now)["id"])


def advance(samskab, number, action, *sets, now, note=None, exit=0):
    args = [a for s in sets for a in ("--set", s)] + (["--note", note] if note else [])
    if exit:
        return samskab("cases", "advance", number, action, *args, now=now, exit=exit)
    return samskab.json("cases", "advance", number, action, *args, now=now)


def overdue_ids(samskab, now):
    return [c["id"] for c in samskab.json("cases", "list", "--overdue", now=now)]


def test_hoering_runs_six_weeks_and_closes_by_itself(samskab):
    number = new(samskab, "hoering", "dokument=Medborgerskabspolitik", now="2026-02-01")
    advance(
        samskab,
        number,
        "send_i_hoering",
        "hoeringsparter=Lokalfora",
        "hoeringsform=formel",
        "hoer_ungebyraadet=nej",
        now="2026-02-02",
    )
    advance(samskab, number, "registrer_svar", "seneste_svar=Handicaprådet", now="2026-02-10")
    case = advance(samskab, number, "registrer_svar", "seneste_svar=Ungebyrådet", now="2026-02-11")
    assert case["fields"]["antal_svar"] == 2
    # Sent on 2 February: six weeks later, on 16 March, the hearing closes.
    assert samskab.json("tick", now="2026-03-15T23:59")["actions"] == []
    fired = samskab.json("tick", now="2026-03-16T00:00")
    assert [e["action"] for e in fired["actions"]] == ["luk_hoering"]
    assert samskab.json("cases", "show", number)["state"] == "sammenfatning"


def test_borgerinitiativ_answers_the_citizen_within_fourteen_days(samskab):
    number = new(samskab, "borgerinitiativ", "ide=Bænke langs åen", now="2026-04-01T10:00")
    assert overdue_ids(samskab, "2026-04-15T09:59") == []
    assert overdue_ids(samskab, "2026-04-15T10:00") == [int(number)]
    reminders = samskab.json("tick", now="2026-04-11T10:00")["reminders"]
    assert [e["case"] for e in reminders] == [int(number)]
    refused = advance(samskab, number, "afvis", now="2026-04-12", exit=1)
    assert "a note is required" in refused.stderr
    refused = advance(samskab, number, "afvis", now="2026-04-12", note="Arealet er fredet", exit=1)
    assert "required fields are empty: Reason for refusal" in refused.stderr
    case = advance(
        samskab, number, "afvis", "afslagsgrund=rammer", now="2026-04-12", note="Arealet er fredet"
    )
    assert case["history"][-1]["note"] == "Arealet er fredet"


def test_frivillig_is_followed_up_six_months_after_starting(samskab):
    number = new(samskab, "frivillig", "navn=Amira", now="2026-01-05")
    advance(
        samskab,
        number,
        "match",
        "email=amira@example.dk",
        "aktivitet=Lektiecafé",
        "aktivitetsleder=Ole",
        now="2026-01-08",
    )
    advance(
        samskab,
        number,
        "introducer",
        "introduktion_dato=2026-01-20",
        "startdato=2026-02-01",
        now="2026-01-20",
    )
    # Started 1.2: followed up by the end of 1.8 (Danish time), so at the midnight after.
    assert samskab.json("tick", now="2026-08-01T23:59+02:00")["actions"] == []
    followed_up = samskab.json("tick", now="2026-08-02T00:00+02:00")["actions"]
    assert [e["action"] for e in followed_up] == ["start_opfoelgning"]
    case = advance(
        samskab, number, "fortsaet", "opfoelgning=Trives", "startdato=2026-08-05", now="2026-08-05"
    )
    assert case["state"] == "aktiv"
    assert [d["day"] for d in case["deadlines"] if d["kind"] == "deadline"] == ["2027-02-05"]


def test_lokalforum_is_evaluated_before_the_next_council_period(samskab):
    number = new(samskab, "lokalforum", "lokalomraade=Tølløse", "henvendelse=Ny legeplads", now="2026-02-01")
    advance(samskab, number, "tildel_kontaktperson", "kommunal_kontakt=Mette", now="2026-02-03")
    advance(
        samskab,
        number,
        "hold_dialogmoede",
        "dialogmoede_dato=2026-02-20",
        "deltagere=To byrådsmedlemmer",
        now="2026-02-21",
    )
    advance(
        samskab,
        number,
        "aftal_stoette",
        "stoette=projekt",
        "aftale=Fælles legeplads",
        "evalueringsfrist=2029-09-30",
        now="2026-03-01",
    )
    # The yearly dialogue meeting falls due every 20 February, counted from the first.
    for year in (2027, 2028, 2029):
        assert samskab.json("tick", now=f"{year}-02-20T12:00")["deadlines"] == []
        passed = samskab.json("tick", now=f"{year}-02-21T00:00+01:00")["deadlines"]
        assert [e["case"] for e in passed] == [int(number)] and "Årligt dialogmøde" in passed[0]["note"]
    assert overdue_ids(samskab, "2029-09-30T23:59+02:00") == []  # the last day is the whole day
    reminders = samskab.json("tick", now="2029-07-01")["reminders"]
    assert [e["case"] for e in reminders] == [int(number)]
    assert overdue_ids(samskab, "2029-10-01T00:00+02:00") == [int(number)]


def test_omstillingsgruppe_meets_four_times_before_its_proposal(samskab):
    number = new(
        samskab,
        "omstillingsgruppe",
        "tema=Børn og unges trivsel",
        "opgave=Spar 20 mio. kr. med respekt for kvalitet",
        "sparemaal=20.000.000",
        now="2026-01-05",
    )
    advance(
        samskab,
        number,
        "start_moeder",
        "antal_brugere=8",
        "antal_frivillige=5",
        "antal_medarbejdere=8",
        "antal_politikere=4",
        now="2026-01-10",
    )
    for day in (15, 22, 29):
        advance(samskab, number, "registrer_moede", f"seneste_moede=2026-01-{day}", now=f"2026-01-{day}")
    refused = advance(
        samskab,
        number,
        "aflever_udspil",
        "udspil=Udspil",
        "afleveret_dato=2026-02-01",
        now="2026-02-01",
        exit=1,
    )
    assert "Meetings held must be at least 4 (it is 3)" in refused.stderr
    repeat = advance(samskab, number, "registrer_moede", "seneste_moede=2026-01-29", now="2026-02-05", exit=1)
    assert "Latest meeting must be given a new value" in repeat.stderr
    advance(samskab, number, "registrer_moede", "seneste_moede=2026-02-05", now="2026-02-05")
    advance(samskab, number, "aflever_udspil", "udspil=Udspil", "afleveret_dato=2026-02-10", now="2026-02-10")
    case = advance(
        samskab,
        number,
        "forkast",
        "byraadsmoede_dato=2026-03-01",
        "beslutning=Forkastet",
        note="Ingen flertal",
        now="2026-03-01",
    )
    assert case["state"] == "forkastet" and case["fields"]["antal_moeder"] == 4

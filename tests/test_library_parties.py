"""The library's cases that open cases, its choices and its parties, end to end through
the command line: a participatory budget waits for its proposals, each reviewed with a
reason; an Advisory Board question reaches the asking department and each association's
local translation reports back on its own; a hearing is formal or informal, and the youth
council is a party that is asked and answers. Messages are received by a real SMTP
server on loopback."""

import pytest
from conftest import ADMIN, PROCESSES
from servers import Mailbox


@pytest.fixture
def mailbox():
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def municipality(workdir, mailbox):
    """Staff with their roles, two associations and a proposer registered as parties,
    and mail delivered to the mailbox."""
    (workdir / "samskab.toml").write_text(
        ADMIN
        + f"""
[people.karin]
email = "karin@kommune.dk"
roles = ["sekretariat", "koordinator", "fagforvaltning", "forvaltning", "udvalg", "sekretaer"]

[people.aeldre]
email = "aeldre@kommune.dk"
roles = ["forvaltning"]

[people.vollsmose]
email = "vollsmose@example.dk"
roles = ["forening"]

[people.dalum]
email = "dalum@example.dk"
roles = ["forening"]

[people.ung]
email = "ungebyraadet@kommune.dk"
roles = ["ungebyraad"]

[people.byraad]
roles = ["byraad"]

[people.ansoeger]
email = "skater@example.dk"
roles = ["ansoeger", "forslagsstiller"]

[channels.mail]
type = "smtp"
host = "127.0.0.1"
port = {mailbox.port}
sender = "samskab@kommune.dk"
timeout = 2
""",
        encoding="utf-8",
    )
    return workdir


def sets(*values: str) -> list[str]:
    return [a for value in values for a in ("--set", value)]


def new(samskab, process, title, *values, now, person="karin"):
    return str(
        samskab.json("cases", "new", process, "--title", title, *sets(*values), "--as", person, now=now)["id"]
    )


def advance(samskab, number, action, *values, now, person="karin", note=None, exit=0, lang="en"):
    args = ["--lang", lang, "cases", "advance", number, action, *sets(*values), "--as", person]
    args += ["--note", note] if note else []
    if exit:
        return samskab(*args, now=now, exit=exit).stderr
    return samskab.json(*args, now=now)


def mail_to(samskab, mailbox, address, now):
    """The messages ``address`` has received, once the outbox is delivered."""
    samskab("tick", now=now)
    return [m.get_content() for m in mailbox.to(address)]


def test_a_budget_round_votes_only_when_every_proposal_is_reviewed(samskab, municipality):
    now = "2026-02-02T10:00"
    budget = new(
        samskab, "borgerbudget", "Borgerbudget Vestbyen", "pulje=100000", "forslagsfrist=2026-03-01", now=now
    )
    refused = advance(samskab, budget, "registrer_forslag", "forslag=Uden titel", now=now, exit=1)
    assert "required fields are empty: The proposal's title" in refused
    for title, price in (("Legeplads", "80000"), ("Kunstgræsbane", "900000"), ("Byhave", "20000")):
        case = advance(
            samskab,
            budget,
            "registrer_forslag",
            f"forslag_titel={title}",
            f"forslag={title} i Vestbyen",
            f"anslaaet_pris={price}",
            "forslagsstiller_email=skater@example.dk" if title == "Byhave" else "forslagsstiller=Naboerne",
            now=now,
        )
        assert case["state"] == "indsamling"
    assert case["fields"]["antal_forslag"] == 3
    proposals = {c["title"]: str(c["id"]) for c in samskab.json("cases", "list", "--parent", budget)}
    assert list(proposals) == ["Legeplads", "Kunstgræsbane", "Byhave"]
    shown = samskab.json("cases", "show", proposals["Kunstgræsbane"])
    assert shown["fields"] | {"pulje": "100000.00", "forslag": "Kunstgræsbane i Vestbyen"} == shown["fields"]
    assert shown["process"] == "budgetforslag" and shown["parent"]["id"] == int(budget)
    # Each proposal starts afresh: the one before's proposer is not carried over.
    assert "forslagsstiller" not in samskab.json("cases", "show", proposals["Byhave"])["fields"]

    # The deadline for proposals closes the collection by itself.
    assert samskab.json("tick", now="2026-03-02T08:00")["actions"][0]["action"] == "luk_indsamling"
    now = "2026-03-03T10:00"
    refused = advance(
        samskab,
        budget,
        "send_til_afstemning",
        "antal_egnede=1",
        "afstemningsfrist=2026-04-01",
        now=now,
        exit=1,
    )
    assert "waiting for sub-cases: 0 of 3 done" in refused
    danish = advance(
        samskab,
        budget,
        "send_til_afstemning",
        "antal_egnede=1",
        "afstemningsfrist=2026-04-01",
        now=now,
        exit=1,
        lang="da",
    )
    assert "venter på delsager: 0 af 3 afsluttet" in danish

    # Each proposal is reviewed on its own: suitable within the pool, or refused with a reason.
    review = ["vurdering=Kan laves"]
    refused = advance(samskab, proposals["Legeplads"], "egnet", *review, "pris=150000", now=now, exit=1)
    assert "Price after the review (DKK) must be at most The round's pool (DKK) (DKK 100,000.00)" in refused
    assert (
        advance(samskab, proposals["Legeplads"], "egnet", *review, "pris=85000", now=now)["state"]
        == "til_afstemning"
    )
    refused = advance(samskab, proposals["Kunstgræsbane"], "afvis", "vurdering=For dyr", now=now, exit=1)
    assert "required fields are empty: Reason for refusal" in refused
    refused_case = advance(
        samskab,
        proposals["Kunstgræsbane"],
        "afvis",
        "afslagsgrund=pris",
        "vurdering=Ni gange puljen",
        now=now,
    )
    assert refused_case["state"] == "afvist"
    # Only the proposer named in the proposal may withdraw it (with a reason).
    refused = advance(
        samskab, proposals["Legeplads"], "traek_tilbage", now=now, person="ansoeger", note="Nej", exit=1
    )
    assert "ansoeger is Proposer only in the cases that name them in Proposer's e-mail" in refused
    withdrawn = advance(
        samskab, proposals["Byhave"], "traek_tilbage", now=now, person="ansoeger", note="Flytter"
    )
    assert withdrawn["state"] == "trukket_tilbage"

    refused = advance(
        samskab,
        budget,
        "send_til_afstemning",
        "antal_egnede=4",
        "afstemningsfrist=2026-04-01",
        now=now,
        exit=1,
    )
    assert "Proposals put to the vote must be at most Proposals received (3) (it is 4)" in refused
    voting = advance(
        samskab, budget, "send_til_afstemning", "antal_egnede=1", "afstemningsfrist=2026-04-01", now=now
    )
    assert voting["state"] == "afstemning"

    # The report counts the refusals by reason.
    report = samskab.json("report", "--year", "2026", now=now)
    proposals_report = next(p for p in report["processes"] if p["process"] == "budgetforslag")
    refusals = next(o for o in proposals_report["outcomes"] if o["state"] == "afvist")
    assert refusals["count"] == 1
    assert {c["key"]: c["count"] for c in refusals["reasons"][0]["counts"]}["pris"] == 1


def test_a_refused_proposal_tells_the_proposer_why(samskab, municipality, mailbox):
    now = "2026-02-02T10:00"
    budget = new(samskab, "borgerbudget", "Borgerbudget", "pulje=100000", "forslagsfrist=2026-03-01", now=now)
    advance(
        samskab,
        budget,
        "registrer_forslag",
        "forslag_titel=Vinterbad",
        "forslag=Sauna ved havnen",
        "forslagsstiller_email=borger@example.dk",
        now=now,
    )
    [proposal] = samskab.json("cases", "list", "--parent", budget)
    advance(
        samskab,
        str(proposal["id"]),
        "afvis",
        "afslagsgrund=rammer",
        "vurdering=Havnen er erhvervshavn",
        now=now,
    )
    [said] = mail_to(samskab, mailbox, "borger@example.dk", now)
    assert "Havnen er erhvervshavn" in said and "Uden for lovgivning eller kommunens rammer" in said


def test_the_advisory_board_answers_the_department_and_each_association_reports_back(
    samskab, municipality, mailbox
):
    now = "2026-03-02T10:00"
    question = new(
        samskab,
        "advisory_board",
        "Ensomhed",
        "forvaltning=Ældreforvaltningen",
        "forvaltning_email=aeldre@kommune.dk",
        "spoergsmaal=Hvordan når vi de ensomme?",
        now=now,
    )
    advance(samskab, question, "saet_paa_dagsorden", "moede_dato=2026-03-20", now=now)
    now = "2026-03-20T16:00"
    advance(
        samskab,
        question,
        "registrer_droeftelse",
        "konklusioner=Inviter personligt",
        "ideer=Besøgsvenner",
        now=now,
    )
    [conclusions] = mail_to(samskab, mailbox, "aeldre@kommune.dk", now)
    assert "Inviter personligt" in conclusions and "Besøgsvenner" in conclusions

    for association, address in (
        ("Vollsmose Lokalråd", "vollsmose@example.dk"),
        ("Dalum IF", "dalum@example.dk"),
        ("KFUM", "kfum@example.dk"),
    ):
        case = advance(
            samskab,
            question,
            "send_til_forening",
            f"forening={association}",
            f"forening_email={address}",
            now=now,
        )
    assert case["state"] == "sendt_videre" and case["fields"]["foreninger"] == 3
    translations = {c["title"]: str(c["id"]) for c in samskab.json("cases", "list", "--parent", question)}
    assert list(translations) == ["Vollsmose Lokalråd: Ensomhed", "Dalum IF: Ensomhed", "KFUM: Ensomhed"]
    # An association outside the register gets the conclusions too: its rule shows them.
    [sent] = mail_to(samskab, mailbox, "kfum@example.dk", now)
    assert "Inviter personligt" in sent and "Besøgsvenner" in sent

    refused = advance(samskab, question, "afslut", "opsamling=Godt", now=now, exit=1)
    assert "waiting for sub-cases: 0 of 3 done" in refused
    feedback = ["tilbagemelding=Fællesspisning", "udbytte=ny_aktivitet", "nye_borgere=ja"]
    vollsmose = translations["Vollsmose Lokalråd: Ensomhed"]
    refused = advance(samskab, vollsmose, "meld_tilbage", *feedback, now=now, person="dalum", exit=1)
    assert "dalum is Association only in the cases that name them in The association's e-mail" in refused
    assert advance(samskab, vollsmose, "meld_tilbage", *feedback, now=now, person="vollsmose")["state"] == (
        "tilbagemeldt"
    )
    for title in ("Dalum IF: Ensomhed", "KFUM: Ensomhed"):
        advance(samskab, translations[title], "afslut_uden", now=now, note="Intet svar efter rykker")
    closed = advance(samskab, question, "afslut", "opsamling=Én ny fællesspisning", "timer_brugt=12", now=now)
    assert closed["state"] == "afsluttet"
    summary = mail_to(samskab, mailbox, "aeldre@kommune.dk", now)[-1]
    assert "Én ny fællesspisning" in summary


def hearing(samskab, *values, now):
    number = new(samskab, "hoering", "Ungepolitik", "dokument=Ungepolitik", "hoeringsparter=Alle", now=now)
    return number, advance(samskab, number, "send_i_hoering", *values, now=now, exit=1)


def test_a_formal_hearing_asks_the_youth_council_which_answers_itself(samskab, municipality, mailbox):
    now = "2026-02-02T10:00"
    number, refused = hearing(samskab, "hoeringsform=formel", "hoer_ungebyraadet=ja", now=now)
    assert "required when Is the youth council consulted? is yes: The youth council's e-mail" in refused
    sent = advance(
        samskab,
        number,
        "send_i_hoering",
        "hoeringsform=formel",
        "hoer_ungebyraadet=ja",
        "ungebyraad_email=ungebyraadet@kommune.dk",
        "hoeringsmateriale=https://kommune.dk/hoeringer/ungepolitik",
        now=now,
    )
    assert sent["state"] == "i_hoering"
    assert [d["due_at"][:10] for d in sent["deadlines"] if d["kind"] == "deadline"] == ["2026-03-16"]
    [asked] = mail_to(samskab, mailbox, "ungebyraadet@kommune.dk", now)
    assert "https://kommune.dk/hoeringer/ungepolitik" in asked
    answered = advance(
        samskab,
        number,
        "ungebyraadet_svarer",
        "ungebyraad_svar=Flere unge i udvalgene",
        now=now,
        person="ung",
    )
    assert answered["fields"]["antal_svar"] == 1
    samskab("tick", now="2026-03-17T08:00")
    submitted = advance(
        samskab, number, "indstil", "hvidbog=Et svar", "stille_borgere=nej", now="2026-03-18T10:00"
    )
    assert submitted["state"] == "til_vedtagelse"


def test_the_youth_council_answers_only_where_it_is_asked_said_in_danish(samskab, municipality):
    now = "2026-02-02T10:00"
    number, _ = hearing(samskab, now=now)
    advance(samskab, number, "send_i_hoering", "hoeringsform=formel", "hoer_ungebyraadet=nej", now=now)
    refused = advance(
        samskab,
        number,
        "ungebyraadet_svarer",
        "ungebyraad_svar=Vi vil høres",
        now=now,
        person="ung",
        exit=1,
        lang="da",
    )
    assert "Høres ungebyrådet? skal være ja (nu: nej)" in refused
    assert "True" not in refused and "False" not in refused


def test_an_informal_hearing_is_a_dialogue_meeting(samskab, municipality):
    now = "2026-02-02T10:00"
    number, refused = hearing(
        samskab,
        "hoeringsform=uformel",
        "hoer_ungebyraadet=ja",
        "ungebyraad_email=ungebyraadet@kommune.dk",
        now=now,
    )
    assert (
        "required when Kind of hearing is Informal hearing (dialogue meeting): Dialogue meeting (date)"
        in refused
    )
    dialogue = advance(
        samskab,
        number,
        "send_i_hoering",
        "hoeringsform=uformel",
        "dialogmoede_dato=2026-02-20",
        "hoer_ungebyraadet=ja",
        "ungebyraad_email=ungebyraadet@kommune.dk",
        now=now,
    )
    assert dialogue["state"] == "i_dialog"
    assert [d["due_at"][:10] for d in dialogue["deadlines"] if d["kind"] == "deadline"] == ["2026-03-06"]
    gathered = ["refleksioner=Ønsker flere mødesteder", "deltagere=34"]
    refused = advance(samskab, number, "afslut_dialog", *gathered, now=now, exit=1)
    assert "is in the future" in refused
    gathered = advance(samskab, number, "afslut_dialog", *gathered, now="2026-02-21T10:00")
    assert gathered["state"] == "sammenfatning"
    # The youth council took part in the dialogue: its answer is written before the council gets the draft.
    refused = advance(
        samskab, number, "indstil", "hvidbog=Samlet", "stille_borgere=ja", now="2026-02-22T10:00", exit=1
    )
    assert "required when Is the youth council consulted? is yes: The youth council's response" in refused
    done = advance(
        samskab,
        number,
        "indstil",
        "hvidbog=Samlet",
        "stille_borgere=ja",
        "ungebyraad_svar=Mødested ved stationen",
        "timer_brugt=30",
        "udgifter=2500",
        now="2026-02-22T10:00",
    )
    assert done["state"] == "til_vedtagelse"


def test_the_youth_council_grants_at_most_what_was_applied_for_and_says_why_it_refuses(samskab, municipality):
    now = "2026-02-02T10:00"
    values = ["ansoeger_navn=Skaterne", "kontakt_email=skater@example.dk", "projekt=Event", "ansoegt=8000"]
    number = new(samskab, "ungepulje", "Skate-event", *values, now=now)
    advance(samskab, number, "klar_til_moede", now=now)
    refused = advance(
        samskab, number, "bevilg", "bevilget=9000", "moede_dato=2026-02-10", now=now, person="ung", exit=1
    )
    assert "Granted (DKK) must be at most Amount applied for (DKK) (DKK 8,000.00)" in refused
    refused = advance(
        samskab, number, "afslaa", "moede_dato=2026-02-10", now=now, person="ung", note="For dyrt", exit=1
    )
    assert "required fields are empty: Reason for refusal" in refused
    other = new(
        samskab, "ungepulje", "Andres", "ansoeger_navn=Andre", "kontakt_email=andre@example.dk", now=now
    )
    refused = advance(samskab, other, "traek_tilbage", now=now, person="ansoeger", note="Nej", exit=1)
    assert "ansoeger is Applicant only in the cases that name them in Contact (e-mail)" in refused
    granted = advance(
        samskab, number, "bevilg", "bevilget=8000", "moede_dato=2026-02-10", now=now, person="ung"
    )
    assert granted["state"] == "bevilget"


@pytest.mark.parametrize("process", sorted(path.stem for path in PROCESSES.glob("*.toml")))
def test_no_process_says_true_or_false_to_a_person(samskab, process):
    """Yes/no values and conditions are said as ja/nej (yes/no), in both languages."""
    for lang in ("da", "en"):
        text = samskab("--lang", lang, "processes", "show", process).stdout
        assert "True" not in text and "False" not in text


def test_a_date_a_step_counts_from_may_be_required_by_the_choice_leading_there(samskab, workdir):
    """The informal hearing's meeting date is required only when the choice leads to the
    dialogue; without that, the check finds the step's deadline with nothing to count from."""
    text = (PROCESSES / "hoering.toml").read_text(encoding="utf-8").replace('id = "hoering"', 'id = "mit"')
    rule = '    { fields = ["dialogmoede_dato"], when = { name = "equals", field = "hoeringsform", value = "uformel" } },\n'
    assert rule in text
    for changed in (text.replace(rule, ""), text.replace(rule, rule.replace('"uformel"', '"formel"'))):
        (workdir / "mit.toml").write_text(changed, encoding="utf-8")
        result = samskab("processes", "check", str(workdir / "mit.toml"), exit=2)
        assert (
            "`send_i_hoering` leads to `i_dialog`, whose deadline counts from `dialogmoede_dato`"
            in result.stderr
        )

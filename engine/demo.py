"""A demo database: realistic cases spread over their steps, with history and notes.

Each case is a script of actions taken some days before today; the engine takes
them with its clock set back, so the history, deadlines and reminders are exactly
what a municipality would have after working this way. Some cases are overdue.
"""

import datetime as dt
from collections.abc import Iterator

import attrs

from engine.config import Actor
from engine.core import Engine


@attrs.frozen
class Step:
    days_ago: int
    action: str
    actor: str
    values: dict[str, str] = attrs.field(factory=dict)
    note: str | None = None


@attrs.frozen
class Script:
    process: str
    title: str
    days_ago: int
    actor: str
    values: dict[str, str] = attrs.field(factory=dict)
    steps: tuple[Step, ...] = ()


def _date(days_ago: int, today: dt.date) -> str:
    return (today - dt.timedelta(days=days_ago)).isoformat()


def partnerskab(today: dt.date) -> Iterator[Script]:
    def drafted(days: int, org: str, email: str, people: str) -> Step:
        return Step(days, "udform_aftale", "mette", {
            "organisation": org, "dialogmoede_dato": _date(days + 3, today), "deltagere": people,
            "udfordringer": "Børn og unges trivsel i fritiden; for få voksne i aftentimerne.",
        }, "Godt møde, alle aktører var repræsenteret.")

    def sent(days: int, subsidy: str, area: str, email: str) -> Step:
        return Step(days, "send_til_underskrift", "mette", {
            "kommunens_bidrag": "Tilskud og lokaler; kontaktperson i Børn og Unge.",
            "organisationens_bidrag": "Frivillige voksne to aftener om ugen.",
            "tilskud": subsidy, "faciliteter": "Gymnastiksal og mødelokale på skolen",
            "indsatsomraade": area, "kontakt_email": email,
        })

    def signed(days: int) -> Step:
        return Step(days, "underskriv", "borgmester", {
            "underskrevet_dato": _date(days, today), "underskrevet_af": "Borgmester og direktion",
        })

    people = "Skoler, SSP, idrætsforeninger, Lions, Røde Kors, forældreråd"
    yield Script("partnerskab", "Lions: Det er mit valg (forebyggelse af mobning)", 1180, "mette",
                 {"organisation": "Lions Club"},
                 (drafted(1150, "Lions Club", "lions@example.dk", people),
                  sent(1120, "75.000", "trivsel", "lions@example.dk"), signed(1100)))
    yield Script("partnerskab", "Natteravnene: trygge weekender i centrum", 1000, "mette", {}, (
        drafted(980, "Natteravnene", "nat@example.dk", people),
        sent(960, "40.000", "kriminalitet", "nat@example.dk"), signed(940)))
    yield Script("partnerskab", "DGI: sund kost og motion i SFO", 400, "jonas", {}, (
        drafted(380, "DGI", "dgi@example.dk", people),
        sent(350, "120.000", "sundhed", "dgi@example.dk"), signed(330)))
    yield Script("partnerskab", "Spejderne: friluftsliv for alle børn", 200, "jonas", {}, (
        drafted(180, "Det Danske Spejderkorps", "spejd@example.dk", people),
        sent(150, "30.000", "friluftsliv", "spejd@example.dk")))
    yield Script("partnerskab", "Røde Kors: lektiecafé på biblioteket", 60, "mette", {}, (
        drafted(40, "Røde Kors", "rk@example.dk", people),
        sent(20, "25.000", "socialt", "rk@example.dk")))
    yield Script("partnerskab", "Idrætsforeningen: tryggere skoleveje", 45, "jonas", {}, (
        drafted(30, "Idrætsforeningen", "if@example.dk", people),))
    yield Script("partnerskab", "Ældre Sagen: besøgsvenner og generationsmøder", 12, "mette")
    yield Script("partnerskab", "KFUM: fritidsjob til unge", 5, "jonas")
    yield Script("partnerskab", "Boligforeningen: aktiviteter i gårdene", 300, "mette", {}, (
        drafted(290, "Boligforeningen", "bf@example.dk", people),
        Step(250, "afbryd", "mette", note="Bestyrelsen ønsker ikke et forpligtende partnerskab nu.")))
    yield Script("partnerskab", "Skakklubben: skak i skolen", 1300, "mette", {}, (
        drafted(1280, "Skakklubben", "skak@example.dk", people),
        sent(1260, "10.000", "trivsel", "skak@example.dk"), signed(1250),
        Step(150, "afslut", "borgmester", {"evaluering": "Få deltagere det sidste år."},
             "Klubben har ikke længere frivillige nok.")))


SCRIPTS = (partnerskab,)


def build(engine: Engine) -> int:
    """Fill ``engine``'s database with the demo cases; returns how many were made."""
    clock = engine.now
    today = clock()
    made = 0
    try:
        for scripts in SCRIPTS:
            for script in scripts(today.date()):
                engine.now = lambda at=today - dt.timedelta(days=script.days_ago): at
                case = engine.new_case(script.process, script.title, script.values,
                                       Actor(script.actor, None))
                for step in script.steps:
                    engine.now = lambda at=today - dt.timedelta(days=step.days_ago): at
                    engine.advance(case.id, step.action, step.values, note=step.note,
                                   actor=Actor(step.actor, None))
                engine.now = lambda: today
                engine.tick()
                made += 1
    finally:
        engine.now = clock
    return made

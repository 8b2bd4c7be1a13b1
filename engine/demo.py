"""A demo database: realistic cases spread over their steps, with history and notes.

Each case is a script of actions taken some days before today; the engine takes
them with its clock set back, so the history, deadlines and reminders are exactly
what a municipality would have after working this way. Some cases are overdue. The
coordinators (mette, jonas, sara, lise, karin, ida) each own the cases they opened, or
were handed, so "mine" is a part of the list for each of them. The standing local
forums have their dialogues as sub-cases, a question to the Advisory Board its local
translations, a participatory budget its proposals, and a renewed partnership its
renewal as a linked case (the last scripts, so the other cases keep their numbers).
"""

import datetime as dt
import functools
from collections.abc import Iterator

import attrs

from samskab.engine.config import Actor
from samskab.engine.core import Engine
from samskab.engine.messages import day
from samskab.engine.readmodels import CaseFilter


@attrs.frozen
class Attachment:
    """A document attached after a step: a one-page PDF of a few lines."""

    name: str
    lines: tuple[str, ...]
    note: str | None = None

    def read(self) -> tuple[str, bytes]:
        return self.name, one_page_pdf(self.lines)


@attrs.frozen
class Step:
    days_ago: int
    action: str
    actor: str
    values: dict[str, str] = attrs.field(factory=dict)
    note: str | None = None
    attach: tuple[Attachment, ...] = ()


@attrs.frozen
class Handover:
    """The case handed over to ``to`` (a colleague on leave, a new assignment)."""

    days_ago: int
    actor: str
    to: str
    note: str


@attrs.frozen
class Opened:
    """A step on a case the script's case opened (a sub-case, a renewal): the
    ``which``th of them, by number (1: the first; -1: the last)."""

    which: int
    step: Step

    @property
    def days_ago(self) -> int:
        return self.step.days_ago


@attrs.frozen
class Script:
    process: str
    title: str
    days_ago: int
    actor: str
    values: dict[str, str] = attrs.field(factory=dict)
    steps: tuple[Step | Handover | Opened, ...] = ()


def _date(days_ago: int, today: dt.date) -> str:
    return (today - dt.timedelta(days=days_ago)).isoformat()


def _day(days_ago: int, today: dt.date) -> str:
    """A date as the demo's documents write it: 23.11.2026."""
    return day(today - dt.timedelta(days=days_ago), "da")


def one_page_pdf(lines: tuple[str, ...]) -> bytes:
    """A PDF of one A4 page with ``lines`` in Helvetica (æ, ø and å in its WinAnsi
    encoding): small, and opened by any PDF reader."""
    shown = " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines
    )
    stream = f"BT /F1 12 Tf 72 790 Td 18 TL {shown} ET".encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def public(summary: str) -> dict[str, str]:
    """A case marked public, with its summary for the municipality's website."""
    return {"offentlig": "ja", "resume": summary}


def partnerskab(today: dt.date) -> Iterator[Script]:
    def drafted(days: int, org: str, email: str, people: str) -> Step:
        return Step(
            days,
            "udform_aftale",
            "mette",
            {
                "organisation": org,
                "dialogmoede_dato": _date(days + 3, today),
                "deltagere": people,
                "udfordringer": "Børn og unges trivsel i fritiden; for få voksne i aftentimerne.",
            },
            "Godt møde, alle aktører var repræsenteret.",
            (
                Attachment(
                    "Referat af dialogmøde.pdf",
                    (
                        f"Referat af dialogmøde {_day(days + 3, today)}",
                        f"Deltagere: {people}",
                        f"Partner: {org}",
                    ),
                ),
            ),
        )

    def sent(days: int, subsidy: str, area: str, email: str) -> Step:
        return Step(
            days,
            "send_til_underskrift",
            "mette",
            {
                "kommunens_bidrag": "Tilskud og lokaler; kontaktperson i Børn og Unge.",
                "organisationens_bidrag": "Frivillige voksne to aftener om ugen.",
                "tilskud": subsidy,
                "faciliteter": "Gymnastiksal og mødelokale på skolen",
                "indsatsomraade": area,
                "kontakt_email": email,
            },
        )

    def signed(days: int, org: str) -> Step:
        return Step(
            days,
            "underskriv",
            "borgmester",
            {
                "underskrevet_dato": _date(days, today),
                "underskrevet_af": "Borgmester og direktion",
            },
            attach=(
                Attachment(
                    f"Samarbejdsaftale {org}, underskrevet.pdf",
                    (
                        f"Samarbejdsaftale mellem {org} og kommunen",
                        "Aftalen gælder i tre år fra underskriften.",
                        f"Underskrevet {_day(days, today)} af borgmester og direktion.",
                    ),
                    "Den underskrevne aftale, scannet.",
                ),
            ),
        )

    people = "Skoler, SSP, idrætsforeninger, Lions, Røde Kors, forældreråd"
    yield Script(
        "partnerskab",
        "Lions: Det er mit valg (forebyggelse af mobning)",
        1180,
        "mette",
        {
            "organisation": "Lions Club",
            **public(
                "Lions Club og kommunen forebygger mobning blandt børn og unge med programmet"
                " Det er mit valg, på skolerne og i klubberne."
            ),
        },
        (
            drafted(1150, "Lions Club", "lions@example.dk", people),
            sent(1120, "75.000", "trivsel", "lions@example.dk"),
            signed(1100, "Lions Club"),
        ),
    )
    yield Script(
        "partnerskab",
        "FDF: klubaftener for de 10-14-årige",
        1120,
        "jonas",
        {"organisation": "FDF"},
        (
            drafted(1100, "FDF", "fdf@example.dk", people),
            sent(1085, "50.000", "trivsel", "fdf@example.dk"),
            signed(1080, "FDF"),
        ),
    )
    yield Script(
        "partnerskab",
        "Natteravnene: trygge weekender i centrum",
        1000,
        "mette",
        {},
        (
            drafted(980, "Natteravnene", "nat@example.dk", people),
            sent(960, "40.000", "kriminalitet", "nat@example.dk"),
            signed(940, "Natteravnene"),
        ),
    )
    yield Script(
        "partnerskab",
        "DGI: sund kost og motion i SFO",
        400,
        "jonas",
        public("DGI og kommunen giver børnene i SFO mere bevægelse og sundere mad to eftermiddage om ugen."),
        (
            drafted(380, "DGI", "dgi@example.dk", people),
            sent(350, "120.000", "sundhed", "dgi@example.dk"),
            signed(330, "DGI"),
        ),
    )
    yield Script(
        "partnerskab",
        "Spejderne: friluftsliv for alle børn",
        200,
        "jonas",
        {},
        (
            drafted(180, "Det Danske Spejderkorps", "spejd@example.dk", people),
            Handover(160, "jonas", "mette", "Jonas går på orlov; Mette følger aftalen til dørs."),
            sent(150, "30.000", "friluftsliv", "spejd@example.dk"),
        ),
    )
    yield Script(
        "partnerskab",
        "Røde Kors: lektiecafé på biblioteket",
        60,
        "mette",
        {},
        (drafted(40, "Røde Kors", "rk@example.dk", people), sent(20, "25.000", "socialt", "rk@example.dk")),
    )
    yield Script(
        "partnerskab",
        "Idrætsforeningen: tryggere skoleveje",
        45,
        "jonas",
        {},
        (drafted(30, "Idrætsforeningen", "if@example.dk", people),),
    )
    yield Script("partnerskab", "Ældre Sagen: besøgsvenner og generationsmøder", 12, "mette")
    yield Script("partnerskab", "KFUM: fritidsjob til unge", 5, "jonas")
    yield Script(
        "partnerskab",
        "Boligforeningen: aktiviteter i gårdene",
        300,
        "mette",
        {},
        (
            drafted(290, "Boligforeningen", "bf@example.dk", people),
            Step(250, "afbryd", "mette", note="Bestyrelsen ønsker ikke et forpligtende partnerskab nu."),
        ),
    )
    yield Script(
        "partnerskab",
        "Skakklubben: skak i skolen",
        1300,
        "mette",
        public(
            "Skakklubben lærte elever at spille skak i skoletiden i tre år. Partnerskabet sluttede,"
            " da klubben ikke længere havde frivillige nok."
        ),
        (
            drafted(1280, "Skakklubben", "skak@example.dk", people),
            sent(1260, "10.000", "trivsel", "skak@example.dk"),
            signed(1250, "Skakklubben"),
            Step(
                150,
                "afslut",
                "borgmester",
                {"evaluering": "Få deltagere det sidste år.", "timer_brugt": "120"},
                "Klubben har ikke længere frivillige nok.",
            ),
        ),
    )


def omstillingsgruppe(today: dt.date) -> Iterator[Script]:
    members = {
        "antal_brugere": "8",
        "antal_frivillige": "5",
        "antal_medarbejdere": "8",
        "antal_politikere": "4",
    }

    def meetings(first: int, count: int) -> tuple[Step, ...]:
        return tuple(
            Step(
                first - 14 * i,
                "registrer_moede",
                "sara",
                {"seneste_moede": _date(first - 14 * i, today), "referat": f"Møde {i + 1}: idéer drøftet."},
            )
            for i in range(count)
        )

    yield Script(
        "omstillingsgruppe",
        "Børn og unges trivsel med færre penge",
        200,
        "sara",
        {
            "tema": "Børn og unges trivsel",
            "opgave": "Spar 20 mio. kr. med respekt for kvalitet og arbejdsglæde",
            "sparemaal": "20.000.000",
        },
        (
            Step(190, "start_moeder", "sara", members),
            *meetings(180, 4),
            Step(
                120,
                "aflever_udspil",
                "sara",
                {
                    "udspil": "Færre, større institutioner; fælles ledelse.",
                    "afleveret_dato": _date(120, today),
                    "moedetimer": "300",
                    "udgifter": "42.000",
                },
            ),
        ),
    )
    yield Script(
        "omstillingsgruppe",
        "Ældreområdet: hjemmepleje i fremtiden",
        90,
        "sara",
        {"tema": "Ældre og hjemmepleje", "opgave": "Nye måder at løse opgaven på"},
        (
            Step(85, "start_moeder", "sara", members),
            *meetings(80, 2),
            Handover(60, "sara", "jonas", "Jonas tager over, mens Sara leder skolegruppen."),
        ),
    )
    yield Script(
        "omstillingsgruppe",
        "Kultur og fritid: foreningernes lokaler",
        20,
        "jonas",
        {"tema": "Kultur og fritid", "opgave": "Bedre brug af lokaler"},
    )
    yield Script(
        "omstillingsgruppe",
        "Skolestruktur med faldende børnetal",
        400,
        "sara",
        {"tema": "Skoler", "opgave": "Tilpas skolestrukturen"},
        (
            Step(390, "start_moeder", "sara", members),
            *meetings(380, 5),
            Step(
                300,
                "aflever_udspil",
                "sara",
                {
                    "udspil": "Tre skoler bliver til to.",
                    "afleveret_dato": _date(300, today),
                    "moedetimer": "375",
                    "udgifter": "65.500",
                },
            ),
            Step(
                250,
                "vedtag_delvist",
                "byraad",
                {
                    "byraadsmoede_dato": _date(250, today),
                    "beslutning": "Forslaget om fælles ledelse vedtaget; sammenlægning udskudt.",
                },
            ),
        ),
    )


def lokalforum(today: dt.date) -> Iterator[Script]:
    def request(area: str, text: str) -> dict[str, str]:
        return {
            "lokalomraade": area,
            "henvendelse": text,
            "lokal_kontakt": f"Formand for {area} Lokalforum",
            "kontakt_email": "lokalforum@example.dk",
        }

    yield Script(
        "lokalforum",
        "Tølløse: ny legeplads ved hallen",
        5,
        "lise",
        request("Tølløse", "Ønsker en legeplads ved hallen"),
    )
    yield Script(
        "lokalforum",
        "Mørkøv: trafiksikker skolevej",
        30,
        "lise",
        request("Mørkøv", "Farlig krydsning ved skolen"),
        (Step(28, "tildel_kontaktperson", "lise", {"kommunal_kontakt": "Peter fra Teknik og Miljø"}),),
    )
    yield Script(
        "lokalforum",
        "Jyderup: byfornyelse af torvet",
        120,
        "lise",
        {
            **request("Jyderup", "Torvet trænger til fornyelse"),
            **public("Lokalforum Jyderup og kommunen fornyer torvet sammen: nye bænke, træer og en scene."),
        },
        (
            Step(118, "tildel_kontaktperson", "lise", {"kommunal_kontakt": "Anne fra Plan"}),
            Step(
                90,
                "hold_dialogmoede",
                "lise",
                {"dialogmoede_dato": _date(90, today), "deltagere": "To byrådsmedlemmer, planchef"},
            ),
            Step(
                60,
                "aftal_stoette",
                "lise",
                {
                    "stoette": "projekt",
                    "aftale": "Fælles projekt om torvet",
                    "tilskud": "150.000",
                    "evalueringsfrist": _date(-1000, today),
                },
            ),
        ),
    )
    yield Script(
        "lokalforum",
        "Svinninge: lokal festuge",
        400,
        "lise",
        {
            **request("Svinninge", "Støtte til festugen"),
            **public("Kommunen støtter byens festuge med et tilskud."),
        },
        (
            Step(398, "tildel_kontaktperson", "lise", {"kommunal_kontakt": "Kultur"}),
            Step(
                380,
                "hold_dialogmoede",
                "lise",
                {"dialogmoede_dato": _date(380, today), "deltagere": "Kulturudvalgets formand"},
            ),
            Step(
                370,
                "aftal_stoette",
                "lise",
                {
                    "stoette": "tilskud",
                    "aftale": "Tilskud til festugen",
                    "tilskud": "25.000",
                    "evalueringsfrist": _date(10, today),
                },
            ),
        ),
    )
    yield Script(
        "lokalforum",
        "Kirke Eskilstrup: dialog om forsamlingshuset",
        430,
        "lise",
        request("Kirke Eskilstrup", "Forsamlingshuset trænger til nyt tag"),
    )
    yield Script(
        "lokalforum",
        "Vipperød: cykelsti til stationen",
        60,
        "lise",
        request("Vipperød", "Cykelsti ønskes"),
        (Step(40, "afvis", "lise", note="Ligger uden for kommunens anlægsbudget i denne periode."),),
    )


def advisory_board(today: dt.date) -> Iterator[Script]:
    yield Script(
        "advisory_board",
        "Hvordan når vi de ensomme ældre?",
        10,
        "karin",
        {"forvaltning": "Ældre- og Handicapforvaltningen", "spoergsmaal": "Hvordan når vi ensomme ældre?"},
    )
    yield Script(
        "advisory_board",
        "Frivillige i idrætsforeningerne",
        40,
        "karin",
        {
            "forvaltning": "By- og Kulturforvaltningen",
            "spoergsmaal": "Hvordan fastholder foreningerne frivillige?",
        },
        (Step(35, "saet_paa_dagsorden", "karin", {"moede_dato": _date(-14, today)}),),
    )
    yield Script(
        "advisory_board",
        "Fællesskaber der favner nye borgere",
        150,
        "karin",
        {
            "forvaltning": "Borgmesterforvaltningen",
            "spoergsmaal": "Hvordan favner fællesskaberne nye borgere?",
        },
        (
            Step(140, "saet_paa_dagsorden", "karin", {"moede_dato": _date(8, today)}),
            Step(
                8,
                "registrer_droeftelse",
                "karin",
                {
                    "konklusioner": "Start i de eksisterende foreninger.",
                    "ideer": "Velkomstambassadører; åbne træninger.",
                },
            ),
        ),
    )


def borgerinitiativ(today: dt.date) -> Iterator[Script]:
    refused = (
        ("Hundeskov på den gamle boldbane", 250, "rammer", "Arealet er udlagt til skole i lokalplanen."),
        ("Gratis bybusser om lørdagen", 120, "oekonomi", "Der er ikke råd i kollektiv trafik i år."),
        (
            "Byttecentral for legetøj",
            70,
            "findes",
            "Genbrugspladsen har en byttecentral, vi viser vej til den.",
        ),
        ("Vinterbadeklub ved havnen", 420, "rammer", "Havnen er erhvervshavn; badning er forbudt."),
    )
    for title, days, reason, note in refused:
        yield Script(
            "borgerinitiativ",
            title,
            days + 15,
            "mette",
            {"ide": title, "borger_navn": "Borger i kommunen"},
            (Step(days, "afvis", "mette", {"afslagsgrund": reason}, note),),
        )
    yield Script(
        "borgerinitiativ",
        "Bænke og blomster langs åen",
        3,
        "mette",
        {
            "ide": "Bænke og blomsterkasser langs åen",
            "borger_navn": "Jens Holm",
            "borger_email": "jens@example.dk",
            "sted": "Åstien",
        },
    )
    yield Script(
        "borgerinitiativ",
        "Gademad-marked på torvet om sommeren",
        20,
        "mette",
        {"ide": "Et ugentligt gademad-marked", "borger_navn": "Fatima Ali", "sted": "Store Torv"},
    )
    yield Script(
        "borgerinitiativ",
        "Bytte-reol på biblioteket",
        90,
        "mette",
        {
            "ide": "En reol hvor man bytter ting",
            "borger_navn": "Lone Berg",
            **public(
                "En reol på biblioteket, hvor alle kan bytte bøger, spil og ting. Afprøves i tre måneder."
            ),
        },
        (
            Step(
                80,
                "svar_borgeren",
                "mette",
                {"svar_til_borger": "Tak! Vi ser på det sammen med biblioteket."},
            ),
            Step(
                60,
                "godkend_screening",
                "mette",
                {
                    "juridisk_vurdering": "Ingen hindringer",
                    "inklusion": "Opslag på fem sprog; samarbejde med boligsociale medarbejdere",
                    "stille_borgere": "ja",
                },
            ),
            Step(
                40,
                "aftal_rammer",
                "leder",
                {
                    "budget": "5.000",
                    "roller": "Biblioteket stiller plads; borgerne passer reolen",
                    "forventninger": "Prøves i tre måneder",
                    "pilot_start": _date(40, today),
                    "pilot_slut": _date(-50, today),
                },
            ),
        ),
    )
    yield Script(
        "borgerinitiativ",
        "Pop-up skøjtebane i parken",
        200,
        "mette",
        {
            "ide": "Skøjtebane om vinteren",
            "borger_navn": "Mads Kjær",
            **public(
                "Idéen om en skøjtebane i parken blev afvist: parken er fredet, og banen ville koste for meget i drift."
            ),
        },
        (
            Step(190, "svar_borgeren", "mette", {"svar_til_borger": "Vi undersøger det."}),
            Step(
                150,
                "afvis",
                "mette",
                {"afslagsgrund": "oekonomi"},
                note="Parken er fredet, og banen kræver køling året rundt; for dyr i drift.",
            ),
        ),
    )
    yield Script(
        "borgerinitiativ",
        "Lektiehjælp i opgangen",
        300,
        "mette",
        {
            "ide": "Studerende hjælper børn med lektier",
            "borger_navn": "Sofie Lund",
            **public(
                "Studerende hjælper børn med lektier i boligområdet to gange om ugen. Efter en pilot på et"
                " halvt år er tilbuddet nu i drift."
            ),
        },
        (
            Step(295, "svar_borgeren", "mette", {"svar_til_borger": "God idé!"}),
            Step(
                280,
                "godkend_screening",
                "mette",
                {
                    "juridisk_vurdering": "Børneattester kræves",
                    "inklusion": "Tilbuddet ligger i boligområdet",
                    "stille_borgere": "ja",
                },
            ),
            Step(
                260,
                "aftal_rammer",
                "leder",
                {
                    "budget": "20.000",
                    "roller": "Boligforeningen og skolen",
                    "forventninger": "Pilot et halvt år",
                    "pilot_start": _date(250, today),
                    "pilot_slut": _date(70, today),
                },
            ),
            Step(65, "afslut_pilot", "mette", {"deltagere": "34", "timer_brugt": "60", "udgifter": "18.500"}),
            Step(
                30,
                "i_drift",
                "leder",
                {
                    "evaluering": "Flere børn laver lektier; forældrene er med",
                    "driftsansvarlig": "Skolens SFO",
                },
            ),
        ),
    )


def borgerbudget(today: dt.date) -> Iterator[Script]:
    yield Script(
        "borgerbudget",
        "Borgerbudget Gellerup 2027",
        20,
        "jonas",
        {
            "omraade": "Gellerup",
            "pulje": "1.000.000",
            "forslagsfrist": _date(-30, today),
            "inklusion": "Værksteder på arabisk og somali; opsøgende i boligforeningen",
        },
    )
    yield Script(
        "borgerbudget",
        "Borgerbudget Midtbyen 2026",
        200,
        "jonas",
        {"omraade": "Midtbyen", "pulje": "500.000", "forslagsfrist": _date(150, today)},
        (
            Step(
                145,
                "send_til_afstemning",
                "jonas",
                {"antal_egnede": "12", "afstemningsfrist": _date(110, today)},
            ),
            Step(
                105,
                "offentliggoer_resultat",
                "jonas",
                {
                    "antal_stemmer": "2.314",
                    "valgte_forslag": "Bænke i parken; legeplads; byhave",
                    "stille_borgere": "nej",
                },
            ),
        ),
    )


def ungepulje(today: dt.date) -> Iterator[Script]:
    def applying(name: str, what: str, amount: str) -> dict[str, str]:
        return {"ansoeger_navn": name, "kontakt_email": "ung@example.dk", "projekt": what, "ansoegt": amount}

    yield Script(
        "ungepulje",
        "Skatebane-event i sommerferien",
        6,
        "ida",
        applying("Skaterne i Hagan", "Event med konkurrence og musik", "8.000"),
    )
    yield Script(
        "ungepulje",
        "Gaming-turnering på biblioteket",
        25,
        "ida",
        applying("3.b på Rotnes skole", "Turnering for 10-14-årige", "4.500"),
        (Step(20, "klar_til_moede", "ida"),),
    )
    yield Script(
        "ungepulje",
        "Filmklub for unge",
        120,
        "ida",
        {
            **applying("Filmklubben", "Projektor og film", "6.000"),
            **public(
                "Unge viser film for unge på biblioteket hver anden fredag, med en projektor fra puljen."
            ),
        },
        (
            Step(115, "klar_til_moede", "ida"),
            Step(100, "bevilg", "ungebyraad", {"bevilget": "5.000", "moede_dato": _date(100, today)}),
            Step(95, "udbetal", "ida", {"udbetalt_dato": _date(95, today)}),
        ),
    )
    yield Script(
        "ungepulje",
        "Tur til Holmenkollen",
        60,
        "ida",
        applying("Ungdomsklubben", "Bustur", "25.000"),
        (
            Step(55, "klar_til_moede", "ida"),
            Step(
                40,
                "afslaa",
                "ungebyraad",
                {"moede_dato": _date(40, today), "afslagsgrund": "beloeb"},
                "Beløbet er over halvdelen af puljen; søg gerne igen med en mindre tur.",
            ),
        ),
    )


def hoering(today: dt.date) -> Iterator[Script]:
    yield Script(
        "hoering",
        "Medborgerskabspolitik 2027",
        30,
        "karin",
        {"dokument": "Medborgerskabspolitik 2027", "hoeringsparter": "Lokalfora, Ungebyrådet, Handicaprådet"},
        (
            Step(
                28,
                "send_i_hoering",
                "karin",
                {
                    "hoeringsform": "formel",
                    "hoeringsmateriale": "https://www.example.dk/hoeringer/medborgerskabspolitik-2027",
                    "hoer_ungebyraadet": "ja",
                    "ungebyraad_email": "ungebyraadet@example.dk",
                },
                attach=(
                    Attachment(
                        "Medborgerskabspolitik 2027, høringsudkast.pdf",
                        ("Medborgerskabspolitik 2027", "Udkast til offentlig høring i seks uger."),
                    ),
                ),
            ),
            Step(20, "registrer_svar", "karin", {"seneste_svar": "Handicaprådet: tilgængelighed mangler"}),
            Step(
                10,
                "ungebyraadet_svarer",
                "ungebyraad",
                {"ungebyraad_svar": "Flere unge i de politiske udvalg; møder efter skoletid."},
            ),
        ),
    )
    yield Script(
        "hoering",
        "Frivillighedspolitik",
        120,
        "karin",
        {"dokument": "Frivillighedspolitik", "hoeringsparter": "Frivilligrådet, foreningerne"},
        (
            Step(
                118,
                "send_i_hoering",
                "karin",
                {
                    "hoeringsform": "formel",
                    "hoeringsmateriale": "https://www.example.dk/hoeringer/frivillighedspolitik",
                    "hoer_ungebyraadet": "nej",
                },
            ),
            Step(
                60,
                "indstil",
                "karin",
                {
                    "hvidbog": "23 svar; 5 ændringer",
                    "aendringer": "Nyt afsnit om unge frivillige",
                    "stille_borgere": "nej",
                    "timer_brugt": "45",
                    "udgifter": "3.500",
                },
                attach=(
                    Attachment(
                        "Hvidbog om frivillighedspolitikken.pdf",
                        (
                            "Hvidbog: 23 høringssvar med forvaltningens kommentarer",
                            "5 ændringer i politikken.",
                        ),
                    ),
                ),
            ),
        ),
    )
    yield Script(
        "hoering",
        "Politik for borgerinddragelse",
        8,
        "karin",
        {"dokument": "Borgerinddragelsespolitik", "hoeringsparter": "Borgere, foreninger og medarbejdere"},
        (
            Step(
                6,
                "send_i_hoering",
                "karin",
                {
                    "hoeringsform": "uformel",
                    "dialogmoede_dato": _date(-5, today),
                    "hoer_ungebyraadet": "ja",
                    "ungebyraad_email": "ungebyraadet@example.dk",
                },
            ),
        ),
    )


def frivillig(today: dt.date) -> Iterator[Script]:
    def person(name: str) -> dict[str, str]:
        return {
            "navn": name,
            "email": f"{name.split()[0].lower()}@example.dk",
            "tid": "aften",
            "interesser": "Vil gerne hjælpe børn og unge",
        }

    yield Script("frivillig", "Amira Hassan", 2, "lise", person("Amira Hassan"))
    yield Script("frivillig", "Bent Nielsen", 12, "lise", person("Bent Nielsen"))
    yield Script(
        "frivillig",
        "Camilla Storm",
        30,
        "lise",
        person("Camilla Storm"),
        (Step(25, "match", "lise", {"aktivitet": "Lektiecafé", "aktivitetsleder": "Ole"}),),
    )
    yield Script(
        "frivillig",
        "David Berg",
        220,
        "lise",
        person("David Berg"),
        (
            Step(215, "match", "lise", {"aktivitet": "Besøgsven", "aktivitetsleder": "Grethe"}),
            Step(
                205,
                "introducer",
                "lise",
                {"introduktion_dato": _date(205, today), "startdato": _date(200, today)},
            ),
        ),
    )
    yield Script(
        "frivillig",
        "Eva Lind",
        100,
        "lise",
        person("Eva Lind"),
        (
            Step(95, "match", "lise", {"aktivitet": "Fodboldtræner U10", "aktivitetsleder": "Kim"}),
            Step(
                90,
                "introducer",
                "lise",
                {"introduktion_dato": _date(90, today), "boerneattest": "ja", "startdato": _date(88, today)},
            ),
        ),
    )


def linked(today: dt.date) -> Iterator[Script]:
    """Cases that open others: a partnership renewed by a new, linked agreement, the
    standing local forums with their dialogues as sub-cases, a question to the Advisory
    Board with its local translations and a participatory budget with its proposals."""
    yield Script(
        "partnerskab",
        "Ungdomsklubben: natcafé for unge",
        1250,
        "mette",
        {"organisation": "Ungdomsklubben"},
        (
            Step(
                1230,
                "udform_aftale",
                "mette",
                {"dialogmoede_dato": _date(1232, today), "deltagere": "Ungdomsskolen, SSP, klubben"},
            ),
            Step(
                1210,
                "send_til_underskrift",
                "mette",
                {
                    "kommunens_bidrag": "Lokaler og en klubmedarbejder fredag aften.",
                    "organisationens_bidrag": "Frivillige voksne og unge hjælpere.",
                    "tilskud": "60.000",
                    "faciliteter": "Klubhuset fredag og lørdag aften",
                    "indsatsomraade": "trivsel",
                    "kontakt_email": "klub@example.dk",
                },
            ),
            Step(
                1200,
                "underskriv",
                "borgmester",
                {"underskrevet_dato": _date(1200, today), "underskrevet_af": "Borgmesteren"},
            ),
            Step(
                80,
                "forny",
                "borgmester",
                {
                    "evaluering": "Natcaféen bruges af 40 unge om ugen; begge parter vil fortsætte.",
                    "timer_brugt": "310",
                },
                "Ny aftale med flere aftener.",
            ),
            Opened(
                -1,
                Step(
                    60,
                    "udform_aftale",
                    "mette",
                    {"dialogmoede_dato": _date(62, today), "deltagere": "Klubben, SSP, de unge selv"},
                ),
            ),
        ),
    )

    def dialogue(days: int, subject: str, request: str) -> Step:
        return Step(days, "ny_dialog", "lise", {"emne": subject, "henvendelse": request})

    def contact(which: int, days: int, person: str) -> Opened:
        return Opened(which, Step(days, "tildel_kontaktperson", "lise", {"kommunal_kontakt": person}))

    def forum(area: str) -> dict[str, str]:
        return {
            "lokalomraade": area,
            "lokal_kontakt": f"Formand for {area} Lokalforum",
            "kontakt_email": "lokalforum@example.dk",
            "kommunal_kontakt": "Lise fra Borgerservice",
            "fast_tilskud": "25.000",
        }

    yield Script(
        "forum",
        "Lokalforum Tølløse",
        800,
        "lise",
        forum("Tølløse"),
        (
            dialogue(420, "festplads ved søen", "Ønsker en festplads ved søen til byfesten"),
            contact(1, 415, "Kultur og Fritid"),
            Opened(1, Step(400, "afvis", "lise", note="Arealet er fredet.")),
            dialogue(30, "trafik på Hovedgaden", "For høj fart gennem byen om morgenen"),
            contact(2, 25, "Peter fra Teknik og Miljø"),
        ),
    )
    yield Script(
        "forum",
        "Lokalforum Mørkøv",
        900,
        "lise",
        forum("Mørkøv"),
        (
            dialogue(500, "bibliotekets åbningstider", "Biblioteket bør holde åbent om lørdagen"),
            Opened(1, Step(480, "traek_tilbage", "lise", note="Biblioteket har selv udvidet åbningstiden.")),
        ),
    )
    yield Script(
        "forum",
        "Lokalforum Kirke Eskilstrup",
        1000,
        "lise",
        forum("Kirke Eskilstrup"),
        (
            dialogue(700, "busforbindelse", "Bussen til Holbæk kører for sjældent"),
            Opened(1, Step(690, "afvis", "lise", note="Busplanen er regionens.")),
            Step(200, "nedlaeg", "lise", note="Lagt sammen med Lokalforum Tølløse."),
        ),
    )

    def translation(days: int, association: str, email: str) -> Step:
        return Step(days, "send_til_forening", "karin", {"forening": association, "forening_email": email})

    yield Script(
        "advisory_board",
        "Fællesskaber der favner de ensomme",
        130,
        "karin",
        {
            "forvaltning": "Ældre- og Handicapforvaltningen",
            "forvaltning_email": "aeldre@example.dk",
            "spoergsmaal": "Hvordan kan foreningerne favne borgere, der er ensomme?",
        },
        (
            Step(125, "saet_paa_dagsorden", "karin", {"moede_dato": _date(80, today)}),
            Step(
                80,
                "registrer_droeftelse",
                "karin",
                {
                    "konklusioner": "Ensomme kommer sjældent af sig selv; de skal inviteres af nogen, de kender.",
                    "ideer": "Besøgsvenner, der tager med til foreningen første gang; åbne fællesspisninger.",
                },
            ),
            translation(75, "Vollsmose Lokalråd", "vollsmose@example.dk"),
            translation(75, "Frivilligcenter Odense", "frivilligcenter@example.dk"),
            translation(74, "Dalum Idrætsforening", "dalum@example.dk"),
            Opened(
                1,
                Step(
                    40,
                    "meld_tilbage",
                    "karin",
                    {
                        "tilbagemelding": "Fællesspisning hver anden torsdag i beboerhuset; 30 deltagere.",
                        "udbytte": "ny_aktivitet",
                        "nye_borgere": "ja",
                    },
                ),
            ),
            Opened(
                2,
                Step(
                    30,
                    "meld_tilbage",
                    "karin",
                    {
                        "tilbagemelding": "Besøgsvennerne tager med til aktiviteterne første gang.",
                        "udbytte": "aendret",
                        "nye_borgere": "ja",
                    },
                ),
            ),
        ),
    )

    def proposal(days: int, title: str, text: str, by: str, price: str) -> Step:
        return Step(
            days,
            "registrer_forslag",
            "jonas",
            {"forslag_titel": title, "forslag": text, "forslagsstiller": by, "anslaaet_pris": price},
        )

    def reviewed(which: int, days: int, review: str, price: str) -> Opened:
        return Opened(which, Step(days, "egnet", "jonas", {"vurdering": review, "pris": price}))

    yield Script(
        "borgerbudget",
        "Borgerbudget Vestbyen 2026",
        70,
        "jonas",
        {
            "omraade": "Vestbyen",
            "pulje": "300.000",
            "forslagsfrist": _date(20, today),
            "inklusion": "Forslag indsamlet på skolen, i moskéen og ved fællesspisningen",
        },
        (
            proposal(60, "Legeplads ved søen", "En naturlegeplads ved søen", "Forældrerådet", "180.000"),
            proposal(50, "Bænke langs stien", "Ti bænke langs stien til centret", "Seniorklubben", "40.000"),
            proposal(40, "Kunstgræsbane", "En kunstgræsbane ved skolen", "Vestbyen IF", "1.200.000"),
            proposal(25, "Byhave ved biblioteket", "Højbede, som alle må passe", "Nabo-netværket", "25.000"),
            reviewed(1, 15, "Kan laves inden for puljen; placeres væk fra søbredden.", "170.000"),
            reviewed(2, 14, "Kan gennemføres; Park og Vej sætter bænkene op.", "45.000"),
            Opened(
                3,
                Step(
                    12,
                    "afvis",
                    "jonas",
                    {
                        "afslagsgrund": "pris",
                        "vurdering": "En kunstgræsbane koster fire gange puljen; søg gerne Idrætspuljen.",
                        "pris": "1.200.000",
                    },
                ),
            ),
        ),
    )


SCRIPTS = (
    partnerskab,
    omstillingsgruppe,
    lokalforum,
    advisory_board,
    borgerinitiativ,
    borgerbudget,
    ungepulje,
    hoering,
    frivillig,
    linked,
)


def _fixed(moment: dt.datetime) -> dt.datetime:
    return moment


def build(engine: Engine) -> int:
    """Fill ``engine``'s database with the demo cases; returns how many were made (the
    cases the scripts' cases opened too)."""
    clock = engine.now
    today = clock()
    try:
        for scripts in SCRIPTS:
            for script in scripts(today.date()):
                engine.now = functools.partial(_fixed, today - dt.timedelta(days=script.days_ago))
                case = engine.new_case(script.process, script.title, script.values, Actor(script.actor, None))
                for step in script.steps:
                    engine.now = functools.partial(_fixed, today - dt.timedelta(days=step.days_ago))
                    engine.tick()
                    if isinstance(step, Handover):
                        engine.handover(case.id, step.to, step.note, Actor(step.actor, None))
                        continue
                    target = case.id
                    if isinstance(step, Opened):
                        opened = sorted(
                            link.case_id for link in engine.store.links(case.id) if link.other_id == case.id
                        )
                        target, step = opened[step.which - 1 if step.which > 0 else step.which], step.step
                    engine.advance(
                        target, step.action, step.values, note=step.note, actor=Actor(step.actor, None)
                    )
                    for attachment in step.attach:
                        engine.attach_document(
                            target, attachment.read, Actor(step.actor, None), attachment.note
                        )
                engine.now = lambda: today
                engine.tick()
    finally:
        engine.now = clock
    return engine.store.count_cases(CaseFilter())

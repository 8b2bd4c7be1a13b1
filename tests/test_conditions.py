"""Conditions in process files: a guard comparing two fields, fields required only while a
condition holds, and a step chosen by a choice field (`to_by`): run from the command line,
and every mistake in them reported by `processes check`."""

import pytest

PROCESS = """
id = "pulje"
version = 1
level = "kommune"
title = { da = "Puljeansøgning", en = "Grant application" }
description = "En ansøgning til en pulje."

[[roles]]
id = "koordinator"
title = "Koordinator"

[[fields]]
id = "ansoegt"
type = "money"
label = { da = "Ansøgt beløb", en = "Amount applied for" }

[[fields]]
id = "bevilget"
type = "money"
label = { da = "Bevilget beløb", en = "Amount granted" }

[[fields]]
id = "stoette"
type = "choice"
label = { da = "Støtte", en = "Support" }
options = [{ id = "tilskud", title = "Tilskud" }, { id = "lokaler", title = "Lokaler" }]

[[fields]]
id = "lokale"
type = "text"
label = { da = "Lokale", en = "Room" }

[[fields]]
id = "afgoerelse"
type = "choice"
label = { da = "Afgørelse", en = "Decision" }
options = [
    { id = "ja", title = { da = "Bevilget", en = "Granted" } },
    { id = "delvis", title = { da = "Delvist bevilget", en = "Partly granted" } },
    { id = "nej", title = { da = "Afslag", en = "Refused" } },
]

[[states]]
id = "modtaget"
initial = true
title = "Modtaget"

[[states]]
id = "bevilget"
final = true
title = "Bevilget"

[[states]]
id = "afslag"
final = true
title = "Afslag"

[[actions]]
id = "afgoer"
title = { da = "Træf afgørelse", en = "Decide" }
from = "modtaget"
to_by = { field = "afgoerelse", states = { ja = "bevilget", delvis = "bevilget", nej = "afslag" } }
fields = ["ansoegt", "bevilget", "stoette"]
requires_when = [
    { fields = ["bevilget"], when = { name = "equals", field = "stoette", value = "tilskud" } },
    { fields = ["lokale"], when = { name = "equals", field = "stoette", value = "lokaler" } },
]
guards = [{ name = "at_most", field = "bevilget", other = "ansoegt" }]
"""


@pytest.fixture
def pulje(samskab, workdir):
    directory = workdir / "egne"
    directory.mkdir()
    (directory / "pulje.toml").write_text(PROCESS, encoding="utf-8")
    (workdir / "samskab.toml").write_text('processes = ["egne"]\n')
    return directory / "pulje.toml"


def new(samskab, *sets):
    args = [a for s in sets for a in ("--set", s)]
    return str(samskab.json("cases", "new", "pulje", "--title", "Festuge", *args)["id"])


def decide(samskab, number, *sets, exit=0):
    args = ["cases", "advance", number, "afgoer", *[a for s in sets for a in ("--set", s)]]
    return samskab(*args, exit=exit) if exit else samskab.json(*args)


@pytest.mark.parametrize(("option", "state"), [("ja", "bevilget"), ("delvis", "bevilget"), ("nej", "afslag")])
def test_a_choice_picks_the_step(samskab, pulje, option, state):
    number = new(samskab, "ansoegt=10.000")
    case = decide(samskab, number, f"afgoerelse={option}")
    assert case["state"] == state
    assert case["history"][-1]["to"] == state


def test_the_choosing_field_is_required_and_the_step_said_in_words(samskab, pulje):
    number = new(samskab)
    refused = decide(samskab, number, exit=1)
    assert "required fields are empty: Decision" in refused.stderr
    action = samskab.json("cases", "show", number)["actions"][0]
    assert action["to"] is None and action["to_title"] == "Bevilget / Afslag (by Decision)"
    assert action["ends_case"] is True
    shown = samskab.json("processes", "show", "pulje")
    assert shown["actions"][0]["targets"] == ["bevilget", "afslag"]
    mermaid = samskab("processes", "show", "pulje", "--format", "mermaid").stdout
    assert "modtaget --> bevilget: Decide" in mermaid and "modtaget --> afslag: Decide" in mermaid


def test_fields_required_only_while_a_condition_holds(samskab, pulje):
    number = new(samskab, "ansoegt=10.000")
    refused = decide(samskab, number, "afgoerelse=ja", "stoette=tilskud", exit=1)
    assert "required when Support is Tilskud: Amount granted" in refused.stderr
    refused = decide(samskab, number, "afgoerelse=ja", "stoette=lokaler", exit=1)
    assert "required when Support is Lokaler: Room" in refused.stderr
    assert "Amount granted" not in refused.stderr
    danish = samskab(
        "--lang",
        "da",
        "cases",
        "advance",
        number,
        "afgoer",
        "--set",
        "afgoerelse=ja",
        "--set",
        "stoette=tilskud",
        exit=1,
    )
    assert "skal udfyldes, når Støtte er Tilskud: Bevilget beløb" in danish.stderr
    case = decide(samskab, number, "afgoerelse=ja", "stoette=lokaler", "lokale=Salen")
    assert case["state"] == "bevilget"


def test_a_guard_compares_two_fields(samskab, pulje):
    number = new(samskab, "ansoegt=10.000")
    refused = decide(samskab, number, "afgoerelse=ja", "stoette=tilskud", "bevilget=12.000", exit=1)
    assert (
        "Amount granted must be at most Amount applied for (DKK 10,000.00) (it is DKK 12,000.00)"
        in refused.stderr
    )
    case = decide(samskab, number, "afgoerelse=delvis", "stoette=tilskud", "bevilget=8.000")
    assert case["state"] == "bevilget"


def test_conditions_are_shown_in_words(samskab, pulje):
    text = samskab("--lang", "da", "processes", "show", "pulje").stdout
    assert "kun hvis: Bevilget beløb er højst Ansøgt beløb" in text
    assert "kræver: Bevilget beløb, når Støtte er Tilskud" in text
    guard = samskab.json("processes", "show", "pulje")["actions"][0]["guards"][0]
    assert guard == {
        "name": "at_most",
        "field": "bevilget",
        "value": None,
        "other": "ansoegt",
        "says": "Amount granted is at most Amount applied for",
    }


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            'to_by = { field = "afgoerelse",',
            'to = "afslag"\nto_by = { field = "afgoerelse",',
            "needs `to` or `to_by` (one of them)",
        ),
        ('to_by = { field = "afgoerelse",', 'to_by = { field = "stoette",', "option `tilskud` of `stoette`"),
        (
            'to_by = { field = "afgoerelse",',
            'to_by = { field = "ansoegt",',
            "`ansoegt` is a money field; `to_by` needs a choice field",
        ),
        (
            'to_by = { field = "afgoerelse",',
            'to_by = { field = "afgorelse",',
            "unknown field `afgorelse` (did you mean `afgoerelse`?)",
        ),
        ('nej = "afslag" }', 'nej = "afsalg" }', "unknown state `afsalg` (did you mean `afslag`?)"),
        ('delvis = "bevilget", ', "", "option `delvis` of `afgoerelse` leads to no state"),
        ('delvis = "bevilget", ', 'maaske = "bevilget", ', "unknown option of `afgoerelse` `maaske`"),
        (
            'other = "ansoegt" }',
            'other = "stoette" }',
            "`bevilget` is a money field and `stoette` a choice field",
        ),
        (
            'other = "ansoegt" }',
            'other = "ansoegt", value = "5" }',
            "a `value` or an `other` field, not both",
        ),
        ('other = "ansoegt" }', 'other = "ansøgt" }', "unknown field `ansøgt`"),
        ('{ fields = ["lokale"], when', '{ fields = ["lokaler"], when', "unknown field `lokaler`"),
        ('value = "lokaler" } }', 'value = "sal" } }', "requires_when[1].when.value"),
        (
            'when = { name = "equals", field = "stoette", value = "tilskud" }',
            'when = { name = "lig", field = "stoette" }',
            "unknown guard `lig`",
        ),
    ],
)
def test_mistakes_in_conditions_are_found(samskab, workdir, old, new, said):
    assert old in PROCESS
    path = workdir / "pulje.toml"
    path.write_text(PROCESS.replace(old, new, 1), encoding="utf-8")
    result = samskab("processes", "check", str(path), exit=2)
    assert said in result.stderr
    assert "pulje.toml:" in result.stderr


CYCLE = """
id = "aftale"
version = 1
level = "lokalsamfund"
title = "Aftale"
description = "En aftale der fornyes."

[[fields]]
id = "godkendt_af"
type = "text"
label = { da = "Godkendt af", en = "Endorsed by" }

[[fields]]
id = "perioder"
type = "integer"
label = { da = "Perioder", en = "Terms" }

[[fields]]
id = "status"
type = "choice"
label = { da = "Status", en = "Status" }
options = [{ id = "aktiv", title = "Aktiv" }, { id = "udloebet", title = "Udløbet" }]

[[fields]]
id = "tilskud"
type = "money"
label = { da = "Tilskud", en = "Subsidy" }

[[states]]
id = "udkast"
initial = true
title = "Udkast"

[[states]]
id = "aktiv"
title = "Aktiv"
deadline = { after = "P1Y", action = "udloeb" }

[[states]]
id = "slut"
final = true
title = "Slut"

[[actions]]
id = "godkend"
title = "Godkend"
from = "udkast"
to = "aktiv"
requires = ["godkendt_af"]
sets = { status = "aktiv", tilskud = "5.000" }
counts = ["perioder"]

[[actions]]
id = "forny"
title = "Forny"
from = "aktiv"
to = "aktiv"
clears = ["godkendt_af"]
requires = ["godkendt_af"]
counts = ["perioder"]

[[actions]]
id = "udloeb"
title = "Udløbet"
from = "aktiv"
to = "udkast"
sets = { status = "udloebet" }

[[actions]]
id = "stop"
title = "Stop"
from = "*"
to = "slut"
"""


@pytest.fixture
def cycle(samskab, workdir):
    directory = workdir / "egne"
    directory.mkdir()
    (directory / "aftale.toml").write_text(CYCLE, encoding="utf-8")
    (workdir / "samskab.toml").write_text('processes = ["egne"]\n')


def fields(case):
    return {k: v for k, v in case["fields"].items() if v is not None}


def test_a_new_cycle_starts_with_the_fields_it_clears_empty(samskab, cycle):
    number = str(samskab.json("cases", "new", "aftale", "--title", "Spejderne", now="2026-01-05")["id"])
    case = samskab.json(
        "cases", "advance", number, "godkend", "--set", "godkendt_af=Borgmester", now="2026-01-10"
    )
    assert fields(case) == {
        "godkendt_af": "Borgmester",
        "perioder": 1,
        "status": "aktiv",
        "tilskud": "5000.00",
    }
    refused = samskab("cases", "advance", number, "forny", now="2026-06-01", exit=1)
    assert "required fields are empty: Endorsed by" in refused.stderr
    case = samskab.json(
        "cases", "advance", number, "forny", "--set", "godkendt_af=Direktør", now="2026-06-01"
    )
    assert fields(case)["godkendt_af"] == "Direktør" and fields(case)["perioder"] == 2
    assert case["history"][-1]["changes"]["godkendt_af"] == "Direktør"


def test_an_automatic_action_sets_fields(samskab, cycle):
    number = str(samskab.json("cases", "new", "aftale", "--title", "Spejderne", now="2026-01-05")["id"])
    samskab.json("cases", "advance", number, "godkend", "--set", "godkendt_af=Borgmester", now="2026-01-10")
    samskab.json("tick", now="2027-01-11")
    case = samskab.json("cases", "show", number, now="2027-01-11")
    assert case["state"] == "udkast" and fields(case)["status"] == "udloebet"


def test_from_any_open_step(samskab, cycle):
    shown = samskab.json("processes", "show", "aftale")
    assert next(a for a in shown["actions"] if a["id"] == "stop")["from"] == ["udkast", "aktiv"]
    for steps in ([], ["godkend"]):
        number = str(samskab.json("cases", "new", "aftale", "--title", "X")["id"])
        for step in steps:
            samskab("cases", "advance", number, step, "--set", "godkendt_af=A")
        assert samskab.json("cases", "advance", number, "stop")["state"] == "slut"


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('sets = { status = "aktiv", tilskud = "5.000" }', 'sets = { status = "aktivt" }', "sets.status"),
        ('sets = { status = "aktiv", tilskud = "5.000" }', 'sets = { tilskud = "mange" }', "sets.tilskud"),
        (
            'sets = { status = "aktiv", tilskud = "5.000" }',
            'sets = { staus = "aktiv" }',
            "unknown field `staus`",
        ),
        ('clears = ["godkendt_af"]', 'clears = ["godkend_af"]', "unknown field `godkend_af`"),
        ('from = "*"', 'from = "**"', "unknown state `**`"),
    ],
)
def test_mistakes_in_cycles_are_found(samskab, workdir, old, new, said):
    assert old in CYCLE
    path = workdir / "aftale.toml"
    path.write_text(CYCLE.replace(old, new, 1), encoding="utf-8")
    assert said in samskab("processes", "check", str(path), exit=2).stderr

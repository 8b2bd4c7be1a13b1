"""`samskab processes migrate`: running cases moved to a new version of their process,
each in one transaction with an event; a dry run first; cases without a place stay."""

import pytest

from samskab.engine.config import os_account

ME = os_account()


@pytest.fixture
def lokal(samskab, process_dir, workdir):
    """Cases of `lokal` (a copy of partnerskab) on version 1, in several steps."""
    (workdir / "samskab.toml").write_text('processes = ["mine"]\n')
    numbers = []
    for title, steps in (("Dialog", []), ("Udkast", ["udform_aftale"]), ("Lukket", ["afbryd"])):
        case = samskab.json("cases", "new", "lokal", "--title", title, now="2026-03-01T10:00")
        for step in steps:
            args = [
                "--set",
                "dialogmoede_dato=2026-03-01",
                "--set",
                "deltagere=Alle",
                "--set",
                "organisation=X",
            ]
            args = args if step == "udform_aftale" else ["--note", "stop"]
            samskab("cases", "advance", str(case["id"]), step, *args, now="2026-03-02T10:00")
        numbers.append(case["id"])
    return process_dir / "lokal.toml", numbers


def version_2(path, **replace):
    text = path.read_text(encoding="utf-8").replace("version = 1", "version = 2")
    for old, new in replace.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def test_a_dry_run_says_what_would_change_and_changes_nothing(samskab, lokal):
    path, (dialog, udkast, lukket) = lokal
    version_2(path, **{'id = "aftaleudkast"': 'id = "udkast"', '"aftaleudkast"': '"udkast"'})
    plan = samskab.json("processes", "migrate", "lokal", "--to", "2", "--dry-run")
    assert plan["dry_run"] is True and plan["moved"] == 1 and plan["staying"] == 1
    by_case = {c["case"]: c for c in plan["cases"]}
    assert lukket not in by_case  # closed cases stay on their version
    assert by_case[dialog]["to_state"] == "dialog"
    assert by_case[udkast]["to_state"] is None
    assert "--map aftaleudkast=STEP" in by_case[udkast]["reason"]
    assert samskab.json("cases", "show", str(dialog))["version"] == 1


def test_the_real_run_moves_each_case_with_an_event_and_maps_renamed_steps(samskab, lokal):
    path, (dialog, udkast, _) = lokal
    version_2(path, **{'id = "aftaleudkast"': 'id = "udkast"', '"aftaleudkast"': '"udkast"'})
    moved = samskab.json(
        "processes", "migrate", "lokal", "--to", "2", "--map", "aftaleudkast=udkast", now="2026-04-01"
    )
    assert moved["moved"] == 2 and moved["staying"] == 0
    case = samskab.json("cases", "show", str(udkast))
    assert case["version"] == 2 and case["state"] == "udkast"
    last = case["history"][-1]
    assert last["kind"] == "migration" and last["note"] == "version 1 → 2" and last["actor"] == ME
    assert last["from"] == "aftaleudkast" and last["to"] == "udkast"
    # The moved case runs on the new version: its actions are the new version's.
    assert "send_til_underskrift" in [a["id"] for a in case["actions"]]
    assert samskab("audit", "verify").stdout.startswith("ok:")
    again = samskab.json("processes", "migrate", "lokal", "--to", "2")
    assert again["cases"] == []
    danish = samskab("--lang", "da", "cases", "show", str(dialog)).stdout
    assert "flyttet til en ny version af processen" in danish


def test_deadlines_are_planned_again_from_when_the_case_entered_its_step(samskab, lokal):
    path, (dialog, _, _) = lokal
    version_2(
        path,
        **{
            'title = { da = "Dialog med alle aktører", en = "Dialogue with all actors" }': 'title = { da = "Dialog med alle aktører", en = "Dialogue with all actors" }\ndeadline = { after = "P8W" }'
        },
    )
    plan = samskab.json("processes", "migrate", "lokal", "--to", "2", "--dry-run", now="2026-04-01")
    dialog_plan = next(c for c in plan["cases"] if c["case"] == dialog)
    assert dialog_plan["deadlines"] == ["deadline 2026-04-26"]  # 8 weeks from 1 March, 10:00
    samskab("processes", "migrate", "lokal", "--to", "2", now="2026-04-01")
    case = samskab.json("cases", "show", str(dialog), now="2026-04-01")
    assert [d["day"] for d in case["deadlines"]] == ["2026-04-26"]


def test_fields_the_new_version_lacks_are_kept_and_listed(samskab, lokal):
    path, (_, udkast, _) = lokal
    version_2(
        path,
        **{
            '[[fields]]\nid = "deltagere"': '[[fields]]\nid = "deltagere_ny"',
            '"deltagere"': '"deltagere_ny"',
        },
    )
    plan = samskab.json("processes", "migrate", "lokal", "--to", "2", "--dry-run")
    assert next(c for c in plan["cases"] if c["case"] == udkast)["dropped"] == ["Actors in the dialogue"]
    samskab("processes", "migrate", "lokal", "--to", "2")
    assert samskab.json("cases", "show", str(udkast))["fields"]["deltagere"] == "Alle"


@pytest.mark.parametrize(
    ("args", "said", "status"),
    [
        (["--to", "7"], "process `lokal` version 7 is not in this database", 1),
        (["--to", "2", "--map", "aftaleudkast=udkst"], "version 2 has no step `udkst`", 2),
        (["--to", "2", "--map", "aftaleudkst=dialog"], "no case to move is in a step `aftaleudkst`", 2),
        (["--to", "2", "--map", "aftaleudkast"], "'aftaleudkast' should be OLD=NEW", 2),
    ],
)
def test_mistakes_are_clear(samskab, lokal, args, said, status):
    path, _ = lokal
    version_2(path)
    assert said in samskab("processes", "migrate", "lokal", *args, exit=status).stderr


def test_only_an_admin_moves_cases(samskab, lokal):
    path, _ = lokal
    version_2(path)
    samskab("people", "add", ME, "--role", "koordinator")
    samskab("people", "add", "anna", "--role", "koordinator")
    samskab("people", "grant", "anna", "admin")
    samskab("people", "revoke", ME, "admin")
    refused = samskab("processes", "migrate", "lokal", "--to", "2", exit=1)
    assert "may not move running cases to another version of their process" in refused.stderr
    assert "it needs one of the roles: administrator" in refused.stderr

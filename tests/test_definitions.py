"""What a municipality meets when it writes or changes a process file."""

import json
import re
import tomllib

import jsonschema
import pytest
from conftest import PROCESSES

BROKEN_EDITS = [
    # a misspelt state
    ('from = "til_underskrift"\nto = "aktiv"', 'from = "til_underskrift"\nto = "aktivt"'),
    # an unknown key
    ('id = "revision"\n', 'id = "revision"\ncolour = "red"\n'),
    # two initial states
    ('id = "aftaleudkast"\n', 'id = "aftaleudkast"\ninitial = true\n'),
    # a bad duration
    ('after = "P6W"', 'after = "6 weeks"'),
]


def write_broken(directory, edits=BROKEN_EDITS):
    text = (PROCESSES / "partnerskab.toml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = directory / "broken.toml"
    path.write_text(text.replace('id = "partnerskab"', 'id = "broken"'), encoding="utf-8")
    return path, text


def line_of(text, needle):
    return text.splitlines().index(needle) + 1


def test_every_problem_at_once_with_file_line_place_and_suggestion(samskab, workdir):
    path, text = write_broken(workdir)
    result = samskab("processes", "check", str(path), exit=2)
    lines = result.stderr.splitlines()
    colour, to = line_of(text, 'colour = "red"'), line_of(text, 'to = "aktivt"')
    expected = [
        f"{path}:{colour}: states[4].colour: unknown key `colour`",
        f"{path}:{to}: actions[3].to: unknown state `aktivt` (did you mean `aktiv`?)",
        ": states[1].initial: more than one initial state (`dialog` is already initial)",
        ": states[2].deadline.after: `6 weeks` is not an ISO 8601 duration",
        ": states[3]: state `aktiv` cannot be reached",
    ]
    for fragment in expected:
        assert any(fragment in line for line in lines), (fragment, lines)
    assert lines[-1].endswith("problem(s) found.")


def test_check_fails_on_no_initial_no_final_and_dead_ends(samskab, workdir):
    text = (PROCESSES / "partnerskab.toml").read_text(encoding="utf-8")
    text = text.replace("initial = true\n", "").replace("final = true\n", "")
    (workdir / "p.toml").write_text(text.replace('id = "partnerskab"', 'id = "p"'))
    err = samskab("processes", "check", "p.toml", exit=2).stderr
    assert "no initial state" in err and "no final state" in err
    assert "no action leads out of `afsluttet`, and it is not final" in err


def test_guard_naming_python_code_is_refused(samskab, workdir):
    path, _ = write_broken(workdir, [('name = "not_in_future"', 'name = "os.system"')])
    err = samskab("processes", "check", str(path), exit=2).stderr
    assert "unknown guard `os.system`" in err


def test_wrong_types_and_toml_syntax(samskab, workdir):
    path, _ = write_broken(workdir, [("version = 5", 'version = "5"'), ("final = true", "final = 1")])
    err = samskab("processes", "check", str(path), exit=2).stderr
    assert "version: expected a whole number, got the text '5'" in err
    assert "final: expected true or false, got the number 1" in err
    (workdir / "syntax.toml").write_text('id = "x"\nversion = \n')
    err = samskab("processes", "check", "syntax.toml", exit=2).stderr
    assert "syntax.toml:2: not valid TOML" in err


def test_two_files_claiming_the_same_id_and_version(samskab, workdir):
    for name in ("a.toml", "b.toml"):
        (workdir / name).write_text((PROCESSES / "partnerskab.toml").read_text(encoding="utf-8"))
    err = samskab("processes", "check", "a.toml", "b.toml", exit=2).stderr
    assert "b.toml:8: id: process `partnerskab` version 5 is also defined in a.toml" in err


def test_builtin_processes_pass_the_check(samskab):
    out = samskab("processes", "check").stdout
    assert out.startswith("ok:")


def test_broken_user_file_warns_but_does_not_stop_work(samskab, workdir):
    write_broken(workdir)
    result = samskab("--processes", str(workdir), "processes", "list")
    assert "partnerskab" in result.stdout
    assert "Warning:" in result.stderr and "broken.toml" in result.stderr


def test_json_schema_is_generated_from_the_model_and_checks_files(samskab):
    schema = json.loads(samskab("processes", "schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in PROCESSES.glob("*.toml"):
        jsonschema.validate(tomllib.loads(path.read_text(encoding="utf-8")), schema)
    data = tomllib.loads((PROCESSES / "partnerskab.toml").read_text(encoding="utf-8"))
    data["states"][0]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError, match="colour"):
        jsonschema.validate(data, schema)
    assert schema["properties"]["level"]["enum"] == ["individ", "lokalsamfund", "kommune"]
    assert "from" in schema["$defs"]["Action"]["properties"]
    kinds = schema["$defs"]["Field"]["properties"]["type"]
    assert "link" in kinds["enum"] and "http or https" in kinds["description"]


def test_show_prints_steps_actions_roles_and_deadlines(samskab):
    out = samskab("--lang", "da", "processes", "show", "partnerskab").stdout
    assert out.index("1. Dialog med alle aktører [dialog] (start)") < out.index("Aktivt partnerskab")
    assert (
        "Frist: 3 år efter datoen i «Aftalen underskrevet (dato)»; påmindelse 6 måneder og 3 måneder før"
        in out
    )
    assert "-> Styregruppen underskriver [underskriv] -> Aktivt partnerskab  (Styregruppe" in out
    english = samskab("processes", "show", "partnerskab").stdout
    assert (
        "Deadline: 3 years after the date in «Agreement signed (date)»; reminder 6 months and 3 months"
        in english
    )
    assert "P3Y" not in out + english and "`" not in out + english
    data = samskab.json("processes", "show", "partnerskab")
    underskriv = next(a for a in data["actions"] if a["id"] == "underskriv")
    assert underskriv == {
        **underskriv,
        "from": ["til_underskrift"],
        "to": "aktiv",
        "roles": ["styregruppe"],
        "requires": ["underskrevet_dato", "underskrevet_af"],
    }
    mermaid = samskab("processes", "show", "partnerskab", "--format", "mermaid").stdout
    assert mermaid.startswith("stateDiagram-v2") and "til_underskrift --> aktiv" in mermaid


def test_processes_list(samskab):
    rows = {row["id"]: row for row in samskab.json("processes", "list")}
    assert len(rows) == 12
    assert {"version": 5, "level": "lokalsamfund"}.items() <= rows["partnerskab"].items()


def test_the_library_page_says_every_field_type():
    from samskab.engine import library
    from samskab.engine.definition import FIELD_TYPES

    assert tuple(library.FIELD_TYPES) == FIELD_TYPES


def test_docs_processes_md_is_up_to_date(samskab):
    """docs/processes.md shows every built-in process; regenerate it with the command below."""
    generated = samskab("processes", "docs").stdout
    committed = (PROCESSES.parent / "docs" / "processes.md").read_text(encoding="utf-8")
    assert generated == committed, "run: samskab processes docs > docs/processes.md"
    for path in PROCESSES.glob("*.toml"):
        assert f"(`{path.stem}`)" in committed


@pytest.mark.parametrize(
    "guard, said",
    [
        ('{ name = "equals", field = "boerneattest", value = "ja" }', "`'ja'` does not fit the yesno field"),
        ('{ name = "at_least", field = "boerneattest", value = 1 }', "`1` does not fit the yesno field"),
        ('{ name = "equals", field = "tid", value = "om natten" }', "does not fit the choice field `tid`"),
        ('{ name = "at_least", field = "startdato", value = "snart" }', "does not fit the date field"),
    ],
)
def test_a_guard_value_that_can_never_fit_its_field_is_found_by_check(samskab, workdir, guard, said):
    """Found when the file is checked, not by every tick afterwards."""
    text = (
        (PROCESSES / "frivillig.toml").read_text(encoding="utf-8").replace('id = "frivillig"', 'id = "mit"')
    )
    text = text.replace('guards = [{ name = "changed", field = "startdato" }]', f"guards = [{guard}]")
    (workdir / "mit.toml").write_text(text, encoding="utf-8")
    result = samskab("processes", "check", str(workdir / "mit.toml"), exit=2)
    assert said in result.stderr and "actions[" in result.stderr and ".guards[0].value" in result.stderr
    line = (workdir / "mit.toml").read_text(encoding="utf-8").splitlines().index(f"guards = [{guard}]") + 1
    assert f"mit.toml:{line}:" in result.stderr


def test_a_condition_that_can_never_hold_is_found_with_a_suggestion(samskab, workdir):
    """`equals = "ja"` on a yes/no field would never hold: the check says where, and how
    to write it; so for the condition of a field required only sometimes."""
    text = (
        (PROCESSES / "frivillig.toml").read_text(encoding="utf-8").replace('id = "frivillig"', 'id = "mit"')
    )
    old = 'guards = [{ name = "changed", field = "startdato" }]'
    when = 'requires_when = [{ fields = ["telefon"], when = { name = "equals", field = "boerneattest", value = "ja" } }]'
    (workdir / "mit.toml").write_text(text.replace(old, f"{old}\n{when}"), encoding="utf-8")
    result = samskab("processes", "check", str(workdir / "mit.toml"), exit=2)
    line = text.splitlines().index(old) + 2
    assert (
        f"mit.toml:{line}: actions[4].requires_when[0].when.value: "
        "`'ja'` does not fit the yesno field `boerneattest` (write true or false)"
    ) in result.stderr


@pytest.mark.parametrize(
    "text, said",
    [
        ("id = " + "[" * 5000 + "]" * 5000, "tables or lists nest deeper than samskab reads"),
        ('id = "x"\nversion = ' + "9" * 5000, "a number has more digits than samskab reads"),
        (
            re.sub(
                r"^version = \d+$",
                "version = 10000000000000000000000",
                (PROCESSES / "hoering.toml").read_text(encoding="utf-8"),
                flags=re.M,
            ),
            "version must be between 1 and 1,000,000",
        ),
    ],
)
def test_files_no_one_would_write_are_clear_errors_not_tracebacks(samskab, workdir, text, said):
    (workdir / "odd.toml").write_text(text, encoding="utf-8")
    result = samskab("processes", "check", str(workdir / "odd.toml"), exit=2)
    assert said in result.stderr


def test_a_config_file_nested_past_reading_is_a_clear_error(samskab, workdir):
    (workdir / "samskab.toml").write_text("processes = " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    result = samskab("cases", "list", exit=2)
    assert "samskab.toml: tables or lists nest deeper than samskab reads" in result.stderr

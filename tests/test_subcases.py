"""Sub-cases and links between cases, end to end through the command line: the worked
example of docs/customising.md (a housing-social master plan opening one residents'
consultation per milestone), waiting for sub-cases, links made by an action and by hand,
every mistake in a process file and every refusal, and the audit trail after all of it."""

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import ADMIN

DOC = (Path(__file__).parent.parent / "docs" / "customising.md").read_text(encoding="utf-8")
NOW = "2026-03-02T09:00"


def example(workdir: Path) -> Path:
    """The two process files of the worked example, as the docs give them, in processes/."""
    folder = workdir / "processes"
    folder.mkdir(exist_ok=True)
    blocks = re.findall(r"```toml\n# (processes/\w+\.toml)\n(.*?)```", DOC, re.S)
    assert [name for name, _ in blocks] == ["processes/helhedsplan.toml", "processes/beboerhoering.toml"]
    for name, text in blocks:
        (workdir / name).write_text(text, encoding="utf-8")
    (workdir / "samskab.toml").write_text('processes = ["processes"]\n', encoding="utf-8")
    return folder


def plan(samskab, milestones: int = 3) -> dict:
    """A master plan, adopted with ``milestones`` consultations."""
    number = samskab.json(
        "cases", "new", "helhedsplan", "--title", "Højvangen 2030", "--set", "boligafdeling=Højvangen",
        "--set", "kontakt_email=bo@hoejvangen.dk", now=NOW,
    )["id"]  # fmt: skip
    return samskab.json(
        "cases", "advance", str(number), "vedtag_planen", "--set", f"milepaele={milestones}", now=NOW
    )


@pytest.mark.usefixtures("each_store")
def test_the_worked_example_opens_a_consultation_per_milestone(samskab, workdir):
    example(workdir)
    assert samskab("processes", "check").stdout.startswith("ok: 14")
    adopted = plan(samskab)
    parent = adopted["id"]
    assert adopted["state"] == "gennemfoerelse" and adopted["parent"] is None and adopted["links"] == []
    children = adopted["children"]
    assert [c["title"] for c in children] == [f"Højvangen: beboerhøring før milepæl {n}" for n in (1, 2, 3)]
    assert {(c["process"], c["state"], c["closed"]) for c in children} == {
        ("beboerhoering", "indkaldt", False)
    }
    listed = samskab.json("cases", "list", "--parent", str(parent))
    assert [c["id"] for c in listed] == [c["id"] for c in children]
    first = samskab.json("cases", "show", str(children[0]["id"]))
    assert first["parent"] == {
        "id": parent,
        "title": "Højvangen 2030",
        "process": "helhedsplan",
        "process_title": "Housing-social master plan",
        "state": "gennemfoerelse",
        "state_title": "The plan is carried out",
        "closed": False,
    }
    assert first["fields"] == {"boligafdeling": "Højvangen", "kontakt_email": "bo@hoejvangen.dk"}
    assert first["owner"] == adopted["owner"]
    [opened] = first["history"]
    assert (opened["kind"], opened["link_kind"], opened["link_case"]) == ("created", "del_af", parent)
    assert opened["what"] == f"opened as part of case {parent}"
    shown = samskab("cases", "show", str(parent)).stdout
    assert (
        "Sub-cases (0 of 3 done)" in shown and f"case {children[2]['id']}: Højvangen: beboerhøring" in shown
    )
    assert (
        f"part of   case {parent}: Højvangen 2030" in samskab("cases", "show", str(children[0]["id"])).stdout
    )
    danish = samskab("--lang", "da", "cases", "show", str(children[0]["id"])).stdout
    assert (
        f"del af    sag {parent}: Højvangen 2030" in danish and f"oprettet som del af sag {parent}" in danish
    )
    assert samskab("audit", "verify").stdout == "ok: 5 events, chains intact\n"


@pytest.mark.usefixtures("each_store")
def test_the_plan_waits_for_every_consultation(samskab, workdir):
    example(workdir)
    adopted = plan(samskab, milestones=2)
    parent, (first, second) = str(adopted["id"]), adopted["children"]
    [end] = [a for a in adopted["actions"] if a["id"] == "afslut"]
    assert not end["allowed"] and end["reasons"] == ["waiting for sub-cases: 0 of 2 done"]
    samskab(
        "cases", "advance", str(first["id"]), "hold", "--set", "moede_dato=2026-04-01", "--set", "svar=Ja tak"
    )
    refused = samskab("cases", "advance", parent, "afslut", "--set", "evaluering=God", exit=1)
    assert "waiting for sub-cases: 1 of 2 done" in refused.stderr
    assert samskab.json("cases", "show", parent)["refused"][-1]["reasons"] == [
        "waiting for sub-cases: 1 of 2 done"
    ]
    samskab("cases", "advance", str(second["id"]), "aflys", "--note", "Ingen milepæl alligevel")
    ended = samskab.json("cases", "advance", parent, "afslut", "--set", "evaluering=God")
    assert ended["state"] == "afsluttet" and [c["closed"] for c in ended["children"]] == [True, True]
    assert samskab("audit", "verify").stdout.startswith("ok: 7 events")


@pytest.mark.parametrize(
    ("value", "closed", "waiting"),
    [
        ('"any"', 0, "waiting for a sub-case to be done (none of 3 is)"),
        ('"any"', 1, None),
        ("2", 1, "waiting for sub-cases: 1 done of the 2 needed (3 in all)"),
        ("2", 2, None),
        ('"all"', 2, "waiting for sub-cases: 2 of 3 done"),
        ('"all"', 3, None),
    ],
)
def test_waiting_for_any_a_number_or_all(samskab, workdir, value, closed, waiting):
    folder = example(workdir)
    path = folder / "helhedsplan.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('value = "all"', f"value = {value}"), encoding="utf-8"
    )
    adopted = plan(samskab)
    for child in adopted["children"][:closed]:
        samskab("cases", "advance", str(child["id"]), "aflys", "--note", "Aflyst")
    [end] = [a for a in samskab.json("cases", "show", str(adopted["id"]))["actions"] if a["id"] == "afslut"]
    assert end["reasons"] == ([waiting] if waiting else [])


def test_all_holds_without_sub_cases_and_none_are_opened_for_zero(samskab, workdir):
    folder = example(workdir)
    path = folder / "helhedsplan.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(", value = 1 }", ", value = 0 }"), encoding="utf-8"
    )
    adopted = plan(samskab, milestones=0)
    assert adopted["children"] == [] and adopted["state"] == "gennemfoerelse"
    samskab("cases", "advance", str(adopted["id"]), "afslut", "--set", "evaluering=Ingen milepæle")


def test_an_action_opening_too_many_or_missing_what_they_need_is_refused_whole(samskab, workdir):
    example(workdir)
    number = str(
        samskab.json("cases", "new", "helhedsplan", "--title", "Plan", "--set", "boligafdeling=X")["id"]
    )
    refused = samskab("cases", "advance", number, "vedtag_planen", "--set", "milepaele=51", exit=1)
    assert "it would open 51 cases of Residents' consultation; at most 50 at once" in refused.stderr
    samskab("cases", "correct", number, "--set", "boligafdeling=", "--reason", "Ukendt endnu")
    refused = samskab("cases", "advance", number, "vedtag_planen", "--set", "milepaele=2", exit=1)
    assert (
        "a case of Residents' consultation needs Housing estate to open; fill in what is copied into them"
        in refused.stderr
    )
    assert samskab.json("cases", "list", "--all") == samskab.json(
        "cases", "list", "--all", "--process", "helhedsplan"
    )
    assert samskab.json("cases", "show", number)["state"] == "planlaegning"


def test_renewal_opens_a_linked_case_of_its_own_process_in_a_copy_too(samskab, process_dir):
    """The copy of partnerskab (``lokal``) renews into a ``lokal`` case, not a partnerskab."""
    mine = ("--processes", str(process_dir))
    number = str(
        samskab.json(*mine, "cases", "new", "lokal", "--title", "Lions", "--set", "organisation=Lions")["id"]
    )
    for action, values in (
        ("udform_aftale", ["dialogmoede_dato=2026-01-10", "deltagere=Alle"]),
        (
            "send_til_underskrift",
            ["kommunens_bidrag=a", "organisationens_bidrag=b", "tilskud=1", "faciliteter=c"],
        ),
        ("underskriv", ["underskrevet_dato=2026-01-20", "underskrevet_af=Styregruppen"]),
        ("start_revision", []),
    ):
        samskab(*mine, "cases", "advance", number, action, *(f"--set={v}" for v in values), now="2026-02-01")
    ended = samskab.json(
        *mine, "cases", "advance", number, "forny", "--set", "evaluering=God", now="2026-02-02"
    )
    [link] = ended["links"]
    assert (link["kind"], link["direction"], link["case"]["process"]) == ("fornyelse_af", "from", "lokal")
    assert ended["children"] == []  # a renewal is not a sub-case
    assert samskab.json(*mine, "cases", "list", "--parent", number) == []


def links(samskab, number) -> list[tuple]:
    return [
        (x["kind"], x["direction"], x["case"]["id"], x["said"])
        for x in samskab.json("cases", "show", str(number))["links"]
    ]


@pytest.mark.usefixtures("each_store")
def test_links_by_hand_both_ways_and_removed(samskab):
    old, new, other = (
        samskab.json("cases", "new", "partnerskab", "--title", title)["id"]
        for title in ("Gammel", "Ny", "Anden")
    )
    linked = samskab.json(
        "cases", "link", str(new), str(old), "--kind", "fornyelse_af", "--note", "Ny aftale"
    )
    assert [(x["kind"], x["direction"], x["case"]["id"]) for x in linked["links"]] == [
        ("fornyelse_af", "to", old)
    ]
    assert links(samskab, old) == [("fornyelse_af", "from", new, "renewed by")]
    assert linked["history"][-1]["what"] == f"linked: renewal of case {old}"
    assert linked["history"][-1]["note"] == "Ny aftale" and linked["revision"] == 2
    samskab("cases", "link", str(other), str(new), "--kind", "relateret_til")
    assert links(samskab, new) == [
        ("fornyelse_af", "to", old, "renewal of"),
        ("relateret_til", "from", other, "related to"),
    ]
    assert "  related to [relateret_til]: case 3: Anden" in samskab("cases", "show", str(new)).stdout
    danish = samskab("--lang", "da", "cases", "show", str(old)).stdout
    assert "Tilknytninger" in danish and "fornyet af [fornyelse_af]: sag 2: Ny" in danish
    samskab("cases", "link", str(other), str(new), "--kind", "del_af")
    assert samskab.json("cases", "show", str(new))["children"][0]["id"] == other
    unlinked = samskab.json("cases", "unlink", str(new), str(old), "--kind", "fornyelse_af")
    assert unlinked["history"][-1]["what"] == f"link removed: renewal of case {old}"
    assert links(samskab, old) == []
    assert samskab("audit", "verify").stdout == "ok: 7 events, chains intact\n"


@pytest.mark.usefixtures("each_store")
def test_links_by_hand_that_cannot_be_are_refused_with_every_reason(samskab):
    first, second, third = (
        str(samskab.json("cases", "new", "partnerskab", "--title", title)["id"]) for title in ("A", "B", "C")
    )
    samskab("cases", "link", second, first, "--kind", "del_af")
    samskab("cases", "link", third, second, "--kind", "del_af")

    def refused(*args: str, exit: int = 1) -> dict:
        return samskab.json("cases", *args, exit=exit)

    unknown = refused("link", first, second, "--kind", "fornyelse", exit=2)
    assert unknown["message"] == "there is no kind of link `fornyelse`"
    assert unknown["details"] == ["did you mean `fornyelse_af`?"]
    assert refused("link", first, first, "--kind", "relateret_til")["details"] == [
        "a case cannot be linked to itself"
    ]
    assert refused("link", second, first, "--kind", "del_af")["details"] == [
        f"case {second} is part of case {first} already"
    ]
    assert refused("link", first, third, "--kind", "del_af")["details"] == [
        f"case {third} is itself among the sub-cases of case {first}; they would go round"
    ]
    assert refused("unlink", first, second, "--kind", "del_af")["details"] == [
        f"case {first} is not part of case {second}"
    ]
    assert refused("link", first, "99", "--kind", "del_af")["message"] == "there is no case 99"
    samskab("cases", "advance", first, "afbryd", "--note", "Nej tak")
    assert refused("new", "partnerskab", "--title", "D", "--parent", first)["details"] == [
        f"case {first} is closed: it takes no sub-cases"
    ]
    fourth = str(samskab.json("cases", "new", "partnerskab", "--title", "D")["id"])
    assert refused("link", fourth, first, "--kind", "del_af")["details"] == [
        f"case {first} is closed: it takes no sub-cases"
    ]
    made = samskab.json("cases", "link", first, fourth, "--kind", "relateret_til")  # a closed case links
    assert made["closed_at"] and made["links"][0]["case"]["id"] == int(fourth)
    assert samskab("audit", "verify").stdout.startswith("ok: ")


def test_who_may_link(samskab, workdir):
    (workdir / "samskab.toml").write_text(
        ADMIN + '[people.anna]\nroles = ["koordinator"]\n[people.karin]\nroles = ["forvaltning"]\n'
    )
    mine = str(samskab.json("cases", "new", "partnerskab", "--title", "A", "--as", "anna")["id"])
    other = str(samskab.json("cases", "new", "partnerskab", "--title", "B")["id"])
    refused = samskab("cases", "link", mine, other, "--kind", "relateret_til", "--as", "karin", exit=1)
    assert "karin is not its owner and holds no role that may link it" in refused.stderr
    assert samskab.json("cases", "show", mine)["refused"][-1]["action"] == "link"
    assert samskab.json("cases", "show", mine, "--as", "karin")["link_kinds"] == []
    kinds = samskab.json("cases", "show", mine, "--as", "anna")["link_kinds"]
    assert [k["id"] for k in kinds] == ["del_af", "fornyelse_af", "relateret_til"]
    samskab("cases", "link", mine, other, "--kind", "relateret_til", "--as", "anna")


def test_a_link_changed_behind_samskabs_back_is_found(samskab, workdir):
    parent = str(samskab.json("cases", "new", "partnerskab", "--title", "A")["id"])
    child = str(samskab.json("cases", "new", "partnerskab", "--title", "B", "--parent", parent)["id"])
    assert samskab("audit", "verify").stdout == "ok: 2 events, chains intact\n"
    with sqlite3.connect(workdir / "samskab.db") as db:
        db.execute("DELETE FROM links")
    broken = samskab("audit", "verify", exit=1).stderr
    assert f"case {child}): its link to case {parent} (del_af) does not follow from its history" in broken
    with sqlite3.connect(workdir / "samskab.db") as db:
        db.execute("INSERT INTO links VALUES (?, ?, 'del_af', 2)", (child, parent))
        db.execute("INSERT INTO links VALUES (?, ?, 'relateret_til', 2)", (parent, child))
    broken = samskab("audit", "verify", exit=1).stderr
    assert f"its link to case {child} (relateret_til) does not follow from its history" in broken


MISTAKES = [
    (
        'process = "beboerhoering"',
        'process = "beboerhøring"',
        "unknown process `beboerhøring` (did you mean `beboerhoering`?)",
    ),
    (
        'kontakt_email = "kontakt_email" }',
        'kontakt_email = "kontakt" }',
        "unknown field of `beboerhoering` `kontakt` (did you mean `kontakt_email`?)",
    ),
    (
        "fields = { boligafdeling = ",
        "fields = { milepaele = ",
        "`milepaele` is a integer field and `boligafdeling` of `beboerhoering` a text field;",
    ),
    (
        '{ boligafdeling = "boligafdeling", ',
        "{ ",
        "opening a case of `beboerhoering` requires `boligafdeling`, which nothing is copied into",
    ),
    ("milepæl {n}", "milepæl {nr}", "unknown placeholder `{nr}`"),
    ("milepæl {n}", "milepæl {n:>9}", "`{n}`: a placeholder is a name only, without : or !"),
    ("milepæl {n}", "milepæl {n", "not a title template"),
    (
        'count_field = "milepaele"',
        'count_field = "milepaele"\ncount = 2',
        "give `count` or `count_field`, not both",
    ),
    (
        'count_field = "milepaele"',
        'count_field = "evaluering"',
        "`evaluering` is a longtext field; the count is an integer field",
    ),
    ('count_field = "milepaele"', "count = 0", "`count` is from 1 to 50"),
    (
        'count_field = "milepaele"',
        'link = "fornyelse"',
        "unknown kind of link `fornyelse` (did you mean `fornyelse_af`?)",
    ),
    ('value = "all"', 'value = "alle"', '`\'alle\'` is not "all", "any" or a number of sub-cases from 1'),
]


@pytest.mark.parametrize(("old", "new", "said"), MISTAKES)
def test_mistakes_in_what_an_action_opens_are_found_with_file_line_and_suggestion(
    samskab, workdir, old, new, said
):
    folder = example(workdir)
    path = folder / "helhedsplan.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    err = samskab("processes", "check", exit=2).stderr
    [problem] = [line for line in err.splitlines() if said in line]
    assert re.match(rf"{re.escape(str(path))}:\d+: actions\[\d\]\.(opens\[0\]|guards\[0\])", problem), problem
    assert samskab("processes", "check", str(path), exit=2).stderr.count(said) == 1  # the file on its own too


def test_a_file_checked_on_its_own_opens_the_processes_samskab_has(samskab, workdir):
    folder = example(workdir)
    (workdir / "samskab.toml").unlink()
    err = samskab("processes", "check", str(folder / "helhedsplan.toml"), exit=2).stderr
    assert "unknown process `beboerhoering`" in err
    assert samskab("processes", "check", str(folder)).stdout.startswith("ok: 2")


def test_processes_opening_each_other_for_ever_by_themselves_are_refused(samskab, workdir):
    folder = example(workdir)
    hearing = folder / "beboerhoering.toml"
    hearing.write_text(
        hearing.read_text(encoding="utf-8")
        .replace('title = { da = "Beboerne er indkaldt", en = "Residents invited" }\n',
                 'title = { da = "Beboerne er indkaldt", en = "Residents invited" }\n'
                 'deadline = { after = "P1M", action = "aflys" }\n')
        .replace("note_required = true\n",
                 '\n[[actions.opens]]\nprocess = "helhedsplan"\ntitle = "Ny plan"\nfields = { boligafdeling = "boligafdeling" }\n'),
        encoding="utf-8",
    )  # fmt: skip
    assert samskab("processes", "check").stdout.startswith("ok: 14")  # a person adopts each plan
    plan_file = folder / "helhedsplan.toml"
    plan_file.write_text(
        plan_file.read_text(encoding="utf-8")
        .replace('[[states]]\nid = "planlaegning"\ninitial = true\ntitle = { da = "Planen lægges", en = "Planning" }\n',
                 '[[states]]\nid = "planlaegning"\ninitial = true\ntitle = { da = "Planen lægges", en = "Planning" }\n'
                 'deadline = { after = "P1M", action = "vedtag_planen" }\n')
        .replace('count_field = "milepaele"', "count = 1")
        .replace('requires = ["milepaele"]\nguards = [{ name = "at_least", field = "milepaele", value = 1 }]\n', ""),
        encoding="utf-8",
    )  # fmt: skip
    err = samskab("processes", "check", exit=2).stderr
    assert (
        "`helhedsplan` opens cases of `beboerhoering` at a deadline by itself, and they open cases of" in err
    )
    assert "(let a person take one of these actions (not a deadline's `action`))" in err


def test_processes_show_says_what_an_action_opens(samskab, workdir):
    example(workdir)
    view = samskab.json("processes", "show", "helhedsplan")
    [adopt] = [a for a in view["actions"] if a["id"] == "vedtag_planen"]
    assert adopt["opens"] == [
        {
            "process": "beboerhoering",
            "process_title": "Residents' consultation",
            "title": "{boligafdeling}: beboerhøring før milepæl {n}",
            "count": None,
            "count_field": "milepaele",
            "link": "del_af",
            "fields": {"boligafdeling": "boligafdeling", "kontakt_email": "kontakt_email"},
            "words": "opens as many cases of Residents' consultation as «Milestones in the plan» says, each part"
            " of this one; copies Housing estate, The housing association's contact (e-mail)",
        }
    ]
    assert (
        "      opens as many cases of Residents' consultation"
        in samskab("processes", "show", "helhedsplan").stdout
    )
    mermaid = samskab("processes", "show", "helhedsplan", "--format", "mermaid").stdout
    assert "planlaegning --> gennemfoerelse: The plan is adopted + Residents' consultation" in mermaid
    schema = samskab("processes", "schema").stdout
    assert '"opens"' in schema and '"link_kinds"' in schema and '"count_field"' in schema


def test_a_process_names_kinds_of_links_of_its_own(samskab, workdir):
    folder = example(workdir)
    path = folder / "helhedsplan.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('count_field = "milepaele"', 'count_field = "milepaele"\nlink = "hoering_til"')
        + '\n[[link_kinds]]\nid = "hoering_til"\ntitle = { da = "høring til", en = "consultation for" }\n'
        'inverse = { da = "hørte beboerne i", en = "consulted the residents in" }\n',
        encoding="utf-8",
    )  # fmt: skip
    adopted = plan(samskab, milestones=1)
    assert adopted["children"] == []
    [link] = adopted["links"]
    assert (link["kind"], link["said"], link["direction"]) == (
        "hoering_til",
        "consulted the residents in",
        "from",
    )
    child = samskab.json("cases", "show", str(link["case"]["id"]))
    assert child["links"][0]["said"] == "consultation for"  # the kind of the process that opened it
    path.write_text(
        path.read_text(encoding="utf-8").replace('id = "hoering_til"', 'id = "del_af"'), encoding="utf-8"
    )
    assert "`del_af` is a kind every process has" in samskab("processes", "check", exit=2).stderr


def test_a_database_from_before_links_links_its_cases_and_verifies(samskab, workdir):
    from test_owner import pre_owner_database

    pre_owner_database(workdir / "old.db")
    old = ("--db", str(workdir / "old.db"))
    assert samskab(*old, "audit", "verify").stdout == "ok: 3 events, chains intact\n"
    samskab(*old, "cases", "link", "2", "1", "--kind", "del_af")
    assert [c["id"] for c in samskab.json(*old, "cases", "list", "--parent", "1")] == [2]
    assert samskab(*old, "audit", "verify").stdout == "ok: 4 events, chains intact\n"

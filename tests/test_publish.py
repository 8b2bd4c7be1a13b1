"""`samskab publish DIR`: the municipality's website, end to end on the demo municipality:
the public projects and the doors, nothing of anyone, every text inert, the same bytes
from the same database, and a folder of other files left alone."""

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import ADMIN, PROCESSES
from pilot import NOW, app_for, settle
from rich.text import Text
from textual.widgets import OptionList, Tree

from samskab.engine.config import os_account
from samskab.tui.screens.processes import ProcessesScreen

LOCAL = ZoneInfo("Europe/Copenhagen")
VOID = {"meta", "link", "br", "hr", "img", "input"}
PERSON_WORDS = ("navn", "kontakt", "e-mail", "telefon", "ansvarlig", "leder", "underskrevet af", "ansøger")
"""What a field's Danish label says when it holds who someone is (this test's own list)."""


class Page(HTMLParser):
    """A page as a browser reads it: its tags nested properly (a test of every page),
    its language, headings, links, description lists and words."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[str] = []
        self.lang = None
        self.headings: dict[str, list[str]] = {"h1": [], "h2": [], "h3": []}
        self.links: list[tuple[str, str]] = []
        self.pairs: list[tuple[str, str]] = []
        self.items: list[str] = []
        self.ordered: list[str] = []
        """The items of numbered lists."""
        self.words: list[str] = []
        self._text: dict[str, list[str]] = {}
        self._href: str | None = None
        self._term: str | None = None
        self.feed(text)
        self.close()
        assert self.open == [], f"not closed: {self.open}"

    def handle_starttag(self, tag, attrs):
        self.handle_data(" ")  # elements apart, as a browser shows them
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if tag not in VOID:
            self.open.append(tag)
        if tag == "a":
            self._href = found.get("href")
        if tag in ("h1", "h2", "h3", "a", "dt", "dd", "li", "title"):
            self._text[tag] = []

    def handle_endtag(self, tag):
        self.handle_data(" ")
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()
        said = " ".join("".join(self._text.pop(tag, [])).split())
        if tag in self.headings:
            self.headings[tag].append(said)
        elif tag == "a":
            self.links.append((self._href, said))
        elif tag == "dt":
            self._term = said
        elif tag == "dd":
            self.pairs.append((self._term, said))
        elif tag == "li":
            self.items.append(said)
            if self.open[-1] == "ol":
                self.ordered.append(said)
        elif tag == "title":
            self.title = said

    def handle_data(self, data):
        self.words.append(data)
        for parts in self._text.values():
            parts.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.words).split())


def site(folder: Path) -> dict[str, Page]:
    return {path.name: Page(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.html"))}


def published(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def local_day(stamp: str) -> str:
    """A UTC time from --json as the website writes its local day: 23.11.2026."""
    day = dt.datetime.fromisoformat(stamp).astimezone(LOCAL).date()
    return f"{day.day}.{day.month}.{day.year}"


@pytest.fixture
def demo(samskab):
    samskab("demo", now=NOW)
    return samskab


def every_case(samskab) -> list[dict]:
    """Every case of the demo as `cases show --json` says it, in Danish."""
    listed = samskab.json("cases", "list", "--all")
    return [samskab.json("--lang", "da", "cases", "show", str(case["id"]), now=NOW) for case in listed]


def people_in(samskab, cases: list[dict]) -> set[str]:
    """Everyone the demo holds, from its data: the register's names and addresses, and
    what every case holds in a field that names someone (an e-mail field, one a role is
    bound to, one whose label says it holds a name, a contact or someone responsible)."""
    found = {t for p in samskab.json("people", "list") for t in (p["name"], p["email"], p["id"]) if t}
    personal = {}
    for process in {case["process"] for case in cases}:
        shown = samskab.json("--lang", "da", "processes", "show", process)
        bound = {f for role in shown["roles"] for f in role["bound_to"]}
        personal[process] = {
            f["id"]
            for f in shown["fields"]
            if f["type"] == "email" or f["id"] in bound or any(w in f["label"].lower() for w in PERSON_WORDS)
        }
    for case in cases:
        for field, value in case["fields"].items():
            if field in personal[case["process"]] and isinstance(value, str) and value.strip():
                found.add(value.strip())
    return found


def assert_names_no_one(folder: Path, people: set[str]) -> None:
    assert people, "the demo names people"
    for name, content in published(folder).items():
        text = content.decode("utf-8")
        for person in people:
            pattern = rf"(?<![\w@.]){re.escape(person)}(?![\w@])"
            assert not re.search(pattern, text, re.IGNORECASE), f"{person!r} is in {name}"


def test_the_demo_website_shows_the_public_projects_with_step_dates_and_summary(demo, workdir):
    said = demo("publish", "site", now=NOW).stdout
    assert "9 public project(s), 5 door(s)" in said
    cases = every_case(demo)
    public = [c for c in cases if c["fields"].get("offentlig") is True]
    hidden = [c for c in cases if c["fields"].get("offentlig") is not True]
    assert len(public) == 9 and hidden
    pages = site(workdir / "site")
    assert set(pages) == {"index.html", "doors.html"} | {f"projekt-{c['id']}.html" for c in public}
    assert (workdir / "site" / "style.css").is_file()
    for page in pages.values():
        assert page.lang == "da" and "script" not in page.tags and "style" not in page.tags
        assert ("index.html", "Projekter") in page.links and ("doors.html", "Hvilken dør?") in page.links

    index = pages["index.html"]
    assert index.headings["h1"] == ["Projekter"]
    assert {c["process_title"] for c in public} == set(index.headings["h2"])
    assert sorted(index.headings["h3"]) == sorted(c["title"] for c in public)
    for case in public:
        listed = next(item for item in index.items if item.startswith(case["title"]))
        assert f"Trin {case['state_title']}" in listed
        assert f"Startet {local_day(case['created_at'])}" in listed
        assert case["fields"]["resume"] in listed
        assert (f"projekt-{case['id']}.html", case["title"]) in index.links
    shown = " ".join(page.text for page in pages.values())
    for case in hidden:
        assert case["title"] not in index.headings["h3"]
        assert case["title"] not in shown, case["title"]

    lektiehjaelp = next(c for c in public if c["title"] == "Lektiehjælp i opgangen")
    page = pages[f"projekt-{lektiehjaelp['id']}.html"]
    assert page.headings["h1"] == ["Lektiehjælp i opgangen"]
    facts = dict(page.pairs)
    assert facts["Proces"] == "Borgerinitiativ" and facts["Trin"] == "I drift"
    assert facts["Afsluttet"] == local_day(lektiehjaelp["closed_at"])
    assert page.headings["h2"] == ["Resumé", "Om projektet", "Forløbet indtil nu"]
    assert lektiehjaelp["fields"]["resume"] in page.text
    assert facts["Budget (kr.)"] == "20.000,00 kr."
    steps = [entry["to_title"] for entry in lektiehjaelp["history"] if entry["from"] != entry["to"]]
    assert [item.split(":")[0] for item in page.ordered] == steps
    for kept in ("borger_navn", "juridisk_vurdering", "driftsansvarlig"):  # not public
        assert lektiehjaelp["fields"][kept] not in page.text


def test_which_door_lists_what_citizens_start_and_whom_to_contact(demo, workdir):
    (workdir / "samskab.toml").write_text(
        '[publish]\nmunicipality = "Holbæk Kommune"\n'
        'contact = "Borgerservice, tlf. 72 36 36 36, samskabelse@holbaek.dk"\n'
        'contacts = { frivillig = "Frivilligcentret, frivillig@holbaek.dk" }\n'
    )
    demo("publish", "site", now=NOW)
    doors = site(workdir / "site")["doors.html"]
    with_door = {}
    for process in demo.json("--lang", "da", "processes", "list"):
        shown = demo.json("--lang", "da", "processes", "show", process["id"])
        if shown["public"]["door"]:
            with_door[shown["title"]] = shown["public"]["door"]
    assert set(with_door) == {
        "Partnerskab med frivillig organisation",
        "Borgerinitiativ",
        "Dialog med lokalforum",
        "Ansøgning til ungebyrådets pulje",
        "Frivillig",
    }
    assert doors.headings["h1"] == ["Hvilken dør?"] and set(doors.headings["h2"]) == set(with_door)
    for door in with_door.values():
        assert door in doors.text
    assert doors.title == "Hvilken dør? · Samskabelse i Holbæk Kommune"
    assert ("mailto:samskabelse@holbaek.dk", "samskabelse@holbaek.dk") in doors.links
    assert ("mailto:frivillig@holbaek.dk", "frivillig@holbaek.dk") in doors.links
    assert doors.text.count("Kontakt: Borgerservice, tlf. 72 36 36 36") == 4
    assert ("index.html#borgerinitiativ", "Se projekterne (3)") in doors.links


def test_no_personal_data_ever_not_even_after_an_erasure(demo, workdir):
    cases = every_case(demo)
    people = people_in(demo, cases)
    assert {"Jens Holm", "jens@example.dk", "Amira Hassan", "Lone Berg"} <= people  # the demo's own
    demo("publish", "site", now=NOW)
    assert_names_no_one(workdir / "site", people)

    jens = next(c for c in cases if c["fields"].get("borger_email") == "jens@example.dk")
    demo(
        "cases", "correct", str(jens["id"]), "--set", "offentlig=ja",
        "--set", "resume=Bænke og blomsterkasser langs åen.", "--reason", "Borgeren vil gerne vise idéen frem",
    )  # fmt: skip
    demo("person", "erase", "jens@example.dk", "--yes", now=NOW)
    demo("audit", "verify")
    demo("publish", "site", now=NOW)
    assert f"projekt-{jens['id']}.html" in published(workdir / "site")
    assert_names_no_one(workdir / "site", people)


def test_a_case_whose_title_names_a_person_is_left_off_and_said(demo, workdir):
    (workdir / "samskab.toml").write_text(
        ADMIN + '[people.anna]\nname = "Anna Jensen"\nemail = "anna@kommune.dk"\nroles = ["koordinator"]\n'
    )
    citizen = demo.json(
        "cases", "new", "borgerinitiativ", "--title", "Bænke til Kaj Munk", "--set", "ide=Bænke",
        "--set", "borger_navn=Kaj Munk", "--set", "offentlig=ja",
    )  # fmt: skip
    colleague = demo.json(
        "cases", "new", "borgerinitiativ", "--title", "Affaldssortering", "--set", "ide=Flere spande",
        "--set", "offentlig=ja", "--set", "resume=Anna Jensen fra kommunen står for det.",
    )  # fmt: skip
    result = demo("publish", "site", now=NOW)
    assert f"case {citizen['id']} is left off the website: its title names a person" in result.stderr
    assert f"case {colleague['id']} is left off the website: its summary names a person" in result.stderr
    files = published(workdir / "site")
    assert f"projekt-{citizen['id']}.html" not in files and f"projekt-{colleague['id']}.html" not in files
    assert_names_no_one(workdir / "site", {"Kaj Munk", "Anna Jensen", "anna@kommune.dk"})
    report = demo.json("publish", "site", now=NOW)
    assert [w["case"] for w in report["withheld"]] == [citizen["id"], colleague["id"]]


def test_every_text_is_escaped_and_inert(demo, workdir):
    title = '<script>alert("x")</script> & <b>fed</b>'
    case = demo.json(
        "cases", "new", "borgerinitiativ", "--title", title, "--set", "ide=x", "--set", "offentlig=ja",
        "--set", "resume=<img src=x onerror=alert(1)>\nanden linje", "--set", "sted=<a href=javascript:x>her</a>",
    )  # fmt: skip
    demo("publish", "site", now=NOW)
    for name, page in site(workdir / "site").items():
        assert not {"script", "img", "b"} & set(page.tags), name
        assert all(not (href or "").startswith("javascript") for href, _ in page.links), name
    page = site(workdir / "site")[f"projekt-{case['id']}.html"]
    assert page.headings["h1"] == [title]
    assert "<img src=x onerror=alert(1)> anden linje" in page.text
    assert dict(page.pairs)["Sted / byrum"] == "<a href=javascript:x>her</a>"
    raw = (workdir / "site" / f"projekt-{case['id']}.html").read_text()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in raw


def test_the_same_database_writes_the_same_bytes(demo, workdir):
    first = demo.json("publish", "one", now=NOW)
    demo("publish", "two", now="2027-02-01T12:00")  # later: nothing on the website says when it was written
    assert published(workdir / "one") == published(workdir / "two")
    assert first["changed"] == first["files"]
    before = {p.name: p.stat().st_mtime_ns for p in (workdir / "one").iterdir()}
    again = demo.json("publish", "one", now=NOW)
    assert again["changed"] == [] and again["removed"] == []
    assert {p.name: p.stat().st_mtime_ns for p in (workdir / "one").iterdir()} == before
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in (workdir / "one").iterdir())
    assert not [
        p for p in (workdir / "one").iterdir() if p.name.startswith(".") and p.name != ".samskab-publish"
    ]


def test_a_folder_of_other_files_is_refused_unless_forced_and_they_are_kept(demo, workdir):
    folder = workdir / "www"
    folder.mkdir()
    (folder / "index.html").write_text("the municipality's own front page")
    (folder / "logo.png").write_bytes(b"png")
    error = demo.json("publish", "www", exit=2)
    assert "www holds files samskab publish did not write" in error["message"]
    assert "--force" in error["details"][0]
    assert (folder / "index.html").read_text() == "the municipality's own front page"
    assert list(folder.iterdir()) != [] and not (folder / "doors.html").exists()

    demo("publish", "www", "--force", now=NOW)
    assert (folder / "logo.png").read_bytes() == b"png" and (folder / "doors.html").is_file()
    demo("publish", "www", now=NOW)  # written by samskab now: no --force needed
    assert (folder / "logo.png").read_bytes() == b"png"
    (workdir / "file").write_text("x")
    assert "'file' is a file" in demo("publish", "file", exit=2).stderr


def test_a_case_no_longer_public_leaves_and_only_samskabs_files_are_removed(demo, workdir):
    cases = every_case(demo)
    running = next(c for c in cases if c["fields"].get("offentlig") is True and not c["closed_at"])
    demo("publish", "site", now=NOW)
    folder = workdir / "site"
    (folder / "extra.html").write_text("ours")
    (workdir / "outside.txt").write_text("keep")
    manifest = folder / ".samskab-publish"
    manifest.write_text(manifest.read_text() + "../outside.txt\nextra.html\n")  # a list tampered with
    demo(
        "cases", "correct", str(running["id"]), "--set", "offentlig=nej", "--reason", "Projektet er sat på pause"
    )  # fmt: skip
    report = demo.json("publish", "site", now=NOW)
    page = f"projekt-{running['id']}.html"
    assert page in report["removed"] and not (folder / page).exists()
    assert running["title"] not in (folder / "index.html").read_text()
    assert (workdir / "outside.txt").read_text() == "keep"
    assert report["cases"] == 8 and report["removed"] == sorted([page, "extra.html"])
    assert page not in manifest.read_text().splitlines()


@pytest.mark.usefixtures("each_store")
def test_json_answers_with_the_files_and_counts(demo, workdir):
    report = demo.json("publish", "site", now=NOW)
    assert report["directory"] == "site" and report["lang"] == "da"
    assert report["cases"] == 9 and report["doors"] == 5 and report["withheld"] == []
    assert report["files"] == sorted(
        p.name for p in (workdir / "site").iterdir() if p.name != ".samskab-publish"
    )
    assert "index.html" in report["files"] and "style.css" in report["files"]


def test_the_website_in_english_from_the_option_or_the_config(demo, workdir):
    demo("publish", "en", "--lang", "en", now=NOW)
    index = site(workdir / "en")["index.html"]
    assert index.lang == "en" and index.headings["h1"] == ["Projects"]
    assert "Citizen initiative" in index.headings["h2"]
    assert dict(index.pairs)["Step"]
    (workdir / "samskab.toml").write_text('[publish]\nlanguage = "en"\n')
    demo("publish", "en2", now=NOW)
    assert published(workdir / "en") == published(workdir / "en2")
    (workdir / "samskab.toml").write_text('[publish]\nlanguage = "fr"\n')
    assert "the language is da or en" in demo("publish", "fr", exit=2).stderr


def test_only_admins_and_coordinators_publish(demo, workdir):
    (workdir / "samskab.toml").write_text(
        f'[people.{os_account()}]\nroles = ["admin"]\n'
        '[people.mette]\nroles = ["koordinator"]\n[people.ole]\nroles = ["fagforvaltning"]\n'
    )
    error = demo.json("publish", "site", "--as", "ole", exit=1)
    assert error["message"] == "ole may not publish the municipality's website"
    assert error["details"] == ["it needs one of the roles: administrator, koordinator"]
    assert not (workdir / "site").exists()
    assert (
        "ole må ikke offentliggøre kommunens hjemmeside"
        in demo("--lang", "da", "publish", "x", "--as", "ole", exit=1).stderr
    )
    assert demo.json("publish", "site", "--as", "mette", now=NOW)["cases"] == 9
    assert demo.json("publish", "site", now=NOW)["cases"] == 9


def test_the_config_names_a_function_never_a_registered_person(demo, workdir):
    config = workdir / "samskab.toml"
    config.write_text(ADMIN + '[people.anna]\nemail = "anna@kommune.dk"\nroles = ["koordinator"]\n')
    demo("people", "list")  # the register is seeded
    config.write_text('[publish]\ncontact = "Anna, anna@kommune.dk"\n')
    error = demo.json("publish", "site", exit=2)
    assert "names anna, who is in the register of people" in error["message"]
    config.write_text('[publish]\ncontacts = { borgerinitiativet = "ideer@kommune.dk" }\n')
    error = demo.json("publish", "site", exit=2)
    assert "unknown process borgerinitiativet" in error["message"]
    assert error["details"] == ["did you mean `borgerinitiativ`?"]


def write_process(workdir: Path, edit) -> Path:
    folder = workdir / "mine"
    folder.mkdir(exist_ok=True)
    text = (PROCESSES / "borgerinitiativ.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^version = \d+$", "version = 1", text.replace('id = "borgerinitiativ"', 'id = "mit"'))
    path = folder / "mit.toml"
    path.write_text(edit(text), encoding="utf-8")
    return path


def line_of(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))


def test_a_public_field_that_names_a_person_or_is_unknown_is_a_mistake_in_the_file(samskab, workdir):
    path = write_process(
        workdir,
        lambda text: (
            text.replace(
                'fields = ["sted", "budget"]', 'fields = ["sted", "borger_email", "driftsansvarlig", "budgt"]'
            )
            .replace('when = "offentlig"', 'when = "resume"')
            .replace('summary = "resume"', 'summary = "budget"')
        ),
    )
    err = samskab("processes", "check", str(path), exit=2).stderr
    listed = line_of(path, 'fields = ["sted"')
    where = f"{path}:{listed}: public.fields"
    assert (
        f"{where}[1]: `borger_email` names a person (it is an e-mail field): it can never be public"
        " (leave it out; a field with no personal data needs a name and label that do not say so)"
    ) in err
    assert f"{where}[2]: `driftsansvarlig` names a person (its id or label says so: ansvarlig)" in err
    assert f"{where}[3]: unknown field `budgt` (did you mean `budget`?)" in err
    assert (
        f"{path}:{line_of(path, 'when =')}: public.when: `resume` is a longtext field; `when` names a yes/no field"
        in err
    )
    assert f"{path}:{line_of(path, 'summary =')}: public.summary: `budget` is a money field" in err
    assert "4 problem(s) found." not in err and "5 problem(s) found." in err

    bound = write_process(
        workdir,
        lambda text: text.replace('bound_to = ["borger_email"]', 'bound_to = ["borger_email", "sted"]'),
    )
    err = samskab("processes", "check", str(bound), exit=2).stderr
    assert "public.fields[0]: `sted` names a person (the role borger is bound to it)" in err


def test_summary_and_fields_need_when_and_the_schema_knows_public(samskab, workdir):
    path = write_process(workdir, lambda text: text.replace('when = "offentlig"\n', ""))
    err = samskab("processes", "check", str(path), exit=2).stderr
    assert (
        f"{path}:{line_of(path, '[public]')}: public: `summary` and `fields` show nothing without `when`"
        " (name the yes/no field that marks a case public in `when`)"
    ) in err
    schema = json.loads(samskab("processes", "schema").stdout)
    public = schema["$defs"]["Public"]["properties"]
    assert set(public) == {"when", "summary", "fields", "door"}
    assert "never a field that names a person" in public["fields"]["description"]
    assert schema["properties"]["public"] == {
        "$ref": "#/$defs/Public",
        "description": "What the municipality's website shows (`samskab publish`)",
    }


def test_processes_show_says_what_the_website_shows(samskab):
    said = samskab("--lang", "da", "processes", "show", "borgerinitiativ").stdout
    assert (
        "Hjemmesiden: sager vises, mens «Vis på kommunens hjemmeside» er ja; resumé: «Offentligt resumé»;"
        " desuden vises: «Sted / byrum», «Budget (kr.)»"
    ) in said
    assert "Hvilken dør? Har du en idé til noget" in said
    assert "Hjemmesiden: ingen sager vises" in samskab("--lang", "da", "processes", "show", "hoering").stdout
    shown = samskab.json("processes", "show", "frivillig")["public"]
    assert shown["when"] is None and shown["door"].startswith("Do you want to volunteer?")


async def test_the_process_screen_says_what_the_website_shows(engine):
    async with app_for(engine).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot, ProcessesScreen)
        processes = pilot.app.screen.query_one("#process-list", OptionList)
        for process, said in (
            (
                "borgerinitiativ",
                [
                    "Hjemmesiden: sager vises, mens «Vis på kommunens hjemmeside» er ja",
                    "Hvilken dør? Har du en idé",
                ],
            ),
            ("frivillig", ["Hjemmesiden: ingen sager vises", "Hvilken dør? Vil du være frivillig?"]),
            ("omstillingsgruppe", []),
        ):
            processes.highlighted = next(
                i for i in range(processes.option_count) if processes.get_option_at_index(i).id == process
            )
            await settle(pilot)
            tree = pilot.app.screen.query_one("#process-tree", Tree)
            lines = [Text.from_markup(str(node.label)).plain for node in tree.root.children]
            shown = lines[1 : 1 + len(said)]  # after the description, before the first step
            assert all(line.startswith(start) for line, start in zip(shown, said, strict=True)), lines
            assert lines[1 + len(said)].startswith("1. "), lines

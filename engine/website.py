"""The municipality's website as files (``samskab publish DIR``): plain HTML and one
style sheet, no scripts, nothing loaded from elsewhere, no server.

- ``index.html``: the public projects, by process, each with its step and dates;
- ``projekt-N.html``: one project: its summary, public fields and the steps it came to;
- ``doors.html``: "which door": what citizens can start, and whom they contact;
- ``style.css``: readable on a phone, printable.

Pages are made as :mod:`samskab.engine.printout` makes a case's page (its page shell
and description lists), every text escaped. The same publication gives the same bytes
(no time of writing in them), so a municipality can compare and synchronise the folder.
Each file is written whole or not at all (a temporary file renamed over it), and only
when its content changed. A ``.samskab-publish`` file lists the files written, so a later
run replaces and removes only those, and a folder holding anything else is refused
unless forced.
"""

import datetime as dt
import os
import re
import tempfile
from html import escape
from pathlib import Path

from samskab.engine.errors import BadInput, file_problem
from samskab.engine.messages import day, msg, words
from samskab.engine.printout import facts, page
from samskab.engine.readmodels import FieldValue, Publication, PublicCase, PublicProcess

MANIFEST = ".samskab-publish"
"""The list of the files samskab wrote in the folder, one a line after its first."""
MANIFEST_HEADING = "samskab publish: the files of this website (replaced and removed only by it)"
INDEX = "index.html"
DOORS = "doors.html"
STYLE_SHEET = "style.css"

STYLE = """/* samskab publish: the municipality's website */
:root { --text: #1a1a1a; --muted: #555; --line: #d0d0d0; --accent: #00548f; --back: #fff; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font: 1rem/1.5 system-ui, "Segoe UI", Arial, sans-serif; color: var(--text);
       background: var(--back); }
header, main, footer { max-width: 48rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; border-bottom: 1px solid var(--line); }
.site { margin: 0; font-size: 1.25rem; font-weight: 700; }
.site a { color: var(--text); text-decoration: none; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; margin: .5rem 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: none; color: var(--text); }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: .5rem; background: var(--back); padding: .25rem .5rem; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 1.5rem 0 .75rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin: 0 0 .25rem; }
.lead { font-size: 1.1rem; color: var(--muted); }
.projects { list-style: none; margin: 0; padding: 0; }
.projects > li { padding: .75rem 0; border-bottom: 1px solid var(--line); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .25rem 0; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.summary, .door { white-space: pre-line; }
.steps { padding-left: 1.5rem; }
.steps li { margin: .2rem 0; }
.contact { background: #f2f6f9; border-left: 4px solid var(--accent); padding: .5rem .75rem; }
footer { margin-top: 3rem; padding-top: .75rem; padding-bottom: 2rem; border-top: 1px solid var(--line);
         color: var(--muted); font-size: .9rem; }
@media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: .4rem; } }
@media print { header nav, .skip { display: none; } a { color: var(--text); } }
"""

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CURRENT = ' aria-current="page"'


def case_file(case_id: int) -> str:
    """The name of a project's page."""
    return f"projekt-{case_id}.html"


def files(publication: Publication) -> dict[str, bytes]:
    """Every file of the website by name, in the order of their names."""
    site = {
        INDEX: _index(publication),
        DOORS: _doors(publication),
        STYLE_SHEET: STYLE,
        **{case_file(case.id): _project(publication, case) for case in publication.cases},
    }
    return {name: site[name].encode("utf-8") for name in sorted(site)}


# -- pages -------------------------------------------------------------------------------


def say(template: str, lang: str, **values: object) -> str:
    """``words``, escaped for HTML (called ``say``, as the check that every text has its
    Danish knows the front ends' helper)."""
    return escape(words(template, lang, **values))


def _shell(publication: Publication, title: str, current: str, main: list[str]) -> str:
    """A page of the website: the site's name and its two pages, then ``main``."""
    lang = publication.lang
    site = say("Co-creation in {municipality}", lang, municipality=publication.municipality)
    pages = ((INDEX, words("Projects", lang)), (DOORS, words("Which door?", lang)))
    links = "".join(
        f'<li><a href="{name}"{_CURRENT if name == current else ""}>{escape(said)}</a></li>'
        for name, said in pages
    )
    updated = (
        [say("Updated {date}", lang, date=day(publication.updated_at, lang))]
        if publication.updated_at
        else []
    )
    footer = " · ".join([*updated, say("No personal data is shown here.", lang)])
    body = [
        f'<a class="skip" href="#main">{say("Skip to the content", lang)}</a>',
        "<header>",
        f'<p class="site"><a href="{INDEX}">{site}</a></p>',
        f'<nav aria-label="{say("The website", lang)}"><ul>{links}</ul></nav>',
        "</header>",
        '<main id="main">',
        *main,
        "</main>",
        f"<footer><p>{footer}</p></footer>",
    ]
    return page(lang, f"{escape(title)} · {site}", f'<link rel="stylesheet" href="{STYLE_SHEET}">', body)


def _index(publication: Publication) -> str:
    lang = publication.lang
    main = [
        f"<h1>{say('Projects', lang)}</h1>",
        f'<p class="lead">{say("What {municipality} creates together with citizens, associations and local forums, and where each project stands.", lang, municipality=publication.municipality)}</p>',
    ]
    shown = [process for process in publication.processes if process.cases]
    if not shown:
        main.append(f"<p>{say('No project is published yet.', lang)}</p>")
    for process in shown:
        main += [
            f'<section id="{escape(process.id)}" aria-labelledby="{escape(process.id)}-title">',
            f'<h2 id="{escape(process.id)}-title">{escape(process.title)}</h2>',
            f"<p>{escape(process.description)}</p>",
            '<ul class="projects">',
            *(_listed(case, lang) for case in process.cases),
            "</ul>",
            "</section>",
        ]
    return _shell(publication, words("Projects", lang), INDEX, main)


def _listed(case: PublicCase, lang: str) -> str:
    summary = f'\n<p class="summary">{escape(case.summary)}</p>' if case.summary else ""
    return (
        f'<li>\n<h3><a href="{case_file(case.id)}">{escape(case.title)}</a></h3>\n'
        f"{facts(_where(case, lang), 'meta')}{summary}\n</li>"
    )


def _where(case: PublicCase, lang: str) -> list[tuple[str, str]]:
    """Where the case stands: its step, and the days it started and came there (or ended)."""
    pairs = [
        (say("Step", lang), escape(case.state_title)),
        (say("Started", lang), _date(case.opened_at, lang)),
    ]
    if case.closed_at is not None:
        return [*pairs, (say("Ended", lang), _date(case.closed_at, lang))]
    if case.step_at != case.opened_at:
        pairs.append((say("In this step since", lang), _date(case.step_at, lang)))
    return pairs


def _project(publication: Publication, case: PublicCase) -> str:
    lang = publication.lang
    about = [(say("Process", lang), escape(case.process_title)), *_where(case, lang)]
    about.append((say("Last changed", lang), _date(case.changed_at, lang)))
    main = [
        f'<p><a href="{INDEX}#{escape(case.process)}">{say("All projects", lang)}</a></p>',
        f"<h1>{escape(case.title)}</h1>",
        facts(about, "meta"),
    ]
    if case.summary:
        main += [f"<h2>{say('Summary', lang)}</h2>", f'<p class="summary">{escape(case.summary)}</p>']
    if case.fields:
        main += [f"<h2>{say('About the project', lang)}</h2>", facts([_field(f) for f in case.fields])]
    steps = "\n".join(f"<li>{escape(step.title)}: {_date(step.at, lang)}</li>" for step in case.steps)
    main += [f"<h2>{say('The steps so far', lang)}</h2>", f'<ol class="steps">\n{steps}\n</ol>']
    return _shell(publication, case.title, case_file(case.id), main)


def _field(field: FieldValue) -> tuple[str, str]:
    shown = escape(field.shown)
    if field.link:  # an http or https address: the process checker and the field type see to it
        shown = f'<a href="{escape(field.link)}">{shown}</a>'
    return escape(field.label), shown


def _doors(publication: Publication) -> str:
    lang = publication.lang
    main = [
        f"<h1>{say('Which door?', lang)}</h1>",
        f'<p class="lead">{say("Do you have an idea, or do you want to take part? These are the ways in to working with {municipality}, and whom to contact.", lang, municipality=publication.municipality)}</p>',
    ]
    if not publication.doors:
        main.append(f"<p>{say('Contact the municipality: no way in is described here yet.', lang)}</p>")
    for process in publication.doors:
        main += [
            f'<section id="{escape(process.id)}" aria-labelledby="{escape(process.id)}-title">',
            f'<h2 id="{escape(process.id)}-title">{escape(process.title)}</h2>',
            f'<p class="door">{escape(process.door or "")}</p>',
            f'<p class="contact"><strong>{say("Contact", lang)}:</strong> {_contact(process, publication)}</p>',
            *_projects_link(process, lang),
            "</section>",
        ]
    return _shell(publication, words("Which door?", lang), DOORS, main)


def _contact(process: PublicProcess, publication: Publication) -> str:
    """Whom to contact, escaped, its e-mail addresses as links to write to."""
    said = escape(process.contact or publication.municipality)
    return _EMAIL.sub(lambda found: f'<a href="mailto:{found[0]}">{found[0]}</a>', said)


def _projects_link(process: PublicProcess, lang: str) -> list[str]:
    if not process.cases:
        return []
    said = say("See the projects ({count})", lang, count=len(process.cases))
    return [f'<p><a href="{INDEX}#{escape(process.id)}">{said}</a></p>']


def _date(when: dt.datetime, lang: str) -> str:
    """A day as people read it, and as a machine reads it (ISO 8601, local)."""
    return f'<time datetime="{day(when, "en")}">{escape(day(when, lang))}</time>'


# -- writing -----------------------------------------------------------------------------


def write(directory: Path, site: dict[str, bytes], *, force: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Write ``site`` into ``directory`` (made if missing): (the files whose content
    changed, the files of the website written before that it no longer has). Refused for
    a folder holding files samskab did not write, unless ``force``; those are never
    removed."""
    if directory.exists() and not directory.is_dir():
        raise BadInput(msg("{path} is not a folder", path=str(directory)))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        ours = _written_before(directory)
        if ours is None and not force and any(directory.iterdir()):
            raise BadInput(
                msg("{folder} holds files samskab publish did not write", folder=str(directory)),
                [
                    msg(
                        "give an empty or new folder, or --force to write into it (nothing else in it is removed)"
                    )
                ],
            )
        changed = tuple(name for name, content in site.items() if _write(directory / name, content))
        manifest = "\n".join([MANIFEST_HEADING, *site]) + "\n"
        _write(directory / MANIFEST, manifest.encode("utf-8"))
        removed = tuple(
            sorted(name for name in ours or () if name not in site and (directory / name).is_file())
        )
        for name in removed:
            (directory / name).unlink()
    except OSError as error:
        raise file_problem(directory, error) from None
    return changed, removed


def _written_before(directory: Path) -> set[str] | None:
    """The files an earlier run wrote in ``directory`` (None: it holds no such list).
    Only plain names in the folder itself count, whatever the list says."""
    listed = directory / MANIFEST
    if not listed.is_file():
        return None
    names = listed.read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    return {name for name in names if name and name == Path(name).name and not name.startswith(".")}


def _write(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` whole (a temporary file renamed over it), readable by
    everyone (a website); False, and nothing written, when it holds that already."""
    if path.is_file() and path.read_bytes() == content:
        return False
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True

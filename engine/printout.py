"""A case as one printable HTML page: what it is, where it stands, the cases linked to
it, its fields, its deadlines, the documents kept with it (with their sha256, to tell a
copy is the one attached) and its whole history, in the reader's language and local
time.

The page stands alone: its style is inline (with print rules: A4, no colours needed),
it loads nothing and runs nothing (no scripts, links, fonts or images), so it can be
mailed, archived or printed as it is. Every text from the case is escaped
(``html.escape``): a title holding ``<script>`` shows as those characters.
"""

import datetime as dt
from collections.abc import Iterable
from html import escape

from samskab.engine.messages import day, moment, words
from samskab.engine.readmodels import CaseDetail, DeadlineView, DocumentView, HistoryEntry, RelatedCase

STYLE = """
@page { size: A4; margin: 18mm 16mm; }
body { font: 10.5pt/1.4 system-ui, "Segoe UI", Arial, sans-serif; color: #111; margin: 2em auto;
       max-width: 52em; padding: 0 1em; }
h1 { font-size: 16pt; margin: 0 0 .4em; }
h2 { font-size: 12pt; margin: 1.6em 0 .4em; border-bottom: 1px solid #888; padding-bottom: .1em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1.2em; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .25em .5em .25em 0; border-bottom: 1px solid #ddd; }
th { border-bottom: 1px solid #888; }
td.when { white-space: nowrap; width: 8.5em; }
td.sha256 { font: 7.5pt monospace; word-break: break-all; }
.note { white-space: pre-wrap; font-style: italic; }
.changes { margin: .2em 0 0; padding-left: 1.1em; }
.overdue { font-weight: 700; }
footer { margin-top: 2em; font-size: 9pt; color: #555; }
tr, dl > * { break-inside: avoid; }
@media print { body { margin: 0; max-width: none; padding: 0; } }
"""


def case_html(case: CaseDetail, lang: str, now: dt.datetime, printed_by: str) -> str:
    """The page of ``case``, printed at ``now`` by ``printed_by``."""

    def w(template: str, **values: object) -> str:
        return escape(words(template, lang, **values))

    heading = f"{w('Case')} {case.id}: {escape(case.title)}"
    step = escape(case.state_title) + (f" ({w('closed')})" if case.closed_at else "")
    about = [
        (w("Process"), f"{escape(case.process_title)} ({w('version')} {case.version})"),
        (w("Step"), step),
        (w("Owner"), escape(case.owner_name or "")),
        (w("Opened on"), escape(moment(case.created_at, lang))),
        (w("Changed"), escape(moment(case.updated_at, lang))),
    ]
    fields = [(escape(f.label), escape(f.shown)) for f in case.shown_fields]
    body = [
        f"<h1>{heading}</h1>",
        facts(about),
        *_related(case, lang),
        f"<h2>{w('Fields')}</h2>",
        facts(fields) if fields else "<p>–</p>",
        f"<h2>{w('Deadlines and reminders')}</h2>",
        _deadlines(case.deadlines, lang),
        *([f"<h2>{w('Documents')}</h2>", _documents(case.documents, lang)] if case.documents else []),
        f"<h2>{w('History')}</h2>",
        _history(case.history, lang),
        f"<footer>{w('Printed {at} by {person}', at=moment(now, lang), person=printed_by)} · samskab</footer>",
    ]
    return page(lang, heading, f"<style>{STYLE}</style>", body)


def page(lang: str, title: str, head: str, body: Iterable[str]) -> str:
    """An HTML page in ``lang``: its ``title``, what else goes in its head (a style), and
    its body's parts; each of them escaped already."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        head,
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def facts(pairs: Iterable[tuple[str, str]], css: str | None = None) -> str:
    """Labels and values (both escaped already) as a description list."""
    opening = f'<dl class="{css}">' if css else "<dl>"
    return (
        opening + "\n" + "\n".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in pairs) + "\n</dl>"
    )


def _related(case: CaseDetail, lang: str) -> list[str]:
    """The parent, the sub-cases and the other links: a heading and a list, or nothing."""

    def shown(other: RelatedCase) -> str:
        closed = f" ({words('closed', lang)})" if other.closed else ""
        said = f"{words('case', lang)} {other.id}: {other.title} ({other.process_title}, {other.state_title}{closed})"
        return escape(said)

    pairs = [(escape(words("Part of", lang)), shown(case.parent))] if case.parent else []
    pairs += [(escape(words("Sub-case", lang)), shown(child)) for child in case.children]
    pairs += [(escape(link.said.capitalize()), shown(link.case)) for link in case.links]
    return [f"<h2>{escape(words('Related cases', lang))}</h2>", facts(pairs)] if pairs else []


def _deadlines(deadlines: Iterable[DeadlineView], lang: str) -> str:
    rows = []
    for d in deadlines:
        if d.kind == "deadline":
            what = words("deadline", lang)
        else:
            what = words("reminder ({before} before)", lang, before=d.before_words)
        status = ""
        if d.overdue:
            status = f'<span class="overdue">{escape(words("OVERDUE", lang))}</span>'
        elif d.fired_at and d.kind == "reminder":
            status = escape(words("sent {date}", lang, date=day(d.fired_at, lang)))
        rows.append(
            f'<tr><td class="when">{escape(day(d.day, lang))}</td><td>{escape(what)}</td><td>{status}</td></tr>'
        )
    if not rows:
        return "<p>–</p>"
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def _documents(documents: Iterable[DocumentView], lang: str) -> str:
    head = "".join(
        f"<th>{escape(words(h, lang))}</th>" for h in ("When", "Who", "Document", "Size", "sha256")
    )
    rows = []
    for d in documents:
        name = escape(d.name)
        if d.deleted_at is not None:
            name += f'<div class="note">{escape(words("content deleted {date}", lang, date=day(d.deleted_at, lang)))}</div>'
        rows.append(
            f'<tr><td class="when">{escape(moment(d.attached_at, lang))}</td><td>{escape(d.actor)}</td>'
            f'<td>{name}</td><td class="when">{escape(d.size_shown)}</td><td class="sha256">{d.sha256}</td></tr>'
        )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def _history(history: Iterable[HistoryEntry], lang: str) -> str:
    head = "".join(f"<th>{escape(words(h, lang))}</th>" for h in ("When", "Who", "What"))
    rows = []
    for event in history:
        who = event.actor + (f" ({words('by', lang)} {event.account})" if event.account else "")
        what = escape(event.what)
        if event.from_ is not None and event.from_ != event.to:
            what += f" → {escape(event.to_title)}"
        if event.changes_shown:
            changes = "".join(f"<li>{escape(c.label)}: {escape(c.shown)}</li>" for c in event.changes_shown)
            what += f'<ul class="changes">{changes}</ul>'
        if event.note:
            what += f'<div class="note">{escape(event.note)}</div>'
        rows.append(
            f'<tr><td class="when">{escape(moment(event.at, lang))}</td><td>{escape(who)}</td><td>{what}</td></tr>'
        )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"

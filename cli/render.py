"""Read models as text on the command line, in the chosen language, with the ids a
script or a follow-up command needs beside the labels."""

from collections.abc import Sequence

from samskab.engine.messages import day, moment, words
from samskab.engine.readmodels import (
    AgendaItem,
    CaseDetail,
    CaseSummary,
    DocumentView,
    Erasure,
    FieldBreakdown,
    ImportedRow,
    ImportProblem,
    ImportReport,
    Migration,
    OutboxItem,
    Overview,
    PeopleChange,
    PersonView,
    ProcessView,
    PublishReport,
    RelatedCase,
    Report,
    ReportCount,
    TickReport,
)


def by(account: str | None, lang: str) -> str:
    """Say "(by ACCOUNT)" after a person who acted through someone else's account."""
    return f" ({words('by', lang)} {account})" if account else ""


def process_text(view: ProcessView, lang: str) -> str:
    lines = [f"{view.title}  ({view.id}, {words('version', lang)} {view.version}, {view.level})", ""]
    lines += [view.description, ""]
    labels = {f.id: f.label for f in view.fields}
    lines.append(f"{words('The website', lang)}: {view.public.says}")
    if view.public.door is not None:
        lines.append(f"{words('Which door?', lang)} {view.public.door}")
    lines.append("")
    for role in view.roles:
        if role.bound_words:
            lines.append(f"{role.title} [{role.id}]: {role.bound_words}")
    if any(role.bound_words for role in view.roles):
        lines.append("")
    for number, state in enumerate(view.states, start=1):
        mark = (
            f" ({words('start', lang)})"
            if state.initial
            else f" ({words('end', lang)})"
            if state.final
            else ""
        )
        lines.append(f"{number}. {state.title} [{state.id}]{mark}")
        for deadline in state.deadlines:
            lines.append(f"   {words('Deadline', lang)}: {deadline.words}")
        for action in view.actions_from(state.id):
            lines.append(f"   -> {action.title} [{action.id}] -> {action.to_title}  ({action.who})")
            if action.requires:
                needs = ", ".join(f"{labels.get(f, f)} [{f}]" for f in action.requires)
                lines.append(f"      {words('requires', lang)}: {needs}")
            for rule in action.required_when:
                lines.append(f"      {words('requires', lang)}: {rule}")
            for guard in action.guards:
                lines.append(f"      {words('only if', lang)}: {guard.says}")
            if action.note_required:
                lines.append(f"      {words('a note (the reason) is required', lang)}")
            lines += [f"      {opening.words}" for opening in action.opens]
    return "\n".join(lines)


def case_line(row: CaseSummary, lang: str) -> str:
    due = day(row.next_deadline_day, lang)
    flag = words("OVERDUE", lang) if row.overdue else ""
    values = "".join(f"  {v.shown}" for v in row.values)
    return f"{row.id:>6}  {row.title[:40]:<40}  {row.process:<16} {row.state:<16} {due:<10} {flag}{values}".rstrip()


def case_text(case: CaseDetail, lang: str) -> str:
    closed = f"  ({words('closed', lang)})" if case.closed_at else ""
    lines = [
        f"{words('Case', lang)} {case.id}: {case.title}",
        f"  {words('process', lang):<10}{case.process_title} ({case.process} v{case.version}, {case.process_level})",
        f"  {words('step', lang):<10}{case.state_title} [{case.state}]{closed}",
        f"  {words('owner', lang):<10}{owner(case)}",
        f"  {words('revision {revision}, changed {at}', lang, revision=case.revision, at=moment(case.updated_at, lang))}",
    ]
    if case.parent:
        lines.append(f"  {words('part of', lang):<10}{related(case.parent, lang)}")
    if case.children:
        done = sum(1 for child in case.children if child.closed)
        lines += ["", words("Sub-cases ({done} of {count} done)", lang, done=done, count=len(case.children))]
        lines += [f"  {related(child, lang)}" for child in case.children]
    if case.links:
        lines += ["", words("Links", lang)]
        lines += [f"  {link.said} [{link.kind}]: {related(link.case, lang)}" for link in case.links]
    if case.shown_fields:
        lines += ["", words("Fields", lang)]
        lines += [f"  {f.label} [{f.id}]: {f.shown}" for f in case.shown_fields]
    if case.deadlines:
        lines += ["", words("Deadlines", lang)]
        for d in case.deadlines:
            if d.kind == "deadline":
                what = words("deadline", lang) + (f": {d.title}" if d.title else "")
                what += f" ({d.says})" if d.says else ""
            else:
                what = words("reminder ({before} before)", lang, before=d.before_words)
                what += f": {d.title}" if d.title else ""
            overdue = f"  {words('OVERDUE', lang)}" if d.overdue else ""
            fired = ""
            if d.fired_at and d.kind == "reminder":
                fired = f"  ({words('sent {date}', lang, date=day(d.fired_at, lang))})"
            lines.append(f"  {day(d.day, lang)}  {what}{overdue}{fired}")
    if case.documents:
        lines += ["", words("Documents", lang)]
        lines += ["  " + document_line(d, lang, hashes=False) for d in case.documents]
    lines += ["", words("History", lang)]
    for event in case.history:
        who = event.actor + by(event.account, lang)
        moved = f"  -> {event.to_title} [{event.to}]" if event.from_ != event.to else ""
        lines.append(f"  {moment(event.at, lang)}  {who}  {event.what} [{event.action or event.kind}]{moved}")
        if event.changes_shown:
            lines.append("      " + ", ".join(f"{c.label} [{c.id}] = {c.shown}" for c in event.changes_shown))
        if event.note:
            note = event.note.replace("\n", "\n" + " " * 12)
            lines.append(f"      {words('note', lang)}: {note}")
    if case.actions:
        lines += ["", words("Actions", lang)]
        for action in case.actions:
            mark = "  " if action.allowed else "x "
            lines.append(f"  {mark}{action.id}: {action.title} -> {action.to_title}")
            if action.requires:
                labels = {f.id: f.label for f in action.form}
                needs = ", ".join(f"{labels.get(f, f)} [{f}]" for f in action.requires)
                lines.append(f"      {words('requires', lang)}: {needs}")
            for reason in action.reasons:
                lines.append(f"      {words('not now', lang)}: {reason}")
    return "\n".join(lines)


def related(case: RelatedCase, lang: str) -> str:
    """Another case in one line: its number, title, process and step."""
    closed = f" ({words('closed', lang)})" if case.closed else ""
    return (
        f"{words('case', lang)} {case.id}: {case.title}  ({case.process_title}, {case.state_title}{closed})"
    )


def owner(case: CaseSummary | AgendaItem) -> str:
    """The owner by name, with the id a command takes beside it."""
    if case.owner_name == case.owner:
        return case.owner or ""
    return f"{case.owner_name} [{case.owner}]"


def agenda_text(items: Sequence[AgendaItem], lang: str) -> str:
    lines = []
    for item in items:
        kind = words("deadline", lang) if item.kind == "deadline" else words("reminder", lang)
        lines.append(
            f"{day(item.day, lang):<10}  {item.days:>+5}  {kind:<10} {words('case', lang)} {item.case:<6}"
            f" {item.title[:40]:<40}  {item.state}  ({owner(item)})"
        )
    return "\n".join(lines)


def document_line(document: DocumentView, lang: str, *, hashes: bool = True) -> str:
    """A document in one line: number, name, size, who, when (and its sha256, or that its
    content was deleted)."""
    when = f"{document.actor}{by(document.account, lang)}  {moment(document.attached_at, lang)}"
    line = f"{document.id:>6}  {document.name}  {document.size_shown}  {when}"
    if document.deleted_at is not None:
        return f"{line}  {words('content deleted {date}', lang, date=day(document.deleted_at, lang))}"
    return f"{line}  sha256 {document.sha256}" if hashes else line


def document_attached(document: DocumentView, lang: str) -> str:
    said = words(
        "Document {id} attached to case {case}: {name} ({size})",
        lang,
        id=document.id,
        case=document.case,
        name=document.name,
        size=document.size_shown,
    )
    return f"{said}\n  sha256 {document.sha256}"


def tick_text(report: TickReport, lang: str) -> str:
    lines = [
        f"{words('case', lang)} {e.case}: {e.action or e.kind}  {e.note or ''}".rstrip()
        for events in (report.reminders, report.deadlines, report.actions, report.skipped, report.failed)
        for e in events
    ]
    delivery = report.delivery
    lines.append(
        words(
            "{reminders} reminder(s), {deadlines} deadline(s) passed, {actions} automatic action(s);"
            " messages: {sent} sent, {retrying} to retry, {incidents} new incident(s)",
            lang,
            reminders=len(report.reminders),
            deadlines=len(report.deadlines),
            actions=len(report.actions),
            sent=delivery.sent,
            retrying=delivery.retrying,
            incidents=delivery.incidents,
        )
    )
    if report.skipped or report.failed:
        lines.append(
            words(
                "{skipped} stale reminder(s) skipped, {failed} deadline(s) samskab could not handle"
                " (see their cases' history)",
                lang,
                skipped=len(report.skipped),
                failed=len(report.failed),
            )
        )
    return "\n".join(lines)


def outbox_line(item: OutboxItem, lang: str) -> str:
    error = f"  ({item.last_error})" if item.last_error else ""
    return (
        f"{item.id:>6}  {item.status_title:<9} {words('case', lang)} {item.case_id:<6} {item.channel:<10} "
        f"{item.recipient or '-':<28} {words('attempts', lang)} {item.attempts}{error}"
    )


def people_text(found: Sequence[PersonView], lang: str) -> str:
    if not found:
        return words("No one is registered: whoever runs samskab holds every role.", lang)
    return "\n".join(
        f"{p.id}  {p.name or ''}  <{p.email or ''}>  {p.role_titles or words('no roles', lang)}"
        for p in found
    )


def people_history_text(changes: Sequence[PeopleChange], lang: str) -> str:
    return "\n".join(f"{moment(c.at, lang)}  {c.actor}{by(c.account, lang)}  {c.note or ''}" for c in changes)


def erasure_text(erasure: Erasure, lang: str) -> str:
    said = words(
        "Erased {email} as {pseudonym}: {cases} case(s), {events} event(s), {messages} message(s).",
        lang,
        email=erasure.email,
        pseudonym=erasure.pseudonym,
        cases=erasure.cases,
        events=erasure.events,
        messages=erasure.messages,
    )
    outside = [
        words("Channel {channel}: {count} record(s) outside the database.", lang, channel=name, count=count)
        for name, count in erasure.channels.items()
    ]
    if erasure.open_cases_owned:
        outside.append(
            words(
                "{count} open case(s) were theirs and are now owned by {pseudonym}: hand them over"
                " (samskab cases list --owner {pseudonym}).",
                lang,
                count=erasure.open_cases_owned,
                pseudonym=erasure.pseudonym,
            )
        )
    if erasure.documents:
        outside.append(words("{count} document name(s) renamed.", lang, count=erasure.documents))
    if erasure.documents_to_review:
        outside.append(
            words(
                "The contents of documents are not searched. Read these, and delete those that name the"
                " person (samskab cases document-delete CASE DOCUMENT --reason TEXT):",
                lang,
            )
        )
        outside += [
            f"  {words('case', lang)} {d.case}: {document_line(d, lang, hashes=False).strip()}"
            for d in erasure.documents_to_review
        ]
    return "\n".join([said, *outside])


def overview_text(overview: Overview, lang: str) -> str:
    lines = []
    for process in overview.processes:
        lines.append(
            f"{process.title} [{process.process}]: {words('{count} active', lang, count=process.active)}"
        )
        lines += [f"  {step.count:>5}  {step.title}" for step in process.steps if step.count]
    lines += ["", words("Overdue: {count}", lang, count=overview.overdue_total)]
    for case in overview.overdue:
        due = day(case.next_deadline_day, lang)
        lines.append(
            f"  {words('case', lang)} {case.id}: {case.title}  ({case.state_title}, {words('due', lang)} {due})"
        )
    lines += ["", words("See a case: samskab cases show ID;  all cases: samskab cases list", lang)]
    return "\n".join(lines)


def report_text(report: Report, lang: str) -> str:
    """The report as text: per process, what is open, what the year brought and why."""
    lines = [words("Report for {year} (as of {at})", lang, year=report.year, at=moment(report.at, lang))]
    if report.owner is not None:
        lines.append(f"{words('Owner', lang)}: {report.owner}")
    for p in report.processes:
        lines += ["", f"{p.title} [{p.process}]"]
        lines.append(f"  {words('Open now', lang)}: {p.open_total}  {_counts(p.open_steps)}".rstrip())
        lines.append(f"  {p.overdue.label}: {p.overdue.count} · {p.quiet.label}: {p.quiet.count}")
        for due in p.due:
            lines.append(f"  {due.total.label}: {due.total.count}  {_counts(due.steps)}".rstrip())
        year = words(
            "In the year: {active} open, {opened} opened", lang, active=p.active.count, opened=p.opened.count
        )
        if p.average_days is not None:
            year += ", " + words("{days} days from opening to closing on average", lang, days=p.average_days)
        lines.append(f"  {year}")
        closed = [o for o in p.outcomes if o.count]
        if closed:
            lines.append(
                f"  {words('Closed in the year', lang)}: "
                + " · ".join(f"{o.title} {o.count}" for o in closed)
            )
            for outcome in closed:
                lines += [f"    {_breakdown(b, lang)}" for b in outcome.reasons]
                if outcome.notes_only:
                    lines.append(
                        "    " + words("{step}: the reasons are in the notes only", lang, step=outcome.title)
                    )
        lines += [
            f"  {t.label}: {t.shown} ({words('{n} of {of} cases', lang, n=t.recorded, of=t.of)})"
            for t in p.totals
        ]
        lines += [f"  {_breakdown(b, lang)}" for b in p.breakdowns if b.unrecorded.count < p.active.count]
        if p.missing:
            lines.append(f"  {words('Not recorded', lang)}: " + ", ".join(p.missing))
    return "\n".join(lines)


def _counts(counts: Sequence[ReportCount]) -> str:
    return " · ".join(f"{c.label} {c.count}" for c in counts if c.count)


def _breakdown(breakdown: FieldBreakdown, lang: str) -> str:
    shown = [c for c in (*breakdown.counts, breakdown.unrecorded) if c.count]
    return f"{breakdown.label}: " + (" · ".join(f"{c.label} {c.count}" for c in shown) or words("none", lang))


def migration_text(found: Migration, lang: str) -> str:
    lines = []
    for c in found.cases:
        where = f"{c.from_state_title} → {c.to_state_title}" if c.to_state else words("stays", lang)
        lines.append(f"{c.case:>6}  {c.title[:40]:<40}  v{c.from_version} → v{found.version}  {where}")
        if c.reason:
            lines.append(f"        {c.reason}")
        if c.dropped:
            lines.append(f"        {words('not in the new version (kept)', lang)}: {', '.join(c.dropped)}")
        if c.deadlines:
            lines.append(f"        {words('planned again', lang)}: {', '.join(c.deadlines)}")
    said = (
        "{moved} case(s) would move; {staying} stay"
        if found.dry_run
        else "{moved} case(s) moved; {staying} stay"
    )
    lines.append(words(said, lang, moved=found.moved, staying=found.staying))
    return "\n".join(lines)


def publish_text(report: PublishReport, lang: str) -> str:
    lines = [
        words(
            "Wrote the website in {folder}: {cases} public project(s), {doors} door(s), {files} file(s).",
            lang,
            folder=report.directory,
            cases=report.cases,
            doors=report.doors,
            files=len(report.files),
        ),
        words("Changed: {files}", lang, files=", ".join(report.changed) if report.changed else "–"),
    ]
    if report.removed:
        lines.append(
            words("Removed (no longer on the website): {files}", lang, files=", ".join(report.removed))
        )
    return "\n".join(lines)


def import_text(found: ImportReport, lang: str) -> str:
    """What an import did (or, in a dry run, would do), or every problem that stopped it."""
    lines = [
        words(
            "{file} ({kind}): {rows} row(s) for {process}",
            lang,
            file=found.file,
            kind=found.kind.upper(),
            rows=found.rows,
            process=found.process_title,
        )
    ]
    for column in found.columns:
        lines.append(f"  {column.letter:>3} {column.column[:36]:<36} → {column.target_title}")
    if found.problems_total:
        for problem in found.problems:
            lines.append(import_problem(problem, lang))
        if found.problems_total > len(found.problems):
            lines.append(
                words("... and {count} more", lang, count=found.problems_total - len(found.problems))
            )
        lines.append(words("{count} problem(s): nothing was imported", lang, count=found.problems_total))
        return "\n".join(lines)
    if found.dry_run:
        lines.append(words("{count} case(s) would be opened", lang, count=found.created))
    else:
        lines.append(words("{count} case(s) opened", lang, count=found.created))
    for step in found.steps:
        lines.append(f"  {step.count:>7}  {step.title}")
    lines += [_imported_row(row, lang) for row in found.cases]
    if found.created > len(found.cases):
        lines.append("  ...")
    if found.already:
        lines.append(
            words("{count} row(s) were imported before and are left as they are", lang, count=found.already)
        )
        lines += [_imported_row(row, lang) for row in found.already_imported]
    if found.dry_run:
        lines.append(words("Nothing was saved (--dry-run).", lang))
    return "\n".join(lines)


def import_problem(problem: ImportProblem, lang: str) -> str:
    where = [words("row {row}", lang, row=problem.row)] if problem.row is not None else []
    if problem.column:
        where.append(words("column {column}", lang, column=problem.column))
    hint = f" ({problem.suggestion})" if problem.suggestion else ""
    return f"  {', '.join(where) or words('the file', lang)}: {problem.what}{hint}"


def _imported_row(row: ImportedRow, lang: str) -> str:
    case = words("case {case}", lang, case=row.case) if row.case is not None else words("new", lang)
    due = f"  {words('deadline', lang)} {day(row.next_deadline_day, lang)}" if row.next_deadline_day else ""
    return f"  {words('row {row}', lang, row=row.row):>10}  {case:<10} {row.title[:32]:<32}  {row.state_title}  ({row.owner}){due}"

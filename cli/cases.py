"""``samskab cases``: new, list, show, advance, comment, correct, handover, link, unlink, the
documents kept with a case, and import and export of many cases as a spreadsheet."""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from samskab.cli import render
from samskab.cli.main import (
    EXPORTS,
    Settings,
    as_option,
    chosen_owner,
    echo_json,
    echo_json_stream,
    file_format,
    force_option,
    json_option,
    output_option,
    owner_options,
    parse_sets,
    set_option,
    write_file,
)
from samskab.engine.messages import words
from samskab.engine.readmodels import CaseDetail, CaseFilter, to_json


@click.group()
def cases() -> None:
    """Cases: new, list, show, advance, comment, correct, handover, link, unlink; attach,
    documents, document, document-delete; import, export."""


@cases.command("new")
@click.argument("process_id")
@click.option("--title", required=True, help="What the case is called.")
@set_option
@click.option("--owner", help="Who is responsible for it [default: you, who open it].")
@click.option("--parent", metavar="CASE", help="Open it as a sub-case of this (open) case.")
@as_option
@json_option
@click.pass_obj
def cases_new(
    settings: Settings,
    process_id: str,
    title: str,
    sets: tuple[str, ...],
    owner: str | None,
    parent: str | None,
    person: str | None,
    as_json: bool,
) -> None:
    """Open a new case of a process."""
    detail = settings.service(person).new_case(
        process_id, title, parse_sets(sets), owner=owner, parent=parent
    )
    _print(settings, detail, as_json)


SORTS = {"number": "id", "title": "title", "due": "next_due", "changed": "updated_at"}


@cases.command("list")
@click.option("--process", "process_id", help="Only this process.")
@click.option("--state", help="Only cases in this step.")
@click.option("--overdue", is_flag=True, help="Only cases past a deadline.")
@click.option("--search", help="Only cases whose title or a field holds this (ignoring case).")
@click.option("--all", "include_closed", is_flag=True, help="Include closed cases.")
@click.option("--parent", type=int, metavar="CASE", help="Only the sub-cases of this case.")
@owner_options
@click.option(
    "--sort",
    type=click.Choice(list(SORTS)),
    help="Order by number, title (Danish order), next deadline or last change [default: number].",
)
@click.option(
    "--due-in", type=int, metavar="YEAR", help="Only open cases whose next deadline is in this year."
)
@click.option("--opened-in", type=int, metavar="YEAR", help="Only cases opened in this year.")
@click.option("--closed-in", type=int, metavar="YEAR", help="Only cases closed in this year (implies --all).")
@click.option(
    "--where",
    "wheres",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Only cases whose field holds this value, as typed in a form (with --process; repeatable).",
)
@click.option(
    "--columns", metavar="FIELD,...", help="Show these fields of each case (with --process; comma-separated)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", *EXPORTS]),
    help="text, or a spreadsheet: csv or xlsx, with labels as headings and, for one --process, "
    "a column per field [default: text, or the suffix of -o].",
)
@output_option
@force_option
@json_option
@click.pass_obj
def cases_list(
    settings: Settings,
    process_id: str | None,
    state: str | None,
    overdue: bool,
    search: str | None,
    include_closed: bool,
    parent: int | None,
    mine: bool,
    owner: str | None,
    sort: str | None,
    due_in: int | None,
    opened_in: int | None,
    closed_in: int | None,
    wheres: tuple[str, ...],
    columns: str | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
    as_json: bool,
) -> None:
    """List the active cases, or write them to a spreadsheet (--format csv|xlsx -o FILE)."""
    fmt = file_format(fmt, output, EXPORTS, as_json)
    service = settings.service()
    if (wheres or columns) and not process_id:
        raise click.UsageError("--where and --columns need --process: fields belong to a process")
    where = CaseFilter(
        process_id=process_id,
        state=state,
        text=search,
        open_only=not (include_closed or closed_in is not None),
        overdue=overdue,
        owner=chosen_owner(service, mine, owner),
        parent=parent,
        order_by=SORTS[sort]
        if sort
        else "next_due"
        if overdue or due_in is not None
        else "id",  # the longest overdue first
        due=service.year(due_in) if due_in is not None else None,
        opened=service.year(opened_in) if opened_in is not None else None,
        closed=service.year(closed_in) if closed_in is not None else None,
        values=service.field_values(process_id, parse_sets(wheres, "--where"))
        if process_id and wheres
        else (),
        columns=service.columns(process_id, tuple(c.strip() for c in columns.split(",") if c.strip()))
        if process_id and columns
        else (),
    )
    if fmt != "text":
        table = service.case_table(where)
        if write_file(service, service.table_file(table, fmt), output, force, binary=fmt == "xlsx"):
            said = words("Wrote {count} case(s) to {path}", settings.lang, count=len(table.rows), path=output)
            click.echo(said, err=True)
        return
    rows = service.cases(where)
    if as_json:
        echo_json_stream(to_json(row) for row in rows)
        return
    for row in rows:
        click.echo(render.case_line(row, settings.lang))


@cases.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--process", "process_id", required=True, help="The process the cases run.")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read COLUMN as FIELD (a field id, or title, step, owner, opened, closed, reference); "
    "COLUMN= leaves it out (repeatable).",
)
@click.option("--dry-run", is_flag=True, help="Check every row and say what would be opened; save nothing.")
@json_option
@click.pass_obj
def cases_import(
    settings: Settings, file: Path, process_id: str, maps: tuple[str, ...], dry_run: bool, as_json: bool
) -> None:
    """Open a case for each row of a CSV or XLSX file (admin): the first row names the
    columns (fields by id or label; Titel, Trin, Ansvarlig, Oprettet, Afsluttet). Every
    row is checked first and every problem said, with exit status 2 and nothing saved;
    rows imported before are left as they are. `cases export` writes such a file."""
    mapping = parse_sets(maps, "--map", "COLUMN=FIELD")
    found = settings.service().import_cases(file, process_id, mapping, dry_run=dry_run)
    if as_json:
        echo_json(to_json(found))
    else:
        click.echo(render.import_text(found, settings.lang), err=bool(found.problems_total))
    if found.problems_total:
        sys.exit(2)


@cases.command("export")
@click.option("--process", "process_id", required=True, help="The process whose cases to write.")
@click.option("--open", "open_only", is_flag=True, help="Only the open cases.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORTS),
    help="csv or xlsx [default: the suffix of -o].",
)
@output_option
@force_option
@json_option
@click.pass_obj
def cases_export(
    settings: Settings,
    process_id: str,
    open_only: bool,
    fmt: str | None,
    output: Path | None,
    force: bool,
    as_json: bool,
) -> None:
    """Write every case of a process as `cases import` reads it back (title, step, owner,
    dates, a column per field): to move cases to another database, or to edit them in a
    spreadsheet. --json says what was written to the file."""
    if as_json and (output is None or str(output) == "-"):
        raise click.UsageError("--json says what was written to a file: give one with -o FILE")
    fmt = file_format(fmt, output, EXPORTS, False)
    if fmt == "text":
        raise click.UsageError(f"say which format to write: --format {'|'.join(EXPORTS)}")
    service = settings.service()
    table = service.import_table(process_id, open_only=open_only)
    if not write_file(service, service.table_file(table, fmt), output, force, binary=fmt == "xlsx"):
        return
    if as_json:
        echo_json({"written_to": str(output), "format": fmt, "cases": len(table.rows)})
    else:
        said = words("Wrote {count} case(s) to {path}", settings.lang, count=len(table.rows), path=output)
        click.echo(said, err=True)


@cases.command("show")
@click.argument("case_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "html"]),
    help="text, or html: a printable page of the case [default: text, or the suffix of -o].",
)
@output_option
@force_option
@as_option
@json_option
@click.pass_obj
def cases_show(
    settings: Settings,
    case_id: str,
    fmt: str | None,
    output: Path | None,
    force: bool,
    person: str | None,
    as_json: bool,
) -> None:
    """Show a case: fields, step, deadlines, history and the actions it can take; or
    write it as a printable page (--format html -o FILE)."""
    if file_format(fmt, output, ("html",), as_json) == "html":
        service = settings.service(person)
        if write_file(service, service.case_printout(case_id), output, force, binary=False):
            click.echo(words("Wrote {path}", settings.lang, path=str(output)), err=True)
        return
    _print(settings, settings.service(person).case(case_id), as_json)


@cases.command("advance")
@click.argument("case_id")
@click.argument("action")
@set_option
@click.option("--note", help="A note for the history; the reason for a refusal or withdrawal.")
@click.option("--revision", type=int, help="Refuse if the case is no longer at this revision.")
@as_option
@json_option
@click.pass_obj
def cases_advance(
    settings: Settings,
    case_id: str,
    action: str,
    sets: tuple[str, ...],
    note: str | None,
    revision: int | None,
    person: str | None,
    as_json: bool,
) -> None:
    """Take an action on a case."""
    detail = settings.service(person).advance(case_id, action, parse_sets(sets), note=note, revision=revision)
    _print(settings, detail, as_json)


@cases.command("comment")
@click.argument("case_id")
@click.option("--note", required=True, help="What to note in the history.")
@click.option("--revision", type=int, help="Refuse if the case is no longer at this revision.")
@as_option
@json_option
@click.pass_obj
def cases_comment(
    settings: Settings, case_id: str, note: str, revision: int | None, person: str | None, as_json: bool
) -> None:
    """Note something in a case's history without taking a step."""
    _print(settings, settings.service(person).comment(case_id, note, revision=revision), as_json)


@cases.command("correct")
@click.argument("case_id")
@set_option
@click.option("--reason", required=True, help="Why: kept in the history with the values before.")
@click.option("--revision", type=int, help="Refuse if the case is no longer at this revision.")
@as_option
@json_option
@click.pass_obj
def cases_correct(
    settings: Settings,
    case_id: str,
    sets: tuple[str, ...],
    reason: str,
    revision: int | None,
    person: str | None,
    as_json: bool,
) -> None:
    """Correct fields of an open case without moving it (e.g. a wrong contact address)."""
    detail = settings.service(person).correct(case_id, parse_sets(sets), reason, revision=revision)
    _print(settings, detail, as_json)


@cases.command("handover")
@click.argument("case_id")
@click.argument("owner")
@click.option(
    "--note", required=True, help="Why, and what the new owner needs to know (kept in the history)."
)
@click.option("--revision", type=int, help="Refuse if the case is no longer at this revision.")
@as_option
@json_option
@click.pass_obj
def cases_handover(
    settings: Settings,
    case_id: str,
    owner: str,
    note: str,
    revision: int | None,
    person: str | None,
    as_json: bool,
) -> None:
    """Hand a case over to OWNER, who becomes responsible for it."""
    _print(settings, settings.service(person).handover(case_id, owner, note, revision=revision), as_json)


@cases.command("attach")
@click.argument("case_id")
@click.argument("file", type=click.Path(path_type=Path, readable=False))  # samskab says what is wrong
@click.option("--note", help="A note for the history: what the document is.")
@click.option("--name", help="The document's name [default: the file's name].")
@as_option
@json_option
@click.pass_obj
def cases_attach(
    settings: Settings,
    case_id: str,
    file: Path,
    note: str | None,
    name: str | None,
    person: str | None,
    as_json: bool,
) -> None:
    """Keep a file with a case (a signed agreement, minutes): in the database, its
    sha256 in the history. At most [documents] max_size in samskab.toml (25 MB)."""
    document = settings.service(person).attach_document(case_id, file, note=note, name=name)
    if as_json:
        echo_json(to_json(document))
    else:
        click.echo(render.document_attached(document, settings.lang))


@cases.command("documents")
@click.argument("case_id")
@as_option
@json_option
@click.pass_obj
def cases_documents(settings: Settings, case_id: str, person: str | None, as_json: bool) -> None:
    """List the documents kept with a case: number, name, size, who, when, sha256."""
    found = settings.service(person).documents(case_id)
    if as_json:
        echo_json(to_json(found))
        return
    for document in found:
        click.echo(render.document_line(document, settings.lang))


@cases.command("document")
@click.argument("case_id")
@click.argument("document_id", type=int)
@output_option
@force_option
@as_option
@json_option
@click.pass_obj
def cases_document(
    settings: Settings,
    case_id: str,
    document_id: int,
    output: Path | None,
    force: bool,
    person: str | None,
    as_json: bool,
) -> None:
    """Write a document of a case to a file (-o FILE), or to standard output (not to a
    terminal). --json says what was written to the file."""
    to_file = output is not None and str(output) != "-"
    if as_json and not to_file:
        raise click.UsageError("--json says what was written to a file: give one with -o FILE")
    service = settings.service(person)
    document, content = service.document(case_id, document_id)
    if not write_file(service, content, output, force, binary=True):
        return
    if as_json:
        echo_json({**to_json(document), "written_to": str(output)})
    else:
        said = words(
            "Wrote {path}: {name} ({size}), readable by you only",
            settings.lang,
            path=str(output),
            name=document.name,
            size=document.size_shown,
        )
        click.echo(said, err=True)


@cases.command("document-delete")
@click.argument("case_id")
@click.argument("document_id", type=int)
@click.option("--reason", required=True, help="Why: kept in the history with the deletion.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@as_option
@json_option
@click.pass_obj
def cases_document_delete(
    settings: Settings,
    case_id: str,
    document_id: int,
    reason: str,
    yes: bool,
    person: str | None,
    as_json: bool,
) -> None:
    """Delete a document's content (admin or databeskyttelse): it named a person, or
    should never have been kept. Its name, size and sha256 stay in the history."""
    service = settings.service(person)
    if not yes:
        click.confirm(
            words(
                "Delete the content of document {id} of case {case}? This cannot be undone",
                settings.lang,
                id=document_id,
                case=case_id,
            ),
            abort=True,
        )
    document = service.delete_document(case_id, document_id, reason)
    if as_json:
        echo_json(to_json(document))
    else:
        click.echo(render.document_line(document, settings.lang))


def link_options(command: Callable[..., None]) -> Callable[..., None]:
    """What cases link and unlink take: CASE, OTHER, the kind, a note, a revision."""
    for option in reversed(
        (
            click.argument("case_id"),
            click.argument("other_id"),
            click.option(
                "--kind",
                required=True,
                help="How CASE is linked to OTHER: del_af (CASE is a sub-case of OTHER), fornyelse_af,"
                " relateret_til, or a kind its process names (cases show lists them).",
            ),
            click.option("--note", help="Why, for the history."),
            click.option("--revision", type=int, help="Refuse if CASE is no longer at this revision."),
            as_option,
            json_option,
            click.pass_obj,
        )
    ):
        command = option(command)
    return command


@cases.command("link")
@link_options
def cases_link(settings: Settings, person: str | None, as_json: bool, **link: Any) -> None:
    """Link CASE to OTHER with a kind; both cases list the link."""
    _print(settings, settings.service(person).link(**link), as_json)


@cases.command("unlink")
@link_options
def cases_unlink(settings: Settings, person: str | None, as_json: bool, **link: Any) -> None:
    """Remove the link of CASE to OTHER of this kind."""
    _print(settings, settings.service(person).link(**link, remove=True), as_json)


def _print(settings: Settings, detail: CaseDetail, as_json: bool) -> None:
    if as_json:
        echo_json(to_json(detail))
    else:
        click.echo(render.case_text(detail, settings.lang))

"""The day-to-day commands besides cases: the agenda, the overview, tick, the outbox, the
calendar, personal data, the audit trail, the demo and the terminal UI."""

import json
import sys
from pathlib import Path
from typing import TextIO

import click

from samskab.cli import render
from samskab.cli.main import (
    EXPORTS,
    Settings,
    as_option,
    chosen_owner,
    echo_json,
    file_format,
    force_option,
    json_option,
    json_text,
    output_option,
    owner_options,
    write_file,
)
from samskab.engine.messages import moment, words
from samskab.engine.readmodels import to_json
from samskab.engine.service import build_demo

# -- the working day ---------------------------------------------------------------------


@click.command()
@click.option("--weeks", type=click.IntRange(0, 520), default=6, show_default=True, help="How far ahead.")
@click.option("--limit", type=click.IntRange(1), metavar="N", help="Only the first N (the soonest).")
@owner_options
@json_option
@click.pass_obj
def agenda(
    settings: Settings, weeks: int, limit: int | None, mine: bool, owner: str | None, as_json: bool
) -> None:
    """Deadlines and reminders due in the coming weeks, overdue first."""
    service = settings.service()
    items = service.agenda(weeks, owner=chosen_owner(service, mine, owner), limit=limit)
    if as_json:
        echo_json(to_json(items))
    else:
        click.echo(render.agenda_text(items, settings.lang))


@click.command()
@owner_options
@json_option
@click.pass_obj
def overview(settings: Settings, mine: bool, owner: str | None, as_json: bool) -> None:
    """Active cases per process and step, then the overdue ones."""
    service = settings.service()
    found = service.overview(owner=chosen_owner(service, mine, owner))
    if as_json:
        echo_json(to_json(found))
    else:
        click.echo(render.overview_text(found, settings.lang))


# -- deadlines -------------------------------------------------------------------------


@click.command()
@json_option
@click.pass_obj
def tick(settings: Settings, as_json: bool) -> None:
    """Fire the deadlines and reminders that are due (run it from cron)."""
    report = settings.service(create=False).tick()  # cron in the wrong directory: said, not made
    if as_json:
        echo_json(to_json(report))
    else:
        click.echo(render.tick_text(report, settings.lang))


# -- the report -------------------------------------------------------------------------


@click.command()
@click.option("--year", type=int, help="The calendar year to count (default: this year).")
@click.option("--process", "process_id", help="Only this process.")
@owner_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", *EXPORTS]),
    help="text, or a spreadsheet: csv or xlsx, a row per number [default: text, or the suffix of -o].",
)
@output_option
@force_option
@json_option
@click.pass_obj
def report(
    settings: Settings,
    year: int | None,
    process_id: str | None,
    mine: bool,
    owner: str | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
    as_json: bool,
) -> None:
    """The year in numbers: cases per process and step, overdue, deadlines this year and
    next, outcomes and their reasons, money and hours, counts per choice."""
    fmt = file_format(fmt, output, EXPORTS, as_json)
    service = settings.service()
    found = service.report(year, process_id=process_id, owner=chosen_owner(service, mine, owner))
    if fmt != "text":
        data = service.table_file(service.report_table(found), fmt)
        if write_file(service, data, output, force, binary=fmt == "xlsx"):
            click.echo(words("Wrote {path}", settings.lang, path=str(output)), err=True)
        return
    if as_json:
        echo_json(to_json(found))
    else:
        click.echo(render.report_text(found, settings.lang))


# -- outbox and calendar ----------------------------------------------------------------


@click.group()
def outbox() -> None:
    """Notifications waiting to be sent, and incidents (messages that failed every retry)."""


@outbox.command("list")
@click.option("--all", "include_done", is_flag=True, help="Include sent and dismissed messages.")
@json_option
@click.pass_obj
def outbox_list(settings: Settings, include_done: bool, as_json: bool) -> None:
    """List pending messages and incidents."""
    items = settings.service().outbox(include_done=include_done)
    if as_json:
        echo_json(to_json(items))
        return
    for item in items:
        click.echo(render.outbox_line(item, settings.lang))


@outbox.command("retry")
@click.argument("message_id", type=int)
@as_option
@json_option
@click.pass_obj
def outbox_retry(settings: Settings, message_id: int, person: str | None, as_json: bool) -> None:
    """Send a failed message again (at the next tick), from its first attempt."""
    settings.service(person).retry_message(message_id)
    if as_json:
        echo_json({"id": message_id, "status": "pending"})
    else:
        click.echo(words("message {id} will be sent at the next tick", settings.lang, id=message_id))


@outbox.command("dismiss")
@click.argument("message_id", type=int)
@as_option
@json_option
@click.pass_obj
def outbox_dismiss(settings: Settings, message_id: int, person: str | None, as_json: bool) -> None:
    """Give up on a message; the incident is closed and the decision recorded."""
    settings.service(person).dismiss_message(message_id)
    if as_json:
        echo_json({"id": message_id, "status": "dismissed"})
    else:
        click.echo(words("message {id} dismissed", settings.lang, id=message_id))


@click.command()
@click.option("--process", "process_id", help="Only this process.")
@click.option("--person", help="Only cases where this person holds a role that can act now.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output); readable by you only.",
)
@json_option
@click.pass_obj
def calendar(
    settings: Settings, process_id: str | None, person: str | None, output: Path | None, as_json: bool
) -> None:
    """Every open deadline and reminder as an iCalendar (.ics) file for Outlook and others."""
    service = settings.service()
    found = service.calendar(process_id=process_id, person=person)
    if as_json and not output:
        echo_json(to_json(found))
        return
    data = json_text(to_json(found)).encode() if as_json else service.calendar_file(found)
    if output:
        service.write_private(output, data)
        click.echo(words("Wrote {path}", settings.lang, path=str(output)), err=True)
    else:
        click.echo(data.decode(), nl=False)


# -- personal data -----------------------------------------------------------------------


@click.group()
def person() -> None:
    """Personal data (GDPR): export or erase everything held on a person."""


@person.command("export")
@click.argument("email")
@click.pass_obj
def person_export(settings: Settings, email: str) -> None:
    """Print everything held on the person with this e-mail address, as JSON: a document
    to hand them, not an answer in --json's shape."""
    found = settings.service().person_export(email)
    click.echo(json.dumps(to_json(found), ensure_ascii=False, indent=2, default=str))


@person.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@as_option
@json_option
@click.pass_obj
def person_erase(settings: Settings, email: str, yes: bool, person: str | None, as_json: bool) -> None:
    """Pseudonymise the person everywhere; the history stays verifiable."""
    service = settings.service(person)
    service.person_export(email)  # nothing held: said before asking
    if not yes:
        click.confirm(
            words("Erase {email} everywhere? This cannot be undone", settings.lang, email=email), abort=True
        )
    erasure = service.person_erase(email)
    if as_json:
        echo_json(to_json(erasure))
    else:
        click.echo(render.erasure_text(erasure, settings.lang))
    for person_id in erasure.config_people:
        click.echo(
            words("Remove [people.{id}] from the config file too.", settings.lang, id=person_id), err=True
        )


# -- audit -----------------------------------------------------------------------------


@click.group()
def audit() -> None:
    """The tamper-evident history."""


@audit.command("verify")
@click.option(
    "--anchor",
    type=click.File("r", encoding="utf-8"),
    help="A file holding an anchor from `audit anchor` (- for standard input).",
)
@json_option
@click.pass_obj
def audit_verify(settings: Settings, anchor: TextIO | None, as_json: bool) -> None:
    """Check every event against its digest, the keyed chains and their heads, and every
    case against its history; exit 1 at the first broken link."""
    report = settings.service().verify_audit(anchor.read() if anchor else None)
    if as_json:
        echo_json(to_json(report))
    elif report.broken is None:
        click.echo(words("ok: {count} events, chains intact", settings.lang, count=report.checked))
    else:
        broken = report.broken
        click.echo(
            words(
                "Broken: event {event} (case {case}): {what}",
                settings.lang,
                event=broken.event_id,
                case=broken.case_id,
                what=broken.what,
            ),
            err=True,
        )
    if report.broken is not None:
        sys.exit(1)


@audit.command("anchor")
@json_option
@click.pass_obj
def audit_anchor(settings: Settings, as_json: bool) -> None:
    """Print the database's head, to keep elsewhere (a mail to the archive, a ticket);
    `audit verify --anchor` checks the history still holds it."""
    anchor = settings.service().audit_anchor()
    if as_json:
        echo_json(to_json(anchor))
    else:
        click.echo(f"{anchor.text} at={moment(anchor.at, settings.lang)}")


# -- demo and terminal UI -----------------------------------------------------------------


@click.command()
@as_option
@click.option("--browser", is_flag=True, hidden=True, help="A session of `samskab serve` (no files here).")
@click.pass_obj
def tui(settings: Settings, person: str | None, browser: bool) -> None:
    """Open the terminal UI (the default command).

    Without a terminal (output to a pipe or a file) it prints an overview instead.
    """
    service = settings.service(person)
    service.check_access()  # an account not registered is told so here, not in the UI
    if browser:  # drawn in a web browser by samskab serve: the files here are not the person's
        service = service.in_a_browser()
    elif not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo(render.overview_text(service.overview(), settings.lang))
        return
    from samskab.tui.app import run

    run(service)


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Build a demo database with realistic cases (if there is none) and open it."""
    settings: Settings = ctx.obj
    made = build_demo(settings.db, **settings.open_options)
    if made:
        click.echo(
            words("Built {db} with {count} demo cases.", settings.lang, db=settings.db, count=made), err=True
        )
    ctx.invoke(tui)

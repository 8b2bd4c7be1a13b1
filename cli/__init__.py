"""The ``samskab`` command line.

Exit status: 0 done; 1 refused (guard, role, conflict, unknown case or action); 2 bad
input (usage, invalid definition, a value that does not parse). A user's mistake
prints what is wrong and never a traceback.
"""

import json
import os
import re
import sys
from pathlib import Path

import attrs
import click

from samskab.engine import clock, views
from samskab.engine.errors import NotFound, Refused, SamskabError
from samskab.engine.plugins import get_plugin_manager
from samskab.engine.readmodels import CaseFilter


class SamskabGroup(click.Group):
    """The top-level group: adds plugins' commands when they are first needed, and turns
    samskab's own errors into messages and exit statuses."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plugins_asked: list[object] = []

    def _add_plugin_commands(self) -> None:
        pm = get_plugin_manager()
        new = [p for p in pm.get_plugins() if not any(p is seen for seen in self._plugins_asked)]
        if new:
            asked = [p for p in pm.get_plugins() if p not in new]
            pm.subset_hook_caller("register_commands", remove_plugins=asked)(cli=self)
            self._plugins_asked += new

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str):
        command = super().get_command(ctx, name)
        if command is None:
            self._add_plugin_commands()
            command = super().get_command(ctx, name)
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:  # bytes that are not UTF-8, kept as surrogates by Python
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise click.UsageError(
                    f"`{shown}` is not UTF-8 text; set the terminal to UTF-8 (e.g. LANG=da_DK.UTF-8)"
                    " and type it again",
                    ctx,
                ) from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SamskabError as exc:
            first, *rest = exc.lines()
            click.echo(f"Error: {first}", err=True)
            for line in rest:
                click.echo(line, err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # a path the user gave: a missing directory, no permission
            click.echo(f"Error: {exc.filename or ''}: {exc.strerror or exc}", err=True)
            ctx.exit(2)
        finally:
            settings = ctx.obj
            if isinstance(settings, Settings):
                for warning in settings.warnings():
                    click.echo(f"Warning: {warning}", err=True)


class Settings:
    def __init__(self, db, config, processes, lang):
        self.db = db
        self.config = Path(config) if config else None
        self.processes = [Path(p) for p in processes]
        self.lang = lang
        self._engine = None
        self.warn_about_files = True

    def opener(self):
        """A function that opens an engine on a database path with these settings."""
        from samskab.engine.core import open_engine

        return lambda db: open_engine(
            db, config_path=self.config, process_dirs=self.processes, pm=get_plugin_manager()
        )

    def engine(self):
        if self._engine is None:
            self._engine = self.opener()(self.db)
        return self._engine

    def warnings(self) -> list[str]:
        """What went wrong along the way without stopping the command."""
        engine = self._engine
        if engine is None:
            return []
        found = list(engine.plugin_errors)
        if engine.registry.files_read and self.warn_about_files:
            found += [str(problem) for problem in engine.problems]
        return found


def _default_lang() -> str:
    chosen = os.environ.get("SAMSKAB_LANG") or os.environ.get("LANG", "da")
    return "en" if chosen.startswith("en") else "da"


@click.group(cls=SamskabGroup, invoke_without_command=True)
@click.version_option(package_name="samskab")
@click.option(
    "--db",
    envvar="SAMSKAB_DB",
    default="samskab.db",
    show_default=True,
    help="Database file (or store URL); also SAMSKAB_DB.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Config file [default: samskab.toml beside the database].",
)
@click.option(
    "--processes",
    "process_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="A directory of process files to add (repeatable).",
)
@click.option(
    "--lang",
    type=click.Choice(["da", "en"]),
    default=_default_lang,
    help="Language of process texts [default: da, or en from SAMSKAB_LANG/LANG].",
)
@click.pass_context
def cli(ctx, db, config, process_dirs, lang):
    """samskab: co-creation processes between a municipality and civil society.

    Run with no command to open the terminal UI on the database.
    """
    ctx.obj = Settings(db, config, process_dirs, lang)
    if ctx.invoked_subcommand is None:
        ctx.invoke(tui)


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} should be FIELD=VALUE", param_hint="--set")
        parsed[name.strip()] = value
    return parsed


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
set_option = click.option(
    "--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Set a field (repeatable)."
)
as_option = click.option("--as", "person", help="Act as this person (default: your account).")


# -- processes -------------------------------------------------------------------------


@cli.group()
def processes():
    """Process definitions: list, check, show, schema."""


@processes.command("list")
@json_option
@click.pass_obj
def processes_list(settings, as_json):
    """List the processes new cases can start on."""
    engine = settings.engine()
    rows = [
        {
            "id": d.process.id,
            "version": d.process.version,
            "level": d.process.level,
            "title": d.process.title.get(settings.lang),
            "file": d.origin,
        }
        for d in engine.processes()
    ]
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']:<20} v{row['version']:<3} {row['level']:<13} {row['title']}")


@processes.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_obj
def processes_check(settings, paths):
    """Check process files (files or directories; default: every one samskab loads).

    Prints every problem with file, line, place and a suggestion; exit status 2 if
    there is any.
    """
    engine = settings.engine()
    settings.warn_about_files = False  # the check itself reports them
    if paths:
        definitions, problems = engine.loader.load(paths)
    else:
        definitions, problems = engine.loader.load(engine.process_dirs)
        problems += engine.registry.problems
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(2)
    click.echo(f"ok: {len(definitions)} process file(s) checked")


@processes.command("show")
@click.argument("process_id")
@click.option("--version", "version", type=int, help="A version cases in this database use.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "mermaid"]), default="text")
@json_option
@click.pass_obj
def processes_show(settings, process_id, version, fmt, as_json):
    """Show a process: its steps in order, the actions, who may take them, deadlines."""
    engine = settings.engine()
    if version is None:
        process = engine.process(process_id).process
    else:
        process = engine.registry.compiled(process_id, version).process
    if as_json or fmt == "json":
        _echo_json(views.process_data(process, settings.lang))
    elif fmt == "mermaid":
        click.echo(views.process_mermaid(process, settings.lang))
    else:
        click.echo(views.process_text(process, settings.lang))


@processes.command("copy")
@click.argument("process_id")
@click.argument("new_id")
@click.option(
    "--to",
    "directory",
    default="processes",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write to.",
)
@click.pass_obj
def processes_copy(settings, process_id, new_id, directory):
    """Copy a process to a file of your own under a new id, to change it."""
    from samskab.engine.validate import IDENTIFIER

    if not IDENTIFIER.match(new_id):
        raise click.BadParameter(f"{new_id!r} is not a valid id (a letter, then letters, digits, _)")
    definition = settings.engine().process(process_id)
    target = directory / f"{new_id}.toml"
    if target.exists():
        raise click.BadParameter(f"{target} already exists", param_hint="NEW_ID")
    text = re.sub(rf'^id = "{process_id}"', f'id = "{new_id}"', definition.text, count=1, flags=re.M)
    text = re.sub(r"^version = \d+", "version = 1", text, count=1, flags=re.M)
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {target}; check it with: samskab --processes {directory} processes check")


@processes.command("docs")
@click.pass_obj
def processes_docs(settings):
    """Print every process with its diagram as Markdown (docs/processes.md)."""
    engine = settings.engine()
    click.echo(views.library_markdown([d.process for d in engine.processes()]), nl=False)


@processes.command("schema")
def processes_schema():
    """Print the JSON Schema of process files (for editors)."""
    from samskab.engine.schema import process_schema

    _echo_json(process_schema())


# -- cases -----------------------------------------------------------------------------


@cli.group()
def cases():
    """Cases: new, list, show, advance."""


@cases.command("new")
@click.argument("process_id")
@click.option("--title", required=True, help="What the case is called.")
@set_option
@as_option
@json_option
@click.pass_obj
def cases_new(settings, process_id, title, sets, person, as_json):
    """Open a new case of a process."""
    engine = settings.engine()
    case = engine.new_case(process_id, title, _parse_sets(sets), engine.actor(person))
    _print_case(settings, engine, case, person, as_json)


@cases.command("list")
@click.option("--process", "process_id", help="Only this process.")
@click.option("--state", help="Only cases in this step.")
@click.option("--overdue", is_flag=True, help="Only cases past a deadline.")
@click.option("--search", help="Only cases whose title contains this.")
@click.option("--all", "include_closed", is_flag=True, help="Include closed cases.")
@json_option
@click.pass_obj
def cases_list(settings, process_id, state, overdue, search, include_closed, as_json):
    """List the active cases."""
    engine = settings.engine()
    where = CaseFilter(
        process_id=process_id,
        state=state,
        text=search,
        open_only=not include_closed,
        overdue_at=clock.to_text(engine.now()) if overdue else None,
        order_by="next_due" if overdue else "id",  # the longest overdue first
    )
    rows = (views.case_summary(engine, case, settings.lang) for case in engine.iter_cases(where))
    if as_json:
        # Streamed, one case per line, so a long list needs no more memory than a short one.
        click.echo("[")
        for i, row in enumerate(rows):
            click.echo(("," if i else "") + json.dumps(row, ensure_ascii=False))
        click.echo("]")
        return
    for row in rows:
        due = row["next_deadline"][:10] if row["next_deadline"] else ""
        flag = "OVERDUE" if row["overdue"] else ""
        click.echo(
            f"{row['id']:>6}  {row['title'][:40]:<40}  {row['process']:<16} "
            f"{row['state']:<16} {due:<10} {flag}"
        )


@cases.command("show")
@click.argument("case_id")
@as_option
@json_option
@click.pass_obj
def cases_show(settings, case_id, person, as_json):
    """Show a case: fields, step, deadlines, history and the actions it can take."""
    engine = settings.engine()
    _print_case(settings, engine, engine.case(case_id), person, as_json)


@cases.command("advance")
@click.argument("case_id")
@click.argument("action")
@set_option
@click.option("--note", help="A note for the history; the reason for a refusal or withdrawal.")
@click.option("--revision", type=int, help="Refuse if the case is no longer at this revision.")
@as_option
@json_option
@click.pass_obj
def cases_advance(settings, case_id, action, sets, note, revision, person, as_json):
    """Take an action on a case."""
    engine = settings.engine()
    case, _ = engine.advance(
        case_id,
        action,
        _parse_sets(sets),
        note=note,
        actor=engine.actor(person),
        expected_revision=revision,
    )
    _print_case(settings, engine, case, person, as_json)


def _print_case(settings, engine, case, person, as_json) -> None:
    data = views.case_data(engine, case, engine.actor(person), settings.lang)
    if as_json:
        _echo_json(data)
    else:
        click.echo(views.case_text(data, engine.compiled_for(case).process, settings.lang))


# -- deadlines -------------------------------------------------------------------------


@cli.command()
@json_option
@click.pass_obj
def tick(settings, as_json):
    """Fire the deadlines and reminders that are due (run it from cron)."""
    engine = settings.engine()
    report = engine.tick()
    groups = {"reminders": report.reminders, "deadlines": report.deadlines, "actions": report.actions}
    if as_json:
        _echo_json(
            {
                **{
                    name: [
                        {
                            "case": e.case_id,
                            "at": e.at,
                            "action": e.action,
                            "state": e.to_state,
                            "note": e.note,
                        }
                        for e in events
                    ]
                    for name, events in groups.items()
                },
                "delivery": attrs.asdict(report.delivery),
            }
        )
        return
    for events in groups.values():
        for event in events:
            click.echo(f"case {event.case_id}: {event.action or event.kind}  {event.note or ''}".rstrip())
    delivery = report.delivery
    click.echo(
        f"{len(report.reminders)} reminder(s), {len(report.deadlines)} deadline(s) passed, "
        f"{len(report.actions)} automatic action(s); messages: {delivery.sent} sent, "
        f"{delivery.retrying} to retry, {delivery.incidents} new incident(s)"
    )


# -- outbox and calendar ----------------------------------------------------------------


@cli.group()
def outbox():
    """Notifications waiting to be sent, and incidents (messages that failed every retry)."""


def _outbox_row(message) -> dict:
    return {k: v for k, v in attrs.asdict(message).items() if k not in ("body", "payload")}


@outbox.command("list")
@click.option("--all", "include_done", is_flag=True, help="Include sent and dismissed messages.")
@json_option
@click.pass_obj
def outbox_list(settings, include_done, as_json):
    """List pending messages and incidents."""
    rows = [_outbox_row(m) for m in settings.engine().store.outbox(include_done=include_done)]
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        error = f"  ({row['last_error']})" if row["last_error"] else ""
        click.echo(
            f"{row['id']:>6}  {row['status']:<9} case {row['case_id']:<6} {row['channel']:<10} "
            f"{row['recipient'] or '-':<28} attempts {row['attempts']}{error}"
        )


def _resolve(settings, message_id: int, what: str, person: str | None) -> None:
    engine = settings.engine()
    if engine.store.outbox_message(message_id) is None:
        raise NotFound(f"no message {message_id} in the outbox")
    actor = engine.actor(person)
    if not engine.store.outbox_resolve(message_id, clock.to_text(engine.now()), actor.id, what):
        raise Refused(f"message {message_id} cannot be {what}ed", ["it is already sent or dismissed"])


@outbox.command("retry")
@click.argument("message_id", type=int)
@as_option
@click.pass_obj
def outbox_retry(settings, message_id, person):
    """Send a failed message again (at the next tick), from its first attempt."""
    _resolve(settings, message_id, "retry", person)
    click.echo(f"message {message_id} will be sent at the next tick")


@outbox.command("dismiss")
@click.argument("message_id", type=int)
@as_option
@click.pass_obj
def outbox_dismiss(settings, message_id, person):
    """Give up on a message; the incident is closed and the decision recorded."""
    _resolve(settings, message_id, "dismiss", person)
    click.echo(f"message {message_id} dismissed")


@cli.command()
@click.option("--process", "process_id", help="Only this process.")
@click.option("--person", help="Only cases where this person holds a role that can act now.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.pass_obj
def calendar(settings, process_id, person, output):
    """Every open deadline and reminder as an iCalendar (.ics) file for Outlook and others."""
    from samskab.engine.calendar import calendar_for

    data = calendar_for(settings.engine(), process_id=process_id, person=person, lang=settings.lang)
    if output:
        output.write_bytes(data)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(data.decode(), nl=False)


# -- personal data -----------------------------------------------------------------------


@cli.group()
def person():
    """Personal data (GDPR): export or erase everything held on a person."""


@person.command("export")
@click.argument("email")
@click.pass_obj
def person_export(settings, email):
    """Print everything held on the person with this e-mail address, as JSON."""
    from samskab.engine import people

    _echo_json(people.export(settings.engine(), email))


@person.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@as_option
@click.pass_obj
def person_erase(settings, email, yes, person):
    """Pseudonymise the person everywhere; the history stays verifiable."""
    from samskab.engine import people

    engine = settings.engine()
    people.export(engine, email)  # NotFound if nothing is held
    if not yes:
        click.confirm(f"Erase {email} everywhere? This cannot be undone", abort=True)
    counts = people.erase(engine, email, engine.actor(person))
    click.echo(
        f"Erased {email} as {people.pseudonym(email)}: {counts['cases']} case(s), "
        f"{counts['events']} event(s), {counts['messages']} message(s)."
    )
    for person_id, entry in engine.config.people.items():
        if entry.email == email:
            click.echo(f"Remove [people.{person_id}] from the config file too.", err=True)


# -- audit -----------------------------------------------------------------------------


@cli.group()
def audit():
    """The tamper-evident history."""


@audit.command("verify")
@json_option
@click.pass_obj
def audit_verify(settings, as_json):
    """Check every event against its digest and the chains; exit 1 at the first broken link."""
    from samskab.engine.audit import verify

    store = settings.engine().store
    checked, broken = verify(store.audit_rows(), store.erased_events())
    if as_json:
        _echo_json({"checked": checked, "broken": attrs.asdict(broken) if broken else None})
    elif broken is None:
        click.echo(f"ok: {checked} events, chains intact")
    else:
        click.echo(f"Broken: event {broken.event_id} (case {broken.case_id}): {broken.what}", err=True)
    if broken is not None:
        sys.exit(1)


# -- demo and terminal UI -----------------------------------------------------------------


@cli.command()
@click.pass_obj
def tui(settings):
    """Open the terminal UI (the default command).

    Without a terminal (output to a pipe or a file) it prints an overview instead.
    """
    engine = settings.engine()
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo(views.overview_text(engine, settings.lang))
        return
    from samskab.tui.app import run

    run(engine, lang=settings.lang)


@cli.command()
@click.pass_context
def demo(ctx):
    """Build a demo database with realistic cases (if there is none) and open it."""
    from samskab.engine import demo as demo_data

    settings = ctx.obj
    if not Path(settings.db).exists():
        made = demo_data.build_file(Path(settings.db), settings.opener())
        click.echo(f"Built {settings.db} with {made} demo cases.", err=True)
    ctx.invoke(tui)

"""The ``samskab`` group: global options, the settings commands share, and how errors
become messages and exit statuses.

Exit status: 0 done; 1 refused (guard, role, conflict, unknown case or action); 2 bad
input (usage, invalid definition, a value that does not parse). A user's mistake
prints what is wrong, in the chosen language, and never a traceback.
"""

import json
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from samskab.engine.errors import BadInput, FileExists, SamskabError
from samskab.engine.messages import msg, text, words
from samskab.engine.service import Service, add_plugin_commands, open_service


class SamskabGroup(click.Group):
    """The top-level group: adds plugins' commands when they are first needed, and turns
    samskab's own errors into messages and exit statuses."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._plugins_asked: list[object] = []

    def list_commands(self, ctx: click.Context) -> list[str]:
        add_plugin_commands(self, self._plugins_asked)
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None:
            add_plugin_commands(self, self._plugins_asked)
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
        rest = super().parse_args(ctx, args)
        # Asked for --json: a mistake anywhere in the command is said in JSON too.
        ctx.meta["samskab.json"] = "--json" in rest[: rest.index("--") if "--" in rest else None]
        return rest

    def invoke(self, ctx: click.Context) -> Any:
        lang = _default_lang()
        try:
            return super().invoke(ctx)
        except SamskabError as exc:
            if isinstance(ctx.obj, Settings):
                lang = ctx.obj.lang
            first, *rest = exc.lines_in(lang)
            if ctx.meta.get("samskab.json"):
                click.echo(
                    json_error(text(exc.args[0], lang), [text(d, lang) for d in exc.details], exc.exit_code)
                )
            click.echo(f"{words('Error', lang)}: {first}", err=True)
            for line in rest:
                click.echo(line, err=True)
            ctx.exit(exc.exit_code)
        except click.ClickException as exc:  # a usage mistake, said by click as usual
            if ctx.meta.get("samskab.json"):
                click.echo(json_error(exc.format_message(), [], exc.exit_code))
            raise
        finally:
            settings = ctx.obj
            if isinstance(settings, Settings):
                for warning in settings.warnings():
                    click.echo(f"{words('Warning', settings.lang)}: {warning}", err=True)


class Settings:
    """The global options, and the service they open (once, when a command needs it)."""

    def __init__(self, db: str, config: str | None, processes: tuple[str, ...], lang: str):
        self.db = db
        self.config = Path(config) if config else None
        self.processes = tuple(Path(p) for p in processes)
        self.lang = lang
        self._service: Service | None = None

    @property
    def open_options(self) -> dict[str, Any]:
        return {"config_path": self.config, "process_dirs": self.processes}

    def service(self, person: str | None = None, *, create: bool | None = True) -> Service:
        """The service on the chosen database, for the person running samskab (or, with
        ``--as``, for ``person``). ``create``: see :func:`open_service`."""
        if self._service is None:
            self._service = open_service(self.db, lang=self.lang, create=create, **self.open_options)
        return self._service.acting_as(person)

    def warnings(self) -> list[str]:
        return self._service.warnings() if self._service is not None else []


def _default_lang() -> str:
    chosen = os.environ.get("SAMSKAB_LANG") or os.environ.get("LANG", "da")
    return "en" if chosen.startswith("en") else "da"


@click.group(
    cls=SamskabGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
)
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
    "-v",
    "--verbose",
    count=True,
    help="Say what samskab does (-v), in detail (-vv): deliveries, deadlines, errors.",
)
@click.option(
    "--lang",
    type=click.Choice(["da", "en"]),
    default=_default_lang,
    help="Language of what samskab says [default: da, or en from SAMSKAB_LANG/LANG].",
)
@click.pass_context
def cli(
    ctx: click.Context, db: str, config: str | None, process_dirs: tuple[str, ...], verbose: int, lang: str
) -> None:
    """samskab: co-creation processes between a municipality and civil society.

    Run with no command to open the terminal UI on the database.
    """
    _logging(verbose)
    ctx.obj = Settings(db, config, process_dirs, lang)
    if ctx.invoked_subcommand is None:
        tui = cli.get_command(ctx, "tui")
        assert tui is not None
        ctx.invoke(tui)


def _logging(verbose: int) -> None:
    """samskab logs through ``logging`` (logger ``samskab``); shown on standard error
    with ``-v`` (info) or ``-vv`` (debug), else kept quiet (errors are said anyway)."""
    logger = logging.getLogger("samskab")
    logger.handlers.clear()
    if verbose:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    else:
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def json_text(data: Any) -> str:
    """``data`` in the one shape every ``--json`` answer has: ``{"ok": true, "data": ...}``
    (a refusal or a mistake: ``{"ok": false, "error": {...}}``, see :func:`json_error`)."""
    return json.dumps({"ok": True, "data": data}, ensure_ascii=False, indent=2, default=str)


def echo_json(data: Any) -> None:
    click.echo(json_text(data))


def echo_json_stream(items: Iterable[Any]) -> None:
    """A long list as ``echo_json`` says it, one item per line as it comes: a million
    cases need no more memory than ten."""
    click.echo('{"ok": true, "data": [')
    for i, item in enumerate(items):
        click.echo(("," if i else "") + json.dumps(item, ensure_ascii=False, default=str))
    click.echo("]}")


def json_error(message: str, details: list[str], exit_code: int) -> str:
    """What went wrong, for a script that asked for ``--json``: the message and every
    reason in the chosen language, and the exit status the command ends with."""
    error = {"message": message, "details": details, "exit": exit_code}
    return json.dumps({"ok": False, "error": error}, ensure_ascii=False, indent=2)


def parse_sets(values: tuple[str, ...], option: str = "--set", shape: str = "FIELD=VALUE") -> dict[str, str]:
    parsed = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} should be {shape}", param_hint=option)
        parsed[name.strip()] = value
    return parsed


json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print JSON: {"ok": true, "data": ...}, or {"ok": false, "error": ...} with the exit status.',
)
set_option = click.option(
    "--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Set a field (repeatable)."
)
as_option = click.option("--as", "person", help="Act as this person (default: your account).")
output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write to this file (- for standard output); readable by you only.",
)
force_option = click.option("--force", is_flag=True, help="Replace the file given with -o if it exists.")

EXPORTS = ("csv", "xlsx")
"""The spreadsheet formats lists and the report are written in."""


def file_format(fmt: str | None, output: Path | None, files: tuple[str, ...], as_json: bool) -> str:
    """The format a command writes: ``--format``, else the suffix of the file it writes
    to (``-o sager.xlsx``), else text; one of ``files`` (or text) is needed for ``-o``."""
    if fmt is None and output is not None and str(output) != "-":
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in files:
            raise click.UsageError(f"say which format to write {output} in: --format {'|'.join(files)}")
    fmt = fmt or "text"
    if as_json and fmt != "text":
        raise click.UsageError(f"--json and --format {fmt} do not go together")
    if output is not None and fmt not in files:
        raise click.UsageError(f"-o writes a file: --format {'|'.join(files)}")
    return fmt


def write_file(service: Service, data: bytes, output: Path | None, force: bool, *, binary: bool) -> bool:
    """Write ``data`` to ``output`` (owner-only; an existing file only with ``--force``) or,
    without it or with ``-o -``, to standard output (``binary``: not to a terminal).
    Whether it went to a file."""
    if output is None or str(output) == "-":
        if binary and sys.stdout.isatty():
            raise BadInput(msg("this format is not for the terminal: write it to a file (-o FILE)"))
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return False
    try:
        service.write_private(output, data, replace=force)
    except FileExists as exists:
        raise BadInput(exists.args[0], [msg("--force replaces it")]) from None
    return True


def owner_options(command: Any) -> Any:
    """``--mine`` and ``--owner PERSON``: only the cases someone owns (is responsible for)."""
    command = click.option("--owner", help="Only cases this person owns (is responsible for).")(command)
    return click.option("--mine", is_flag=True, help="Only cases you own.")(command)


def chosen_owner(service: Service, mine: bool, owner: str | None) -> str | None:
    """Whose cases ``--mine`` or ``--owner`` asks for (None: everyone's)."""
    if mine and owner is not None:
        raise click.UsageError("--mine and --owner cannot be used together")
    return service.actor.id if mine else owner

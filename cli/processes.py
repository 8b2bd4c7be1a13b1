"""``samskab processes``: list, check, show, copy, docs, schema."""

import json
import sys
from pathlib import Path

import click

from samskab.cli import render
from samskab.cli.main import Settings, echo_json, json_option, parse_sets
from samskab.engine.messages import words
from samskab.engine.readmodels import to_json


@click.group()
def processes() -> None:
    """Process definitions: list, check, show, schema."""


@processes.command("list")
@json_option
@click.pass_obj
def processes_list(settings: Settings, as_json: bool) -> None:
    """List the processes new cases can start on."""
    found = settings.service(create=None).processes()
    if as_json:
        echo_json(to_json(found))
        return
    for p in found:
        click.echo(f"{p.id:<20} v{p.version:<3} {p.level:<13} {p.title}")


@processes.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@json_option
@click.pass_obj
def processes_check(settings: Settings, paths: tuple[Path, ...], as_json: bool) -> None:
    """Check process files (files or directories; default: every one samskab loads).

    Prints every problem with file, line, place and a suggestion; exit status 2 if
    there is any.
    """
    report = settings.service(create=None).check_processes(paths)
    if as_json:
        echo_json(to_json(report))
        sys.exit(2 if report.problems else 0)
    for problem in report.problems:
        click.echo(problem, err=True)
    if report.problems:
        click.echo(words("{count} problem(s) found.", settings.lang, count=len(report.problems)), err=True)
        sys.exit(2)
    click.echo(words("ok: {count} process file(s) checked", settings.lang, count=report.checked))


@processes.command("show")
@click.argument("process_id")
@click.option("--version", "version", type=int, help="A version cases in this database use.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "mermaid"]), default="text")
@json_option
@click.pass_obj
def processes_show(settings: Settings, process_id: str, version: int | None, fmt: str, as_json: bool) -> None:
    """Show a process: its steps in order, the actions, who may take them, deadlines."""
    view = settings.service(create=None).process(process_id, version)
    if as_json or fmt == "json":
        echo_json(to_json(view))
    elif fmt == "mermaid":
        click.echo(view.mermaid())
    else:
        click.echo(render.process_text(view, settings.lang))


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
@json_option
@click.pass_obj
def processes_copy(settings: Settings, process_id: str, new_id: str, directory: Path, as_json: bool) -> None:
    """Copy a process to a file of your own under a new id, to change it."""
    target = settings.service(create=None).copy_process(process_id, new_id, directory)
    if as_json:
        echo_json({"id": new_id, "path": str(target)})
        return
    click.echo(
        words(
            "Wrote {path}; check it with: samskab --processes {directory} processes check",
            settings.lang,
            path=str(target),
            directory=str(directory),
        )
    )


@processes.command("docs")
@click.pass_obj
def processes_docs(settings: Settings) -> None:
    """Print every process with its diagram as Markdown (docs/processes.md)."""
    click.echo(settings.service(create=None).processes_markdown(), nl=False)


@processes.command("migrate")
@click.argument("process_id")
@click.option("--to", "version", type=int, required=True, help="The version to move the open cases to.")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="OLD=NEW",
    help="Move cases in step OLD to step NEW (where the new version renamed or dropped a step; repeatable).",
)
@click.option("--dry-run", is_flag=True, help="Only say, case by case, what would change.")
@json_option
@click.pass_obj
def processes_migrate(
    settings: Settings, process_id: str, version: int, maps: tuple[str, ...], dry_run: bool, as_json: bool
) -> None:
    """Move the running cases of a process to another version of it, each in one step
    with a history event; cases whose step has no place in it stay and are listed."""
    mapping = parse_sets(maps, "--map", "OLD=NEW")
    found = settings.service().migrate(process_id, version, mapping, dry_run=dry_run)
    if as_json:
        echo_json(to_json(found))
    else:
        click.echo(render.migration_text(found, settings.lang))


@processes.command("schema")
@click.pass_obj
def processes_schema(settings: Settings) -> None:
    """Print the JSON Schema of process files (for editors): the schema itself, a file to
    point an editor at, not an answer in --json's shape."""
    click.echo(json.dumps(settings.service(create=None).process_schema(), ensure_ascii=False, indent=2))

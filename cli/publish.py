"""``samskab publish DIR``: the municipality's website, as plain HTML files."""

from pathlib import Path

import click

from samskab.cli import render
from samskab.cli.main import Settings, as_option, echo_json, json_option
from samskab.engine.messages import words
from samskab.engine.readmodels import to_json


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that holds other files (they are kept).")
@click.option(
    "--lang",
    "site_lang",
    type=click.Choice(["da", "en"]),
    help="The website's language [default: [publish] language in the config, else da].",
)
@as_option
@json_option
@click.pass_obj
def publish(
    settings: Settings, directory: Path, force: bool, site_lang: str | None, person: str | None, as_json: bool
) -> None:
    """Write the municipality's website into DIRECTORY: the cases marked public with
    their process, step, dates and public summary, and the page "which door" of what
    citizens can start and whom they contact. Plain HTML and CSS, no personal data;
    the same database writes the same files."""
    report = settings.service(person).publish(directory, force=force, lang=site_lang)
    if as_json:
        echo_json(to_json(report))
        return
    click.echo(render.publish_text(report, settings.lang))
    warnings = [withheld.reason for withheld in report.withheld]
    if report.doors and report.contact is None:
        warnings.append(
            words("no contact in the config's [publish]: the doors name only the municipality", settings.lang)
        )
    for warning in warnings:
        click.echo(f"{words('Warning', settings.lang)}: {warning}", err=True)

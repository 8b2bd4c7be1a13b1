"""``samskab people``: the register of people and their roles, kept in the database."""

import click

from samskab.cli import render
from samskab.cli.main import Settings, echo_json, json_option
from samskab.engine.readmodels import PersonView, to_json


@click.group()
def people() -> None:
    """Who may use samskab, and in which roles (changes need the admin role)."""


@people.command("list")
@json_option
@click.pass_obj
def people_list(settings: Settings, as_json: bool) -> None:
    """Everyone registered, with their roles."""
    found = settings.service().people()
    if as_json:
        echo_json(to_json(found))
    else:
        click.echo(render.people_text(found, settings.lang))


@people.command("add")
@click.argument("account")
@click.option("--name", help="The person's name.")
@click.option("--email", help="Their e-mail address (for notifications).")
@click.option("--role", "roles", multiple=True, help="A role (repeatable).")
@click.option("--language", type=click.Choice(["da", "en"]), default="da", show_default=True)
@json_option
@click.pass_obj
def people_add(
    settings: Settings,
    account: str,
    name: str | None,
    email: str | None,
    roles: tuple[str, ...],
    language: str,
    as_json: bool,
) -> None:
    """Register the person who logs in as ACCOUNT."""
    _print(
        settings,
        settings.service().add_person(account, name=name, email=email, roles=roles, language=language),
        as_json,
    )


@people.command("grant")
@click.argument("account")
@click.argument("roles", nargs=-1, required=True)
@json_option
@click.pass_obj
def people_grant(settings: Settings, account: str, roles: tuple[str, ...], as_json: bool) -> None:
    """Give ACCOUNT one or more ROLES."""
    _print(settings, settings.service().grant(account, roles), as_json)


@people.command("revoke")
@click.argument("account")
@click.argument("roles", nargs=-1, required=True)
@json_option
@click.pass_obj
def people_revoke(settings: Settings, account: str, roles: tuple[str, ...], as_json: bool) -> None:
    """Take one or more ROLES from ACCOUNT."""
    _print(settings, settings.service().revoke(account, roles), as_json)


@people.command("remove")
@click.argument("account")
@json_option
@click.pass_obj
def people_remove(settings: Settings, account: str, as_json: bool) -> None:
    """Take ACCOUNT out of the register: they may no longer use samskab."""
    settings.service().remove_person(account)
    if as_json:
        echo_json({"id": account, "removed": True})


def _print(settings: Settings, person: PersonView, as_json: bool) -> None:
    if as_json:
        echo_json(to_json(person))
    else:
        click.echo(render.people_text((person,), settings.lang))


@people.command("history")
@json_option
@click.pass_obj
def people_history(settings: Settings, as_json: bool) -> None:
    """Every change to the register: when, by whom, what."""
    changes = settings.service().people_history()
    if as_json:
        echo_json(to_json(changes))
    else:
        click.echo(render.people_history_text(changes, settings.lang))

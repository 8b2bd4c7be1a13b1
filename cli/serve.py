"""``samskab serve``: the terminal UI in web browsers, each session acting as the person
the municipality's login says (see :mod:`samskab.tui.serve` and docs/security.md)."""

import sys

import click

from samskab.cli.main import Settings
from samskab.engine.errors import BadInput
from samskab.engine.messages import msg
from samskab.engine.readmodels import PersonView


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on."
)
@click.pass_obj
def serve(settings: Settings, host: str, port: int) -> None:
    """Serve the terminal UI to web browsers (pip install 'samskab[serve]').

    Each browser gets a session of its own. Behind a reverse proxy that logs people in
    and names them in a header ([serve] identity_header in samskab.toml), a session
    acts as that person; without one, as your account, and only on this machine
    (127.0.0.1), at the address printed with its token.
    """
    try:
        from samskab.tui.serve import serve as serve_sessions
    except ImportError as missing:  # textual-serve and aiohttp come with the serve extra
        raise BadInput(
            msg("samskab serve needs {package}", package=missing.name or "textual-serve"),
            [msg("install it with: pip install 'samskab[serve]'")],
        ) from None
    service = settings.service()

    def session(person: PersonView | None) -> tuple[list[str], dict[str, str]]:
        """``samskab tui`` on the same database and files, for ``person`` (in their
        language), or for the account serving; the database in its environment, where
        `ps` does not show it (a URL may hold a password)."""
        command = [sys.executable, "-m", "samskab"]
        if settings.config is not None:
            command += ["--config", str(settings.config)]
        for directory in settings.processes:
            command += ["--processes", str(directory)]
        command += ["--lang", person.language if person else settings.lang, "tui", "--browser"]
        return command + ([f"--as={person.id}"] if person else []), {"SAMSKAB_DB": settings.db}

    serve_sessions(service, session, host, port)

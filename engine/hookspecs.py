"""Every hook a samskab plugin can implement, with when it is called and what it returns.

Implement a hook with ``@engine.hookimpl`` on a module-level function of the same name
in a module registered through the ``samskab`` entry-point group::

    [project.entry-points.samskab]
    my_plugin = "my_plugin"

Hooks are called with keyword arguments; a plugin may accept only the ones it needs.
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from samskab.engine.cases import Case, Event
    from samskab.engine.channels import Channel
    from samskab.engine.definition import Process
    from samskab.engine.guards import Guard
    from samskab.engine.store import Store
    from samskab.engine.validate import Finding

hookspec = pluggy.HookspecMarker("samskab")
hookimpl = pluggy.HookimplMarker("samskab")


# ---------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def open_store(url: str, create: bool | None) -> "Store | None":
    """Open the store for ``url`` (a file path, or ``scheme:...``).

    Called once per command. Return a :class:`engine.store.Store` if the plugin
    handles this URL, else None; the first store returned is used. The built-in
    ``plugins.sqlite_store`` handles plain paths and ``sqlite:`` URLs. Where there is
    no database yet: ``create`` True makes one; False raises
    :class:`engine.errors.NotFound` saying so; None gives an empty store that is not
    kept (for commands that only read process files, which must not leave a database
    behind), configured from where the database would be.
    """


@hookspec(firstresult=True)
def create_store(url: str, fill: Callable[[str], None]) -> bool | None:
    """Create a new database at ``url``, all or nothing, for ``samskab demo``.

    Call ``fill(staging_url)`` to write into a staging database your ``open_store``
    opens; only when it returns does the staging database become ``url``, and if it
    raises nothing is left. Return True when created, False if a database is already
    at ``url`` (then do not call ``fill``), None if the plugin does not handle ``url``.
    """


# ---------------------------------------------------------------------------
# Process definitions
# ---------------------------------------------------------------------------


@hookspec
def register_process_dirs() -> "Iterable[str] | None":
    """Return directories whose ``*.toml`` files are process definitions.

    Called when the engine starts. The built-in ``plugins.builtin_processes``
    returns samskab's own ``processes/`` directory.
    """


@hookspec
def register_guards() -> "Iterable[Guard] | None":
    """Return :class:`engine.guards.Guard` objects that process files may name.

    Called when the engine starts. A guard's name must be unique across plugins.
    """


@hookspec
def register_channel_types() -> "Iterable[type[Channel]] | None":
    """Return notification channel classes (see :mod:`engine.channels`).

    Called when the engine starts. The config's ``[channels.NAME]`` tables pick a
    class by its ``type``; the built-ins are ``smtp``, ``webhook`` and ``log``.
    """


@hookspec
def validate_process(process: "Process") -> "Iterable[Finding] | None":
    """Check a definition after samskab's own checks passed.

    Return :class:`engine.validate.Finding` objects (place, message, suggestion)
    for anything wrong, or nothing. Called for every file loaded or checked.
    """


# ---------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------


@hookspec
def before_action(
    case: "Case", action: str, actor: str, changes: dict[str, Any], note: str | None
) -> str | None:
    """Veto an action before it is written.

    Called after samskab's own checks (state, role, fields, guards) passed and
    before the transaction. Return a reason (text) to refuse, or None to allow.
    Every plugin is asked; all reasons are shown.
    """


@hookspec
def after_action(case: "Case", event: "Event", store: "Store") -> None:
    """React to an action that has been committed (or a deadline that fired).

    ``case`` is the case as it is now, ``event`` the history entry just written.
    Called after the commit, so an error here never undoes the action; a plugin
    that must not lose work writes it to the store first.
    """


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


@hookspec
def register_commands(cli: "click.Group") -> None:
    """Add commands to the ``samskab`` command line (``cli.command()(...)``)."""

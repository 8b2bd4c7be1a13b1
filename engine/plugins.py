"""Building the plugin manager: samskab's own plugins, then third parties.

Built-in features are ordinary plugins listed in ``DEFAULT_PLUGINS``; third-party
plugins come from the ``samskab`` entry-point group. ``SAMSKAB_LOAD_PLUGINS`` (a
comma-separated list of distribution names, possibly empty) limits which third-party
plugins load, to debug or to run without them.
"""

import importlib
import os

import pluggy

from samskab.engine import hookspecs

DEFAULT_PLUGINS = (
    "samskab.plugins.sqlite_store",
    "samskab.plugins.postgresql",
    "samskab.plugins.builtin_processes",
    "samskab.plugins.builtin_guards",
    "samskab.plugins.email_channel",
    "samskab.plugins.webhook_channel",
    "samskab.plugins.log_channel",
)


def make_plugin_manager(*, load_entrypoints: bool = True) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("samskab")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    if load_entrypoints:
        only = os.environ.get("SAMSKAB_LOAD_PLUGINS")
        if only is None:
            pm.load_setuptools_entrypoints("samskab")
        elif wanted := {name.strip() for name in only.split(",") if name.strip()}:
            from importlib import (
                metadata,  # only here: scanning installed packages takes time
            )

            for entry_point in metadata.entry_points(group="samskab"):
                if entry_point.dist and entry_point.dist.name in wanted:
                    pm.register(entry_point.load(), name=entry_point.name)
    pm.check_pending()
    return pm


_plugin_manager: pluggy.PluginManager | None = None


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built on first use (not at import)."""
    global _plugin_manager
    if _plugin_manager is None:
        _plugin_manager = make_plugin_manager()
    return _plugin_manager

"""Registers samskab's own process library (the ``processes/`` package)."""

from samskab import processes
from samskab.engine.hookspecs import hookimpl


@hookimpl
def register_process_dirs():
    return [str(processes.DIRECTORY)]

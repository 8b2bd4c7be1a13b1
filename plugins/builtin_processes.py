"""Registers samskab's own process library (the ``processes/`` package)."""

import processes
from engine.hookspecs import hookimpl


@hookimpl
def register_process_dirs():
    return [str(processes.DIRECTORY)]

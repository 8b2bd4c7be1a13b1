"""``python -m engine`` runs the ``samskab`` command line."""

from engine.cli import cli

cli(prog_name="samskab")

"""``python -m samskab`` runs the ``samskab`` command line."""

from samskab.cli import cli

cli(prog_name="samskab")

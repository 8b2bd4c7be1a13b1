"""The process library samskab ships: one TOML definition per file in this directory."""

from pathlib import Path

DIRECTORY = Path(__file__).parent

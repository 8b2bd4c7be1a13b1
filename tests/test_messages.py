"""One way to say things: every text the code says through the catalogue has its Danish,
with the same placeholders."""

import ast
import string
from pathlib import Path

import pytest

from samskab.engine.danish import DANISH
from samskab.engine.messages import Both, msg, text, words

ROOT = Path(__file__).parent.parent
SAYING = {"words", "msg", "w", "say"}
"""The functions that take an English text to say (w and say: a front end's Words)."""


def said_in_code() -> dict[str, str]:
    """Every literal text the code passes to the catalogue, and where."""
    found = {}
    for folder in ("engine", "plugins", "cli", "tui"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                said = node.args[0] if name in SAYING and node.args else None
                if name == "Binding" and len(node.args) >= 3:
                    said = node.args[2]
                if isinstance(said, ast.Constant) and isinstance(said.value, str):
                    found.setdefault(said.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def said_from_tables() -> dict[str, str]:
    """The texts the code keeps in tables and says through a variable."""
    from samskab.engine import links, service, views
    from samskab.plugins import builtin_guards
    from samskab.tui.screens import agenda, cases, help, outbox

    tables = {
        "views._WHAT": views._WHAT.values(),
        "views._LINKED": views._LINKED.values(),
        "links.BUILTIN": [text for pair in links.BUILTIN.values() for text in pair],
        "views.LEVELS": views.LEVELS.values(),
        "views.PLACEHOLDERS": views.PLACEHOLDERS.values(),
        "views._UNITS": [text for _, one, many in views._UNITS for text in (one, many)],
        "views._EVERY": [text for _, one, many in views._EVERY for text in (one, many)],
        "views._MONTHS": views._MONTHS,
        "service._STATUS": service._STATUS.values(),
        "builtin_guards.SAYS": builtin_guards.SAYS.values(),
        "cases.COLUMNS": [title for _, title in cases.COLUMNS],
        "agenda.COLUMNS": [title for _, title in agenda.COLUMNS],
        "outbox.COLUMNS": [title for _, title in outbox.COLUMNS],
        "help.SCREENS": [text for screen, name in help.SCREENS for text in (name, screen.HELP)],
    }
    return {english: table for table, texts in tables.items() for english in texts}


def test_every_text_said_has_its_danish():
    said = {**said_from_tables(), **said_in_code()}
    missing = {english: where for english, where in said.items() if english not in DANISH}
    assert missing == {}


@pytest.mark.parametrize("english", sorted(DANISH))
def test_danish_has_the_same_placeholders(english):
    assert placeholders(DANISH[english]) == placeholders(english)


def test_a_message_says_itself_in_either_language_with_its_parameters():
    label = Both("Aftalen underskrevet (dato)", "Agreement signed (date)")
    message = msg("required fields are empty: {fields}", fields=label)
    assert str(message) == "required fields are empty: Agreement signed (date)"
    assert text(message, "da") == "disse felter skal udfyldes: Aftalen underskrevet (dato)"
    assert words("{n} months", "da", n=3) == "3 måneder"
    assert text("plain text", "da") == "plain text"

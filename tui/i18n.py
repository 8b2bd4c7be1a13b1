"""The terminal UI's words: samskab's one catalogue (:mod:`samskab.engine.messages`),
said in the app's language, and Textual's own texts (key bindings, the command
palette's system commands) said the same way."""

import dataclasses
from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.dom import DOMNode

from samskab.engine.messages import words


class Words:
    """``words("Cases")``: a text of the UI in the app's language."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, template: str, **values: Any) -> str:
        return words(template, self.lang, **values)


def translate_bindings(node: DOMNode, say: Words) -> None:
    """Say the descriptions of ``node``'s key bindings that the footer shows (written in
    English) in the app's language."""
    bindings = node._bindings.key_to_bindings
    for key, found in bindings.items():
        bindings[key] = [
            dataclasses.replace(
                b, description=say(b.description), tooltip=say(b.tooltip) if b.tooltip else ""
            )
            if b.description and (b.show or b.action == "command_palette")  # the footer shows ^p too
            else b
            for b in found
        ]
    node.refresh_bindings()


def translate_commands(commands: Iterable[SystemCommand], say: Words) -> Iterable[SystemCommand]:
    """Textual's own commands in the palette (Quit, Theme, Keys ...) in the app's language."""
    for command in commands:
        yield command._replace(title=say(command.title), help=say(command.help))

"""Links between cases: the kinds samskab knows, and those a process adds.

A link goes from one case to another with a kind, said from the linking case ("case 12
is a renewal of case 4") and, turned round, from the other ("case 4 is renewed by case
12"). The kind ``del_af`` (part of) makes the linking case a *sub-case* of the other,
its *parent*: a case has at most one, and the parent can wait for its sub-cases (the
``children_done`` guard). Links are made by an action's ``opens`` (the cases it opens
link to the case taking it) or by hand, each recorded as an event of the linking case.
"""

import string
from collections.abc import Iterable, Mapping
from typing import Any

from samskab.engine import fieldtypes
from samskab.engine.cases import Case
from samskab.engine.definition import Field, LinkKind, Process, Text
from samskab.engine.messages import words
from samskab.engine.suggest import did_you_mean

SUB_CASE = "del_af"
"""The kind that makes the linking case a sub-case of the other."""

BUILTIN = {
    SUB_CASE: ("part of", "includes"),
    "fornyelse_af": ("renewal of", "renewed by"),
    "relateret_til": ("related to", "related to"),
}
"""Every process's kinds: id -> (the linking case's words, the other's), in English;
their Danish is in the catalogue."""


def _said(english: str) -> Text:
    return Text(da=words(english, "da"), en=english)


def kinds(process: Process) -> Mapping[str, LinkKind]:
    """The kinds a case of ``process`` may link with: the built-in ones, then the
    process's own (``link_kinds``), by id."""
    found = {kind: LinkKind(kind, _said(title), _said(inverse)) for kind, (title, inverse) in BUILTIN.items()}
    found.update({kind.id: kind for kind in process.link_kinds})
    return found


def kind_ids(process: Process) -> list[str]:
    return [*BUILTIN, *(kind.id for kind in process.link_kinds if kind.id not in BUILTIN)]


# -- opening linked cases (an action's ``opens``) -----------------------------------------

MAX_OPENED = 50
"""The most cases one action opens for one of its ``opens`` (a count from a field that
is larger is refused: a typing mistake, not 500 consultations)."""

TITLE_NAMES = ("title", "case", "n")
"""What a title template may name besides the opening case's fields."""


def title_problem(template: str, field_ids: Iterable[str]) -> tuple[str, str | None] | None:
    """Why ``template`` cannot make a title (with a suggestion), or None."""
    known = [*TITLE_NAMES, *field_ids]
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        return f"not a title template ({error})", "write a placeholder as {name}; a brace as {{ or }}"
    if not template.strip() or "\n" in template:
        return "a title is one line of text", None
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if spec or conversion:
            return (
                f"`{{{name}}}`: a placeholder is a name only, without : or !",
                f"write {{{name.split('.')[0]}}}",
            )
        if name not in known:
            hint = did_you_mean(name, known)
            return f"unknown placeholder `{{{name}}}`", hint or f"it may name: {', '.join(known)}"
    return None


def opened_title(template: str, case: Case, process: Process, values: Mapping[str, Any], n: int) -> str:
    """The title of the ``n``th case opened from ``case``, its fields as people read them
    (in Danish, the municipality's language), on one line."""
    shown = {f.id: fieldtypes.show(f, values.get(f.id), "da") for f in process.fields}
    said = template.format_map({**shown, "title": case.title, "case": case.id, "n": n})
    return " ".join(said.split())


def copyable(source: Field, target: Field) -> bool:
    """Whether every value ``source`` may hold is one ``target`` may hold: the same type
    (a choice's options among the target's), or a one-line text or address into text."""
    if source.type == target.type:
        return source.type != "choice" or {o.id for o in source.options} <= {o.id for o in target.options}
    return source.type in ("text", "email") and target.type in ("text", "longtext")

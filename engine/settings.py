"""A person's own settings for the front ends, kept between runs: the fields they chose
to show as columns in the case list, by process id.

One small JSON file per operating-system account (``$XDG_CONFIG_HOME/samskab/
settings.json``, by default under ``~/.config``), owner-only: it names no one but the
people served from the account, and is nobody else's business either. The account's
own settings are at its top; the settings of each person a served session acts as
(``samskab serve``, where one account serves everyone) under ``people``, by their id.
A setting is a convenience: a file that cannot be read or does not say what samskab
wrote is as good as none.
"""

import os
from pathlib import Path
from typing import Any

from samskab.engine import jsontext
from samskab.engine.errors import file_problem
from samskab.engine.private import open_private


def path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "samskab" / "settings.json"


def read() -> dict[str, Any]:
    try:
        found = jsontext.loads(path().read_bytes())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _own(settings: dict[str, Any], person: str | None) -> dict[str, Any]:
    """The part of ``settings`` that is the account's (``person`` None) or a person's."""
    if person is None:
        return settings
    people = settings.get("people")
    own = people.get(person) if isinstance(people, dict) else None
    return own if isinstance(own, dict) else {}


def columns(person: str | None = None) -> dict[str, tuple[str, ...]]:
    """The chosen columns by process id, the account's or ``person``'s (what does not
    read as such is left out)."""
    kept = _own(read(), person).get("columns")
    if not isinstance(kept, dict):
        return {}
    return {
        process: tuple(fields)
        for process, fields in kept.items()
        if isinstance(fields, list) and all(isinstance(f, str) for f in fields)
    }


def keep_columns(process_id: str, fields: tuple[str, ...], person: str | None = None) -> None:
    """Keep ``fields`` as the columns for ``process_id``, the account's or ``person``'s,
    the other settings as they were."""
    settings = read()
    chosen = {**columns(person), process_id: list(fields)}
    if person is None:
        settings["columns"] = chosen
    else:
        people = settings.get("people")
        others = people if isinstance(people, dict) else {}
        settings["people"] = {**others, person: {**_own(settings, person), "columns": chosen}}
    target = path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open_private(target) as file:
            file.write(jsontext.dumps(settings).encode())
    except OSError as error:
        raise file_problem(target, error) from None

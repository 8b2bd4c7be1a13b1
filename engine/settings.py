"""A person's own settings for the front ends, kept between runs: the fields they chose
to show as columns in the case list, by process id.

One small JSON file per operating-system account (``$XDG_CONFIG_HOME/samskab/
settings.json``, by default under ``~/.config``), owner-only: it names no one, but it
is nobody else's business either. A setting is a convenience: a file that cannot be
read or does not say what samskab wrote is as good as none.
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


def columns() -> dict[str, tuple[str, ...]]:
    """The chosen columns by process id (what does not read as such is left out)."""
    kept = read().get("columns")
    if not isinstance(kept, dict):
        return {}
    return {
        process: tuple(fields)
        for process, fields in kept.items()
        if isinstance(fields, list) and all(isinstance(f, str) for f in fields)
    }


def keep_columns(process_id: str, fields: tuple[str, ...]) -> None:
    """Keep ``fields`` as the columns for ``process_id``, the other settings as they were."""
    settings = read()
    settings["columns"] = {**columns(), process_id: list(fields)}
    target = path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open_private(target) as file:
            file.write(jsontext.dumps(settings).encode())
    except OSError as error:
        raise file_problem(target, error) from None

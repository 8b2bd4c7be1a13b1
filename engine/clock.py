"""The one clock every command reads: ``SAMSKAB_NOW`` when set, else the system clock.

Times are kept timezone-aware in UTC and stored as ISO 8601 text, so that they sort
as text in SQLite. A ``SAMSKAB_NOW`` without an offset is read as UTC.
"""

import datetime as dt
import os
from collections.abc import Callable

from samskab.engine.errors import BadInput
from samskab.engine.messages import msg


def from_environment() -> Callable[[], dt.datetime]:
    """An engine's clock: ``SAMSKAB_NOW`` (read once, when the engine starts) if set,
    else the system clock."""
    fixed = os.environ.get("SAMSKAB_NOW")
    if fixed:
        moment = parse_moment(fixed, source="SAMSKAB_NOW")
        return lambda: moment
    return system_now


def system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def parse_moment(text: str, *, source: str = "time") -> dt.datetime:
    """Read an ISO 8601 date or date-time; a bare date means midnight UTC."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(
            msg(
                "{source}: {text} is not a date or a time (e.g. 2026-03-01 or 2026-03-01T09:30)",
                source=source,
                text=repr(text),
            )
        ) from None
    if not 1900 <= moment.year <= 2199:
        raise BadInput(
            msg("{source}: {text} is not between the years 1900 and 2199", source=source, text=repr(text))
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def to_text(moment: dt.datetime) -> str:
    if moment.tzinfo is not dt.UTC:
        moment = moment.astimezone(dt.UTC)
    return moment.isoformat(timespec="seconds")


def from_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)

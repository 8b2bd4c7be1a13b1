"""The one clock every command reads: ``SAMSKAB_NOW`` when set, else the system clock.

Times are timezone-aware datetimes in UTC, to the second, everywhere in the engine. A
store may keep them as ISO 8601 text (:func:`to_text`, :func:`from_text`), which sorts
as the times do. A ``SAMSKAB_NOW`` without an offset is read as UTC.
"""

import datetime as dt
import functools
import os
from collections.abc import Callable

from samskab.engine.errors import BadInput
from samskab.engine.messages import msg


def from_environment() -> Callable[[], dt.datetime]:
    """An engine's clock: ``SAMSKAB_NOW`` (read once, when the engine starts) if set,
    else the system clock. Either gives whole seconds."""
    fixed = os.environ.get("SAMSKAB_NOW")
    if fixed:
        moment = parse_moment(fixed, source="SAMSKAB_NOW").replace(microsecond=0)
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


@functools.lru_cache(maxsize=4096)
def to_text(moment: dt.datetime) -> str:
    """A time as ISO 8601 text in UTC, to the second: ``2026-03-01T09:30:00+00:00``. A
    time without a timezone is refused (ValueError): it could be any of them. Remembered:
    many rows written at once share their times (an import's cases, their deadlines)."""
    if moment.tzinfo is not dt.UTC:
        if moment.utcoffset() is None:
            raise ValueError(f"{moment.isoformat()} has no timezone")
        moment = moment.astimezone(dt.UTC)
    return moment.isoformat(timespec="seconds")


def from_text(text: str) -> dt.datetime:
    """A time from ISO 8601 text (as :func:`to_text` writes it), in UTC; a text without an
    offset is UTC."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is dt.UTC:
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)

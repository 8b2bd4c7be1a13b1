"""ISO 8601 durations (P3Y, P6W, P14D) as process files write deadlines, read by isodate."""

import datetime as dt
import functools

import isodate


@functools.lru_cache(maxsize=256)
def parse(text: str) -> dt.timedelta | isodate.Duration:
    """The duration ``text`` says; remembered, since a few durations (those of the
    process files) are counted with again and again. Both kinds are used as values
    only, never changed in place."""
    return isodate.parse_duration(text)


LONGEST = dt.timedelta(days=100 * 366)


def problem(text: str, *, zero_ok: bool = False) -> str | None:
    """Why ``text`` is not a usable duration, or None when it is."""
    start = dt.datetime(2000, 1, 1)
    try:
        end = start + parse(text)
    except (isodate.ISO8601Error, ValueError, OverflowError, TypeError):
        return f"`{text}` is not an ISO 8601 duration in whole years, months, weeks, days or hours"
    if end < start or (end == start and not zero_ok):
        return f"`{text}` is not a positive duration"
    if end - start > LONGEST:
        return f"`{text}` is longer than 100 years"
    return None


def add(moment: dt.datetime, text: str) -> dt.datetime:
    return moment + parse(text)


def subtract(moment: dt.datetime, text: str) -> dt.datetime:
    return moment - parse(text)


def shorter_than(text: str, other: str) -> bool:
    """``text`` is shorter than ``other`` from any day (P30D is not shorter than P1M:
    February is shorter)."""
    starts = [dt.datetime(year, month, 1) for year in (2027, 2028) for month in range(1, 13)]
    return all(start + parse(text) < start + parse(other) for start in starts)


def is_zero(text: str) -> bool:
    start = dt.datetime(2000, 1, 1)
    return start + parse(text) == start

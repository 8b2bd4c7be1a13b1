"""The municipality's time zone (``timezone`` in the config, default Europe/Copenhagen).

Times are kept in UTC; they are shown in local time, and deadlines are counted on the
local calendar: six weeks after 10:00 is 10:00 six weeks later, summer time or not, and
a deadline taken from a date means "by the end of that local day", so it falls due at
the next local midnight (:func:`due`). Such a deadline's *last day* is the day before
that midnight (:func:`last_day`), which is the day people are shown.

One zone per process: the engine sets it when it opens (:func:`use`).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from samskab.engine import durations

DEFAULT = "Europe/Copenhagen"
_zone = ZoneInfo(DEFAULT)


def use(zone: ZoneInfo) -> None:
    global _zone
    _zone = zone


def zone() -> ZoneInfo:
    return _zone


def local(when: dt.datetime) -> dt.datetime:
    return when.astimezone(_zone)


def _utc(wall: dt.datetime) -> dt.datetime:
    return wall.astimezone(dt.UTC)


def after(start: dt.datetime, duration: str) -> dt.datetime:
    """``duration`` after ``start``, counted on the local calendar and clock."""
    return _utc(durations.add(local(start), duration))


def before(moment: dt.datetime, duration: str) -> dt.datetime:
    """``duration`` before ``moment``, counted on the local calendar and clock."""
    return _utc(durations.subtract(local(moment), duration))


def due(day: dt.date, duration: str, *, back: bool = False) -> dt.datetime:
    """The deadline ``duration`` after the local day ``day`` (``back``: before it): at the
    end of the day it lands on (the next local midnight); a duration with hours lands on
    its hour."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=_zone)
    landed = durations.subtract(start, duration) if back else durations.add(start, duration)
    if landed.time() == dt.time():
        return end_of(landed.date())
    return _utc(landed)


def end_of(day: dt.date) -> dt.datetime:
    """The local midnight that ends ``day``: when a deadline on that day falls due."""
    return _utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=_zone))


def start_of_last_day(due_at: dt.datetime) -> dt.datetime:
    """Local midnight at the start of the deadline's last day: what reminders of a date
    deadline count back from (six months before the last day 1.3 is 1.9)."""
    return _utc(dt.datetime.combine(last_day(due_at), dt.time(), tzinfo=_zone))


def last_day(due_at: dt.datetime) -> dt.date:
    """The last local day before ``due_at``: a deadline at local midnight ends the day
    before it."""
    moment = local(due_at)
    return moment.date() - dt.timedelta(days=1) if moment.time() == dt.time() else moment.date()


def days_left(due_at: dt.datetime, now: dt.datetime) -> int:
    """Whole local days from today to the deadline's last day (0: today; below: overdue)."""
    return (last_day(due_at) - local(now).date()).days

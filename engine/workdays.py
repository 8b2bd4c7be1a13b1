"""Working days: Monday to Friday, except Danish public holidays.

The holidays are the ``holidays`` package's Denmark (its public holidays: New Year's Day,
Maundy Thursday, Good Friday, Easter Sunday and Monday, Ascension Day, Whit Sunday and
Monday, Christmas Day and Boxing Day; Great Prayer Day until 2023). Christmas Eve, New
Year's Eve and Constitution Day are not public holidays, so they count as working days,
as the law counts them.
"""

import datetime as dt
import functools

LONGEST = 2600
"""At most this many working days (about ten years) are counted."""


@functools.cache
def _holidays(year: int) -> frozenset[dt.date]:
    import holidays  # only when a deadline counts working days: its import is slow

    return frozenset(holidays.Denmark(years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def shift(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (before it, for a negative count);
    ``day`` itself does not count. 10 working days after Tuesday 31.3.2026 is 17.4.2026:
    Easter's 2.4, 3.4 and 6.4 are holidays."""
    step = dt.timedelta(days=1 if count > 0 else -1)
    left = abs(count)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day

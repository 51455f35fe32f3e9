"""Calendar months, exactly: months and their days, the share of each month inside a window of
dates, and fiscal quarters.

A window is counted by calendar months: a month wholly inside it counts as one month, a month
only partly inside counts by its days (10 of July's 31 days are 10/31 of a month). Twelve months
are a year. Leap years count (February 2028 has 29 days). How a rate per day or per week counts
a month's days is analysis/timeline.py's.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from functools import lru_cache

MAX_MONTHS = 1_200  # a window longer than this (a hundred years) is not walked month by month; pragma: no mutate
DAY_PERIODS = frozenset({"day", "week"})


def index(d: date) -> int:
    """A month as one number: months since year 0 (2026-07 and 2026-08 are consecutive)."""
    return d.year * 12 + d.month - 1


def year_month(i: int) -> tuple[int, int]:
    return divmod(i, 12)[0], i % 12 + 1


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in(i: int) -> int:
    """The days of month i, February 29 in a leap year (not the stdlib's calendar: it costs the check
    path its import, and locale's)."""
    y, m = year_month(i)
    leap = m == 2 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    return _DAYS[m - 1] + leap


def first_day(i: int) -> date:
    y, m = year_month(i)
    return date(y, m, 1)


def last_day(i: int) -> date:
    y, m = year_month(i)
    return date(y, m, days_in(i))


def label(i: int) -> str:
    y, m = year_month(i)
    return f"{y:04d}-{m:02d}"


@lru_cache(maxsize=1024)
def parse_month(text: str) -> int | None:
    """`2026-07` as a month index; None when it is no month (month 13)."""
    try:
        y, m = int(text[:4]), int(text[5:7])
    except ValueError:
        return None
    if not 1 <= m <= 12 or y < 1:
        return None
    return y * 12 + m - 1


def share(i: int, start: date, end: date) -> Fraction:
    """The part of month i inside the window start..end (both days counted), by days."""
    lo = max(start, first_day(i))
    hi = min(end, last_day(i))
    if hi < lo:
        return Fraction(0)
    return Fraction((hi - lo).days + 1, days_in(i))


def months(start: date, end: date) -> list[tuple[int, Fraction]]:
    """Each calendar month the window touches, with its share inside it."""
    return [(i, share(i, start, end)) for i in range(index(start), index(end) + 1)]


def month_count(start: date, end: date) -> Fraction:
    """The window's length in months, exactly: whole months count one, partial ones by their days.
    Without walking the months (a window may span centuries)."""
    a, b = index(start), index(end)
    if a == b:
        return share(a, start, end)
    return share(a, start, end) + (b - a - 1) + share(b, start, end)


def fiscal_quarter(q: int, fiscal_start: date) -> tuple[int, int]:
    """The first and last month of quarter q (1-4) of the fiscal year that starts with the month
    of `fiscal_start` (an April start makes Q1 April to June and Q4 January to March)."""
    first = index(fiscal_start) + 3 * (q - 1)
    return first, first + 2

"""A plan month by month: each input's value in each calendar month (its path), and a goal's
months, grouped where every input has the same value.

An input's path comes from its target, its `start`, and its milestones or ramp:
- a flow (a rate: 100件 per month) is nothing before its `start` or after its `end`, and counts
  a month its `start` or `end` falls in by its days;
- milestones set the value from their month (or quarter) until the next one; before the first,
  the baseline (or, without one, the target);
- a ramp goes from the baseline in the start's month to the target in the deadline's month
  (`linear`: equal steps each month; `step`: the baseline until then), and holds after it;
- otherwise the target holds in every month.

Values are in base units, a flow as the rate it runs at in that month (per year: July's
amount × 12). For a total, a flow written per day or per week runs at that month's days: 10件
per day is 310件 in July and 280件 in February. Compared as a rate, a day is 1/365 of a year.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from fractions import Fraction

from ..evaluate import EvalError, base, in_written_units
from ..records import record
from .. import months as calendar
from ..months import DAY_PERIODS


@record(slots=True)
class Month:
    """One month of a goal: its share inside the goal's window, what the inputs' targets give in it
    (for a total, that month's amount; for a rate, the rate it runs at), and what is due."""

    index: int
    share: Fraction
    value: Fraction
    due: Fraction
    miss: bool  # the value falls short of what is due (is over it, for a ceiling)

    @property
    def label(self) -> str:
        return calendar.label(self.index)


@record(slots=True)
class Timeline:
    """A goal evaluated month by month: a total over its window, or a rate in every month."""

    kind: str  # "total" or "rate"
    start: date
    end: date
    months: list  # Month, in order
    skipped: list  # month indices a rate was not judged in: its formula had nothing to divide by


def phased(node) -> bool:
    """Whether the node's value changes over time by its own attributes."""
    return bool(node.milestones) or (node.ramp is not None and node.baseline is not None)


def flow(dim) -> bool:
    return dim.time == -1


def timed(node, dim, plan_start: date | None, total: bool) -> bool:
    """Whether an input's value differs from its target in some month: milestones or a ramp; a flow
    that starts after the plan; for a total, a flow written per day or per week."""
    if phased(node):
        return True
    if not flow(dim):
        return False
    if node.start is not None and plan_start is not None and node.start > plan_start:
        return True
    if node.end is not None:
        return True
    return total and node.target.value.per in DAY_PERIODS


NEVER = 10**9  # a month index after any date


def settled(node, dim, total: bool) -> int:
    """The first month from which the node's value is its target in every month after: its last
    milestone (when that is the target), its ramp's deadline, the first whole month after a late
    start; NEVER for a rate per day or week counted for a total (months differ in days)."""
    month = -NEVER
    if total and flow(dim) and any(v is not None and v.per in DAY_PERIODS for v in
                                   (node.target.value, node.baseline, *(m.value for m in node.milestones))):
        return NEVER  # a rate per day or week has as many days as its month
    if node.milestones:
        # the trailing milestones that are the target itself (as a rate, or a level)
        steady = NEVER
        target = node.target.value
        for m in reversed(node.milestones):
            if (m.value.per is None and flow(dim)) or not _equal(m.value, target):
                break
            steady = m.first
        month = max(month, steady)
    elif node.ramp is not None and node.baseline is not None and node.deadline is not None:
        month = max(month, calendar.index(node.deadline))
    if flow(dim) and node.start is not None:
        month = max(month, calendar.index(node.start) + (node.start.day != 1))
    if flow(dim) and node.end is not None:
        month = NEVER  # nothing after its end: its months differ to the end of the plan
    return month


def _equal(a, b) -> bool:
    """Whether two written values are the same amount (as written when they can be compared so)."""
    if a.unit == b.unit and a.per == b.per and a.percent == b.percent:
        return a.value == b.value
    try:
        return base(a) == base(b)
    except EvalError:
        return False


def rate_in(value, i: int, total: bool, months: int = 1) -> Fraction:
    """A written value as the rate (per year, base units) it runs at in month i. A milestone written
    without a period on a flow is an amount over its `months`."""
    x, dim = base(value)
    if value.per is None:
        return x * 12 / months  # an amount over the milestone's months, as a yearly rate
    if total and value.per in DAY_PERIODS:
        return x * calendar.days_in(i) * 12 / 365
    return x


def level(node, i: int, plan_start: date | None, total: bool, dim) -> Fraction:
    """The node's value in month i while it runs, in base units (a flow as the rate it runs at in
    that month); `presence` says how much of the month it runs."""
    target = node.target.value
    is_flow = flow(dim)

    def of(value, months=1):
        if is_flow:
            return rate_in(value, i, total, months)
        return base(value)[0]

    if node.milestones:
        at = bisect_right(node.milestones, i, key=_first)  # milestones are in month order (resolve)
        if at == 0:  # before the first milestone: the baseline, or the target (milestones change it)
            return of(node.baseline) if node.baseline is not None else of(target)
        current = node.milestones[at - 1]
        return of(current.value, _span(current))
    if node.ramp is not None and node.baseline is not None:
        s = calendar.index(node.start or plan_start or node.deadline or date.min)
        d = calendar.index(node.deadline) if node.deadline is not None else s
        lo, hi = of(node.baseline), of(target)
        if i >= d:
            return hi
        if i <= s or node.ramp == "step":
            return lo
        return lo + (hi - lo) * Fraction(i - s, d - s)
    return of(target)


def presence(node, dim, i: int, lo: date, hi: date) -> Fraction:
    """How much of month i a flow runs inside lo..hi: the days of its own `start`..`end` within them,
    as a share of the month; a level is always there (1), and so is an amount written for the month
    (`2026-10: 100件` is October's 100件, however late in October the KPI starts)."""
    if not flow(dim) or (node.start is None and node.end is None) or _amount_month(node, i):
        return calendar.share(i, lo, hi)
    return calendar.share(i, max(lo, node.start or lo), min(hi, node.end or hi))


def _amount_month(node, i: int) -> bool:
    """Whether month i's value is an amount a milestone wrote for its month or quarter."""
    if not node.milestones:
        return False
    at = bisect_right(node.milestones, i, key=_first)
    return at > 0 and node.milestones[at - 1].value.per is None and i <= node.milestones[at - 1].last


def _first(m) -> int:
    return m.first


def _span(m) -> int:
    return m.last - m.first + 1


def transform(node, dim, i: int, plan_start: date | None, total: bool, target: Fraction, comparator: str,
              lo: date, hi: date):
    """How the node's value in month i (of a goal compared over lo..hi) is made from the one value x
    the proof varies, whose range is what its target accepts: (a, b) for a·x + b. A floor's month
    accepts [its value, ∞), so x + (value - target); a ceiling's accepts [0, its value], so
    x × value / target; a flow that does not run in the month is 0. None when a ceiling's month
    cannot be written so (a target of 0, or a value of the other sign)."""
    whole = calendar.share(i, lo, hi)
    there = presence(node, dim, i, lo, hi)
    if there == 0:
        return (0, 0)
    value = level(node, i, plan_start, total, dim) * there / whole
    if comparator != "<=":
        return (1, value - target)
    if target == 0 or value / target < 0:
        return None
    return (value / target, 0)


def transforms(plan, leaves, i: int, total: bool, dims: dict, targets: dict, window: tuple, cache: dict):
    """Each timed input's `transform` in month i, or None when one cannot be written. `cache` keeps
    each input's months: an input feeds every goal above it."""
    plan_start = plan.info.period_start if plan.info else None
    lo, hi = window
    out = {}
    for v in leaves:
        key = (v, i, total, lo, hi)
        k = cache.get(key, cache)
        if k is cache:
            node = plan.nodes[v]
            try:
                k = transform(node, dims[v], i, plan_start, total, targets[v], node.target.comparator, lo, hi)
            except EvalError:
                k = None
            cache[key] = k
        if k is None:
            return None
        out[v] = k
    return out


def monthly(node, start: date, end: date) -> list[tuple[int, date, date, Fraction]] | None:
    """A node's target month by month over the plan's period (start..end), in the target's written
    units: for a flow, the amount in that month (nothing before its start, a partial month by its
    days); for a level, the level. None when its target does not change over time (or cannot be
    computed, or the period is too long to list)."""
    if node.target is None or end < start or calendar.index(end) - calendar.index(start) >= calendar.MAX_MONTHS:
        return None
    try:
        dim = base(node.target.value)[1]
        if not timed(node, dim, start, total=False):
            return None
        out = []
        for i in range(calendar.index(start), calendar.index(end) + 1):
            x = level(node, i, start, True, dim)
            x = x / 12 * presence(node, dim, i, start, end) if flow(dim) else in_written_units(x, dim, node.target.value)
            out.append((i, max(start, calendar.first_day(i)), min(end, calendar.last_day(i)), x))
    except EvalError:
        return None
    return out

"""Dimensions for tree arithmetic: currencies and time, with count words dimensionless.

A value is held in base units: currencies as themselves, time in years.
`1,000,000 visitors per month` is 12,000,000 per year; `3 months` is 1/4 year.
Conventions for rates compared as rates: 1 year = 12 months = 4 quarters = 365 days, and a week is
7 days (365/7 weeks to a year). A window of dates is counted exactly instead (months.py).
"""

from __future__ import annotations

from functools import lru_cache
from fractions import Fraction

from .records import record

YEARS = {
    "year": Fraction(1),
    "quarter": Fraction(1, 4),
    "month": Fraction(1, 12),
    "week": Fraction(7, 365),
    "day": Fraction(1, 365),
}


@record(frozen=True, slots=True)
class Dim:
    """Exponents of each currency and of time; all zero is dimensionless."""

    currencies: tuple[tuple[str, int], ...] = ()
    time: int = 0

    def __mul__(self, other: "Dim") -> "Dim":
        return _combine(self.currencies, self.time, other.currencies, other.time, 1)

    def __truediv__(self, other: "Dim") -> "Dim":
        return _combine(self.currencies, self.time, other.currencies, other.time, -1)

    @property
    def dimensionless(self) -> bool:
        return not self.currencies and self.time == 0

    def without_time(self) -> "Dim":
        return Dim(self.currencies, 0)

    def describe(self, period: str | None = None, lang: str = "en") -> str:
        """Human form: JPY, JPY per month, no unit, ...; in Japanese 円, 円/月, 単位なし, 年 (a duration)."""
        ja = lang == "ja"
        code = (lambda c: "円" if c == "JPY" else c) if ja else (lambda c: c)
        num = [code(c) if e == 1 else f"{code(c)}^{e}" for c, e in self.currencies if e > 0]
        den = [code(c) if e == -1 else f"{code(c)}^{-e}" for c, e in self.currencies if e < 0]
        unit = "·".join(num) or ("1" if den or self.time else "")
        p = period or "year"
        if self.time > 0:
            unit = (unit + "·" if unit and unit != "1" else "") + (PERIOD_JA[p] if ja else p) \
                + ("" if self.time == 1 else f"^{self.time}")
        if den:
            unit += ("/" if ja else " / ") + "·".join(den)
        if self.time < 0:
            power = "" if self.time == -1 else f"^{-self.time}"
            if ja and unit in ("", "1"):
                unit = f"{PERIOD_JA[p]}あたり{power}"
            elif ja:
                unit = f"{unit}/{PERIOD_JA[p]}{power}"
            else:
                unit = (unit if unit != "1" else "") + (" " if unit and unit != "1" else "") + f"per {p}{power}"
        return unit.strip() or ("単位なし" if ja else "no unit")


PERIOD_JA = {"day": "日", "week": "週", "month": "月", "quarter": "四半期", "year": "年"}  # `/月`, `月あたり`


DIMENSIONLESS = Dim()


@lru_cache(maxsize=256)
def currency(code: str) -> Dim:
    return Dim(((code, 1),), 0)


TIME = Dim((), 1)
PER_TIME = Dim((), -1)


def _merge(a, b, sign):
    exps = dict(a)
    for code, e in b:
        exps[code] = exps.get(code, 0) + sign * e
    return tuple(sorted((c, e) for c, e in exps.items() if e))


@lru_cache(maxsize=4096)
def _combine(a, a_time, b, b_time, sign) -> Dim:
    """a × b (sign 1) or a ÷ b (sign -1). Cached: a plan multiplies the same few dimensions
    tens of thousands of times, and each product sorts a dict."""
    return Dim(_merge(a, b, sign), a_time + sign * b_time)

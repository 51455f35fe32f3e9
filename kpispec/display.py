"""Numbers and amounts as people read them in messages: 1,200,000,000円 per year, 2.61%."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from .units import Unit

PERIOD_JA = {"day": "日", "week": "週", "month": "月", "quarter": "四半期", "year": "年"}


def _decimal(x: Fraction | float) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        if isinstance(x, float):
            return Decimal(x)
        return Decimal(x.numerator) / Decimal(x.denominator)


def decimals_for(x: Fraction, percent: bool) -> int:
    magnitude = abs(x * 100 if percent else x)
    if magnitude >= 100 or magnitude == 0:
        return 0
    if magnitude >= 1:
        return 2
    if magnitude < Fraction(1, 10**10):
        return 12  # float() of a number below 1e-308 is 0.0, which has no logarithm
    # small numbers: three significant digits
    return min(12, 2 - int(math.floor(math.log10(float(magnitude)))))


def number(x: Fraction | float, decimals: int | None = None, rounding=ROUND_HALF_UP, percent: bool = False) -> str:
    if isinstance(x, float) and math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if percent:
        x = x * 100
    if x != 0 and (abs(x) >= 10**30 or abs(x) < Fraction(1, 10**12)):
        return _scientific(x)
    if decimals is None:
        decimals = decimals_for(Fraction(x), False)
    d = _decimal(x).quantize(Decimal(1).scaleb(-decimals), rounding=rounding)
    text = f"{d:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def share(ratio: Fraction) -> str:
    """A relative difference as a percentage that never reads 0% when it is not zero."""
    for decimals in (1, 2, 3, 4, 6):
        text = number(abs(ratio) * 100, decimals)
        if text != "0":
            return text + "%"
    return "<0.000001%"


def _scientific(x) -> str:
    """Very large or very small numbers: 1.2e+900."""
    if isinstance(x, Fraction):
        sign = "-" if x < 0 else ""
        x = abs(x)
        # From bit lengths, not str(): ints of more than 4,300 digits refuse conversion to str.
        exponent = int((x.numerator.bit_length() - x.denominator.bit_length()) * 0.30103)
        scaled = x / Fraction(10) ** exponent
        while scaled >= 10:
            scaled /= 10
            exponent += 1
        while scaled < 1:
            scaled *= 10
            exponent -= 1
        mantissa = f"{float(scaled):.3g}"
        if mantissa == "10":  # 9.9996 rounds up: 1e+999, not 10e+998
            mantissa, exponent = "1", exponent + 1
        return f"{sign}{mantissa}e{exponent:+d}"
    return f"{x:.3g}"


def amount(x: Fraction | float, unit: Unit, per: str | None, percent: bool = False, lang: str = "en",
           rounding=ROUND_HALF_UP, decimals: int | None = None) -> str:
    """An amount in display units (already converted to `per`)."""
    if decimals is None:
        decimals = None if isinstance(x, float) else decimals_for(x, percent)
    text = number(x, decimals, rounding, percent)
    if percent:
        text += "%"
    if unit.kind == "currency":
        text = text + "円" if unit.code == "JPY" else f"{text} {unit.code}"
    elif unit.kind in ("count", "time") and unit.code:
        word = unit.code if unit.kind == "count" else unit.code + ("s" if text != "1" else "")
        glued = not word.isascii()
        text = f"{text}{word}" if glued else f"{text} {word}"
    if per:
        text += f"/{PERIOD_JA[per]}" if lang == "ja" else f" per {per}"
    return text




def dim_amount(x, dim, percent: bool = False, lang: str = "en") -> str:
    """An amount in base units (per year for rates) of any dimension."""
    if isinstance(x, float) and math.isinf(x):
        return number(x)
    currencies = dim.currencies
    per = "year" if dim.time == -1 else None
    if dim.time in (0, -1) and (not currencies or (len(currencies) == 1 and currencies[0][1] == 1)):
        unit = Unit("currency", currencies[0][0]) if currencies else Unit("none", None)
        return amount(x, unit, per, percent and not currencies, lang)
    return f"{number(x)} {dim.describe()}"

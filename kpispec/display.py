"""Numbers and amounts as people read them in messages: 1,200,000,000円 per year, 2.61%.

The one place where a message's numbers, units and periods are written, in either language. In
English, digits are grouped by thousands (1,200,000,000円 per year); in Japanese, as Japanese
writes amounts, in 万 (10^4), 億 (10^8) and 兆 (10^12) sections, each grouped by thousands
(12億円/年, 1億2,000万円, 9,600万人/月, 1万2,345.67円), with periods as `/月` and durations as
`3か月`. Percentages keep their digits in both (3.13%). Every Japanese amount is one the
language reads back as the same value (`1億2,000万円` is 120,000,000 JPY).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import (ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP,
                     ROUND_UP, Decimal, localcontext)
from fractions import Fraction

from .dimension import PERIOD_JA
from .language import PERIODS
from .records import record
from .units import SLASH_COUNTERS, Unit

# a duration's unit in Japanese: 3日, 2週間, 3か月, 1四半期, 2年
DURATION_JA = {"day": "日", "week": "週間", "month": "か月", "quarter": "四半期", "year": "年"}
# the sections of a Japanese amount, largest first
JA_SCALES = ((10**12, "兆"), (10**8, "億"), (10**4, "万"))

_PLAIN = re.compile(r"(-?)(\d{1,3}(?:,\d{3})*)(\.\d+)?")


def ja_number(text: str) -> str:
    """A number in plain notation (`-120,000,000.5`) in Japanese sections (`-1億2,000万0.5`); any
    other text (`1/3`, `1.2e+45`, `1 + 1e-20`, `∞`) as it is. Below 10,000 the text is unchanged."""
    m = _PLAIN.fullmatch(text)
    if m is None:
        return text
    sign, whole, fraction = m.group(1), int(m.group(2).replace(",", "")), m.group(3) or ""
    if whole < 10**4:
        return text
    parts = []
    for size, name in JA_SCALES:
        section, whole = divmod(whole, size)
        if section:
            parts.append(f"{section:,}{name}")
    if whole or fraction:
        parts.append(f"{whole:,}{fraction}")
    return sign + "".join(parts)


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


def shown_value(x: Fraction, decimals: int | None = None, rounding=ROUND_HALF_UP, percent: bool = False) -> Fraction:
    """The exact number that `number(x, decimals, rounding, percent)` shows (read back from its text),
    so that a suggested value can be checked as the reader will copy it."""
    v = Fraction(Decimal(number(x, decimals, rounding, percent).replace(",", "")))
    return v / 100 if percent else v


def share(ratio: Fraction) -> str:
    """A relative difference as a percentage that never reads 0% when it is not zero, nor 100%
    when it is not a whole (a gap of 99.9996% is `99.9996%`, not `100%`)."""
    magnitude = abs(ratio)
    for decimals in (1, 2, 3, 4, 6):
        text = number(magnitude * 100, decimals)
        if text != "0" and (text != "100" or magnitude == 1):
            return text + "%"
    if magnitude * 100 < 50:
        return "<0.000001%"
    return ">100%" if magnitude > 1 else ">99.999999%"


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
    return _decorate(number(x, decimals, rounding, percent), unit, per, percent, lang)


def _decorate(text: str, unit: Unit, per: str | None, percent: bool, lang: str) -> str:
    """A number's text with its %, unit and period: 2.5%, 4,000円, 3 months, 1,000 visitors per month
    (in Japanese: 4,000円, 3か月, 1,000 visitors/月, 1億2,000万円/年)."""
    if percent:
        text += "%"
    elif lang == "ja":
        text = ja_number(text)
    if unit.kind == "currency":
        text = text + "円" if unit.code == "JPY" else f"{text} {unit.code}"
    elif unit.kind == "time" and unit.code and lang == "ja":
        text += DURATION_JA.get(unit.code, unit.code)
    elif unit.kind in ("count", "time") and unit.code:
        word = unit.code if unit.kind == "count" else unit.code + ("s" if text != "1" else "")
        glued = not word.isascii()
        text = f"{text}{word}" if glued else f"{text} {word}"
    if unit.per:  # 3,000円/人, 80円 per visitor, 150円 per USD (in Japanese only a counter glues after a slash)
        glue = unit.per in SLASH_COUNTERS if lang == "ja" else not unit.per.isascii()
        text += f"/{unit.per}" if glue else f" per {unit.per}"
    if per:
        text += f"/{PERIOD_JA[per]}" if lang == "ja" else f" per {per}"
    return text


_PER_WORD = re.compile(r"\s+per\s+([^\s()*/+\-,]+)")
# a number (not the digits inside an id such as `last7days`) and its duration word
_DURATION_WORD = re.compile(r"(?<![\w.])([0-9][0-9,.]*[万億兆千百]*)\s*(days?|weeks?|months?|quarters?|years?)\b")


def written(text: str, lang: str = "en") -> str:
    """A value as the user wrote it, for a message: its number as written (`1億円`, `100,000,000円`)
    and, in Japanese, its period and duration the Japanese way (`1億円 per month` → `1億円/月`,
    `2 days` → `2日`, `0.5円 per visitor` → `0.5円/visitor`)."""
    if lang != "ja":
        return text
    text = _DURATION_WORD.sub(lambda m: m.group(1) + DURATION_JA[m.group(2).rstrip("s")], text)
    return _PER_WORD.sub(_per_ja, text)


def _per_ja(m) -> str:
    """` per month` → `/月`; ` per 人` → `/人`; ` per visitor` as written (`/visitor` is no value)."""
    word = m.group(1)
    period = PERIODS.get(unicodedata.normalize("NFKC", word))
    if period is not None:
        return "/" + PERIOD_JA[period]
    return "/" + word if word in SLASH_COUNTERS else m.group(0)


COMPARATOR_JA = {">=": "以上", "<=": "以下"}


def target_text(value_text: str, comparator: str | None = None, lang: str = "en") -> str:
    """A target as written, for a label: `target >= 20,000人 per month`, `目標値 20,000人/月 以上`."""
    if lang != "ja":
        return f"target {comparator} {value_text}" if comparator else f"target {value_text}"
    word = COMPARATOR_JA.get(comparator or "")
    return f"目標値 {written(value_text, 'ja')}" + (f" {word}" if word else "")


def dim_amount(x, dim, percent: bool = False, lang: str = "en") -> str:
    """An amount in base units (per year for rates) of any dimension."""
    if isinstance(x, float) and math.isinf(x):
        return number(x)
    currencies = dim.currencies
    per = "year" if dim.time == -1 else None
    if dim.time in (0, -1) and (not currencies or (len(currencies) == 1 and currencies[0][1] == 1)):
        unit = Unit("currency", currencies[0][0]) if currencies else Unit("none", None)
        return amount(x, unit, per, percent and not currencies, lang)
    return f"{ja_number(number(x)) if lang == 'ja' else number(x)} {dim.describe(lang=lang)}"


# ------------------------------------------------------------------ compared values
#
# Numbers that a message compares (an implied value and its target, the two sides of an assert,
# a ratio and its bound) are formatted together, so that what is printed never contradicts the
# verdict: values that differ never print the same (and keep their order), values that are equal
# print equal, and a value that is not zero never prints as 0. Each value starts at its ordinary
# look (`decimals_for`: 0 decimals from 100 up, 2 from 1, three significant digits below 1, 3
# significant digits in e-notation beyond 1e30 or below 1e-12); only values that would print the
# same get more digits, one at a time. Past MAX_DECIMALS decimals (MAX_DIGITS significant digits
# in e-notation) a value is written exactly, in the shortest of: every digit of a decimal of at
# most EXACT_DIGITS digits, a fraction p/q of at most EXACT_CHARS characters, or a short value near
# it and the exact difference ("1 + 1e-20", "1e+600 + 1", "1/3 - 1e-46"); failing all of these,
# the whole fraction p/q when it has fewer than about 4,000 digits. Only beyond that can two values
# still print alike.

MAX_DECIMALS = 12
MAX_DIGITS = 15
EXACT_DIGITS = 40
EXACT_CHARS = 60
_SCIENTIFIC_FROM = Fraction(10**30)
_SCIENTIFIC_BELOW = Fraction(1, 10**12)


@record(frozen=True)
class Shown:
    """A compared value as printed (the number alone, without %, unit or period)."""

    text: str
    decimals: int | None  # decimals in plain notation; None in e-notation or exact notation


def compared(values: Sequence[Fraction | float], *, percent: bool = False, roundings: Sequence | None = None,
             decimals: Sequence[int | None] | None = None) -> list[Shown]:
    """Values compared in one message, each with as many digits as it takes to tell it from the others.

    `roundings` (one per value, ROUND_HALF_UP by default) rounds a value in a safe direction;
    `decimals` (one per value, None for the ordinary look) is where a value in plain notation starts.
    With `percent`, values are fractions shown as percentages (0.025 is 2.5).
    """
    n = len(values)
    roundings = list(roundings) if roundings is not None else [ROUND_HALF_UP] * n
    decimals = list(decimals) if decimals is not None else [None] * n
    if len(roundings) != n or len(decimals) != n:
        raise ValueError("one rounding and one decimals per value")
    shown = [_x(v, percent) for v in values]
    # Equal values are one class: one precision and one rounding (the first value's), so one text.
    classes: dict[Fraction | float, _Class] = {}
    for x, rounding, start in zip(shown, roundings, decimals):
        c = classes.get(x)
        if c is None:
            classes[x] = _Class(x, rounding, start)
        elif start is not None and (c.start is None or start > c.start):
            c.start, c.precision = start, max(c.precision, start)
    _separate(list(classes.values()))
    return [classes[x].result for x in shown]


def compared_amounts(values: Sequence[Fraction | float], unit: Unit, per: str | None, percent: bool = False,
                     lang: str = "en", roundings: Sequence | None = None,
                     decimals: Sequence[int | None] | None = None) -> list[str]:
    """`amount` for values compared in one message: 249.99% and 250%, never 250% and 250%."""
    return [_decorate(s.text, unit, per, percent, lang)
            for s in compared(values, percent=percent, roundings=roundings, decimals=decimals)]


def compared_dim_amounts(values: Sequence[Fraction | float], dims: Sequence, percent: bool = False,
                         lang: str = "en", per_units: Sequence[str | None] | None = None) -> list[str]:
    """`dim_amount` for values compared in one message (each with its own dimension, and the count
    it is per where it was written per one: `3,000円/人`). A currency per a currency is shown as
    written (`150円 per USD`)."""
    plans = []
    for i, (x, dim) in enumerate(zip(values, dims)):
        if isinstance(x, float) and math.isinf(x):
            plans.append((x, lambda t: t))  # ∞, as `dim_amount` shows it
            continue
        currencies = dim.currencies
        per = "year" if dim.time == -1 else None
        counted = per_units[i] if per_units else None
        if dim.time in (0, -1) and len(currencies) == 2 and sorted(e for _, e in currencies) == [-1, 1]:
            (num, _), (den, _) = sorted(currencies, key=lambda c: -c[1])  # JPY per USD
            unit = Unit("currency", num, den)
            plans.append((_x(x, False), lambda t, u=unit, p=per: _decorate(t, u, p, False, lang)))
        elif dim.time in (0, -1) and (not currencies or (len(currencies) == 1 and currencies[0][1] == 1)):
            unit = Unit("currency", currencies[0][0], counted) if currencies else Unit("none", None, counted)
            pct = percent and not currencies
            plans.append((_x(x, pct), lambda t, u=unit, p=per, pc=pct: _decorate(t, u, p, pc, lang)))
        else:
            plans.append((_x(x, False), lambda t, d=dim: f"{ja_number(t) if lang == 'ja' else t} {d.describe(lang=lang)}"))
    texts = compared([x for x, _ in plans])
    return [decorate(s.text) for s, (_, decorate) in zip(texts, plans)]


def _x(v: Fraction | float, percent: bool) -> Fraction | float:
    """A value as it is displayed (×100 for a percentage): a Fraction, or an infinite float."""
    if isinstance(v, float):
        if math.isinf(v):
            return v
        v = Fraction(v)
    v = Fraction(v)
    return v * 100 if percent else v


class _Class:
    """One displayed value and the precision it is currently printed with."""

    def __init__(self, x, rounding, start):
        self.x = x
        self.rounding = rounding
        self.start = start
        self.plain = not isinstance(x, float) and (x == 0 or _SCIENTIFIC_BELOW <= abs(x) < _SCIENTIFIC_FROM)
        if isinstance(x, float):
            self.precision = 0
        elif self.plain:
            self.precision = start if start is not None else decimals_for(x, False)
        else:
            self.precision = 3  # significant digits in e-notation
        self.exact = isinstance(x, float) or x == 0
        self.result: Shown = Shown("", None)
        self.written_out: str | None = None
        self.value: Fraction | float = x  # the value the text stands for

    def render(self) -> None:
        x = self.x
        if isinstance(x, float):
            self.result, self.value = Shown("∞" if x > 0 else "-∞", None), x
        elif self.exact:
            if self.written_out is None:
                self.written_out = _written_out(x)
            self.result, self.value = Shown(self.written_out, None), x
        elif self.plain:
            n = _round(x * 10**self.precision, self.rounding)
            self.result = Shown(_plain(n, self.precision), self.precision)
            self.value = Fraction(n, 10**self.precision)
        else:
            text, self.value = _e_notation(x, self.precision, self.rounding)
            self.result = Shown(text, None)

    def bump(self, to: int) -> None:
        limit = MAX_DECIMALS if self.plain else MAX_DIGITS
        if to > limit or self.exact:
            self.exact = True
        else:
            self.precision = to


def _separate(classes: list[_Class]) -> None:
    """Give each class the fewest digits at which the texts keep the values' order strictly."""
    zero = _Class(Fraction(0), ROUND_HALF_UP, None)  # a value that is not zero never reads 0
    row = sorted(classes + ([] if any(c.x == 0 for c in classes) else [zero]), key=lambda c: c.x)
    while True:
        for c in row:
            c.render()
        clashes = [(a, b) for a, b in zip(row, row[1:]) if not a.value < b.value]
        if not clashes:
            break
        bumped = {}
        for a, b in clashes:
            for c, other in ((a, b), (b, a)):
                if c is zero or c.exact:
                    continue
                same = other.plain == c.plain and not other.exact and other is not zero
                to = max(c.precision, other.precision if same else c.precision) + 1
                if other is zero and c.plain:  # a value that reads 0 gets its three significant digits
                    to = max(to, decimals_for(c.x, False))
                bumped[id(c)] = (c, max(to, bumped.get(id(c), (c, 0))[1]))
        if not bumped:  # exact values all: cannot happen, as exact values are in order
            break
        for c, to in bumped.values():
            c.bump(to)


def _round(q: Fraction, rounding) -> int:
    """q rounded to an integer the way `decimal` rounds (ROUND_HALF_UP: halves away from zero)."""
    if rounding == ROUND_FLOOR:
        return math.floor(q)
    if rounding == ROUND_CEILING:
        return math.ceil(q)
    if rounding == ROUND_DOWN:
        return math.trunc(q)
    if rounding == ROUND_UP:
        return -math.floor(-q) if q > 0 else math.floor(q)
    if rounding == ROUND_HALF_EVEN:
        return round(q)
    if rounding == ROUND_HALF_DOWN:
        return math.ceil(q - Fraction(1, 2)) if q >= 0 else -math.ceil(-q - Fraction(1, 2))
    return math.floor(q + Fraction(1, 2)) if q >= 0 else -math.floor(-q + Fraction(1, 2))


def _plain(n: int, decimals: int) -> str:
    """The integer n / 10**decimals in plain notation: 1,234.5 (trailing zeros dropped)."""
    sign = "-" if n < 0 else ""
    whole, frac = divmod(abs(n), 10**decimals)
    text = f"{whole:,}"
    if decimals:
        digits = f"{frac:0{decimals}d}".rstrip("0")
        if digits:
            text += "." + digits
    return "0" if text == "0" else sign + text


def _exponent(x: Fraction) -> int:
    """e such that 1 <= |x| / 10**e < 10 (from bit lengths: a 5,000-digit int is not turned into text)."""
    x = abs(x)
    exponent = int((x.numerator.bit_length() - x.denominator.bit_length()) * 0.30103)
    scaled = x / Fraction(10) ** exponent
    while scaled >= 10:
        scaled /= 10
        exponent += 1
    while scaled < 1:
        scaled *= 10
        exponent -= 1
    return exponent


def _e_notation(x: Fraction, digits: int, rounding) -> tuple[str, Fraction]:
    """x with `digits` significant digits in e-notation, 1.23e+45, and the value that text stands for."""
    exponent = _exponent(x)
    m = _round(x * Fraction(10) ** (digits - 1 - exponent), rounding)
    if abs(m) == 10**digits:  # 9.9996 rounds up: 1e+999, not 10e+998
        m, exponent = m // 10, exponent + 1
    return _mantissa(m, exponent), m * Fraction(10) ** (exponent - len(str(abs(m))) + 1)


def _mantissa(m: int, exponent: int) -> str:
    digits = str(abs(m)).rstrip("0") or "0"
    text = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{'-' if m < 0 else ''}{text}e{exponent:+d}"


def _exact(x: Fraction) -> str | None:
    """x written exactly: every digit of a short decimal, else a short fraction p/q; None when too long."""
    if x == 0:
        return "0"
    den, twos, fives = x.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den == 1:
        decimals = max(twos, fives)
        n = x.numerator * 10**decimals // x.denominator
        stripped = abs(n)
        while stripped % 10 == 0:
            stripped //= 10
        if stripped.bit_length() <= EXACT_DIGITS * 3.32:
            significant = len(str(stripped))
            if significant <= EXACT_DIGITS:
                if _SCIENTIFIC_BELOW <= abs(x) < _SCIENTIFIC_FROM:
                    return _plain(n, decimals)
                return _mantissa(stripped if n > 0 else -stripped, _exponent(x))
    if x.numerator.bit_length() + x.denominator.bit_length() <= EXACT_CHARS * 3:
        text = f"{x.numerator:,}/{x.denominator:,}"
        if len(text) <= EXACT_CHARS:
            return text
    return None


def _written_out(x: Fraction) -> str:
    """x exactly, as short as it can be written: 2.5035, 1/3, 1 + 1e-20, 1e+600 + 1, 1/3 - 1e-46, p/q in full."""
    if x == 0:
        return "0"
    candidates = [text for text in [_exact(x)] if text is not None]
    near = [x.limit_denominator(10**6)]
    if not _SCIENTIFIC_BELOW <= abs(x) < _SCIENTIFIC_FROM:
        near.append(_e_notation(x, MAX_DIGITS, ROUND_DOWN)[1])
    else:
        near.append(Fraction(_round(x * 10**MAX_DECIMALS, ROUND_DOWN), 10**MAX_DECIMALS))
    for r in near:
        rest = x - r
        r_text, rest_text = _exact(r), _exact(abs(rest))
        if rest != 0 and r_text is not None and rest_text is not None:
            candidates.append(f"{r_text} {'+' if rest > 0 else '-'} {rest_text}")
    if candidates:
        return min(candidates, key=len)
    if max(x.numerator.bit_length(), x.denominator.bit_length()) < 13_000:  # str() refuses ints of 4,300+ digits
        return f"{x.numerator:,}/{x.denominator:,}"
    r = near[-1]
    return f"{_exact(r)} {'+' if x > r else '-'} {number(abs(x - r))}"  # beyond every bound: may print alike

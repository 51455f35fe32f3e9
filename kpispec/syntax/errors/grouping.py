"""A number grouped by four digits (`1,0000円`, `12,3456人`), as 万 and 億 count: said as such, with
the two ways the language reads that value (`1万円`, `10,000円`), instead of "found `0円`"."""

from __future__ import annotations

import re

from ...diagnostics import Diagnostic, Span, msg
from .report import diag

_RUN = re.compile(r"[0-9][0-9,]*")
_UNIT = re.compile(r"[^\s{}#,()*/+\-\x00-\x1f]*")  # what is glued after the digits: 円, 人, %


def four_digit_grouping(source, token) -> Diagnostic | None:
    """`1,0000円`: the lexer read `1,000` and then `0円`; the whole is a number grouped by four."""
    if token.type != "AMOUNT":
        return None
    text = source.text
    start = token.start_pos
    before = re.search(r"[0-9][0-9,]*$", text[max(0, start - 40):start])
    if before is None or "," not in before.group(0):
        return None
    first = start - len(before.group(0))
    if first > 0 and (text[first - 1].isalnum() or text[first - 1] in "_."):
        return None
    run = _RUN.match(text, start)  # the rest of the number: the lexer may have split it more than once
    written = before.group(0) + run.group(0).rstrip(",")
    groups = written.split(",")
    if len(groups) < 2 or any(len(g) != 4 for g in groups[1:]) or not 1 <= len(groups[0]) <= 4:
        return None
    end = start + len(run.group(0).rstrip(","))
    unit = _UNIT.match(text, end).group(0)
    value = int(written.replace(",", ""))
    western, japanese = f"{value:,}{unit}", _man(value) + unit
    shown = written + unit
    return diag(
        source, "KPI002", Span(first, end + len(unit)),
        msg(f"`{shown}` groups its digits by four, as 万 and 億 count; the language groups by three",
            f"`{shown}` は 4 桁ごとに区切られています（万・億の区切り）。数値の区切りは 3 桁ごとです"),
        msg(f"write `{japanese}` or `{western}` (the same value)",
            f"`{japanese}` または `{western}` と書いてください（同じ値です）"),
        primary=msg("grouped by four", "4 桁区切り"),
    )


def _man(n: int) -> str:
    """n in 億 and 万: 123456 -> 12万3,456; 100000000 -> 1億."""
    parts = []
    for scale, word in ((10**12, "兆"), (10**8, "億"), (10**4, "万")):
        if n >= scale:
            parts.append(f"{n // scale:,}{word}")
            n %= scale
    if n or not parts:
        parts.append(f"{n:,}")
    return "".join(parts)

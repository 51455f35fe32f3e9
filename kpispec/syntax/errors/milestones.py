"""Syntax errors inside a `milestones { … }` block: what a milestone starts with, and the spellings
Japanese plans use for months and quarters (2026年7月, 7月, 1Q, 上期), turned into kpispec's."""

from __future__ import annotations

import re

from ...diagnostics import Diagnostic, Label, msg
from .context import Context, is_a
from .report import diag, show, token_span

_JA_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_SHORT_MONTH = re.compile(r"(\d{4})[-/.](\d)(?!\d)")
_SLASHED_MONTH = re.compile(r"(\d{4})/(\d{2})(?!\d)")
_MONTH_ONLY = re.compile(r"(\d{1,2})\s*月")
_QUARTER = re.compile(r"(?:([1-4])\s*Q|第\s*([1-4])\s*四半期|[qQ]([1-4]))")
_HALVES = {"上期": ("Q1", "Q2"), "上半期": ("Q1", "Q2"), "下期": ("Q3", "Q4"), "下半期": ("Q3", "Q4")}
_MONTH_NO_COLON = re.compile(r"(\d{4}-\d{2}|Q[1-4])(?![\d:：])")


def milestone(source, token, ctx: Context) -> Diagnostic:
    """A token that cannot start (or continue) a milestone, with the spelling kpispec reads."""
    labels = [Label(token_span(ctx.milestones), msg("the milestones start here", "マイルストーンの開始"))]
    shown = show(token)
    if is_a(ctx.last, "MONTH", "QUARTER", "ADD_OP"):
        when = next((v.value.rstrip(":：").strip() for v in reversed(ctx.stack) if is_a(v, "MONTH", "QUARTER")), "")
        return diag(
            source, "KPI002", token_span(token),
            msg(f"expected the value of the milestone `{when}` here, but found {shown.en}",
                f"マイルストーン `{when}` の値が必要ですが、{shown.ja} がありました"),
            msg(f"write an amount in the target's unit: `{when}: 5戸`, `{when}: 600件 per month`",
                f"目標と同じ単位の数値を書いてください：`{when}: 5戸`、`{when}: 600件 per month`"),
            labels=labels, primary=msg("expected a value", "値が必要です"),
        )
    line = source.text[token.start_pos:].split("\n", 1)[0]
    fix = _spelling(line)
    if fix is not None:
        help_ = fix
    else:
        help_ = msg("a milestone is a month or a quarter, a colon and a value: `2026-07: 5戸`, `Q2: 600件`",
                    "マイルストーンは「月か四半期、コロン、値」で書きます：`2026-07: 5戸`、`Q2: 600件`")
    return diag(
        source, "KPI002", token_span(token),
        msg(f"expected a milestone here, a month like `2026-07:` or a quarter like `Q2:`, but found {shown.en}",
            f"ここにはマイルストーン（`2026-07:` のような月か `Q2:` のような四半期）が必要ですが、{shown.ja} がありました"),
        help_, labels=labels, primary=msg("not a month or quarter", "月でも四半期でもありません"),
    )


def _spelling(line: str):
    """The kpispec spelling of a month or quarter written another way at the start of `line`."""
    found = _JA_MONTH.match(line)
    if found:
        month = f"{found.group(1)}-{int(found.group(2)):02d}"
        return msg(f"write the month as `{month}:`", f"月は `{month}:` と書きます")
    found = _SHORT_MONTH.match(line) or _SLASHED_MONTH.match(line)
    if found:
        month = f"{found.group(1)}-{int(found.group(2)):02d}"
        return msg(f"write the month with two digits and a hyphen: `{month}:`", f"月は 2 桁とハイフンで `{month}:` と書きます")
    found = _MONTH_ONLY.match(line)
    if found:
        month = f"YYYY-{int(found.group(1)):02d}"
        return msg(f"give the year too: `{month}:` (for example `2026-{int(found.group(1)):02d}:`)",
                   f"年も書いてください：`{month}:`（例：`2026-{int(found.group(1)):02d}:`）")
    found = _QUARTER.match(line)
    if found:
        quarter = "Q" + next(g for g in found.groups() if g)
        return msg(f"write the quarter as `{quarter}:` (Q1 begins with the plan's period)",
                   f"四半期は `{quarter}:` と書きます（Q1 は計画期間の最初の月から）")
    for word, (a, b) in _HALVES.items():
        if line.startswith(word):
            return msg(f"a half year is two quarters: write `{a}:` and `{b}:`, each with its part",
                       f"半期は 2 つの四半期です：`{a}:` と `{b}:` にそれぞれの値を書いてください")
    found = _MONTH_NO_COLON.match(line)
    if found:
        return msg(f"put a colon after the month: `{found.group(1)}: …`", f"月の後にコロンを書いてください：`{found.group(1)}: …`")
    return None

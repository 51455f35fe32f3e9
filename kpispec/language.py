"""Facts about the language shared by the parser's error messages, the resolver and the docs."""

from __future__ import annotations

import re

DECLARATIONS = ("plan", "param", "kgi", "ksf", "kpi", "assert")

ATTRIBUTES = {
    "plan": ("period", "owner", "description"),
    "kgi": ("target", "baseline", "deadline", "start", "end", "cadence", "formula", "owner", "source", "measure", "description",
            "ramp", "milestones"),
    "ksf": ("kgi", "owner", "description"),
    "kpi": (
        "ksf", "kgi", "target", "baseline", "deadline", "start", "end", "cadence", "formula",
        "owner", "source", "measure", "description", "ramp", "milestones",
    ),
}
RAMPS = ("linear", "step")
ALL_ATTRIBUTES = tuple(dict.fromkeys(a for attrs in ATTRIBUTES.values() for a in attrs))

# Attributes that may appear once per block.
SINGLE_ATTRIBUTES = frozenset(ALL_ATTRIBUTES) - {"ksf", "kgi"}

FUNCTIONS = ("sum", "min", "max")

# cadence values: canonical English word for each accepted spelling.
CADENCES = {
    "daily": "daily", "weekly": "weekly", "biweekly": "biweekly", "fortnightly": "biweekly", "monthly": "monthly",
    "quarterly": "quarterly", "semiannual": "semiannual", "semiannually": "semiannual", "halfyearly": "semiannual",
    "yearly": "yearly", "annually": "yearly",
    "日次": "daily", "週次": "weekly", "隔週": "biweekly", "月次": "monthly", "四半期": "quarterly", "四半期次": "quarterly",
    "半期": "semiannual", "半期次": "semiannual", "半年": "semiannual", "年次": "yearly",
    # how a Japanese plan says "every …": 毎日, 毎週, 毎月, 毎四半期, 毎年
    "毎日": "daily", "毎週": "weekly", "毎月": "monthly", "毎四半期": "quarterly", "毎年": "yearly",
}

# `per PERIOD`: canonical period for each accepted spelling.
PERIODS = {
    "day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year",
    "日": "day", "週": "week", "月": "month", "四半期": "quarter", "年": "year",
}

KEYWORDS = frozenset(DECLARATIONS) | frozenset(ALL_ATTRIBUTES) | {"to", "per"}

KIND_NAMES = {
    "plan": ("plan", "計画"),
    "param": ("param", "パラメータ"),
    "kgi": ("KGI", "KGI"),
    "ksf": ("KSF", "KSF"),
    "kpi": ("KPI", "KPI"),
}


# an amount written just before a slash: `150円` in `150円/ドル`
_AMOUNT_BEFORE = re.compile(r"(?<![\w.,])[0-9][^\s/(){}*+\-]*\Z")


def amount_before(text: str, end: int) -> str | None:
    """The amount written just before `end` (`150円` in `150円/ドル`), looking back at most 64
    characters, so a hostile line of a million digits costs nothing more. An amount that may go
    on past the window's start is no amount (None)."""
    window = text[max(0, end - 64):end]
    found = _AMOUNT_BEFORE.search(window)
    return found.group(0) if found is not None and (found.start() > 0 or end <= 64) else None

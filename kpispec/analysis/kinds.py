"""What kind of metric a node is, judged from its target, id, label and measure.

Heuristics shared by the 2xx checks: "is this a share of a whole?", "is this a count?",
"does this text name a vanity metric?". Each errs towards silence: a check built on them
warns only when the evidence is plain.
"""

from __future__ import annotations

import re

from ..diagnostics import Span
from ..ir import Node

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[_\-\s・/]+")


def normalise(text: str | None) -> str:
    """Lower case, camelCase and snake_case split into words: `churnRate` -> `churn rate`."""
    if not text:
        return ""
    return _SEPARATORS.sub(" ", _CAMEL.sub(" ", text)).lower().strip()


_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def has_term(text: str | None, term: str) -> bool:
    """Whether `term` occurs in `text`: ASCII terms as whole words, others as substrings.

    CJK text has no spaces, so `月間PV数` contains the word `pv`: a word boundary here is
    any character that is not an ASCII letter or digit.
    """
    haystack = normalise(text)
    needle = normalise(term)
    if not haystack or not needle:
        return False
    if not needle.isascii():
        return needle in haystack
    # No regular expression: one per term would be compiled anew for every goal once the
    # configured terms outnumber Python's pattern cache.
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        if (start == 0 or haystack[start - 1] not in _WORD) and (end == len(haystack) or haystack[end] not in _WORD):
            return True
        start = haystack.find(needle, start + 1)
    return False


def first_term(text: str | None, terms) -> str | None:
    return next((t for t in terms if has_term(text, t)), None)


# ------------------------------------------------------------------ shares

# Words that make a percentage a share of a whole: it cannot exceed 100%.
SHARE_TERMS = (
    "rate", "cvr", "ctr", "cr", "churn", "share", "margin", "conversion", "bounce", "retention",
    "率", "シェア", "割合", "占有",
)
# Words of percentages that legitimately exceed 100%: growth, returns, achievement.
NOT_SHARE_TERMS = (
    "roas", "roi", "roe", "roic", "growth", "yoy", "mom", "qoq", "increase", "uplift", "lift",
    "improvement", "achievement", "attainment", "nrr", "ndr", "ratio", "index", "multiple",
    "markup", "return on", "revenue retention", "net retention", "dollar retention", "coverage",
    "turnover", "progress", "pace",
    "成長", "増加", "伸び", "伸長", "上昇", "拡大", "改善", "達成", "前年", "昨対", "前月", "比",
    "倍率", "回収率", "収益率", "利回り", "増減", "変化", "売上継続", "売上維持", "費用対効果",
    "進捗", "消化", "充足", "回転", "カバー",
)
_DIVISION = re.compile(r"\s*(?:/|÷|divided by|で割)\s*")


def may_exceed_100(node: Node) -> bool:
    """Whether the id or label names a percentage that can exceed 100% (ROAS, growth, 達成率)."""
    return any(first_term(text, NOT_SHARE_TERMS) for text in (node.id, node.label) if text)


def share_term(node: Node) -> tuple[str, Span] | None:
    """The word in the id or label that says this is a share of a whole, with where it is."""
    if may_exceed_100(node):
        return None
    for text, span in ((node.id, node.id_span), (node.label, node.label_span)):
        term = first_term(text, SHARE_TERMS)
        if term is not None:
            return term, span
    return None


def part_of_whole(measure: str | None) -> tuple[str, str] | None:
    """`purchasing sessions / sessions` -> (`purchasing sessions`, `sessions`).

    A part of a whole names the whole and narrows it: the numerator ends (or, for
    `sessions with a purchase`, starts) with the denominator's words.
    """
    if not measure:
        return None
    parts = _DIVISION.split(measure.strip())
    if len(parts) != 2:
        return None
    part, whole = (p.strip() for p in parts)
    a, b = normalise(part), normalise(whole)
    if not a or not b or a == b:
        return None
    if b.isascii():
        if a.endswith(" " + b) or a.startswith(b + " "):
            return part, whole
    elif a.endswith(b) or a.startswith(b):
        return part, whole
    return None


# ------------------------------------------------------------------ counts

# Count-like unit words that are really scores or multiples, i.e. qualities.
SCORE_WORDS = frozenset({"点", "pt", "pts", "point", "points", "score", "倍", "x", "times", "stars", "★"})


def divides(measure: str | None) -> bool:
    """Whether a measure is a ratio: `購入回数合計 / 顧客数` is an average per customer, not a count."""
    return bool(measure) and _DIVISION.search(measure) is not None


def is_count(node: Node) -> bool:
    """A target that counts things (leads, clicks, 人, 件): a quantity, not a rate, an average or a value."""
    if node.target is None or divides(node.measure):
        return False
    value = node.target.value
    return (not value.percent and value.unit.kind == "count"
            and value.unit.code is not None and value.unit.code.lower() not in SCORE_WORDS)


# ------------------------------------------------------------------ vanity

LIKE_FOR_LIKE = re.compile(r"like[\s_\-]*for[\s_\-]*like", re.IGNORECASE)


def vanity_term(text: str | None, terms) -> str | None:
    """The vanity metric a text names, if any (`like-for-like sales` names none)."""
    if not text:
        return None
    return first_term(LIKE_FOR_LIKE.sub(" ", text), terms)


def is_share(node: Node) -> bool:
    """Whether a node is a share of a whole, held to 100% (KPI207's evidence: a rate's name or a part
    over its whole in its measure, and no name of a percentage that may exceed 100%)."""
    return not may_exceed_100(node) and (share_term(node) is not None or part_of_whole(node.measure) is not None)

"""The inline transformer: the callbacks that build the AST while parsing.

The parser (lalr.py, or lark itself for a file that does not parse) calls them as it reduces
each rule; no parse tree is built. Positions come from the tokens themselves, which is why the
grammar names its brackets. Tokens are read by their attributes only (`type`, `value`,
`start_pos`, `end_pos`), so lark's tokens and the driver's serve alike, and nothing here imports lark.
"""

from __future__ import annotations

import re
import textwrap
from sys import intern
from decimal import Decimal, localcontext
from functools import lru_cache

from ..diagnostics import Span
from ..language import PERIODS
from ..records import record
from ..units import TIME_UNITS
from . import ast, names
from .lalr import Token

# Every scale is a power of ten, held as its exponent so that a scale never rounds or overflows.
RATIO_TENTH = "割"  # a tenth, as Japanese writes a ratio: 2割 is 20%
SCALES = {"%": -2, "％": -2, "k": 3, "M": 6, "B": 9, "百": 2, "千": 3, "万": 4, "億": 8, "兆": 12}
CJK_SCALES = "百千万億兆"
# A Japanese number is read in sections: 千 and 百 scale within a section (each at most once, larger
# first), 万, 億 and 兆 close a section (each at most once, larger first): 1億2千3百万 is
# 1×10^8 + (2×10^3 + 3×10^2)×10^4.
SMALL_SCALES = {"千": 3, "百": 2}
BIG_SCALES = {"万": 4, "億": 8, "兆": 12}
ONE = ast.ONE
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9](?:_?[0-9])*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NUMBER_TEXT = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9](?:_?[0-9])*)(?:\.[0-9]+)?"
_COMPOUND_PART = re.compile(r"([兆億万千百]+)(" + _NUMBER_TEXT + r")")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)", re.S)
# A MILESTONE token: its month or quarter with the colon, then the amount (no space or slash in it),
# then the rest of the quantity, in pieces: words, `per`, and `/月`-style units.
_MILESTONE_HEAD = re.compile(r"(\S+?[ \t\u3000]*[:：])[ \t\u3000]*([^ \t\u3000/]+)")
_MILESTONE_PIECE = re.compile(r"[ \t\u3000]*(/[^ \t\u3000/]+|[^ \t\u3000/]+)")
SLASH_PERIODS = frozenset("四半期 quarter month year week day 年 月 週 日".split())


def end_of(item) -> int:
    """Where a token or an AST node ends."""
    end = getattr(item, "end_pos", None)
    return item.end if end is None else end


def split_scale(word: str) -> tuple[int, str]:
    """Strip leading CJK scale characters from a unit word, as a power of ten: 万円 -> (4, 円), 千万円 -> (7, 円)."""
    power = 0
    i = 0
    while i < len(word) and word[i] in CJK_SCALES:
        power += SCALES[word[i]]
        i += 1
    return power, word[i:]


def unescape(raw: str) -> str:
    if raw.startswith('"""'):
        # CRLF and CR line ends read like LF, so a text does not depend on the editor that saved it.
        body = raw[3:-3].replace("\r\n", "\n").replace("\r", "\n")
        if body.startswith("\n"):
            body = body[1:]
        body = textwrap.dedent(body).rstrip()
    else:
        body = raw[1:-1]
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


class AstBuilder:
    """One method per grammar rule (or alias); each returns an AST node with its span. A rule
    with no method here (the `__x_star` lists) is built as a list node and spliced into its parent."""

    # ------------------------------------------------------------ top level

    def start(self, children):
        return list(children)

    def plan(self, children):
        keyword, name, label, lbrace, attrs, rbrace = _block_parts(children)
        return ast.Block("plan", name, label, attrs, keyword.start_pos, rbrace.end_pos, lbrace.start_pos)

    def block(self, children):
        keyword, name, label, lbrace, attrs, rbrace = _block_parts(children)
        return ast.Block(intern(keyword.value), name, label, attrs, keyword.start_pos, rbrace.end_pos, lbrace.start_pos)

    def param(self, children):
        keyword, name = children[0], children[1]
        label = _text(children[2]) if children[2].type == "STRING" else None
        value = children[-1]
        return ast.Param(_name(name), label, value, keyword.start_pos, value.end)

    def assert_stmt(self, children):
        keyword, left, op, right = children[:4]
        message = _text(children[4]) if len(children) > 4 else None
        last = children[-1]
        return ast.Assert(left, _comparator(op.value), Span(op.start_pos, op.end_pos), right, message,
                          keyword.start_pos, end_of(last))

    # ----------------------------------------------------------- attributes

    def period_attr(self, children):
        keyword, start, _to, end = children
        return ast.Attr("period", (_text(start), _text(end)), keyword.start_pos, end.end_pos)

    def text_attr(self, children):
        keyword, value = children
        return ast.Attr(intern(keyword.value), _text(value), keyword.start_pos, value.end_pos)

    def target_attr(self, children):
        keyword = children[0]
        quantity = children[-1]
        comparator = None
        negative = False
        for child in children[1:-1]:
            if child.type == "COMPARATOR":
                comparator = _comparator(child.value)
            else:
                negative = child.value == "-"
        return ast.Attr("target", quantity, keyword.start_pos, quantity.end, comparator, negative)

    def baseline_attr(self, children):
        keyword, quantity = children[0], children[-1]
        negative = len(children) == 3 and children[1].value == "-"
        return ast.Attr("baseline", quantity, keyword.start_pos, quantity.end, None, negative)

    def date_attr(self, children):
        keyword, value = children
        return ast.Attr(intern(keyword.value), _text(value), keyword.start_pos, value.end_pos)

    def cadence_attr(self, children):
        keyword, value = children
        return ast.Attr("cadence", _name(value), keyword.start_pos, value.end_pos)

    def formula_attr(self, children):
        keyword, expr = children
        return ast.Attr("formula", expr, keyword.start_pos, expr.end)

    def link_attr(self, children):
        keyword, names = children
        return ast.Attr(intern(keyword.value), names, keyword.start_pos, names[-1].end)

    def ramp_attr(self, children):
        keyword, value = children
        return ast.Attr("ramp", _name(value), keyword.start_pos, value.end_pos)

    def milestones_attr(self, children):
        keyword, rbrace = children[0], children[-1]
        return ast.Attr("milestones", tuple(children[2:-1]), keyword.start_pos, rbrace.end_pos)

    def milestone(self, children):
        when, quantity = children[0], children[-1]
        negative = len(children) == 3 and children[1].value == "-"
        # the month or quarter as written, without its colon (and any space before it)
        label = when.value.rstrip(":：").rstrip(" \t\u3000")
        return ast.Milestone(ast.Text(intern(label), when.start_pos, when.start_pos + len(label)), quantity,
                             negative, when.start_pos, quantity.end)

    def milestone_line(self, children):
        """A MILESTONE token split into what `milestone` is built from: the month or quarter token and
        the quantity's tokens, with their own offsets."""
        token = children[0]
        text, base = token.value, token.start_pos
        head = _MILESTONE_HEAD.match(text)
        when = Token("MONTH", head.group(1), base, base + head.end(1))
        start, end = head.span(2)
        parts = [Token("AMOUNT", head.group(2), base + start, base + end)]
        for kind, piece, offset in _milestone_tail(text[end:]):
            parts.append(Token(kind, piece, base + end + offset, base + end + offset + len(piece)))
        return self.milestone([when, self.quantity(parts)])

    def name_list(self, children):
        return tuple(_name(c) for c in children if c.type == "NAME")

    # ---------------------------------------------------------- expressions

    def binary(self, children):
        left, op, right = children
        symbol = {"×": "*", "÷": "/"}.get(op.value, op.value)
        return ast.Binary(symbol, left, right, left.start, right.end, op.start_pos, op.end_pos)

    def negate(self, children):
        op, operand = children
        if op.value == "+":
            return operand
        return ast.Negate(operand, op.start_pos, operand.end)

    def ref(self, children):
        (name,) = children
        return ast.Ref(_name(name))

    def over_word(self, children):
        """`売上/人`, `f(x)/件`, `(a + b)/人`: divided by the id the glued counter names."""
        *head, slash = children
        if len(head) == 1:
            left = ast.Ref(_name(head[0]))
        elif len(head) == 3:
            left = self.group(head)
        else:
            left = self.call(head)
        word = ast.Name(intern(slash.value[1:]), slash.start_pos + 1)
        return ast.Binary("/", left, ast.Ref(word), left.start, slash.end_pos, slash.start_pos, slash.start_pos + 1)

    def call(self, children):
        name, _lpar, args, rpar = children
        return ast.Call(_name(name), tuple(args), name.start_pos, rpar.end_pos)

    def args(self, children):
        return children[::2]  # expr (COMMA expr)*

    def group(self, children):
        lpar, inner, rpar = children
        return ast.Group(inner, lpar.start_pos, rpar.end_pos)

    def quantity(self, children):
        amount = children[0]
        unit = per = None
        rest = children[1:]
        if rest and rest[0].type == "NAME":
            unit = _name(rest[0])
            rest = rest[1:]
        per_unit = extra_per = None
        slashed = False
        i = 0
        while i < len(rest) and extra_per is None:  # a period and a count, in either order (3,000円/人/月)
            token = rest[i]
            if token.type in ("SLASH_PERIOD", "SLASH_UNIT"):
                word, i = ast.Name(intern(token.value[1:]), token.start_pos + 1), i + 1
                is_period = token.type == "SLASH_PERIOD"
                slashed = slashed or (not is_period and per_unit is None)
            else:  # `per` WORD: time words are periods (a wrong one is reported), any other a count
                word, i = _name(rest[i + 1]), i + 2
                is_period = word.text in PERIODS or word.text in TIME_UNITS
            if is_period and per is None:
                per = word
            elif not is_period and per_unit is None:
                per_unit = word
            elif extra_per is None:
                extra_per = word
        terms, scale, percent, glued, misordered = _decode_amount(amount)
        extra_unit = None
        if glued is not None:
            glued_name = ast.Name(intern(glued), amount.end_pos - len(glued))
            unit, extra_unit = glued_name, unit
        elif unit is not None:
            if unit.start == amount.end_pos and unit.text[0] in "kMB" and not unit.text[1:2].isascii():
                # `10k人`: the amount pattern leaves a scale letter followed by a CJK word to the unit name.
                scale += SCALES[unit.text[0]]
                unit = ast.Name(intern(unit.text[1:]), unit.start + 1)
            if unit.text == RATIO_TENTH and not percent:  # `2 割`, as `2割`: 20%
                percent, scale, unit = True, scale - 1, None
        if unit is not None and glued is None:
            extra, word = split_scale(unit.text)
            if extra:
                # `8,000 万円` reads as 8,000万円; a lone `100 万` is 1,000,000 with no unit
                scale += extra
                unit = ast.Name(intern(word), unit.end - len(word)) if word else None
        if len(amount.value) <= 40 and isinstance(scale, int):
            number, multiplier, power = _exact_of(amount.value, scale)  # the same amount text, the same number
        else:
            number, multiplier, power = _exact(terms, scale)
        if misordered:  # no value at all: held like a number out of range, so that nothing computes with it
            number, multiplier, power = ast.TOO_LARGE, ONE, None
        return ast.Quantity(number, multiplier, percent, unit, per, amount.start_pos, end_of(children[-1]),
                            extra_unit, power, misordered, per_unit, extra_per, slashed)


def _number(text: str) -> tuple[Decimal, int | Decimal]:
    """A written number as its digits (an exact Decimal) and the power of ten written after `e`,
    read exactly however long the exponent is (`1e0000000000000000000005` is 1e5): an int, or
    beyond 18 digits an integral Decimal, which costs what its digits cost (int() of a million
    digits takes seconds, and refuses more than 4,300)."""
    text = text.replace(",", "").replace("_", "")
    cut = max(text.find("e"), text.find("E"))
    if cut < 0:
        return Decimal(text), 0
    exponent = Decimal(text[cut + 1 :])
    return Decimal(text[:cut]), int(exponent) if exponent.adjusted() < 18 else exponent


def _shifted(d: Decimal, power: int) -> Decimal:
    """d × 10^power, exactly (the power is known to be one a Decimal holds)."""
    sign, digits, exponent = d.as_tuple()
    return Decimal((sign, digits, exponent + int(power)))


def _exact(terms: tuple[tuple[Decimal, int | Decimal], ...], scale: int) -> tuple[Decimal, Decimal, int | Decimal | None]:
    """(number, multiplier, power) of a Quantity whose value is the sum of coefficient × 10^shift
    over the terms, times 10^scale: exact, or a stand-in with its power of ten beyond the limit."""
    return _exact_any(terms, scale)


@lru_cache(maxsize=8192)
def _exact_of(text: str, scale: int):
    """`_exact` of an amount token's text (keyed by the text: `1.0` and `1` are equal Decimals but
    not the same amount as written)."""
    return _exact(_decoded(text)[0], scale)


def _exact_any(terms, scale):
    if any(isinstance(shift, Decimal) for _, shift in terms):
        with localcontext(ast.EXACT):  # an exponent of more than 18 digits: computed exactly
            return _exact_powers(terms, scale)
    return _exact_powers(terms, scale)


def _exact_powers(terms, scale):
    powers = [c.adjusted() + shift + scale for c, shift in terms if c != 0]
    if not powers:
        if any(abs(shift + scale) > ast.MAX_EXPONENT for _, shift in terms):
            return Decimal(0), ONE, None  # zero, however large the exponent written with it
        return _shifted(terms[0][0], terms[0][1]), _power_of_ten(scale), None
    worst = max(powers, key=abs)
    if abs(worst) > ast.MAX_EXPONENT:
        # A part too large or too small: reported, never computed (`1e-5000万2千` included, whose
        # exact value would take 5,000 digits).
        if isinstance(worst, Decimal) and worst.adjusted() < 30:
            worst = int(worst)
        return (ast.TOO_LARGE if worst > 0 else ast.TOO_SMALL), ONE, worst
    multiplier = _power_of_ten(scale)
    parts = [_shifted(c, shift) for c, shift in terms if c != 0]  # every shift here is a small int
    if len(parts) == 1:
        return parts[0], multiplier, None
    total = Decimal(0)
    for part in parts:
        total = ast.EXACT.add(total, part)
    return total, multiplier, None


@lru_cache(maxsize=256)
def _power_of_ten(scale: int) -> Decimal:
    """10^scale, one object per scale: a plan's 100,000 amounts share a handful (ONE for none)."""
    return ONE if scale == 0 else Decimal((0, (1,), scale))


def _decode_amount(token) -> tuple[tuple[tuple[Decimal, int | Decimal], ...], int, bool, str | None, str | None]:
    """An amount token as terms (coefficient, power of ten) to add, the power of ten of its scale,
    whether it is a percentage, the unit glued on, and the Japanese scales out of order (if any)."""
    text = token.value
    return _decoded(text) if len(text) <= 40 else _decode_text(text)


@lru_cache(maxsize=8192)
def _decoded(text: str):
    """Amounts repeat (a target and the milestones that reach it, a price on many KPIs): read once."""
    return _decode_text(text)


def _decode_text(text: str):
    match = _NUMBER.match(text)
    number, exponent = _number(match.group(0))
    suffix = text[match.end() :]
    if suffix[:1] in SMALL_SCALES or suffix[:1] in BIG_SCALES:
        with localcontext(ast.EXACT):  # the first exponent may be a Decimal of any length
            terms, word, misordered = _japanese(number, exponent, suffix)
        return tuple(terms), 0, False, word or None, misordered
    scale = 0
    percent = False
    glued = None
    if suffix in ("%", "％"):
        percent = True
        scale = SCALES["%"]
    elif suffix == RATIO_TENTH:  # 2割 is 20%
        percent = True
        scale = -1
    elif suffix in ("k", "M", "B"):
        scale = SCALES[suffix]
    elif suffix:
        scale, word = split_scale(suffix)
        glued = word or None
    return ((number, exponent),), scale, percent, glued, None


def _japanese(number: Decimal, exponent, suffix: str):
    """A Japanese compound number: 1億2,000万円 is 1×10^8 + 2,000×10^4; 1万5千円 is 15,000; 500百万円
    is 500×10^6; 1億2千3百万円 is 123,000,000. Returns the terms, the unit word after the last scale,
    and the scales that break the order (`万` in 1万2万円), with which the number is not computed."""
    groups = []  # (number, exponent, the scales written after it)
    while True:
        part = _COMPOUND_PART.match(suffix)
        if part is None:
            break
        groups.append((number, exponent, part.group(1)))
        number, exponent = _number(part.group(2))
        suffix = suffix[part.end() :]
    run = len(suffix) - len(suffix.lstrip("".join(SMALL_SCALES) + "".join(BIG_SCALES)))
    groups.append((number, exponent, suffix[:run]))
    terms, section = [], []
    last_big = last_small = None
    for number, exponent, scales in groups:
        small = scales[:1] if scales[:1] in SMALL_SCALES else ""
        big = scales[len(small):]
        shift = SMALL_SCALES.get(small, 0)
        if (big and big not in BIG_SCALES) or (last_small is not None and shift >= last_small) \
                or (big and last_big is not None and BIG_SCALES[big] >= last_big):
            return [(Decimal(0), 0)], suffix[run:], scales
        section.append((number, exponent + shift))
        last_small = shift
        if big:
            terms += [(n, e + BIG_SCALES[big]) for n, e in section]
            section, last_small, last_big = [], None, BIG_SCALES[big]
    return terms + section, suffix[run:], None


def _block_parts(children):
    keyword, name = children[0], children[1]
    index = 2
    label = None
    if children[index].type == "STRING":  # the label, else the `{`
        label = _text(children[index])
        index += 1
    lbrace = children[index]
    attrs = tuple(children[index + 1 : -1])
    return keyword, _name(name), label, lbrace, attrs, children[-1]


@lru_cache(maxsize=1024)
def _milestone_tail(text: str) -> tuple[tuple[str, str, int], ...]:
    """What follows a milestone's amount (` visitors per month`, `/月`) as (kind, text, offset) pieces:
    the same few tails repeat on every line."""
    out = []
    for found in _MILESTONE_PIECE.finditer(text):
        piece = found.group(1)
        if piece.startswith("/"):
            kind = "SLASH_PERIOD" if piece[1:] in SLASH_PERIODS else "SLASH_UNIT"
        else:
            kind = "PER" if piece == "per" and (not out or out[-1][0] != "PER") else "NAME"
        out.append((kind, intern(piece), found.start(1)))
    return tuple(out)


def _name(token) -> ast.Name:
    # Interned: ids, units and periods repeat thousands of times in a large plan.
    value = token.value
    if value.isascii():
        return ast.Name(intern(value), token.start_pos)
    return _read_name(value, token.start_pos)


def _read_name(written: str, start: int) -> ast.Name:
    """A word that is not all ASCII, as kpispec reads it: its NFKC form (`ＣＰＡ` is `CPA`, see names.py),
    spanning what was written. A word whose NFKC form is no id or a keyword is refused (BadName)."""
    text = names.read(written)
    if text is None:
        raise names.BadName(written, start, names.normalise(written))
    if len(text) == len(written):
        return ast.Name(intern(text), start)
    return WrittenName(intern(text), start, len(written))  # `ﾃﾞｰﾀ` (4 characters) reads `データ` (3)


@record(frozen=True, slots=True)
class WrittenName(ast.Name):
    """A name whose NFKC form is not as long as what was written (`ﾃﾞｰﾀ` reads `データ`): its span is
    what was written, so that a caret points at all of it."""

    written: int  # the length of the name as written

    @property
    def end(self) -> int:
        return self.start + self.written


def _text(token) -> ast.Text:
    value = token.value
    if value.startswith('"'):
        value = unescape(value)
    if len(value) <= 40:
        value = intern(value)  # dates, owners and sources repeat across nodes
    return ast.Text(value, token.start_pos, token.end_pos)


def _comparator(symbol: str) -> str:
    return {"≥": ">=", "≤": "<="}.get(symbol, symbol)

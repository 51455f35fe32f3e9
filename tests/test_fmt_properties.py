"""Properties of `kpispec fmt` over generated plans with a comment in every kind of place.

The plans come from tests/strategies.py (the grammar's constructs), widened with what it does not
make (milestones, one-line and token by token; `ramp`, `end`; glued `/人` and `/月`) and with plans
whose names all resolve (so that many compile). Between every two tokens, before the first and
after the last, goes white space or comments: a comment at the end of a token's line, comments on
lines of their own (with blank lines around them), both; and some files are only comments. Every
comment has a text of its own (`# c17`, `# メモ17`), so each one can be followed to its place.

What is held, each by its own test: formatting twice is formatting once; every comment is kept and
stays where it was (after the same token on its line, or on its own line before the same token);
every string is kept byte for byte; the compiled JSON, the AST and the diagnostics are unchanged,
also with some comments made `# kpispec: ignore[…]` (or the file is refused, KPI902); the line
ending and a BOM are kept. Where a comment should go is worked out from the input's own
tokens here, not with the formatter's logic, and the AST is compared here, not with `fmt.same`.
Hypothesis runs derandomized and without a database, as in test_properties.py.
"""

from __future__ import annotations

import codecs
import json
import random
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategies import (
    ATTRIBUTES,
    DECLARATIONS,
    EXPRESSIONS,
    IDS,
    PLAN_TOKENS,
    QUANTITIES,
    SEPARATORS,
    TEXTS,
    plan_blocks,
)

from kpispec.api import analyze_text, compile_result
from kpispec.diagnostics import Span
from kpispec.fmt import format_bytes
from kpispec.fmt.layout import attribute_rank
from kpispec.records import fields
from kpispec.source import decode
from kpispec.syntax import ast
from kpispec.syntax.cst import Node, parse_tree, tokens

BOM = codecs.BOM_UTF8


def properties(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        # the plans are long lists of drawn tokens and separators
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# ------------------------------------------------------------------ what goes between tokens

WHITE = [s for s in SEPARATORS if "#" not in s]  # " ", "\n  ", "\t", "\u3000", "\r\n", "\r", "\f", ...
NEWLINES = ["\n", "\n", "\n", "\r\n", "\r"]
INDENTS = ["", "", "  ", "    ", "\t", "\u3000"]
BEFORE_COMMENT = ["", " ", " ", "  ", "\t", "\u3000"]  # between a token and the comment ending its line
# A comment's text holds its number (`\0`), unique in its file; some have trailing white space,
# which the formatter drops.
COMMENT_FORMS = ["# c\0", "#c\0", "# メモ\0", "## c\0 # and c\0", "#\tc\0：注", "# ｃ\0 ＃", "#!c\0!"]
TRAILING = ["", "", "", " ", "\t", "\u3000", " \t "]

# What goes between two tokens is one of a fixed table of templates (drawing each space and comment
# of each gap separately made generating a plan cost ten times what checking it does). A template is
# a tuple of texts and comments; a comment is a 1-tuple of its text with `\0` for its number.
_RNG = random.Random(20261202)


def _comment() -> tuple:
    return ((_RNG.choice(COMMENT_FORMS) + _RNG.choice(TRAILING)),)


def _own_lines() -> list:
    """Comments on lines of their own, from the start of a line to where the next token starts."""
    out = []
    for _ in range(_RNG.randint(1, 3)):
        if _RNG.random() < 0.25:
            out.append(_RNG.choice(NEWLINES))  # a blank line before it
        out += [_RNG.choice(INDENTS), _comment(), _RNG.choice(NEWLINES)]
    if _RNG.random() < 0.25:
        out.append(_RNG.choice(NEWLINES))  # and after
    return out + [_RNG.choice(INDENTS)]


def _end_of_line() -> list:
    return [_RNG.choice(BEFORE_COMMENT), _comment(), _RNG.choice(NEWLINES)]


def _ending_the_file(gap: list) -> list:
    """The same gap with nothing after its last comment: the file ends with it."""
    while isinstance(gap[-1], str):
        gap = gap[:-1]
    return gap


BETWEEN = (
    [(w,) for w in WHITE * 4]
    + [tuple(_end_of_line() + [_RNG.choice(INDENTS)]) for _ in range(40)]  # a comment ending the line
    + [tuple([_RNG.choice(BEFORE_COMMENT), _RNG.choice(NEWLINES)] + _own_lines()) for _ in range(40)]
    + [tuple(_end_of_line() + _own_lines()) for _ in range(30)]  # both
)
FIRST = [("",), ("",), ("\ufeff",), ("\n",), ("\r\n\r\n",), ("  ",)] + [
    tuple([_RNG.choice(["", "", "\ufeff", "\n"])] + _own_lines()) for _ in range(30)]
LAST = BETWEEN + [tuple(_ending_the_file(list(gap))) for gap in BETWEEN if len(gap) > 1]


@st.composite
def commented(draw, token_lists) -> str:
    """Plan text: the tokens of a plan with white space or numbered comments before, between and
    after them all; with no tokens, a file of only comments (or nothing)."""
    toks = draw(token_lists)
    if toks:
        gaps = [draw(st.sampled_from(FIRST))] + draw(st.lists(st.sampled_from(BETWEEN), min_size=len(toks) - 1,
                                                                max_size=len(toks) - 1)) + [draw(st.sampled_from(LAST))]
    else:
        gaps = [draw(st.sampled_from(FIRST)), draw(st.sampled_from(FIRST[6:] + [("",)]))]
    out, count = [], 0
    for index, gap in enumerate(gaps):
        for part in gap:
            if isinstance(part, tuple):
                count += 1
                part = part[0].replace("\0", str(count))
            out.append(part)
        if index < len(toks):
            out.append(toks[index])
    return "".join(out)


# ------------------------------------------------------------------ the plans' tokens

WHENS = ["Q1:", "Q2:", "Q3 :", "Q4：", "Q2\u3000：", "2026-07:", "2026-08 ：", "2027-01:"]
FIXED_ATTRIBUTES = [
    ["ramp", "linear"], ["end", "2027-03-31"], ["measure", '"件数 / 月"'],
    ["target", ">=", "3,000円", "/人"], ["target", "100件", "/月"], ["baseline", "5円", "/人", "/月"],
    ["formula", "売上", "/人"], ["formula", "sum", "(", "visitors", ",", "cvr", ")", "/人", "+", "3,000円", "/人"],
    ["formula", "(", "visitors", "+", "aov", ")", "/件", "×", "2"], ["formula", "-", "visitors", "÷", "-", "5%"],
    ["formula", "10", "k人", "*", "max", "(", "1", ",", "-", "cvr", ")"],
]


@st.composite
def milestones(draw) -> list[str]:
    """`milestones { Q2: 600件 … }`: written on one line it is one token, broken by a comment it is several."""
    ms = draw(st.lists(st.tuples(st.sampled_from(WHENS), st.sampled_from(["", "", "-", "+"]), QUANTITIES), max_size=3))
    toks = []
    for when, sign, quantity in ms:
        if not sign and draw(st.booleans()):
            toks.append(" ".join([when] + quantity))  # one MILESTONE token, whatever comes around it
        else:
            toks += [when] + ([sign] if sign else []) + quantity
    return ["milestones", "{"] + toks + ["}"]


MILESTONES = milestones()
EXTRA_ATTRIBUTES = st.one_of(MILESTONES, st.sampled_from(FIXED_ATTRIBUTES))


@st.composite
def wide_blocks(draw) -> list[str]:
    """A block with the attributes strategies.py does not write, among those it does."""
    kind = draw(st.sampled_from(["kpi", "kpi", "kgi"]))
    label = draw(TEXTS) if draw(st.booleans()) else []
    attrs = draw(st.lists(st.one_of(EXTRA_ATTRIBUTES, ATTRIBUTES[kind]), max_size=6))
    if draw(st.integers(0, 3)):
        attrs.insert(draw(st.integers(0, len(attrs))), draw(MILESTONES))
    return [kind, draw(st.sampled_from(IDS))] + label + ["{"] + [tok for a in attrs for tok in a] + ["}"]


WIDE_BLOCKS = wide_blocks()


@st.composite
def wide_plans(draw) -> list[str]:
    items = [draw(WIDE_BLOCKS if draw(st.booleans()) else DECLARATIONS) for _ in range(draw(st.integers(0, 5)))]
    if draw(st.integers(0, 5)):
        items.insert(draw(st.integers(0, len(items))), draw(plan_blocks()))
    return [tok for item in items for tok in item]


IMPOSSIBLE = {"2026-02-30", "2026-13-01", "2026-00-10", "2027-02-29"}


@st.composite
def resolved_plans(draw) -> list[str]:
    """A plan whose every name is defined, once, and of the kind its place needs: many compile."""
    names = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=6, unique=True))
    kinds = draw(st.lists(st.sampled_from(["param", "kpi", "kpi", "kgi", "ksf"]), min_size=len(names),
                          max_size=len(names)))
    items, params, numbers, defined = [draw(plan_blocks())], [], [], {"kgi": [], "ksf": []}

    def names_in(expr_tokens, allowed):
        """The expression with each id in it one of `allowed` (or a number, when none is)."""
        out = []
        for tok in expr_tokens:
            if tok in IDS and not (out and (out[-1] == "per" or out[-1][:1].isdigit())):  # not a unit word
                out.append(draw(st.sampled_from(allowed)) if allowed else "2")
            else:
                out.append(tok)
        return out

    for name, kind in zip(names, kinds):
        if kind == "param":
            items.append(["param", name, "="] + names_in(draw(EXPRESSIONS), params))
            params.append(name)
            numbers.append(name)
            continue
        attrs, keys = [], set()
        for attr in draw(st.lists(ATTRIBUTES[kind], max_size=5)):
            key = attr[0]
            if key in keys and key not in ("kgi", "ksf") or IMPOSSIBLE & set(attr):
                continue
            if key in ("kgi", "ksf"):
                if not defined[key]:
                    continue
                attr = [key] + [draw(st.sampled_from(defined[key])) if tok != "," else tok for tok in attr[1:]]
            elif key == "formula":
                attr = [key] + names_in(attr[1:], numbers)
            keys.add(key)
            attrs.append(attr)
        label = draw(TEXTS) if draw(st.booleans()) else []
        items.append([kind, name] + label + ["{"] + [tok for a in attrs for tok in a] + ["}"])
        if kind in defined:
            defined[kind].append(name)
        if kind != "ksf":
            numbers.append(name)
    if numbers and draw(st.booleans()):
        items.append(["assert", draw(st.sampled_from(numbers)), ">=", "0"] + (draw(TEXTS) if draw(st.booleans()) else []))
    head = items.pop(0)
    items.insert(draw(st.integers(0, len(items))), head)
    return [tok for item in items for tok in item]


NOTHING = st.just([])  # a file of only comments
WIDE, RESOLVED_TOKENS = wide_plans(), resolved_plans()
# (one_of flattens a one_of inside it: a branch listed twice is drawn twice as often)
TOKEN_LISTS = st.one_of(WIDE, RESOLVED_TOKENS, WIDE, RESOLVED_TOKENS, WIDE, PLAN_TOKENS, NOTHING)
PLANS = commented(TOKEN_LISTS)
RESOLVED = commented(st.one_of(RESOLVED_TOKENS, RESOLVED_TOKENS, RESOLVED_TOKENS, PLAN_TOKENS))


# ------------------------------------------------------------------ helpers


def formatted(text: str) -> str:
    """The formatted text; a file the formatter refuses fails the test (every generated plan parses)."""
    result = format_bytes("plan.kpi", text.encode("utf-8"))
    assert result.data is not None, [(d.code, d.message.en) for d in result.diagnostics]
    return decode("plan.kpi", result.data)[0].text


def tree_of(text: str):
    tree, parsed = parse_tree(decode("plan.kpi", text.encode("utf-8"))[0])
    assert tree is not None, [(d.code, d.message.en) for d in parsed.diagnostics]
    return tree


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WHEN = re.compile(r"(?:[0-9]{4}-[0-9]{2}|Q[1-4])[ \t\u3000]*[:：]")
_WORDS = re.compile(r"/[^\s/]+|[^\s/]+")
_SQUEEZE = str.maketrans("", "", " \t\u3000")
_TRAILING_SPACE = " \t\f\v\u3000"


def _parts(token) -> list[str]:
    """A token's text in parts that do not depend on layout: a one-line milestone (`Q2 ： 600件/月`,
    one token) reads as the tokens it is written as over several lines (`Q2：`, `600件`, `/月`)."""
    if token.type == "MILESTONE":
        when = _WHEN.match(token.value)
        return [when.group().translate(_SQUEEZE), *_WORDS.findall(token.value[when.end():])]
    if token.type in ("MONTH", "QUARTER"):
        return [token.value.translate(_SQUEEZE)]
    return [token.value]


def _atoms(tree) -> list[tuple[int, int, tuple]]:
    """Every token part, in text order, with where it stands: (start, end, place). A place is the
    declaration's number, the part of it (a block's head, one attribute by its text, its `}`; or the
    whole `param` / `assert`), the token's text and which occurrence of that text in that part it is.
    Attributes move when they are sorted, and two with the same text cannot be told apart: both fine."""
    atoms = []
    for number, item in enumerate(tree.root.children):
        units = []
        if item.rule in ("plan", "block"):
            opened = False
            for child in item.children:
                if type(child) is Node:
                    toks = list(tokens(child))
                    units.append((("attr", *(p for t in toks for p in _parts(t))), toks))
                else:
                    units.append((("close",) if opened else ("head",), [child]))
                    opened = opened or child.type == "LBRACE"
        else:
            units.append((("item",), list(tokens(item))))
        seen = Counter()
        for unit, toks in units:
            for token in toks:
                for part in _parts(token):
                    key = (number, unit, part)
                    atoms.append((token.start_pos, token.end_pos, (*key, seen[key])))
                    seen[key] += 1
    return atoms


def comment_places(tree) -> dict[str, tuple]:
    """Each comment (its text without trailing white space) and where it stands: ("after", place) when
    it ends the line of the token before it; else ("before", place of the next token or "end",
    whether nothing but white space is before it on its line)."""
    text = tree.source.text
    atoms = _atoms(tree)
    starts, ends = [a[0] for a in atoms], [a[1] for a in atoms]
    places = {}
    for body, start, end in tree.comments:
        i = bisect_right(ends, start)
        before = atoms[i - 1] if i else None
        j = bisect_left(starts, end)
        after = atoms[j] if j < len(atoms) else None
        gap = text[before[1] if before else 0: start]
        if before is not None and not _LINE_BREAK.search(gap):
            assert not gap.strip(" \t\u3000\f\ufeff"), gap
            place = ("after", before[2])
        else:
            own_line = not _LINE_BREAK.split(gap)[-1].strip(" \t\u3000\f\ufeff")
            place = ("before", after[2] if after else "end", own_line)
        key = body.rstrip(_TRAILING_SPACE)
        assert key not in places, f"the generator wrote {key!r} twice"
        places[key] = place
    return places


def strings(tree) -> Counter:
    return Counter(t.value for t in tree.tokens() if t.type == "STRING")


_POSITIONS = frozenset({"start", "end", "op_start", "op_end", "open_start", "op_span", "written"})


def shape(node):
    """An AST node as nested tuples, without where anything stands, a block's attributes in the
    canonical order (stable: two `ksf` keep theirs)."""
    if isinstance(node, ast.Name):
        return ("Name", node.text)  # a WrittenName (`ﾃﾞｰﾀ`) differs only in where it ends
    if node is None or isinstance(node, (str, int, bool, Decimal)):
        return node
    if isinstance(node, (tuple, list)):
        return tuple(shape(x) for x in node)
    if isinstance(node, Span):
        return "span"
    if isinstance(node, ast.Module):
        return ("Module", shape(node.items), tuple(sorted(c.text.rstrip(_TRAILING_SPACE) for c in node.comments)))
    values = [(f.name, getattr(node, f.name)) for f in fields(type(node)) if f.name not in _POSITIONS]
    if isinstance(node, ast.Block):
        values = [(k, tuple(sorted(v, key=lambda a: attribute_rank(a.key))) if k == "attrs" else v) for k, v in values]
    return (type(node).__name__, *((k, shape(v)) for k, v in values))


def without_places(value):
    """Compiled JSON without `location` and `file`, which say where things stand in the file."""
    if isinstance(value, dict):
        return {k: without_places(v) for k, v in value.items() if k not in ("location", "file")}
    if isinstance(value, list):
        return [without_places(v) for v in value]
    return value


def diagnostics(text: str) -> Counter:
    return Counter((d.code, d.severity.value) for d in analyze_text("plan.kpi", text).diagnostics)


# ------------------------------------------------------------------ the properties


@properties(250)
@given(PLANS)
def test_idempotent(text):
    once = format_bytes("plan.kpi", text.encode("utf-8"))
    assert once.data is not None, [(d.code, d.message.en) for d in once.diagnostics]
    twice = format_bytes("plan.kpi", once.data)
    assert twice.data == once.data


@properties(300)
@given(PLANS)
def test_every_comment_kept_in_its_place(text):
    out = formatted(text)
    before, after = tree_of(text), tree_of(out)
    assert Counter(c[0].rstrip(_TRAILING_SPACE) for c in after.comments) == \
        Counter(c[0].rstrip(_TRAILING_SPACE) for c in before.comments)
    wanted, found = comment_places(before), comment_places(after)
    assert all(place[0] == "after" or place[2] for place in wanted.values())  # as generated
    moved = {key: (place, found.get(key)) for key, place in wanted.items() if found.get(key) != place}
    assert not moved, f"comments moved (where it was, where it is):\n{moved}\n--- output:\n{out}"


@properties(150)
@given(PLANS)
def test_strings_kept_byte_for_byte(text):
    assert strings(tree_of(formatted(text))) == strings(tree_of(text))


@properties(150)
@given(RESOLVED)
def test_compiled_json_unchanged(text):
    out = formatted(text)
    before = compile_result(analyze_text("plan.kpi", text, checks=False))
    after = compile_result(analyze_text("plan.kpi", out, checks=False))
    assert (before is None) == (after is None)
    if before is not None:
        assert without_places(json.loads(after)) == without_places(json.loads(before))
    else:  # what stops it stops both
        assert set(diagnostics(out)) == set(diagnostics(text))


@properties(200)
@given(PLANS)
def test_ast_unchanged(text):
    out = formatted(text)
    assert shape(tree_of(out).module) == shape(tree_of(text).module)


@properties(120)
@given(PLANS)
def test_diagnostics_unchanged(text):
    assert diagnostics(formatted(text)) == diagnostics(text)


SUPPRESSIONS = ["# kpispec: ignore", "# kpispec: ignore[KPI102]", "#kpispec:ignore[KPI201, KPI208]",
                "# kpispec: ignore[KPI104]", "# kpispec: ignore[KPI106]", "# kpispec: ignore[KPI210, KPI102]"]


@st.composite
def suppressed(draw) -> str:
    """A generated plan with some of its comments made suppression comments (`# kpispec: ignore[…]`)."""
    tree = tree_of(draw(PLANS))
    text, parts, previous = tree.source.text, [], 0  # (a BOM at the start is not in the source's text)
    for _, start, end in tree.comments:
        if draw(st.booleans()):
            parts += [text[previous:start], draw(st.sampled_from(SUPPRESSIONS)), text[start + 1:end]]
            previous = end
    return "".join(parts) + text[previous:]


@properties(150)
@given(suppressed())
def test_suppression_comments_silence_the_same(text):
    """A suppression comment silences what starts on its line: the layout keeps what that is, or the
    formatter refuses the file (KPI902) rather than change it."""
    result = format_bytes("plan.kpi", text.encode("utf-8"))
    if result.data is None:
        assert [d.code for d in result.diagnostics] == ["KPI902"], result.diagnostics
        assert "suppression" in result.diagnostics[0].message.en, result.diagnostics
        return
    assert diagnostics(decode("plan.kpi", result.data)[0].text) == diagnostics(text)


def _line_ends(text: str) -> set[str]:
    """The line ends of a text outside its string tokens."""
    tree = tree_of(text)
    text, outside, previous = tree.source.text, [], 0
    for token in tree.tokens():
        if token.type == "STRING":
            outside.append(text[previous:token.start_pos])
            previous = token.end_pos
    outside.append(text[previous:])
    return {m.group() for part in outside for m in _LINE_BREAK.finditer(part)}


@properties(100)
@given(PLANS, st.sampled_from(["\r\n", "\r\n", "\r", "\n"]))
def test_line_ending_kept(text, newline):
    text = _LINE_BREAK.sub(newline, text)  # every line end (in strings too) the same
    out = formatted(text)
    found = _line_ends(out)
    # a file whose lines have no end yet (one line, or a line break only inside a text) may get LF
    assert found <= ({newline} if _line_ends(text) else {newline, "\n"}) and len(found) <= 1, repr(out)
    assert out == "" or out.endswith(tuple(found))


@properties(80)
@given(PLANS)
def test_bom_kept(text):
    data = text.encode("utf-8")
    plain, marked = format_bytes("plan.kpi", data), format_bytes("plan.kpi", BOM + data)
    assert plain.data is not None and marked.data is not None
    assert marked.data == BOM + plain.data.removeprefix(BOM)
    assert plain.data.startswith(BOM) == data.startswith(BOM)  # (a generated file may start with U+FEFF)


# ------------------------------------------------------------------ comments in particular places


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(
        'kpi x { # after the brace\n  target 5円 }\n',
        'kpi x {  # after the brace\n  target 5円\n}\n',
        id="after-open-brace"),
    pytest.param(
        'kpi x {\n  owner "a"\n  # before the brace\n}\n',
        'kpi x {\n  owner "a"\n  # before the brace\n}\n',
        id="before-close-brace"),
    pytest.param(
        'kpi x {\n# alone in the block\n}\n',
        'kpi x {\n  # alone in the block\n}\n',
        id="only-comment-in-block"),
    pytest.param(
        'kpi x { target # which target\n 5円 }\n',
        'kpi x {\n  target  # which target\n    5円\n}\n',
        id="between-target-and-value"),
    pytest.param(
        'kpi x { target\n  # the value\n  >= 5円 }\n',
        'kpi x {\n  target\n    # the value\n    >= 5円\n}\n',
        id="own-line-inside-attribute"),
    pytest.param(
        'param p = a +   # first\n b*(c # inner\n) # last\n',
        'param p = a +  # first\n  b * (c  # inner\n)  # last\n',
        id="inside-a-formula"),
    pytest.param(
        'kpi x {\n  owner "o"  # owner\n  # about the target\n  target 5円  # target\n}\n',
        'kpi x {\n  # about the target\n  target 5円  # target\n  owner "o"  # owner\n}\n',
        id="comments-move-with-attribute"),
    pytest.param(
        '# one\n\n\n#two   \n  # three\u3000\n',
        '# one\n\n#two\n# three\n',
        id="only-comments"),
    pytest.param(
        '# about the file\n\n# about the plan\nplan p {}\n# at the end',
        '# about the file\n\n# about the plan\nplan p {}\n# at the end\n',
        id="before-first-declaration-blank-line"),
    pytest.param(
        'param a = 1 # one\nparam b = 2\n\n\n\n# end of file\n',
        'param a = 1  # one\nparam b = 2\n\n# end of file\n',
        id="after-last-declaration"),
    pytest.param(
        'kpi x { milestones { Q2 ：  600件 Q3: # third\n 5 } }\n',
        'kpi x {\n  milestones {\n    Q2： 600件\n    Q3:  # third\n      5\n  }\n}\n',
        id="inside-milestones"),
    pytest.param(
        'kpi x {} # empty\r\nkpi y { formula a # a\r\n + b }',
        'kpi x {}  # empty\r\n\r\nkpi y {\r\n  formula a  # a\r\n    + b\r\n}\r\n',
        id="crlf"),
])
def test_comment_placement(text, expected):
    assert formatted(text) == expected
    assert formatted(expected) == expected


# ------------------------------------------------------------------ found by the properties above


def test_line_ending_of_a_file_with_a_line_break_in_a_string():
    """The file's line ending is that of its lines, not of a line break inside a `\"\"\"` text (which
    made formatting twice differ from once: the line end before the string was dropped)."""
    assert formatted('plan p """\n""" {}\r\n') == 'plan p """\n""" {}\r\n'
    assert formatted('\r\nplan p """\n""" {}') == 'plan p """\n""" {}\r\n'
    assert formatted('plan p "a\rb" {}\nkpi x {}\n') == 'plan p "a\rb" {}\n\nkpi x {}\n'  # a CR in a one-line text


@pytest.mark.parametrize("text", [
    "\n# kpispec: ignore\n",
    "\n\n# kpispec: ignore[KPI106]\nkpi x {}\n",
])
def test_suppression_comment_moved_onto_the_first_line(text):
    """A diagnostic about the whole file (KPI106, no plan block) stands at its start, on line 1; a
    suppression comment there silences it. Dropping the blank lines above a suppression comment
    moves it onto line 1, where it silences what it did not: refuse, or keep it where it was."""
    result = format_bytes("plan.kpi", text.encode("utf-8"))
    if result.data is not None:
        assert diagnostics(result.data.decode("utf-8")) == diagnostics(text)


@pytest.mark.parametrize("text", [
    "plan p {}\nparam a = 5円  per month\n",
    "plan p {}\nkpi x {\n  target - 5%\n}\n",
    "plan p {}\nkpi x {\n  target 5円  # c\n  per month\n}\n",
    "plan p {}\nparam a = 1 per\ufeff day\n",  # U+FEFF is white space to the grammar, not to `\s`
])
def test_compiled_json_quantity_text(text):
    """An amount's `text` in the compiled JSON is in the canonical spacing, whatever white space (or
    comment) it was written with: formatting does not change it."""
    before = json.loads(compile_result(analyze_text("plan.kpi", text, checks=False)))
    after = json.loads(compile_result(analyze_text("plan.kpi", formatted(text), checks=False)))
    assert without_places(after) == without_places(before)

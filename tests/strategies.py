"""Hypothesis strategies for .kpi text: plans built from the grammar's constructs, and mutations of them.

A generated plan is a list of tokens in the order grammar/kpispec.lark reads them (declarations,
attributes, quantities with glued scales and units, formulas); `joined` puts white space or a
comment between every two tokens. Every generated plan parses: test_properties.py checks that, so
this file doubles as an executable summary of the grammar. `mutated` then deletes, repeats, swaps
and inserts tokens or characters, which makes nearly every kind of syntax error.
"""

from __future__ import annotations

from hypothesis import strategies as st

# ------------------------------------------------------------------ lexical

IDS = ["visitors", "cvr", "aov", "revenue", "traffic", "buying", "churn", "margin", "seo_2026", "_draft",
       "売上", "商談数", "MQL化率", "新規ARR", "受注率", "ｶﾀｶﾅ", "kpis", "per_day", "targets"]
FUNCTIONS = ["sum", "min", "max"]
SCALES = ["", "", "", "%", "％", "k", "M", "B", "千", "万", "億", "兆", "千万"]
GLUED_UNITS = ["", "", "円", "人", "件", "ヶ月", "日間", "ドル", "社"]
UNIT_WORDS = ["visitors", "USD", "JPY", "EUR", "leads", "days", "months", "人", "円", "ドル", "kg", "ABC"]
PERIODS = ["day", "week", "month", "quarter", "year", "日", "週", "月", "四半期", "年"]
CADENCES = ["daily", "weekly", "monthly", "quarterly", "yearly", "annually", "日次", "週次", "月次", "四半期", "年次"]
COMPARATORS = [">=", "<=", "≥", "≤"]
ASSERT_COMPARATORS = [">=", "<=", ">", "<", "==", "≥", "≤"]
ADD_OPS = ["+", "-"]
MUL_OPS = ["*", "/", "×", "÷"]
# Between two tokens: at least one white-space character, or a comment.
SEPARATORS = [" ", " ", " ", "\n", "\n  ", "\t", "\u3000", "\r\n", "\r", "  # コメント\n", " #\n", "\f", "\ufeff "]

TEXT_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp"),  # no controls, bidi marks or line separators
    blacklist_characters='"\\',
)


@st.composite
def numbers(draw) -> str:
    kind = draw(st.sampled_from(["int", "commas", "underscores", "decimal", "exponent", "zero", "big"]))
    if kind == "int":
        return str(draw(st.integers(1, 99_999)))
    if kind == "commas":
        return f"{draw(st.integers(1_000, 10**12)):,}"
    if kind == "underscores":
        return f"{draw(st.integers(1_000, 10**9)):_}"
    if kind == "decimal":
        whole = draw(st.sampled_from(["0", "1", "2", "12", "1,234"]))
        return f"{whole}.{draw(st.integers(0, 999)):d}"
    if kind == "exponent":
        return f"{draw(st.integers(1, 9))}{draw(st.sampled_from(['e', 'E']))}{draw(st.sampled_from(['', '+', '-']))}{draw(st.integers(0, 400))}"
    if kind == "big":
        return draw(st.sampled_from(["1e300", "1e-300", "1e1000", "1e-1000", "9" * 40]))
    return "0"


@st.composite
def quantities(draw) -> list[str]:
    """`AMOUNT NAME? (per NAME)?`: a number with a glued scale or unit, a unit word, a period."""
    amount = draw(NUMBERS)
    scale = draw(st.sampled_from(SCALES))
    glued = "" if scale in ("%", "％") else draw(st.sampled_from(GLUED_UNITS))
    if scale in ("k", "M", "B") and glued == "" and draw(st.booleans()):
        glued = draw(st.sampled_from(["人", "円", "件"]))  # 10k人, 5M円
    tokens = [amount + scale + glued]
    if not glued and scale not in ("%", "％") and draw(st.booleans()):
        tokens.append(draw(st.sampled_from(UNIT_WORDS)))
    if draw(st.booleans()):
        tokens += ["per", draw(st.sampled_from(PERIODS))]
    return tokens


def _texts() -> st.SearchStrategy[list[str]]:
    escape = st.sampled_from(['\\"', "\\\\", "\\n", "\\t", "\\d"])
    body = st.lists(st.one_of(st.text(TEXT_CHARS, min_size=1, max_size=8), escape), max_size=4).map("".join)
    single = body.map(lambda b: f'"{b}"')
    triple = st.lists(body, max_size=3).map(lambda lines: '"""\n    ' + "\n    ".join(lines) + '\n    """')
    return st.one_of(single, single, triple).map(lambda t: [t])


def _dates() -> st.SearchStrategy[str]:
    valid = st.dates().map(lambda d: d.isoformat())
    impossible = st.sampled_from(["2026-02-30", "2026-13-01", "2026-00-10", "2027-02-29"])  # KPI010, not syntax
    return st.one_of(valid, valid, valid, impossible)


# Strategies are built once: building them per draw costs more than the parse they feed.
NUMBERS = numbers()
QUANTITIES = quantities()
TEXTS = _texts()
DATES = _dates()


# -------------------------------------------------------------- expressions


def _expressions() -> st.SearchStrategy[list[str]]:
    leaf = st.one_of(QUANTITIES, st.sampled_from(IDS).map(lambda i: [i]))

    def extend(children):
        binary = st.tuples(children, st.sampled_from(ADD_OPS + MUL_OPS), children).map(lambda t: t[0] + [t[1]] + t[2])
        group = children.map(lambda c: ["("] + c + [")"])
        negate = children.map(lambda c: ["-"] + c)
        call = st.tuples(st.sampled_from(FUNCTIONS), st.lists(children, min_size=1, max_size=3)).map(
            lambda t: [t[0], "("] + [tok for i, arg in enumerate(t[1]) for tok in ([","] if i else []) + arg] + [")"]
        )
        return st.one_of(binary, binary, group, negate, call)

    return st.recursive(leaf, extend, max_leaves=8)


EXPRESSIONS = _expressions()


# ------------------------------------------------------------- declarations


@st.composite
def attributes(draw, kind: str) -> list[str]:
    key = draw(st.sampled_from({
        "kgi": ["target", "baseline", "deadline", "start", "cadence", "formula", "owner", "source", "measure", "description"],
        "ksf": ["kgi", "owner", "description"],
        "kpi": ["ksf", "kgi", "target", "baseline", "deadline", "start", "cadence", "formula", "owner", "source",
                "measure", "description"],
    }[kind]))
    if key == "target":
        comparator = draw(st.sampled_from(["", "", *COMPARATORS]))
        sign = draw(st.sampled_from(["", "", "-", "+"]))
        return [key] + ([comparator] if comparator else []) + ([sign] if sign else []) + draw(QUANTITIES)
    if key == "baseline":
        return [key] + (["-"] if draw(st.booleans()) else []) + draw(QUANTITIES)
    if key in ("deadline", "start"):
        return [key, draw(DATES)]
    if key == "cadence":
        return [key, draw(st.sampled_from(CADENCES))]
    if key == "formula":
        return [key] + draw(EXPRESSIONS)
    if key in ("kgi", "ksf"):
        names = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=3))
        return [key] + [tok for i, n in enumerate(names) for tok in ([","] if i else []) + [n]]
    return [key] + draw(TEXTS)


ATTRIBUTES = {kind: attributes(kind) for kind in ("kgi", "ksf", "kpi")}


@st.composite
def blocks(draw) -> list[str]:
    kind = draw(st.sampled_from(["kgi", "ksf", "kpi", "kpi"]))
    label = draw(TEXTS) if draw(st.booleans()) else []
    attrs = draw(st.lists(ATTRIBUTES[kind], max_size=6))
    return [kind, draw(st.sampled_from(IDS))] + label + ["{"] + [tok for a in attrs for tok in a] + ["}"]


@st.composite
def params(draw) -> list[str]:
    label = draw(TEXTS) if draw(st.booleans()) else []
    return ["param", draw(st.sampled_from(IDS))] + label + ["="] + draw(EXPRESSIONS)


@st.composite
def asserts(draw) -> list[str]:
    message = draw(TEXTS) if draw(st.booleans()) else []
    return ["assert"] + draw(EXPRESSIONS) + [draw(st.sampled_from(ASSERT_COMPARATORS))] + draw(EXPRESSIONS) + message


@st.composite
def plan_blocks(draw) -> list[str]:
    attrs = []
    if draw(st.booleans()):
        attrs += ["period", draw(DATES), "to", draw(DATES)]
    if draw(st.booleans()):
        attrs += ["owner"] + draw(TEXTS)
    if draw(st.booleans()):
        attrs += ["description"] + draw(TEXTS)
    label = draw(TEXTS) if draw(st.booleans()) else []
    return ["plan", draw(st.sampled_from(IDS + ["shop", "計画"]))] + label + ["{"] + attrs + ["}"]


@st.composite
def plan_tokens(draw) -> list[str]:
    """The tokens of a plan the grammar accepts: one plan block and declarations in any order."""
    items = draw(st.lists(DECLARATIONS, max_size=6))
    items.insert(draw(st.integers(0, len(items))), draw(plan_blocks()))
    return [tok for item in items for tok in item]


DECLARATIONS = st.one_of(blocks(), blocks(), params(), asserts())
PLAN_TOKENS = plan_tokens()


SEPARATOR = st.sampled_from(SEPARATORS)
LEAD = st.sampled_from(["", "", "\ufeff", "# 計画\n", "\n"])


def joined(draw, tokens: list[str]) -> str:
    """Tokens with white space or a comment between them, as a person might lay them out."""
    return draw(LEAD) + "".join(tok + draw(SEPARATOR) for tok in tokens)


@st.composite
def plans(draw) -> str:
    """Text of syntactically valid plans."""
    return joined(draw, draw(PLAN_TOKENS))


# ---------------------------------------------------------------- mutations

# Tokens and characters that break things: brackets, quotes, full-width look-alikes, invisible and
# forbidden characters, huge numbers, impossible dates, stray keywords.
HOSTILE = ["{", "}", "(", ")", '"', '"""', ",", "=", ">=", "==", "<", "+", "-", "*", "/", "%", "％", "per", "to",
           "target", "kpi", "ksf", "kgi", "plan", "param", "assert", "formula", "1", "１２", "０", "1e999999999",
           "1e-1001", "2026-02-30", "2026/04/01", "\u3000", "\u202e", "\u2066", "\x00", "＝", "（", "＊", "#", "\\",
           "'", "$5", "¥100", "\ufeff", "\r", "\n", "\t", "𠮷", "👍", "\u00a0", "\u200b", "\x1b[31m", "\ufffd",
           "a" * 200, "1,0000", "10 %", ".5", "1__0", "e6", "k", "万円", "sum(", "avg(", ",,", ")("]


INSERTED = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=3))
INSERTED_CHAR = st.one_of(st.characters(), st.sampled_from(HOSTILE))


@st.composite
def mutated_plans(draw) -> str:
    """A plan with one to four token edits (delete, repeat, swap, insert), then character edits."""
    tokens = list(draw(PLAN_TOKENS))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "repeat", "swap", "insert", "insert"]))
        i = draw(st.integers(0, max(0, len(tokens) - 1)))
        if op == "delete" and tokens:
            del tokens[i]
        elif op == "repeat" and tokens:
            tokens.insert(i, tokens[i])
        elif op == "swap" and len(tokens) > 1:
            j = min(i + 1, len(tokens) - 1)
            tokens[i], tokens[j] = tokens[j], tokens[i]
        else:
            tokens.insert(i, draw(INSERTED))
    text = joined(draw, tokens)
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:i] + text[i + draw(st.integers(1, 5)):]
        else:
            text = text[:i] + draw(INSERTED_CHAR) + text[i:]
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]  # cut short, as an editor's autosave might
    return text

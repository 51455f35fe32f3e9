"""kpispec.highlight: the Pygments lexer for ```kpi blocks (mkdocs, and any Pygments user).

It must lex every plan the project shows without an error token and without losing or adding a
character, know every keyword the grammar has (so the two cannot drift), and be found by Pygments
through the `pygments.lexers` entry point in pyproject.toml.
"""

import re
from pathlib import Path

import pytest
from pygments.token import Comment, Error, Keyword, Literal, Name, Number, Operator, Punctuation, String, Whitespace

from kpispec.highlight import KpiLexer

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```kpi\n(.*?)```", re.S)
NAME = re.compile(r"[^\W\d]\w*")  # the grammar's NAME


def lex(text):
    """(token type, text) pairs, on the text as given: get_tokens_unprocessed does not strip or
    add newlines as get_tokens does."""
    tokens = list(KpiLexer().get_tokens_unprocessed(text))
    position = 0
    for index, _, value in tokens:
        assert index == position
        position += len(value)
    return [(token, value) for _, token, value in tokens]


def significant(text):
    return [(token, value) for token, value in lex(text) if token is not Whitespace]


def shown_plans():
    for path in sorted((ROOT / "examples").glob("*.kpi")):
        yield pytest.param(path.read_text(encoding="utf-8"), id=path.name)
    docs = ROOT / "docs"
    for page in sorted(docs.rglob("*.md")):
        if page.relative_to(docs).parts[:1] == ("rules",) or page.relative_to(docs).parts[:2] == ("ja", "rules"):
            continue  # below: a rule's failing example may be wrong on purpose
        for n, text in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
            yield pytest.param(text, id=f"{page.relative_to(docs).as_posix()}-{n}")


@pytest.mark.parametrize("text", list(shown_plans()))
def test_every_example_and_docs_block_lexes_without_error_and_in_full(text):
    tokens = lex(text)
    assert "".join(value for _, value in tokens) == text
    assert [value for token, value in tokens if token in Error] == []


def test_there_are_examples_and_docs_blocks():
    assert len(list(shown_plans())) >= 15


def test_rule_pages_lex_in_full_and_only_a_failing_example_has_errors():
    # The rule pages show what a rule rejects: KPI001's full-width digits are an error token, on
    # purpose. A block under "## Passes" never is.
    errors = {}
    failing = {"Fails": "Fails", "違反する例": "Fails", "Passes": "Passes", "適合する例": "Passes"}
    pages = sorted((ROOT / "docs" / "rules").glob("*.md")) + sorted((ROOT / "docs" / "ja" / "rules").glob("*.md"))
    for page in pages:
        for heading, text in re.findall(r"## (\w+)\n```kpi\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            section = failing[heading]
            tokens = lex(text)
            assert "".join(value for _, value in tokens) == text
            if any(token in Error for token, _ in tokens):
                errors.setdefault(section, []).append(page.stem)
    assert set(errors) <= {"Fails"}, errors


def grammar_keywords(grammar: str) -> set[str]:
    """The grammar's keywords: terminals defined as one literal string that is also a NAME (the
    parser reads such a NAME as the keyword, as lark does)."""
    found = re.findall(r'^([A-Z][A-Z0-9_]*)(?:\.-?\d+)?\s*:\s*"([^"\\]+)"\s*$', grammar, re.M)
    return {value for _, value in found if NAME.fullmatch(value)}


def test_the_grammar_keywords_are_read_as_the_parser_reads_them():
    from kpispec.syntax.grammar import grammar_text, tables

    keywords = grammar_keywords(grammar_text())
    assert keywords == set(tables()["keywords"]["NAME"])
    assert {"plan", "kpi", "assert", "target", "to", "per"} <= keywords


@pytest.mark.parametrize("keyword", sorted(grammar_keywords((ROOT / "grammar" / "kpispec.lark").read_text("utf-8"))))
def test_every_grammar_keyword_is_lexed_as_a_keyword(keyword):
    # at the top level, inside a block, and after an amount (`5 per`: not the amount's unit word)
    assert significant(keyword) == [(significant(keyword)[0][0], keyword)]
    assert significant(keyword)[0][0] in Keyword
    inside = significant(f"kpi x {{ {keyword} }}")
    assert inside[3][1] == keyword and inside[3][0] in Keyword
    after = significant(f"kpi x {{ target 5 {keyword} }}")
    assert after[5][1] == keyword and after[5][0] in Keyword
    # and only as a whole word, as the grammar's NAME reads it
    for word in (keyword + "s", keyword + "売上", "x" + keyword):
        assert significant(word) == [(Name, word)]


def test_declarations_and_attributes():
    tokens = significant('kpi cvr "CVR" { ksf conversion  kgi revenue  cadence weekly }\nksf conversion\nassert a >= 1')
    assert tokens[0] == (Keyword.Declaration, "kpi")
    assert tokens[1] == (Name.Class, "cvr")
    # inside a block, ksf and kgi are links (attributes); at the top level, declarations
    assert (Keyword, "ksf") in tokens and (Keyword, "kgi") in tokens
    assert (Name.Constant, "weekly") in tokens
    assert tokens[-6:] == [
        (Keyword.Declaration, "ksf"), (Name.Class, "conversion"),
        (Keyword.Declaration, "assert"), (Name, "a"), (Operator, ">="), (Number, "1"),
    ]


PLAN = '''\
# 2026年度の計画
plan fy2026 "計画" {
  period 2026-04-01 to 2027-03-31
}

kgi 売上 "年間売上" {
  target 12億円 per 年
  deadline 2027-03-31
  description """
    一行目
    二行目 \\"引用\\"
    """
}

kpi 客単価 { ksf 売上  target >= 3,000円/人/月  baseline 1.2万 visitors  formula sum(a, b) × 2.5% ÷ 10k }
'''


def test_a_plan_token_by_token():
    tokens = significant(PLAN)
    assert tokens[:13] == [
        (Comment.Single, "# 2026年度の計画"),
        (Keyword.Declaration, "plan"), (Name.Class, "fy2026"),
        (String.Double, '"'), (String.Double, "計画"), (String.Double, '"'),
        (Punctuation, "{"),
        (Keyword, "period"), (Literal.Date, "2026-04-01"), (Keyword, "to"), (Literal.Date, "2027-03-31"),
        (Punctuation, "}"),
        (Keyword.Declaration, "kgi"),
    ]
    assert tokens[13] == (Name.Class, "売上")
    # 12億円: the number with its scale, then the unit; `per 年`: a keyword and a unit
    start = tokens.index((Keyword, "target"))
    assert tokens[start + 1:start + 5] == [(Number, "12億"), (Keyword.Type, "円"), (Keyword, "per"), (Keyword.Type, "年")]
    # the triple-quoted text is one string over three lines, escapes included
    description = tokens.index((Keyword, "description"))
    closing = tokens.index((Punctuation, "}"), description)
    string = tokens[description + 1:closing]
    assert all(token in String for token, _ in string)
    assert "".join(value for _, value in string) == '"""\n    一行目\n    二行目 \\"引用\\"\n    """'
    assert (String.Escape, '\\"') in string
    last = tokens[tokens.index((Keyword.Declaration, "kpi")):]
    assert last == [
        (Keyword.Declaration, "kpi"), (Name.Class, "客単価"), (Punctuation, "{"),
        (Keyword, "ksf"), (Name, "売上"),
        (Keyword, "target"), (Operator, ">="), (Number, "3,000"), (Keyword.Type, "円"),
        (Operator, "/"), (Keyword.Type, "人"), (Operator, "/"), (Keyword.Type, "月"),
        (Keyword, "baseline"), (Number, "1.2万"), (Keyword.Type, "visitors"),
        (Keyword, "formula"), (Name.Builtin, "sum"), (Punctuation, "("), (Name, "a"), (Punctuation, ","),
        (Name, "b"), (Punctuation, ")"), (Operator, "×"), (Number, "2.5%"), (Operator, "÷"), (Number, "10k"),
        (Punctuation, "}"),
    ]


@pytest.mark.parametrize("text,expected", [
    ("1,000", [(Number, "1,000")]),
    ("1_000_000", [(Number, "1_000_000")]),
    ("1e6", [(Number, "1e6")]),
    ("5M", [(Number, "5M")]),
    ("1億2,000万円", [(Number, "1億2,000万"), (Keyword.Type, "円")]),
    ("1万5千円", [(Number, "1万5千"), (Keyword.Type, "円")]),
    ("100ヶ月", [(Number, "100"), (Keyword.Type, "ヶ月")]),
    ("10kg", [(Number, "10"), (Keyword.Type, "kg")]),
    ("2026-04-01", [(Literal.Date, "2026-04-01")]),
    # only the grammar's glued counters and periods are units after a slash: 売上/人数 divides
    ("売上/人数", [(Name, "売上"), (Operator, "/"), (Name, "人数")]),
    ("a ≤ b", [(Name, "a"), (Operator, "≤"), (Name, "b")]),
    ("a == -b", [(Name, "a"), (Operator, "=="), (Operator, "-"), (Name, "b")]),
])
def test_numbers_units_and_operators(text, expected):
    assert significant(text) == expected


def test_a_stray_character_is_an_error_and_nothing_is_lost():
    text = 'kpi a { target １０００人 }\nowner "never closed\n'
    tokens = lex(text)
    assert "".join(value for _, value in tokens) == text
    assert [value for token, value in tokens if token in Error] == list("１０００")
    assert (Keyword, "owner") in tokens  # an unclosed string ends with its line


def test_pygments_finds_the_lexer_through_the_entry_point():
    from importlib.metadata import entry_points

    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert [ep.value for ep in entry_points(group="pygments.lexers") if ep.name == "kpi"] == ["kpispec.highlight:KpiLexer"]
    assert isinstance(get_lexer_by_name("kpi"), KpiLexer)
    assert isinstance(get_lexer_by_name("kpispec"), KpiLexer)
    assert isinstance(get_lexer_for_filename("plan.kpi"), KpiLexer)


def test_a_kpi_block_is_highlighted_by_markdown_as_mkdocs_configures_it():
    import markdown

    html = markdown.markdown("```kpi\nkpi a { target 5円 }\n```\n", extensions=["fenced_code", "codehilite"],
                             extension_configs={"codehilite": {"guess_lang": False}})
    assert '<div class="codehilite">' in html
    assert '<span class="kd">kpi</span>' in html and '<span class="kt">円</span>' in html

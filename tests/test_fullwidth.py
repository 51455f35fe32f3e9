"""Full-width characters: ids read in their NFKC form everywhere, full-width operators and spaces.

The policy (docs/language.md, "Full-width characters in ids"): an id is read in its NFKC form, as
Python reads identifiers (PEP 3131). `ＣＰＡ` and `CPA` are one id, half-width `ｾｯｼｮﾝ` is `セッション`,
`ＣＶＲ２` is `CVR2`; case is kept. Definitions, references, duplicates, did-you-mean, the compiled
JSON, `graph`, `diff` and `whatif` all see the read form; carets point at what was written. A word
whose NFKC form is a keyword (`ｔａｒｇｅｔ`) or no id (`①売上`) is KPI001. Operators stay half-width
(a full-width one is KPI001 with the fix, each fix read back here); U+3000 is white space.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import run_cli

from kpispec.api import analyze_text
from kpispec.resolve import walk
from kpispec.source import SourceFile
from kpispec.syntax import ast
from kpispec.syntax.names import NAME_PATTERN, normalise, read

PLAN = 'plan p "計画" { period 2026-04-01 to 2027-03-31 }\n'


def errors(text: str):
    return [d for d in analyze_text("t.kpi", text).diagnostics if d.severity.value == "error"]


def codes(text: str) -> list[str]:
    return [d.code for d in errors(text)]


def written(text: str, diagnostic) -> str:
    return text[diagnostic.span.start:diagnostic.span.end]


def at(text: str, diagnostic) -> tuple[int, int]:
    return SourceFile("t.kpi", text).position(diagnostic.span.start)


# ------------------------------------------------------------------ the policy itself


@pytest.mark.parametrize("word,as_read", [
    ("CPA", "CPA"),
    ("ＣＰＡ", "CPA"),
    ("ｃｐａ", "cpa"),  # case is kept
    ("ＣＶＲ２", "CVR2"),
    ("ｾｯｼｮﾝ", "セッション"),
    ("ﾃﾞｰﾀ", "データ"),  # four characters written, three read
    ("テ\u3099ータ", "データ"),  # decomposed (NFD) text, as saved by some editors
    ("⼈数", "人数"),  # a Kangxi radical, as a PDF's text has it
    ("ＣＶＲ＿２", "CVR_2"),
    ("売上", "売上"),
    ("訪問者数", "訪問者数"),
    ("ｔａｒｇｅｔ", None),  # a keyword once read
    ("①売上", None),  # `1売上`
    ("売上㈱", None),  # `売上(株)`
    ("温度℃", None),  # `温度°C`
])
def test_how_a_word_is_read(word, as_read):
    assert read(word) == as_read
    if as_read is not None:
        assert normalise(word) == as_read


def test_the_grammar_s_name_is_the_one_the_names_module_describes():
    from kpispec.language import KEYWORDS
    from kpispec.syntax.grammar import grammar_text, tables

    found = re.search(r"^NAME: /(.*)/$", grammar_text(), re.M)
    assert found.group(1) == NAME_PATTERN
    assert set(tables()["keywords"]["NAME"]) == set(KEYWORDS)


def test_whatever_name_takes_is_read_as_its_nfkc_form_or_refused():
    # Whatever NAME takes, `read` reads as an id or refuses (then KPI001): never a crash, never a
    # silent change of the text around it. Over every code point after `x` (start and middle).
    import unicodedata

    name = re.compile(NAME_PATTERN)
    for cp in range(0x80, 0x30000):
        char = chr(cp)
        if unicodedata.category(char) in ("Cs", "Cn"):
            continue
        word = "x" + char
        if name.fullmatch(word):
            got = read(word)
            assert got is None or got == unicodedata.normalize("NFKC", word)


# ------------------------------------------------------------------ definitions and references


@pytest.mark.parametrize("defined,referred", [
    ("ＣＰＡ", "CPA"), ("CPA", "ＣＰＡ"), ("ｾｯｼｮﾝ", "セッション"), ("セッション", "ｾｯｼｮﾝ"),
    ("ＣＶＲ２", "CVR2"), ("CVR2", "ＣＶＲ２"), ("ﾃﾞｰﾀ件数", "データ件数"), ("データ件数", "ﾃﾞｰﾀ件数"),
    ("⼈数", "人数"), ("テ\u3099ータ", "データ"),
])
def test_a_definition_and_a_reference_written_differently_are_one_id(defined, referred):
    text = (PLAN + f'kgi goal "売上" {{ target 100件 formula {referred} * 2 }}\n'
            f'kpi {defined} "入力" {{ target 50件 kgi goal }}\n'
            f'kpi other "他" {{ target 50件 formula {referred} }}\n')
    result = analyze_text("t.kpi", text)
    assert [d.code for d in result.diagnostics if d.severity.value == "error"] == []
    as_read = read(defined)
    assert as_read == read(referred)
    assert as_read in result.plan.nodes
    assert defined == as_read or defined not in result.plan.nodes
    refs = [n.name.text for n in walk(result.plan.nodes["goal"].formula) if isinstance(n, ast.Ref)]
    assert refs == [as_read]
    # the reference keeps the span of what was written
    ref = next(n for n in walk(result.plan.nodes["goal"].formula) if isinstance(n, ast.Ref))
    assert text[ref.span.start:ref.span.end] == referred


def test_links_read_ids_the_same_way():
    text = (PLAN + 'kgi ＲＥＶ "売上" { target 100件 }\n'
            'ksf ｾｰﾙｽ "営業" { kgi REV }\n'
            'kpi leads "リード" { target 100件 ksf セールス formula 1件 * 100 }\n')
    result = analyze_text("t.kpi", text)
    assert codes(text) == []
    assert [link.name.text for link in result.plan.nodes["leads"].links] == ["セールス"]
    assert [link.name.text for link in result.plan.nodes["セールス"].links] == ["REV"]


def test_case_is_not_folded_and_the_suggestion_says_the_id():
    for ref in ("cpa", "ｃｐａ"):
        text = PLAN + 'kpi CPA "CPA" { target <= 5,000円 }\nkpi x "X" { target 5件 formula ' + ref + ' * 1件 }\n'
        (d,) = errors(text)
        assert d.code == "KPI102"
        assert d.message.en == "`cpa` is not defined in this plan"  # quoted as read
        assert d.help.en == "did you mean `CPA`?"
        assert written(text, d) == ref


def test_did_you_mean_compares_the_read_forms():
    text = PLAN + 'kpi CPA "CPA" { target <= 5,000円 }\nkpi x "X" { target 5件 formula ＣＰＸ * 1件 }\n'
    (d,) = errors(text)
    assert (d.code, d.help.en, d.help.ja) == ("KPI102", "did you mean `CPA`?", "`CPA` のことですか？")
    assert d.message.en == "`CPX` is not defined in this plan"
    assert written(text, d) == "ＣＰＸ"


def test_did_you_mean_in_a_large_plan_compares_the_read_forms():
    # beyond Suggester.SMALL names the index is used: it meets the read form too
    kpis = "".join(f'kpi ｾｯｼｮﾝ{i} "S{i}" {{ target 5件 }}\n' for i in range(100))
    text = PLAN + kpis + 'kpi x "X" { target 5件 formula セッショソ7 }\n'  # ソ for ン
    (d,) = errors(text)
    assert d.code == "KPI102" and d.help.en == "did you mean `セッション7`?"


def test_suggestions_compare_the_read_form_of_a_word_given_as_written():
    # the plan's ids arrive read; a word from elsewhere (a command-line id, a keyword typed in
    # full-width letters) is read the same way before it is compared
    from kpispec.suggest import Suggester, closest

    assert closest("ｆｏｒｍｕｌｘ", ["formula", "target"]) == "formula"
    assert Suggester(["CPA", "CVR"]).closest("ＣＰＸ") == "CPA"
    assert Suggester([f"id{i}" for i in range(100)] + ["CPA"]).closest("ｃｐａ") == "CPA"  # the index


def test_a_length_changing_name_is_underlined_as_written(tmp_path):
    text = PLAN + 'kpi x "X" { target 5件 formula ﾃﾞｰﾀ件数x }\n'
    (d,) = errors(text)
    assert d.message.en == "`データ件数x` is not defined in this plan"
    assert written(text, d) == "ﾃﾞｰﾀ件数x"
    plan = tmp_path / "plan.kpi"
    plan.write_text(text, encoding="utf-8")
    out = run_cli("check", plan)
    block = out.stdout[out.stdout.index("error[KPI102]"):]
    caret = next(line for line in block.splitlines() if "^" in line)
    # half-width katakana are one column each, 件数 two each: 4 + 4 + 1 carets
    assert caret.count("^") == 9


def test_the_driver_and_lark_build_the_same_names():
    from kpispec.syntax.grammar import lark_parser, parser

    text = PLAN + 'kpi ﾃﾞｰﾀ "D" { target 5件 }\nkpi ＣＰＡ "C" { target 5件 formula ﾃﾞｰﾀ + データ + ⼈数 }\n'
    ours, _ = parser().parse(text)
    assert lark_parser().parse(text) == ours


# ------------------------------------------------------------------ duplicates


def test_two_spellings_of_one_id_are_a_duplicate_with_a_note():
    text = PLAN + 'kpi ＣＰＡ "CPA" { target <= 5,000円 }\nkpi CPA "CPA 2" { target <= 4,000円 }\n'
    (d,) = errors(text)
    assert d.code == "KPI101"
    assert d.message.en == "`CPA` is already defined (as a KPI at line 2)"
    assert written(text, d) == "CPA" and at(text, d) == (3, 5)
    assert written(text, d.labels[0]) == "ＣＰＡ"
    (note,) = d.notes
    assert note.en.startswith("`ＣＰＡ` and `CPA` are the same id, `CPA`: an id is read in its NFKC form")
    assert note.ja.startswith("`ＣＰＡ` と `CPA` は同じ ID `CPA` です")


def test_a_duplicate_written_alike_has_no_note():
    text = PLAN + 'kpi CPA "CPA" { target <= 5,000円 }\nkpi CPA "CPA 2" { target <= 4,000円 }\n'
    (d,) = errors(text)
    assert d.code == "KPI101" and d.notes == ()


def test_half_width_katakana_duplicates():
    text = PLAN + 'kpi セッション "A" { target 5件 }\nparam ｾｯｼｮﾝ = 3\n'
    (d,) = errors(text)
    assert d.code == "KPI101" and "`セッション`" in d.message.en and written(text, d) == "ｾｯｼｮﾝ"


# ------------------------------------------------------------------ keywords and words that read as no id


@pytest.mark.parametrize("text,word,where", [
    (PLAN + 'kpi a "A" {\n  ｔａｒｇｅｔ 5件\n}\n', "ｔａｒｇｅｔ", (3, 3)),
    (PLAN + 'kpi ｔａｒｇｅｔ "A" { target 5件 }\n', "ｔａｒｇｅｔ", (2, 5)),
    (PLAN + 'kpi a "A" { target 5件 ｐｅｒ month }\n', "ｐｅｒ", (2, 23)),
    ('ｐｌａｎ p "計画" { period 2026-04-01 to 2027-03-31 }\n', "ｐｌａｎ", (1, 1)),
])
def test_a_keyword_in_full_width_letters_is_kpi001_with_the_fix(text, word, where):
    (d,) = errors(text)
    keyword = normalise(word)
    assert d.code == "KPI001"
    assert d.message.en == f"full-width letters in the keyword `{keyword}`: `{word}` is read as `{keyword}`"
    assert d.message.ja == f"キーワード `{keyword}` に全角文字が使われています（`{word}` は `{keyword}` と読まれます）"
    assert f"`{keyword}`" in d.help.en and f"`{keyword}`" in d.help.ja
    assert written(text, d) == word and at(text, d) == where
    # the fix, read back: the keyword in half-width letters parses (where an id was meant, another word)
    fixed = text[:d.span.start] + (keyword if where != (2, 5) else keyword + "2") + text[d.span.end:]
    assert not [c for c in codes(fixed) if c.startswith("KPI0")]


def test_a_capitalised_full_width_keyword_is_an_unknown_attribute_with_the_suggestion():
    (d,) = errors(PLAN + 'kpi a "A" { Ｆｏｒｍｕｌａ 5件 }\n')
    assert d.code == "KPI002" and d.help.en == "did you mean `formula`?"


def test_full_width_cadence_and_unit_words_are_read_as_half_width():
    text = PLAN + 'kpi a "A" { target 5 ＵＳＤ per ｍｏｎｔｈ cadence ｗｅｅｋｌｙ }\n'
    result = analyze_text("t.kpi", text)
    assert codes(text) == []
    node = result.plan.nodes["a"]
    assert (node.cadence, node.target.value.unit.code, node.target.value.per) == ("weekly", "USD", "month")


@pytest.mark.parametrize("text,word,read_as,where", [
    (PLAN + 'kpi ①売上 "A" { target 5件 }\n', "①売上", "1売上", (2, 5)),
    (PLAN + 'kpi x "X" { target 5件 formula ②件数 }\n', "②件数", "2件数", (2, 31)),
    (PLAN + 'kpi 売上㈱ "A" { target 5件 }\n', "売上㈱", "売上(株)", (2, 5)),
    (PLAN + 'kpi 温度℃ "A" { target 5件 }\n', "温度℃", "温度°C", (2, 5)),
    (PLAN + 'kpi a "A" {\n  target 5件 per month\n  milestones {\n    Q1: 5 ①\n  }\n}\n', "①", "1", (5, 11)),
])
def test_a_word_that_reads_as_no_id_is_kpi001_where_it_was_written(text, word, read_as, where, tmp_path):
    (d,) = errors(text)
    assert d.code == "KPI001"
    assert d.message.en == f"`{word}` is read as `{read_as}`, which is not an id"
    assert d.message.ja == f"`{word}` は `{read_as}` と読まれ、ID になりません"
    assert written(text, d) == word and at(text, d) == where
    plan = tmp_path / "plan.kpi"
    plan.write_text(text, encoding="utf-8")
    out = run_cli("check", "--lang", "ja", plan)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert f"エラー[KPI001]: `{word}` は `{read_as}` と読まれ、ID になりません\n --> {plan}:{where[0]}:{where[1]}\n" in out.stdout


def test_the_first_problem_in_the_text_is_the_one_reported():
    bad_first = PLAN + 'kpi ①a "A" { target 5件 }\nkpi b "B" { target }\n'
    assert [(d.code, at(bad_first, d)) for d in errors(bad_first)] == [("KPI001", (2, 5))]
    syntax_first = PLAN + 'kpi b "B" { target }\nkpi ①a "A" { target 5件 }\n'
    assert [(d.code, at(syntax_first, d)) for d in errors(syntax_first)] == [("KPI002", (2, 19))]
    # a block's id is reduced after its body: still the id, which comes first, is reported
    late = PLAN + 'kpi ①a "A" { target 5件 formula ②b }\n'
    assert [(d.code, at(late, d)) for d in errors(late)] == [("KPI001", (2, 5))]


def test_full_width_digits_in_a_number_stay_an_error_and_in_an_id_are_digits():
    (d,) = errors(PLAN + 'kpi visitors "訪問者数" { target １０００人 }\n')
    assert d.code == "KPI001" and d.help.en == "write the number with half-width digits: `1000人`"
    assert codes(PLAN + 'kpi ＣＶＲ２ "CVR" { target 2% }\nkpi x "X" { target 1% formula CVR2 / 2 }\n') == []


# ------------------------------------------------------------------ operators and spaces

# (what is written in a formula or assert, the half-width fix the message gives)
OPERATORS = [
    ("a ＊ b", "＊", "*"), ("a ＋ b", "＋", "+"), ("a － b", "－", "-"), ("a ／ b", "／", "/"),
    ("（a + b) * 2", "（", "("), ("(a + b） * 2", "）", ")"), ("a − b", "−", "-"), ("a﹣b", "﹣", "-"),
    ("a・b", "・", "*"),
]
COMPARATORS = [
    ("a ＜ b", "＜", "<"), ("a ＞ b", "＞", ">"), ("a ≧ b", "≧", ">="), ("a ≦ b", "≦", "<="),
    ("a ＞＝ b", "＞＝", ">="), ("a ＜＝ b", "＜＝", "<="), ("a ＝＝ b", "＝＝", "=="),
]
BASE = PLAN + 'kpi a "A" { target 5件 }\nkpi b "B" { target 5件 }\n'


def _check_fix(text, written_, fix):
    (d,) = errors(text)
    assert d.code == "KPI001", d.message.en
    assert written(text, d) == written_
    assert f"`{fix}`" in d.help.en and f"`{fix}`" in d.help.ja
    assert f"`{written_}`" in d.message.en and f"`{written_}`" in d.message.ja
    fixed = text[:d.span.start] + fix + text[d.span.end:]
    assert not [c for c in codes(fixed) if c.startswith("KPI0")], fixed  # the fix parses
    return d


@pytest.mark.parametrize("formula,written_,fix", OPERATORS)
def test_a_full_width_operator_in_a_formula_is_kpi001_with_a_fix_that_parses(formula, written_, fix):
    _check_fix(BASE + f'kpi c "C" {{ target 10件 formula {formula} }}\n', written_, fix)


@pytest.mark.parametrize("expression,written_,fix", COMPARATORS)
def test_a_full_width_comparator_in_an_assert_is_kpi001_with_a_fix_that_parses(expression, written_, fix):
    _check_fix(BASE + f'assert {expression} "比較"\n', written_, fix)


def test_full_width_equals_and_a_target_comparator():
    _check_fix(BASE + "param x ＝ 5\n", "＝", "=")
    _check_fix(BASE + 'kpi c "C" { target ≧ 5件 }\n', "≧", ">=")
    _check_fix(BASE + 'kpi c "C" { target ≦ 5件 }\n', "≦", "<=")


def test_the_operator_messages_in_both_languages():
    d = _check_fix(BASE + 'kpi c "C" { target 10件 formula a ＊ b }\n', "＊", "*")
    assert (d.message.en, d.message.ja) == ("full-width `＊` cannot be used here", "全角の `＊` はここでは使えません")
    assert (d.help.en, d.help.ja) == ("write the half-width `*` instead", "半角の `*` を使ってください")
    d = _check_fix(BASE + 'assert a ≧ b\n', "≧", ">=")
    assert (d.message.en, d.message.ja) == ("`≧` cannot be used here", "`≧` はここでは使えません")
    assert (d.help.en, d.help.ja) == ("write `>=` instead", "`>=` を使ってください")


@pytest.mark.parametrize("op,read_as", [("×", "*"), ("÷", "/"), ("*", "*"), ("/", "/")])
def test_times_and_divide_signs_are_operators(op, read_as):
    result = analyze_text("t.kpi", BASE + f'kpi c "C" {{ target 1件 formula a {op} b }}\n')
    assert not [d for d in result.diagnostics if d.code.startswith("KPI0")]
    assert result.plan.nodes["c"].formula.op == read_as


def test_full_width_spaces_are_white_space_between_every_token():
    ascii_ = BASE + 'kpi c "C" { target 10件 formula (a + b) * 2 - sum(a, b) }\nassert a >= b "x"\nparam k = 2 * 3\n'
    wide = ascii_.replace(" ", "\u3000").replace('"\u3000{', '" {')  # in the labels too: they are texts
    wide = re.sub(r'"[^"\n]*"', lambda m: m.group(0).replace("\u3000", " "), wide)
    assert "\u3000formula\u3000(a\u3000+\u3000b)\u3000*\u30002" in wide
    first, second = analyze_text("t.kpi", ascii_), analyze_text("t.kpi", wide)
    assert [d.code for d in second.diagnostics] == [d.code for d in first.diagnostics]
    assert not [d for d in second.diagnostics if d.code.startswith("KPI0")]

    def shape(e):
        return [type(n).__name__ + (n.op if isinstance(n, ast.Binary) else "") for n in walk(e)]

    assert shape(second.plan.nodes["c"].formula) == shape(first.plan.nodes["c"].formula)


# ------------------------------------------------------------------ the commands


FILE = (PLAN + 'kgi 売上 "売上" {\n  target 1,000万円\n  formula ＣＰＡ * 件数\n}\n'
        'ksf ｾｰﾙｽ "営業" { kgi 売上 }\n'
        'kpi CPA "CPA" {\n  target <= 5,000円\n  ksf セールス\n}\n'
        'kpi 件数 "件数" { target 2,000件 ksf ｾｰﾙｽ }\n')


def test_compiled_json_carries_the_read_ids(tmp_path):
    plan = tmp_path / "plan.kpi"
    plan.write_text(FILE, encoding="utf-8")
    out = run_cli("compile", plan)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    (kgi,) = data["kgis"]
    assert kgi["formula"]["inputs"] == ["CPA", "件数"]
    assert kgi["formula"]["text"] == "CPA * 件数"
    assert kgi["formula"]["expr"]["left"] == {"type": "ref", "id": "CPA"}
    assert [k["id"] for k in data["ksfs"]] == ["セールス"]
    assert {k["id"]: k["ksfs"] for k in data["kpis"]} == {"CPA": ["セールス"], "件数": ["セールス"]}
    assert "ＣＰＡ" not in out.stdout and "ｾｰﾙｽ" not in out.stdout


def test_graph_draws_one_node_per_id(tmp_path):
    plan = tmp_path / "plan.kpi"
    plan.write_text(FILE, encoding="utf-8")
    out = run_cli("graph", plan, "--format", "dot")
    assert out.returncode == 0, out.stderr
    assert "ＣＰＡ" not in out.stdout and "ｾｰﾙｽ" not in out.stdout
    nodes = re.findall(r'^    "([^"]+)" \[shape', out.stdout, re.M)
    assert nodes == ["売上", "セールス", "CPA", "件数"]  # each id once, as read
    edges = re.findall(r'^    "([^"]+)" -> "([^"]+)"', out.stdout, re.M)
    assert ("売上", "CPA") in edges and ("セールス", "CPA") in edges and ("セールス", "件数") in edges
    assert {name for edge in edges for name in edge} == set(nodes)


def test_whatif_set_solve_and_goal_read_ids_as_the_plan_does(tmp_path):
    plan = tmp_path / "plan.kpi"
    plan.write_text(FILE, encoding="utf-8")
    out = run_cli("whatif", plan, "--set", "ＣＰＡ＝4,000円")
    assert out.returncode == 0, out.stderr
    assert "CPA = 4,000円" in out.stdout
    out = run_cli("whatif", plan, "--solve", "ＣＰＡ", "--goal", "売上")
    assert out.returncode == 0, out.stderr
    assert "Solving for CPA" in out.stdout
    out = run_cli("whatif", plan, "--set", "ＣＰＸ=4,000円")
    assert out.returncode != 0
    assert "`CPX`; did you mean `CPA`?" in out.stderr


def test_diff_sees_no_change_between_two_spellings(tmp_path):
    old, new = tmp_path / "old.kpi", tmp_path / "new.kpi"
    old.write_text(FILE, encoding="utf-8")
    new.write_text(FILE.replace("ＣＰＡ", "CPA").replace("ｾｰﾙｽ", "セールス"), encoding="utf-8")
    out = run_cli("diff", old, new)
    assert out.returncode == 0, out.stderr
    assert "no semantic change" in out.stdout
    changed = tmp_path / "changed.kpi"
    changed.write_text(FILE.replace("target <= 5,000円", "target <= 4,000円"), encoding="utf-8")
    out = run_cli("diff", new, changed)
    assert "~ CPA target: <= 5,000円 → <= 4,000円" in out.stdout


def test_check_quotes_the_read_id_and_points_at_the_written_one(tmp_path):
    plan = tmp_path / "plan.kpi"
    plan.write_text(PLAN + 'kpi ＣＰＡ "CPA" { target <= 5,000円 }\nkpi CPA "CPA 2" { target <= 4,000円 }\n',
                    encoding="utf-8")
    out = run_cli("check", plan, "--lang", "ja")
    assert "エラー[KPI101]: `CPA` はすでに定義されています（2 行目の KPI）" in out.stdout
    assert f"{plan}:3:5" in out.stdout
    assert "注記: `ＣＰＡ` と `CPA` は同じ ID `CPA` です" in out.stdout

"""Under `--lang ja`, every diagnostic speaks Japanese: no English word outside what the user wrote.

Every plan the tests, examples and docs keep (golden, corpus, per-check fixtures, examples, the
rules' failing examples) is analysed, and each diagnostic's message, labels, notes and help are
read in Japanese. A word of ASCII letters is allowed only where it is not the tool's own prose:
inside `backticks` (quoted source: keywords, ids, values as written) or 「brackets」 (a label or
text the user wrote); an id, unit word or label word the plan itself contains (not one of the
language's keywords, periods, cadences or time units, which a Japanese message writes in
Japanese or quotes); a rule code; or a name Japanese teams use as is (KPI, CVR, UTF-8, LINE …).
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

from kpispec import api
from kpispec.codes import all_rules
from kpispec.language import CADENCES, FUNCTIONS, KEYWORDS, PERIODS, RAMPS

# The language's own English vocabulary: a Japanese message says these in Japanese, or quotes them.
VOCABULARY = (set(KEYWORDS) | set(PERIODS) | set(CADENCES) | set(FUNCTIONS) | set(RAMPS)
              | {p + "s" for p in PERIODS} | {"unit", "units", "no"})
# Names that Japanese marketing teams write in Latin letters.
AS_IS = {
    "KPI", "KGI", "KSF", "CVR", "CV", "CPA", "CPL", "CPC", "CPM", "CTR", "ROAS", "ROI", "LTV", "CAC", "ARPU", "AOV",
    "ID", "kpispec", "UTF", "NUL", "BOM", "CP", "Shift_JIS", "JSON", "SARIF", "MB", "kB", "GB", "LINE", "YouTube", "Instagram", "TikTok",
    "GA", "JPY", "USD", "EUR", "GBP", "CNY", "KRW", "TWD", "HKD", "SGD", "AUD", "CAD", "CHF", "INR", "THB",
}
WORD = re.compile(r"[A-Za-z][A-Za-z_']*[A-Za-z]")
QUOTED = re.compile(r"`[^`]*`|「[^」]*」|\b0x[0-9a-fA-F]+\b|U\+[0-9A-F]{4,6}|KPI\d{3}")


def plans() -> list[tuple[str, str]]:
    found = []
    for folder in ("tests/golden", "tests/corpus", "tests/checks", "tests/planning", "examples", "docs"):
        for path in sorted((ROOT / folder).rglob("*.kpi")):
            found.append((str(path.relative_to(ROOT)), path.read_bytes()))
    for rule in all_rules():
        for kind, block in re.findall(r"## (Fails|Passes)\n```kpi\n(.*?)```", rule.doc, re.S):
            found.append((f"{rule.code}-{kind}.kpi", block.encode("utf-8")))
    return found


def english_words(text: str, allowed: set[str]) -> list[str]:
    text = QUOTED.sub(" ", text)
    # `23.34円 per visitor`: an amount per a count word the plan wrote, as the language writes it (a
    # slash glues only periods and counters such as 人): `per` is part of the user's unit there
    text = re.sub(r"\bper\s+([A-Za-z_][\w']*)", lambda m: m.group(1) if m.group(1) in allowed else m.group(0), text)
    return [w for w in WORD.findall(text) if w not in allowed and w not in AS_IS]


def texts(d):
    yield "message", d.message.ja
    if d.primary_label is not None:
        yield "label", d.primary_label.ja
    for label in d.labels:
        if label.message is not None:
            yield "label", label.message.ja
    for note in d.notes:
        yield "note", note.ja
    if d.help is not None:
        yield "help", d.help.ja


def leaks() -> list[str]:
    found = []
    for name, data in plans():
        text = data.decode("utf-8", "replace")
        allowed = {w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_']*", text) if w not in VOCABULARY}
        for d in api.analyze_bytes(name, data).diagnostics:
            for part, t in texts(d):
                words = english_words(t, allowed)
                if words:
                    found.append(f"{name} {d.code} {part}: {t}  <- {words}")
    return found


def test_every_diagnostic_reads_in_japanese():
    found = leaks()
    assert not found, f"{len(found)} Japanese texts with English words:\n" + "\n".join(found[:60])


@pytest.mark.parametrize("text, words", [
    ("`revenue` には目標値（1億円/月）があります", []),
    ("目標値（1億円 per month）", ["per", "month"]),
    ("計測頻度（cadence）がありません", ["cadence"]),
    ("150 days で", ["days"]),
    ("「engaged sessions」は KPI です", []),
])
def test_the_detector(text, words):
    assert english_words(text, set()) == words


# ------------------------------------------------------------------ amounts in 万 and 億
#
# Japanese output writes amounts as Japanese does, in 万 (10^4), 億 (10^8) and 兆 (10^12) sections,
# each grouped by thousands; English output keeps Western grouping. Each expected text is written
# out by hand.

from fractions import Fraction as F  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kpispec import display  # noqa: E402
from kpispec.units import Unit  # noqa: E402

JPY, PEOPLE, NONE, MONTHS = Unit("currency", "JPY"), Unit("count", "人"), Unit("none", None), Unit("time", "month")


@pytest.mark.parametrize("value, unit, per, percent, ja, en", [
    (F(120_000_000), JPY, None, False, "1億2,000万円", "120,000,000円"),
    (F(96_000_000), JPY, None, False, "9,600万円", "96,000,000円"),
    (F(960_000_000), JPY, "year", False, "9億6,000万円/年", "960,000,000円 per year"),
    (F(1_234_567_890), JPY, None, False, "12億3,456万7,890円", "1,234,567,890円"),
    (F(1_200_000_000_000), JPY, None, False, "1兆2,000億円", "1,200,000,000,000円"),
    (F(100_000_005), JPY, None, False, "1億5円", "100,000,005円"),
    (F(-120_000_000), JPY, "month", False, "-1億2,000万円/月", "-120,000,000円 per month"),
    (F(1_000_000), PEOPLE, "month", False, "100万人/月", "1,000,000人 per month"),
    (F(10_000), JPY, None, False, "1万円", "10,000円"),
    (F(9_999), JPY, None, False, "9,999円", "9,999円"),
    (F(313, 10_000), NONE, None, True, "3.13%", "3.13%"),
    (F(125), NONE, None, True, "12,500%", "12,500%"),  # a percentage keeps its digits
    (F(3), MONTHS, None, False, "3か月", "3 months"),
    (F(1, 3), JPY, None, False, "0.333円", "0.333円"),
])
def test_amounts_in_japanese_sections(value, unit, per, percent, ja, en):
    assert display.amount(value, unit, per, percent, "ja") == ja
    assert display.amount(value, unit, per, percent, "en") == en


def test_compared_amounts_that_need_more_digits_stay_apart_in_japanese():
    # 120,000,000.391円 and 120,000,000.399円 read alike up to two decimals, which are kept, after 万.
    values = [F(120_000_000_391, 1000), F(120_000_000_399, 1000)]
    assert display.compared_amounts(values, JPY, None, lang="ja") == ["1億2,000万0.39円", "1億2,000万0.4円"]
    assert display.compared_amounts(values, JPY, None, lang="en") == ["120,000,000.39円", "120,000,000.4円"]
    assert display.amount(F(1_234_567, 100), JPY, None, lang="ja", decimals=2) == "1万2,345.67円"


def _read_back(text: str) -> F:
    """The value the language reads from `text` written as a param (a leading minus is an operator)."""
    if text.startswith("-"):
        return -_read_back(text[1:])
    result = api.analyze_text("n.kpi", 'plan p "p" { period 2026-04-01 to 2027-03-31 }\nparam x "x" = ' + text + "\n",
                              checks=False)
    assert result.ok, (text, [d.message.en for d in result.diagnostics])
    from kpispec.resolve import normalise

    return F(normalise(result.source, result.plan.params["x"].expr).value)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=-10**15, max_value=10**15), st.integers(min_value=0, max_value=2))
def test_every_japanese_amount_reads_back_as_the_same_value(n, decimals):
    value = F(n, 10**decimals)
    text = display.amount(value, JPY, None, lang="ja", decimals=decimals)
    assert _read_back(text) == value, text


# ------------------------------------------------------------------ a configuration's errors


@pytest.mark.parametrize("toml, en, ja", [
    ('severty = {}\n',
     'kpispec.toml:1:1: unknown setting severty (did you mean "severity"?); known settings: disable, '
     'extend-vanity-metrics, growth-bound, max-kgis, severity, vanity-metrics',
     'kpispec.toml:1:1：未知の設定 severty（"severity" のことですか？）。使える設定：disable, '
     'extend-vanity-metrics, growth-bound, max-kgis, severity, vanity-metrics'),
    ('growth-bound = "3"\n',
     'kpispec.toml:1:1: growth-bound must be a number above 1 such as 3, not "3" (write the number without quotes)',
     'kpispec.toml:1:1：growth-bound は 1 より大きい数（例：3）でなければなりません（"3" になっています）。'
     '数値は引用符なしで書いてください'),
    ('x = \n', 'kpispec.toml:1:5: invalid TOML: Invalid value',
     'kpispec.toml:1:5：TOML として読めません：値が読めません'),
    ('[severity]\nKPI3O1 = "warning"\n',
     'kpispec.toml:2:1: severity: unknown rule code "KPI3O1" (did you mean "KPI301"?)',
     'kpispec.toml:2:1：severity：未知のルールのコード "KPI3O1"（"KPI301" のことですか？）'),
])
def test_a_configuration_s_errors_in_both_languages(tmp_path, toml, en, ja):
    from conftest import run_cli

    (tmp_path / "kpispec.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "a.kpi").write_text('plan p "p" { period 2026-04-01 to 2027-03-31 }\n', encoding="utf-8")
    english = run_cli("check", "a.kpi", cwd=tmp_path)
    japanese = run_cli("check", "a.kpi", cwd=tmp_path, env={"KPISPEC_LANG": "ja"})
    assert (english.returncode, english.stderr) == (2, f"kpispec: error: {en}\n")
    assert (japanese.returncode, japanese.stderr) == (2, f"kpispec: エラー: {ja}\n")


@pytest.mark.parametrize("ratio, text", [(F(1), "100%"), (F(99_999, 100_000), "99.999%"), (F(1, 3), "33.3%"),
                                         (F(999_999_999, 10**9), ">99.999999%"), (F(1, 10**9), "<0.000001%"),
                                         (F(1_000_000_001, 10**9), ">100%")])
def test_a_share_reads_neither_0_nor_100_percent_unless_it_is(ratio, text):
    # A goal short by 99.999% of its target printed "(100%) short".
    assert display.share(ratio) == text


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=10**13), st.sampled_from([
    (Unit("currency", "JPY", "人"), "month"), (Unit("count", "人"), "month"), (Unit("currency", "JPY", "visitor"), None),
    (Unit("count", "visitors"), "year"), (Unit("currency", "JPY"), "quarter"), (Unit("count", "件", "人"), None)]))
def test_japanese_amounts_with_their_units_and_periods_read_back(n, unit_per):
    # `2,000円/人/月`, `23.34円 per visitor` (a slash glues only periods and counters), `1億2,000万人/月`
    unit, per = unit_per
    value = F(n, 100)
    text = display.amount(value, unit, per, lang="ja", decimals=2)
    assert _read_back(text) == value, text


def test_kpi306_says_a_ceiling_is_set_too_high_not_too_low():
    # 100,000 clicks at most 100円 each imply at most 1,000万円 against a 3,000万円 ceiling: a loose ceiling.
    plan = (ROOT / "tests" / "checks" / "KPI306" / "fail_ceiling_too_high.kpi").read_bytes()
    [d] = [d for d in api.analyze_bytes("c.kpi", plan).diagnostics if d.code == "KPI306"]
    assert d.message.en.endswith("0.33× its target 30,000,000円 per month: the ceiling may be set too high")
    assert d.message.ja.endswith("目標値 3,000万円/月 の 0.33 倍です。上限が高すぎる可能性があります")
    assert d.help.en.startswith("lower the ceiling") and d.help.ja.startswith("計画が本当に目指す値まで上限を引き下げる")

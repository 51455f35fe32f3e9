"""Rule documentation: generated pages are committed and current; stage codes' examples work."""

import re

import pytest

from conftest import ROOT

from kpispec.api import analyze_text
from kpispec.codes import STAGE_RULES, all_rules
from kpispec.rulesdoc import pages


def test_committed_rule_pages_are_current():
    folder = ROOT / "docs" / "rules"
    generated = pages()
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert committed == generated, "docs/rules is stale: run `uv run python -m kpispec.rulesdoc docs/rules`"


def test_codes_unique():
    codes = [r.code for r in all_rules()]
    assert len(codes) == len(set(codes))


TESTABLE = [r for r in STAGE_RULES if r.code not in ("KPI005", "KPI007", "KPI901", "KPI902")]


@pytest.mark.parametrize("rule", TESTABLE, ids=[r.code for r in TESTABLE])
def test_stage_rule_examples(rule):
    blocks = dict(re.findall(r"## (Fails|Passes)\n```kpi\n(.*?)```", rule.doc, re.S))
    failing = {d.code for d in analyze_text("doc.kpi", blocks["Fails"]).diagnostics}
    passing = {d.code for d in analyze_text("doc.kpi", blocks["Passes"]).diagnostics}
    assert rule.code in failing, (rule.code, failing)
    assert rule.code not in passing, (rule.code, passing)


def test_every_code_the_tool_emits_is_documented():
    documented = {r.code for r in all_rules()}
    emitted = set()
    for path in (ROOT / "kpispec").rglob("*.py"):
        emitted |= set(re.findall(r'"(KPI[0-9]{3})"', path.read_text(encoding="utf-8")))
    assert emitted <= documented, emitted - documented


# ------------------------------------------------------------------ the Japanese documentation

from conftest import run_cli  # noqa: E402

from kpispec import rulesdoc  # noqa: E402
from kpispec.codes import (  # noqa: E402
    JA_SECTIONS, BadJapaneseDoc, Rule, japanese_source, read_japanese, sections,
)

RULES_JA = ROOT / "kpispec" / "rules_ja"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")  # kana and kanji
# An inline code span as Markdown reads it: a run of backticks, then text up to a run of as many.
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
KPI_BLOCK = re.compile(r"^```kpi\n.*?^```$", re.M | re.S)


def spans(text: str) -> set[str]:
    """The inline code spans of `text` (each as Markdown shows it: a line break inside is a space,
    the spaces around it are not shown) and the rule codes it names."""
    found = {" ".join(m.group(2).split()) or m.group(2) for m in CODE_SPAN.finditer(text)}
    return found | set(re.findall(r"KPI\d{3}", CODE_SPAN.sub("", text)))


def test_committed_japanese_rule_pages_are_current():
    folder = ROOT / "docs" / "ja" / "rules"
    generated = pages(lang="ja")
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert committed == generated, "docs/ja/rules is stale: run `uv run python -m kpispec.rulesdoc docs/rules`"


def test_every_rule_has_a_japanese_doc_and_every_file_a_rule():
    codes = {r.code for r in all_rules()}
    files = {p.stem for p in RULES_JA.iterdir()}
    assert sorted(codes - files) == [], "rules without kpispec/rules_ja/CODE.md"
    assert sorted(files - codes) == [], "files in kpispec/rules_ja/ that are no rule's"


def _japanese(rule):
    text = japanese_source(rule.code)
    if text is None:
        pytest.fail(f"kpispec/rules_ja/{rule.code}.md is missing")
    return text


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_japanese_doc_is_a_title_and_three_sections_of_japanese_prose(rule):
    raw = (RULES_JA / f"{rule.code}.md").read_bytes() if (RULES_JA / f"{rule.code}.md").exists() else b""
    text = _japanese(rule)
    assert b"\r" not in raw and raw.endswith(b"\n") and not raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with LF line ends"
    title, found = read_japanese(text)  # the title, then 検査内容, 理由, 修正 in this order, none empty
    assert list(found) == list(JA_SECTIONS)
    for name, body in {"title": title, **found}.items():
        assert JAPANESE.search(body), (rule.code, name, "no Japanese text")
    # prose only: no heading beyond the three, and no example (they come from the English doc)
    assert len(re.findall(r"^#", text, re.M)) == 3, (rule.code, "a heading other than the three sections")
    assert "```" not in text, (rule.code, "the examples are taken from the English doc, not repeated")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_japanese_doc_keeps_the_english_code_spans(rule):
    # Inline code (keywords, ids, values, commands) is the same in both languages: every span and
    # rule code of the English Fix is in the Japanese 修正, and every one of the English prose
    # (title, What it checks, Why it matters, Fix) is somewhere in the Japanese prose.
    title, ja = read_japanese(_japanese(rule))
    en_title, en = sections(rule.doc)
    assert spans(en["Fix"]) <= spans(ja["修正"]), (rule.code, spans(en["Fix"]) - spans(ja["修正"]))
    english = spans("\n".join([en_title, en["What it checks"], en["Why it matters"], en["Fix"]]))
    japanese = spans("\n".join([title, *ja.values()]))
    assert english <= japanese, (rule.code, english - japanese)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_japanese_page_shows_the_english_examples(rule):
    _japanese(rule)
    doc = rule.doc_in("ja")
    assert doc != rule.doc
    assert re.findall(r"^## (.*)$", doc, re.M) == ["検査内容", "理由", "違反する例", "適合する例", "修正"]
    assert KPI_BLOCK.findall(doc) == KPI_BLOCK.findall(rule.doc_in("en")) and len(KPI_BLOCK.findall(doc)) == 2
    blocks = dict(re.findall(r"## (違反する例|適合する例)\n(```kpi\n.*?```)", doc, re.S))
    english = dict(re.findall(r"## (Fails|Passes)\n(```kpi\n.*?```)", rule.doc_in("en"), re.S))
    assert (blocks["違反する例"], blocks["適合する例"]) == (english["Fails"], english["Passes"])


def test_a_japanese_doc_without_its_sections_is_refused():
    good = "タイトルです。\n\n## 検査内容\n検査します。\n\n## 理由\n理由です。\n\n## 修正\n直します。\n"
    assert read_japanese(good)[0] == "タイトルです。"
    for bad in (good.replace("## 理由\n理由です。\n\n", ""),                    # a section dropped
                good.replace("## 理由\n理由です。", "## 修正\n直します。"),       # one twice
                good.replace("## 理由\n理由です。\n\n## 修正\n直します。", "## 修正\n直します。\n\n## 理由\n理由です。"),
                good.replace("検査します。", ""),                                # an empty one
                "## 検査内容\n" + good,                                        # no title
                good.replace("\n\n## 検査内容", "\n前置き\n\n## 検査内容")):        # text before the first
        with pytest.raises(BadJapaneseDoc):
            read_japanese(bad)


def test_a_rule_without_a_japanese_doc_is_explained_in_english():
    rule = Rule("KPI999", "no-such-rule", all_rules()[0].severity, all_rules()[0].summary, "Title.\n\n## Fix\nFix it.\n")
    assert japanese_source("KPI999") is None and rule.doc_in("ja") == rule.doc


def test_explain_in_japanese():
    result = run_cli("explain", "KPI301", "--lang", "ja")
    assert result.returncode == 0 and result.stderr == ""
    rule = next(r for r in all_rules() if r.code == "KPI301")
    head, _, body = result.stdout.partition("\n")
    assert head == "KPI301 targets-miss-goal（既定の重大度：エラー）"
    assert body == f"{rule.summary.ja}\n\n{rule.doc_in('ja').rstrip()}\n"
    positions = [result.stdout.index(f"\n## {name}\n") for name in ("検査内容", "理由", "違反する例", "適合する例", "修正")]
    assert positions == sorted(positions)
    for block in KPI_BLOCK.findall(rule.doc_in("en")):  # the examples, as in English
        assert block in result.stdout
    assert "## What it checks" not in result.stdout
    assert run_cli("explain", "targets-miss-goal", env={"KPISPEC_LANG": "ja"}).stdout == result.stdout
    missing = run_cli("explain", "KPI3O1", "--lang", "ja")
    assert missing.returncode == 2
    assert missing.stderr == "kpispec: エラー: KPI3O1 というルールはありません（`KPI301` のことですか？）\n"


def test_the_command_writes_both_languages_with_links_between_them(tmp_path):
    english, japanese = tmp_path / "docs" / "rules", tmp_path / "docs" / "ja" / "rules"
    rulesdoc.main([str(english)])
    assert {p.name: p.read_text(encoding="utf-8") for p in english.iterdir()} == pages()
    assert {p.name: p.read_text(encoding="utf-8") for p in japanese.iterdir()} == pages(lang="ja")
    assert "](../ja/rules/KPI301.md)" in pages()["KPI301.md"]
    assert "](../../rules/KPI301.md)" in pages(lang="ja")["KPI301.md"]
    rulesdoc.main([str(tmp_path / "en"), str(tmp_path / "site" / "ja")])  # two folders named: links between them
    assert "](../../en/KPI301.md)" in (tmp_path / "site" / "ja" / "KPI301.md").read_text(encoding="utf-8")
    assert "](../site/ja/index.md)" in (tmp_path / "en" / "index.md").read_text(encoding="utf-8")


def test_a_site_shows_the_rules_in_its_language_without_the_other():
    from kpispec.site.pages import generate

    plan = analyze_text("p.kpi", 'plan p "計画" { period 2026-04-01 to 2027-03-31 }\nkpi a "A" { target 1件 }\n')
    for lang, heading in (("ja", "## 検査内容"), ("en", "## What it checks")):
        files = generate([plan], lang=lang)
        page = files["rules/KPI301.md"]
        assert heading in page and "rules/KPI301.md)" not in page, lang  # no link to a page the site has not
        assert "](" not in files["rules/index.md"].split("##")[0], lang


@pytest.mark.parametrize("rule", TESTABLE, ids=[r.code for r in TESTABLE])
def test_a_rule_page_says_whether_an_ignore_comment_silences_it(rule):
    # Each page ends with how to silence one occurrence; for what is found before the plan's
    # comments are read, that a comment cannot (KPI001-KPI009), and the page says so.
    from kpispec.rulesdoc import UNSILENCED

    fails = dict(re.findall(r"## (Fails|Passes)\n```kpi\n(.*?)```", rule.doc, re.S))["Fails"]
    [found, *_] = [d for d in analyze_text("doc.kpi", fails).diagnostics if d.code == rule.code]
    line = analyze_text("doc.kpi", fails).source.position(found.span.start)[0]
    lines = fails.split("\n")
    lines[line - 1] += f"  # kpispec: ignore[{rule.code}]"
    still = rule.code in {d.code for d in analyze_text("doc.kpi", "\n".join(lines)).diagnostics}
    assert still == (rule.code in UNSILENCED)
    page = pages()[f"{rule.code}.md"]
    assert ("cannot silence it" in page) == (rule.code in UNSILENCED)

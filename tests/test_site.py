"""The docs site: the pages the generator writes, `kpispec docs` through the real CLI, and the
mkdocs plugin in a real mkdocs project. The browser's view is in test_site_browser.py."""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kpispec.analysis.goals import MET, MISSES, standings
from kpispec.site.pages import LARGE_TREE, generate, growth, link, page_names
from kpispec.tree import operators, outline

ROOT = Path(__file__).resolve().parent.parent

FAILING = """\
plan p "計画" { period 2026-04-01 to 2027-03-31 }
kgi revenue "月間売上" {
  target 80,000,000円 per month
  formula visitors * cvr * aov
}
ksf traffic "訪問者を増やす" { kgi revenue }
kpi visitors "訪問者数" { ksf traffic target 1,000 visitors per month baseline 800 visitors per month }
kpi cvr "CVR" { target 2% }
kpi aov "客単価" { target 5,000円 }
kgi profit "利益" {
  target >= 100万円 per month
  formula visitors * margin - cost
}
kpi margin "粗利" { target 20,000円 }
kpi cost "コスト" { target <= 500万円 per month }
"""

# Met when both inputs sit at their targets (3,000 − 2,000), but `churned >= 2,000` lets it grow.
NOT_GUARANTEED = """\
plan p "計画" { period 2026-04-01 to 2027-03-31 }
kgi net "純増会員数" {
  target 1,000人 per month
  formula signups - churned
}
kpi signups "新規登録" { target 3,000人 per month }
kpi churned "退会数" { target 2,000人 per month }
"""

HOSTILE = """\
plan p "<script>alert(1)</script>" {
  period 2026-04-01 to 2027-03-31
  owner "[x](javascript:alert(1))"
  description "\\"><img src=x onerror=alert(2)> & </title><script>alert(3)</script>"
}
kgi revenue "<b onmouseover=alert(4)>売上</b>" {
  target 1,000円 per month
  owner "'); alert(5); ('"
  formula visitors * aov
}
kpi visitors "<iframe src=javascript:alert(6)>" { target 1 visitors per month source "<svg onload=alert(7)>" }
kpi aov "{{ 7*7 }} {% raw %}" { target 10円 }
"""


def _analyse(text: str, path: str = "plan.kpi"):
    from kpispec.api import analyze
    from kpispec.source import SourceFile

    return analyze(SourceFile(path, text), keep_context=True)


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> Elements:
    p = Elements()
    p.feed(text)
    return p


def classes(element) -> set[str]:
    return set((element[1].get("class") or "").split())


# ------------------------------------------------------------------ verdicts


def test_a_goal_the_targets_miss_shows_the_shortfall_and_the_witness():
    result = _analyse(FAILING)
    s = standings(result.context.arithmetic)
    implied = 1000 * Fraction(2, 100) * 5000  # 100,000円 per month
    short = 80_000_000 - implied
    assert implied == 100_000 and short == 79_900_000
    assert s["revenue"].status == MISSES
    assert s["revenue"].badge.en == f"misses by {int(short):,}円 per month (99.9%)"  # 79.9M / 80M = 99.875%
    assert s["revenue"].implied.en == "100,000円 per month"
    assert {w.id for w in s["revenue"].witness} == {"visitors", "cvr", "aov"}
    assert s["revenue"].path == {"revenue"}  # missed at the targets: no input is to blame
    # 1,000 × 20,000円 − 500万円 = 1,500万円 against 100万円: met with 1,400万円 of slack (1,400%)
    assert s["profit"].status == MET
    assert s["profit"].gap.en == "slack 14,000,000円 per month (1,400%)"


def test_a_goal_met_only_at_the_targets_is_not_guaranteed_and_names_the_input_that_moves():
    result = _analyse(NOT_GUARANTEED)
    s = standings(result.context.arithmetic)["net"]
    assert s.status == MISSES
    assert s.implied.en == "1,000人 per month" and s.gap.en == "exactly at the target when the inputs are at theirs"
    assert s.badge.en.startswith("not guaranteed: can miss by")
    assert s.badge.en.endswith("or more, without limit")  # churned can grow without bound
    moved = [w.id for w in s.witness if w.moved]
    assert moved == ["churned"]
    assert s.path == {"net", "churned"}


def test_operators_follow_division_and_subtraction():
    result = _analyse("""\
plan p "p" { period 2026-04-01 to 2027-03-31 }
kpi x "x" { formula a * b / (c * d) - (e - f) + sum(g, h) + min(i, j) }
""" + "".join(f'kpi {n} "{n}" {{ target 1 }}\n' for n in "abcdefghij"))
    ops = operators(result.plan.nodes["x"].formula)
    assert ops == {"a": "×", "b": "×", "c": "÷", "d": "÷", "e": "−", "f": "+", "g": "+", "h": "+", "i": "min", "j": "min"}


@pytest.mark.parametrize("formula,expected", [
    ("a / (b / c)", {"a": "×", "b": "÷", "c": "×"}),  # c divides the divisor: it multiplies
    ("a - (b - c)", {"a": "+", "b": "−", "c": "+"}),
    ("a / (b + c * d)", {"a": "×", "b": "÷", "c": "÷", "d": "÷"}),  # all of the divisor divides
    ("a - (b + c) * d", {"a": "+", "b": "−", "c": "−", "d": "−"}),  # all of the subtracted term subtracts
    ("a / -b", {"a": "×", "b": "÷"}),
    ("-(a / b)", {"a": "−", "b": "÷"}),
    ("a", {"a": "="}),
    ("a * a + a", {"a": "×, +"}),
])
def test_each_input_is_labelled_by_its_role_in_the_formula(formula, expected):
    ids = sorted(expected)
    result = _analyse('plan p "p" { period 2026-04-01 to 2027-03-31 }\n'
                      f'kpi x "x" {{ formula {formula} }}\n' + "".join(f'kpi {n} "{n}" {{ target 1 }}\n' for n in ids))
    assert operators(result.plan.nodes["x"].formula) == expected


def test_the_outline_shows_each_node_whole_once_and_refers_to_it_elsewhere():
    result = _analyse(FAILING)
    roots = outline(result.plan, result.context.graph)
    whole, refs = [], []
    stack = list(roots)
    while stack:
        e = stack.pop()
        (refs if e.repeat else whole).append(e.id)
        stack.extend(e.children)
    assert sorted(whole) == sorted(result.plan.nodes)  # every node once
    assert sorted(refs) == ["visitors", "visitors"]  # under the KSF and under profit
    assert [r.id for r in roots] == ["revenue", "profit"]


def test_growth_is_the_change_from_baseline_to_target():
    result = _analyse(FAILING)
    assert growth(result.plan.nodes["visitors"]) == "+25%"  # 800 -> 1,000
    assert growth(result.plan.nodes["cvr"]) is None  # no baseline


# ------------------------------------------------------------------ pages


def test_a_plan_page_has_its_cards_tree_table_and_diagnostics():
    result = _analyse(FAILING)
    pages = generate([result])
    page = pages["plans/p.md"]
    doc = parse_html(page)
    nodes = [t for t in doc.tags if "kp-node" in classes(t)]
    assert sorted(t[1]["id"] for t in nodes) == sorted(f"node-{n}" for n in result.plan.nodes)
    on_path = {t[1]["id"][5:] for t in nodes if "kp-on-path" in classes(t)}
    assert on_path == {"revenue"}
    assert "kp-witness" not in page and "kp-node-witness" not in page  # the witness would repeat the targets
    cards = {t[1]["id"]: classes(t) for t in doc.tags if "kp-card" in classes(t)}
    assert cards == {"kgi-revenue": {"kp-card", "kp-misses"}, "kgi-profit": {"kp-card", "kp-met"}}
    text = "".join(doc.text)
    assert "✗ misses by 79,900,000円 per month (99.9%)" in text and "✓ met" in text  # colour plus text
    assert "revenue = visitors × cvr × aov" in text and "月間売上 = 訪問者数 × CVR × 客単価" in text
    assert '<a href="../rules/KPI301.html">KPI301</a>' in page
    assert "## KPI tree" in page and "## Diagnostics" in page
    assert "rules/KPI301.md" in pages and "index.md" in pages and "assets/kpispec.css" in pages


def test_the_index_lists_each_plan_with_its_goals_and_counts():
    good = _analyse((ROOT / "examples" / "ec_site.kpi").read_text(encoding="utf-8"), "examples/ec_site.kpi")
    bad = _analyse(FAILING, "plans/bad.kpi")
    broken = _analyse("plan p {", "plans/broken.kpi")
    index = generate([good, bad, broken], lang="ja")["index.md"]
    doc = parse_html(index)
    rows = index.split("<tr>")[2:]
    assert len(rows) == 3
    assert 'href="plans/ec_fy2026.html"' in rows[0] and "✓ 目標に届く" in rows[0]
    assert 'href="plans/p.html"' in rows[1] and "✗ 目標に届かない" in rows[1] and "kp-has-errors" in rows[1]
    assert 'href="plans/plan-3.html"' in rows[2] and "構文エラー" in rows[2]
    assert "KPI 計画" in "".join(doc.text)


def test_page_names_are_plain_and_unique():
    a = _analyse(FAILING, "a.kpi")
    b = _analyse(FAILING, "b.kpi")
    odd = _analyse(FAILING.replace("plan p ", "plan index "), "c.kpi")
    assert [p.page for p in page_names([a, b, odd])] == ["plans/p.md", "plans/plan-2.md", "plans/plan-3.md"]


@pytest.mark.parametrize("source,target,directory_urls,expected", [
    ("plans/p.md", "rules/KPI301.md", False, "../rules/KPI301.html"),
    ("plans/p.md", "rules/KPI301.md", True, "../../rules/KPI301/"),
    ("index.md", "plans/p.md", False, "plans/p.html"),
    ("index.md", "plans/p.md", True, "plans/p/"),
    ("kpi/plans/p.md", "kpi/index.md", True, "../../"),
    ("kpi/index.md", "kpi/plans/売上.md", False, "plans/%E5%A3%B2%E4%B8%8A.html"),
    ("plans/p.md", "index.md", True, "../../"),
    ("plans/p.md", "index.md", False, "../index.html"),
    ("index.md", "index.md", True, "./"),
    ("index.md", "index.md", False, "index.html"),
])
def test_links_between_pages_are_written_as_mkdocs_writes_urls(source, target, directory_urls, expected):
    assert link(source, target, directory_urls) == expected


def test_a_large_tree_opens_only_its_top_and_the_failing_path():
    kpis = LARGE_TREE + 20
    terms = " + ".join(f"k{i}" for i in range(kpis))
    body = "".join(f'kpi k{i} "k{i}" {{ formula s{i} * 1 target 10件 }}\nkpi s{i} "s{i}" {{ target 10件 }}\n'
                   for i in range(kpis))
    text = (f'plan p "p" {{ period 2026-04-01 to 2027-03-31 }}\n'
            f'kgi g "g" {{ target 100000件 formula {terms} }}\n' + body)
    page = generate([_analyse(text)])["plans/p.md"]
    doc = parse_html(page)
    details = [t for t in doc.tags if t[0] == "details"]
    opened = [t for t in details if "open" in t[1]]
    # g (depth 0) opens; its k-children (depth 1) open; nothing deeper has children here
    assert len(details) == 1 + kpis and len(opened) == 1 + kpis
    # the goal misses (kpis × 10 < 100,000) with every input at its target: only the goal is marked
    assert [t[1]["id"] for t in doc.tags if "kp-on-path" in classes(t)] == ["node-g"]


CEILING = """\
plan p "p" { period 2026-04-01 to 2027-03-31 }
kgi cost "費用" { target <= 100万円 formula g + h }
kgi sales "売上" { target 1億円 deadline 2027-03-31 }
kpi g "固定費" { target >= 40万円 }
kpi h "変動費" { target <= 50万円 }
"""


def test_a_ceiling_that_can_be_broken_says_so_and_a_goal_without_formula_is_not_computed():
    result = _analyse(CEILING)
    s = standings(result.context.arithmetic)["cost"]
    # 40万 + 50万 = 90万 <= 100万 at the targets, but g >= 40万 can grow without limit
    assert s.status == MISSES and s.gap.en == "slack 100,000円 when the inputs are at their targets"
    assert s.badge.en.startswith("not guaranteed: can go over by") and s.badge.en.endswith("without limit")
    assert s.detail.en.endswith("the goal still goes over")
    page = generate([result])["plans/p.md"]
    card = page[page.index('id="kgi-sales"'):]
    assert "– not computed from inputs" in card[:card.index("</section>")]


def test_a_branch_deeper_than_browsers_nest_continues_below_the_tree():
    MAX_NEST = 40  # as docs/site.md says

    n = 3 * MAX_NEST
    body = "".join(f'kpi k{i} "k{i}" {{ formula k{i + 1} target 1件 }}\n' for i in range(n))
    text = f'plan p "p" {{ period 2026-04-01 to 2027-03-31 }}\n{body}kpi k{n} "end" {{ target 1件 }}\n'
    page = generate([_analyse(text)])["plans/p.md"]

    class Depth(HTMLParser):
        depth = deepest = 0

        def handle_starttag(self, tag, attrs):
            if tag == "details":
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)

        def handle_endtag(self, tag):
            if tag == "details":
                self.depth -= 1

    d = Depth()
    d.feed(page)
    assert d.deepest == MAX_NEST and d.depth == 0
    assert page.count('class="kp-node kp-kpi') == n + 1  # every node still shown once
    assert page.count('id="branch-') == 2  # k40 and k80 go on below


def test_a_long_chain_of_formulas_does_not_exhaust_the_stack():
    n = 3000
    body = "".join(f'kpi k{i} "k{i}" {{ formula k{i + 1} target 1件 }}\n' for i in range(n))
    text = f'plan p "p" {{ period 2026-04-01 to 2027-03-31 }}\n{body}kpi k{n} "end" {{ target 1件 }}\n'
    page = generate([_analyse(text)])["plans/p.md"]
    assert page.count('class="kp-node kp-kpi') == n + 1


def test_injected_markup_in_a_plan_is_text_in_every_page():
    result = _analyse(HOSTILE)
    for name, page in generate([result]).items():
        if not name.endswith(".md") or name.startswith("rules/"):
            continue
        doc = parse_html(page)
        # the only SVG is kpispec's own charts; a label's markup never becomes a tag
        tags = {t[0] for t in doc.tags if not (t[0] == "svg" and "kp-chart" in classes(t))}
        assert not tags & {"script", "img", "iframe", "svg", "b"}, (name, tags)
        assert not any(k.startswith("on") for _, attrs in doc.tags for k in attrs), name
        assert "javascript:" not in " ".join(str(v) for _, attrs in doc.tags for v in attrs.values())
        assert "](javascript" not in page.replace("[x](javascript:alert(1))", "")  # only inside escaped text
    text = "".join(parse_html(generate([result])["plans/p.md"]).text)
    assert "<script>alert(1)</script>" in text and "<iframe src=javascript:alert(6)>" in text  # shown as written
    page = generate([result])["plans/p.md"]
    # a template plugin run after kpispec (mkdocs-macros) must find no template in a label
    assert "{{" not in page and "{%" not in page and "{{ 7*7 }} {% raw %}" in text


# ------------------------------------------------------------------ the CLI


def kpispec(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kpispec", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "NO_COLOR": "1"})


def test_docs_builds_a_site_that_opens_from_disk(tmp_path):
    out = tmp_path / "site"
    run = kpispec("docs", str(ROOT / "examples"), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert (out / "index.html").is_file() and (out / ".kpispec-site").is_file()
    for name in ("ec_fy2026", "saas_fy2026", "skincare_sns_2026"):
        page = (out / "plans" / f"{name}.html").read_text(encoding="utf-8")
        assert 'class="kp-tree"' in page and "kp-card" in page
        for href in ("../assets/kpispec.css",):
            assert href in page and (out / "plans" / href).resolve().is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "cdnjs" not in index and "https://" not in index.replace("https://www.mkdocs.org/", "")
    # built again: the old site is replaced whole
    (out / "stale.html").write_text("old", encoding="utf-8")
    again = kpispec("docs", str(ROOT / "examples" / "ec_site.kpi"), "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert not (out / "stale.html").exists() and not (out / "plans" / "saas_fy2026.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kpispec-")]  # no temporary left


def test_docs_refuses_a_folder_it_did_not_build_and_changes_nothing(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    run = kpispec("docs", str(ROOT / "examples"), "-o", str(folder))
    assert run.returncode == 2 and "not a site kpispec built" in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    link_to = tmp_path / "link"
    link_to.symlink_to(folder)
    run = kpispec("docs", str(ROOT / "examples"), "-o", str(link_to))
    assert run.returncode == 2 and "symbolic link" in run.stderr


def test_a_failed_build_leaves_the_previous_site(tmp_path):
    out = tmp_path / "site"
    assert kpispec("docs", str(ROOT / "examples"), "-o", str(out)).returncode == 0
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    run = kpispec("docs", str(tmp_path / "nosuch.kpi"), "-o", str(out))
    assert run.returncode == 2 and "Traceback" not in run.stderr and "nosuch.kpi" in run.stderr
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kpispec-")]


def test_docs_will_not_put_the_site_over_its_plans(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.kpi").write_text(FAILING, encoding="utf-8")
    from kpispec.cli.docs import MARKER_TEXT

    (plans / ".kpispec-site").write_text(MARKER_TEXT, encoding="utf-8")  # even a folder that claims to be a site
    run = kpispec("docs", str(plans), "-o", str(plans))
    assert run.returncode == 2 and "holds the plans" in run.stderr
    assert (plans / "a.kpi").read_text(encoding="utf-8") == FAILING


def test_only_kpispec_s_own_marker_makes_a_folder_a_site(tmp_path):
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "sub" / "data.txt").write_text("x", encoding="utf-8")
    (victim / ".kpispec-site").symlink_to("/etc/hostname")
    run = kpispec("docs", str(ROOT / "examples"), "-o", str(victim))
    assert run.returncode == 2 and "not a site kpispec built" in run.stderr
    assert (victim / "sub" / "data.txt").read_text(encoding="utf-8") == "x"


def test_a_folder_that_becomes_someone_s_during_the_build_is_put_back(tmp_path):
    import typer

    from kpispec.cli.docs import _move_into_place

    built = tmp_path / "built"
    built.mkdir()
    (built / "index.html").write_text("new", encoding="utf-8")
    target = tmp_path / "race"  # absent when checked; someone's folder by the time the build ends
    target.mkdir()
    (target / "precious.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(typer.Exit):
        _move_into_place(built, target, target)
    assert sorted(p.name for p in target.iterdir()) == ["precious.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["built", "race"]  # no temporary left


def test_docs_needs_an_output_folder():
    run = kpispec("docs", str(ROOT / "examples"))
    assert run.returncode == 2 and "-o DIR" in run.stderr


# ------------------------------------------------------------------ the plugin


def test_the_plugin_adds_plans_to_an_existing_mkdocs_site(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Our handbook\n\nSee [the plans](kpi/index.md).\n", encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "bad.kpi").write_text(FAILING, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Handbook\nplugins:\n  - kpispec:\n      paths: [plans]\n      folder: kpi\n      lang: ja\n",
        encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    page = tmp_path / "site" / "kpi" / "plans" / "p" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "7,990万円/月（99.9%）不足" in html
    href = '<a href="../../rules/KPI301/">KPI301</a>'
    assert href in html and (page.parent / "../../rules/KPI301/index.html").resolve().is_file()
    assert (tmp_path / "site" / "kpi" / "assets" / "kpispec.css").is_file()


def test_the_plugin_will_not_overwrite_a_page_of_the_site(tmp_path):
    (tmp_path / "docs" / "kpi").mkdir(parents=True)
    (tmp_path / "docs" / "kpi" / "index.md").write_text("# mine\n", encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "a.kpi").write_text(FAILING, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - kpispec:\n      paths: [plans]\n      folder: kpi\n",
                                         encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode != 0 and "already has kpi/index.md" in run.stderr


def test_serve_previews_the_site_and_rebuilds_when_a_plan_changes(tmp_path):
    import socket
    import time
    import urllib.request

    plan = tmp_path / "plan.kpi"
    plan.write_text(FAILING, encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "kpispec", "docs", str(plan), "--serve", "--dev-addr", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def page_when(condition, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/plans/p.html", timeout=5) as r:
                    body = r.read().decode("utf-8")
                if condition(body):
                    return body
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError("the preview did not show the expected page")

    try:
        page_when(lambda body: "月間売上" in body)
        plan.write_text(FAILING.replace("月間売上", "月次売上"), encoding="utf-8")
        page_when(lambda body: "月次売上" in body)
    finally:
        proc.terminate()
        proc.wait(20)
    assert "Traceback" not in proc.stderr.read().decode()


def test_titles_mkdocs_prints_unescaped_keep_no_markup_template_or_yaml_characters():
    from kpispec.site.pages import plain_title

    assert plain_title('R&D <b>{{x}}</b> "q" \\ 売上【速報】') == "R&D bx/b q  売上【速報】"
    assert plain_title("<>{}") == "kpispec"


def test_the_generator_does_not_need_mkdocs():
    """pages.generate is the site; mkdocs is one way to build it (a move later is another layer)."""
    code = ("import sys; from kpispec.site.pages import generate; from kpispec.api import analyze_text;"
            "r = analyze_text('a.kpi', open(sys.argv[1], encoding='utf-8').read(), keep_context=True);"
            "generate([r]); assert not [m for m in sys.modules if m.split('.')[0] == 'mkdocs'], 'mkdocs imported'")
    run = subprocess.run([sys.executable, "-c", code, str(ROOT / "examples" / "ec_site.kpi")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def _yen(text: str) -> Fraction:
    """`1,300,000円` or `130万円` as a number (the witness values a standing shows)."""
    import re

    m = re.match(r"^([\d,]+(?:\.\d+)?)(万)?", text)
    x = Fraction(m.group(1).replace(",", ""))
    return x * 10_000 if m.group(2) else x


def _ja_yen(n: int) -> str:
    """n yen as Japanese writes it, in 万 sections: 300,000 → 30万円, 1,234,567 → 123万4,567円."""
    man, rest = divmod(n, 10_000)
    return (f"{man:,}万" if man else "") + (f"{rest:,}" if rest or not man else "") + "円"


def test_every_word_of_a_missed_goal_in_both_languages():
    s = standings(_analyse(FAILING).context.arithmetic)["revenue"]
    assert (s.target.en, s.target.ja) == ("≥ 80,000,000円 per month", "≥ 80,000,000円/月")
    assert (s.implied.en, s.implied.ja) == ("100,000円 per month", "10万円/月")
    assert s.badge.ja == "7,990万円/月（99.9%）不足"
    assert (s.gap.en, s.gap.ja) == ("short by 79,900,000円 per month (99.9%)", "7,990万円/月（99.9%）不足")
    assert (s.at_witness.en, s.at_witness.ja) == ("100,000円 per month", "10万円/月")
    rows = [(w.id, w.value.en, w.value.ja, w.target.en, w.moved) for w in s.witness]
    assert rows == [("visitors", "1,000 visitors per month", "1,000 visitors/月", "≥ 1,000 visitors per month", False),
                    ("cvr", "2%", "2%", "≥ 2%", False),
                    ("aov", "5,000円", "5,000円", "≥ 5,000円", False)]


def test_a_ceiling_goal_s_witness_adds_up_to_the_amount_it_goes_over():
    s = standings(_analyse(CEILING).context.arithmetic)["cost"]
    assert (s.target.en, s.target.ja) == ("≤ 100万円", "≤ 100万円")
    values = {w.id: _yen(w.value.en) for w in s.witness}
    assert {w.id: w.moved for w in s.witness} == {"g": True, "h": False} and values["h"] == 500_000
    over = values["g"] + values["h"] - 1_000_000  # the goal is g + h
    assert over > 0 and _yen(s.at_witness.en) == values["g"] + values["h"]
    assert s.badge.en == f"not guaranteed: can go over by {int(over):,}円 or more, without limit"
    assert s.badge.ja == f"保証されない：{_ja_yen(int(over))} 超えることがある（際限なく）"
    assert s.detail.ja.endswith("上限を超える組み合わせがあります")


COUNTS = """\
plan p "p" { period 2026-04-01 to 2027-03-31 }
kgi orders "注文数" { target 1,000件 per month formula visitors * cvr }
kgi share "構成比" { target 3% formula a + b }
kgi share2 "構成比2" { target 3% formula a + c }
kpi visitors "訪問者" { target 10,000件 per month }
kpi cvr "CVR" { target 2% }
kpi a "A" { target 1% }
kpi b "B" { target 1% }
kpi c "C" { target 1.5% }
kpi total "合計" { formula visitors * 2 }
"""


def test_counts_percentages_and_a_formula_without_a_target():
    s = standings(_analyse(COUNTS).context.arithmetic)
    # 10,000 × 2% = 200件 against 1,000件: 800件 short, 80%
    assert s["orders"].badge.en == "misses by 800件 per month (80%)"
    # 1% + 1% = 2% against 3%: one percentage point; 1% + 1.5% = 2.5%: half of one
    assert (s["share"].gap.en, s["share"].gap.ja) == ("short by 1 percentage point (33.3%)", "1ポイント（33.3%）不足")
    assert s["share2"].gap.en == "short by 0.5 percentage points (16.7%)"
    # a formula without a target has no written units to show it in: base units, per year (20,000 × 12)
    assert s["total"].status == "none" and (s["total"].implied.en, s["total"].implied.ja) == ("240,000 per year", "24万/年")


MORE = """\
plan p "p" { period 2026-04-01 to 2027-03-31 }
kgi cap "上限ちょうど" { target <= 100万円 formula g + h }
kgi over "上限超過" { target <= 50万円 formula g + h }
kgi single "一件" { target 1件 formula half }
kgi roas "ROAS" { target 3 formula r / c }
kgi mixed "単位違い" { target 100円 formula half }
kgi fine "達成" { target 1件 formula half * 4 }
kpi g "固定費" { target >= 50万円 }
kpi h "変動費" { target <= 50万円 }
kpi half "半件" { target 0.5件 }
kpi r "売上" { target 200万円 }
kpi c "広告費" { target <= 100万円 }
"""


def test_ceilings_plain_ratios_a_target_of_one_and_a_formula_in_other_units():
    s = standings(_analyse(MORE).context.arithmetic)
    # 50万 + 50万 = 100万: exactly at the ceiling at the targets, but g may grow
    assert s["cap"].gap.en == "exactly at the target when the inputs are at theirs"
    assert s["cap"].badge.en.startswith("not guaranteed: can go over by")
    # 100万 against a ceiling of 50万: 50万 over, 100%
    assert (s["over"].badge.en, s["over"].badge.ja) == ("over by 500,000円 (100%)", "50万円（100%）超過")
    # 0.5件 against 1件: 0.5件 short, 50% of a target of exactly one
    assert s["single"].badge.en == "misses by 0.5件 (50%)"
    # a plain ratio is not a percentage: 200万 / 100万 = 2 against 3, short by 1 (33.3%)
    assert s["roas"].badge.en == "misses by 1 (33.3%)"
    # a count against an amount of money cannot be compared
    assert s["mixed"].status == "unknown" and s["mixed"].badge.en == "cannot evaluate"
    assert (s["fine"].badge.en, s["fine"].badge.ja) == ("met", "目標に届く") and s["fine"].gap.en == "slack 1件 (100%)"
    g = next(w for w in standings(_analyse(CEILING).context.arithmetic)["cost"].witness if w.id == "g")
    assert g.moved and _yen(g.value.ja) == _yen(g.value.en) > 400_000


def test_a_param_made_of_params_hangs_its_parts_below_it():
    from kpispec.tree import children

    result = _analyse("""\
plan p "p" { period 2026-04-01 to 2027-03-31 }
param rate "率" = base_rate * 2
param base_rate "基準率" = 10%
kpi x "x" { target 1件 formula a * rate }
kpi a "a" { target 1件 }
""")
    graph = result.context.graph
    assert [(e.child, e.op) for e in children(result.plan, graph, "rate")] == [("base_rate", "×")]
    assert [(e.child, e.op) for e in children(result.plan, graph, "x")] == [("a", "×"), ("rate", "×")]
    roots = outline(result.plan, graph)
    assert [r.id for r in roots] == ["x"] and [c.id for c in roots[0].children[1].children] == ["base_rate"]


EXTRA = """\
plan extra "詳細" {
  period 2026-04-01 to 2027-03-31
  owner "経営企画部"
  description \"\"\"
  一行目
  二行目
  \"\"\"
}
param k "係数" = 2
kgi rev "売上" { target 2,000件 formula v * k deadline 2027-03-31 }
ksf a "A" { kgi rev }
ksf b "B" { kgi rev }
kpi v "訪問" {
  ksf a, b target 1,000件 baseline 800件 cadence weekly source "GA4" measure "sessions" owner "Web" deadline 2026-12-31
}
"""

GOLDEN = ROOT / "tests" / "golden" / "site"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_pages_match_their_golden_files(lang):
    """The whole of each generated page and the stylesheet, against files a person has read
    (KPISPEC_UPDATE_GOLDEN=1 rewrites them): a plan that misses, one with ceilings, ratios and
    counts, one with every attribute (a description over two lines, two KSFs, a param), one
    without a plan block, a broken file and an empty one, with directory URLs and in a folder."""
    from golden_util import assert_golden

    results = [_analyse(FAILING, "plans/failing.kpi"), _analyse(MORE, "plans/more.kpi"),
               _analyse(COUNTS.replace("plan p ", "plan counts "), "plans/counts.kpi"),
               _analyse('kgi g "G" { target 1件 }\n', "plans/noplan.kpi"), _analyse("plan p {", "plans/broken.kpi"),
               _analyse(EXTRA, "plans/extra.kpi"), _analyse("", "plans/empty.kpi")]
    pages = generate(results, lang=lang, folder="kpi", directory_urls=True, rules=False, title="計画 & <KPI>")
    for name, text in sorted(pages.items()):
        prefix = "en" if name.endswith(".css") else lang  # the stylesheet does not depend on the language
        assert_golden(GOLDEN / f"{prefix}-{name.replace('/', '-')}", text)
    assert sorted(pages) == ["kpi/assets/kpispec.css", "kpi/index.md", "kpi/plans/counts.md", "kpi/plans/extra.md",
                             "kpi/plans/p.md", "kpi/plans/plan-2.md", "kpi/plans/plan-4.md", "kpi/plans/plan-5.md",
                             "kpi/plans/plan-7.md"]



def _layered(n: int, goal: str = "1件") -> str:
    """A KGI summing n KPIs, each the product of a middle KPI, itself of a leaf: 1 + 3n nodes."""
    body = "".join(f'kpi k{i} "k{i}" {{ target 1件 formula m{i} * 1 }}\nkpi m{i} "m{i}" {{ target 1件 formula s{i} * 1 }}\n'
                   f'kpi s{i} "s{i}" {{ target 1件 }}\n' for i in range(n))
    terms = " + ".join(f"k{i}" for i in range(n))
    return f'plan p "p" {{ period 2026-04-01 to 2027-03-31 }}\nkgi g "g" {{ target {goal} formula {terms} }}\n' + body


@pytest.mark.parametrize("n,large", [(19, False), (20, True)])  # 1 + 3 × 19 = 58 nodes; 61: more than 60
def test_a_tree_of_more_than_sixty_nodes_opens_its_top_two_levels(n, large):
    doc = parse_html(generate([_analyse(_layered(n))])["plans/p.md"])
    details = [t for t in doc.tags if t[0] == "details"]
    opened = [t for t in details if "open" in t[1]]
    assert len(details) == 1 + 2 * n  # g, each k and each m have children
    assert len(opened) == (1 + n if large else 1 + 2 * n)  # large: g and the k's only
    # a goal that misses opens even two levels down in a large tree: m0 needs 1,000件 from s0's 1件
    missed = parse_html(generate([_analyse(_layered(n).replace('kpi m0 "m0" { target 1件', 'kpi m0 "m0" { target 1000件'))])
                        ["plans/p.md"])
    m0 = [t for t in missed.tags if t[0] in ("details", "div") and (t[0] == "details" or t[1].get("id") == "node-m0")]
    assert [t[0] for t in m0].count("div") == 1
    opened_now = sum(1 for t in missed.tags if t[0] == "details" and "open" in t[1])
    assert opened_now == (1 + n + 1 if large else 1 + 2 * n)


def test_formulas_are_written_out_with_their_groups_signs_and_calls():
    from kpispec.site.pages import formula_text

    result = _analyse('plan p "p" { period 2026-04-01 to 2027-03-31 }\n'
                      'kpi x "x" { formula -(a + b) * sum(c, d) / 2 - min(a, 1.5万円) }\n'
                      + "".join(f'kpi {n} "{n}" {{ target 1 }}\n' for n in "abcd"))
    text = formula_text(result.plan.nodes["x"].formula, result.source)
    assert text == "−(a + b) × sum(c, d) ÷ 2 − min(a, 1.5万円)"
    labelled = formula_text(result.plan.nodes["x"].formula, result.source, lambda i: i.upper())
    assert labelled == "−(A + B) × sum(C, D) ÷ 2 − min(A, 1.5万円)"


def test_growth_rises_falls_or_stays_and_needs_a_baseline_other_than_zero():
    result = _analyse("""\
plan p "p" { period 2026-04-01 to 2027-03-31 }
kpi up "up" { target 1,500件 baseline 1,000件 }
kpi down "down" { target <= 500件 baseline 1,000件 }
kpi same "same" { target 1,000件 baseline 1,000件 }
kpi zero "zero" { target 10件 baseline 0件 }
kpi other "other" { target 10件 baseline 10円 }
""")
    nodes = result.plan.nodes
    assert [growth(nodes[i]) for i in ("up", "down", "same", "zero", "other")] == ["+50%", "−50%", "±0%", None, None]


def test_the_navigation_of_a_site_of_plans():
    from kpispec.site.pages import navigation

    results = [_analyse(FAILING, "a.kpi"), _analyse(EXTRA, "b.kpi"), _analyse("plan p {", "broken.kpi")]
    assert navigation(results, "", "ja", None, True) == [
        {"KPI 計画": "index.md"},
        {"計画": [{"計画": "plans/p.md"}, {"詳細": "plans/extra.md"}, {"broken.kpi": "plans/plan-3.md"}]},
        {"ルール": "rules/index.md"},
    ]
    assert navigation(results[:1], "kpi", "en", "R&D <plans>", False) == [
        {"R&D plans": "kpi/index.md"}, {"Plan": [{"計画": "kpi/plans/p.md"}]}]


# ------------------------------------------------------------------ time


RAMPED = """\
plan condo "分譲マンション販売計画" { period 2026-04-01 to 2027-03-31 }
kgi units "販売戸数" {
  target 150戸
  deadline 2027-03-31
  formula sales
}
kpi sales "<script>alert(1)</script>" {
  target 13戸 per month
  baseline 5戸 per month
  deadline 2026-09-30
  ramp linear
}
"""


def test_a_goal_evaluated_month_by_month_shows_its_months_and_those_below_pace():
    # the ramp gives 5, 6.6, 8.2, 9.8, 11.4 and then 13戸 a month: 132戸 against 150戸, whose even pace
    # is 12.5戸 a month, so April to August are below it
    pages = generate([_analyse(RAMPED)])
    page = pages["plans/condo.md"]
    doc = parse_html(page)
    card = page[page.index('id="kgi-units"'):page.index("</section>", page.index('id="kgi-units"'))]
    bars = [t for t in parse_html(card).tags if t[0] == "rect"]
    assert len(bars) == 12
    assert [("kp-bar-miss" in classes(b)) for b in bars] == [True] * 5 + [False] * 7
    text = "".join(doc.text)
    assert "below an even pace: 2026-04 5戸, 2026-05 6.6戸, 2026-06 8.2戸, 2026-07 9.8戸, 2026-08 11.4戸" in text
    assert "2026-04: 5戸 (7.5戸 below an even pace)" in text  # a bar's title
    # the KPI's own months, in the section of targets by month (a rate: the amount in each month)
    section = page[page.index("## Targets by month"):]
    titles = [t for t in parse_html(section).text if t.startswith("2026-") or t.startswith("2027-")]
    assert titles[:6] == ["2026-04: 5戸", "2026-05: 6.6戸", "2026-06: 8.2戸", "2026-07: 9.8戸", "2026-08: 11.4戸",
                          "2026-09: 13戸"]
    # the label is text everywhere, the chart's name included
    assert not {t[0] for t in doc.tags} & {"script"}
    assert all(attrs.get("class") == "kp-chart" for tag, attrs in doc.tags if tag == "svg")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: Targets by month" in page


def test_the_months_are_in_japanese_too():
    page = generate([_analyse(RAMPED)], lang="ja")["plans/condo.md"]
    text = "".join(parse_html(page).text)
    assert "均等なペースを下回る: 2026-04 5戸、2026-05 6.6戸" in text
    assert "## 月別の目標" in page


def test_a_goal_that_is_met_marks_no_month_red_even_below_an_even_pace():
    # 132戸 is met; April to August are below the even pace of 11戸 but that is the plan's ramp, not a fault
    page = generate([_analyse(RAMPED.replace("target 150戸", "target 132戸"))])["plans/condo.md"]
    card = page[page.index('id="kgi-units"'):page.index("</section>", page.index('id="kgi-units"'))]
    assert "kp-bar-miss" not in card and "kp-months-missed" not in card
    assert len([t for t in parse_html(card).tags if t[0] == "rect"]) == 12  # the months are still charted


def test_a_goal_card_draws_its_levers_as_a_tornado():
    from conftest import ROOT

    result = _analyse((ROOT / "tests" / "planning" / "profit.kpi").read_text(encoding="utf-8"), "profit.kpi")
    page = generate([result])["plans/p.md"]
    card = page[page.index('id="kgi-profit"'):page.index("</section>", page.index('id="kgi-profit"'))]
    # profit = orders × (aov × 40% − cpa) − 500万: aov ±10% moves it ±240万, cpa ∓10% ±150万, orders ±10% ±90万
    assert re.findall(r'text-anchor="end">([^<]+)<', card) == ["aov", "cpa", "orders"]
    assert "<title>aov: 6,000円 → 6,600円 (10% better) → +2,400,000円 per month; 10% worse → −2,400,000円 per month</title>" \
        in card
    assert ">+1,500,000円</text>" in card and ">+900,000円</text>" in card

"""The generated site as a reader sees it: built by the real CLI, opened from disk in headless
Chromium (tests/browser.py drives it over the DevTools protocol).

Each plan page must show its tree with the right nodes and labels, a failing plan its failing
node and witness, injected markup as text, and make no network request and no console error.
Screenshots are saved (to $KPISPEC_SCREENSHOTS when set) for a person to look at.

Without Chromium the tests are skipped, except where KPISPEC_REQUIRE_BROWSER is set (.ci/run sets
it, and installs Chromium when it is missing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from browser import Browser, find_chromium
from test_site import FAILING, HOSTILE, NOT_GUARANTEED

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = find_chromium()

if CHROMIUM is None and os.environ.get("KPISPEC_REQUIRE_BROWSER"):
    raise RuntimeError("KPISPEC_REQUIRE_BROWSER is set but Chromium is not installed (.ci/run installs it)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("site")
    plans = work / "plans"
    plans.mkdir()
    for example in (ROOT / "examples").glob("*.kpi"):
        shutil.copy(example, plans / example.name)
    (plans / "failing.kpi").write_text(FAILING, encoding="utf-8")
    (plans / "hostile.kpi").write_text(HOSTILE.replace("plan p ", "plan hostile "), encoding="utf-8")
    (plans / "net.kpi").write_text(NOT_GUARANTEED.replace("plan p ", "plan net "), encoding="utf-8")
    out = work / "out"
    run = subprocess.run([sys.executable, "-m", "kpispec", "docs", str(plans), "-o", str(out), "--lang", "ja"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return plans, out


@pytest.fixture(scope="module")
def browser():
    with Browser(CHROMIUM) as b:
        yield b


def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("KPISPEC_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def plan_nodes(path: Path, kinds=("kgi", "ksf", "kpi")) -> dict:
    """id -> label of every node of those kinds, read with the library (the site is built by the CLI)."""
    from kpispec.api import analyze_text

    plan = analyze_text(str(path), path.read_text(encoding="utf-8"), checks=False).plan
    return {n.id: n.label or n.id for n in plan.nodes.values() if n.kind in kinds}


def loaded(browser, url: str):
    page = browser.open(url)
    assert page.errors == [], page.errors
    outside = [u for u in page.requests if not u.startswith(("file:", "data:"))]
    assert outside == [], outside
    assert page.failed_loads == []
    return page


TREE_NODES = """JSON.stringify(Array.from(document.querySelectorAll('.kp-tree .kp-node')).map(n => ({
    id: n.id.slice(5), label: n.querySelector('.kp-label').textContent,
    onPath: n.classList.contains('kp-on-path'), text: n.textContent })))"""


@pytest.mark.parametrize("name", ["ec_site", "b2b_saas_funnel", "sns_ads"])
def test_each_example_plan_page_shows_its_whole_tree(site, browser, tmp_path, name):
    plans, out = site
    expected = plan_nodes(plans / f"{name}.kpi")
    index = loaded(browser, (out / "index.html").as_uri())
    href = index.evaluate(f"""Array.from(document.querySelectorAll('.kp-index a'))
        .find(a => a.closest('tr').textContent.includes('{name}.kpi')).href""")
    page = loaded(browser, href)
    nodes = json.loads(page.evaluate(TREE_NODES))
    params = set(page.evaluate("Array.from(document.querySelectorAll('.kp-tree .kp-param')).map(n => n.id.slice(5))"))
    assert {n["id"]: n["label"] for n in nodes if n["id"] not in params} == expected
    assert not any(n["onPath"] for n in nodes)  # the examples reach their goals
    cards = page.evaluate("Array.from(document.querySelectorAll('.kp-card .kp-badge')).map(b => b.textContent)")
    assert cards and all(c.startswith("✓ ") for c in cards)
    rows = page.evaluate("document.querySelectorAll('.kp-kpis tbody tr').length")
    assert rows == len(plan_nodes(plans / f"{name}.kpi", ("kpi",)))
    page.screenshot(shots(tmp_path) / f"site-{name}.png")


def test_a_failing_plan_shows_its_failing_node_and_the_witness(site, browser, tmp_path):
    _, out = site
    page = loaded(browser, (out / "plans" / "p.html").as_uri())
    nodes = {n["id"]: n for n in json.loads(page.evaluate(TREE_NODES))}
    # missed with every input at its target: the goal is marked, its inputs are not to blame
    assert {i for i, n in nodes.items() if n["onPath"]} == {"revenue"}
    assert "7,990万円/月（99.9%）不足" in nodes["revenue"]["text"]
    assert "未達の経路" in nodes["revenue"]["text"]  # the path in words, not only in red
    card = page.evaluate("document.getElementById('kgi-revenue').textContent")
    assert "10万円/月" in card
    # met at the targets but not guaranteed: the witness moves `churned`, which is marked with its value
    page = loaded(browser, (out / "plans" / "net.html").as_uri())
    nodes = {n["id"]: n for n in json.loads(page.evaluate(TREE_NODES))}
    assert {i for i, n in nodes.items() if n["onPath"]} == {"net", "churned"}
    assert "目標に届かない値（net）：" in nodes["churned"]["text"] and "目標に届かない値" not in nodes["signups"]["text"]
    card = page.evaluate("document.getElementById('kgi-net').textContent")
    assert "どの入力も自分の目標は満たしているのに、目標に届かない例" in card
    red = page.evaluate("getComputedStyle(document.querySelector('#node-churned')).borderTopStyle")
    assert red == "dashed"
    page.screenshot(shots(tmp_path) / "site-failing.png")


def test_injected_markup_is_shown_as_text_and_never_runs(site, browser, tmp_path):
    _, out = site
    page = loaded(browser, (out / "plans" / "hostile.html").as_uri())
    # Nothing the plan wrote became an element, and no script of it ran.
    assert page.evaluate("document.querySelectorAll('.kp-title script, main img, iframe, .kp-tree svg, .kp-tree b').length") == 0
    assert page.evaluate("Array.from(document.scripts).filter(s => s.textContent.includes('alert')).length") == 0
    title = page.evaluate("document.querySelector('.kp-title').textContent")
    assert "<script>alert(1)</script>" in title
    label = page.evaluate("document.querySelector('#node-visitors .kp-label').textContent")
    assert label == "<iframe src=javascript:alert(6)>"
    assert page.evaluate("document.title").startswith("scriptalert(1)/script")  # no markup characters in the window title
    page.screenshot(shots(tmp_path) / "site-hostile.png")

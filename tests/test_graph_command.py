"""`kpispec graph`: the KPI tree as Mermaid and DOT, through the real command line.

The outputs are read back here by small parsers of their own (not the renderers' code): every
node is declared once, every edge joins declared nodes, and no text from the plan ever breaks out
of its label, whatever it holds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

from kpispec.api import analyze_text
from kpispec.resolve import walk
from kpispec.syntax import ast

EC_SITE = ROOT / "examples" / "ec_site.kpi"

# A node line: `    n7["…"]` in one of the four shapes, the label double-quoted and holding no `"`.
# Inside it, no character Mermaid or HTML gives a meaning but the line breaks kpispec writes (`<br>`).
MERMAID_NODE = re.compile(r'^    (n\d+)(\(\[|\{\{|\[\[|\[)'
                          r'"((?:[^"\[\](){}|<>`\\%$;:\x00-\x1f]|<br>|#\d+;)*)"'
                          r'(\]\)|\}\}|\]\]|\])$')
MERMAID_EDGE = re.compile(r"^    (n\d+) (-->\|([^|\"\[\](){}<>`]+)\||-\.->) (n\d+)$")
MERMAID_CLASSDEF = re.compile(r"^    classDef (met|misses|unknown) [a-z-]+:[#\w.]+(,[a-z-]+:[#\w.]+)*$")
MERMAID_CLASS = re.compile(r"^    class n\d+(,n\d+)* (met|misses|unknown)$")
SHAPE_PAIRS = {"([": "])", "{{": "}}", "[[": "]]", "[": "]"}

HOSTILE = [
    "<script>alert(1)</script>",
    '"]; evil["x',
    "a|b",
    "[x](javascript:alert(1))",
    '"; evil -> x; "',
    "back\\slash \\N",
]

EVIL_PLAN = r'''plan evil "<script>alert(1)</script>" {
  period 2026-04-01 to 2027-03-31
}

param ratio "a|b" = 2

kgi revenue "<script>alert(1)</script>" {
  target 1000円 per month
  owner "\"]; evil[\"x"
  formula orders * aov * ratio
}

ksf sell "[x](javascript:alert(1))" { kgi revenue }

kpi orders "\"; evil -> x; \"" {
  ksf sell
  target 10件 per month
  owner "back\\slash \\N line\nbreak\tand tab"
}

kpi aov "a|b {c} `d` #quot; &lt; %%{init}%% $$x$$" {
  ksf sell
  target 50円
  owner "<img src=x onerror=alert(1)> & ; end"
}
'''

MISSING_GOAL = '''plan shop "店" {
  period 2026-04-01 to 2027-03-31
}

kgi revenue "月間売上" {
  target 1,000,000円 per month
  formula orders * aov
}

ksf sell "売る" { kgi revenue }

kpi orders "注文数" {
  ksf sell
  target 100件 per month
}

kpi aov "客単価" {
  ksf sell
  target 5,000円
}
'''


def graph(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "KPISPEC_LANG")}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    return subprocess.run([sys.executable, "-m", "kpispec", "graph", *map(str, args)], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def ok(result) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def plan_of(text: str):
    result = analyze_text("plan.kpi", text)
    assert result.plan is not None
    return result.plan


def drawn_ids(plan) -> set[str]:
    """Every node of the plan, and each param a formula uses (read from the formulas here)."""
    used = set()
    formulas = [n.formula for n in plan.nodes.values() if n.formula is not None]
    formulas += [p.expr for p in plan.params.values()]
    for expr in formulas:
        used |= {n.name.text for n in walk(expr) if isinstance(n, ast.Ref)}
    return set(plan.nodes) | {p for p in plan.params if p in used}


# ------------------------------------------------------------------ readers of the outputs


def decode_mermaid(label: str) -> list[str]:
    """A label's lines as a reader sees them: `<br>` breaks lines, `#N;` is character N."""
    return [re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), part) for part in label.split("<br>")]


def read_mermaid(text: str) -> tuple[dict, list, dict]:
    """(name -> (shape, lines)), edges (parent, op or None for a link, child), name -> class.
    Fails on any line that is not a node, an edge, a classDef or a class line."""
    lines = text.split("\n")
    assert lines[0] == "flowchart TD"
    assert lines[-1] == ""
    nodes, edges, classes = {}, [], {}
    for line in lines[1:-1]:
        if m := MERMAID_NODE.match(line):
            name, left, label, right = m.groups()
            assert SHAPE_PAIRS[left] == right, line
            assert name not in nodes, f"{name} declared twice"
            nodes[name] = (left + right, decode_mermaid(label))
        elif m := MERMAID_EDGE.match(line):
            edges.append((m.group(1), m.group(3), m.group(4)))
        elif MERMAID_CLASSDEF.match(line):
            pass
        elif m := MERMAID_CLASS.match(line):
            for name in line.split()[1].split(","):
                classes[name] = m.group(2)
        else:
            pytest.fail(f"not a line kpispec writes: {line!r}")
    for parent, _, child in edges:
        assert parent in nodes and child in nodes
    assert set(classes) <= set(nodes)
    return nodes, edges, classes


def by_plan_id(nodes: dict) -> dict[str, str]:
    """Plan id -> Mermaid name, read from each label's second line (`KPI visitors`, `param ratio`)."""
    out = {}
    for name, (_, lines) in nodes.items():
        kind, pid = lines[1].split(" ")
        assert kind in ("KGI", "KSF", "KPI", "param")
        out[pid] = name
    return out


DOT_TOKEN = re.compile(r'\s+|"(?:[^"\\\n]|\\.)*"|->|[{}\[\];,=]|[A-Za-z_][A-Za-z_0-9]*|[0-9.]+')


def read_dot(text: str) -> tuple[dict, list]:
    """(node id -> attributes) and edges (parent, child, attributes) of kpispec's DOT: every
    string closed on its line, braces balanced, only node, edge and default statements."""
    tokens = []
    pos = 0
    while pos < len(text):
        m = DOT_TOKEN.match(text, pos)
        assert m and m.end() > pos, f"cannot read DOT at {text[pos:pos + 40]!r}"
        if not m.group().isspace():
            tokens.append(m.group())
        pos = m.end()
    assert tokens[:3] == ["digraph", "kpis", "{"] and tokens[-1] == "}"
    depth = 0
    for t in tokens:
        depth += {"{": 1, "}": -1}.get(t, 0)
        assert depth >= 0
    assert depth == 0
    statements, current = [], []
    for t in tokens[3:-1]:
        if t == ";":
            statements.append(current)
            current = []
        else:
            current.append(t)
    assert not current, "a statement without its `;`"
    nodes, edges = {}, []
    for st in statements:
        if st[0] in ("node", "edge") or (len(st) == 3 and st[1] == "="):
            continue  # defaults, `rankdir=TB`
        if len(st) > 2 and st[1] == "->":
            edges.append((unquote(st[0]), unquote(st[2]), attributes(st[3:])))
        else:
            assert st[0] not in nodes, f"{st[0]} declared twice"
            nodes[unquote(st[0])] = attributes(st[1:])
    for parent, child, _ in edges:
        assert parent in nodes and child in nodes, (parent, child)
    return nodes, edges


def unquote(token: str) -> str:
    assert token.startswith('"') and token.endswith('"'), token
    body = token[1:-1]
    # The only escapes kpispec writes: `\\`, `\"` and its own line breaks `\n`. Graphviz reads
    # HTML entities in labels, as kpispec writes `&`, `<` and `>`.
    out = re.sub(r"\\(.)", lambda m: {"\\": "\\", '"': '"', "n": "\n"}[m.group(1)], body)
    return out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def attributes(tokens: list[str]) -> dict[str, str]:
    if not tokens:
        return {}
    assert tokens[0] == "[" and tokens[-1] == "]", tokens
    out = {}
    inner = tokens[1:-1]
    i = 0
    while i < len(inner):
        key, eq, value = inner[i : i + 3]
        assert eq == "="
        out[key] = unquote(value) if value.startswith('"') else value
        i += 4 if i + 3 < len(inner) and inner[i + 3] == "," else 3
    return out


# ------------------------------------------------------------------ Mermaid


def test_mermaid_ec_site_has_every_node_once_and_the_formula_edges():
    plan = plan_of(EC_SITE.read_text(encoding="utf-8"))
    nodes, edges, classes = read_mermaid(ok(graph(EC_SITE)))
    assert len(nodes) == len(drawn_ids(plan)) == len(plan.nodes) == 11  # its param is used by an assert only
    ids = by_plan_id(nodes)
    assert set(ids) == drawn_ids(plan)
    assert (ids["revenue"], "×", ids["visitors"]) in edges
    assert (ids["visitors"], "+", ids["seo_visitors"]) in edges
    assert (ids["traffic"], None, ids["visitors"]) in edges  # a KPI serving a KSF: a dotted link
    assert (ids["revenue"], None, ids["traffic"]) in edges
    shapes = {pid: nodes[name][0] for pid, name in ids.items()}
    assert shapes["revenue"] == "([])" and shapes["traffic"] == "{{}}" and shapes["cvr"] == "[]"
    revenue = nodes[ids["revenue"]][1]
    assert revenue[:3] == ["年間売上", "KGI revenue", "≥ 12億円 per year"]
    assert "✓ met" in revenue  # the verdict in words, not only the colour
    assert classes[ids["revenue"]] == "met"


def test_mermaid_draws_a_param_a_formula_uses(tmp_path):
    text = MISSING_GOAL.replace("formula orders * aov", "formula orders * aov * share").replace(
        'kgi revenue "', 'param share "取り分" = 50%\n\nkgi revenue "')
    path = tmp_path / "param.kpi"
    path.write_text(text, encoding="utf-8")
    nodes, edges, _ = read_mermaid(ok(graph(path)))
    ids = by_plan_id(nodes)
    assert set(ids) == drawn_ids(plan_of(text))
    assert nodes[ids["share"]] == ("[[]]", ["取り分", "param share", "= 50%"])
    assert (ids["revenue"], "×", ids["share"]) in edges


def test_a_goal_the_targets_miss_says_misses(tmp_path):
    path = tmp_path / "miss.kpi"
    path.write_text(MISSING_GOAL, encoding="utf-8")
    nodes, _, classes = read_mermaid(ok(graph(path)))
    ids = by_plan_id(nodes)
    verdict = nodes[ids["revenue"]][1][3]
    assert verdict.startswith("✗ misses"), verdict
    assert classes == {ids["revenue"]: "misses"}
    ja = read_mermaid(ok(graph(path, "--lang", "ja")))[0]
    assert ja[ids["revenue"]][1][3].startswith("✗ 未達")
    dot_nodes, _ = read_dot(ok(graph(path, "--format", "dot")))
    assert "✗ misses" in dot_nodes["revenue"]["label"]
    assert dot_nodes["revenue"]["fillcolor"] != dot_nodes["orders"]["fillcolor"]


def test_mermaid_keeps_hostile_texts_inside_their_labels(tmp_path):
    path = tmp_path / "evil.kpi"
    path.write_text(EVIL_PLAN, encoding="utf-8")
    out = ok(graph(path))
    for raw in HOSTILE + ["\\", "`", "%%", "$$", "#quot;", "&lt;", "<img", "\t", "\r"]:
        assert raw not in out, raw
    assert "<" not in out.replace("<br>", "")
    nodes, edges, _ = read_mermaid(out)  # every line is a node, an edge or a class: nothing injected
    assert len(nodes) == 5 and len(edges) == 6
    # Nothing was dropped on the way: each text reads back as written.
    ids = by_plan_id(nodes)
    assert nodes[ids["revenue"]][1][0] == "<script>alert(1)</script>"
    assert nodes[ids["revenue"]][1][-1] == 'owner "]; evil["x'
    assert nodes[ids["sell"]][1][0] == "[x](javascript:alert(1))"
    assert nodes[ids["orders"]][1][0] == '"; evil -> x; "'
    assert nodes[ids["orders"]][1][-1] == "owner back\\slash \\N line break and tab"
    assert nodes[ids["aov"]][1][0] == "a|b {c} `d` #quot; &lt; %%{init}%% $$x$$"
    assert nodes[ids["ratio"]][1][0] == "a|b"


# ------------------------------------------------------------------ DOT


def test_dot_ec_site_is_a_graph_of_the_plan():
    plan = plan_of(EC_SITE.read_text(encoding="utf-8"))
    out = ok(graph(EC_SITE, "--format", "dot"))
    assert out.startswith("digraph kpis {\n    rankdir=TB;\n")
    assert "<" not in out  # no HTML-like labels
    nodes, edges = read_dot(out)
    assert set(nodes) == drawn_ids(plan)
    assert ("revenue", "visitors", {"label": "×"}) in edges
    assert ("visitors", "seo_visitors", {"label": "+"}) in edges
    assert ("traffic", "visitors", {"style": "dashed"}) in edges
    assert nodes["revenue"]["label"].split("\n")[:4] == ["年間売上", "KGI revenue", "≥ 12億円 per year", "✓ met"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
def test_graphviz_draws_the_dot(tmp_path):
    for plan in (EC_SITE, tmp_path / "evil.kpi"):
        if plan.name == "evil.kpi":
            plan.write_text(EVIL_PLAN, encoding="utf-8")
        out = ok(graph(plan, "-f", "dot"))
        drawn = subprocess.run(["dot", "-Tplain"], input=out, capture_output=True, text=True, encoding="utf-8", timeout=60)
        assert drawn.returncode == 0 and drawn.stderr == "", drawn.stderr
        lines = drawn.stdout.splitlines()
        assert sum(1 for line in lines if line.startswith("node ")) == len(read_dot(out)[0])
        assert sum(1 for line in lines if line.startswith("edge ")) == len(read_dot(out)[1])
    # Graphviz reads the label back exactly as written, the entities and escapes undone.
    assert 'node revenue ' in drawn.stdout and '"<script>alert(1)</script>\\nKGI revenue' in drawn.stdout


def test_dot_keeps_hostile_texts_inside_their_strings(tmp_path):
    path = tmp_path / "evil.kpi"
    path.write_text(EVIL_PLAN, encoding="utf-8")
    out = ok(graph(path, "--format", "dot"))
    for raw in ("<script>", "<img", '"]; evil["x', '"; evil -> x; "', "back\\slash", "\t"):
        assert raw not in out, raw
    # Every backslash in a string is one of the three escapes kpispec writes (never `\N`, `\l`).
    for string in re.findall(r'"(?:[^"\\\n]|\\.)*"', out):
        assert re.fullmatch(r'"(?:[^"\\]|\\\\|\\"|\\n)*"', string), string
    nodes, edges = read_dot(out)
    assert set(nodes) == {"revenue", "sell", "orders", "aov", "ratio"} and len(edges) == 6
    assert nodes["revenue"]["label"].split("\n")[0] == "<script>alert(1)</script>"
    assert nodes["revenue"]["label"].split("\n")[-1] == 'owner "]; evil["x'
    assert nodes["orders"]["label"].split("\n")[0] == '"; evil -> x; "'
    assert nodes["orders"]["label"].split("\n")[-1] == "owner back\\slash \\N line break and tab"
    assert nodes["aov"]["label"].split("\n")[-1] == "owner <img src=x onerror=alert(1)> & ; end"


# ------------------------------------------------------------------ files and errors


def test_output_file_is_written_and_the_input_never_overwritten(tmp_path):
    path = tmp_path / "plan.kpi"
    path.write_text(MISSING_GOAL, encoding="utf-8")
    target = tmp_path / "tree.mmd"
    result = graph(path, "-o", target)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    assert target.read_text(encoding="utf-8") == ok(graph(path))
    refused = graph(path, "-o", path)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "it is the input" in refused.stderr
    assert path.read_text(encoding="utf-8") == MISSING_GOAL


@pytest.mark.parametrize("args, message", [
    (["no/such/plan.kpi"], "kpispec: error: no such file or folder: no/such/plan.kpi\n"),
    (["examples"], "kpispec: error: examples is a folder; graph takes one .kpi file\n"),
])
def test_usage_problems_exit_2_with_one_line(args, message):
    result = graph(*args)
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr == message


def test_a_link_out_of_its_folder_is_followed_only_when_asked(tmp_path):
    link = tmp_path / "plan.kpi"
    link.symlink_to(EC_SITE)
    refused = graph(link)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "not following symbolic link" in refused.stderr
    assert ok(graph(link, "--follow-symlinks")) == ok(graph(EC_SITE))


def test_unknown_format_is_a_usage_error():
    result = graph(EC_SITE, "--format", "svg")
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_output_into_a_missing_folder_exits_2(tmp_path):
    result = graph(EC_SITE, "-o", tmp_path / "no" / "tree.mmd")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("kpispec: error: cannot write")


@pytest.mark.parametrize("text, code", [
    ('plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n\nkpi a "A" {\n  targt 1件\n}\n', "KPI002"),
    ('plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n\nkgi g "G" {\n  target 1件\n  formula nowhere * 2\n}\n', "KPI10"),
])
def test_a_plan_that_does_not_parse_or_resolve_exits_1(tmp_path, text, code):
    path = tmp_path / "broken.kpi"
    path.write_text(text, encoding="utf-8")
    for fmt in ("mermaid", "dot"):
        result = graph(path, "--format", fmt)
        assert result.returncode == 1
        assert result.stdout == ""
        assert f"error[{code}" in result.stderr and "Traceback" not in result.stderr

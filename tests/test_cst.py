"""The lossless syntax tree (kpispec/syntax/cst.py): every token and comment kept, the AST built from it."""

import pytest

from conftest import ROOT

from kpispec.source import SourceFile, decode
from kpispec.syntax.cst import Node, parse_tree
from kpispec.syntax.parse import parse

PLANS = sorted(p for p in [*ROOT.glob("tests/**/*.kpi"), *ROOT.glob("examples/*.kpi"), *ROOT.glob("docs/**/*.kpi"),
                           *ROOT.glob("kpispec/templates/*.kpi")] if ".venv" not in p.parts)


def _source(path):
    source, problems = decode(path.name, path.read_bytes())
    return None if problems else source


@pytest.mark.parametrize("path", PLANS, ids=[str(p.relative_to(ROOT)) for p in PLANS])
def test_the_tree_gives_back_the_text_and_the_ast_the_check_path_builds(path):
    source = _source(path)
    if source is None:
        pytest.skip("not UTF-8: no text to parse")
    tree, parsed = parse_tree(source)
    reference = parse(source)
    if tree is None:  # a syntax error: the same error as the check path's
        assert parsed.diagnostics == reference.diagnostics and reference.module is None
        return
    assert tree.lossless() and tree.text() == source.text
    assert tree.module == reference.module == parsed.module
    tokens = list(tree.tokens())
    assert all(a.end_pos <= b.start_pos for a, b in zip(tokens, tokens[1:])), "in text order, none overlapping"
    # every comment is in a gap between tokens, and every gap holds only white space and comments
    comments = [c for c in tree.comments]
    gaps = "".join(tree.gap(a, b) for a, b in zip([None, *tokens], [*tokens, None]))
    assert all(text in gaps for text, _, _ in comments)


def test_a_node_keeps_each_token_as_written_even_what_the_ast_drops():
    text = 'param x "X" = +(a × b) ÷ -c  # note\n'
    tree, _ = parse_tree(SourceFile("p.kpi", text))
    assert [t.value for t in tree.tokens()] == ["param", "x", '"X"', "=", "+", "(", "a", "×", "b", ")", "÷", "-", "c"]
    assert tree.comments == (("# note", 29, 35),)
    param = tree.root.children[0]
    assert isinstance(param, Node) and param.rule == "param"
    assert param.value.value.op == "/"  # the AST reads × and ÷ as * and /, and drops the unary +
    assert tree.gap(list(tree.tokens())[-1], None) == "  # note\n"


def test_a_text_that_does_not_parse_has_no_tree_and_the_check_paths_error():
    tree, parsed = parse_tree(SourceFile("p.kpi", "kpi {\n"))
    assert tree is None and parsed.module is None and parsed.diagnostics[0].code.startswith("KPI00")


def test_an_expression_nested_too_deep_is_refused_as_the_check_path_refuses_it():
    text = "param x = " + "(" * 250 + "1" + ")" * 250 + "\n"
    tree, parsed = parse_tree(SourceFile("p.kpi", text))
    assert tree is None and [d.code for d in parsed.diagnostics] == ["KPI009"]

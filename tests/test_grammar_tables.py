"""The parser is loaded from tables generated into the package, never from a cache file.

lark's `cache=True` unpickles `$TMPDIR/.lark_cache_<user>_<hash>_<py>.tmp`, a predictable name
in a shared folder: another local user who plants that file runs code as whoever runs
kpispec next. kpispec loads its tables from a Python literal in the package instead.
"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

from kpispec.records import fields, is_record
from kpispec.syntax import grammar

PROBE = r"""
import json, os, sys
opened = []
def audit(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        opened.append(os.fsdecode(args[0]))
    elif event == "pickle.find_class":
        opened.append("UNPICKLED " + repr(args))
sys.addaudithook(audit)
sys.argv = ["kpispec", "check", sys.argv[1]]
from kpispec.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps({"opened": opened}), file=sys.stderr)
"""


def test_committed_tables_are_generated_from_the_grammar():
    from kpispec.syntax import _lark_tables, _tables

    for module in (_tables, _lark_tables):
        assert module.GRAMMAR == grammar.grammar_text(), (
            f"{module.__name__} is stale: run `uv run python -m kpispec.syntax.grammar`"
        )


def _corpus() -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "tests").rglob("*.kpi"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.kpi"))]
    assert len(texts) > 100
    return texts


def _reference():
    """lark built from the grammar text (no tables), with kpispec's lexer and builder: the
    parser the driver must equal. Comments are collected by lark's lexer callback."""
    from lark import Lark

    from kpispec.syntax.build import AstBuilder
    from kpispec.syntax.lexer import FastLexer

    comments = []
    built = Lark(grammar.grammar_text(), parser="lalr", lexer=FastLexer, transformer=AstBuilder(),
                 maybe_placeholders=False, lexer_callbacks={"COMMENT": comments.append})
    return built, comments


def _lark_outcome(parser, comments, text):
    from lark.exceptions import UnexpectedInput

    comments.clear()
    try:
        items = parser.parse(text)
    except UnexpectedInput as exc:
        return ("rejected", exc)
    return flatten(items) + [(c.value, c.start_pos, c.end_pos) for c in comments]


def _driver_outcome(text):
    from kpispec.syntax.lalr import Rejected

    try:
        items, comments = grammar.parser().parse(text)
    except Rejected as exc:
        return ("rejected", exc)
    return flatten(items) + list(comments)


def _assert_same(text, built, comments):
    ours = _driver_outcome(text)
    theirs = _lark_outcome(built, comments, text)
    if ours[0] == "rejected" and theirs[0] == "rejected":
        token = getattr(theirs[1], "token", None)
        if token is None or token.type != "$END":  # lark places an unexpected end at the last token
            assert ours[1].pos == theirs[1].pos_in_stream, text[:200]
        return
    assert ours == theirs, text[:200]


def test_the_driver_parses_exactly_as_lark_built_from_the_grammar():
    # Every plan and every broken plan in the tests: the same AST node for node, the same
    # comments, or a rejection at the same place.
    from kpispec.api import paused_gc  # raises the recursion limit for deeply nested expressions

    built, comments = _reference()
    with paused_gc():
        for text in _corpus():
            _assert_same(text, built, comments)


def test_the_driver_agrees_with_lark_on_edited_plans():
    # Plans broken (and sometimes mended) by random edits of whole tokens: a token dropped,
    # doubled, or swapped with its neighbour, and single characters inserted. Seeded, so a
    # failure is reproducible.
    import random
    import re

    rng = random.Random(20261201)
    built, comments = _reference()
    pieces = re.compile(r"\s+|[^\s]+")
    alphabet = list('{}()=,+-*/"#%\n') + ["kpi", "target", ">=", "per", "円", "万", "1,000", "x", "/月", "/人"]
    texts = [t for t in _corpus() if 0 < len(t) < 4000]
    checked = 0
    for text in texts:
        tokens = pieces.findall(text)
        for _ in range(12):
            edited = list(tokens)
            i = rng.randrange(len(edited))
            move = rng.randrange(4)
            if move == 0:
                del edited[i]
            elif move == 1:
                edited.insert(i, edited[i])
            elif move == 2 and i + 1 < len(edited):
                edited[i], edited[i + 1] = edited[i + 1], edited[i]
            else:
                edited.insert(i, rng.choice(alphabet))
            _assert_same("".join(edited), built, comments)
            checked += 1
    assert checked > 1000


def test_a_left_recursive_list_grows_in_place():
    # `__start_star_0: __start_star_0 item`: each reduction adds one item to the list built so
    # far. Copying that list each time made parsing quadratic (a 300,000-KPI plan ran for more
    # than ten minutes); like lark, the driver extends the list it already has.
    from kpispec.syntax.lalr import _Node, _reducer

    class Builder:
        def items(self, children):
            return children

    reduce = _reducer(Builder(), "items", False, [(0, True), (1, False)])
    grown = ["a", "b"]
    assert reduce([_Node("__items_star_0", grown), "c"]) is grown
    assert grown == ["a", "b", "c"]
    # spliced after a kept child, the list is copied once into the rule's children
    block = _reducer(Builder(), "items", False, [(0, False), (1, True)])
    attrs = ["x", "y"]
    assert block(["{", _Node("__block_star_2", attrs)]) == ["{", "x", "y"] and attrs == ["x", "y"]


def test_lark_from_the_committed_tables_is_lark_from_the_grammar():
    # lark numbers its states differently from run to run, so the tables are compared by what
    # they do; this parser explains syntax errors, so its failures must be the grammar's.
    from lark.exceptions import UnexpectedInput

    from kpispec.api import paused_gc

    loaded = grammar.lark_parser()
    assert loaded.source_path == "<deserialized>"
    built, _ = _reference()
    with paused_gc():
        for text in _corpus():
            outcomes = []
            for parser in (loaded, built):
                try:
                    outcomes.append(flatten(parser.parse(text)))
                except UnexpectedInput as exc:
                    outcomes.append((type(exc).__name__, exc.pos_in_stream, sorted(getattr(exc, "expected", ()) or ())))
            assert outcomes[0] == outcomes[1], text[:200]


def test_the_tables_are_plain_literals():
    import ast

    for path in (grammar.TABLES, grammar.LARK_TABLES):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for statement in tree.body:
            if isinstance(statement, ast.Assign):
                ast.literal_eval(statement.value)  # raises on anything but a literal: no code runs on load


def test_parsers_come_from_the_committed_tables():
    from kpispec.syntax import _tables

    assert grammar.tables() is _tables.TABLES
    assert grammar._committed_lark_tables() is not None


def test_a_check_opens_no_cache_file_and_unpickles_nothing(tmp_path):
    # A planted lark cache under every name pattern lark would use: it must never be opened,
    # neither for a plan that parses nor for one lark is loaded to explain.
    cache = tmp_path / "tmp"
    cache.mkdir()
    good = tmp_path / "plan.kpi"
    good.write_bytes((ROOT / "examples" / "ec_site.kpi").read_bytes())
    broken = tmp_path / "broken.kpi"
    broken.write_text('kpi a "A" {\n  target >= \n}\n', encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(cache), "NO_COLOR": "1"}
    for plan, says in ((good, "Checked 1 file: no problems"), (broken, "KPI002")):
        result = subprocess.run([sys.executable, "-c", PROBE, str(plan)], cwd=tmp_path, env=env, capture_output=True, text=True)
        report = json.loads(result.stderr.strip().splitlines()[-1])
        assert not [p for p in report["opened"] if p.startswith("UNPICKLED") or "lark_cache" in p or p.startswith(str(cache))]
        assert list(cache.iterdir()) == []  # and nothing is written there either
        assert says in result.stdout


def test_an_edited_grammar_is_built_afresh_not_loaded_stale(monkeypatch):
    from kpispec.syntax import _tables

    edited = (ROOT / "grammar" / "kpispec.lark").read_text(encoding="utf-8") + "\n// edited\n"
    grammar.lark_parser.cache_clear()
    try:
        monkeypatch.setattr(grammar, "grammar_text", lambda: edited)
        assert grammar._committed_lark_tables() is None
        fresh = grammar.tables()
        assert fresh is not _tables.TABLES and fresh["rules"] == _tables.TABLES["rules"]
        assert grammar.lark_parser().source_path != "<deserialized>"  # built from the grammar text
    finally:
        grammar.lark_parser.cache_clear()


def flatten(tree) -> list:
    """The tree as a flat list, walked without recursion (expressions nest 200 deep)."""
    out, stack = [], [tree]
    while stack:
        node = stack.pop()
        if is_record(node):
            out.append(type(node).__name__)
            stack.extend(reversed([getattr(node, f.name) for f in fields(node)]))
        elif isinstance(node, (list, tuple)):
            out.append(len(node))
            stack.extend(reversed(node))
        else:
            out.append(repr(node))
    return out


def test_whitespace_is_read_in_the_same_match_as_the_next_token():
    # One regular-expression match a token, not two (docs/performance.md): the whitespace before
    # a token is part of its match, and the token's own text starts after it.
    from kpispec.syntax.build import AstBuilder
    from kpispec.syntax.lalr import Parser

    pattern = Parser(grammar.tables(), AstBuilder()).pattern
    found = pattern.match("  \n\u3000 kpi a", 0)
    assert found.lastgroup == "NAME" and found.group("NAME") == "kpi" and found.start("NAME") == 5
    trailing = pattern.match("x   ", 1)  # whitespace at the end of the text is still read
    assert trailing.lastgroup == "WS" and trailing.end() == 4

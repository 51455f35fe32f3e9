"""The parser is loaded from tables generated into the package, never from a cache file.

lark's `cache=True` unpickles `$TMPDIR/.lark_cache_<user>_<hash>_<py>.tmp`, a predictable name
in a shared folder: another local user who plants that file runs code as whoever runs
kpispec next. kpispec loads its tables from a Python literal in the package instead.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

from conftest import ROOT

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
    from kpispec.syntax import _tables

    assert _tables.GRAMMAR == grammar.grammar_text(), (
        "kpispec/syntax/_tables.py is stale: run `uv run python -m kpispec.syntax.grammar`"
    )


def test_tables_parse_exactly_as_a_parser_built_from_the_grammar():
    # lark numbers its states differently from run to run, so the tables are compared by
    # what they do: every plan and every broken plan in the tests parses (or fails) the same.
    from lark import Lark

    from kpispec.syntax.build import AstBuilder
    from kpispec.syntax.lexer import FastLexer

    loaded, _ = grammar.parser()
    built = Lark(grammar.grammar_text(), parser="lalr", lexer=FastLexer, transformer=AstBuilder(),
                 maybe_placeholders=False)
    assert loaded.source_path == "<deserialized>"
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "tests").rglob("*.kpi"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.kpi"))]
    assert len(texts) > 100
    from kpispec.api import paused_gc  # raises the recursion limit for deeply nested expressions

    with paused_gc():
        for text in texts:
            _same_outcome(loaded, built, text)


def _same_outcome(loaded, built, text):
    from lark.exceptions import UnexpectedInput

    outcomes = []
    for parser in (loaded, built):
        try:
            outcomes.append(flatten(parser.parse(text)))
        except UnexpectedInput as exc:
            outcomes.append((type(exc).__name__, exc.pos_in_stream, sorted(exc.expected) if hasattr(exc, "expected") else None))
    assert outcomes[0] == outcomes[1], text[:200]


def test_the_tables_are_plain_literals():
    import ast

    tree = ast.parse(grammar.TABLES.read_text(encoding="utf-8"))
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            ast.literal_eval(statement.value)  # raises on anything but a literal: no code runs on load


def test_parser_comes_from_the_committed_tables():
    assert grammar._committed_tables() is not None


def test_a_check_opens_no_cache_file_and_unpickles_nothing(tmp_path):
    # A planted lark cache under every name pattern lark would use: it must never be opened.
    cache = tmp_path / "tmp"
    cache.mkdir()
    plan = tmp_path / "plan.kpi"
    plan.write_bytes((ROOT / "examples" / "ec_site.kpi").read_bytes())
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(cache), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", PROBE, str(plan)], cwd=tmp_path, env=env, capture_output=True, text=True)
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert not [p for p in report["opened"] if p.startswith("UNPICKLED") or "lark_cache" in p or p.startswith(str(cache))]
    assert list(cache.iterdir()) == []  # and nothing is written there either
    assert "Checked 1 file" in result.stdout


def test_an_edited_grammar_is_built_afresh_not_loaded_stale(monkeypatch):
    grammar.parser.cache_clear()
    try:
        monkeypatch.setattr(grammar, "grammar_text", lambda: grammar.TABLES.read_text(encoding="utf-8") and
                            (ROOT / "grammar" / "kpispec.lark").read_text(encoding="utf-8") + "\n// edited\n")
        assert grammar._committed_tables() is None
        lark, _ = grammar.parser()
        assert lark.source_path != "<deserialized>"  # built from the grammar text
    finally:
        grammar.parser.cache_clear()


def flatten(tree) -> list:
    """The tree as a flat list, walked without recursion (expressions nest 200 deep)."""
    out, stack = [], [tree]
    while stack:
        node = stack.pop()
        if dataclasses.is_dataclass(node):
            out.append(type(node).__name__)
            stack.extend(reversed([getattr(node, f.name) for f in dataclasses.fields(node)]))
        elif isinstance(node, (list, tuple)):
            out.append(len(node))
            stack.extend(reversed(node))
        else:
            out.append(repr(node))
    return out

"""The grammar's parse tables, generated once, and the parsers built from them.

`python -m kpispec.syntax.grammar` has lark analyse grammar/kpispec.lark and writes two plain
Python literals committed with the package (a test fails when either is stale):
- `_tables.py`: what kpispec's own LALR driver (lalr.py) needs: the lexer's pattern, the parse
  table and how each rule shapes its children. Every parse runs on it, without importing lark.
- `_lark_tables.py`: lark's serialized parser, loaded only for a file that does not parse, to
  get lark's exception (the parser state the syntax-error messages are built from).
Loading either costs no grammar analysis and reads no cache file: lark's own `cache=True`
unpickles a file with a predictable name in the shared temporary folder, which another local
user could plant to run code as whoever runs kpispec next. When the grammar was edited but the
tables not regenerated (a checkout being worked on), both are built from the grammar instead,
slower but never from a stale or foreign file.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent
TABLES = Path(__file__).resolve().parent / "_tables.py"
LARK_TABLES = Path(__file__).resolve().parent / "_lark_tables.py"


def grammar_path() -> Path:
    """The grammar ships inside the wheel; in a checkout it is read from grammar/."""
    for candidate in (_HERE / "_grammar" / "kpispec.lark", _HERE.parent / "grammar" / "kpispec.lark"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("kpispec.lark not found next to the package or in grammar/")


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


def _build_options():
    from .lexer import FastLexer

    return dict(parser="lalr", lexer=FastLexer, maybe_placeholders=False)


@lru_cache(maxsize=1)
def parser():
    """kpispec's own LALR parser (lalr.py) with the AST builder: what every parse runs."""
    from .build import AstBuilder
    from .lalr import Parser

    return Parser(tables(), AstBuilder())


def tables() -> dict:
    """The driver's tables: the committed ones when they were generated from this grammar."""
    try:
        from . import _tables
    except ImportError:
        _tables = None
    if _tables is not None and _tables.GRAMMAR == grammar_text():
        return _tables.TABLES
    return driver_tables(_analysed(grammar_text()))


@lru_cache(maxsize=1)
def lark_parser():
    """lark's parser of the same grammar, with the same lexer and builder: for a text the driver
    rejects, whose exception carries the parser state the syntax-error messages need."""
    from lark import Lark

    from .build import AstBuilder
    from .lexer import FastLexer

    tables = _committed_lark_tables()
    if tables is not None:
        data, memo, paths = tables
        return Lark._load_from_dict(_with_lexer(data, paths, FastLexer), memo, transformer=AstBuilder())
    return Lark(grammar_text(), **_build_options(), transformer=AstBuilder())


def _committed_lark_tables():
    """lark's serialized tables, when they were generated from the grammar in use."""
    try:
        from . import _lark_tables
    except ImportError:
        return None
    if _lark_tables.GRAMMAR != grammar_text():
        return None
    return _lark_tables.DATA, _lark_tables.MEMO, _lark_tables.LEXER_PATHS


def _analysed(text: str):
    from lark import Lark

    return Lark(text, **_build_options())


def driver_tables(lark) -> dict:
    """What lalr.Parser runs, taken from a Lark parser built with `_build_options()`."""
    from lark.parsers.lalr_analysis import Shift

    lexer = lark.parser.lexer  # the FastLexer lark built: its one pattern and keyword table
    comment = "COMMENT" if "COMMENT" in lexer.ignore else None
    table = lark.parser.parser._parse_table
    rules = list(lark.rules)
    index = {rule: i for i, rule in enumerate(rules)}
    start = table.start_states["start"]
    if any(sym.name == "start" for rule in rules for sym in rule.expansion):  # pragma: no cover - the grammar's shape
        raise ValueError("`start` is used inside a rule: the driver accepts on reducing it")
    # The start state last, so that state 0 is one the parser shifts into like any other.
    numbers = sorted(table.states, key=lambda number: (number == start, number))
    state = {number: i for i, number in enumerate(numbers)}
    states = []
    for number in numbers:
        row = {}
        for symbol, (action, arg) in sorted(table.states[number].items()):
            row[str(symbol)] = state[arg] if action is Shift else ~index[arg]
        states.append(row)
    skipped = [t.pattern.to_regexp() for t in lark.terminals if t.name in lexer.ignore and t.name != comment]
    return {
        "pattern": lexer.pattern.pattern,
        "skip": "|".join(skipped) or None,
        "flags": lexer.pattern.flags,
        "keywords": lexer.keywords,
        "ignore": sorted(lexer.ignore),
        "comment": comment,
        "states": states,
        "start": state[start],
        "accept": "start",
        "rules": [_rule_shape(rule) for rule in rules],
    }


def _rule_shape(rule):
    """(origin, length, callback name, `?rule` without alias, children kept or None for all):
    lark's ParseTreeBuilder with keep_all_tokens off and no placeholders, as data."""
    if rule.options.keep_all_tokens or rule.options.template_source:  # pragma: no cover - not in the grammar
        raise ValueError(f"rule {rule} uses a lark feature the driver does not implement")
    keep = [(i, not sym.is_term and sym.name.startswith("_"))
            for i, sym in enumerate(rule.expansion) if not (sym.is_term and sym.filter_out)]
    filtered = len(keep) < len(rule.expansion) or any(splice for _, splice in keep)
    return (str(rule.origin.name), len(rule.expansion), str(rule.alias or rule.origin.name),
            bool(rule.options.expand1 and not rule.alias), keep if filtered else None)


def _lexer_paths(data, found, path=()):
    """Where the serialized tables hold the lexer class (options, lexer configuration)."""
    if isinstance(data, dict):
        for key, value in data.items():
            _lexer_paths(value, found, (*path, key))
    elif data is _build_options()["lexer"]:
        found.append(path)
    return found


def _with_lexer(data, paths, lexer):
    """A copy of the tables with `lexer` at each path; only the dicts on those paths are copied."""
    for path in paths:
        data = _set(data, path, lexer)
    return data


def _set(data, path, value):
    if not path:
        return value
    return {**data, path[0]: _set(data[path[0]], path[1:], value)}


_HEADER = '"""Generated by `python -m kpispec.syntax.grammar` from grammar/kpispec.lark: do not edit."""\n\n'


def generate_tables(text: str) -> tuple[str, str]:
    """The sources of `_tables.py` (the driver's) and `_lark_tables.py` (lark's) for a grammar text."""
    import pprint

    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    lark = _analysed(text)
    driver = _HEADER + f"GRAMMAR = {text!r}\n\nTABLES = {pprint.pformat(driver_tables(lark), width=120, sort_dicts=True)}\n"
    data, memo = lark.memo_serialize([TerminalDef, Rule])
    paths = _lexer_paths(data, [])
    data = _with_lexer(data, paths, None)
    serialized = (
        _HEADER + f"GRAMMAR = {text!r}\n\n"
        f"LEXER_PATHS = {paths!r}\n\n"
        f"DATA = {pprint.pformat(data, width=120, sort_dicts=True)}\n\n"
        f"MEMO = {pprint.pformat(memo, width=120, sort_dicts=True)}\n"
    )
    return driver, serialized


def strict_parser():
    """Build with strict=True so that grammar collisions fail loudly (used by tests).

    With the basic lexer, as kpispec lexes (one pattern of every terminal, whatever the parser
    state): every pair of terminals is compared, where the contextual lexer would compare only
    those that can follow the same state, each state again (twice the time for less)."""
    from lark import Lark

    return Lark(grammar_text(), parser="lalr", lexer="basic", strict=True)


if __name__ == "__main__":  # pragma: no cover - a developer command
    driver_source, lark_source = generate_tables(grammar_text())
    TABLES.write_text(driver_source, encoding="utf-8")
    LARK_TABLES.write_text(lark_source, encoding="utf-8")
    sys.stdout.write(f"wrote {TABLES} and {LARK_TABLES}\n")

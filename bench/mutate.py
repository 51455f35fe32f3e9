"""Mutation testing for kpispec's core: plant small bugs one at a time and see whether a test fails.

    uv run python bench/mutate.py                      # every module in MODULES, with its tests
    uv run python bench/mutate.py kpispec/interval.py  # one module (or several)
    uv run python bench/mutate.py --planted            # the bugs planted by hand in PLANTED
    uv run python bench/mutate.py --list kpispec/dimension.py   # the mutants, without running them
    uv run python bench/mutate.py --since main         # only the lines a change added or edited

A mutant is one small change to the source, made at the place a real slip would be: an operator
swapped (+ -, * /, < <=, == !=, and or, min max), a `not` or a minus dropped, a number moved by
one, True for False, a short string (a separator or an escape such as "%25") emptied. Each mutant
is run against the fast tests of its module (MODULES); it is *killed* when one fails or runs far
longer than it did unmutated (a mutant that loops), and *survives* when every test passes.
Survivors are printed with their line; mutants listed in bench/mutation_equivalent.txt, with the
reason they cannot change behaviour, are counted apart and not run.

How it runs: the project is copied into a temporary folder; the working tree is never written.
First the module's tests are run once with a line tracer (in the test process and in every CLI it
starts, through a sitecustomize.py in the copy), which records which lines of the mutated modules
each test runs and how long it takes. Each mutant is then run against only the tests that run its
line, quickest first, stopping at the first failure, each test with its own time limit; a mutant
on a line no test runs survives without a run (UNTESTED). A line run while a test file is
collected (a parametrize list that calls the module, perhaps cached then) counts for every test
of that file. A mutant at module level (a table, a default) is run against every listed test:
other modules' code reads a table without running a line of its module. A worker imports pytest
and the heavy libraries once,
then for each mutant writes the mutated file into its copy and forks a child that runs pytest
there (with PYTHONPATH pointing at the copy, so the CLI run in a subprocess by a test is the
mutated one too). Two workers on the project's 2-core machine; `--jobs N` to change it.

This runs outside CI, like bench/fuzz.py; docs/reliability.md reports its score.
"""

from __future__ import annotations

import ast
import functools
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# module -> the fast tests a mutant of it may be run against (the whole suite takes minutes). Which
# of them run a given line is measured, not guessed; a slow file here costs every survivor its run.
_ORACLES = ["tests/test_core_oracles.py", "tests/test_arithmetic_edges.py", "tests/test_golden_verdicts.py"]
_ANALYSIS = _ORACLES + ["tests/test_arithmetic_oracles.py", "tests/test_per_unit.py", "tests/test_checks.py",
                        "tests/test_proofs.py"]
_RENDER = ["tests/test_renderers.py", "tests/test_golden_errors.py"]
MODULES = {
    "kpispec/interval.py": _ORACLES,
    "kpispec/dimension.py": _ORACLES + ["tests/test_per_unit.py"],
    "kpispec/units.py": ["tests/test_core_oracles.py", "tests/test_per_unit.py", "tests/test_japanese_numbers.py"],
    "kpispec/evaluate.py": _ANALYSIS,
    "kpispec/analysis/arithmetic.py": ["tests/test_arithmetic_search.py"] + _ANALYSIS,
    "kpispec/analysis/poly.py": ["tests/test_poly_oracles.py"] + _ANALYSIS,
    "kpispec/analysis/prove.py": ["tests/test_prove_oracles.py", "tests/test_prove_decisions.py"] + _ANALYSIS,
    "kpispec/analysis/labels.py": ["tests/test_per_unit.py", "tests/test_golden_verdicts.py", "tests/test_checks.py"],
    "kpispec/graph.py": ["tests/test_graph_oracles.py", "tests/test_graph_heuristics.py", "tests/test_cycles.py",
                         "tests/test_core_oracles.py",
                         "tests/test_checks.py"],
    "kpispec/render/text.py": _RENDER + ["tests/test_text_renderer.py", "tests/test_cli.py"],
    "kpispec/render/github.py": _RENDER,
    "kpispec/render/sarif.py": _RENDER,
    "kpispec/render/jsonfmt.py": _RENDER,
    "kpispec/render/counts.py": _RENDER,
    "kpispec/syntax/lexer.py": ["tests/test_fast_lexer.py", "tests/test_lexer.py", "tests/test_golden_errors.py"],
    "kpispec/syntax/lalr.py": ["tests/test_grammar_tables.py", "tests/test_golden_valid.py"],
    "kpispec/records.py": ["tests/test_records.py", "tests/test_golden_valid.py", "tests/test_checks.py"],
    "kpispec/tree.py": ["tests/test_site.py", "tests/test_graph_command.py"],
    "kpispec/analysis/goals.py": ["tests/test_site.py"],
    "kpispec/site/pages.py": ["tests/test_site.py"],
    "kpispec/cli/docs.py": ["tests/test_site.py"],
    "kpispec/months.py": ["tests/test_time.py", "tests/test_arithmetic_oracles.py"],
    "kpispec/analysis/timeline.py": ["tests/test_time.py", "tests/test_corpus.py", "tests/test_site.py"],
    "kpispec/syntax/errors/milestones.py": ["tests/test_time.py"],
    "kpispec/site/charts.py": ["tests/test_charts.py", "tests/test_site.py"],
    "kpispec/analysis/levers.py": ["tests/test_whatif.py"],
    "kpispec/planning.py": ["tests/test_whatif.py"],
    "kpispec/review/changes.py": ["tests/test_diff.py"],
}

# Tests never run against a mutant: robustness checks (a budget exhausted without a crash) that
# take seconds each and assert no value, so every survivor would pay them for nothing.
SKIP = {"tests/test_proofs.py::test_formulas_beyond_the_search_get_a_verdict_not_a_crash",
        # the same brute force in process (test_graph_oracles.py) covers hundreds of graphs in a second
        "tests/test_cycles.py::test_kpi401_random_graphs_against_brute_force",
        # interegular's search over the grammar's terminals: about the grammar, not the lexer's code
        "tests/test_lexer.py::test_grammar_has_no_collisions"}

# pytest in this process, without the project's `-n auto` (pytest-xdist): the script runs its own
# workers, and a mutant's few tests would pay for starting two more interpreters.
SERIAL = ["-q", "-o", "addopts=", "-p", "no:xdist"]

# Property tests run with at most this many examples under a mutant (tests/conftest.py `examples`):
# a surviving mutant pays every test that runs its line, and the full counts would triple the run.
MAX_EXAMPLES = "30"

# Bugs planted by hand (issue 9): (module, text as it is, text with the bug, what the bug is, tests).
_CHECKS = ["tests/test_core_oracles.py", "tests/test_checks.py", "tests/test_golden_errors.py", "tests/test_golden_verdicts.py"]
PLANTED = [
    ("kpispec/interval.py", "return Interval(_add(self.lo, -o.hi), _add(self.hi, -o.lo))",
     "return Interval(_add(self.lo, -o.lo), _add(self.hi, -o.hi))", "interval subtraction as [a.lo - b.lo, a.hi - b.hi]",
     _ORACLES),
    ("kpispec/interval.py", "return Interval(-INF if self.lo < 0 else lo, INF if self.hi > 0 else hi)",
     "return Interval(lo, hi)", "division by an interval touching 0 treated as bounded", _ORACLES),
    ("kpispec/interval.py", "return Interval(min(self.lo, o.lo), min(self.hi, o.hi))",
     "return Interval(min(self.lo, o.lo), max(self.hi, o.hi))", "Interval.minimum taking the max of the upper ends",
     _ORACLES),
    ("kpispec/dimension.py", '"day": Fraction(1, 365)', '"day": Fraction(1, 360)', "1 year = 360 days",
     _ORACLES),
    ("kpispec/dimension.py", '"week": Fraction(7, 365)', '"week": Fraction(7, 366)', "weeks of a 366-day year",
     _ORACLES),
    ("kpispec/graph.py", "if len(component) == 1 and not any(", "if len(component) <= 2 and not any(",
     "two-node cycles ignored by the cycle search", ["tests/test_cycles.py", "tests/test_core_oracles.py"]),
    ("kpispec/resolve.py", "if start and end and start > end:", "if start and end and start >= end:",
     "a one-day plan period rejected", _CHECKS),
    ("kpispec/checks/kpi301_targets_miss_goal.py", "away = ROUND_CEILING if ceiling else ROUND_FLOOR",
     "away = ROUND_FLOOR if ceiling else ROUND_CEILING", "KPI301's implied value rounded toward the target", _CHECKS),
    ("kpispec/checks/kpi302_unit_mismatch.py", "if len(currencies) > 1:", "if len(currencies) > 2:",
     "KPI302's currency-specific fix never given", _CHECKS),
    ("kpispec/checks/kpi303_rate_without_window.py", "if start and end and start > end:", "if start and end and start < end:",
     "KPI303's inverted-window branch flipped", _CHECKS),
    ("kpispec/checks/kpi206_growth_beyond_bound.py", "self._show(limit, dim, t, 'en', ROUND_FLOOR)",
     "self._show(limit, dim, t, 'en', ROUND_CEILING)", "KPI206's suggested limit above the bound", _CHECKS),
    ("kpispec/checks/kpi206_growth_beyond_bound.py", "target / baseline, bound, baseline * bound, dim",
     "target / baseline, bound, baseline / bound, dim", "KPI206's limit computed as baseline / bound", _CHECKS),
    ("kpispec/checks/kpi207_share_over_100.py", "Fraction(value.value) / 100, percent=True",
     "Fraction(value.value) / 1000, percent=True", "KPI207's slipped-decimal suggestion off by 10x", _CHECKS),
    ("kpispec/checks/kpi213_deadline_after_parent.py", "earliest = min(later, key=lambda p: p.deadline)",
     "earliest = max(later, key=lambda p: p.deadline)", "KPI213 naming the wrong parent", _CHECKS),
    ("kpispec/render/github.py", 'return text.replace("%", "%25").replace(', "return text.replace(",
     "--format github with % unescaped in messages", _RENDER),
    ("kpispec/render/github.py", '.replace(":", "%3A").replace(",", "%2C")', "",
     "--format github with : and , unescaped in properties", _RENDER),
    ("kpispec/render/sarif.py", 'else p["column"] + 1', 'else p["column"]', "SARIF end column on an empty span",
     _RENDER),
    ("kpispec/syntax/lexer.py", "key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name)",
     "key=lambda t: (-t.priority, -len(t.pattern.value), t.name)", "the lexer's terminal priority ignoring longest match",
     ["tests/test_fast_lexer.py", "tests/test_lexer.py", "tests/test_golden_valid.py"]),
]


@dataclass
class Mutant:
    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    old: str
    new: str
    what: str = ""

    @property
    def key(self) -> str:
        return f"{self.path}:{self.line}: {self.old} -> {self.new}"


# ------------------------------------------------------------------ finding mutants

_BINOPS = {ast.Add: ("+", "-"), ast.Sub: ("-", "+"), ast.Mult: ("*", "/"), ast.Div: ("/", "*"),
           ast.FloorDiv: ("//", "/"), ast.Mod: ("%", "*"), ast.Pow: ("**", "*"),
           ast.BitOr: ("|", "&"), ast.BitAnd: ("&", "|")}
_CMPOPS = {ast.Lt: ("<", "<="), ast.LtE: ("<=", "<"), ast.Gt: (">", ">="), ast.GtE: (">=", ">"),
           ast.Eq: ("==", "!="), ast.NotEq: ("!=", "=="), ast.In: ("in", "not in"), ast.NotIn: ("not in", "in"),
           ast.Is: ("is", "is not"), ast.IsNot: ("is not", "is")}
_AUG = {ast.Add: ("+=", "-="), ast.Sub: ("-=", "+="), ast.Mult: ("*=", "/="), ast.Div: ("/=", "*=")}
_SWAP_CALLS = {"min": "max", "max": "min", "any": "all", "all": "any"}


def mutants(path: str) -> list[Mutant]:
    source = _source(path)
    tree = _tree(path)
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type in (tokenize.OP, tokenize.NAME)]
    lines = source.splitlines()
    skipped = _skipped_lines(tree, lines)

    def pos(line, byte_col):
        """ast counts columns in UTF-8 bytes; tokenize and the text count characters."""
        return line, len(lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def start_of(node):
        return pos(node.lineno, node.col_offset)

    def end_of(node):
        return pos(node.end_lineno, node.end_col_offset)
    out: list[Mutant] = []

    def token_between(start, end, text):
        """The operator token `text` (one or two words) between two positions."""
        words = text.split()
        for i, t in enumerate(tokens):
            if t.start < start or t.start >= end:
                continue
            if t.string == words[0] and all(i + k < len(tokens) and tokens[i + k].string == w for k, w in enumerate(words)):
                last = tokens[i + len(words) - 1]
                return t.start, last.end
        return None

    def add(start, end, old, new, what):
        if start[0] in skipped or any(a <= start < b for a, b in fenced):
            return
        out.append(Mutant(path, start[0], start[1], end[0], end[1], old, new, what))

    fenced = _fenced(tree, pos)

    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            old, new = _BINOPS[type(node.op)]
            span = token_between(end_of(node.left), start_of(node.right), old)
            if span:
                add(*span, old, new, "operator")
        elif isinstance(node, ast.AugAssign) and type(node.op) in _AUG:
            old, new = _AUG[type(node.op)]
            span = token_between(end_of(node.target), start_of(node.value), old)
            if span:
                add(*span, old, new, "operator")
        elif isinstance(node, ast.Compare):
            left = node.left
            for op, right in zip(node.ops, node.comparators):
                if type(op) in _CMPOPS:
                    old, new = _CMPOPS[type(op)]
                    span = token_between(end_of(left), start_of(right), old)
                    if span:
                        add(*span, old, new, "comparison")
                left = right
        elif isinstance(node, ast.BoolOp):
            old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
            for a, b in zip(node.values, node.values[1:]):
                span = token_between(end_of(a), start_of(b), old)
                if span:
                    add(*span, old, new, "boolean")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            old = "not" if isinstance(node.op, ast.Not) else "-"
            span = token_between(start_of(node), start_of(node.operand), old)
            if span:
                add(*span, old, "", "dropped " + old)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _SWAP_CALLS:
            f = node.func
            add(start_of(f), end_of(f), f.id, _SWAP_CALLS[f.id], "call")
        elif isinstance(node, ast.Constant) and node.lineno == node.end_lineno:
            (line, a), (_, b) = start_of(node), end_of(node)
            text = lines[line - 1][a:b]
            value = node.value
            if isinstance(value, bool):
                add((line, a), (line, b), text, str(not value), "constant")
            elif isinstance(value, int) and text.isdigit():
                add((line, a), (line, b), text, str(value + 1), "constant")
                if value != 0:
                    add((line, a), (line, b), text, str(value - 1), "constant")
            elif isinstance(value, str) and 0 < len(value) <= 3 and text[:1] in "\"'":
                add((line, a), (line, b), text, '""', "string")
    out.sort(key=lambda m: (m.line, m.col, m.new))
    return out


def _fenced(tree, pos) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Spans that are not logic: type annotations (`str | None`, `"Dim"`) and decorators
    (`@lru_cache(maxsize=256)`, `@dataclass(frozen=True, slots=True)`)."""
    spans = []

    def fence(node):
        if node is not None:
            spans.append((pos(node.lineno, node.col_offset), pos(node.end_lineno, node.end_col_offset)))

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            fence(node.returns)
            for arg in node.args.args + node.args.kwonlyargs + node.args.posonlyargs + [node.args.vararg, node.args.kwarg]:
                if arg is not None:
                    fence(arg.annotation)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                fence(decorator)
        if isinstance(node, ast.AnnAssign):
            fence(node.annotation)
    return spans


def _skipped_lines(tree, lines) -> set[int]:
    """Docstrings, `if __name__ == "__main__":` blocks, type annotations' lines are not mutated;
    nor any line marked `# pragma: no mutate`."""
    skipped = {i for i, line in enumerate(lines, 1) if "pragma: no mutate" in line}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            first = body[0] if body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                skipped.update(range(first.lineno, first.end_lineno + 1))
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and isinstance(node.test.left, ast.Name) \
                and node.test.left.id == "__name__":
            skipped.update(range(node.lineno, node.end_lineno + 1))
        if isinstance(node, (ast.AnnAssign,)) and node.value is None:
            skipped.add(node.lineno)
    return skipped


def apply(text: str, m: Mutant) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    start = starts[m.line - 1] + m.col
    end = starts[m.end_line - 1] + m.end_col
    assert text[start:end] == m.old, (m, text[start:end])
    new = m.new
    if m.new == "" and m.old == "not":
        end = _skip_space(text, end)
    return text[:start] + new + text[end:]


def _skip_space(text, i):
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def planted() -> list[Mutant]:
    out = []
    for path, old, new, what, _tests in PLANTED:
        text = _source(path)
        if text.count(old) != 1:
            raise SystemExit(f"planted bug not found once in {path}: {old!r}")
        start = text.index(old)
        line = text.count("\n", 0, start) + 1
        col = start - (text.rfind("\n", 0, start) + 1)
        end = start + len(old)
        end_line = text.count("\n", 0, end) + 1
        end_col = end - (text.rfind("\n", 0, end) + 1)
        out.append(Mutant(path, line, col, end_line, end_col, old, new, what))
    return out


# ------------------------------------------------------------------ running

def _copy(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", ".git", ".venv", ".hypothesis", "*.pyc", ".pytest_cache")
    for name in ("kpispec", "tests", "grammar", "schemas", "docs", "examples", "bench"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "mkdocs.yml", "README.md", ".pre-commit-hooks.yaml"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    (dest / ".git").mkdir()  # the repository root, as `compile` finds it for its relative paths


# ------------------------------------------------------------------ which tests run which lines

# Written into the copy as sitecustomize.py while the tests are traced: Python imports it at the
# start of every process whose PYTHONPATH names the copy, so a CLI a test starts is traced too.
# It is also the pytest plugin (-p sitecustomize) that tells the tracer which test is running.
_TRACER = r"""
import atexit, json, os, sys, threading, time

_OUT = os.environ.get("KPISPEC_MUTATE_TRACE")
_hits = {}
_durations = {}
_test = [os.environ.get("KPISPEC_MUTATE_TEST", "")]


def _begin(test):
    _test[0] = test
    os.environ["KPISPEC_MUTATE_TEST"] = test  # inherited by the CLI a test runs


if _OUT:
    _targets = frozenset(os.environ["KPISPEC_MUTATE_TARGETS"].split(os.pathsep))

    def _hit(frame):
        _hits.setdefault(_test[0], set()).add((frame.f_code.co_filename, frame.f_lineno))

    def _local(frame, event, arg):
        if event == "line":
            _hit(frame)
        return _local

    def _global(frame, event, arg):
        if frame.f_code.co_filename in _targets:
            _hit(frame)
            return _local
        return None

    sys.settrace(_global)
    threading.settrace(_global)

    @atexit.register
    def _write():
        out = {"hits": {t: sorted(h) for t, h in _hits.items()}, "durations": _durations}
        with open(os.path.join(_OUT, f"{os.getpid()}-{time.monotonic_ns()}.json"), "w", encoding="utf-8") as f:
            json.dump(out, f)


    import pytest

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(collector):
        # Lines run while a test file is imported and its parameters are built (`currency("JPY")`
        # in a parametrize list, then cached) belong to that file's tests.
        if not isinstance(collector, pytest.Module):
            yield
            return
        _begin("collect:" + collector.nodeid)
        yield
        _begin("")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        _begin(item.nodeid)
        start = time.monotonic()
        yield
        _durations[item.nodeid] = time.monotonic() - start
        _begin("")
"""


@dataclass
class Coverage:
    """What the traced run found: test -> {(module, line)} it ran, test -> seconds it took."""
    hits: dict[str, set[tuple[str, int]]]
    durations: dict[str, float]

    def tests_for(self, m: Mutant, lines: range | None, files: list[str]) -> list[str]:
        """The tests in `files` that run one of `lines` of m's module (or are in a file whose
        collection ran one), quickest first; for a line at module level (run once, at import: a
        table, a default), every test in `files`, since code elsewhere may read what it defines
        without running a line of this module."""
        mine = [t for t in self.hits if t.split("::")[0] in files and t not in SKIP]
        if lines is None:  # a table is read by other modules' code, which runs no line of this one
            chosen = [t for t in self.durations if t.split("::")[0] in files and t not in SKIP]
        else:
            wanted = {(m.path, n) for n in lines}
            # a line run while a file was collected (and perhaps cached then) counts for its every test
            collected = {t.removeprefix("collect:") for t, h in self.hits.items() if t.startswith("collect:") and h & wanted}
            chosen = [t for t in mine if self.hits[t] & wanted or t.split("::")[0] in collected]
        return sorted(chosen, key=lambda t: (self.durations.get(t, 0.0), t))


def measure(modules: list[str], tests: list[str], jobs: int) -> Coverage:
    """Run `tests` once, traced, in a copy of the project: which of them run which lines of `modules`."""
    with tempfile.TemporaryDirectory(prefix="kpispec-trace-") as tmp:
        copy = Path(tmp) / "project"
        copy.mkdir()
        _copy(copy)
        (copy / "sitecustomize.py").write_text(_TRACER, encoding="utf-8")
        out = Path(tmp) / "trace"
        out.mkdir()
        env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1", KPISPEC_MUTATE_TRACE=str(out),
                   KPISPEC_MAX_EXAMPLES=MAX_EXAMPLES,
                   KPISPEC_MUTATE_TARGETS=os.pathsep.join(str(copy / m) for m in modules))
        groups = [tests[j::jobs] for j in range(jobs) if tests[j::jobs]]
        procs = [subprocess.Popen([sys.executable, "-m", "pytest", *SERIAL, "-p", "sitecustomize", "-p", "no:cacheprovider",
                                   *group], cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for group in groups]
        for proc, group in zip(procs, groups):
            output = proc.communicate()[0]
            if proc.returncode != 0:
                raise SystemExit(f"the tests fail without a mutant ({' '.join(group)}):\n{output[-3000:]}")
        hits: dict[str, set[tuple[str, int]]] = {}
        durations: dict[str, float] = {}
        prefix = str(copy) + os.sep
        for f in out.iterdir():
            data = json.loads(f.read_text(encoding="utf-8"))
            durations.update(data["durations"])
            for test, lines in data["hits"].items():
                if test:
                    hits.setdefault(test, set()).update((path.removeprefix(prefix), n) for path, n in lines)
        for test in durations:
            hits.setdefault(test, set())
        return Coverage(hits, durations)


def lines_of(m: Mutant) -> range | None:
    """The lines a test must run for mutant m to matter: from the first line of the innermost
    statement around it (an `if`'s test is on the `if` line) to the mutant's last line. None when
    that statement runs at import (a module or class body, a default value, a decorator)."""
    best: list = [None, False]

    def visit(node, in_function):
        for field, value in ast.iter_fields(node):
            for child in value if isinstance(value, list) else [value]:
                if not isinstance(child, ast.AST):
                    continue
                if hasattr(child, "lineno") and not child.lineno <= m.line <= child.end_lineno:
                    continue
                inner = in_function or (field == "body" and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))
                if isinstance(child, ast.stmt):
                    best[:] = [child, inner]
                visit(child, inner)

    visit(_tree(m.path), False)
    node, in_function = best
    if node is None or not in_function:
        return None
    return range(node.lineno, m.end_line + 1)


@functools.cache
def _source(path: str) -> str:
    """A module's text as the run started (edits made while it runs do not move its lines)."""
    return (ROOT / path).read_text(encoding="utf-8")


@functools.cache
def _lines(path: str) -> list[str]:
    return _source(path).splitlines()


@functools.cache
def _tree(path: str) -> ast.Module:
    return ast.parse(_source(path))


class _Looping(Exception):
    """A test ran far longer than it did without the mutant."""


class _Deadlines:
    """A pytest plugin: each test interrupted (and so failed) after its own time limit, so that a
    mutant that loops costs a few seconds, not the whole run's timeout."""

    def __init__(self, limits: dict[str, float]):
        self.limits = limits

    def _interrupt(self, signum, frame):
        raise _Looping()

    def pytest_runtest_call(self, item):
        limit = self.limits.get(item.nodeid)
        if limit:
            signal.signal(signal.SIGALRM, self._interrupt)
            signal.setitimer(signal.ITIMER_REAL, limit, 1.0)  # and again each second, should the first be caught

    def pytest_runtest_teardown(self, item):
        signal.setitimer(signal.ITIMER_REAL, 0)


def _run_tests(copy: Path, tests: list[str], timeout: float, limits: dict | None = None) -> tuple[str, float]:
    """Fork a child that runs pytest on `tests` in `copy`: (outcome, seconds)."""
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.chdir(copy)
            os.environ["PYTHONPATH"] = str(copy)
            os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
            os.environ["KPISPEC_MAX_EXAMPLES"] = MAX_EXAMPLES
            sys.path.insert(0, str(copy))
            log = os.open(copy / "pytest.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(log, 1)
            os.dup2(log, 2)
            import pytest

            code = pytest.main(["-x", *SERIAL, "-p", "no:cacheprovider", "-p", "no:randomly", *tests],
                               plugins=[_Deadlines(limits or {})])
            os._exit(int(code))
        except BaseException:
            os._exit(99)
    deadline = start + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            # 0: every test passed; 4: a test id not found (a bug here, not a kill) or a test module that
            # no longer imports (a kill); 5: no test ran; 99: the child failed
            outcome = {0: "survived", 5: "error", 99: "error"}.get(code, "killed")
            if code == 4 and "ERROR: not found:" in (copy / "pytest.log").read_text(encoding="utf-8", errors="replace"):
                outcome = "error"
            return outcome, time.monotonic() - start
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", time.monotonic() - start
        time.sleep(0.02)


def worker(plan_file: str) -> None:
    """Run the mutants in `plan_file` in a fresh copy of the project; print one JSON line each."""
    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    sys.dont_write_bytecode = True
    import lark  # noqa: F401  heavy imports once, before forking
    import pytest  # noqa: F401
    try:
        import hypothesis  # noqa: F401
        import pydantic  # noqa: F401
    except ImportError:
        pass
    with tempfile.TemporaryDirectory(prefix="kpispec-mutate-") as tmp:
        copy = Path(tmp)
        _copy(copy)
        for item in plan:
            m = Mutant(**item["mutant"])
            target = copy / m.path
            original = target.read_text(encoding="utf-8")
            target.write_text(apply(original, m), encoding="utf-8")
            try:
                outcome, seconds = _run_tests(copy, item["tests"], item["timeout"], item.get("limits"))
            finally:
                target.write_text(original, encoding="utf-8")
            result = {"mutant": asdict(m), "outcome": outcome, "seconds": round(seconds, 2)}
            if outcome == "error":
                result["log"] = (copy / "pytest.log").read_text(encoding="utf-8", errors="replace")[-2000:]
            print(json.dumps(result), flush=True)


def equivalent() -> dict[str, str]:
    """bench/mutation_equivalent.txt: `module | source line | old -> new  # why`, by `_identity`."""
    path = Path(__file__).with_name("mutation_equivalent.txt")
    out = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                key, _, reason = line.rpartition("  # ")
                out[key.strip()] = reason.strip()
    return out


def _identity(m: Mutant) -> str:
    """A mutant's key that survives edits elsewhere in the file: the module, the source line, the
    change, and which of the line's `old` it changes when there are several (`0 -> 1 (2nd)`)."""
    raw = _lines(m.path)[m.line - 1]
    line = raw.strip()
    which = ""
    if line.count(m.old) > 1:
        nth = _occurrences(raw, m.old).index(m.col) + 1
        which = f" ({nth}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(nth, 'th')})"
    return f"{m.path} | {line} | {m.old} -> {m.new}{which}".rstrip()


def _occurrences(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["--worker"]:
        worker(argv[1])
        return 0
    import argparse

    parser = argparse.ArgumentParser(prog="bench/mutate.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: every module in MODULES)")
    parser.add_argument("--jobs", type=int, default=2, help="workers (default 2)")
    parser.add_argument("--json", metavar="FILE", help="write every mutant's outcome, seconds and line as JSON lines")
    parser.add_argument("--since", metavar="REV", help="only the lines changed since a git revision")
    parser.add_argument("--lines", metavar="A-B", help="only mutants on lines A to B (with one module)")
    parser.add_argument("--list", action="store_true", help="print the mutants without running them")
    parser.add_argument("--planted", action="store_true", help="the bugs planted by hand (PLANTED)")
    args = parser.parse_args(argv)
    jobs, report, since, listing = args.jobs, args.json, args.since, args.list
    if report:
        Path(report).write_text("", encoding="utf-8")
    if args.planted:
        chosen = planted()
    else:
        unknown = [p for p in args.modules if p not in MODULES]
        if unknown:
            parser.error(f"not a module with tests in MODULES: {', '.join(unknown)}")
        modules = args.modules or list(MODULES)
        chosen = [m for path in modules for m in mutants(path)]
        if since is not None:
            changed = changed_lines(since)
            chosen = [m for m in chosen if any(n in changed.get(m.path, ()) for n in range(m.line, m.end_line + 1))]
        if args.lines:
            lo, _, hi = args.lines.partition("-")
            first, last = int(lo), int(hi or lo)
            chosen = [m for m in chosen if m.line <= last and m.end_line >= first]
    if listing:
        for m in chosen:
            print(f"{m.path}:{m.line}:{m.col + 1}: {m.old!r} -> {m.new!r}")
        print(f"{len(chosen)} mutants")
        return 0
    known = equivalent()
    started = time.monotonic()
    files_of = {(p, old, new): tests for p, old, new, _what, tests in PLANTED}
    files = [files_of.get((m.path, m.old, m.new)) or MODULES[m.path] for m in chosen]
    coverage = measure(sorted({m.path for m in chosen}), sorted({f for fs in files for f in fs}), jobs)
    print(f"traced {len(coverage.durations)} tests in {time.monotonic() - started:.0f} s", flush=True)
    items, not_run = [], []
    worst: dict[str, float] = {}  # module -> seconds of tests if every mutant survived
    for m, allowed in zip(chosen, files):
        if _identity(m) in known:  # explained in mutation_equivalent.txt
            not_run.append({"mutant": asdict(m), "outcome": "equivalent", "seconds": 0})
            continue
        tests = coverage.tests_for(m, lines_of(m), allowed)
        if not tests:
            not_run.append({"mutant": asdict(m), "outcome": "uncovered", "seconds": 0})
            continue
        seconds = {t: coverage.durations.get(t, 1.0) for t in tests}
        worst[m.path] = worst.get(m.path, 0.0) + sum(seconds.values()) + 0.3  # 0.3 s: pytest starting
        items.append({"mutant": asdict(m), "tests": tests, "timeout": 3 * sum(seconds.values()) + 10,
                      "limits": {t: 5 * x + 2 for t, x in seconds.items()}})
    for path, seconds in worst.items():
        print(f"  {path}: at most {seconds / jobs:.0f} s if every mutant survived", flush=True)
    results = _run_all(items, jobs, report) + not_run
    if report:
        for r in not_run:
            _keep(report, r)
    by_module: dict[str, list[int]] = {}
    survivors, errors = [], []
    for r in results:
        m = Mutant(**r["mutant"])
        counts = by_module.setdefault(m.path, [0, 0, 0])  # killed, equivalent, survived
        if r["outcome"] in ("killed", "timeout"):
            counts[0] += 1
        elif r["outcome"] == "error":
            errors.append((m, r.get("log", "")))
        elif r["outcome"] == "equivalent":
            counts[1] += 1
        else:
            counts[2] += 1
            survivors.append((m, r["outcome"]))
    print()
    for m, outcome in survivors:
        line = _lines(m.path)[m.line - 1].strip()
        tag = "SURVIVED" if outcome == "survived" else "UNTESTED"
        print(f"{tag} {m.path}:{m.line}:{m.col + 1}: {m.old!r} -> {m.new!r} {m.what}   | {line}")
    for m, log in errors:
        print(f"ERROR    {m.path}:{m.line}:{m.col + 1}: {m.old!r} -> {m.new!r}: pytest could not run the tests chosen:\n{log}")
    for r in results:
        m = Mutant(**r["mutant"])
        if m.what and m.what not in ("operator", "comparison", "boolean", "call", "constant", "string") \
                and not m.what.startswith("dropped"):
            print(f"{r['outcome'].upper():<9} {m.what}")
    print()
    total = [0, 0, 0]
    for path, (k, e, s) in sorted(by_module.items()):
        score = (k + e) / max(1, k + e + s)
        print(f"{path:<34} {k:>5} killed {e:>4} equivalent {s:>4} survived   {score:6.1%}")
        total = [total[0] + k, total[1] + e, total[2] + s]
    k, e, s = total
    print(f"{'total':<34} {k:>5} killed {e:>4} equivalent {s:>4} survived   {(k + e) / max(1, k + e + s):6.1%}"
          f"   ({time.monotonic() - started:.0f} s)")
    return 0


def changed_lines(rev: str, root: Path = ROOT) -> dict[str, set[int]]:
    """The lines of each Python file under kpispec/ added or changed since `rev` (the working tree
    against it), from `git diff --unified=0`."""
    diff = subprocess.run(["git", "diff", "--unified=0", "--no-color", "--no-ext-diff", rev, "--", "kpispec"],
                          cwd=root, capture_output=True, text=True, encoding="utf-8", check=True).stdout
    out: dict[str, set[int]] = {}
    path = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
        elif line.startswith("@@") and path is not None:
            new = line.split(" ")[2]  # +start,count
            start, _, count = new[1:].partition(",")
            n = int(count) if count else 1
            out.setdefault(path, set()).update(range(int(start), int(start) + n))
    return out


def _keep(report: str, r: dict) -> None:
    """Append one result to the report (JSON lines), so that a run stopped early keeps what it found."""
    r = dict(r, line=_lines(r["mutant"]["path"])[r["mutant"]["line"] - 1].strip())
    with open(report, "a", encoding="utf-8") as f:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")


def _run_all(items, jobs, report=None):
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        procs = []
        for j in range(jobs):
            plan = Path(tmp) / f"plan{j}.json"
            plan.write_text(json.dumps(items[j::jobs]), encoding="utf-8")
            procs.append(subprocess.Popen([sys.executable, __file__, "--worker", str(plan)],
                                          stdout=subprocess.PIPE, text=True))
        import selectors

        sel = selectors.DefaultSelector()
        for p in procs:
            sel.register(p.stdout, selectors.EVENT_READ)
        open_count = len(procs)
        done = 0
        while open_count:
            for key, _ in sel.select():
                line = key.fileobj.readline()
                if not line:
                    sel.unregister(key.fileobj)
                    open_count -= 1
                    continue
                r = json.loads(line)
                if "error" in r:
                    raise SystemExit(r["error"])
                results.append(r)
                if report:
                    _keep(report, r)
                done += 1
                mark = {"killed": ".", "timeout": "T", "survived": "S", "error": "E"}[r["outcome"]]
                print(mark, end="" if done % 80 else f" {done}/{len(items)}\n", flush=True)
        for p in procs:
            p.wait()
    return results


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

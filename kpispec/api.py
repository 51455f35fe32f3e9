"""The pipeline, callable from Python: bytes -> source -> AST -> plan -> diagnostics / JSON.

No function here reads files, prints or exits; the CLI does that.
"""

from __future__ import annotations

import gc
import sys
from contextlib import contextmanager

from .checks import apply_overrides, silence
from .config import DEFAULT, Config
from .diagnostics import Diagnostic, has_errors
from .ir import Plan
from .records import field, record
from .source import SourceFile, decode, forbidden_characters
from .syntax import ast
from .syntax.parse import MAX_DEPTH, parse


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector, and allow the recursion that expressions nested
    up to the parser's limit need. The AST and plan make no cycles worth collecting, and
    collection passes cost about a third of the time spent after parsing."""
    was_enabled = gc.isenabled()
    limit = sys.getrecursionlimit()
    gc.disable()
    sys.setrecursionlimit(max(limit, 12 * MAX_DEPTH))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)
        if was_enabled:
            # What the analysis allocated (millions of objects for a large plan) goes straight to
            # the oldest generation, in constant time: collected young, right after gc.enable(),
            # it would all be scanned once more (about 5% of a check) for cycles it does not make.
            # Process-wide, like pausing the collector: a host program's young objects age too.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@record
class Result:
    """One analysed file: its source, syntax tree (None when let go, see analyze), resolved plan and
    diagnostics; with `analyze(..., keep_context=True)`, the checks' context (its graph and arithmetic)."""

    source: SourceFile
    module: ast.Module | None = None
    plan: Plan | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    context: object | None = None  # checks.base.Context

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def analyze_bytes(path: str, data: bytes, config: Config = DEFAULT, checks: bool = True, keep_tree: bool = True,
                  keep_context: bool = False) -> Result:
    """As `analyze`, from the file's bytes. The bytes are let go once decoded: a caller that
    passes them without keeping a reference (`analyze_bytes(p, read(p))`) does not hold them twice."""
    source, problems = decode(path, data)
    del data
    if problems:
        return Result(source, diagnostics=sorted(apply_overrides(problems, config), key=Diagnostic.sort_key))
    return analyze(source, config, checks, keep_tree, keep_context)


def analyze_text(path: str, text: str, config: Config = DEFAULT, checks: bool = True, keep_tree: bool = True,
                 keep_context: bool = False) -> Result:
    return analyze(SourceFile(path, text), config, checks, keep_tree, keep_context)


def analyze(source: SourceFile, config: Config = DEFAULT, checks: bool = True, keep_tree: bool = True,
            keep_context: bool = False) -> Result:
    """Parse, resolve and check one plan, collecting every diagnostic.

    A syntax error stops the file; name errors silence only what depends on them. With
    `keep_tree=False` the syntax tree is let go once the plan is resolved (only its formulas and
    comments live on) and `Result.module` is None: the CLI's way, since the tree is most of a
    large plan's memory. With `keep_context` (and `checks`), `Result.context` keeps what the checks
    computed: the docs site reads each goal's proof from it instead of proving it again.
    """
    with paused_gc():
        return _analyze(source, config, checks, keep_tree, keep_context)


def _analyze(source: SourceFile, config: Config, checks: bool, keep_tree: bool, keep_context: bool = False) -> Result:
    from .resolve import resolve, resolve_releasing

    forbidden = forbidden_characters(source)
    if forbidden:
        return Result(source, diagnostics=sorted(apply_overrides(forbidden, config), key=Diagnostic.sort_key))
    parsed = parse(source)
    module = parsed.module
    result = Result(source, module if keep_tree else None, diagnostics=apply_overrides(list(parsed.diagnostics), config))
    del parsed
    if module is None:
        result.diagnostics.sort(key=Diagnostic.sort_key)
        return result
    comments = module.comments
    if keep_tree:
        plan, problems = resolve(source, module)
    else:  # the tree goes block by block as it is resolved: the plan holds what the checks read
        items = list(module.items)
        del module
        plan, problems = resolve_releasing(source, items)
        del items
    result.plan = plan
    found = apply_overrides(problems, config)
    if checks:
        from .checks import Context, run

        context = Context(plan, config)
        found.extend(run(plan, config, context))
        if keep_context:
            result.context = context
    # what a check would have found is known only where the plan resolved and the checks ran
    found = silence(found, source, comments, config, checked=checks and not problems)
    result.diagnostics.extend(found)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def too_large(path: str, size: int, limit: int, config: Config = DEFAULT) -> Result:
    """The result for a file that was not read because it is larger than `limit` bytes."""
    from .diagnostics import Severity, Span, msg

    # in MB from one MB up (a file of 1.2 kB over a 1,000-byte limit read "0.0 MB"); in bytes below
    shown_en = f"{size / 10**6:,.1f} MB" if size >= 10**6 else f"{size:,} bytes"
    shown_ja = f"{size / 10**6:,.1f} MB" if size >= 10**6 else f"{size:,} バイト"
    problem = Diagnostic(
        code="KPI007",
        severity=Severity.ERROR,
        message=msg(f"this file is too large to check ({shown_en}; the limit is {limit:,} bytes)",
                    f"ファイルが大きすぎるため検査しません（{shown_ja}、上限は {limit:,} バイト）"),
        file=path,
        span=Span(0, 0),
        help=msg("split the plan into several files, or raise the limit with --max-file-size",
                 "計画を複数のファイルに分けるか、--max-file-size で上限を上げてください"),
    )
    return Result(SourceFile(path, ""), diagnostics=apply_overrides([problem], config))


def compile_to(result: Result, write, name: str | None = None, verdicts: dict | None = None) -> bool:
    """Stream the compiled JSON of an analysed plan through `write`; False when it has errors.

    `name` is the file name the JSON records (by default the path the plan was analysed under);
    `verdicts` (see emit.plan_parts) puts each node's verdict in it: the checks' findings, which
    the verdicts report, then do not stop it, only errors of syntax (KPI0xx) and names (KPI1xx)."""
    if result.plan is None or result.plan.info is None:
        return False
    if not result.ok and (verdicts is None or any(d.severity.value == "error" and d.code[3:4] in "01" for d in result.diagnostics)):
        return False
    from .emit import write_json

    with paused_gc():
        write_json(result.plan, write, name, verdicts)
    return True


def compile_result(result: Result) -> str | None:
    """The compiled JSON of an analysed plan, or None when it has errors."""
    if not result.ok or result.plan is None or result.plan.info is None:
        return None
    from .emit import to_json

    with paused_gc():
        return to_json(result.plan)

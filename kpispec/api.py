"""The pipeline, callable from Python: bytes -> source -> AST -> plan -> diagnostics / JSON.

No function here reads files, prints or exits; the CLI does that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .diagnostics import Diagnostic, has_errors
from .ir import Plan
from .source import SourceFile, decode
from .syntax import ast
from .syntax.parse import parse


@dataclass
class Result:
    source: SourceFile
    module: ast.Module | None = None
    plan: Plan | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def analyze_bytes(path: str, data: bytes) -> Result:
    source, problems = decode(path, data)
    if problems:
        return Result(source, diagnostics=sorted(problems, key=Diagnostic.sort_key))
    return analyze(source)


def analyze_text(path: str, text: str) -> Result:
    return analyze(SourceFile(path, text))


def analyze(source: SourceFile) -> Result:
    """Parse and resolve one plan, collecting every diagnostic."""
    from .resolve import resolve

    parsed = parse(source)
    result = Result(source, parsed.module, diagnostics=list(parsed.diagnostics))
    if parsed.module is None:
        return result
    plan, problems = resolve(source, parsed.module)
    result.plan = plan
    result.diagnostics.extend(problems)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def compile_result(result: Result) -> str | None:
    """The compiled JSON of an analysed plan, or None when it has errors."""
    if not result.ok or result.plan is None or result.plan.info is None:
        return None
    from .emit import to_json

    return to_json(result.plan)

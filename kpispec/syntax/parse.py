"""Text -> AST, with syntax errors turned into diagnostics."""

from __future__ import annotations

from ..diagnostics import Diagnostic, Severity, Span, msg
from ..records import record
from ..source import SourceFile
from . import ast
from .grammar import parser
from .lalr import Rejected
from .names import BadName, problem

# A chain `a + b + c …` nests one level per term, and the compiled JSON nests as deep: 200
# keeps it readable by ordinary JSON readers. Long sums are written `sum(a, b, …)` (flat).
MAX_DEPTH = 200


@record(frozen=True)
class ParseResult:
    """A parsed file, or None, with the syntax errors found."""

    module: ast.Module | None
    diagnostics: tuple[Diagnostic, ...]


def parse(source: SourceFile) -> ParseResult:
    """Parse one source file; a syntax error stops the file and yields no module."""
    try:
        items, comments = parser().parse(source.text)
    except (Rejected, BadName):
        # A word that reads as no id (names.py) is reported through lark too, which reads the
        # text in order: whichever comes first, it or a syntax error, is the one reported.
        return _rejected(source)
    deep = _first_too_deep(items)
    if deep is not None:
        return ParseResult(None, (_too_deep(source, deep),))
    return ParseResult(ast.Module(tuple(items), tuple(ast.Comment(*c) for c in comments)), ())


def _rejected(source: SourceFile) -> ParseResult:
    """A text the driver rejects is parsed again by lark, whose exception (with the parser's
    state where it failed) the syntax error is explained from. Only a broken file pays for it."""
    from lark.exceptions import UnexpectedInput

    from .errors import syntax_error
    from .grammar import lark_parser

    try:
        lark_parser().parse(source.text)
    except UnexpectedInput as exc:
        return ParseResult(None, (syntax_error(source, exc),))
    except BadName as bad:
        return ParseResult(None, (_bad_name(source, bad),))
    except RecursionError:  # pragma: no cover - the LALR parser is iterative
        return ParseResult(None, (_too_deep(source, Span(0, 0)),))
    raise AssertionError("lark parses a text kpispec's LALR driver rejects")  # pragma: no cover - tests hold them equal


def _children(node):
    if isinstance(node, ast.Binary):
        return (node.left, node.right)
    if isinstance(node, (ast.Negate,)):
        return (node.operand,)
    if isinstance(node, ast.Group):
        return (node.inner,)
    if isinstance(node, ast.Call):
        return node.args
    return ()


def _expressions(items):
    for item in items:
        if isinstance(item, ast.Param):
            yield item.value
        elif isinstance(item, ast.Assert):
            yield item.left
            yield item.right
        elif isinstance(item, ast.Block):
            for attr in item.attrs:
                if attr.key == "formula":
                    yield attr.value


def _first_too_deep(items) -> Span | None:
    """Iteratively find an expression nested deeper than later stages may recurse."""
    for root in _expressions(items):
        stack = [(root, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                return node.span
            stack.extend((child, depth + 1) for child in _children(node))
    return None


def _too_deep(source: SourceFile, span: Span) -> Diagnostic:
    return Diagnostic(
        code="KPI009",
        severity=Severity.ERROR,
        message=msg(
            f"expression nested more than {MAX_DEPTH} levels deep",
            f"式の入れ子が {MAX_DEPTH} 段を超えています",
        ),
        file=source.path,
        span=Span(span.start, min(span.end, span.start + 1)),
        help=msg(
            "for a long sum write `sum(a, b, c, …)`, which does not nest; otherwise give intermediate results their own KPI or param",
            "長い足し算は入れ子にならない `sum(a, b, c, …)` で書いてください。それ以外は途中の値を別の KPI や `param` にします",
        ),
    )


def _bad_name(source: SourceFile, bad: BadName) -> Diagnostic:
    """A word whose NFKC form is no id or a keyword (`①売上`, `ｔａｒｇｅｔ`): KPI001 at what was written."""
    message, help_, primary = problem(bad.written, bad.read_as)
    return Diagnostic(code="KPI001", severity=Severity.ERROR, message=message, file=source.path,
                      span=Span(bad.start, bad.end), help=help_, primary_label=primary)

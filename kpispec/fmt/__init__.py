"""`kpispec fmt`: a plan in the one canonical layout (layout.py), never changed in meaning.

`format_bytes` is the whole job, callable from Python: the file's bytes in, the formatted bytes
out, or the diagnostics that stop it (a file that is not UTF-8, holds a forbidden character or has
a syntax error is not formatted). Before it returns a text, it parses that text again and holds it
to the original, as black does: the same declarations, attributes (in the canonical order), values
and names, and the same comments. A difference would be a bug in the formatter; it is reported as
one (KPI902) and the file is left as it was. A BOM and the file's line ending are kept.
"""

from __future__ import annotations

import codecs
from bisect import bisect_left, bisect_right
from decimal import Decimal

from ..diagnostics import Diagnostic, Severity, Span, msg
from ..records import fields, record, replace
from ..source import SourceFile, decode, forbidden_characters
from ..syntax import ast
from ..syntax.cst import Tree, parse_tree
from ..syntax.parse import parse
from ..syntax.spacing import COMMENT_END_SPACE, LINE_END
from .layout import ATTRIBUTE_ORDER, attribute_rank, format_tree

__all__ = ["ATTRIBUTE_ORDER", "Formatted", "format_bytes", "format_text", "newline_of"]


@record(frozen=True)
class Formatted:
    """The formatted bytes (None when the file cannot be formatted) and why not."""

    data: bytes | None
    diagnostics: tuple[Diagnostic, ...] = ()
    source: SourceFile | None = None  # what the diagnostics point into
    # (line in the file, line in the result) where each declaration starts: what a diff aligns on
    aligned: tuple[tuple[int, int], ...] = ()

    @property
    def ok(self) -> bool:
        return self.data is not None


def format_bytes(path: str, data: bytes) -> Formatted:
    """Format one file's bytes."""
    bom = data.startswith(codecs.BOM_UTF8)
    source, problems = decode(path, data)
    if problems:
        return Formatted(None, tuple(problems), source)
    marks: list = []
    text, problems = format_text(source, marks)
    if text is None:
        return Formatted(None, problems, source)
    starts = line_starts(source.text)
    aligned = tuple((bisect_right(starts, offset) - 1, line) for offset, line in marks)
    return Formatted((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"), aligned=aligned)


def format_text(source: SourceFile, marks: list | None = None) -> tuple[str | None, tuple[Diagnostic, ...]]:
    """The text of `source` in the canonical layout, or None and the diagnostics that stop it (`marks`:
    see layout.format_tree)."""
    from ..api import paused_gc

    forbidden = forbidden_characters(source)
    if forbidden:
        return None, tuple(forbidden)
    with paused_gc():
        tree, parsed = parse_tree(source)
        if tree is None:
            return None, tuple(parsed.diagnostics)
        text = format_tree(tree, newline_of(tree), marks)
        silencing = _silencing(tree)
        if silencing:  # the tree too, to see what stands on each suppression comment's line
            again, reparsed = parse_tree(SourceFile(source.path, text))
        else:
            again, reparsed = None, parse(SourceFile(source.path, text))
        if reparsed.module is None or not same(parsed.module, reparsed.module):
            return None, (_changed_meaning(source),)
        moved = _moved_suppression(silencing, _silencing(again)) if silencing else None
        if moved is not None:
            return None, (_moved(source, moved),)
    return text, ()


def _silencing(tree: Tree) -> list[tuple[str, str, tuple[str, int, int]]]:
    """Each `# kpispec: ignore[…]` comment, with what is written on its line (the characters of the
    tokens that start there, sorted: which tokens, not where on the line), and the comment. Of one
    that holds only `ignore-file` directives, only whether it stands on a line of its own: it
    silences in the whole file from any line, and on a line of the plan's text silences nothing."""
    comments = [c for c in tree.comments if "kpispec" in c[0]]
    if not comments:
        return []
    from ..checks import IGNORE

    comments = [c for c in comments if IGNORE.search(c[0])]
    if not comments:
        return []
    toks = list(tree.tokens())
    starts = [t.start_pos for t in toks]
    lines = line_starts(tree.source.text)
    found = []
    for comment in comments:
        line_start = lines[bisect_right(lines, comment[1]) - 1]
        first, last = bisect_left(starts, line_start), bisect_left(starts, comment[1])
        written = "".join(sorted("".join(t.value for t in toks[first:last]).translate(_NO_SPACE)))
        if all(directive.group(1) for directive in IGNORE.finditer(comment[0])):
            found.append((comment[0].rstrip(COMMENT_END_SPACE), (False, "" if not written else "after"), comment))
            continue
        # what is reported at the start of the file (no plan, KPI106) is on its first line too
        found.append((comment[0].rstrip(COMMENT_END_SPACE), (line_start == 0, written), comment))
    return sorted(found)


def newline_of(tree: Tree) -> str:
    """The file's line ending: the first one outside its strings (LF when it has none). A line break
    inside a triple-quoted string is the string's own, kept as it is."""
    previous = None
    for token in (*tree.tokens(), None):
        found = LINE_END.search(tree.gap(previous, token))
        if found:
            return found.group()
        previous = token
    return "\n"


def line_starts(text: str) -> list[int]:
    """Where each line of `text` starts, a lone CR ending a line too (as the diff splits lines)."""
    return [0, *(found.end() for found in LINE_END.finditer(text))]


def _moved_suppression(old: list, new: list):
    """The first suppression comment whose line the layout would change (a token moved onto or
    off it, which changes what it silences), or None."""
    for (text, written, comment), (_, written_after, _) in zip(old, new):
        if written != written_after:
            return comment
    return None


# ------------------------------------------------------------------ the same plan

_POSITIONS = frozenset({"start", "end", "op_start", "op_end", "open_start", "op_span", "written"})
_NO_SPACE = str.maketrans("", "", " \t\u3000")
_VALUES = (str, int, bool, Decimal, type(None))


def same(before: ast.Module, after: ast.Module) -> bool:
    """Whether `after` is `before` formatted: the same items and values, attributes in canonical
    order, the same comments (each without its trailing white space), wherever they stand."""
    if len(before.items) != len(after.items):
        return False
    old = tuple(_sorted_attrs(item) if isinstance(item, ast.Block) else item for item in before.items)
    if not _equal(old, after.items):
        return False
    comments = sorted(c.text.rstrip(COMMENT_END_SPACE) for c in before.comments)
    return comments == sorted(c.text for c in after.comments)


def _sorted_attrs(block: ast.Block) -> ast.Block:
    return replace(block, attrs=tuple(sorted(block.attrs, key=lambda a: attribute_rank(a.key))))


def _equal(before, after) -> bool:
    """Two trees equal but for where their nodes stand (iteratively: expressions nest deep)."""
    stack = [(before, after)]
    pop, push = stack.pop, stack.append
    while stack:
        x, y = pop()
        kind = type(x)
        if kind is not type(y):
            if not (isinstance(x, ast.Name) and isinstance(y, ast.Name) and x.text == y.text):
                return False  # a Name and a WrittenName (`ﾃﾞｰﾀ`) differ only in where they end
        elif kind in _VALUES:
            if x != y:
                return False
        elif kind is tuple or kind is list:
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y))
        elif kind is not Span:
            names = _FIELDS.get(kind)
            if names is None:
                names = _FIELDS[kind] = tuple(f.name for f in fields(kind) if f.name not in _POSITIONS)
            for name in names:
                push((getattr(x, name), getattr(y, name)))
    return True


_FIELDS: dict[type, tuple[str, ...]] = {}


def _moved(source: SourceFile, comment) -> Diagnostic:
    return _refused(source, Span(comment[1], comment[2]), msg(
        "formatting would change what this suppression comment silences, so the file is left as it was",
        "整形するとこの抑止コメントが抑止する対象が変わるため、ファイルは変更していません"), msg(
        "a `# kpispec: ignore[…]` comment silences what starts on its line: end the line of the one "
        "attribute or block head it is about with it, then run `kpispec fmt` again",
        "`# kpispec: ignore[…]` は同じ行で始まるものを抑止します。対象の属性かブロックの先頭の行の"
        "行末に置いてから、もう一度 `kpispec fmt` を実行してください"))


def _changed_meaning(source: SourceFile) -> Diagnostic:
    return _refused(source, Span(0, 0), msg(
        "internal error: the formatted text would not read as the same plan, so the file is left as it was",
        "内部エラー：整形した結果が元と同じ計画として読めないため、ファイルは変更していません"), msg(
        "this is a bug in kpispec fmt; please report it with the plan file",
        "kpispec fmt の不具合です。計画ファイルを添えて報告してください"))


def _refused(source: SourceFile, span: Span, message, help_) -> Diagnostic:
    """KPI902: the file is not formatted, and why."""
    return Diagnostic(code="KPI902", severity=Severity.ERROR, message=message, file=source.path, span=span, help=help_)

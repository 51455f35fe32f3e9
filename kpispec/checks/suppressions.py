"""Suppression comments: reading them, silencing what they name, and reporting the ones that
cannot be read (KPI903) or silence nothing (KPI904).

`# kpispec: ignore[CODE, …]` silences those codes for the findings that start on its line;
`# kpispec: ignore-file[CODE, …]`, on a line of its own, silences them in the whole file. Without
codes, either silences every code. Codes are read in any case; `kpispec: ignore` is not.

The reports on a comment are silenced as any finding, except that a comment without codes does not
silence its own (an unused `# kpispec: ignore` would hide itself): only naming KPI903 or KPI904 in
the comment does, and such a name is never unused itself (as ruff treats RUF100 in a `noqa`).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

from ..codes import FORMATTER_ONLY, UNREADABLE
from ..config import DEFAULT, Config, _retyped
from ..diagnostics import Diagnostic, Msg, Severity, Span
from ..records import record, replace

# `ignore` or `ignore-file`, then the codes in brackets, or nothing that reads as codes: a colon, a
# code without brackets or a `[` never closed would otherwise make it silence every code.
# The brackets hold at most 1,000 characters (a hundred codes): an unclosed `[` is looked past that far
# only, so that a line of many `ignore[` costs its length, not its length squared.
IGNORE = re.compile(r"#\s*kpispec:\s*ignore(-file)?(?:\s*\[([^\]]{0,1000})\]|(?![\w\-:\uff1a\uff3b]|\s*[\[\uff3b]|\s*(?i:kpi)\d))")
# What is meant as one: each place where IGNORE does not read it is reported (KPI903).
ATTEMPT = re.compile(r"[#\uff03]\s*kpispec\s*[:\uff1a]\s*ignore", re.IGNORECASE)
ENTRY = re.compile(r"[^,\s]+")
SPACE = " \t\f\u3000\ufeff"  # the white space of a line, as the lexer reads it
META = frozenset({"KPI903", "KPI904"})  # about the comments: named in one, never reported unused
# found before the comments are read (the file is not read past them), or only by `kpispec fmt`
UNSILENCEABLE = UNREADABLE | FORMATTER_ONLY


@record(frozen=True, slots=True)
class Suppression:
    """One directive: the codes it names, each with where it is written (None: every code)."""

    line: int
    span: Span
    codes: tuple[tuple[str, Span], ...] | None
    whole_file: bool
    alone: bool  # nothing of the plan before it on its line


def read(source, comments) -> tuple[list[Suppression], list[Diagnostic]]:
    """The suppressions the comments hold, and KPI903 for each attempt at one that cannot be used."""
    found: list[Suppression] = []
    problems: list[Diagnostic] = []
    for comment in comments:
        text = comment.text
        attempts = list(ATTEMPT.finditer(text))
        if not attempts:
            continue
        line = source.position(comment.start)[0]
        alone = not source.text[source.line_starts[line - 1]:comment.start].strip(SPACE)
        for n, attempt in enumerate(attempts):
            start = comment.start + attempt.start()
            directive = IGNORE.match(text, attempt.start())
            if directive is None:  # reported up to the next one in the same comment
                written = text[attempt.start():attempts[n + 1].start() if n + 1 < len(attempts) else len(text)]
                written = written.rstrip(SPACE)
                problems.append(_unreadable(source.path, Span(start, start + len(written)), written, alone))
                continue
            span = Span(start, comment.start + directive.end())
            whole_file = directive.group(1) is not None
            if whole_file and not alone:
                problems.append(_misplaced(source.path, span))
                continue
            if directive.group(2) is None:
                found.append(Suppression(line, span, None, whole_file, alone))
                continue
            codes = []
            base = comment.start + directive.start(2)
            entries = list(ENTRY.finditer(directive.group(2)))
            for entry in entries:
                where = Span(base + entry.start(), base + entry.end())
                code = entry.group().upper()
                if code in _known():
                    codes.append((code, where))
                else:
                    problems.append(_unknown(source.path, where, entry.group()))
            if not entries:
                problems.append(_empty(source.path, span))
            elif codes:
                found.append(Suppression(line, span, tuple(codes), whole_file, alone))
    return found, problems


def silence(diagnostics: list[Diagnostic], source, comments, config: Config = DEFAULT,
            checked: bool = True) -> list[Diagnostic]:
    """`diagnostics` less the ones the comments silence, with KPI903 and KPI904 on the comments.

    `checked`: the checks ran over a resolved plan. Otherwise what a check's code would have found
    is unknown, and no suppression of it is called unused; nor is one of a code this run disabled."""
    suppressions, problems = read(source, comments)
    if not suppressions and not problems:
        return diagnostics
    # Indexed by line and by code, so that each finding and each report is matched in constant time
    # whatever the number of comments (an attacker's plan may hold thousands on a line or in a file).
    by_line: dict[int, dict[str | None, list[int]]] = {}  # line -> code (None: every code) -> suppressions
    whole_file: dict[str | None, list[int]] = {}
    for i, s in enumerate(suppressions):
        index = whole_file if s.whole_file else by_line.setdefault(s.line, {})
        for code in (None,) if s.codes is None else dict.fromkeys(named for named, _ in s.codes):
            index.setdefault(code, []).append(i)

    def naming(line: int, code: str) -> tuple[list[int], ...]:
        here = by_line.get(line, {})
        return here.get(code, []), here.get(None, []), whole_file.get(code, []), whole_file.get(None, [])

    found_on: dict[int, set[str]] = {}  # line -> codes of the findings that start there
    kept = []
    for d in diagnostics:
        line = source.position(d.span.start)[0] if by_line else 0
        found_on.setdefault(line, set()).add(d.code)
        if not any(naming(line, d.code)):
            kept.append(d)
    # What each suppression silenced: the codes it names among the findings on its line (or in the file).
    found_anywhere = set().union(*found_on.values()) if found_on else set()
    used: list[set[str]] = []
    for s in suppressions:
        found = found_anywhere if s.whole_file else found_on.get(s.line, set())
        used.append(set(found) if s.codes is None else {named for named, _ in s.codes if named in found})
    crashed = {d.extra.get("rule") for d in diagnostics if d.code == "KPI901"}
    reports = [(p, None) for p in problems] + _unused(source, suppressions, used, _judge(config, checked, crashed))
    for report, about in reports:
        severity = config.severity_of(report.code, report.severity)
        if severity is None:
            continue
        line = source.position(report.span.start)[0]
        # a comment names its own reports' code to silence them; one without codes silences the others'
        named, every_here, named_in_file, every_in_file = naming(line, report.code)
        if named or named_in_file or any(i != about for i in every_here[:2]) or any(i != about for i in every_in_file[:2]):
            continue
        kept.append(report if severity is report.severity else replace(report, severity=severity))
    return kept


def _judge(config: Config, checked: bool, crashed: set):
    """Whether a suppression of a code can be called unused in this run (None: of every code)."""
    from . import rule_codes

    checks = rule_codes() | {"KPI901"}

    def judged(code: str | None) -> bool:
        if code is None:
            return checked and not crashed and not (config.disabled - META)
        if code in META or config.severity_of(code, Severity.WARNING) is None:
            return False
        return code not in checks or (checked and code not in crashed)

    return judged


def _unused(source, suppressions: list[Suppression], used: list[set[str]], judged) -> list[tuple[Diagnostic, int]]:
    out = []
    for i, s in enumerate(suppressions):
        where_en, where_ja = ("in this file", "このファイルには") if s.whole_file else ("starts on this line", "この行から始まる")
        if s.codes is None:
            if not used[i] and judged(None):
                out.append((_report(
                    source.path, "KPI904", s.span,
                    Msg(f"unused suppression: no finding {where_en}" if not s.whole_file else
                        "unused suppression: this file has no finding to silence",
                        f"使われていない抑止：{where_ja}指摘はありません" if not s.whole_file else
                        "使われていない抑止：このファイルには抑止する指摘がありません"),
                    _remove(s, None)), i))
            continue
        seen = set()
        for code, where in s.codes:
            if code in seen:
                out.append((_report(source.path, "KPI904", where,
                                    Msg(f"`{code}` is named twice in this suppression comment",
                                        f"この抑止コメントには `{code}` が 2 回書かれています"),
                                    Msg(f"remove the second `{code}`", f"2 つ目の `{code}` を削除してください")), i))
                continue
            seen.add(code)
            if code in used[i] or not judged(code):
                continue
            finding = (f"unused suppression: no {code} finding {where_en}", f"使われていない抑止：{where_ja} {code} の指摘はありません")
            out.append((_report(source.path, "KPI904", where, Msg(*finding), _remove(s, code)), i))
    return out


def _remove(s: Suppression, code: str | None) -> Msg:
    if code in UNSILENCEABLE:
        if code == "KPI902":
            return Msg("only `kpispec fmt` reports KPI902, and no comment silences it: remove the code from the comment",
                       "KPI902 は `kpispec fmt` だけが報告し、コメントでは抑止できません。コメントからコードを削除してください")
        return Msg(f"no comment can silence {code}: the file is not read past it. Remove the code from the comment",
                   f"{code} はコメントでは抑止できません（ファイルがその先まで読めないため）。コメントからコードを削除してください")
    if not s.whole_file and s.alone:
        return Msg("a suppression comment silences what starts on its own line: put it at the end of the line the "
                   "finding starts on, write `# kpispec: ignore-file[…]` for the whole file, or remove it",
                   "抑止コメントが効くのは、そのコメントの行から始まる指摘だけです。指摘が始まる行の末尾に移すか、"
                   "ファイル全体なら `# kpispec: ignore-file[…]` と書くか、削除してください")
    if code is None or s.codes is None or len({named for named, _ in s.codes}) == 1:
        return Msg("remove the comment", "このコメントを削除してください")
    return Msg(f"remove `{code}` from the comment", f"コメントから `{code}` を削除してください")


# ------------------------------------------------------------------ what cannot be used


def _unknown(path: str, where: Span, written: str) -> Diagnostic:
    shown = written if len(written) <= 40 else written[:39] + "…"
    guess, name = _guess(written)
    if name:
        hint = Msg(f"`{name}` is the name of {guess}: write its code, `{guess}`",
                   f"`{name}` は {guess} の名前です。コード `{guess}` で書いてください")
    elif guess:
        hint = Msg(f"did you mean `{guess}`?", f"`{guess}` のことですか？")
    elif re.search(r"[;；、，/]", written):
        hint = Msg("separate the codes with commas: `ignore[KPI205, KPI215]`",
                   "コードはカンマで区切ってください：`ignore[KPI205, KPI215]`")
    else:
        hint = Msg("write a code as `kpispec check` shows it, such as `KPI205` (`kpispec explain` lists them)",
                   "コードは `kpispec check` の表示どおりに書いてください（例：`KPI205`。一覧は `kpispec explain`）")
    return _report(path, "KPI903", where,
                   Msg(f"unknown rule code `{shown}` in a suppression comment: it silences nothing",
                       f"抑止コメントの `{shown}` は未知のルールのコードで、何も抑止しません"), hint)


def _empty(path: str, span: Span) -> Diagnostic:
    return _report(path, "KPI903", span,
                   Msg("this suppression comment names no code: it silences nothing",
                       "この抑止コメントにはコードがないため、何も抑止しません"),
                   Msg("write the codes to silence in the brackets, `ignore[KPI205]`, or remove the comment",
                       "抑止するコードを角かっこの中に書くか（`ignore[KPI205]`）、コメントを削除してください"))


def _misplaced(path: str, span: Span) -> Diagnostic:
    return _report(path, "KPI903", span,
                   Msg("`ignore-file` after the plan's text on a line: it silences nothing",
                       "`ignore-file` が計画の記述と同じ行にあるため、何も抑止しません"),
                   Msg("put `# kpispec: ignore-file[…]` on a line of its own (by convention at the top of the file), "
                       "or write `# kpispec: ignore[…]` to silence this line only",
                       "`# kpispec: ignore-file[…]` は単独の行に書いてください（ファイルの先頭に置くのが慣例です）。"
                       "この行だけなら `# kpispec: ignore[…]` と書きます"))


def _unreadable(path: str, span: Span, written: str, alone: bool) -> Diagnostic:
    fixed = _rewritten(written)
    if fixed and "ignore-file" in fixed and not alone:
        fixed = None  # that would not work here either: the help says where each form goes
    return _report(path, "KPI903", span,
                   Msg("kpispec cannot read this suppression comment: it silences nothing",
                       "この抑止コメントは読み取れないため、何も抑止しません"),
                   Msg(f"write it as `{fixed}`", f"`{fixed}` と書いてください") if fixed else
                   Msg("write `# kpispec: ignore[KPI205, …]` at the end of a line, or `# kpispec: ignore-file[KPI205, …]` "
                       "on a line of its own", "行末に `# kpispec: ignore[KPI205, …]` と書くか、単独の行に "
                       "`# kpispec: ignore-file[KPI205, …]` と書いてください"))


def _rewritten(written: str) -> str | None:
    """The directive `written` probably means, in the form kpispec reads (half-width, lower case,
    codes in brackets), or None."""
    text = unicodedata.normalize("NFKC", written)
    found = re.match(r"#\s*kpispec\s*:\s*ignore[-_]?(file)?(.*)", text, re.I | re.S)
    if found is None:
        return None
    head, rest = "# kpispec: ignore" + ("-file" if found.group(1) else ""), found.group(2)
    codes = re.match(r"\s*[:\[]?\s*((?:kpi\d{3}(?:\s*,\s*|\s+)?)+)\]?", rest, re.I)
    if codes:
        fixed = head + "[" + ", ".join(c.upper() for c in re.findall(r"kpi\d{3}", codes.group(1), re.I)) + "]"
    elif not rest or rest[0] in SPACE:
        fixed = head
    else:
        return None
    directive = IGNORE.match(fixed)
    return fixed if directive is not None and directive.end() == len(fixed) and len(fixed) <= 80 else None


@functools.lru_cache(maxsize=4096)
def _guess(written: str) -> tuple[str | None, str | None]:
    """The code `written` probably means, and the rule name it was written as (or None). Nothing is
    guessed for what is longer than any code or name (it is compared with each of them)."""
    if len(written) > 40:
        return None, None
    known = _known()
    name = written.strip().lower()
    for code, rule in known.items():
        if rule == name:
            return code, rule
    word = _retyped(unicodedata.normalize("NFKC", written))
    if word in known:
        return word, None
    scored = sorted(((difflib.SequenceMatcher(None, word, code).ratio(), code) for code in known), reverse=True)
    # one code clearly closest (KPI219 is as near KPI209 as KPI218: no guess)
    if scored and scored[0][0] >= 0.8 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][1], None
    return None, None


def _known() -> dict[str, str]:
    from ..codes import known_codes

    return known_codes()


def _report(path: str, code: str, span: Span, message: Msg, help_: Msg) -> Diagnostic:
    return Diagnostic(code=code, severity=Severity.WARNING, message=message, file=path, span=span, help=help_)

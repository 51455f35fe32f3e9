"""`kpispec diff` for people (text), for pull-request comments (Markdown) and for machines (JSON).

Each renderer takes the `review.PlanDiff`s of one run and returns the whole output. Text written
in the plans (labels, values, formulas, paths, messages) is made harmless for where it goes: control
characters never reach a terminal, and in Markdown it cannot open a link, raw HTML or a mention.
"""

from __future__ import annotations

import json
import re

from ..analysis.goals import MET, MISSES, NONE, UNKNOWN, Standing
from ..diagnostics import Msg
from ..review import ADDED, CHANGED, REMOVED, RENAMED, Change, GoalDelta, PlanDiff
from ..review.model import shortfall_only
from .jsonfmt import diagnostic_dict
from .text import SEVERITY_JA, shorten, visible

W = {
    "goals": Msg("goals", "目標"),
    "changes": Msg("changes", "変更"),
    "diagnostics": Msg("diagnostics", "指摘"),
    "before": Msg("before", "変更前"),
    "after": Msg("after", "変更後"),
    "unchanged": Msg("unchanged", "変化なし"),
    "implied": Msg("implied", "計算値"),
    "absent": Msg("not in the plan", "計画になし"),
    "no formula": Msg("not a goal (no formula)", "式なし（目標ではない）"),
    "none": Msg("(none)", "（なし）"),
    "line": Msg("line {}", "{}行目"),
    "renamed to": Msg("renamed to", "の ID を変更 →"),
    "no change": Msg("no semantic change", "意味の変化なし"),
    "no plans": Msg("No .kpi plan changed.", ".kpi の計画に変更はありません。"),
    "added": Msg("added", "追加"),
    "deleted": Msg("deleted", "削除"),
    "removed": Msg("removed", "削除"),
    "renamed": Msg("moved", "移動"),
    "unparsed old": Msg("the old version cannot be analysed:", "変更前のファイルは解析できません（次のエラー）："),
    "unparsed new": Msg("the new version cannot be analysed:", "変更後のファイルは解析できません（次のエラー）："),
    "now miss": Msg("goals that now miss", "新たに未達になった目標"),
    "now met": Msg("goals now met", "新たに達成見込みになった目標"),
}
CHANGE_WORDS = {ADDED: Msg("added", "追加"), REMOVED: Msg("removed", "削除"), RENAMED: Msg("renamed", "ID の変更"),
                CHANGED: Msg("changed", "変更")}
SIGNS = {ADDED: "+", REMOVED: "-", RENAMED: "~", CHANGED: "~"}


def _w(key: str, lang: str) -> str:
    return W[key].get(lang)


def summary(diffs: list[PlanDiff], lang: str) -> str:
    """`3 plans compared: 2 changed.`"""
    changed = sum(d.changed for d in diffs)
    if lang == "ja":
        return f"{len(diffs)} 件の計画を比較しました（変更あり {changed} 件）。"
    return f"{len(diffs)} plan{'s' if len(diffs) != 1 else ''} compared: {changed} changed."


def turned(diffs: list[PlanDiff]) -> tuple[list[tuple], list[tuple]]:
    """The goals ((plan, id)) whose verdict turned from met to missed (or cannot be proven), and back."""
    worse, better = [], []
    for d in diffs:
        for g in d.goals:
            key = (d.new or d.old, g.id)
            was = g.before is not None and g.before.status == MET
            now = g.after is not None and g.after.status == MET
            if g.after is not None and g.after.status in (MISSES, UNKNOWN) and (was or g.before is None):
                worse.append(key)
            elif now and g.before is not None and not was:
                better.append(key)
    return worse, better


def state(s: Standing | None, present: bool, lang: str) -> str:
    """Where a goal stands, in one line: its verdict, the value its inputs' targets imply, and its slack."""
    if s is None:
        return _w("no formula" if present else "absent", lang)
    parts = [s.badge.get(lang)]
    if s.status == UNKNOWN and s.detail is not None:
        parts[0] += _aside(s.detail.get(lang), lang)
    if s.implied is not None:
        parts.append(f"{_w('implied', lang)} {s.implied.get(lang)}")
    if s.gap is not None and not shortfall_only(s):
        parts.append(s.gap.get(lang))
    return ("、" if lang == "ja" else ", ").join(parts)


def goal_title(g: GoalDelta, lang: str) -> str:
    """`revenue 年間売上 ≥ 12億円 per year`, with the old id of a goal renamed, and both targets when it changed."""
    title = g.id + (f" {g.label}" if g.label else "")
    if g.was:
        title += was(g.was, lang)
    targets = _targets(g, lang)
    if targets:
        title += " " + " → ".join(targets)
    return title


def _targets(g: GoalDelta, lang: str) -> list[str]:
    """The goal's target as written; before and after when it changed."""
    shown = [t.get(lang) for t in g.targets if t]
    return shown[:1] if len(set(shown)) == 1 else shown


def was(shown: str, lang: str) -> str:
    """` (was visitors)`: the old id of a goal renamed, as `shown`."""
    return _aside(f"旧 {shown}" if lang == "ja" else f"was {shown}", lang)


def _side(text: str | None, lang: str) -> str:
    return _w("none", lang) if text is None else text


def change_line(c: Change, lang: str) -> str:
    """`~ cvr target: >= 2.5% → >= 2%`, `+ kpi line_friends "LINE友だち"`, `~ kpi visitors renamed to sessions`."""
    sign = SIGNS[c.change]
    if c.change == RENAMED:
        return f"{sign} {c.kind} {c.old} {_w('renamed to', lang)} {c.new}"
    if c.change in (ADDED, REMOVED):
        shown = c.new if c.change == ADDED else c.old
        if c.kind == "assert":
            return f"{sign} assert {shown}"
        return f"{sign} {c.kind} {c.id}" + (f" {shown}" if shown else "")
    who = {"plan": "plan", "assert": "assert"}.get(c.kind, c.id)
    attribute = "" if c.kind == c.attribute else f" {c.attribute}"  # `~ assert: …`, not `~ assert assert: …`
    return f"{sign} {who}{attribute}: {_side(c.old, lang)} → {_side(c.new, lang)}" + _note(c, lang)


def _note(c: Change, lang: str) -> str:
    return "" if c.note is None else _aside(c.note.get(lang), lang)


def _severity(d, lang: str) -> str:
    return SEVERITY_JA[d.severity.value] if lang == "ja" else d.severity.value


def _line(d, source) -> int:
    return source.position(d.span.start)[0] if source is not None else 1


def diagnostic_line(sign: str, d, source, lang: str) -> str:
    """`+ error[KPI301] line 9: message` (`sign` "+", "-" or none), its line in the version it comes from."""
    where = W["line"].get(lang).format(_line(d, source))
    head = f"{sign} " if sign else ""
    return f"{head}{_severity(d, lang)}[{d.code}] {where}{'：' if lang == 'ja' else ': '}{d.message.get(lang)}"


def heading(d: PlanDiff, lang: str) -> str:
    """The plan's name, and what happened to the file when it is more than modified."""
    if d.status in ("added", "deleted"):
        return f"{d.new or d.old}{_aside(_w(d.status, lang), lang)}"
    names = d.new if d.old == d.new else f"{d.old} → {d.new}"
    return names + _aside(_w("renamed", lang), lang) if d.status == "renamed" else names


def _aside(word: str, lang: str) -> str:
    """` (moved)`, `（移動）`."""
    return f"（{word}）" if lang == "ja" else f" ({word})"


def unanalysed(d: PlanDiff) -> list[tuple[str, int]]:
    """The versions that could not be analysed: ("old", 0), ("new", 1)."""
    return [(side, i) for i, side in enumerate(("old", "new")) if d.parses[i] is False]


# ------------------------------------------------------------------------ text


def text(diffs: list[PlanDiff], lang: str = "en") -> str:
    """The diff for a terminal: per plan, its goals, its changes and its diagnostics."""
    if not diffs:
        return _w("no plans", lang) + "\n"
    blocks = [_text_plan(d, lang) for d in diffs]
    return "\n".join(blocks) + "\n" + summary(diffs, lang) + "\n"


def _text_plan(d: PlanDiff, lang: str) -> str:
    lines = [heading(d, lang)]
    colon = "：" if lang == "ja" else ": "
    if d.same:
        lines.append(f"  {_w('no change', lang)}")
        return "\n".join(shorten(line) for line in lines) + "\n"
    for side, i in unanalysed(d):
        lines.append(f"  {_w('unparsed ' + side, lang)}")
        lines += [f"    {diagnostic_line('', x, d.sources[i], lang)}" for x in d.errors[i]]
    shown = [g for g in d.goals if g.changed or not all(g.present)]
    if d.goals:
        lines.append(f"  {_w('goals', lang)}")
        for g in shown:
            lines.append(f"    {goal_title(g, lang)}")
            if not all(g.present):
                word, standing = ("added", g.after) if g.present[1] else ("removed", g.before)
                lines.append(f"      {_w(word, lang)}{colon}{state(standing, True, lang)}")
            else:
                before, after = _w("before", lang) + colon, _w("after", lang) + colon
                pad = max(len(before), len(after))
                lines.append(f"      {before.ljust(pad)}{state(g.before, g.present[0], lang)}")
                lines.append(f"      {after.ljust(pad)}{state(g.after, g.present[1], lang)}")
        left = len(d.goals) - len(shown)
        if left:
            counted = f"{left} goal" + ("s" if left != 1 else "") if lang != "ja" else str(left)
            lines.append("    " + _md("unchanged goals", lang).format(counted))
    cut = len(lines)
    if d.changes:
        lines.append(f"  {_w('changes', lang)}")
        lines += [f"    {change_line(_near_difference(c), lang)}" for c in d.changes]
    kept = len(lines)  # a change's values are cut around where they differ, never where they agree
    if d.appeared or d.gone:
        lines.append(f"  {_w('diagnostics', lang)}")
        lines += [f"    {diagnostic_line('+', x, d.sources[1], lang)}" for x in d.appeared]
        lines += [f"    {diagnostic_line('-', x, d.sources[0], lang)}" for x in d.gone]
    return "\n".join(visible(line) if cut <= i < kept else shorten(line) for i, line in enumerate(lines)) + "\n"


AROUND = 60  # characters of a long changed value shown on each side of its first difference


def _near_difference(c: Change) -> Change:
    """A change whose old and new values are long, each cut to the part around where they first differ."""
    old, new = c.old, c.new
    if old is None or new is None or max(len(old), len(new)) <= 2 * AROUND:
        return c
    i = next((k for k, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    start = max(0, i - AROUND)

    def window(text: str) -> str:
        part = text[start:i + AROUND]
        return ("…" if start else "") + part + ("…" if i + AROUND < len(text) else "")

    return Change(c.kind, c.id, c.change, c.attribute, window(old), window(new), c.note)


# -------------------------------------------------------------------- markdown

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!])")
_BACKTICKS = re.compile(r"`+")
_SPACE = re.compile(r"\s+")
_AUTOLINK = re.compile(r"(:(?=//)|(?<![\w.])www(?=\.))", re.I)
EMOJI = {MET: "✅", MISSES: "❌", UNKNOWN: "❔", NONE: "➖"}
MD = {
    "title": Msg("kpispec diff", "kpispec diff"),
    "goal": Msg("goal", "目標"),
    "change": Msg("change", "変更"),
    "declaration": Msg("declaration", "項目"),
    "attribute": Msg("attribute", "属性"),
    "severity": Msg("severity", "重大度"),
    "code": Msg("code", "コード"),
    "message": Msg("message", "メッセージ"),
    "line": Msg("line", "行"),
    "changes": Msg("Changes ({})", "変更（{} 件）"),
    "diagnostics": Msg("Diagnostics: {} appeared, {} gone", "指摘：新規 {} 件・解消 {} 件"),
    "unchanged goals": Msg("{} unchanged", "変化のない目標 {} 件"),
    "too long": Msg("Some tables are left out: the comment would pass GitHub's limit of 65,536 characters. "
                    "Run `kpispec diff` locally for all of it.",
                    "GitHub のコメント上限（65,536 文字）を超えるため、一部の表を省きました。"
                    "すべては手元で `kpispec diff` を実行して確認してください。"),
    "rows": Msg("{} rows left out", "{} 行を省略"),
}
MAX_COMMENT = 60_000  # characters of a pull-request comment; GitHub refuses one over 65,536


def _md(key: str, lang: str) -> str:
    return MD[key].get(lang)


def plain(value: str) -> str:
    """Text as Markdown shows it literally, in a table cell or not: no link, HTML, emphasis or mention."""
    value = visible(_SPACE.sub(" ", value))  # no control character reaches a terminal the comment is printed to
    value = _SPECIAL.sub(r"\\\1", value.replace("&", "&amp;"))
    # A word joiner after @ (`@team` pings no one), inside `://` and after `www` (no autolink).
    return _AUTOLINK.sub("\\1\u2060", value.replace("@", "@\u2060"))


def code(value: str | None, cell: bool = True) -> str:
    """Text as a code span, fit for a table cell (GitHub reads `\\|` there as `|`; elsewhere, `cell`
    False, a `|` stays as it is); empty for None."""
    if value is None:
        return ""
    value = visible(" ".join(value.split()))
    if cell:
        value = value.replace("|", "\\|")
    if not value:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def message(value: str) -> str:
    """A kpispec message in Markdown: its `quoted` ids and values as code, the rest as plain text."""
    parts = value.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: all of it plain
        return plain(value)
    return "".join(code(p) if i % 2 else plain(p) for i, p in enumerate(parts))


def markdown(diffs: list[PlanDiff], lang: str = "en", limit: int = MAX_COMMENT) -> str:
    """The diff as a pull-request comment: a summary naming the goals whose verdict turned, then per
    plan a table of the goals that changed, then its changes and diagnostics, each folded in a
    <details> (open when an error appeared). Kept under `limit` characters: past it, the plans'
    tables of changes and diagnostics are left out, the largest first, and said so."""
    head = ["<!-- kpispec diff -->", f"## {_md('title', lang)}", ""]
    if not diffs:
        return "\n".join(head + [_w("no plans", lang), ""])
    head += [summary(diffs, lang), ""]
    worse, better = turned(diffs)

    def names(goals):
        return ", ".join(f"{code(path, False)}: {code(g, False)}" if len(diffs) > 1 else code(g, False) for path, g in goals)

    colon = "：" if lang == "ja" else ": "
    if worse:
        head += [f"⚠️ **{plain(_w('now miss', lang))}**{colon}{names(worse)}", ""]
    if better:
        head += [f"✅ {plain(_w('now met', lang))}{colon}{names(better)}", ""]
    blocks = [_markdown_plan(d, lang) for d in diffs]
    size = sum(len(line) + 1 for block in blocks for line in block) + sum(len(line) + 1 for line in head)
    if size > limit:
        note = [f"> {message(_md('too long', lang))}", ""]
        head += note
        size += sum(len(line) + 1 for line in note)
        for i in sorted(range(len(diffs)), key=lambda i: -sum(len(line) + 1 for line in blocks[i])):
            if size <= limit:
                break
            brief = _markdown_plan(diffs[i], lang, brief=True)
            size += sum(len(line) + 1 for line in brief) - sum(len(line) + 1 for line in blocks[i])
            blocks[i] = brief
    out = "\n".join(head + [line for block in blocks for line in block])
    if len(out) > limit:  # the goals alone are too many: cut at a line, and say so
        cut = out.rfind("\n", 0, limit - 200)
        out = out[:cut] + "\n\n" + plain(_md("rows", lang).format(out.count("\n", cut) - 1)) + "\n"
    return out


def _markdown_plan(d: PlanDiff, lang: str, brief: bool = False) -> list[str]:
    if d.status in ("added", "deleted"):
        title = code(d.new or d.old, False) + _aside(_w(d.status, lang), lang)
    else:
        title = code(d.new, False) if d.old == d.new else f"{code(d.old, False)} → {code(d.new, False)}"
        title += _aside(_w("renamed", lang), lang) if d.status == "renamed" else ""
    out = [f"### {title}", ""]
    if d.same:
        return out + [plain(_w("no change", lang)), ""]
    for side, i in unanalysed(d):
        out += [f"⚠️ {plain(_w('unparsed ' + side, lang))}", "", *_diagnostic_table(lang)]
        out += [_diagnostic_row("", x, d.sources[i], lang) for x in d.errors[i]]
        out.append("")
    shown = [g for g in d.goals if g.changed or not all(g.present)]
    if shown:
        out += [f"| {_md('goal', lang)} | {_w('before', lang)} | {_w('after', lang)} |", "| --- | --- | --- |"]
        out += [_goal_row(g, lang) for g in shown]
        out.append("")
    if len(shown) < len(d.goals):
        left = len(d.goals) - len(shown)
        counted = (f"{left} goal" + ("s" if left != 1 else "")) if lang != "ja" else str(left)
        out += [plain(_md("unchanged goals", lang).format(counted)), ""]
    if brief:
        counts = [_md("changes", lang).format(len(d.changes))] if d.changes else []
        if d.appeared or d.gone:
            counts.append(_md("diagnostics", lang).format(len(d.appeared), len(d.gone)))
        return out + ([plain(" · ".join(counts)), ""] if counts else [])
    if d.changes:
        out += [f"<details><summary>{_md('changes', lang).format(len(d.changes))}</summary>", "",
                f"| {_md('change', lang)} | {_md('declaration', lang)} | {_md('attribute', lang)} | {_w('before', lang)} "
                f"| {_w('after', lang)} |", "| --- | --- | --- | --- | --- |"]
        out += [_change_row(c, lang) for c in d.changes]
        out += ["", "</details>", ""]
    if d.appeared or d.gone:
        opened = " open" if any(x.severity.value == "error" for x in d.appeared) else ""
        out += [f"<details{opened}><summary>{_md('diagnostics', lang).format(len(d.appeared), len(d.gone))}</summary>", "",
                *_diagnostic_table(lang)]
        out += [_diagnostic_row("+", x, d.sources[1], lang) for x in d.appeared]
        out += [_diagnostic_row("-", x, d.sources[0], lang) for x in d.gone]
        out += ["", "</details>", ""]
    return out


def _md_state(s: Standing | None, present: bool, lang: str) -> str:
    emoji = "" if s is None else ("⚠️" if s.status == MISSES and not shortfall_only(s) else EMOJI[s.status]) + " "
    return emoji + plain(state(s, present, lang))


def _goal_row(g: GoalDelta, lang: str) -> str:
    title = code(g.id) + (f" {plain(g.label)}" if g.label else "")
    if g.was:
        title += was(code(g.was), lang)
    targets = _targets(g, lang)
    if targets:
        title += "<br>" + " → ".join(plain(t) for t in targets)
    before = _md_state(g.before, g.present[0], lang)
    after = _md_state(g.after, g.present[1], lang) if g.changed else f"= {plain(_w('unchanged', lang))}"
    return f"| {title} | {before} | {after} |"


def _change_row(c: Change, lang: str) -> str:
    sign = SIGNS[c.change]
    if c.change == RENAMED:
        declaration = f"{c.kind} {code(c.old)} → {code(c.new)}"
    elif c.kind == "assert":
        declaration = "assert" if c.change != CHANGED else f"assert {code(c.id)}"
    else:
        declaration = f"{c.kind} {code(c.id)}"
    before = "" if c.change in (ADDED, RENAMED) else code(c.old)
    after = "" if c.change in (REMOVED, RENAMED) else code(c.new) + (plain(_note(c, lang)) if c.note else "")
    word = plain(CHANGE_WORDS[c.change].get(lang))
    return f"| {sign} {word} | {declaration} | {c.attribute or ''} | {before} | {after} |"


def _diagnostic_table(lang: str) -> list[str]:
    return [f"| | {_md('severity', lang)} | {_md('code', lang)} | {_md('line', lang)} | {_md('message', lang)} |",
            "| --- | --- | --- | --- | --- |"]


def _diagnostic_row(sign: str, d, source, lang: str) -> str:
    return f"| {sign} | {_severity(d, lang)} | {d.code} | {_line(d, source)} | {message(d.message.get(lang))} |"


# ------------------------------------------------------------------------ JSON


def to_json(diffs: list[PlanDiff], lang: str = "en") -> str:
    """The diff as JSON: stable keys in a fixed order (see docs/review.md)."""
    document = {
        "plans": [_plan_dict(d, lang) for d in diffs],
        "summary": {"plans": len(diffs), "changed": sum(d.changed for d in diffs)},
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _plan_dict(d: PlanDiff, lang: str) -> dict:
    return {
        "old": d.old,
        "new": d.new,
        "status": d.status,
        "parses": {"old": d.parses[0], "new": d.parses[1]},
        "errors": {"old": [diagnostic_dict(x, d.sources[0], lang) for x in d.errors[0]],
                   "new": [diagnostic_dict(x, d.sources[1], lang) for x in d.errors[1]]},
        "changes": [{"kind": c.kind, "id": c.id, "change": c.change, "attribute": c.attribute, "old": c.old, "new": c.new,
                     "note": c.note.get(lang) if c.note else None}
                    for c in d.changes],
        "goals": [_goal_dict(g, lang) for g in d.goals],
        "diagnostics": {
            "appeared": [diagnostic_dict(x, d.sources[1], lang) for x in d.appeared],
            "gone": [diagnostic_dict(x, d.sources[0], lang) for x in d.gone],
        },
    }


def _goal_dict(g: GoalDelta, lang: str) -> dict:
    return {
        "id": g.id,
        "label": g.label,
        "was": g.was,
        "changed": g.changed,
        "present": {"old": g.present[0], "new": g.present[1]},
        "before": _standing_dict(g.before, lang),
        "after": _standing_dict(g.after, lang),
    }


def _standing_dict(s: Standing | None, lang: str) -> dict | None:
    from .planning import standing_json

    return standing_json(s, lang)

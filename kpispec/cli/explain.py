"""`kpispec explain`: a rule's documentation, or the list of rules."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .application import app
from .common import use_language
from .options import LangOption, fail
from .io import out


@app.command()
def explain(
    code: Annotated[Optional[str], typer.Argument(help="A rule code such as KPI301, or its name (targets-miss-goal).")] = None,
    lang: LangOption = None,
):
    """Explain a rule: what it checks, why, a failing and a passing example, the fix (in Japanese with --lang ja)."""
    from ..codes import all_rules, by_code
    from ..render.text import SEVERITY_JA
    from ..suggest import closest
    from .io import printable

    lang_ = use_language(lang)
    if code is None:
        from ..render.text import SEVERITY_JA, width

        def severity(r) -> str:  # padded to 7 cells: エラー and 警告 take two cells a character
            word = SEVERITY_JA[r.severity.value] if lang_ == "ja" else r.severity.value
            return word + " " * (7 - width(word))

        out("".join(f"{r.code}  {severity(r)}  {r.name:<28}  {r.summary.get(lang_)}\n" for r in all_rules()))
        return
    rule = by_code(code)
    if rule is None:
        rules = all_rules()
        typed = code.upper()
        # A code one character off (KPI3O1 for KPI301) before difflib's choice, which ties it with KPI310.
        near = [r.code for r in rules if len(r.code) == len(typed) and sum(a != b for a, b in zip(r.code, typed)) == 1]
        lookalike = [c for c in near if all(a == b or (b, a) in (("O", "0"), ("I", "1"), ("L", "1")) for a, b in zip(c, typed))]
        near = lookalike or near
        guess = (near[0] if len(near) == 1 else None) or closest(typed, [r.code for r in rules]) \
            or closest(code.lower(), [r.name for r in rules])
        if lang_ == "ja":
            hint = f"`{guess}` のことですか？" if guess else "ルールの一覧は `kpispec explain` で表示できます"
            fail(f"{printable(code)} というルールはありません（{hint}）")
        hint = f" (did you mean {guess}?)" if guess else " (`kpispec explain` lists them)"
        fail(f"unknown rule {printable(code)}{hint}")
    severity = f"（既定の重大度：{SEVERITY_JA[rule.severity.value]}）" if lang_ == "ja" else f" ({rule.severity.value} by default)"
    out(f"{rule.code} {rule.name}{severity}\n{rule.summary.get(lang_)}\n\n{rule.doc_in(lang_).rstrip()}\n")

"""Every diagnostic code: the checks' own documentation plus the parser's and resolver's.

Syntax (0xx), names (1xx) and tool (9xx) codes are reported by the stages, not by
check classes, so their documentation lives here, in the same sections as a check's.

The Japanese documentation is a parallel source, one file per rule in `kpispec/rules_ja/`
(`KPI301.md`): a one-line title and the sections 検査内容, 理由 and 修正, prose only. The
examples are not repeated there: `Rule.doc_in("ja")` takes the English doc's Fails and Passes
blocks, so both languages show the same examples. The files are read only when asked for
(`kpispec explain --lang ja`, the generated pages), never by `kpispec check`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .diagnostics import Msg, Severity
from .records import record


@record(frozen=True)
class Rule:
    """A rule code with its name, default severity and one-line summary."""

    code: str
    name: str
    severity: Severity
    summary: Msg
    doc: str  # markdown: a one-line title, then the sections What it checks … Fix

    def doc_in(self, lang: str) -> str:
        """The documentation in `lang`: the Japanese page for "ja" where the rule has one (see
        `japanese_doc`), otherwise the English `doc`; its examples laid out as `kpispec fmt` does."""
        if lang == "ja":
            ja = japanese_doc(self)
            if ja is not None:
                return formatted_examples(ja)
        return formatted_examples(self.doc)


def _doc(title: str, checks: str, why: str, fails: str, passes: str, fix: str) -> str:
    return (
        f"{title}\n\n## What it checks\n{checks}\n\n## Why it matters\n{why}\n\n"
        f"## Fails\n```kpi\n{fails.strip()}\n```\n\n## Passes\n```kpi\n{passes.strip()}\n```\n\n## Fix\n{fix}\n"
    )


# Found before a plan's comments are read (decoding, the file's size, its characters, the parser):
# the file could not be checked at all. No suppression comment reaches them, and --select and
# --ignore never leave them out (a plan that does not parse never passes).
UNREADABLE = frozenset({"KPI001", "KPI002", "KPI003", "KPI004", "KPI005", "KPI006", "KPI007", "KPI009"})
# Reported only by `kpispec fmt`, which no comment or severity setting changes.
FORMATTER_ONLY = frozenset({"KPI902"})

PLAN = 'plan p "計画" { period 2026-04-01 to 2027-03-31 }\n'
SYNTAX = "A plan that does not parse cannot be checked or compiled; the error says where and how to fix it."
NAMES = "A plan whose names do not resolve cannot be computed; the checks that depend on the name are skipped."

STAGE_RULES = (
    Rule("KPI001", "unexpected-character", Severity.ERROR, Msg("A character that has no place here", "ここで使えない文字"), _doc(
        "A character that the language does not use at this place.",
        "Characters outside the language: stray symbols, full-width digits (１２３) and full-width operators (＊, （）, ＞＝, ≧) outside quoted text; "
        "a keyword written in full-width letters (`ｔａｒｇｅｔ`); a word whose NFKC form is no id (`①売上` reads `1売上`, `売上㈱` reads `売上(株)`).",
        SYNTAX, PLAN + "kpi visitors \"訪問者数\" { target １０００人 }", PLAN + "kpi visitors \"訪問者数\" { target 1000人 }",
        "Use half-width digits, operators and keywords (the help line gives the half-width form); put free text inside double quotes.")),
    Rule("KPI002", "unexpected-token", Severity.ERROR, Msg("Something other than what the language expects here", "文法上ここに来るべきでないもの"), _doc(
        "A word or symbol where the language expects something else.",
        "The parser's expectation at each place: a declaration at the top level, an attribute inside a block, a value after an attribute, an operator between two values. Misspelled keywords get a 'did you mean'.",
        SYNTAX, PLAN + "kpi visitors \"訪問者数\" {\n  targt 1,000人 per month\n}", PLAN + "kpi visitors \"訪問者数\" {\n  target 1,000人 per month\n}",
        "Follow the help line: it names what was expected and, for a misspelling, the word that was probably meant.")),
    Rule("KPI003", "unclosed-block", Severity.ERROR, Msg("A block whose `{` is never closed", "閉じられていないブロック"), _doc(
        "A block that is never closed, or a file that ends in the middle of a statement.",
        "That every `{` has its `}` before the next declaration or the end of the file. The error points back at the `{` that was never closed.",
        SYNTAX, PLAN + "kpi visitors \"訪問者数\" {\n  target 1,000人 per month\n", PLAN + "kpi visitors \"訪問者数\" {\n  target 1,000人 per month\n}",
        "Add the missing `}` after the block's last attribute.")),
    Rule("KPI004", "unterminated-string", Severity.ERROR, Msg("A text without its closing quote", "閉じられていない文字列"), _doc(
        "A quoted text with no closing `\"`.",
        'That every text opened with `"` is closed on the same line (or, with `"""`, by `"""`).',
        SYNTAX, PLAN + 'kpi visitors "訪問者数 { target 1,000人 }', PLAN + 'kpi visitors "訪問者数" { target 1,000人 }',
        'Add the closing `"`; write text over several lines in `"""triple quotes"""`.')),
    Rule("KPI005", "not-utf8", Severity.ERROR, Msg("A file that is not UTF-8", "UTF-8 ではないファイル"), _doc(
        "A file that is not valid UTF-8.",
        "That the file decodes as UTF-8 (a byte-order mark is allowed). Files saved as Shift_JIS or CP932 fail here.",
        "A file cannot be read as text, so nothing else is checked.", PLAN + "# (saved as Shift_JIS)", PLAN + "# (saved as UTF-8)",
        "Save the file as UTF-8 (most editors: 'Save with encoding' → UTF-8).")),
    Rule("KPI006", "forbidden-character", Severity.ERROR, Msg("A NUL byte or a bidirectional control character", "NUL バイトや双方向制御文字"), _doc(
        "NUL bytes and bidirectional control characters.",
        "That the file has no NUL byte (a sign of a binary file) and no bidirectional control characters (U+202A–U+202E, U+2066–U+2069, …).",
        "Bidirectional controls make a text display differently from how it is read (\"Trojan Source\"): a reviewer could approve a plan that says something else.",
        PLAN + "kpi a \"\u202eA\" { target 1件 }", PLAN + "kpi a \"A\" { target 1件 }", "Remove the character.")),
    Rule("KPI007", "file-too-large", Severity.ERROR, Msg("A file too large to check", "検査するには大きすぎるファイル"), _doc(
        "A file larger than the size limit (100 MB unless `--max-file-size` says otherwise).",
        "The file's size before it is read. The file is not read at all.",
        "A plan of 300,000 KPIs is about 75 MB; anything much larger is almost certainly not a plan (a log, a dump, a disk image), and reading it would cost unbounded time and memory on every commit.",
        PLAN + "# (a file of 2 GB)", PLAN + "# (a file of a few kB)",
        "Split the plan into several files, or raise the limit: `kpispec check --max-file-size 500MB`.")),
    Rule("KPI009", "nesting-too-deep", Severity.ERROR, Msg("An expression nested too deeply", "入れ子が深すぎる式"), _doc(
        "An expression nested more than 200 levels deep.",
        "The depth of parentheses and operators in one expression.",
        "No real plan needs it; a limit keeps every later stage safe from runaway input.",
        PLAN + "param x \"x\" = " + "(" * 201 + "1" + ")" * 201, PLAN + "param x \"x\" = (1)",
        "Split the formula: give intermediate results their own KPI or param.")),
    Rule("KPI010", "invalid-date", Severity.ERROR, Msg("A date that does not exist", "存在しない日付"), _doc(
        "A date that is not on the calendar.",
        "Every date written as YYYY-MM-DD is a real calendar date.",
        "A deadline on a day that does not exist cannot be compared with anything.",
        PLAN + "kpi a \"A\" { deadline 2026-02-30 }", PLAN + "kpi a \"A\" { deadline 2026-02-28 }",
        "Correct the month or the day.")),
    Rule("KPI011", "unknown-cadence", Severity.ERROR, Msg("A cadence the language does not know", "未知の計測頻度"), _doc(
        "An unknown `cadence` value.",
        "`cadence` is one of daily, weekly, biweekly (every two weeks; also fortnightly), monthly, quarterly, semiannual (also 半期), "
        "yearly (or 日次, 週次, 隔週, 月次, 四半期, 年次).",
        "The cadence says how often the KPI is measured; tools and dashboards read it.",
        PLAN + "kpi a \"A\" { cadence hourly }", PLAN + "kpi a \"A\" { cadence weekly }",
        "Use one of the listed values.")),
    Rule("KPI012", "unknown-period", Severity.ERROR, Msg("An unknown period after `per`", "`per` の後の未知の期間"), _doc(
        "An unknown period after `per`.",
        "`per` is followed by day, week, month, quarter or year (or 日, 週, 月, 四半期, 年).",
        "The period turns an amount into a rate; without it the arithmetic cannot convert monthly into yearly.",
        PLAN + "kpi a \"A\" { target 100人 per mnth }", PLAN + "kpi a \"A\" { target 100人 per month }",
        "Use one of the listed periods.")),
    Rule("KPI013", "invalid-target-comparator", Severity.ERROR, Msg("A target comparator other than `>=` or `<=`", "`>=`・`<=` 以外の目標の比較"), _doc(
        "A target written with `>`, `<` or `==`, or with its comparison in words after the amount (`30日以内`).",
        "A target is a floor (`>=`, higher is better, the default) or a ceiling (`<=`, lower is better). A comparison "
        "written as a word after an amount (`以内`, `以下`, `未満`, `以上`, `超`: `30日以内`, `5,000円以下`) is reported "
        "with the target it means (`target <= 30日`), never read as part of a unit.",
        "The direction decides how the arithmetic is proved; strict or exact targets have no clear meaning for a KPI.",
        PLAN + "kpi cpa \"CPA\" { target < 5,000円 }", PLAN + "kpi cpa \"CPA\" { target <= 5,000円 }",
        "Write `target >= …` or `target <= …`.")),
    Rule("KPI014", "inverted-period", Severity.ERROR, Msg("A plan period that ends before it starts", "終了日が開始日より前の計画期間"), _doc(
        "A plan period whose end is before its start.",
        "`period A to B` has A on or before B.",
        "Deadlines and windows are measured within the period.",
        'plan p "計画" { period 2027-03-31 to 2026-04-01 }', PLAN, "Swap the dates.")),
    Rule("KPI015", "two-units", Severity.ERROR, Msg("Two units on one number", "1 つの数値に 2 つの単位"), _doc(
        "A number with a glued unit and a second unit word.",
        "A quantity has one unit: `5,000円` or `5,000 JPY`, not `5,000円 JPY`.",
        "With two units the amount's dimension is ambiguous.",
        PLAN + "kpi aov \"客単価\" { target 5,000円 JPY }", PLAN + "kpi aov \"客単価\" { target 5,000円 }",
        "Keep one unit.")),
    Rule("KPI016", "number-out-of-range", Severity.ERROR, Msg("A number too large or too small to compute with", "大きすぎる・小さすぎる数値"), _doc(
        "A number beyond 10^±1000.",
        "Every written number, after its scale (% 万 億 k M B), lies within 10^-1000 to 10^1000 (or is zero).",
        "No plan needs such numbers; computing with them would take unbounded time and memory.",
        PLAN + "param x \"x\" = 1e2000", PLAN + "param x \"x\" = 1e300", "Check the exponent.")),
    Rule("KPI017", "misordered-japanese-number", Severity.ERROR,
         Msg("A Japanese number whose scales repeat or are out of order", "単位が重複・逆順の漢数字表記"), _doc(
        "A number written with Japanese scales that cannot be read: a scale repeated or smaller before larger.",
        "Japanese numbers are read in sections: 兆, 億 and 万 close a section, each once and largest first; "
        "千 and 百 scale within a section, each once and larger first. `1億2千3百万円` is 123,000,000円 and "
        "`500百万円` is 5億円; `1万2万円` has no reading.",
        "Read left to right as a sum, `1万2万円` would silently become 30,000円; the plan's author meant something else.",
        PLAN + "kpi sales \"売上\" { target 1万2万円 }", PLAN + "kpi sales \"売上\" { target 1億2千3百万円 }",
        "Write each scale once, largest first: `1億2,000万円`, `3万5千円`.")),
    Rule("KPI018", "invalid-milestone", Severity.ERROR, Msg("A milestone that cannot be placed in time", "時期や単位が読めないマイルストーン"), _doc(
        "A milestone whose month, quarter or value cannot be used.",
        "Each entry of a `milestones { … }` block: a month written `YYYY-MM` (01 to 12) or a quarter `Q1` to `Q4` "
        "(counted from the month the plan's period starts), inside the plan's period, after the entry above it, with a "
        "value in the target's unit (for a rate, an amount over that month or quarter is allowed: `5戸` for "
        "`13戸 per month`). Milestones need a target, do not go with a `ramp`, and belong on inputs, not on a node "
        "computed by its formula.",
        "A milestone that is read wrongly moves a month's value silently, and every total built on it.",
        PLAN + "kpi sales \"成約数\" {\n  target 13戸 per month\n  milestones {\n    2026-13: 5戸\n  }\n}",
        PLAN + "kpi sales \"成約数\" {\n  target 13戸 per month\n  milestones {\n    2026-07: 5戸\n    Q3: 30戸\n  }\n}",
        "Follow the help line: write the month as `2026-07` or the quarter as `Q2`, inside the plan's period and in time order, "
        "in the target's unit.")),
    Rule("KPI019", "invalid-ramp", Severity.ERROR, Msg("A ramp that has nothing to ramp between", "立ち上がりの始点か終点がない ramp"), _doc(
        "A `ramp` of an unknown kind, or without the baseline, target or deadline it runs between.",
        "`ramp linear` (equal steps each month from the baseline in the start's month to the target in the deadline's month) "
        "or `ramp step` (the baseline until the deadline's month, then the target); both need a `target`, a `baseline` "
        "in the same unit, and a `deadline`.",
        "Without its two ends a ramp says nothing, and the months it was meant to shape would be read at the target.",
        PLAN + "kpi sales \"成約数\" {\n  target 13戸 per month\n  ramp linear\n}",
        PLAN + "kpi sales \"成約数\" {\n  target 13戸 per month\n  baseline 5戸 per month\n  deadline 2026-09-30\n  ramp linear\n}",
        "Add the baseline and the deadline, or remove the ramp.")),
    Rule("KPI020", "business-days", Severity.ERROR, Msg("An amount in business days", "営業日で数えた量"), _doc(
        "A number of business days (`5営業日`, `per 営業日`), which kpispec does not count.",
        "A unit or a period that counts business days (営業日, workdays, business days). Business days depend on "
        "a calendar of holidays that a plan does not hold, so kpispec cannot turn them into months, weeks or days: "
        "rather than read `5営業日` as a count of something called 営業日, it says so.",
        "Read as a count, `5営業日` would be compared and added like `5件`, and a rate per business day would "
        "have no month to be counted in.",
        PLAN + "kpi lead_time \"納期\" { target <= 5営業日 }",
        PLAN + "kpi lead_time \"納期\" { target <= 7日 }",
        "Write calendar days (`7日`, `1 week`), or, for a rate, a rate per calendar period (`100件 per 日`, "
        "`500件 per 週`); say in the label or the `measure` that business days are meant (`measure \"受注から出荷まで（営業日）\"`).")),
    Rule("KPI101", "duplicate-id", Severity.ERROR, Msg("An id defined twice", "重複した id"), _doc(
        "An id that is defined twice.",
        "Ids are unique across params, KGIs, KSFs and KPIs.",
        NAMES, PLAN + "kpi a \"A\" { target 1件 }\nkpi a \"A2\" { target 2件 }", PLAN + "kpi a \"A\" { target 1件 }\nkpi a2 \"A2\" { target 2件 }",
        "Rename one of them.")),
    Rule("KPI102", "undefined-name", Severity.ERROR, Msg("A reference to an id that is not defined", "未定義の id への参照"), _doc(
        "A reference to an id the plan does not define.",
        "Every id used in a formula, an assert, a param or a `ksf`/`kgi` link is defined in the plan. A close match is suggested.",
        NAMES, PLAN + "kpi a \"A\" { formula vistors * 2 }\nkpi visitors \"V\" { target 1人 }", PLAN + "kpi a \"A\" { formula visitors * 2 }\nkpi visitors \"V\" { target 1人 }",
        "Fix the spelling, or define the missing node.")),
    Rule("KPI103", "wrong-kind-reference", Severity.ERROR, Msg("A reference to the wrong kind of node", "種類の違うノードへの参照"), _doc(
        "A reference to a node of the wrong kind.",
        "`ksf X` names a KSF, `kgi X` names a KGI; formulas use KPIs, KGIs and params (a KSF has no number); params use only numbers and params.",
        NAMES, PLAN + "kgi revenue \"売上\" { target 1億円 }\nkpi a \"A\" { ksf revenue }", PLAN + "kgi revenue \"売上\" { target 1億円 }\nksf s \"S\" { kgi revenue }\nkpi a \"A\" { ksf s }",
        "Name a node of the right kind.")),
    Rule("KPI104", "duplicate-attribute", Severity.ERROR, Msg("An attribute given twice in one block", "同じ属性が 2 回"), _doc(
        "An attribute given twice in one block.",
        "Each attribute except `ksf` and `kgi` appears at most once per block.",
        "Which of two targets counts would be a guess.",
        PLAN + "kpi a \"A\" {\n  target 1件\n  target 2件\n}", PLAN + "kpi a \"A\" {\n  target 2件\n}",
        "Keep one of them.")),
    Rule("KPI105", "misplaced-attribute", Severity.ERROR, Msg("An attribute that does not belong in this kind of block", "このブロックに書けない属性"), _doc(
        "An attribute that the kind of block does not take.",
        "KGIs take target, baseline, deadline, start, cadence, formula, owner, source, measure, description; KSFs take kgi, owner, description; KPIs take all of a KGI's plus ksf and kgi; plans take period, owner, description.",
        "A KSF is qualitative: a number on it is a KPI in disguise.",
        PLAN + "kgi g \"G\" { target 1億円 }\nksf s \"S\" {\n  kgi g\n  target 10%\n}", PLAN + "kgi g \"G\" { target 1億円 }\nksf s \"S\" { kgi g }",
        "Move the attribute to the right node (numbers belong on KPIs).")),
    Rule("KPI106", "plan-block", Severity.ERROR, Msg("A file without exactly one plan block", "plan ブロックがない・複数ある"), _doc(
        "A file with no `plan` block, or with more than one.",
        "Each file holds exactly one plan.",
        "The plan's id, period and owner frame everything else; deadlines are checked against its period.",
        'kpi a "A" { target 1件 }', PLAN + 'kpi a "A" { target 1件 }',
        "Start the file with `plan id \"名前\" { period … }`; move a second plan to its own file.")),
    Rule("KPI107", "unknown-function", Severity.ERROR, Msg("A function the language does not have", "未知の関数"), _doc(
        "A call to a function other than sum, min and max.",
        "Formulas call only `sum`, `min` and `max`.",
        NAMES, PLAN + "kpi a \"A\" { formula avg(1件, 2件) }", PLAN + "kpi a \"A\" { formula sum(1件, 2件) }",
        "Use one of the three, or write the arithmetic out.")),
    Rule("KPI901", "internal-error", Severity.ERROR, Msg("A check that crashed", "検査の内部エラー"), _doc(
        "A check crashed on this plan.",
        "Nothing about the plan: this reports a bug in kpispec. The other checks still ran.",
        "A crash must never hide the other findings or print a traceback.",
        "# (no plan is known to trigger it)", PLAN, "Report the bug with the plan file.")),
    Rule("KPI902", "format-would-change-plan", Severity.ERROR,
         Msg("kpispec fmt could not lay the file out without changing it", "kpispec fmt が意味を変えずに整形できない"), _doc(
        "`kpispec fmt` left a file as it was: laid out, it would not be the same plan.",
        "Reported by `kpispec fmt` only, never by `check`. Before it writes a file, fmt parses its own result and holds it "
        "to the original: the same declarations, attributes and values, the same comments, and every "
        "`# kpispec: ignore[…]` comment on a line with the same tokens, since such a comment silences what starts on its "
        "line. Formatting joins the lines of an attribute that is not a formula (`target >=` and `5件` on two lines), so "
        "a suppression comment on the second line would come to silence the whole attribute: that file is not formatted. "
        "Any other difference is a bug in kpispec.",
        "A formatter must never change what a plan says, or which findings it silences.",
        PLAN + "kpi x \"X\" {\n  target >=\n    5件  # kpispec: ignore[KPI202]\n}",
        PLAN + "kpi x \"X\" {\n  target >= 5件  # kpispec: ignore[KPI202]\n}",
        "Put the suppression comment at the end of the line where the attribute or block it is about starts, then run "
        "`kpispec fmt` again. If the message says it is an internal error, report the bug with the plan file.")),
    Rule("KPI903", "invalid-suppression", Severity.WARNING,
         Msg("A suppression comment kpispec cannot use", "使えない抑止コメント"), _doc(
        "A suppression comment that silences nothing because kpispec cannot use it as written.",
        "Every comment meant as a suppression (`# kpispec: ignore…`, in any case or width): that it is written as "
        "kpispec reads it, `# kpispec: ignore[KPI205, KPI215]` or `# kpispec: ignore-file[KPI205]` (lower case, "
        "half-width, the codes in brackets, separated by commas); that each code it names is a rule code (a slip "
        "such as `KPI2O5` gets a 'did you mean'); that its brackets are not empty; and that an `ignore-file` comment "
        "stands on a line of its own. What fails silences nothing: a code that is not known is left out, the others "
        "in the same brackets still count.",
        "The finding the comment was written for is still reported, and nothing says why. Read loosely, "
        "`# kpispec: ignore: KPI205` or `# kpispec: ignore KPI205` would silence every code on its line; kpispec "
        "reads neither, and says so.",
        PLAN + "kpi followers \"フォロワー数\" {\n  target 50,000人  # kpispec: ignore[KPI2O5]\n}",
        PLAN + "kpi followers \"フォロワー数\" {\n  target 50,000人  # kpispec: ignore[KPI205]\n}",
        "Follow the help line: write each code as `kpispec check` shows it, in brackets after `ignore`; move an "
        "`ignore-file` comment to a line of its own (by convention the top of the file).")),
    Rule("KPI904", "unused-suppression", Severity.WARNING,
         Msg("A suppression comment that silences nothing", "何も抑止していない抑止コメント"), _doc(
        "A suppression comment, or a code in one, that silences nothing.",
        "Each code a `# kpispec: ignore[…]` comment names: that a finding of that code starts on the comment's line "
        "(for `# kpispec: ignore-file[…]`, anywhere in the file); and for a comment without codes, that it silences "
        "some finding. Only what this run could have found is judged: not a code disabled for the run, not a "
        "check's code in a plan whose names or values have errors (the checks that need them did not run), and "
        "not a comment without codes when any code is disabled. A code named twice in one comment is reported too.",
        "A suppression outlives its reason: once the plan is fixed (the baseline added), the comment stays, and "
        "it would silence the next finding on its line without anyone seeing it.",
        PLAN + "kpi followers \"フォロワー数\" {\n  target 50,000人  # kpispec: ignore[KPI205]\n  baseline 12,000人\n}",
        PLAN + "kpi followers \"フォロワー数\" {\n  target 50,000人\n  baseline 12,000人\n}",
        "Remove the code from the comment, or the comment if it names no other code. To keep a suppression that "
        "silences nothing today, name `KPI904` in it too: `# kpispec: ignore[KPI205, KPI904]`.")),
)


# The Japanese source's sections, in order, and the composed page's (examples from the English doc).
JA_SECTIONS = ("検査内容", "理由", "修正")
JA_FAILS, JA_PASSES = "違反する例", "適合する例"
_HEADING = re.compile(r"^## (.*)$", re.M)
_KPI_BLOCK = re.compile(r"^```kpi\n.*?^```$", re.M | re.S)


@lru_cache(maxsize=None)
def formatted_examples(doc: str) -> str:
    """`doc` with each example in kpispec fmt's layout, as the pages and `explain` show them (the
    sources write them compactly, `plan p { period … }` on one line); one that does not parse
    (a syntax error's example) is shown as written."""
    from .fmt import format_bytes

    def laid_out(found: re.Match) -> str:
        example = found.group(0)[len("```kpi\n"): -len("```")]
        formatted = format_bytes("example.kpi", example.encode("utf-8"))
        return f"```kpi\n{formatted.data.decode('utf-8')}```" if formatted.ok else found.group(0)

    return _KPI_BLOCK.sub(laid_out, doc)


class BadJapaneseDoc(ValueError):
    """A file in kpispec/rules_ja/ that is not a title and the three sections, in order (or,
    never for the rules' own docs, which tests/test_rules_docs.py reads, an English doc that is not
    a title and its sections)."""


def sections(doc: str) -> tuple[str, dict[str, str]]:
    """A rule doc's one-line title, and each `## ` section's heading -> its text (stripped)."""
    title, _, rest = doc.partition("\n")
    heads = list(_HEADING.finditer(rest))
    if rest[:heads[0].start()].strip() if heads else rest.strip():
        raise BadJapaneseDoc("text between the title and the first section")
    found = {}
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(rest)
        if head.group(1) in found:
            raise BadJapaneseDoc(f"the section {head.group(1)} twice")
        found[head.group(1)] = rest[head.end():end].strip()
    return title.strip(), found


def read_japanese(text: str) -> tuple[str, dict[str, str]]:
    """A kpispec/rules_ja/ file's title and sections (検査内容, 理由, 修正), or BadJapaneseDoc
    saying what is wrong with it."""
    title, found = sections(text)
    if not title or title.startswith("#"):
        raise BadJapaneseDoc("the first line is not a one-line title")
    if tuple(found) != JA_SECTIONS:
        raise BadJapaneseDoc(f"sections {', '.join(found) or 'none'}; expected {', '.join(JA_SECTIONS)}, in this order")
    empty = [name for name, body in found.items() if not body]
    if empty:
        raise BadJapaneseDoc(f"empty section {', '.join(empty)}")
    return title, found


def japanese_source(code: str) -> str | None:
    """The text of kpispec/rules_ja/CODE.md, or None if the rule has no Japanese documentation
    (or it cannot be read as UTF-8: tests/test_rules_docs.py holds every file to being readable)."""
    from importlib.resources import files

    try:
        return (files(__package__) / "rules_ja" / f"{code}.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def compose_japanese(rule: Rule, text: str) -> str:
    """The Japanese page of `rule` from its kpispec/rules_ja/ text: the title, 検査内容, 理由, the
    English doc's Fails and Passes blocks as 違反する例 and 適合する例, then 修正."""
    title, ja = read_japanese(text)
    _, en = sections(rule.doc)
    fails, passes = (_KPI_BLOCK.search(en.get(name, "")) for name in ("Fails", "Passes"))
    if fails is None or passes is None:
        raise BadJapaneseDoc(f"the English doc of {rule.code} has no Fails or Passes example")
    return (
        f"{title}\n\n## {JA_SECTIONS[0]}\n{ja[JA_SECTIONS[0]]}\n\n## {JA_SECTIONS[1]}\n{ja[JA_SECTIONS[1]]}\n\n"
        f"## {JA_FAILS}\n{fails.group(0)}\n\n## {JA_PASSES}\n{passes.group(0)}\n\n## {JA_SECTIONS[2]}\n{ja[JA_SECTIONS[2]]}\n"
    )


def japanese_doc(rule: Rule) -> str | None:
    """The Japanese page of `rule`, or None if it has no usable Japanese documentation (the
    tests hold every rule to having one)."""
    text = japanese_source(rule.code)
    if text is None:
        return None
    try:
        return compose_japanese(rule, text)
    except BadJapaneseDoc:
        return None


def all_rules() -> list[Rule]:
    """Every code, in code order: stage codes and the registered checks."""
    import inspect

    from .checks import RULES

    rules = list(STAGE_RULES)
    for check in RULES:
        rules.append(Rule(check.code, check.name, check.severity, check.summary, inspect.cleandoc(check.__doc__ or "")))
    return sorted(rules, key=lambda r: r.code)


@lru_cache(maxsize=None)
@lru_cache(maxsize=1)
def known_codes() -> dict[str, str]:
    """Every code -> its rule's name, without reading the docs (suppression comments need it on the
    check path)."""
    from .checks import RULES

    return {r.code: r.name for r in (*STAGE_RULES, *RULES)}


def by_code(code: str) -> Rule | None:
    code = code.strip().upper()
    for rule in all_rules():
        if rule.code == code or rule.name == code.lower():
            return rule
    return None

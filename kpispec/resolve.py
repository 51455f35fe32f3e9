"""AST -> resolved plan: bind names, normalise values, report name and value errors."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from .diagnostics import Diagnostic, Label, Severity, Span, msg
from .ir import Link, Milestone, Node, Param, Plan, PlanInfo, Target, Value
from . import months as calendar
from .evaluate import comparable
from .language import ATTRIBUTES, CADENCES, FUNCTIONS, KIND_NAMES, PERIODS, RAMPS, SINGLE_ATTRIBUTES, amount_before
from .records import replace
from .source import SourceFile
from .suggest import Suggester, closest
from .syntax import ast, spacing
from .units import PERIOD_LIKE, PERIODS_EN, PERIODS_JA, TIME_UNITS, per_unit, unit_of

ENGLISH_PERIODS = ("day", "week", "month", "quarter", "year")

# Which kinds of declaration a formula, param or assert may refer to.
FORMULA_REFERABLE = frozenset({"kpi", "kgi", "param"})


class Resolver:
    def __init__(self, source: SourceFile, items: list, release: bool = False):
        self.source = source
        self.items = items  # the module's declarations; with `release`, each block is dropped once resolved
        self.release = release
        self.diagnostics: list[Diagnostic] = []
        self.kinds: dict[str, str] = {}  # id -> kind
        self.decl_spans: dict[str, Span] = {}
        self._suggesters: dict[frozenset, Suggester] = {}

    # ------------------------------------------------------------ reporting

    def error(self, code, span, message, help_=None, labels=(), primary=None, severity=Severity.ERROR, notes=()):
        self.diagnostics.append(
            Diagnostic(code=code, severity=severity, message=message, file=self.source.path, span=span,
                       labels=tuple(labels), help=help_, primary_label=primary, notes=tuple(notes))
        )

    # ----------------------------------------------------------------- run

    def resolve(self) -> Plan:
        plans = [i for i in self.items if isinstance(i, ast.Block) and i.kind == "plan"]
        self._declare()
        info = self.info = self._plan_info(plans)
        if info is not None and info.period_start is not None and info.period_end is not None:
            self._period_months = (calendar.index(info.period_start), calendar.index(info.period_end))
        params = {}
        nodes = {}
        for index, item in enumerate(self.items):
            if isinstance(item, ast.Param) and item.id.text not in params:
                value = self._check_refs(item.value, frozenset({"param"}), "param")
                params[item.id.text] = Param(item.id.text, item.label.value if item.label else None, value,
                                             item.span, item.id.span)
            elif isinstance(item, ast.Block) and item.kind != "plan" and item.id.text not in nodes:
                if self.decl_spans.get(item.id.text) == item.id.span:
                    nodes[item.id.text] = self._node(item)
            if self.release and isinstance(item, ast.Block):
                self.items[index] = None  # its node keeps what the checks read: the rest can go now
        asserts = []
        for a in (i for i in self.items if isinstance(i, ast.Assert)):
            left = self._check_refs(a.left, FORMULA_REFERABLE, "assert")
            right = self._check_refs(a.right, FORMULA_REFERABLE, "assert")
            asserts.append(a if left is a.left and right is a.right else replace(a, left=left, right=right))
        asserts = tuple(asserts)
        return Plan(self.source, info, nodes, params, asserts)

    def _declare(self):
        for item in self.items:
            if isinstance(item, ast.Assert) or (isinstance(item, ast.Block) and item.kind == "plan"):
                continue
            kind = "param" if isinstance(item, ast.Param) else item.kind
            name = item.id
            if name.text in self.kinds:
                first = self.decl_spans[name.text]
                line, _ = self.source.position(first.start)
                other = KIND_NAMES[self.kinds[name.text]]
                self.error(
                    "KPI101", name.span,
                    msg(f"`{name.text}` is already defined (as a {other[0]} at line {line})",
                        f"`{name.text}` はすでに定義されています（{line} 行目の {other[1]}）"),
                    msg("ids must be unique across params, KGIs, KSFs and KPIs: rename one of them",
                        "ID は `param`・KGI・KSF・KPI を通じて一意である必要があります。どちらかの名前を変えてください"),
                    labels=[Label(first, msg("first defined here", "最初の定義"))],
                    primary=msg("defined again here", "ここで再定義"),
                    notes=self._read_alike(first, name),
                )
                continue
            self.kinds[name.text] = kind
            self.decl_spans[name.text] = name.span

    def _read_alike(self, first: Span, again: ast.Name) -> tuple:
        """A note when two definitions of one id were written differently (`ＣＰＡ` and `CPA`): the
        messages quote the id as it is read (its NFKC form, see syntax/names.py)."""
        one, other = self.source.slice(first), self.source.slice(again.span)
        if one == other:
            return ()
        return (msg(f"`{one}` and `{other}` are the same id, `{again.text}`: an id is read in its NFKC form "
                    f"(full-width letters and digits as half-width, half-width katakana as full-width)",
                    f"`{one}` と `{other}` は同じ ID `{again.text}` です（ID は NFKC で読みます。全角英数字は半角、"
                    f"半角カナは全角として読みます）"),)

    # ---------------------------------------------------------------- plan

    def _plan_info(self, plans) -> PlanInfo | None:
        if not plans:
            self.error(
                "KPI106", Span(0, 0),
                msg("this file declares no plan", "このファイルには `plan` の宣言がありません"),
                msg('start the file with a plan block: `plan my_plan "計画名" { period 2026-04-01 to 2027-03-31 }`',
                    'ファイルの先頭に `plan` ブロックを書いてください：`plan 計画 "計画名" { period 2026-04-01 to 2027-03-31 }`'),
            )
            return None
        for extra in plans[1:]:
            self.error(
                "KPI106", extra.keyword_span,
                msg("a file holds one plan, but this is a second `plan` block", "1 ファイルに `plan` は 1 つですが、2 つ目の `plan` ブロックがあります"),
                msg("move this plan to a file of its own", "この `plan` は別のファイルに移してください"),
                labels=[Label(plans[0].keyword_span, msg("the file's plan", "このファイルの `plan`"))],
            )
        block = plans[0]
        values = self._attrs(block)
        start = end = None
        if "period" in values:
            attr = values["period"]
            start = self._date(attr.value[0])
            end = self._date(attr.value[1])
            if start and end and start > end:
                self.error(
                    "KPI014", attr.span,
                    msg(f"the plan period ends ({end}) before it starts ({start})", f"計画期間の終了日（{end}）が開始日（{start}）より前です"),
                    msg("swap the two dates", "2 つの日付を入れ替えてください"),
                )
        return PlanInfo(
            block.id.text, block.label.value if block.label else None, start, end,
            _text(values.get("owner")), _text(values.get("description")), block.span,
            {k: a.span for k, a in values.items()},
        )

    # --------------------------------------------------------------- nodes

    def _node(self, block: ast.Block) -> Node:
        values = self._attrs(block)
        fields = {}
        if "target" in values:
            fields["target"] = self._target(values["target"])
        if "baseline" in values:
            attr = values["baseline"]
            fields["baseline"] = self.value(attr.value, attr.negative)
        for key in ("deadline", "start", "end"):
            if key in values:
                fields[key] = self._date(values[key].value)
        if "cadence" in values:
            fields["cadence"] = self._cadence(values["cadence"].value)
        for key in ("owner", "source", "measure", "description"):
            if key in values:
                fields[key] = values[key].value.value
        if "ramp" in values:
            fields["ramp"] = self._ramp(values["ramp"], fields, block)
        if "milestones" in values:
            fields["milestones"] = self._milestones(values["milestones"], fields, block, "ramp" in values)
        if "formula" in values:
            fields["formula"] = self._check_refs(values["formula"].value, FORMULA_REFERABLE, block.kind, block.id.text)
        links = []
        broken = False
        for attr in block.attrs:
            if attr.key in ("ksf", "kgi") and attr.key in ATTRIBUTES[block.kind]:
                for name in attr.value:
                    if self._check_link(attr.key, name):
                        links.append(Link(attr.key, name))
                    else:
                        broken = True
        return Node(
            kind=block.kind, id=block.id.text, label=block.label.value if block.label else None,
            span=block.span, id_span=block.id.span, label_span=block.label.span if block.label else None,
            links=tuple(links), broken_links=broken,
            attr_positions=tuple(x for a in values.values() for x in (a.key, a.start, a.end)), **fields,
        )

    def _attrs(self, block: ast.Block) -> dict:
        """The block's attributes by name, reporting repeated and misplaced ones."""
        seen: dict[str, ast.Attr] = {}
        allowed = ATTRIBUTES[block.kind]
        kind = KIND_NAMES[block.kind]
        for attr in block.attrs:
            if attr.key not in allowed:
                where = ", ".join(f"`{a}`" for a in allowed)
                hint = {
                    ("ksf", "target"): msg("a KSF is a qualitative factor: put numbers on the KPIs that track it",
                                           "KSF は定性的な成功要因です。数値はそれを測る KPI に書いてください"),
                    ("ksf", "formula"): msg("a KSF has no number: put the formula on a KPI", "KSF は数値を持ちません。式は KPI に書いてください"),
                    ("kgi", "ksf"): msg("link the other way: write `kgi <id>` inside each KSF", "逆向きにつなぎます：各 KSF の中に `kgi <id>` と書いてください"),
                    ("kgi", "kgi"): msg("a KGI is the top of the tree and serves no other node", "KGI はツリーの頂点で、他のノードにはつながりません"),
                }.get((block.kind, attr.key), msg(f"a {kind[0]} takes: {where}", f"{kind[1]} で使える属性：{where}"))
                self.error(
                    "KPI105", attr.key_span,
                    msg(f"`{attr.key}` is not an attribute of a {kind[0]}", f"`{attr.key}` は {kind[1]} の属性ではありません"),
                    hint,
                )
                continue
            if attr.key in seen and attr.key in SINGLE_ATTRIBUTES:
                first = seen[attr.key]
                line, _ = self.source.position(first.span.start)
                self.error(
                    "KPI104", attr.key_span,
                    msg(f"`{attr.key}` is given twice in `{block.id.text}` (first at line {line})",
                        f"`{block.id.text}` に `{attr.key}` が 2 回書かれています（最初は {line} 行目）"),
                    msg("keep one of them; the second one is ignored", "どちらか一方を残してください（2 つ目は無視されます）"),
                    labels=[Label(first.span, msg("first given here", "最初の記述"))],
                )
                continue
            seen.setdefault(attr.key, attr)
        return seen

    def _target(self, attr: ast.Attr) -> Target:
        comparator = attr.comparator or ">="
        if comparator not in (">=", "<="):
            self.error(
                "KPI013", attr.span,
                msg(f"a target is a floor (`>=`) or a ceiling (`<=`), not `{comparator}`",
                    f"目標は下限（`>=`）か上限（`<=`）で書きます。`{comparator}` は使えません"),
                msg("write `target >= …` when higher is better (the default) or `target <= …` for costs such as CPA",
                    "高いほど良いなら `target >= …`（省略時の既定）、CPA などのコストなら `target <= …` と書きます"),
            )
            comparator = "<=" if comparator == "<" else ">="
        return Target(comparator, self.value(attr.value, attr.negative), attr.span, attr.comparator is not None)

    def value(self, q: ast.Quantity, negative: bool = False) -> Value:
        """Normalise a written quantity; report unknown periods, doubled units and business days."""
        business = next((w for w in (q.unit, q.per, q.per_unit) if w is not None and _business_days(w.text)), None)
        if business is not None:
            self.error(
                "KPI020", business.span,
                msg(f"`{business.text}` counts business days, which kpispec cannot count: they depend on a calendar of "
                    "holidays the plan does not hold",
                    f"`{business.text}` は営業日で数えた量です。営業日は祝日の暦によって日数が変わるため、kpispec では暦の日数に換算できません"),
                msg("write calendar days (`7日`, `1 week`) or a rate per calendar period (`100件 per 日`), and say in the "
                    "label or the measure that business days are meant",
                    "暦日（`7日`、`1週間`）か暦の期間あたりの量（`100件 per 日`）で書き、営業日であることはラベルか "
                    "`measure` に書いてください"),
            )
        elif q.per is not None and q.per.text not in PERIODS:
            self._unknown_period(q.per, closest(q.per.text, PERIODS))
        worded = next((w for w in (q.unit, q.second_unit) if w is not None and w.text.endswith(tuple(COMPARISON_WORDS))), None)
        if worded is not None:
            word = next(c for c in COMPARISON_WORDS if worded.text.endswith(c))
            symbol = COMPARISON_WORDS[word]
            amount = self.source.text[q.span.start:worded.start + len(worded.text) - len(word)].strip()
            self.error(
                "KPI013", worded.span,
                msg(f"`{word}` compares in words: a target says its direction with `>=` or `<=`, before the amount",
                    f"`{word}` は言葉で書いた比較です。目標の向きは数値の前に `>=`・`<=` で書きます"),
                msg(f"write `target {symbol} {amount}`"
                    + (f" (a target is met at its bound: `{symbol[0]}` is `{symbol}`)" if word in STRICT_WORDS else ""),
                    f"`target {symbol} {amount}` と書いてください"
                    + (f"（目標は境界の値で達成とみなすため、{word}も `{symbol}` です）" if word in STRICT_WORDS else "")),
            )
        # (apart from the number: glued, `1年間` and `2週間` are durations)
        adverb = next((w for w in (q.second_unit, q.unit) if w is not None and w.text in PERIOD_ADVERBS
                       and self.source.text[w.start - 1:w.start].isspace()), None)
        if adverb is not None and business is None and q.per is None:
            period = PERIOD_ADVERBS[adverb.text]
            amount = self.source.text[q.span.start:adverb.start].strip()
            self.error(
                "KPI012", adverb.span,
                msg(f"`{adverb.text}` is not a unit: an amount for each {PERIOD_EN_OF[period]} is written with `per`",
                    f"`{adverb.text}` は単位ではありません。期間あたりの量は `per` で書きます"),
                msg(f"write `{amount} per {period}` (or `{amount}/{period}`)", f"`{amount} per {period}`（または `{amount}/{period}`）と書いてください"),
            )
        if q.per_unit is not None and q.per_unit is not business:
            self._per_unit(q.per_unit)
        if q.extra_per is not None and not (q.extra_per.text not in PERIODS and q.extra_per.text not in TIME_UNITS
                                            and self._per_unit(q.extra_per)):
            first = q.per if q.per is not None and (q.extra_per.text in PERIODS or q.extra_per.text in TIME_UNITS) else q.per_unit
            what_en, what_ja = ("periods", "期間") if first is q.per else ("per-unit words", "「〜あたり」の単位")
            self.error(
                "KPI015", q.extra_per.span,
                msg(f"two {what_en} on one number: `{first.text}` and `{q.extra_per.text}`",
                    f"1 つの数値に{what_ja}が 2 つあります：`{first.text}` と `{q.extra_per.text}`"),
                msg("an amount is per one period and per one count at most: `3,000円/人/月`, `80円 per visitor per month`",
                    "期間と数はそれぞれ 1 つまでです：`3,000円/人/月`、`80円 per visitor per month`"),
            )
        if q.power is not None:
            power_en, power_ja = _power_text(q.power)
            self.error(
                "KPI016", q.span,
                msg(f"this number is too large or too small to compute with ({power_en})",
                    f"この数値は大きすぎるか小さすぎて計算できません（{power_ja}）"),
                msg(f"numbers are limited to 10^±{ast.MAX_EXPONENT}; check the exponent",
                    f"扱える数値は 10^±{ast.MAX_EXPONENT} までです。指数を確認してください"),
            )
        if q.misordered is not None:
            self.error(
                "KPI017", q.span,
                msg(f"this Japanese number cannot be read: `{q.misordered}` repeats a scale or puts a smaller one before a larger",
                    f"この数値は読めません：`{q.misordered}` で単位が重複しているか、小さい単位が大きい単位より前にあります"),
                msg("write each of 兆 億 万 once, largest first, and 千 百 at most once before each: "
                    "`1億2,000万円`, `1億2千3百万円`, `3万5千円`",
                    "兆・億・万はそれぞれ 1 回ずつ大きい順に、千・百はその前に 1 回までにしてください："
                    "`1億2,000万円`、`1億2千3百万円`、`3万5千円`"),
            )
        if q.second_unit is not None and q.second_unit is not adverb and q.second_unit is not worded:
            self.error(
                "KPI015", q.second_unit.span,
                msg(f"two units on one number: `{q.unit.text}` and `{q.second_unit.text}`",
                    f"1 つの数値に単位が 2 つあります：`{q.unit.text}` と `{q.second_unit.text}`"),
                msg(f"keep one: `{q.unit.text}` is already glued to the number", f"どちらか 1 つにしてください（`{q.unit.text}` はすでに数値に付いています）"),
            )
        return normalise(self.source, q, negative)

    def _per_unit(self, word: ast.Name) -> bool:
        """A word after `per` that is no period: a count (`per visitor`), unless it is a word for
        time (`per mnoth`, `per mo`, `per 月間`, `per hour`), which is reported. True if reported."""
        text = word.text
        if text in PERIOD_LIKE or text.lower() in PERIOD_LIKE:
            guess = PERIOD_LIKE.get(text, PERIOD_LIKE.get(text.lower()))
        else:
            guess = closest(text, ENGLISH_PERIODS, 0.75)
            if guess is None:
                return False
        self._unknown_period(word, guess)
        return True

    def _unknown_period(self, word: ast.Name, guess: str | None) -> None:
        self.error(
            "KPI012", word.span,
            msg(f"unknown period `{word.text}`", f"未知の期間 `{word.text}`"),
            msg(f"did you mean `{guess}`?", f"`{guess}` のことですか？") if guess else
            msg(f"use {PERIODS_EN}", f"{PERIODS_JA}を使ってください"),
        )

    def _date(self, text: ast.Text) -> date | None:
        try:
            return _date(text.value)
        except ValueError:
            self.error(
                "KPI010", text.span,
                msg(f"`{text.value}` is not a calendar date", f"`{text.value}` は存在しない日付です"),
                msg("check the month (01-12) and the day of the month", "月（01〜12）と日を確認してください"),
            )
            return None

    def _ramp(self, attr: ast.Attr, fields: dict, block: ast.Block) -> str | None:
        """`ramp linear` or `ramp step`, with the baseline it starts from and the deadline it reaches the target by."""
        name = attr.value
        if name.text not in RAMPS:
            guess = closest(name.text, RAMPS)
            self.error(
                "KPI019", name.span, msg(f"unknown ramp `{name.text}`", f"未知の立ち上がり方 `{name.text}`"),
                msg(f"did you mean `{guess}`?", f"`{guess}` のことですか？") if guess else
                msg("use `ramp linear` (equal steps each month) or `ramp step` (the baseline until the deadline's month)",
                    "`ramp linear`（毎月同じ幅で増える）か `ramp step`（期限の月までは現状値）を使ってください"),
            )
            return None
        if "formula" in {a.key for a in block.attrs}:
            self.error(
                "KPI019", attr.key_span,
                msg(f"`{block.id.text}` is computed by its formula, so its months come from its inputs",
                    f"`{block.id.text}` は式で計算されるため、月ごとの値は入力から決まります"),
                msg("put the ramp on the inputs of the formula", "`ramp` は式の入力の KPI に書いてください"),
            )
            return None
        missing = [k for k in ("target", "baseline", "deadline") if k not in fields or fields[k] is None]
        if missing:
            what = " and ".join(f"`{k}`" for k in missing)
            what_ja = "・".join(f"`{k}`" for k in missing)
            self.error(
                "KPI019", attr.span,
                msg(f"`{block.id.text}` ramps from its baseline to its target by its deadline, but has no {what}",
                    f"`{block.id.text}` の `ramp` には {what_ja} が必要です（現状値から期限までに目標値へ立ち上げるため）"),
                msg(f"add {what}, or remove the ramp", f"{what_ja} を書くか、`ramp` を削除してください"),
            )
            return None
        target, baseline = fields["target"].value, fields["baseline"]
        if not self._same_measure(target, baseline):
            self.error(
                "KPI019", attr.span,
                msg(f"`{block.id.text}` cannot ramp from its baseline `{baseline.text}` to its target `{target.text}`: "
                    "they are not in the same unit and period",
                    f"`{block.id.text}` は現状値 `{baseline.text}` から目標値 `{target.text}` へ立ち上がれません："
                    "単位か期間が違います"),
                msg(f"write the baseline in the target's form{_like(baseline, target)}",
                    f"現状値を目標値と同じ形で書いてください{_like(baseline, target, 'ja')}"),
            )
            return None
        return name.text

    def _same_measure(self, target: Value, other: Value, amount: bool = False) -> bool:
        """Whether a value measures what the target does (for a rate, `amount` allows an amount over the
        milestone's months: `5戸` for `13戸 per month`)."""
        if other.unit == target.unit and other.percent == target.percent and (
                other.per == target.per or (amount and target.per is not None and other.per is None)):
            return True  # the same unit as written: no need to work out both dimensions
        if comparable(target, other) is not None:
            return True
        if amount and target.per is not None and other.per is None:
            return comparable(replace(target, per=None, base_cache=None), other) is not None
        return False

    def _milestones(self, attr: ast.Attr, fields: dict, block: ast.Block, ramp: bool) -> tuple:
        """Each milestone's months and value, in order; reported: a month outside the plan, a quarter
        without a plan period, a value in another unit, months given twice or out of order."""
        target = fields.get("target")
        problem = None
        if ramp:
            problem = (msg(f"a {KIND_NAMES[block.kind][0]} follows either milestones or a ramp, not both",
                           "マイルストーンと `ramp` はどちらか一方にしてください"),
                       msg("remove the `ramp` line, or the milestones", "`ramp` の行かマイルストーンを削除してください"))
        elif target is None:
            problem = (msg(f"`{block.id.text}` has milestones but no target", f"`{block.id.text}` にマイルストーンがありますが目標がありません"),
                       msg("add the `target` the milestones lead to", "マイルストーンが目指す `target` を書いてください"))
        elif "formula" in {a.key for a in block.attrs}:
            problem = (msg(f"`{block.id.text}` is computed by its formula, so its months come from its inputs",
                           f"`{block.id.text}` は式で計算されるため、月ごとの値は入力から決まります"),
                       msg("put the milestones on the inputs of the formula", "マイルストーンは式の入力の KPI に書いてください"))
        if problem is not None:
            self.error("KPI018", attr.key_span, *problem)
            return ()
        out = []
        for m in attr.value:
            months = self._milestone_months(m.when)
            if months is None:
                continue
            value = self.value(m.quantity, m.negative)
            if not self._same_measure(target.value, value, amount=True):
                self.error(
                    "KPI018", m.quantity.span,
                    msg(f"the milestone `{value.text}` does not measure what the target `{target.value.text}` does",
                        f"マイルストーン `{value.text}` は目標 `{target.value.text}` と単位が異なります"),
                    msg(f"write it in the target's unit, like `{m.when.value}: {target.value.text}`",
                        f"目標と同じ単位で書いてください（例：`{m.when.value}: {target.value.text}`）"),
                )
                continue
            if out and months[0] <= out[-1].last:
                self.error(
                    "KPI018", m.when.span,
                    msg(f"`{m.when.value}` comes at or before the milestone above it (`{out[-1].text}`)",
                        f"`{m.when.value}` が前のマイルストーン（`{out[-1].text}`）と重なるか、それより前です"),
                    msg("list milestones once each, in time order", "マイルストーンは時間の順に 1 回ずつ書いてください"),
                )
                continue
            out.append(Milestone(months[0], months[1], value, m.when.value))
        return tuple(out)

    def _milestone_months(self, when: ast.Text) -> tuple[int, int] | None:
        """The first and last month a milestone names: `2026-07`, or `Q1`…`Q4` of the plan's fiscal year."""
        info = self.info
        start, end = (info.period_start, info.period_end) if info else (None, None)
        text = when.value
        if text[:1].isdigit():
            i = calendar.parse_month(text)
            if i is None:
                self.error("KPI018", when.span, msg(f"`{text}` is not a month", f"`{text}` は存在しない月です"),
                           msg("write a month as `YYYY-MM`, with the month 01 to 12", "月は `YYYY-MM`（月は 01〜12）で書いてください"))
                return None
            months = (i, i)
        elif text in ("Q1", "Q2", "Q3", "Q4") and start is not None:
            months = calendar.fiscal_quarter(int(text[1]), start)
        else:
            quarter = text.upper() in ("Q1", "Q2", "Q3", "Q4") or text[:1] in "Qq"
            self.error(
                "KPI018", when.span,
                msg(f"`{text}` names no month or quarter", f"`{text}` は月でも四半期でもありません") if not quarter or start else
                msg(f"`{text}` is a quarter, but the plan has no period to count quarters from",
                    f"`{text}` は四半期ですが、四半期を数える計画期間がありません"),
                msg("write a month as `2026-07`, or a quarter as `Q1` to `Q4` (Q1 begins with the plan's period)",
                    "月は `2026-07`、四半期は `Q1`〜`Q4`（Q1 は計画期間の最初の月から）で書いてください"),
            )
            return None
        if start is not None and end is not None and not self._period_months[0] <= months[0] <= months[1] <= self._period_months[1]:
            self.error(
                "KPI018", when.span,
                msg(f"`{text}` is outside the plan's period ({start} to {end})", f"`{text}` は計画期間（{start}〜{end}）の外です"),
                msg("give milestones for months inside the plan's period", "計画期間内の月にマイルストーンを書いてください"),
            )
            return None
        return months

    def _cadence(self, name: ast.Name) -> str | None:
        if name.text in CADENCES:
            return CADENCES[name.text]
        guess = closest(name.text, CADENCES)
        self.error(
            "KPI011", name.span,
            msg(f"unknown cadence `{name.text}`", f"未知の計測頻度 `{name.text}`"),
            msg(f"did you mean `{guess}`?", f"`{guess}` のことですか？") if guess else
            msg("use daily, weekly, biweekly, monthly, quarterly, semiannual or yearly (or 日次, 週次, 隔週, 月次, 四半期, 半期, 年次)",
                "`日次`・`週次`・`隔週`・`月次`・`四半期`・`半期`・`年次`（英語では `daily`・`weekly`・`biweekly`・`monthly`・`quarterly`・`semiannual`・`yearly`）を使ってください"),
        )
        return None

    # ---------------------------------------------------------- references

    def _suggester(self, kinds: frozenset) -> Suggester:
        """The plan's ids of these kinds, indexed once for every undefined name that may mean one."""
        suggester = self._suggesters.get(kinds)
        if suggester is None:
            suggester = Suggester(k for k, v in self.kinds.items() if v in kinds)
            self._suggesters[kinds] = suggester
        return suggester

    def _undefined(self, name: ast.Name, kinds: frozenset, what: tuple[str, str]):
        guess = self._suggester(kinds).closest(name.text)
        amount = amount_before(self.source.text, name.start - 1) if self.source.text[name.start - 1: name.start] == "/" else None
        if guess:
            help_ = msg(f"did you mean `{guess}`?", f"`{guess}` のことですか？")
        elif amount is not None:  # `150円/ドル`: an amount per something, not a division by an id
            help_ = msg(f"for an amount per {name.text}, write `{amount} per {name.text}`; to divide by a KPI, "
                        f"define `{name.text}`",
                        f"{name.text}あたりの値なら `{amount} per {name.text}` と書きます。KPI で割るなら `{name.text}` を定義してください")
        else:
            help_ = msg(f"define it, e.g. `{what[0]} {name.text} {{ … }}`, or check the spelling",
                        f"定義するか（例：`{what[0]} {name.text} {{ … }}`）、綴りを確認してください")
        self.error(
            "KPI102", name.span,
            msg(f"`{name.text}` is not defined in this plan", f"`{name.text}` はこの計画で定義されていません"),
            help_, primary=msg("undefined", "未定義"),
        )

    def _check_link(self, kind: str, name: ast.Name) -> bool:
        actual = self.kinds.get(name.text)
        if actual is None:
            self._undefined(name, frozenset({kind}), (kind, ""))
            return False
        if actual != kind:
            have = KIND_NAMES[actual]
            want = KIND_NAMES[kind]
            self.error(
                "KPI103", name.span,
                msg(f"`{name.text}` is a {have[0]}, but `{kind}` must name a {want[0]}",
                    f"`{name.text}` は {have[1]} ですが、`{kind}` には {want[1]} を指定します"),
                msg(f"name one of the plan's {want[0]}s", f"計画内の {want[1]} を指定してください"),
                labels=[Label(self.decl_spans[name.text], msg("defined here", "ここで定義"))],
            )
            return False
        return True

    def _check_refs(self, expr: ast.Expr, allowed: frozenset, context: str, owner: str | None = None) -> ast.Expr:
        """Report what an expression names wrongly; the expression, with `1,000万円/人` read as a
        division where `人` is one of the plan's ids (see `_divided`)."""
        over = False
        for node in walk(expr):
            if isinstance(node, ast.Ref):
                self._check_ref(node.name, allowed, context)
            elif isinstance(node, ast.Quantity) and node.slashed and node.per_unit.text in self.kinds \
                    and node.per_unit.end == node.end:
                over = True
                self._check_ref(node.per_unit, allowed, context)
                self.value(_divided(node, self.kinds).left)
            elif isinstance(node, ast.Call):
                if node.function.text not in FUNCTIONS:
                    guess = closest(node.function.text, FUNCTIONS)
                    self.error(
                        "KPI107", node.function.span,
                        msg(f"unknown function `{node.function.text}`", f"未知の関数 `{node.function.text}`"),
                        msg(f"did you mean `{guess}`?", f"`{guess}` のことですか？") if guess else
                        msg("the functions are sum, min and max", "使える関数は `sum`・`min`・`max` です"),
                    )
            elif isinstance(node, ast.Quantity):
                self.value(node)
        return _divided(expr, self.kinds) if over else expr

    def _check_ref(self, name: ast.Name, allowed: frozenset, context: str) -> None:
        kind = self.kinds.get(name.text)
        if kind is None:
            self._undefined(name, allowed, ("kpi", ""))
        elif kind not in allowed:
            have = KIND_NAMES[kind]
            if kind == "ksf":
                hint = msg("a KSF has no number to compute with: use the KPIs that track it",
                           "KSF は計算に使える数値を持ちません。それを測る KPI を使ってください")
            else:
                hint = msg("a param may only use numbers and other params", "`param` に書けるのは数値と他の `param` だけです")
            self.error(
                "KPI103", name.span,
                msg(f"`{name.text}` is a {have[0]} and cannot be used in a {context} expression",
                    f"`{name.text}` は {have[1]} なので {context} の式では使えません"),
                hint, labels=[Label(self.decl_spans[name.text], msg("defined here", "ここで定義"))],
            )


def _divided(expr, ids):
    """`expr` with every quantity whose glued counter names one of the plan's ids (`1,000万円/人`
    with a KPI `人`) made a division by that id, as it was before counters could be glued. Only
    called when there is one; expressions are at most MAX_DEPTH deep, so recursion is bounded."""
    if isinstance(expr, ast.Quantity):
        word = expr.per_unit
        if expr.slashed and word.text in ids and word.end == expr.end:
            amount = replace(expr, per_unit=None, slashed=False, end=word.start - 1)
            return ast.Binary("/", amount, ast.Ref(word), expr.start, expr.end, word.start - 1, word.start)
        return expr
    if isinstance(expr, ast.Binary):
        return replace(expr, left=_divided(expr.left, ids), right=_divided(expr.right, ids))
    if isinstance(expr, ast.Negate):
        return replace(expr, operand=_divided(expr.operand, ids))
    if isinstance(expr, ast.Group):
        return replace(expr, inner=_divided(expr.inner, ids))
    if isinstance(expr, ast.Call):
        return replace(expr, args=tuple(_divided(a, ids) for a in expr.args))
    return expr


@lru_cache(maxsize=1024)
def _date(text: str) -> date:
    return date.fromisoformat(text)


def normalise(source: SourceFile, q: ast.Quantity, negative: bool = False) -> Value:
    """The value of a written quantity: scale applied, unit and period made canonical."""
    per = PERIODS.get(q.per.text) if q.per is not None else None
    unit = unit_of(q.unit.text if q.unit else None)
    if q.per_unit is not None:
        unit = per_unit(unit, q.per_unit.text)
    value = -q.value if negative else q.value
    span = q.span
    start = span.start
    if negative:
        start = source.text.rfind("-", 0, start)
    return Value(value, unit, per, q.percent, spacing.amount(source.text[start : span.end]), span)


def _like(value: Value, target: Value, lang: str = "en") -> str:
    """`, like `baseline 2,000件 per 月``: a value written without the period its target has, given it."""
    if value.per is not None or target.per is None:
        return ""
    text = target.text
    suffix = text[text.index(" "):] if " " in text else text[text.index("/"):] if "/" in text else ""
    if not suffix:
        return ""
    example = f"baseline {value.text}{suffix}"
    return f"（例：`{example}`）" if lang == "ja" else f", like `{example}`"


# Comparisons a Japanese plan writes as a word after the amount (`30日以内`): the comparator each means.
COMPARISON_WORDS = {"以内": "<=", "以下": "<=", "未満": "<=", "以上": ">=", "超": ">="}
STRICT_WORDS = ("未満", "超")

# Words a Japanese report writes after an amount for "per period" (`12億円 年間`): each with its period.
PERIOD_ADVERBS = {"年間": "年", "月間": "月", "週間": "週", "四半期間": "四半期", "毎年": "年", "毎月": "月",
                  "毎週": "週", "毎日": "日", "日次": "日", "週次": "週", "月次": "月", "年次": "年"}
PERIOD_EN_OF = {"年": "year", "月": "month", "週": "week", "四半期": "quarter", "日": "day"}

_BUSINESS_DAYS = ("営業日", "稼働日", "workday", "businessday", "bizday", "working_day", "business_day")


def _business_days(word: str) -> bool:
    """Whether a unit or period word counts business days (`営業日`, `workdays`, `business_days`)."""
    folded = word.lower().replace("-", "_")
    return any(term in folded for term in _BUSINESS_DAYS)


def _power_text(power) -> tuple[str, str]:
    """10^power as a message shows it: in full up to 30 digits, by its number of digits beyond."""
    if isinstance(power, int):
        return f"10^{power}", f"10^{power}"
    digits = power.adjusted() + 1  # an integral Decimal of more than 30 digits
    sign = "-" if power < 0 else ""
    return f"10^{sign}(a {digits:,}-digit number)", f"10^{sign}（{digits:,} 桁の数）"


def _text(attr) -> str | None:
    return attr.value.value if attr is not None else None


def resolve(source: SourceFile, module: ast.Module) -> tuple[Plan, list[Diagnostic]]:
    resolver = Resolver(source, list(module.items))
    plan = resolver.resolve()
    return plan, resolver.diagnostics


def resolve_releasing(source: SourceFile, items: list) -> tuple[Plan, list[Diagnostic]]:
    """As `resolve`, from a list of the module's declarations that only the caller held: each
    block is dropped from it once its node is made, so that a large plan's syntax tree and its
    resolved nodes are never all in memory at once."""
    resolver = Resolver(source, items, release=True)
    plan = resolver.resolve()
    return plan, resolver.diagnostics


def walk(expr: ast.Expr):
    """Every node of an expression, iteratively, parents before children."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.Binary):
            stack.append(node.right)
            stack.append(node.left)
        elif isinstance(node, ast.Negate):
            stack.append(node.operand)
        elif isinstance(node, ast.Group):
            stack.append(node.inner)
        elif isinstance(node, ast.Call):
            stack.extend(reversed(node.args))


def refs(expr: ast.Expr) -> list[ast.Name]:
    return [n.name for n in walk(expr) if isinstance(n, ast.Ref)]


from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, DecimalException
from fractions import Fraction

from .. import display
from ..diagnostics import Msg, Severity
from ..evaluate import comparable, from_base
from ..ir import Node
from ..records import replace
from .base import Check, node_name
from ..analysis.kinds import first_term

# ---------------------------------------------------------------- the vocabulary, in one place
#
# Which metrics are better when lower, as Japanese and English marketing teams name them, read
# from a node's id, label, count unit and measure. ASCII terms match as whole words, others as
# substrings (kinds.has_term), case-insensitively. Three lists, consulted in this order:

# 1. Names that contain a cost or a loss but are better when HIGHER: savings, improvements,
#    prevention, returns on spend. They win over everything below.
HIGHER_DESPITE = (
    "ROAS", "ROI", "return on", "returns on", "費用対効果", "LTV/CAC", "LTV:CAC", "LTV÷CAC", "LTV to CAC",
    "saving", "savings", "reduction", "reduced", "decrease", "improvement", "prevention", "prevented",
    "avoided", "efficiency", "effectiveness", "cost performance", "コスパ",
    "削減", "改善", "低下", "減少", "防止", "阻止", "抑止", "抑制", "引き止め", "引止め",
)

# 2. Better when LOWER: costs, cost per acquisition (単価 only in these compounds: 客単価, the
#    average order value, is better when higher), churn and other losses, delays.
LOWER_IS_BETTER = (
    # cost per …
    "CPA", "CAC", "CPC", "CPM", "CPL", "CPO", "CPI", "CPV", "cost per", "per acquisition", "acquisition cost",
    "獲得単価", "獲得コスト", "獲得費用", "CV単価", "コンバージョン単価", "クリック単価", "リード単価",
    "問い合わせ単価", "問合せ単価", "お問い合わせ単価", "資料請求単価", "応募単価", "予約単価", "商談単価",
    "インストール単価", "インプレッション単価", "表示単価", "再生単価", "視聴単価", "来店単価",
    # costs
    "cost", "costs", "expense", "expenses", "spend", "COGS", "cost of goods", "cost of sales",
    "コスト", "費用", "経費", "広告費", "販促費", "販管費", "人件費", "外注費", "原価",
    # churn and other losses
    "churn", "churned", "attrition", "cancellation", "cancellations", "cancel rate", "unsubscribe",
    "unsubscribes", "bounce", "bounces", "abandonment", "return rate", "returns rate", "refund", "refunds",
    "defect", "defects", "error rate", "complaint", "complaints", "stockout", "stockouts",
    "解約", "退会", "離脱", "直帰", "カゴ落ち", "かご落ち", "キャンセル", "配信停止", "購読解除", "返品", "返金",
    "不良", "エラー率", "クレーム", "苦情", "欠品", "離職",
    # delays
    "lead time", "wait time", "waiting time", "response time", "load time", "payback",
    "リードタイム", "待ち時間", "待機時間", "応答時間", "読み込み時間", "回収期間",
)

# 3. Better when HIGHER. Consulted only when nothing above matched: such a metric is never
#    reported, since a floor under its baseline is a level to hold or a planned decline, not a
#    slip. A metric that matches no list at all gets the cautious report (see the docstring).
HIGHER_IS_BETTER = (
    "revenue", "sales", "profit", "margin", "gross margin", "visitors", "visits", "sessions", "users", "traffic",
    "customers", "members", "orders", "purchases", "conversions", "conversion", "CV", "CVR", "CTR", "leads",
    "MQL", "SQL", "deals", "pipeline", "LTV", "ARPU", "ARPPU", "ARPA", "AOV", "ARR", "MRR", "retention",
    "repeat", "NPS", "satisfaction", "engagement", "followers", "likes", "PV", "page views", "impressions",
    "reach", "awareness", "share", "growth", "bookings", "installs", "downloads", "signups", "sign-ups",
    "registrations", "inquiries", "applications", "open rate", "clicks", "views", "completion", "uptime",
    "time on site", "dwell time", "win rate",
    "売上", "収益", "利益", "粗利", "訪問", "流入", "セッション", "ユーザー", "顧客数", "会員", "注文", "受注",
    "購入", "コンバージョン", "成約", "契約", "商談", "リード", "案件", "客単価", "顧客単価", "平均単価",
    "販売単価", "購入単価", "注文単価", "受注単価", "契約単価", "継続", "定着", "リピート", "再購入", "満足",
    "エンゲージメント", "フォロワー", "いいね", "インプレッション", "リーチ", "認知", "シェア", "達成", "成長",
    "予約", "来店", "インストール", "ダウンロード", "登録", "問い合わせ", "問合せ", "応募", "開封", "クリック",
    "再生", "視聴", "完了", "稼働", "滞在",
)

VERIFY_ONE_BY_ONE = 16  # when the fixes together add an error, at most this many are re-checked alone


def direction_of(node: Node) -> tuple[str, str, str] | None:
    """("down" or "up", the term as listed, where it was found), or None when no list names the metric.

    Found in: "id", "label", "unit" (a count unit such as `complaints`) or "measure". In a measure
    that divides (`ad cost / conversions`), only the numerator speaks: `revenue / ad cost` is a
    return on the cost, not a cost.
    """
    texts = [("id", node.id), ("label", node.label)]
    if node.target is not None and node.target.value.unit.kind == "count":
        texts.append(("unit", node.target.value.unit.code))
    if node.measure:
        texts.append(("measure", _numerator(node.measure)))
    texts = [(where, text) for where, text in texts if text]
    for terms, direction in ((HIGHER_DESPITE, "up"), (LOWER_IS_BETTER, "down"), (HIGHER_IS_BETTER, "up")):
        for where, text in texts:
            term = first_term(text, terms)
            if term is not None:
                return direction, term, where
    return None


def _numerator(measure: str) -> str:
    for sign in ("/", "÷", " divided by ", " per ", "で割"):
        if sign in measure:
            return measure.split(sign, 1)[0]
    return measure


class DirectionSlip(Check):
    """A cost or a churn written as a floor, already met at its baseline.

    ## What it checks
    Every KGI and KPI whose target is a floor (`target X` or `target >= X`) and whose
    baseline is above that floor, in the same unit (periods are converted: 72,000円 per
    year is 6,000円 per month). The plan expects the number to go down to the target,
    and a floor is already met on the way down, so as written the target asks for nothing.

    What the metric is comes from its id, label, count unit and `measure` (the numerator,
    when the measure divides), matched against one list of terms:

    - better when lower (reported, with `target <= X` as the fix): costs and cost per
      acquisition (CPA, CAC, CPC, CPM, CPL, cost per lead, cost, コスト, 費用, 原価率,
      獲得単価, 顧客獲得単価, クリック単価, …), churn and losses (churn, 解約率, 退会,
      離脱率, 直帰率, bounce rate, カゴ落ち, 返品率, キャンセル率, 不良率, クレーム), and
      delays (lead time, 待ち時間, 回収期間). `単価` alone is not a cost: 客単価 (average
      order value) is better when higher;
    - better when higher despite such a word (not reported): ROAS, ROI, 費用対効果,
      LTV/CAC, and savings and improvements (コスト削減額, CPA改善率, 解約防止率);
    - better when higher (not reported): revenue, visitors, CVR, 客単価, ARPU, retention,
      継続率, …: a floor under today's value is a level to hold or a planned decline;
    - none of these (reported, with the fix as a question): the floor is already met
      today. If the metric is better when lower, the fix is the same; if the floor is a
      level to hold on purpose, silence the line.

    The fix line is verified before it is shown: the plan is checked again with it, and if
    the change would make an error appear (a formula or assert that relies on the floor),
    the help says which.

    ## Why it matters
    It is the commonest direction slip, and it is silent: `target 5,000円` on a CPA reads
    as "at least 5,000円", which is met at today's 6,000円, and at 8,000円. The team is
    never told it missed, and the tree arithmetic treats the CPA as something that should
    grow.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cpa "顧客獲得単価" {
      target 5,000円
      baseline 6,000円
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cpa "顧客獲得単価" {
      target <= 5,000円
      baseline 6,000円
    }
    ```

    ## Fix
    Write the target as a ceiling, keeping the number: `target <= 5,000円`. If the metric
    really is better when higher and the floor is a level to hold below today's value, add
    `# kpispec: ignore[KPI309]` to the target's line.
    """

    code = "KPI309"
    name = "direction-slip"
    severity = Severity.WARNING
    summary = Msg("A cost or churn target written as a floor, already met at its baseline",
                  "コストや解約率の目標が下限で書かれ、現状値ですでに達成されている")

    def run(self):
        found = []
        for node in self.ctx.nodes("kgi", "kpi"):
            compared = _floor_under_baseline(node)
            if compared is None:
                continue
            direction = direction_of(node)
            if direction is not None and direction[0] == "up":
                continue
            found.append((node, direction, compared))
        if not found:
            return
        added = self._errors_added_by_fixes([node for node, _, _ in found])
        for node, direction, (dim, baseline) in found:
            yield self._report(node, direction, dim, baseline, *added.get(node.id, ((), True)))

    # ------------------------------------------------------------ verifying the fix

    def _errors_added_by_fixes(self, nodes: list[Node]) -> dict[str, tuple[tuple, bool]]:
        """For each node whose fix is not clean: the errors (code, line) it would add, and whether
        that was found for its fix alone (True) or for all the fixes together (False).

        The plan is checked again with every fix applied; only if that adds an error is each fix
        checked alone (the first VERIFY_ONE_BY_ONE of them; the rest get the joint result).
        Errors are compared by code and line: a fix rewrites one line in place, so lines stay put.
        """
        before = self._errors(self.ctx.source.text)
        together = self._added(before, nodes)
        if not together:
            return {}
        if len(nodes) == 1:
            return {nodes[0].id: (together, True)}
        out = {}
        for i, node in enumerate(nodes):
            if i >= VERIFY_ONE_BY_ONE:
                out[node.id] = (together, False)
            elif alone := self._added(before, [node]):
                out[node.id] = (alone, True)
        return out

    def _added(self, before: Counter, nodes: list[Node]) -> tuple[tuple[str, int], ...]:
        after = self._errors(fixed_text(self.ctx.source.text, nodes))
        return tuple(sorted(set(after - before), key=lambda e: (e[1], e[0])))

    def _errors(self, text: str) -> Counter:
        from ..api import analyze_text  # the pipeline imports the checks: import it when needed

        config = replace(self.ctx.config, disabled=self.ctx.config.disabled | {self.code})
        result = analyze_text(self.ctx.source.path, text, config)
        source = result.source
        return Counter((d.code, source.position(d.span.start)[0])
                       for d in result.diagnostics if d.severity is Severity.ERROR)

    # ------------------------------------------------------------ the report

    def _report(self, node: Node, direction, dim, baseline_in_target: Fraction, added, alone: bool):
        t, b = node.target.value, node.baseline
        name = node_name(node)
        name_ja = f"`{node.id}`「{node.label}」" if node.label else f"`{node.id}` "
        fix = fix_line(node)
        target_span = node.attr_spans.get("target", node.target.span)
        labels = [self.label(node.attr_spans.get("baseline", b.span), f"the baseline {b.text} is above it",
                             f"現状値 {display.written(b.text, 'ja')} はすでにそれを上回っています")]
        notes = []
        if direction is not None:
            _, term, where = direction
            where_en = {"id": "its id", "label": "its label", "unit": "its unit", "measure": "its measure"}[where]
            where_ja = {"id": "ID ", "label": "ラベル", "unit": "単位", "measure": "`measure` "}[where]
            span = {"id": node.id_span, "label": node.label_span,
                    "unit": target_span, "measure": node.attr_spans.get("measure")}[where]
            if span is not None and span != target_span:
                labels.append(self.label(span, f"“{term}”: better when lower", f"「{term}」：低いほど良い指標"))
            message = Msg(
                f"{name} is better when lower, but its target is a floor: {t.text} or more is already met "
                f"at the baseline {b.text}",
                f"{name_ja}は低いほど良い指標ですが、目標が下限になっています。「{display.written(t.text, 'ja')} 以上」は現状値 {display.written(b.text, 'ja')} で"
                "すでに達成されています")
            floor_en, floor_ja = (("`>=` makes the target a floor", "`>=` の `target` は下限")
                                  if node.target.explicit else
                                  ("a target without `<=` is a floor (`>=`)", "`<=` のない `target` は下限（`>=`）"))
            notes.append(Msg(
                f"{where_en} names “{term}”: a cost, a churn or a loss is better when lower; "
                f"{floor_en}, met at that value or above",
                f"{where_ja}の「{term}」から、低いほど良い指標（コスト・解約・損失など）と判断しました。"
                f"{floor_ja}で、その値以上なら達成です"))
            help = Msg(f"a cost or a churn has a ceiling: write `{fix}`",
                       f"コストや解約率などは上限で書きます：`{fix}`")
        else:
            message = Msg(
                f"the target of {name} is a floor already met at its baseline: {t.text} or more, "
                f"and the baseline is {b.text}",
                f"{name_ja}の目標は下限で、現状値ですでに達成されています（目標「{display.written(t.text, 'ja')} 以上」、現状値 {display.written(b.text, 'ja')}）")
            help = Msg(
                f"if `{node.id}` is better when lower, write `{fix}`; if {t.text} is a level it must not fall "
                f"below, add `# kpispec: ignore[{self.code}]` to this line",
                f"`{node.id}` が低いほど良い指標なら `{fix}` と書きます。下回ってはならない水準を保つ目標なら、"
                f"この行に `# kpispec: ignore[{self.code}]` を付けます")
        if added:
            codes = ", ".join(f"{code} (line {line})" for code, line in added)
            codes_ja = "、".join(f"{code}（{line} 行目）" for code, line in added)
            change_en = "this change alone" if alone else f"every {self.code} fix in this plan applied"
            change_ja = "この変更だけ" if alone else f"この計画の {self.code} の修正をすべて適用するだけ"
            help = Msg(
                help.en + f"; then revise what relies on `{node.id}` being a floor: with {change_en}, "
                f"kpispec reports {codes}",
                help.ja + f"。あわせて `{node.id}` を下限として使っている式や `assert` も見直してください"
                f"（{change_ja}では {codes_ja} が報告されます）")
        converted = _converted_note(node, dim, baseline_in_target)
        if converted is not None:
            notes.append(converted)
        return self.diag(
            target_span, message, help, labels, tuple(notes),
            primary=Msg(f"a floor: {t.text} or more", f"下限：{display.written(t.text, 'ja')} 以上"),
        )


def fix_line(node: Node) -> str:
    """The target's line as a ceiling, with the number as the user wrote it: `target <= 5,000円`."""
    return f"target <= {node.target.value.text}"


def fixed_text(text: str, nodes) -> str:
    """The source with each node's `target …` replaced by its fix line (no line breaks are added)."""
    spans = sorted(((n.attr_spans.get("target", n.target.span), fix_line(n)) for n in nodes),
                   key=lambda item: item[0].start, reverse=True)
    for span, line in spans:
        text = text[:span.start] + line + text[span.end:]
    return text


def _floor_under_baseline(node: Node):
    """(dimension, the baseline in the target's units) for a floor target of 0 or more under
    its baseline, in the same unit; None otherwise."""
    if node.target is None or node.baseline is None or node.target.comparator != ">=":
        return None
    found = comparable(node.target.value, node.baseline)
    if found is None:
        return None
    tx, bx, tdim = found
    if tx < 0 or bx <= tx:
        return None
    return tdim, bx


def _converted_note(node: Node, dim, baseline: Fraction) -> Msg | None:
    """When the baseline is written in other units than the target, what it is in the target's."""
    t, b = node.target.value, node.baseline
    if t.per == b.per and t.unit == b.unit:
        return None
    shown = from_base(baseline, dim, t.per, t.unit.code if t.unit.kind == "time" else None)
    try:
        en = display.amount(shown, t.unit, t.per, t.percent, "en", ROUND_HALF_UP)
        ja = display.amount(shown, t.unit, t.per, t.percent, "ja", ROUND_HALF_UP)
    except (DecimalException, OverflowError, ValueError):
        return None
    return Msg(f"compared in the target's units: the baseline {b.text} is {en}",
               f"目標の単位に揃えて比較：現状値 {display.written(b.text, 'ja')} は {ja} です")

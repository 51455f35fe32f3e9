from __future__ import annotations

from fractions import Fraction

from .. import display
from ..diagnostics import Msg, Severity
from ..ir import Node, Value
from .base import Check
from ..analysis.kinds import may_exceed_100, part_of_whole, share_term


class ShareOver100(Check):
    """A share of a whole (a conversion, churn or click-through rate) above 100%.

    ## What it checks
    The `target` and `baseline` of every KGI and KPI that is a share of a whole, when
    written as a percentage above 100%. A node is a share of a whole when its id or label
    says rate (rate, CVR, CTR, churn, share, margin, 率, シェア, 割合: `churn_rate`,
    `解約率`, `成約率`, `転換率`), or when its `measure` divides a part by its whole (the
    numerator narrows the denominator: `"purchasing sessions / sessions"`,
    `"購入セッション数 / セッション数"`). Percentages that legitimately exceed 100% are
    left alone whatever their measure says, when the id or label names one: ROAS, ROI,
    growth, year-on-year, achievement, net revenue retention, pipeline coverage, turnover
    (成長率, 前年比, 達成率, 回収率, 回転率, カバー率, 進捗率, …).

    ## Why it matters
    A part cannot be larger than its whole: a 250% CVR means more purchases than sessions.
    The number is wrong, usually a slipped decimal point (2.5% written as 250%) or a
    ratio of two unrelated counts, and every figure computed from it is wrong too.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cvr "コンバージョン率" {
      target 250%
      measure "purchases / sessions"
    }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cvr "コンバージョン率" {
      target 2.5%
      measure "purchases / sessions"
    }
    ```

    ## Fix
    Correct the number (2.5%, not 250%). If the metric really can exceed 100% (a growth
    rate, a return), say so in its label ("前年比", "ROAS", "成長率").
    """

    code = "KPI207"
    name = "share-over-100"
    severity = Severity.ERROR
    summary = Msg("A share of a whole is above 100%", "全体に占める割合が 100% を超えている")

    def run(self):
        for node in self.ctx.nodes("kgi", "kpi"):
            values = []
            if node.target is not None:
                values.append(("target", node.target.value))
            if node.baseline is not None:
                values.append(("baseline", node.baseline))
            over = [(key, v) for key, v in values if v.percent and v.value > 1]
            if not over:
                continue
            evidence = None if may_exceed_100(node) else self._evidence(node)
            if evidence is None:
                continue
            for key, value in over:
                yield self._report(node, key, value, evidence)

    def _evidence(self, node: Node):
        """Why this node is a share of a whole: (span, en, ja) for the secondary label."""
        divided = part_of_whole(node.measure)
        if divided is not None:
            part, whole = divided
            span = node.attr_spans.get("measure", node.id_span)
            return span, f"“{part}” is a part of “{whole}”", f"「{part}」は「{whole}」の一部です"
        found = share_term(node)
        if found is not None:
            _, span = found
            text = node.label if span == node.label_span else node.id
            return span, f"“{text}” names a rate", f"「{text}」は率を表します"
        return None

    def _report(self, node: Node, key: str, value: Value, evidence):
        span, why_en, why_ja = evidence
        what_ja = "目標値" if key == "target" else "現状値"
        if value.value <= 100:  # 250% may be 2.5% with the decimal point slipped
            check_en = f"check the number (a slipped decimal point? {_slipped(value)})"
            check_ja = f"数値を確認してください（小数点の位置がずれていて、正しくは {_slipped(value)} ではありませんか？）。"
        else:
            check_en, check_ja = "check the number", "数値を確認してください。"
        return self.diag(
            node.attr_spans.get(key, value.span),
            Msg(f"`{node.id}` is a share of a whole and cannot exceed 100%, but its {key} is {value.text}",
                f"`{node.id}` は全体に占める割合なので 100% を超えられませんが、{what_ja}が {display.written(value.text, 'ja')} になっています"),
            Msg(f"{check_en}; if this metric really can exceed 100% (growth, a return such as ROAS), say so in its label",
                f"{check_ja}100% を超え得る指標（成長率や ROAS など）なら、ラベルでそれとわかるようにしてください"),
            labels=[self.label(span, why_en, why_ja)],
            primary=Msg("over 100%", "100% 超"),
        )


def _slipped(value: Value) -> str:
    return display.number(Fraction(value.value) / 100, percent=True) + "%"

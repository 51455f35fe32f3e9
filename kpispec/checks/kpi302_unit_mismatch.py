from __future__ import annotations

import re

from .. import display

from ..diagnostics import Msg, Severity
from ..dimension import PER_TIME, TIME, YEARS
from ..display import PERIOD_JA
from ..evaluate import EvalError, Val
from ..resolve import walk
from ..analysis.labels import split
from ..syntax import ast
from .base import Check


def dims(d) -> str:
    return d.describe()


def ja_unit(text: str) -> str:
    """A unit as `unit_text` names it, in Japanese: `組 per month` is `組/月`, `no unit` is `単位なし`."""
    if text == "no unit":
        return "単位なし"
    text = re.sub(r"\bJPY\b", "円", text)
    text = re.sub(r"^per (day|week|month|quarter|year)\b", lambda m: PERIOD_JA[m.group(1)] + "あたり", text)
    return display.written(text, "ja")


def written(value) -> str:
    """A written value's unit as the user wrote it: `JPY per month`, `件 per month`, `%`."""
    unit = value.unit.code or ("%" if value.percent else "")
    if value.unit.per:  # JPY/人, JPY per USD
        per = value.unit.per
        unit = f"{unit}/{per}" if not per.isascii() else f"{unit} per {per}".strip()
    text = unit if unit else "no unit"
    if value.per:
        text = f"{unit} per {value.per}".strip()
    return text


def unit_text(ctx, expr, dim) -> str:
    """How to name an operand's unit: as written where the operand is one value, else its dimension."""
    from ..resolve import normalise, walk
    from ..syntax import ast

    if isinstance(expr, ast.Group):
        return unit_text(ctx, expr.inner, dim)
    if isinstance(expr, ast.Ref):
        node = ctx.plan.nodes.get(expr.name.text)
        if node is not None and node.target is not None:
            return written(node.target.value)
        param = ctx.plan.params.get(expr.name.text)
        if param is not None and isinstance(param.expr, ast.Quantity):
            return written(normalise(ctx.source, param.expr))
    if isinstance(expr, ast.Quantity):
        return written(normalise(ctx.source, expr))
    periods = [n.target.value.per for r in walk(expr) if isinstance(r, ast.Ref)
               for n in [ctx.plan.nodes.get(r.name.text)] if n is not None and n.target is not None and n.target.value.per]
    return dim.describe(periods[0] if periods else None)


class UnitMismatch(Check):
    """Units that cannot be combined or compared.

    ## What it checks
    That every `+`, `-`, `sum`, `min` and `max` combines amounts of one dimension, that
    a formula's result has the unit of the node's target, and that both sides of an
    `assert` have the same unit. Currencies are each their own dimension (JPY is not
    USD), rates (`per month`) divide by time, and count words (visitors, 人, 件) and
    percentages are plain numbers, so visitors × CVR × 円 gives 円. Where amounts are
    added, subtracted, folded by `sum`/`min`/`max` or compared, their count words must
    agree too: `sessions + orders` (two different counts) and `orders + cvr` (a count and
    a percentage) are mismatches. A product has no count word (visitors × CVR is orders),
    except a count times a plain number (`visitors * 2`). A per-unit amount (`3,000円/人`,
    `1.5回/人`) cancels the count it is per: members (人) × ARPU (円/人) is 円 and members ×
    visits per member (回/人) is 回; times a different count (`orders * arpu`, 件 × 円/人) it is a
    mismatch, and amounts per different counts are not added or compared. A per-unit of a
    currency is an exchange rate: `150円 per USD` turns USD into JPY.

    ## Why it matters
    Adding yen to visitors, or comparing a JPY target with a USD formula, means the plan's
    arithmetic says nothing; the number that comes out is meaningless.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "売上" {
      target 1億円 per year
      formula us_sales + jp_sales
    }
    kpi us_sales "米国売上" { target 500,000 USD per year }
    kpi jp_sales "国内売上" { target 5,000万円 per year }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kgi revenue "売上" {
      target 1億円 per year
      formula us_sales * fx + jp_sales
    }
    param fx "為替" = 150円 per USD
    kpi us_sales "米国売上" { target 500,000 USD per year }
    kpi jp_sales "国内売上" { target 5,000万円 per year }
    ```

    ## Fix
    Convert explicitly: multiply by an exchange-rate param (`param fx = 150円 per USD`),
    write both amounts per the same kind of period, or correct the unit that is wrong.
    """

    code = "KPI302"
    name = "unit-mismatch"
    severity = Severity.ERROR
    summary = Msg("Units that cannot be combined or compared", "組み合わせ・比較できない単位")

    def run(self):
        reported = set()
        for diagnostic in self._dimensions():
            reported.add(diagnostic.span)
            yield diagnostic
        for clash in self.ctx.labels.clashes:  # a place whose dimensions already clash is reported once
            if clash.span not in reported:
                reported.add(clash.span)
                yield self._clash(clash)

    def _dimensions(self):
        arithmetic = self.ctx.arithmetic
        for pid, error in arithmetic.param_errors.items():
            if error.kind == "units":
                yield self._combine(error)
        for outcome in arithmetic.outcomes.values():
            if outcome.error is not None and outcome.error.kind == "units":
                yield self._combine(outcome.error)
            elif outcome.mismatch is not None and not outcome.missing_window:
                node = outcome.node
                formula_dim, target_dim = outcome.mismatch
                ft = unit_text(self.ctx, node.formula, formula_dim)
                tt = "a duration" if target_dim == TIME else written(node.target.value)
                tt_ja = "期間" if target_dim == TIME else ja_unit(tt)
                yield self.diag(
                    node.target.span,
                    Msg(f"`{node.id}`'s formula gives {ft}, but its target is {tt}",
                        f"`{node.id}` の式の単位は {ja_unit(ft)} ですが、目標は {tt_ja} です"),
                    self._missing_period(outcome, formula_dim, target_dim) or
                    Msg("make the formula's unit match the target: check each input's unit, or convert with a param",
                        "式の単位を目標に合わせてください。各入力の単位を確認するか、換算用の `param` を掛けます"),
                    labels=[self.label(node.formula.span, f"gives {ft}", f"単位：{ja_unit(ft)}")],
                    primary=Msg(tt, tt_ja),
                )
        for a in arithmetic.asserts:
            if a.error is not None and a.error.kind == "units":
                yield self._combine(a.error)
            elif a.mismatch is not None:
                left, right = a.mismatch
                lt, rt = unit_text(self.ctx, a.stmt.left, left), unit_text(self.ctx, a.stmt.right, right)
                lt_ja, rt_ja = (ja_unit(t) for t in (lt, rt))
                yield self.diag(
                    a.stmt.op_span,
                    Msg(f"this assert compares {lt} with {rt}", f"この `assert` は {lt_ja} と {rt_ja} を比較しています"),
                    self._rate_against_total(a, left, right) or
                    Msg("both sides of a comparison need the same unit", "比較の両辺は同じ単位にしてください"),
                    labels=[self.label(a.stmt.left.span, lt, lt_ja), self.label(a.stmt.right.span, rt, rt_ja)],
                )

    def _clash(self, clash):
        """Two different count words, or a count and a percentage, added or compared; or a count
        multiplied by an amount per another count."""
        a, b = (_described(x, "en") for x in (clash.left, clash.right))
        a_ja, b_ja = (_described(x, "ja") for x in (clash.left, clash.right))
        labels = [self.label(clash.left_span, a, a_ja), self.label(clash.right_span, b, b_ja)]
        if clash.kind == "target":
            formula, target = (_described(x, "en") for x in (clash.left, clash.right))
            formula_ja, target_ja = (_described(x, "ja") for x in (clash.left, clash.right))
            return self.diag(
                clash.span,
                Msg(f"the formula gives {formula}, but the target is {target}",
                    f"式は{formula_ja}ですが、目標は{target_ja}です"),
                Msg("an amount per one thing is computed from amounts per the same thing: check the formula's inputs, "
                    "or the target's unit", "「〜あたり」の値は同じものあたりの値から計算します。式の入力か目標の単位を確認してください"),
                labels=labels[1:], primary=Msg(f"gives {formula}", f"{formula_ja}"),
            )
        if clash.kind == "product":
            (count, per), (other, per2) = split(clash.left), split(clash.right)
            if per is not None:
                count, per, other = other, per, count
            else:
                per = per2
            return self.diag(
                clash.span,
                Msg(f"`{count}` times an amount per `{per}`: the counts do not cancel",
                    f"`{count}` に `{per}`あたりの値を掛けています：数の単位が打ち消し合いません"),
                Msg(f"an amount per `{per}` gives a total when multiplied by a number of `{per}`: multiply by that "
                    f"number, or state the amount per `{count}`",
                    f"`{per}`あたりの値は `{per}` の数に掛けると合計になります。その数を掛けるか、`{count}`あたりの値にしてください"),
                labels=labels, primary=Msg("here", "ここ"),
            )
        if "%" in (clash.left, clash.right):
            help_ = Msg("a percentage is a share of something, not a count: multiply it by the count it is a share of",
                        "割合は何かに対する比率で、件数ではありません。割合の元になる数を掛けてください")
        elif "/" in clash.left + clash.right:
            help_ = Msg(f"{a} and {b} are not amounts of one thing: add and compare amounts per the same count",
                        f"{a_ja} と {b_ja} は同じものの量ではありません。同じものあたりの値どうしを足し引き・比較してください")
        else:
            help_ = Msg(f"{a} and {b} count different things: add like with like, or convert one into the other "
                        "(orders = sessions × CVR)",
                        f"{a_ja} と {b_ja} は別のものの数です。同じものどうしを足すか、一方を他方に換算してください（受注 = セッション × CVR）")
        return self.diag(
            clash.span,
            Msg(f"cannot combine {a} with {b}", f"{a_ja} と {b_ja} は足し引き・比較できません"),
            help_,
            labels=labels,
            primary=Msg("here", "ここ"),
        )

    def _missing_period(self, outcome, formula_dim, target_dim):
        """`1 / churn` against a duration, with churn written without a period: the fix is the period,
        offered only when the formula then gives the target's unit (evaluated again to check it)."""
        if not (target_dim.time == formula_dim.time + 1 and target_dim.time > 0):
            return None
        unit = outcome.node.target.value.unit
        period = unit.code.rstrip("s") if unit.kind == "time" and unit.code else "month"
        if period not in YEARS:
            period = "month"
        arithmetic = self.ctx.arithmetic
        for ref in dict.fromkeys(r.name.text for r in walk(outcome.node.formula) if isinstance(r, ast.Ref)):
            node = self.ctx.plan.nodes.get(ref)
            if node is None or node.target is None or node.target.value.per or not node.target.value.percent:
                continue
            v = arithmetic.env.get(ref)
            if v is None:
                continue
            env = {**arithmetic.env, ref: Val(v.rng, v.pt, v.dim * PER_TIME)}
            try:
                fixed = arithmetic.evaluator(env).eval(outcome.node.formula).dim
            except EvalError:
                continue
            if fixed == target_dim:
                line = f"target {node.target.comparator} {node.target.value.text} per {period}"
                return Msg(f"`{ref}` is a rate without a period: write `{line}` (a share of something per {period})",
                           f"`{ref}` は期間のない率です：`{line}` と書いてください（{PERIOD_JA.get(period, period)}あたりの割合）")
        return None

    def _rate_against_total(self, a, left, right):
        """A rate compared with a total: compare it with the total per the plan's year, or total the rate."""
        if {left.time, right.time} != {-1, 0} or left.without_time() != right.without_time():
            return None
        total_side = a.stmt.right if right.time == 0 else a.stmt.left
        rate_side = a.stmt.left if right.time == 0 else a.stmt.right
        if not isinstance(total_side, ast.Quantity) or total_side.per is not None:
            return None
        text = self.ctx.source.slice(total_side.span)
        rate = " ".join(self.ctx.source.slice(rate_side.span).split())
        return Msg(f"one side is a rate and the other a total: compare rates with `{text} per year`, or total the rate "
                   f"over a duration, `{rate} * 12 months`",
                   f"片方は期間あたりの値、もう片方は合計です：率どうしなら `{text} per year`、合計どうしなら "
                   f"`{rate} * 12ヶ月` のように期間を掛けてください")

    def _combine(self, error):
        left, right = error.info["left"], error.info["right"]
        lt = unit_text(self.ctx, error.info.get("left_expr"), left) if error.info.get("left_expr") is not None else dims(left)
        rt = unit_text(self.ctx, error.info.get("right_expr"), right) if error.info.get("right_expr") is not None else dims(right)
        currencies = {c for c, _ in left.currencies} | {c for c, _ in right.currencies}
        if len(currencies) > 1:
            help_ = Msg(f"{' and '.join(sorted(currencies))} are different currencies: convert one with an exchange-rate param, "
                        "e.g. `param fx \"為替\" = 150円 per USD`",
                        f"{'と'.join(sorted(currencies))} は別の通貨です。為替の `param` で換算してください（例：`param fx \"為替\" = 150円 per USD`）")
        elif left.time != right.time and left.currencies == right.currencies:  # 人/月 + 円: no duration mends it
            help_ = Msg("a rate (per month) and a total cannot be added: multiply the rate by a duration such as `12 months`",
                        "期間あたりの値と合計は足せません。`12か月` のような期間を掛けてください")
        else:
            help_ = Msg("amounts added, subtracted or compared must have the same unit",
                        "足し算・引き算・比較する値は同じ単位が必要です")
        return self.diag(
            error.span,
            Msg(f"cannot combine {lt} with {rt}", f"{ja_unit(lt)} と {ja_unit(rt)} は足し引き・比較できません"),
            help_,
            labels=[self.label(error.info["left_span"], lt, ja_unit(lt)), self.label(error.info["right_span"], rt, ja_unit(rt))],
            primary=Msg("here", "ここ"),
        )


def _described(label: str, lang: str) -> str:
    """A label as a message shows it: `人`, a percentage, an amount per `人`, `回` per `人`."""
    if label == "%":
        return "a percentage" if lang == "en" else "割合（%）"
    if label == "":
        return "a total" if lang == "en" else "合計"
    count, per = split(label)
    if per is None:
        return f"`{count}`"
    if count is None:
        return f"an amount per `{per}`" if lang == "en" else f"`{per}`あたりの値"
    return f"`{count}` per `{per}`" if lang == "en" else f"`{per}`あたりの`{count}`"

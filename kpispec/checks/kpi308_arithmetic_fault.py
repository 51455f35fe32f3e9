from __future__ import annotations

from ..diagnostics import Msg, Severity
from ..evaluate import MAX_RESULT_DIGITS
from .base import Check


class ArithmeticFault(Check):
    """A formula that cannot be computed: a division by zero, or a result too large to compute with.

    ## What it checks
    Divisions whose divisor is zero at the targets (a `0%` rate, a target of zero, a
    param of zero), and results beyond 10^±10,000 (or with as many digits), such as a
    product of many huge numbers. (Numbers too large to compute with are reported where
    they are written, as KPI016.)
    A ceiling input (`<=`) used as a divisor is not an error: as churn falls towards
    zero, LTV = ARPA ÷ churn grows, which is what the plan means.

    ## Why it matters
    A division by zero means the plan's numbers say nothing; usually a target was left
    at zero or a ceiling KPI ended up in a denominator.

    ## Fails
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cpa "CPA" {
      target <= 5,000円
      formula ad_cost / conversions
    }
    kpi ad_cost "広告費" { target <= 100万円 per month }
    kpi conversions "CV数" { target 0件 per month }
    ```

    ## Passes
    ```kpi
    plan p "計画" { period 2026-04-01 to 2027-03-31 }
    kpi cpa "CPA" {
      target <= 5,000円
      formula ad_cost / conversions
    }
    kpi ad_cost "広告費" { target <= 100万円 per month }
    kpi conversions "CV数" { target 200件 per month }
    ```

    ## Fix
    Give the divisor a non-zero target.
    """

    code = "KPI308"
    name = "arithmetic-fault"
    severity = Severity.ERROR
    summary = Msg("Division by zero, or a result too large to compute", "ゼロ除算・計算できない大きさの結果")

    def run(self):
        arithmetic = self.ctx.arithmetic
        errors = list(arithmetic.param_errors.values())
        errors += [o.error for o in arithmetic.outcomes.values() if o.error is not None]
        errors += [a.error for a in arithmetic.asserts if a.error is not None]
        seen = set()
        for error in errors:
            if error.kind not in ("zero", "overflow") or error.span in seen:
                continue
            seen.add(error.span)
            if error.kind == "overflow":
                yield self.diag(
                    error.span,
                    Msg(f"this result is too large or too small to compute with (beyond 10^±{MAX_RESULT_DIGITS:,})",
                        f"この計算結果は大きすぎるか小さすぎて計算できません（10^±{MAX_RESULT_DIGITS:,} を超えます）"),
                    Msg("check the numbers and exponents in this expression", "この式の数値と指数を確認してください"),
                    primary=Msg("too large to compute", "計算できない大きさ"),
                )
                continue
            yield self.diag(
                error.span,
                Msg("division by zero: this divisor is zero at its target", "ゼロ除算：この除数は目標値でゼロになります"),
                Msg("give the divisor a non-zero target", "除数にゼロ以外の目標値を設定してください"),
                primary=Msg("zero at its target", "目標値でゼロ"),
            )

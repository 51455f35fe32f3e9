from __future__ import annotations

from ..diagnostics import Msg, Severity
from .base import Check


class ArithmeticFault(Check):
    """A formula that cannot be computed: division by zero, or a number out of range.

    ## What it checks
    Divisions whose divisor is zero at the targets (a `0%` rate, a target of zero, a
    param of zero), and numbers too large or too small to compute with (beyond 10^1000).
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
    summary = Msg("Division by zero or a number out of range", "ゼロ除算、または範囲外の数値")

    def run(self):
        arithmetic = self.ctx.arithmetic
        errors = list(arithmetic.param_errors.values())
        errors += [o.error for o in arithmetic.outcomes.values() if o.error is not None]
        errors += [a.error for a in arithmetic.asserts if a.error is not None]
        seen = set()
        for error in errors:
            if error.kind not in ("zero", "range") or (error.kind, error.span) in seen:
                continue
            seen.add((error.kind, error.span))
            if error.kind == "range":
                yield self.diag(
                    error.span,
                    Msg("this number is too large or too small to compute with", "この数値は大きすぎるか小さすぎて計算できません"),
                    Msg("numbers beyond 10^1000 are not supported; check the exponent", "10^1000 を超える数値は扱えません。指数を確認してください"),
                )
            else:
                yield self.diag(
                    error.span,
                    Msg("division by zero: this divisor is zero at its target", "ゼロ除算：この除数は目標値でゼロになります"),
                    Msg("give the divisor a non-zero target", "除数にゼロ以外の目標値を設定してください"),
                    primary=Msg("zero at its target", "目標値でゼロ"),
                )

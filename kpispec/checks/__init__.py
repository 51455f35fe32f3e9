"""The checks, registered in one explicit ordered tuple, and the runner that applies them."""

from __future__ import annotations

import traceback

from ..config import DEFAULT, Config
from ..diagnostics import Diagnostic, Msg, Severity, Span
from ..ir import Plan
from .base import Check, Context
from .suppressions import IGNORE, silence  # noqa: F401 - the pipeline and fmt use them from here
# --- SMART completeness and failure patterns (2xx)
# (2xx imports go here)
from .kpi201_missing_label import MissingLabel
from .kpi202_missing_unit import MissingUnit
from .kpi203_unmeasurable import Unmeasurable
from .kpi204_undefined_rate import UndefinedRate
from .kpi205_missing_baseline import MissingBaseline
from .kpi206_growth_beyond_bound import GrowthBeyondBound
from .kpi207_share_over_100 import ShareOver100
from .kpi208_unrelated_kpi import UnrelatedKpi
from .kpi209_kgi_without_kpis import KgiWithoutKpis
from .kpi210_ksf_without_kpis import KsfWithoutKpis
from .kpi211_too_many_kgis import TooManyKgis
from .kpi212_missing_deadline import MissingDeadline
from .kpi213_deadline_after_parent import DeadlineAfterParent
from .kpi214_deadline_outside_plan import DeadlineOutsidePlan
from .kpi215_missing_cadence import MissingCadence
from .kpi216_vanity_kgi import VanityKgi
from .kpi217_quantity_without_quality import QuantityWithoutQuality
from .kpi218_missing_target import MissingTarget
# --- arithmetic and units (3xx)
from .kpi301_targets_miss_goal import TargetsMissGoal
from .kpi302_unit_mismatch import UnitMismatch
from .kpi303_rate_without_window import RateWithoutWindow
from .kpi304_input_works_against_goal import InputWorksAgainstGoal
from .kpi305_rates_added import RatesAdded
from .kpi306_target_set_too_low import TargetSetTooLow
from .kpi307_assert_fails import AssertFails
from .kpi308_arithmetic_fault import ArithmeticFault
from .kpi309_direction_slip import DirectionSlip
from .kpi310_not_proven import NotProven
from .kpi311_period_counted_twice import PeriodCountedTwice
from .kpi312_milestones_miss_target import MilestonesMissTarget

# --- graph (4xx)
from .kpi401_circular_dependency import CircularDependency

RULES: tuple[type[Check], ...] = (
    # 2xx: SMART completeness and the domain's failure patterns
    # (2xx rules go here)
    MissingLabel,
    MissingUnit,
    Unmeasurable,
    UndefinedRate,
    MissingBaseline,
    GrowthBeyondBound,
    ShareOver100,
    UnrelatedKpi,
    KgiWithoutKpis,
    KsfWithoutKpis,
    TooManyKgis,
    MissingDeadline,
    DeadlineAfterParent,
    DeadlineOutsidePlan,
    MissingCadence,
    VanityKgi,
    QuantityWithoutQuality,
    MissingTarget,
    # 3xx: tree arithmetic, units and periods
    TargetsMissGoal,
    UnitMismatch,
    RateWithoutWindow,
    InputWorksAgainstGoal,
    RatesAdded,
    TargetSetTooLow,
    AssertFails,
    ArithmeticFault,
    DirectionSlip,
    NotProven,
    PeriodCountedTwice,
    MilestonesMissTarget,
    # 4xx: graph
    CircularDependency,
)


def rule_codes() -> set[str]:
    return {rule.code for rule in RULES}


def run(plan: Plan, config: Config = DEFAULT, ctx: Context | None = None) -> list[Diagnostic]:
    """Run every enabled check; a crashing check becomes an internal-error diagnostic. `ctx`: the
    context to compute in (a caller that wants the graph and arithmetic afterwards passes its own)."""
    ctx = Context(plan, config) if ctx is None else ctx
    found: list[Diagnostic] = []
    for rule in RULES:
        severity = config.severity_of(rule.code, rule.severity)
        if severity is None:
            continue
        try:
            for d in rule(ctx).run():
                found.append(d if d.severity is severity else _with_severity(d, severity))
        except MemoryError:
            raise  # not a broken check: the run as a whole cannot go on
        except Exception as exc:  # noqa: BLE001 - one broken check must not stop the others
            found.append(_internal(plan, rule, exc))
    return found


def apply_overrides(diagnostics: list[Diagnostic], config: Config) -> list[Diagnostic]:
    """Severity overrides and disabling for codes that checks do not own (syntax, names)."""
    out = []
    for d in diagnostics:
        severity = config.severity_of(d.code, d.severity)
        if severity is None:
            continue
        out.append(d if severity is d.severity else _with_severity(d, severity))
    return out


def _with_severity(d: Diagnostic, severity: Severity) -> Diagnostic:
    from ..records import replace

    return replace(d, severity=severity)


def _internal(plan: Plan, rule, exc: Exception) -> Diagnostic:
    where = traceback.extract_tb(exc.__traceback__)[-1]
    detail = f"{type(exc).__name__}: {exc} ({where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
    return Diagnostic(
        code="KPI901",
        severity=Severity.ERROR,
        message=Msg(f"internal error in check {rule.code} ({rule.name}): {detail}",
                    f"検査 {rule.code}（{rule.name}）で内部エラー：{detail}"),
        file=plan.source.path,
        span=Span(0, 0),
        extra={"rule": rule.code},  # what a suppression of it would have silenced is unknown
        help=Msg("this is a bug in kpispec; the other checks still ran. Please report it with the plan file",
                 "kpispec の不具合です（他の検査は実行済み）。計画ファイルを添えて報告してください"),
    )

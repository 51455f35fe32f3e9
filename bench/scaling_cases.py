"""Plans that once took quadratic time, for timing how kpispec scales from 1,000 to 16,000 items.

    uv run python bench/scaling_cases.py undefined_names 16000 > big.kpi
    uv run python bench/scaling_cases.py --time          # each case at 1,000 and 16,000 items

Each function returns the text of one `.kpi` plan with `n` items:

- `undefined_names(n)`: n KPIs, each formula naming one undefined id (half of them typos of a
  defined id, half with no close match): every one gets a "did you mean" search.
- `big_sum_missed(n)`: a KGI whose formula sums n KPIs whose targets fall short of it (KPI301,
  with its "any one of these alone closes the gap" help).
- `repeated_sum(n)`: a KGI whose formula is `sum(a, a, a, …)` with n terms of the same KPI, and a
  missed target.
- `undefined_ksf_links(n)`: n KPIs, each linked to an undefined KSF (`ksf missing_i`).

The time of a case at 16,000 items should be at most about 16 times (and never more than 20
times) its time at 1,000.
"""

from __future__ import annotations

import sys

PLAN = 'plan scaling "スケーリング計画" {\n  period 2026-04-01 to 2027-03-31\n  owner "経営企画部"\n}\n'
COMMON = '  deadline 2026-12-31\n  cadence monthly\n  owner "Web"\n  source "GA4"\n'


def _kpi(kid: str, target: int, extra: str = "", ksf: str = "traffic") -> str:
    return (f'kpi {kid} "{kid}" {{\n  ksf {ksf}\n  target {target} visitors per month\n'
            f"  baseline {target * 9 // 10} visitors per month\n{COMMON}{extra}}}\n")


def _goal(target: str, formula: str, rate: bool = True) -> str:
    """The KGI, and the KSF `traffic` that serves it (with a rate KPI beside the counts, unless not `rate`)."""
    out = (f'kgi revenue "月間訪問者数" {{\n  target {target}\n  deadline 2027-03-31\n  owner "代表"\n'
           f"  formula {formula}\n}}\n"
           'ksf traffic "訪問者を増やす" { kgi revenue }\n')
    if rate:
        out += ('kpi traffic_cvr "CVR" {\n  ksf traffic\n  target 2%\n  baseline 1.8%\n  measure "購入数 / 訪問数"\n'
                + COMMON + "}\n")
    return out


def undefined_names(n: int) -> str:
    """n defined KPIs; KPI i's formula names `vistors_i` (a typo of `visitors_i`) when i is even,
    and `unknown_metric_i` (close to nothing defined) when i is odd."""
    out = [PLAN, _goal("100 visitors per month", "visitors_0")]
    for i in range(n):
        wrong = f"vistors_{i}" if i % 2 == 0 else f"unknown_metric_{i}"
        out.append(_kpi(f"visitors_{i}", 100, f"  formula {wrong} * 1\n"))
    return "".join(out)


def big_sum_missed(n: int) -> str:
    """A KGI of 1,000,000 × n visitors per month, the sum of n KPIs of 1,000 + i visitors per month
    each, so far short of it (KPI301). The KPIs are counts, ten to a KSF, with no rate KPI beside
    them (KPI217 looks for a rate paired with each of them in a formula)."""
    out = [PLAN, _goal(f"{1_000_000 * n} visitors per month", "sum(" + ", ".join(f"v_{i}" for i in range(n)) + ")",
                       rate=False)]
    for r in range(1, (n + 9) // 10):
        out.append(f'ksf region_{r} "地域{r}の訪問者を増やす" {{ kgi revenue }}\n')
    for i in range(n):
        out.append(_kpi(f"v_{i}", 1000 + i, ksf=f"region_{i // 10}" if i >= 10 else "traffic"))
    return "".join(out)


def repeated_sum(n: int) -> str:
    """A KGI of 1,000,000 × n visitors per month, `sum(a, a, …)` with n terms of a KPI `a` of
    1,000 per month (KPI301), `a` being the only KPI of its KSF (KPI217)."""
    out = [PLAN, _goal(f"{1_000_000 * n} visitors per month", "sum(" + ", ".join(["a"] * n) + ")", rate=False)]
    out.append(_kpi("a", 1000))
    return "".join(out)


def undefined_ksf_links(n: int) -> str:
    """n KPIs, each linked with `ksf missing_i` to a KSF that is not defined."""
    out = [PLAN, _goal("100 visitors per month", "v_0")]
    for i in range(n):
        out.append(_kpi(f"v_{i}", 100, ksf=f"missing_{i}"))
    return "".join(out)


def stacked_per_units(n: int) -> str:
    """One target with n per-units glued on (`1円/人/人/…`): a KPI015 at the second."""
    return PLAN + 'kpi y "y" { target 1円' + "/人" * n + " }\n"


CASES = {f.__name__: f for f in (undefined_names, big_sum_missed, repeated_sum, undefined_ksf_links, stacked_per_units)}


def _time_all(sizes=(1_000, 16_000)) -> None:
    import subprocess
    import tempfile
    import time
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        for name, case in CASES.items():
            times = []
            for n in sizes:
                path = Path(tmp) / f"{name}_{n}.kpi"
                path.write_text(case(n), encoding="utf-8")
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "kpispec", "check", str(path)], capture_output=True)
                times.append(time.perf_counter() - start)
            shown = "  ".join(f"{n:>6,}: {t:7.2f} s" for n, t in zip(sizes, times))
            print(f"{name:<20} {shown}  growth {times[-1] / times[0]:.1f}×", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--time"]:
        _time_all()
    else:
        print(CASES[sys.argv[1]](int(sys.argv[2])), end="")

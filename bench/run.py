"""kpispec benchmarks: every figure beside a baseline measured in the same run.

    uv run python bench/run.py            # full run (several minutes; 100,000- and 300,000-KPI plans included)
    uv run python bench/run.py --quick    # smaller sizes, fewer repetitions

kpispec is measured as a user's pre-commit runs it: a wheel installed into a fresh
virtual environment with its bytecode compiled. Results go to stdout as a table and to
bench/out/results.json. Figures are ratios to baselines; absolute times are for context.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import gen  # noqa: E402

FLOOR = """
import lark  # noqa: F401
import typer

app = typer.Typer()


@app.command()
def check(path: str):
    pass


@app.command()
def other():
    pass


app()
"""


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def install(work: Path) -> tuple[Path, dict]:
    """Build the wheel and install it, bytecode compiled, into a new venv."""
    dist = work / "dist"
    sh(["uv", "build", "--wheel", "--out-dir", str(dist), str(ROOT)])
    wheel = next(dist.glob("kpispec-*.whl"))
    venv = work / "venv"
    sh(["uv", "venv", "--quiet", str(venv)])
    python = venv / "bin" / "python"
    sh(["uv", "pip", "install", "--quiet", "--compile-bytecode", "--python", str(python), str(wheel)])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "PYTHONPATH")}
    env["NO_COLOR"] = "1"
    return python, env


def install_peer(work: Path) -> Path:
    """yamllint, the fastest linter a team runs in the same pre-commit hook, in a venv of its own."""
    venv = work / "peer"
    sh(["uv", "venv", "--quiet", str(venv)])
    sh(["uv", "pip", "install", "--quiet", "--compile-bytecode", "--python", str(venv / "bin" / "python"), "yamllint"])
    return venv / "bin" / "yamllint"


# 60 lines of the YAML a repository keeps beside its plans (a CI workflow), clean under yamllint's
# default rules so that it does the same work as on a passing commit.
YAML_60 = """---
name: kpi plans
"on":
  push:
    branches: [main]
  pull_request:
    paths:
      - "plans/**.kpi"
      - "kpispec.toml"
permissions:
  contents: read
  security-events: write
concurrency:
  group: kpi-${{ github.ref }}
jobs:
  check:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: astral-sh/setup-uv@v5
      - name: check the plans
        run: uv run kpispec check plans/
      - name: annotations
        if: always()
        run: uv run kpispec check --format github plans/
      - name: sarif
        if: always()
        run: uv run kpispec check --format sarif -o kpispec.sarif plans/
      - name: upload
        if: always()
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: kpispec.sarif
          category: kpispec
  docs:
    runs-on: ubuntu-latest
    needs: check
    steps:
      - uses: actions/checkout@v4
      - uses: astral-sh/setup-uv@v5
      - name: build
        run: uv run mkdocs build --strict
      - name: keep
        uses: actions/upload-artifact@v4
        with:
          name: site
          path: site/
          retention-days: 7
  diff:
    runs-on: ubuntu-latest
    if: github.event_name == 'pull_request'
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - name: semantic diff
        run: uv run kpispec diff --git origin/main
"""


def run_timed(cmd, env, cwd=None, cpu=False) -> tuple[float, int]:
    """Wall time (or, with cpu=True, user+system CPU time) and peak RSS (KiB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed ({proc.returncode}): {err[-2000:]}")
    if cpu:
        return usage.ru_utime + usage.ru_stime, usage.ru_maxrss
    return elapsed, usage.ru_maxrss


def cold_start(python: Path, env: dict, work: Path, runs: int, yamllint: Path) -> dict:
    plan = work / "plan10.kpi"
    plan.write_text(gen.plan(10), encoding="utf-8")
    floor = work / "floor.py"
    floor.write_text(FLOOR, encoding="utf-8")
    workflow = work / "workflow.yml"
    workflow.write_text(YAML_60, encoding="utf-8")
    assert YAML_60.count("\n") == 60
    kpispec = python.parent / "kpispec"
    commands = {
        "kpispec check (10 KPIs)": [str(kpispec), "check", str(plan)],
        "yamllint (60-line YAML)": [str(yamllint), str(workflow)],
        "floor: lark + typer, 2 commands": [str(python), str(floor), "check", str(plan)],
        "python -c pass": [str(python), "-c", "pass"],
    }
    for cmd in commands.values():  # warm the OS page cache and the bytecode
        run_timed(cmd, env)
    times = {name: [] for name in commands}
    cpu = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so drift in the machine affects all alike
        for name, cmd in commands.items():
            times[name].append(run_timed(cmd, env)[0])
            cpu[name].append(run_timed(cmd, env, cpu=True)[0])
    med = {name: statistics.median(t) for name, t in times.items()}
    med_cpu = {name: statistics.median(t) for name, t in cpu.items()}
    ours, floor_t, bare = med["kpispec check (10 KPIs)"], med["floor: lark + typer, 2 commands"], med["python -c pass"]
    peer = med["yamllint (60-line YAML)"]
    return {
        "runs": runs,
        "median_s": med,
        "median_cpu_s": med_cpu,
        "ratio_to_yamllint": ours / peer,
        "cpu_ratio_to_yamllint": med_cpu["kpispec check (10 KPIs)"] / med_cpu["yamllint (60-line YAML)"],
        "target_ratio_to_yamllint": 1.0,
        "met": ours <= peer,
        "cpu_ratio_to_floor": med_cpu["kpispec check (10 KPIs)"] / med_cpu["floor: lark + typer, 2 commands"],
        "ratio_to_floor": ours / floor_t,
        "ratio_to_python": ours / bare,
        "floor_ratio_to_python": floor_t / bare,
    }


def lark_tree_seconds(python: Path, env: dict, plan: Path) -> float:
    """lark alone building a parse tree of the file with the project's grammar, in-process."""
    code = (
        "import sys, time\n"
        "from lark import Lark\n"
        "from kpispec.syntax.grammar import grammar_text\n"
        "parser = Lark(grammar_text(), parser='lalr', lexer='contextual')\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "t = time.perf_counter(); parser.parse(text); print(time.perf_counter() - t)\n"
    )
    sh([str(python), "-c", code, str(plan)], env=env)  # warm the OS page cache
    out = sh([str(python), "-c", code, str(plan)], env=env).stdout
    return float(out.strip())


def json_loads_seconds(python: Path, env: dict, path: Path) -> float:
    code = (
        "import json, sys, time\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "t = time.perf_counter(); json.loads(text); print(time.perf_counter() - t)\n"
    )
    return float(sh([str(python), "-c", code, str(path)], env=env).stdout.strip())


def throughput(python: Path, env: dict, work: Path, sizes: list[int]) -> dict:
    kpispec = python.parent / "kpispec"
    results = {}
    for size in sizes:
        plan = work / f"plan{size}.kpi"
        plan.write_text(gen.plan(size), encoding="utf-8")
        kpis = plan.read_text(encoding="utf-8").count("\nkpi ")
        out = work / f"plan{size}.json"
        check_s, check_rss = run_timed([str(kpispec), "check", str(plan)], env)
        compile_s, compile_rss = run_timed([str(kpispec), "compile", str(plan), "-o", str(out)], env)
        row = {
            "kpis": kpis,
            "bytes": plan.stat().st_size,
            "check_s": check_s,
            "check_kpis_per_s": kpis / check_s,
            "check_peak_mb": check_rss / 1024,
            "compile_s": compile_s,
            "compile_kpis_per_s": kpis / compile_s,
            "compile_peak_mb": compile_rss / 1024,
            "json_loads_s": json_loads_seconds(python, env, out),
        }
        row["compile_ratio_to_json_loads"] = compile_s / row["json_loads_s"]
        if size == 10_000:  # median of three of each, interleaved
            checks, trees = [check_s], [lark_tree_seconds(python, env, plan)]
            for _ in range(2):
                checks.append(run_timed([str(kpispec), "check", str(plan)], env)[0])
                trees.append(lark_tree_seconds(python, env, plan))
            row["check_median_s"], row["lark_tree_s"] = statistics.median(checks), statistics.median(trees)
            row["check_ratio_to_lark_tree"] = row["check_median_s"] / row["lark_tree_s"]
            row["target_ratio"] = 0.7
            row["target_met"] = row["check_ratio_to_lark_tree"] <= 0.7
        results[size] = row
    if 10_000 in results and 100_000 in results:
        growth = results[100_000]["compile_s"] / results[10_000]["compile_s"]
        results["linearity"] = {
            "compile_100k_over_10k": growth,
            "check_100k_over_10k": results[100_000]["check_s"] / results[10_000]["check_s"],
            "target": 11,
            "met": growth <= 11,
            "check_peak_mb_100k": results[100_000]["check_peak_mb"],
            "peak_target_mb": 400,
            "peak_met": results[100_000]["check_peak_mb"] <= 400,
        }
        if 300_000 in results:  # memory grows linearly: 300k takes at most 3.3x the memory of 100k
            memory = results[300_000]["check_peak_mb"] / results[100_000]["check_peak_mb"]
            results["linearity"].update({"check_peak_300k_over_100k": memory, "memory_linear": memory <= 3.3})
    return results


def graph_work(python: Path, env: dict, sizes: list[int]) -> dict:
    """Cycle detection on a plan's graph, in-process, against a plain walk over the same edges."""
    code = r"""
import sys, time
sys.path.insert(0, sys.argv[2])
import gen
from kpispec.api import analyze_text
from kpispec.graph import Graph
n = int(sys.argv[1])
plan = analyze_text("g.kpi", gen.plan(n), checks=False).plan
graph = Graph(plan)
t = time.perf_counter(); graph.cycles(); cycles = time.perf_counter() - t
t = time.perf_counter(); edges = sum(len(e) for e in graph.edges.values()); walk = time.perf_counter() - t
print(cycles, walk, len(graph.edges), edges)
"""
    out = {}
    for size in sizes:
        cycles, walk, nodes, edges = sh([str(python), "-c", code, str(size), str(ROOT / "bench")], env=env).stdout.split()
        out[size] = {"nodes": int(nodes), "edges": int(edges), "cycles_s": float(cycles),
                     "edge_count_walk_s": float(walk), "ratio_to_walk": float(cycles) / max(float(walk), 1e-9)}
    return out


def site_build(python: Path, env: dict, work: Path, kpis: int = 1_000, runs: int = 3) -> dict:
    """`kpispec docs` of one generated plan against `kpispec check` of it, interleaved, medians."""
    kpispec = python.parent / "kpispec"
    plan = work / f"site{kpis}.kpi"
    plan.write_text(gen.plan(kpis), encoding="utf-8")
    out = work / "site-out"
    checks, builds = [], []
    for _ in range(runs):
        checks.append(run_timed([str(kpispec), "check", str(plan)], env)[0])
        shutil.rmtree(out, ignore_errors=True)
        builds.append(run_timed([str(kpispec), "docs", str(plan), "-o", str(out)], env)[0])
    page = next((out / "plans").glob("*.html"))
    ratio = statistics.median(builds) / statistics.median(checks)
    return {"kpis": kpis, "check_s": statistics.median(checks), "docs_s": statistics.median(builds), "ratio": ratio,
            "target": 10, "met": ratio <= 10, "page_kb": page.stat().st_size / 1024}


def time_phased(python: Path, env: dict, work: Path, kpis: int = 10_000, runs: int = 5) -> dict:
    """`kpispec check` of a plan with monthly milestones on every input KPI against the same plan
    without them, interleaved, medians."""
    kpispec = python.parent / "kpispec"
    flat, phased = work / f"flat{kpis}.kpi", work / f"phased{kpis}.kpi"
    flat.write_text(gen.plan(kpis), encoding="utf-8")
    phased.write_text(gen.plan(kpis, phased=True), encoding="utf-8")
    plain, timed = [], []
    for _ in range(runs):
        plain.append(run_timed([str(kpispec), "check", str(flat)], env)[0])
        timed.append(run_timed([str(kpispec), "check", str(phased)], env)[0])
    ratio = statistics.median(timed) / statistics.median(plain)
    return {"kpis": kpis, "flat_s": statistics.median(plain), "phased_s": statistics.median(timed), "ratio": ratio,
            "target": 2, "met": ratio <= 2, "size_ratio": phased.stat().st_size / flat.stat().st_size}


def formatting(python: Path, env: dict, work: Path, kpis: int = 10_000, runs: int = 5) -> dict:
    """`kpispec fmt` of a plan not in the canonical layout against `kpispec check` of it, interleaved,
    medians (the plan is written back before each fmt, so each run formats and replaces it)."""
    kpispec = python.parent / "kpispec"
    plan = work / f"fmt{kpis}.kpi"
    ugly = gen.plan(kpis).replace("\n  ", "\n    ").replace(" * ", "*").encode("utf-8")
    checks, fmts, dry = [], [], []
    for _ in range(runs):
        plan.write_bytes(ugly)
        checks.append(run_timed([str(kpispec), "check", str(plan)], env)[0])
        fmts.append(run_timed([str(kpispec), "fmt", str(plan)], env)[0])
        plan.write_bytes(ugly)
        dry.append(run_timed([str(kpispec), "fmt", "--check", str(plan)], env)[0])
    ratio = statistics.median(fmts) / statistics.median(checks)
    return {"kpis": kpis, "check_s": statistics.median(checks), "fmt_s": statistics.median(fmts),
            "fmt_check_s": statistics.median(dry), "ratio": ratio, "target": 1.5, "met": ratio <= 1.5}


def fmt_table(f: dict) -> list[str]:
    return ["", f"Formatting {f['kpis']} KPIs (medians of interleaved runs): kpispec fmt {f['fmt_s']:.2f} s "
                f"(--check {f['fmt_check_s']:.2f} s) / kpispec check {f['check_s']:.2f} s = {f['ratio']:.2f}x "
                f"(target <= 1.5x: {'met' if f['met'] else 'NOT met'})"]


def time_table(t: dict) -> list[str]:
    return ["", f"Monthly milestones on every input KPI of {t['kpis']} KPIs (medians of interleaved runs): "
                f"{t['phased_s']:.2f} s / {t['flat_s']:.2f} s without them = {t['ratio']:.2f}x (target <= 2x: "
                f"{'met' if t['met'] else 'NOT met'}); the file is {t['size_ratio']:.1f}x as large"]


def many_files(python: Path, env: dict, work: Path, files: int) -> dict:
    folder = work / "many"
    folder.mkdir()
    for i in range(files):
        (folder / f"plan_{i:04d}.kpi").write_text(gen.plan(10, seed=i, name=f"p{i}"), encoding="utf-8")
    kpispec = python.parent / "kpispec"
    one, _ = run_timed([str(kpispec), "check", str(folder / "plan_0000.kpi")], env)
    many, _ = run_timed([str(kpispec), "check", str(folder)], env)
    return {"files": files, "one_file_s": one, "all_files_s": many,
            "per_file_ms": (many - one) / (files - 1) * 1000, "ratio_all_to_one": many / one}


SCALING_CASES = ("undefined_names", "big_sum_missed", "repeated_sum", "undefined_ksf_links")


def scaling(python: Path, env: dict, work: Path, small_files: int, many_files_count: int) -> dict:
    """Inputs that were once quadratic, at 1,000 and 16,000 items: time may grow at most 20x.
    Memory: a 1 MB quoted text against a 1 MB comment, and many small files against few."""
    import scaling_cases

    kpispec = str(python.parent / "kpispec")
    out: dict = {"time": {}, "memory": {}}
    for name in SCALING_CASES:
        seconds = {}
        for n in (1_000, 16_000):
            plan = work / f"{name}_{n}.kpi"
            plan.write_text(getattr(scaling_cases, name)(n), encoding="utf-8")
            seconds[n] = run_timed([kpispec, "check", str(plan)], env, cpu=True)[0]
        growth = seconds[16_000] / seconds[1_000]
        out["time"][name] = {"s_1000": seconds[1_000], "s_16000": seconds[16_000], "growth": growth,
                             "target": 20, "met": growth <= 20}
    head = 'plan p "p" {\n  period 2026-04-01 to 2027-03-31\n}\n'
    text, comment = work / "text_1mb.kpi", work / "comment_1mb.kpi"
    text.write_text(head + 'kpi a "' + "x" * 1_000_000 + '" {\n  target 1件\n}\n', encoding="utf-8")
    comment.write_text(head + "# " + "x" * 1_000_000 + '\nkpi a "a" {\n  target 1件\n}\n', encoding="utf-8")
    text_rss = run_timed([kpispec, "check", str(text)], env)[1]
    comment_rss = run_timed([kpispec, "check", str(comment)], env)[1]
    out["memory"]["text_1mb"] = {"peak_mb": text_rss / 1024, "comment_peak_mb": comment_rss / 1024,
                                 "ratio": text_rss / comment_rss, "target": 1.5, "met": text_rss / comment_rss <= 1.5}
    peaks = {}
    for count in (small_files, many_files_count):
        folder = work / f"files_{count}"
        for i in range(count):
            sub = folder / f"team_{i % 100:02d}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"plan_{i:05d}.kpi").write_text(gen.plan(5, seed=i, name=f"p{i}"), encoding="utf-8")
        peaks[count] = run_timed([kpispec, "check", str(folder)], env)[1]
    ratio = peaks[many_files_count] / peaks[small_files]
    out["memory"]["files"] = {"few": small_files, "many": many_files_count, "few_peak_mb": peaks[small_files] / 1024,
                              "many_peak_mb": peaks[many_files_count] / 1024, "ratio": ratio, "target": 1.5,
                              "met": ratio <= 1.5}
    return out


def scaling_table(s: dict) -> list[str]:
    lines = ["", "Scaling (inputs that were once quadratic; CPU time, 1,000 -> 16,000 items)"]
    for name, row in s["time"].items():
        lines.append(f"  {name:<22} {row['s_1000']:7.2f} s -> {row['s_16000']:7.2f} s: {row['growth']:5.1f}x "
                     f"(target <= 20x: {'met' if row['met'] else 'NOT met'})")
    t, f = s["memory"]["text_1mb"], s["memory"]["files"]
    lines.append(f"  1 MB quoted text: peak {t['peak_mb']:.0f} MB, {t['ratio']:.2f}x a 1 MB comment "
                 f"(target <= 1.5x: {'met' if t['met'] else 'NOT met'})")
    lines.append(f"  {f['many']:,} small files: peak {f['many_peak_mb']:.0f} MB, {f['ratio']:.2f}x that of {f['few']:,} "
                 f"(target <= 1.5x: {'met' if f['met'] else 'NOT met'})")
    return lines


def site_table(site: dict) -> list[str]:
    return ["", f"Docs site of {site['kpis']} KPIs (medians of interleaved runs): kpispec docs {site['docs_s']:.2f} s / "
                f"kpispec check {site['check_s']:.2f} s = {site['ratio']:.1f}x (target <= 10x: "
                f"{'met' if site['met'] else 'NOT met'}); the plan's page {site['page_kb']:.0f} KB"]


def table(results: dict) -> str:
    lines = []
    c = results["cold_start"]
    lines.append("Cold start (median of %d interleaved runs; wall time, CPU time)" % c["runs"])
    for name, value in c["median_s"].items():
        lines.append(f"  {name:<36} {value * 1000:8.1f} ms {c['median_cpu_s'][name] * 1000:8.1f} ms")
    lines.append(f"  kpispec / yamllint                   {c['ratio_to_yamllint']:8.2f}x   (target <= 1.00x: {'met' if c['met'] else 'NOT met'})")
    lines.append(f"  kpispec / yamllint, CPU time         {c['cpu_ratio_to_yamllint']:8.2f}x   (user+system: less sensitive to other load)")
    lines.append(f"  kpispec / floor (lark + typer)       {c['ratio_to_floor']:8.2f}x")
    lines.append(f"  kpispec / python -c pass             {c['ratio_to_python']:8.2f}x")
    lines.append("")
    lines.append("Throughput (whole processes)")
    lines.append(f"  {'KPIs':>8} {'check s':>9} {'KPI/s':>9} {'compile s':>10} {'KPI/s':>9} {'peak MB':>8} {'vs json.loads':>14}")
    for size, row in results["throughput"].items():
        if size == "linearity":
            continue
        peak = max(row["check_peak_mb"], row["compile_peak_mb"])
        lines.append(f"  {row['kpis']:>8} {row['check_s']:>9.2f} {row['check_kpis_per_s']:>9.0f} {row['compile_s']:>10.2f} "
                     f"{row['compile_kpis_per_s']:>9.0f} {peak:>8.0f} {row['compile_ratio_to_json_loads']:>13.1f}x")
        if "lark_tree_s" in row:
            lines.append(f"  check of {row['kpis']} KPIs ({row['check_median_s']:.2f} s) / lark tree alone ({row['lark_tree_s']:.2f} s), "
                         f"medians of 3: {row['check_ratio_to_lark_tree']:.2f}x "
                         f"(target <= 0.70x: {'met' if row['target_met'] else 'NOT met'})")
    lin = results["throughput"].get("linearity")
    if lin:
        lines.append(f"  compile 100k / 10k: {lin['compile_100k_over_10k']:.2f}x (target <= 11x: {'met' if lin['met'] else 'NOT met'}); "
                     f"check's peak memory at 100k: {lin['check_peak_mb_100k']:.0f} MB "
                     f"(target <= 400 MB: {'met' if lin['peak_met'] else 'NOT met'})")
        if "check_peak_300k_over_100k" in lin:
            lines.append(f"  check's peak memory 300k / 100k: {lin['check_peak_300k_over_100k']:.2f}x "
                         f"(linear, <= 3.3x: {'met' if lin['memory_linear'] else 'NOT met'})")
    lines.append("")
    lines.append("Graph (cycle search, in-process)")
    for size, row in results["graph"].items():
        lines.append(f"  {row['nodes']:>8} nodes {row['edges']:>8} edges: {row['cycles_s'] * 1000:8.1f} ms")
    if "site" in results:
        lines.extend(site_table(results["site"]))
    if "time" in results:
        lines.extend(time_table(results["time"]))
    if "fmt" in results:
        lines.extend(fmt_table(results["fmt"]))
    m = results["many_files"]
    lines.append("")
    lines.append(f"Many files: {m['files']} plans in one check: {m['all_files_s']:.2f} s; one plan {m['one_file_s']:.2f} s; "
                 f"{m['per_file_ms']:.1f} ms per extra file")
    if "scaling" in results:
        lines.extend(scaling_table(results["scaling"]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs")
    parser.add_argument("--skip-scaling", action="store_true", help="leave out the scaling checks (about 2 minutes)")
    parser.add_argument("--only-scaling", action="store_true", help="run only the scaling checks")
    parser.add_argument("--only-site", action="store_true", help="run only the docs site's build time")
    parser.add_argument("--only-time", action="store_true", help="run only the cost of monthly milestones")
    parser.add_argument("--only-fmt", action="store_true", help="run only kpispec fmt against kpispec check")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "results.json")
    args = parser.parse_args()
    runs = 5 if args.quick else 15
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000, 300_000]
    files = 50 if args.quick else 500
    with tempfile.TemporaryDirectory(prefix="kpispec-bench-") as tmp:
        work = Path(tmp)
        print("installing kpispec into a fresh venv ...", file=sys.stderr)
        python, env = install(work)
        yamllint = install_peer(work)
        results = {"python": sys.version.split()[0], "quick": args.quick}
        if args.only_site:
            results["site"] = site_build(python, env, work)
            print("\n".join(site_table(results["site"])))
            return
        if args.only_fmt:
            results["fmt"] = formatting(python, env, work, runs=3 if args.quick else 5)
            print("\n".join(fmt_table(results["fmt"])))
            return
        if args.only_time:
            results["time"] = time_phased(python, env, work)
            print("\n".join(time_table(results["time"])))
            return
        if args.only_scaling:
            results["scaling"] = scaling(python, env, work, 1_000, 20_000)
            print("\n".join(scaling_table(results["scaling"])))
            return
        print("cold start ...", file=sys.stderr)
        results["cold_start"] = cold_start(python, env, work, runs, yamllint)
        print("throughput ...", file=sys.stderr)
        results["throughput"] = throughput(python, env, work, sizes)
        print("graph ...", file=sys.stderr)
        results["graph"] = graph_work(python, env, [s for s in sizes if s <= 100_000])
        print("docs site ...", file=sys.stderr)
        results["site"] = site_build(python, env, work)
        print("time-phased plans ...", file=sys.stderr)
        results["time"] = time_phased(python, env, work, runs=3 if args.quick else 5)
        print("formatting ...", file=sys.stderr)
        results["fmt"] = formatting(python, env, work, runs=3 if args.quick else 5)
        print("many files ...", file=sys.stderr)
        results["many_files"] = many_files(python, env, work, files)
        if not args.skip_scaling:
            print("scaling ...", file=sys.stderr)
            results["scaling"] = scaling(python, env, work, 1_000, 20_000)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\n(written to {args.out})")


if __name__ == "__main__":
    main()

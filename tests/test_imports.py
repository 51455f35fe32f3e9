"""`kpispec check` runs on every commit: it must not import what it does not need."""

import json
import subprocess
import sys

from conftest import ROOT

PROBE = r"""
import json, sys
sys.argv = ["kpispec", "check", sys.argv[1]]
from kpispec.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

# pydantic: typer 0.29 builds a pydantic TypeAdapter for every parameter of every command, which
# costs a cold `check` about 90 ms; pyproject.toml bounds typer below it, and this fails if a
# typer release (or kpispec) brings it back onto the check path.
# dataclasses (and inspect, which it imports): kpispec's classes are kpispec.records (about 40 ms).
# typer: a plain `kpispec check PATH…` is read by checking.fast_args and run without typer (about
# 30 ms); tests/test_fast_cli.py holds the fast path to typer's reading of the same arguments.
# lark: a plan that parses is parsed by kpispec's own LALR driver (kpispec/syntax/lalr.py) from
# the generated tables; lark is imported only to explain a syntax error (about 50 ms saved).
# pygments: only kpispec.highlight (the ```kpi lexer for mkdocs and other Pygments users) needs it.
NEVER_ON_CHECK = ("dataclasses", "inspect", "typer", "click", "lark", "interegular", "rich", "jsonschema", "networkx",
                  "mkdocs", "pydantic", "pydantic_core", "kpispec.model", "kpispec.emit", "kpispec.render.sarif",
                  "kpispec.render.jsonfmt", "hypothesis", "pygments", "kpispec.highlight")


def test_check_path_imports(tmp_path):
    plan = tmp_path / "plan.kpi"
    plan.write_text((ROOT / "examples" / "ec_site.kpi").read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", PROBE, str(plan)], cwd=tmp_path, capture_output=True, text=True)
    modules = set(json.loads(result.stderr.strip().splitlines()[-1]))
    assert "kpispec.checks" in modules  # the probe really ran a check
    loaded = sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in NEVER_ON_CHECK))
    assert loaded == []
    assert "tomllib" not in modules  # no config file here: TOML is never parsed


def test_a_configuration_is_validated_with_jsonschema_and_only_then(tmp_path):
    # The other side of the above: kpispec.config imports jsonschema (100-200 ms) to validate a
    # configuration file with its JSON Schema, only when its own checks refuse the file.
    plan = tmp_path / "plan.kpi"
    plan.write_text((ROOT / "examples" / "ec_site.kpi").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "kpispec.toml").write_text('max-kgis = 0\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", PROBE, str(plan)], cwd=tmp_path, capture_output=True, text=True)
    modules = set(json.loads(result.stderr.strip().splitlines()[-1]))
    assert "kpispec.toml:1:1: max-kgis must be a whole number of at least 1" in result.stderr
    assert "jsonschema" in modules
    # jsonschema brings dataclasses and inspect (attrs, pprint); nothing else that check avoids
    loaded = sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in NEVER_ON_CHECK))
    assert [m for m in loaded if m.split(".")[0] not in ("jsonschema", "dataclasses", "inspect")] == []
    # a good configuration costs nothing of it: a pre-commit hook pays for the import on every commit
    (tmp_path / "kpispec.toml").write_text('max-kgis = 2\n[severity]\nKPI205 = "info"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", PROBE, str(plan)], cwd=tmp_path, capture_output=True, text=True)
    modules = set(json.loads(result.stderr.strip().splitlines()[-1]))
    assert "tomllib" in modules and "jsonschema" not in modules


def test_a_syntax_error_is_explained_with_lark(tmp_path):
    # the other side of the above: a broken plan does load lark, for its parser state at the failure
    plan = tmp_path / "plan.kpi"
    plan.write_text('kpi a "A" {\n  target >= \n}\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", PROBE, str(plan)], cwd=tmp_path, capture_output=True, text=True)
    modules = set(json.loads(result.stderr.strip().splitlines()[-1]))
    assert "lark" in modules
    assert "plan.kpi:2:12" in result.stdout and "KPI002" in result.stdout


def test_classes_are_records_not_dataclasses_and_each_says_what_it_is():
    # `dataclasses` imports `inspect` and generates a dozen functions per class: on the check
    # path that was about 40 ms of a 130 ms cold check (docs/performance.md). kpispec's classes
    # use kpispec.records instead; this fails if a dataclass comes back anywhere in the package.
    import dataclasses
    import importlib
    import pkgutil

    import kpispec
    from kpispec.records import is_record

    dataclass_found, undocumented, records = [], [], 0
    for info in pkgutil.walk_packages(kpispec.__path__, "kpispec."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if not isinstance(obj, type) or obj.__module__ != info.name:
                continue
            if dataclasses.is_dataclass(obj):
                dataclass_found.append(f"{info.name}.{name}")
            if is_record(obj):
                records += 1
                if not (obj.__doc__ or "").strip():
                    undocumented.append(f"{info.name}.{name}")
    assert dataclass_found == []
    assert undocumented == []
    assert records > 40

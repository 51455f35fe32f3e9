"""`kpispec check` without typer: the fast path reads arguments exactly as typer does, or not at all.

main() offers the arguments to `checking.fast_args` first; what it cannot read goes to typer.
These tests hold it to typer: the same options, the same parameters for every form it takes,
and typer for everything else (help, unknown options, values typer refuses).
"""

from __future__ import annotations

import inspect
import random
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from kpispec.cli import checking
from kpispec.cli.application import app

SIGNATURE = inspect.signature(checking.run)


def _via_typer(args: list[str], monkeypatch) -> dict | None:
    """The parameters typer passes to checking.run for these arguments (None: it never calls it)."""
    seen = []
    monkeypatch.setattr(checking, "run", lambda *a, **k: seen.append(SIGNATURE.bind(*a, **k)) or 0)
    try:
        app(args=args, prog_name="kpispec", standalone_mode=False)
    except (SystemExit, typer.Exit, Exception):  # noqa: BLE001 - click's usage errors: typer refused them
        pass
    if not seen:
        return None
    bound = seen[0]
    bound.apply_defaults()
    return dict(bound.arguments)


def _check_command():
    group = typer.main.get_command(app)
    return group.commands["check"]


def test_the_fast_path_knows_every_option_check_declares():
    options, flags = {}, set()
    for param in _check_command().params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        for name in param.opts + param.secondary_opts:
            options[name] = param.name
            if param.is_flag:
                flags.add(name)
    assert {**checking.VALUED, **checking.FLAGS} == options
    assert set(checking.FLAGS) == flags
    # and run() takes exactly the command's parameters, with the same defaults
    command = inspect.signature(sys.modules["kpispec.cli.check"].check)
    assert list(command.parameters) == list(SIGNATURE.parameters)
    for name, param in SIGNATURE.parameters.items():
        if param.default is not inspect.Parameter.empty:
            assert param.default == command.parameters[name].default, name


FORMS = [
    ["check", "plan.kpi"],
    ["check", "a.kpi", "plans", "b.kpi"],
    ["check", "--format", "json", "plan.kpi"],
    ["check", "-f", "sarif", "plan.kpi"],
    ["check", "--format=github", "plan.kpi"],
    ["check", "plan.kpi", "--format", "text", "--format", "json"],  # the last one wins
    ["check", "--lang", "ja", "--strict", "plan.kpi"],
    ["check", "--lang=en", "plan.kpi", "--follow-symlinks"],
    ["check", "--config", "conf/kpispec.toml", "plan.kpi"],
    ["check", "--config=pyproject.toml", "--max-file-size", "2MB", "plan.kpi"],
    ["check", "--max-file-size=500kB", "--strict", "--strict", "plan.kpi"],
    ["check", "--", "--format", "-f", "plan.kpi"],  # after `--`, paths whatever they look like
    ["check", "--strict", "--", "-"],
    ["check", "売上 計画.kpi", "--lang", "ja"],
    ["check", "-", "--stdin-filename", "plans/a.kpi"],
    ["check", "--select", "KPI2", "--select=KPI301,KPI302", "--ignore", "KPI205", "plan.kpi"],
    ["check", "-o", "out.sarif", "-f", "sarif", "plan.kpi"],
    ["check", "--output-file=o.json", "--exit-zero", "--color", "never", "--root", "..", "plan.kpi"],
    ["check", "--color=always", "plan.kpi", "--stdin-filename=x.kpi"],
]


@pytest.mark.parametrize("args", FORMS, ids=[" ".join(f) for f in FORMS])
def test_each_form_gives_typer_s_parameters(args, monkeypatch):
    fast = checking.fast_args(args)
    assert fast is not None, "the fast path should read this form"
    assert fast == _via_typer(args, monkeypatch)


REFUSED = [
    ["check"],  # typer: missing argument
    ["check", "--help"],
    ["check", "-h"],
    ["check", "-fjson", "plan.kpi"],  # click reads it; the fast path leaves attached short values to it
    ["check", "--format", "xml", "plan.kpi"],
    ["check", "--format", "JSON", "plan.kpi"],
    ["check", "--lang", "fr", "plan.kpi"],
    ["check", "--strict=yes", "plan.kpi"],
    ["check", "--max-file-size", "5XB", "plan.kpi"],
    ["check", "--max-file-size", "0", "plan.kpi"],
    ["check", "plan.kpi", "--lang"],
    ["check", "--formats", "json", "plan.kpi"],
    ["check", "--config", "", "plan.kpi"],
    ["check", "-oout.sarif", "plan.kpi"],
    ["check", "--color", "blue", "plan.kpi"],
    ["check", "--select", "", "plan.kpi"],
    ["check", ""],
    ["--version"],
    ["compile", "plan.kpi"],
    ["Check", "plan.kpi"],
    [],
]


@pytest.mark.parametrize("args", REFUSED, ids=[" ".join(f) or "(none)" for f in REFUSED])
def test_anything_else_is_left_to_typer(args):
    assert checking.fast_args(args) is None


def test_random_arguments_read_the_same_or_are_left_to_typer(monkeypatch):
    # Words drawn from check's options, their values (good and bad) and paths, in any order.
    rng = random.Random(16)
    words = ["--format", "-f", "--lang", "--config", "--max-file-size", "--strict", "--follow-symlinks", "--",
             "json", "sarif", "ja", "en", "xml", "10MB", "1k", "nan", "a.kpi", "plans", "-", "--format=json",
             "--lang=ja", "--config=c.toml", "--max-file-size=3MB", "-x", "--strict=1", "--select", "KPI2", "--ignore=KPI205",
             "-o", "out.json", "--exit-zero", "--color", "never", "--root", "--stdin-filename", "--exit-zero=1"]
    read = 0
    for _ in range(300):
        args = ["check"] + [rng.choice(words) for _ in range(rng.randrange(1, 6))]
        fast = checking.fast_args(args)
        if fast is not None:
            read += 1
            assert fast == _via_typer(args, monkeypatch), args
    assert read > 50


def test_a_plain_check_does_not_import_typer_but_help_still_works(tmp_path):
    plan = tmp_path / "plan.kpi"
    plan.write_text('plan p { period 2026-04-01 to 2027-03-31 }\n', encoding="utf-8")
    probe = ("import sys\nsys.argv = ['kpispec'] + sys.argv[1:]\nfrom kpispec.cli import main\n"
             "try:\n    main()\nexcept SystemExit as e:\n    print('exit', e.code, 'typer' in sys.modules)\n")
    ran = subprocess.run([sys.executable, "-c", probe, "check", str(plan)], capture_output=True, text=True, cwd=tmp_path)
    assert ran.stdout.strip().splitlines()[-1] == "exit 0 False", ran.stdout + ran.stderr
    helped = subprocess.run([sys.executable, "-m", "kpispec", "check", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert helped.returncode == 0 and "--max-file-size" in helped.stdout and "--follow-symlinks" in helped.stdout
    refused = subprocess.run([sys.executable, "-m", "kpispec", "check", "-f", "xml", str(plan)], capture_output=True, text=True,
                             cwd=tmp_path)
    assert refused.returncode == 2 and "'xml' is not one of" in refused.stderr


def test_fast_and_typer_paths_exit_and_print_alike(tmp_path):
    # The same run through both doors: `-f json` goes through the fast path, `-fjson` (a short
    # option with its value attached, which the fast path leaves alone) through typer.
    plan = tmp_path / "plan.kpi"
    plan.write_text('kpi a "A" {\n  target >= 10人\n}\n', encoding="utf-8")
    fast = subprocess.run([sys.executable, "-m", "kpispec", "check", "-f", "json", str(plan), "--strict"],
                          capture_output=True, text=True, cwd=tmp_path)
    slow = subprocess.run([sys.executable, "-m", "kpispec", "check", "-fjson", str(plan), "--strict"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert checking.fast_args(["check", "-fjson", "p", "--strict"]) is None
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    assert fast.returncode == 1 and '"code"' in fast.stdout
    assert Path(plan).read_text(encoding="utf-8").startswith("kpi a")


def test_a_double_dash_the_user_types_is_honoured(tmp_path):
    # `kpispec check -- -x.kpi`: the file is named like an option. The user's `--` used to be
    # kept among the options and a second one added before the paths, so click read `--` as a
    # path ("no such file or folder: --"). Found by review.
    (tmp_path / "-x.kpi").write_text('kpi a "A" {\n  target >= 10人\n}\n', encoding="utf-8")
    for args in (["check", "--", "-x.kpi"], ["check", "--strict", "--", "-x.kpi"], ["check", "-f", "json", "--", "-x.kpi"]):
        ran = subprocess.run([sys.executable, "-m", "kpispec", *args], capture_output=True, text=True, cwd=tmp_path)
        assert "no such file" not in ran.stderr, (args, ran.stderr)
        assert ran.returncode in (0, 1) and "-x.kpi" in ran.stdout, (args, ran.stdout, ran.stderr)

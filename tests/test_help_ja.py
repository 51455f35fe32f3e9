"""`--help` in Japanese: every command's page, from kpispec/cli/help_ja.py, and English unchanged.

The pages are read from the real CLI in a subprocess, the language chosen by KPISPEC_LANG, LANG or
`--lang ja` on the command line. Every parameter of every command (walked from the click command
tree) must have its Japanese, listed on its command's page; a page holds no English word but names
(`english_words`), and its lines fit the 78 columns click writes to.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli

from kpispec.cli import help_ja

JA = {"KPISPEC_LANG": "ja", "COLUMNS": "80"}
EN = {"COLUMNS": "80"}

# Names the Japanese pages use as they are: products and formats, the program and the tool `diff`
# runs, the unit `kB` (MB and GB are upper case), the plan language's `param`, and the name of the
# JSON Schema version (`draft 2020-12`).
PROPER = {"kpispec", "git", "GitHub", "Actions", "Mermaid", "Graphviz", "Markdown", "mkdocs", "Schema", "draft", "kB",
          "param", "SaaS", "EC"}


def english_words(page: str) -> list[str]:
    """The English words left on a help page once names are taken out: the usage line (syntax), the
    words it uses (`{file}`, `[code]`) and those of metavars (`<text|json>`: the values, said as they
    are), option names, paths and file names (`plans/ec.kpi`, `.kpi`, `REV:path`), upper-case codes
    and metavars (KPI007, REV, JSON), examples (`cvr=3%`), rule names (`targets-miss-goal`), the
    commands, and PROPER. A word that ends a sentence (`exit.`) is a word."""
    lines = page.splitlines()
    allowed = set(PROPER) | set(help_ja.COMMANDS)
    for line in lines:
        if line.startswith(help_ja.USAGE):
            allowed |= set(re.findall(r"[A-Za-z]+", line))
        for metavar in re.findall(r"<([^>]*)>", line):
            allowed |= set(re.findall(r"[A-Za-z]+", metavar))
    found = []
    for line in lines:
        if line.startswith(help_ja.USAGE):
            continue
        line = re.sub(r"<[^>]*>", " ", line)
        line = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", line)
        line = re.sub(r"[\x21-\x7e]*(?:[/=]|\.[\w*]|\w:\w)[\x21-\x7e]*", " ", line)
        line = re.sub(r"(?<![A-Za-z])[A-Z][A-Z0-9_]+(?![A-Za-z])", " ", line)
        line = re.sub(r"(?<![\w-])[a-z]+(?:-[a-z]+)+(?![\w-])", " ", line)
        found += [w for w in re.findall(r"[A-Za-z]+", line) if w not in allowed]
    return found


def test_the_checker_finds_english_and_lets_names_through():
    page = ("使い方: kpispec compile [OPTIONS] {file}\n\n  計画を JSON にコンパイルします。\n\n引数:\n"
            "  file  コンパイルする .kpi ファイル。  [必須]\n\nオプション:\n"
            "  -f, --format <text|json>  text または json。KPI007、--set cvr=3%、targets-miss-goal、kB\n")
    assert english_words(page) == []
    assert english_words(page + "  --help  Show this message and exit.\n") == ["Show", "this", "message", "and", "exit"]
    assert english_words(page.replace("[必須]", "[required]")) == ["required"]
    assert english_words(page.replace("オプション:", "Options:")) == ["Options"]


# ------------------------------------------------------------------ every command, every parameter


def _tree():
    """(command name, command, context) for kpispec itself ("") and every command under it."""
    import typer

    from kpispec.cli.application import app

    def walk(name, command, parent):
        ctx = command.context_class(command, info_name=name or "kpispec", parent=parent)
        yield name, command, ctx
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub.name, sub, ctx)

    yield from walk("", typer.main.get_command(app), None)


TREE = [(name, command) for name, command, _ in _tree()]
NAMES = [name for name, _ in TREE]


def test_every_command_and_parameter_has_its_japanese_help():
    missing = []
    for name, command, ctx in _tree():
        if help_ja.command_help(name) is None:
            missing.append(name or "kpispec")
        for param in command.get_params(ctx):
            if not param.hidden and not help_ja.param_help(name, param):
                missing.append(f"{name or 'kpispec'} {param.name}")
    assert missing == [], f"no Japanese help in kpispec/cli/help_ja.py for: {missing}"


def test_every_japanese_help_is_of_a_command_and_a_parameter_that_exist():
    params = {(name, param.name) for name, command, ctx in _tree() for param in command.get_params(ctx)}
    assert sorted(set(help_ja.PARAMS) - params) == []
    assert sorted(set(help_ja.COMMANDS) - set(NAMES)) == []
    assert {n for _, n in params} >= set(help_ja.SHARED)


def test_a_shared_help_is_used_only_where_the_english_is_the_one_it_translates():
    class Param:
        name, help = "lang", "Message language (default: from LANG)."

    assert help_ja.param_help("check", Param()) == help_ja.SHARED["lang"][1]
    Param.help = "The language of the plan's labels."  # another --lang: it needs an entry of its own
    assert help_ja.param_help("check", Param()) is None


def _page(name: str, *extra: str, env=None) -> subprocess.CompletedProcess:
    args = [name, "--help"] if name else ["--help"]
    return run_cli(*args, *extra, env=env or EN)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", NAMES, ids=[n or "kpispec" for n in NAMES])
def test_help_in_japanese(name):
    ran = _page(name, env=JA)
    assert (ran.returncode, ran.stderr) == (0, "")
    page = ran.stdout
    path = f"kpispec {name}".strip()
    assert page.startswith(f"使い方: {path} [OPTIONS]")
    assert "\nオプション:\n" in page
    assert english_words(page) == []
    for word in ("Usage", "Options", "Arguments", "Commands", "Show this message", "default", "required"):
        assert word not in page
    assert all(help_ja.cells(line) <= 78 for line in page.splitlines()), page
    command = dict(TREE)[name]
    ctx = next(c for n, _, c in _tree() if n == name)
    assert _squeezed(help_ja.COMMANDS[name][0]) in _squeezed(page)
    for param in command.get_params(ctx):
        for opt in param.opts if param.param_type_name == "option" else [param.human_readable_name]:
            assert re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", page), opt
        assert _squeezed(help_ja.param_help(name, param)) in _squeezed(page), param.name
    if any(p.param_type_name == "argument" for p in command.params):
        assert "\n引数:\n" in page
    if name == "":
        assert "\nコマンド:\n" in page
        for sub in NAMES[1:]:
            short = help_ja.COMMANDS[sub][1] or help_ja.COMMANDS[sub][0]
            assert re.search(rf"^  {sub} +{re.escape(short)}$", page, re.M), sub
    # the same page whichever way the language is asked for
    assert _page(name, env={**EN, "LANG": "ja_JP.UTF-8"}).stdout == page
    if any(p.name == "lang" for p in command.params):
        assert _page(name, "--lang", "ja").stdout == page
        assert _page(name, "--lang=ja", env={**EN, "KPISPEC_LANG": "en"}).stdout == page
        assert run_cli(*[name][:bool(name)], "--lang", "ja", "--help", env=EN).stdout == page


def test_click_words_around_the_help_in_japanese():
    check = _page("check", env=JA).stdout
    assert "  paths...  検査するファイルかフォルダ。フォルダはその中の *.kpi ファイルを探\n" in check
    assert "            します。- は標準入力から計画を読みます。  [必須]\n" in check
    assert "  -h, --help                      このヘルプを表示して終了します。\n" in check
    assert "                                  れ以外では text。\n" in check
    assert "指定します。  [既定値: 100MB]\n" in check
    docs = _page("docs", env=JA).stdout
    assert "                       [既定値: 127.0.0.1:8000]\n" in docs  # kept whole on its line


def test_kpispec_alone_prints_its_help_in_japanese():
    alone = run_cli(env=JA)
    assert (alone.returncode, alone.stdout) == (2, "")
    assert alone.stderr == _page("", env=JA).stdout
    assert alone.stderr.startswith("使い方: kpispec [OPTIONS] COMMAND [ARGS]...\n")


def test_the_japanese_wraps_by_display_width_and_never_inside_a_name():
    assert help_ja.cells("計画 abc") == 8
    assert help_ja.wrap("計画を検査します。", 8) == ["計画を検", "査しま", "す。"]  # 。never starts a line
    assert help_ja.wrap("この kpispec.toml を使います", 12) == ["この", "kpispec.toml", "を使います"]
    assert help_ja.wrap("値（KPI007）を読む", 10) == ["値", "（KPI007）", "を読む"]
    assert help_ja.wrap("アドレス。", 30, "  [既定値: 127.0.0.1:8000]") == ["アドレス。", "[既定値: 127.0.0.1:8000]"]
    assert help_ja.wrap("アドレス。", 16, "  [既定値: 127.0.0.1:8000]") == ["アドレス。", "[既定値:", "127.0.0.1:8000]"]
    assert help_ja.wrap("アドレス。", 30, "  [既定値: 8000]") == ["アドレス。  [既定値: 8000]"]


# ------------------------------------------------------------------------------ English unchanged

ROOT_EN = """\
Usage: kpispec [OPTIONS] COMMAND [ARGS]...

  kpispec: KPI plans as code. Check, compile and document .kpi files.

Options:
  --version       Show the version and exit.
  --lang <en|ja>  Message language (default: from LANG).
  -h, --help      Show this message and exit.

Commands:
  check    Check plans: syntax, names, SMART completeness, tree...
  compile  Compile a plan to JSON (see schemas/kpispec.schema.json).
  diff     Compare plans by meaning: what changed, and each goal's...
  docs     Build a documentation site of the plans: trees, goals, tables...
  explain  Explain a rule: what it checks, why, a failing and a passing...
  fmt      Format plans in kpispec's one layout, keeping every comment...
  graph    Draw a plan's KPI tree as a Mermaid flowchart or a Graphviz...
  init     Start a project: a starter plan that checks clean,...
  schema   Print the JSON Schema (draft 2020-12) of the compiled JSON.
  whatif   Recompute a plan with other values (--set), solve for an input...
"""

# A few lines of each page as they were before --help spoke Japanese.
EN_LINES = {
    "init": ["Usage: kpispec init [OPTIONS] [folder]", "  folder  The folder to set up (created if missing).  [default: .]",
             "  -t, --template <ec|b2b|sns|subscription>", "  --hook-rev <str>                The tag or commit of --hook-repo to use."],
    "check": ["Usage: kpispec check [OPTIONS] paths...", "Arguments:",
              "  paths...  Files or folders; folders are searched for *.kpi files; - reads a",
              "            plan from standard input.  [required]",
              "  -f, --format <text|json|sarif|github>", "                                  Actions, else text.",
              "  --lang <en|ja>                  Message language (default: from LANG).",
              "  -h, --help                      Show this message and exit."],
    "compile": ["  file  The .kpi file to compile.  [required]", "                         [default: 100MB]"],
    "diff": ["Usage: kpispec diff [OPTIONS] [OLD] [NEW]", "  --max-file-size SIZE            Refuse larger files and blobs: bytes, or"],
    "docs": ["  --dev-addr <str>     Address and port of the preview.  [default:", "                       127.0.0.1:8000]"],
    "explain": ["  code  A rule code such as KPI301, or its name (targets-miss-goal)."],
    "fmt": ["Usage: kpispec fmt [OPTIONS] paths...", "  --check                Change no file: list the files that would change, and"],
    "graph": ["  -f, --format <mermaid|dot>  mermaid (for Markdown) or dot (Graphviz)."],
    "schema": ["Usage: kpispec schema [OPTIONS]", "  -h, --help           Show this message and exit."],
    "whatif": ["  --set ID=VALUE            Put VALUE in place of ID's target (or a param's",
               "  -f, --format <text|json>  text or json.  [default: text]"],
}


def test_english_help_is_as_it_was():
    assert _page("").stdout == ROOT_EN
    assert run_cli(env=EN).stderr == ROOT_EN
    assert _page("", env={**EN, "LANG": "ja_JP.UTF-8", "KPISPEC_LANG": "en"}).stdout == ROOT_EN
    assert set(EN_LINES) == set(NAMES[1:])
    for name, lines in EN_LINES.items():
        page = _page(name).stdout
        assert page.startswith(f"Usage: kpispec {name} [OPTIONS]") and "\nOptions:\n" in page
        for line in lines:
            assert line in page.splitlines(), (name, line)
        if name != "schema":  # the only command without --lang
            assert _page(name, "--lang", "en", env=JA).stdout == page  # --lang en wins over the environment


# ------------------------------------------------------------------------- imported only for help

PROBE = r"""
import json, sys
sys.argv = ["kpispec", *sys.argv[1:]]
from kpispec.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize("args,imported", [
    (["check", "plan.kpi"], False),  # the fast path, without typer
    (["check", "--strict=", "plan.kpi"], False),  # typer's path: a usage error in Japanese
    (["schema"], False),
    (["check", "--help"], True),
])
def test_the_japanese_help_is_imported_only_to_show_help(tmp_path, args, imported):
    (tmp_path / "plan.kpi").write_text((ROOT / "examples" / "ec_site.kpi").read_text(encoding="utf-8"), encoding="utf-8")
    env = {"KPISPEC_LANG": "ja", "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=tmp_path, capture_output=True, text=True,
                            encoding="utf-8", env={**_base_env(), **env})
    modules = set(json.loads(result.stderr.strip().splitlines()[-1]))
    assert ("kpispec.cli.help_ja" in modules) is imported, result.stderr[:500]


def _base_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "KPISPEC_LANG")}

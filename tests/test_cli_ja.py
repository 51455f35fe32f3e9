"""The command line's own messages in Japanese: usage errors and every failure the CLI reports.

Each case runs the real CLI three ways: in English (its text exactly as before, click's own for a
usage error), with KPISPEC_LANG=ja, and with `--lang ja` on the command line (the language of a
usage error is read from the command line before click has parsed it). The Japanese is asserted
exactly, and `english_words` holds it to no English word but names: option names, paths, ids,
codes, quoted input and the usage line (which is syntax, and stays as click writes it).
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from conftest import run_cli

PLAN = 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n'

# The program, the tool `diff` runs, and the commands: names, as `--lang` is.
NAMES = {"kpispec", "git", "check", "compile", "diff", "docs", "explain", "graph", "schema", "whatif"}


def english_words(text: str, allowed=()) -> list[str]:
    """The English words left in `text` once names are taken out: the usage line (syntax), quoted
    text ('…', `…`: input, values, ids), option names, paths (with a `/` or a `.`), upper-case codes
    and metavars (KPI007, REV, SIGTERM), and the `allowed` words (the ids and paths a case uses)."""
    found = []
    for line in text.splitlines():
        if line.startswith("使い方: "):
            continue
        line = re.sub(r"'[^']*'|`[^`]*`", " ", line)
        line = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", line)
        line = re.sub(r"[\x21-\x7e]*[/.][\x21-\x7e]*", " ", line)
        line = re.sub(r"(?<![A-Za-z])[A-Z][A-Z0-9_]+(?![A-Za-z])", " ", line)
        found += [w for w in re.findall(r"[A-Za-z]+", line) if w not in NAMES and w not in allowed]
    return found


def test_the_checker_finds_english_and_lets_names_through():
    assert english_words("kpispec: エラー: cannot read plan.kpi") == ["cannot", "read"]
    assert english_words("エラー: オプション --formatt はありません。--format のことですか？") == []
    assert english_words("使い方: kpispec check [OPTIONS] {paths}...\nエラー: 引数 'paths' を指定してください。") == []
    assert english_words("リビジョン nosuch が見つかりません") == ["nosuch"]
    assert english_words("リビジョン nosuch が見つかりません", {"nosuch"}) == []
    assert english_words("KPI007 の上限 50MB、--git REV、plans/ec.kpi、`param`") == []
    assert english_words("Error: bad") == ["Error", "bad"]


def words_given(args) -> set[str]:
    """The words of what the user typed (paths, ids, values), not of the options' names."""
    return {w for a in args if not a.startswith("-") for w in re.findall(r"[A-Za-z]+", a)}


@pytest.fixture
def work(tmp_path):
    """A git repository holding one plan, a folder without plans, a FIFO, a broken link, a link out
    of the repository and a folder holding only a link; and a folder outside any repository."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "plan.kpi").write_text(PLAN, encoding="utf-8")
    (repo / "empty").mkdir()
    (repo / "empty" / "notes.txt").write_text("not a plan\n", encoding="utf-8")
    os.mkfifo(repo / "fifo.kpi")
    (repo / "broken.kpi").symlink_to(repo / "gone.kpi")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.kpi").write_text(PLAN, encoding="utf-8")
    (repo / "leak").symlink_to(outside)
    (repo / "links").mkdir()
    (repo / "links" / "a.kpi").symlink_to(repo / "plan.kpi")
    (repo / "readonly.json").write_text("{}\n", encoding="utf-8")
    (repo / "readonly.json").chmod(0o444)
    git = ["git", "-c", "user.email=k@example.com", "-c", "user.name=k", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "."], cwd=repo, check=True)
    subprocess.run([*git, "add", "plan.kpi"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "plan"], cwd=repo, check=True)
    return repo


JA = {"KPISPEC_LANG": "ja"}

# ------------------------------------------------------------------------------ usage errors

# (arguments, click's English error line, the Japanese one); where click shows the usage, both
# show it: the same usage line, `Usage: ` in English and `使い方: ` in Japanese.
USAGE = [
    (["check", "--formatt", "json", "plan.kpi"], "Error: No such option: --formatt (Possible options: --format)",
     "エラー: オプション --formatt はありません。--format のことですか？"),
    (["compile", "-x", "plan.kpi"], "Error: No such option: -x", "エラー: オプション -x はありません。"),
    (["--versoin"], "Error: No such option: --versoin (Possible options: --version)",
     "エラー: オプション --versoin はありません。--version のことですか？"),
    (["chek", "plan.kpi"], "Error: No such command 'chek'. Did you mean 'check', 'schema'?",
     "エラー: コマンド 'chek' はありません。'check'、'schema' のどちらかのことですか？"),
    (["check"], "Error: Missing argument 'paths'.", "エラー: 引数 'paths' を指定してください。"),
    (["whatif"], "Error: Missing argument 'file'.", "エラー: 引数 'file' を指定してください。"),
    (["check", "--format", "xml", "plan.kpi"],
     "Error: Invalid value for '--format' / '-f': 'xml' is not one of 'text', 'json', 'sarif', 'github'.",
     "エラー: '--format' / '-f' の値 'xml' は使えません。'text'、'json'、'sarif'、'github' のどれかを指定してください。"),
    (["diff", "-fhtml", "a.kpi", "b.kpi"],
     "Error: Invalid value for '--format' / '-f': 'html' is not one of 'text', 'markdown', 'json'.",
     "エラー: '--format' / '-f' の値 'html' は使えません。'text'、'markdown'、'json' のどれかを指定してください。"),
    (["check", "--max-file-size", "5XB", "plan.kpi"], "Error: Invalid value: '5XB' is not a size such as 50MB",
     "エラー: --max-file-size の値 '5XB' はサイズとして読めません（50MB のように指定してください）"),
    (["whatif", "plan.kpi", "--max-file-size", "0"], "Error: Invalid value: '0' is not a size such as 50MB",
     "エラー: --max-file-size の値 '0' はサイズとして読めません（50MB のように指定してください）"),
    (["compile", "plan.kpi", "b", "c"], "Error: Got unexpected extra argument(s) (b c)",
     "エラー: 余計な引数があります：'b'、'c'"),
    (["check", "plan.kpi", "--lang"], "Error: Option '--lang' requires an argument.",
     "エラー: オプション --lang には値が必要です。"),
    (["graph", "-f"], "Error: Option '-f' requires an argument.", "エラー: オプション -f には値が必要です。"),
    (["check", "--strict=yes", "plan.kpi"], "Error: Option '--strict' does not take a value.",
     "エラー: オプション --strict は値を取りません。"),
]


def _with_lang(args: list[str], form: str) -> list[str]:
    """`--lang ja` (or `--lang=ja`) right after the command, before the error, whatever it is; after
    an option of `kpispec` itself (which has no --lang)."""
    where = len(args) if args[0].startswith("-") else 1
    return [*args[:where], *(["--lang", "ja"] if form == "--lang ja" else ["--lang=ja"]), *args[where:]]


@pytest.mark.parametrize("args,english,japanese", USAGE, ids=[" ".join(u[0]) for u in USAGE])
def test_usage_errors_in_japanese(work, args, english, japanese):
    en = run_cli(*args, cwd=work)
    assert en.returncode == 2 and en.stdout == ""
    lines = en.stderr.splitlines()
    assert lines[-1] == english  # click's own English, untouched
    path = "kpispec" if args[0].startswith("-") or args[0] == "chek" else f"kpispec {args[0]}"
    if len(lines) > 1:  # click showed the usage: so does the Japanese, the same usage line
        assert lines[0].startswith("Usage: kpispec") and lines[1:3] == [f"Try '{path} --help' for help.", ""]
        expected = f"使い方: {lines[0].removeprefix('Usage: ')}\n'{path} --help' で使い方の詳細を表示できます。\n\n{japanese}\n"
    else:
        expected = f"{japanese}\n"
    for ran in (run_cli(*args, cwd=work, env=JA), run_cli(*_with_lang(args, "--lang ja"), cwd=work),
                run_cli(*_with_lang(args, "--lang=ja"), cwd=work)):
        assert (ran.returncode, ran.stdout) == (2, "")
        assert ran.stderr == expected
        assert english_words(ran.stderr, words_given(args)) == []


def test_the_last_lang_on_the_command_line_wins_even_against_the_environment(work):
    ran = run_cli("check", "--lang", "ja", "--formatt", "x", "--lang", "en", cwd=work, env=JA)
    assert ran.stderr.endswith("Error: No such option: --formatt (Possible options: --format)\n")
    ran = run_cli("check", "--formatt", "x", "--lang", "ja", cwd=work, env={"KPISPEC_LANG": "en"})
    assert ran.stderr.endswith("エラー: オプション --formatt はありません。--format のことですか？\n")
    # the value of another option is not an option, and nothing after `--` is
    ran = run_cli("whatif", "plan.kpi", "--set", "--lang=ja", cwd=work)
    assert ran.stderr == "kpispec: error: the plan has no node (KGI or KPI) or param `--lang`\n"
    ran = run_cli("check", "--formatt", "--", "--lang", "ja", cwd=work)
    assert ran.stderr.endswith("Error: No such option: --formatt (Possible options: --format)\n")


def test_kpispec_alone_prints_its_help_in_the_language(work):
    ran = run_cli(cwd=work, env=JA)  # the help itself in Japanese: tests/test_help_ja.py
    assert ran.returncode == 2 and ran.stderr.startswith("使い方: kpispec [OPTIONS] COMMAND [ARGS]...")
    ran = run_cli(cwd=work)
    assert ran.returncode == 2 and ran.stderr.startswith("Usage: kpispec [OPTIONS] COMMAND [ARGS]...")


def test_every_option_that_takes_a_value_is_known_to_the_command_line_reader():
    # main() reads `--lang` before click does, skipping the value of every option that takes one
    # (`--set --lang=ja` sets `--lang=ja`), and keeps such a value from being taken for a path.
    import typer

    from kpispec.cli import _VALUED
    from kpispec.cli.application import app

    for name, command in typer.main.get_command(app).commands.items():
        for param in command.params:
            if param.param_type_name == "option" and not (param.is_flag or param.count):
                assert set(param.opts) <= _VALUED, (name, param.opts)


def test_the_language_on_the_command_line():
    from kpispec.cli import _VALUED
    from kpispec.cli.common import language_in

    assert language_in(["check", "--lang", "ja", "x"]) == "ja"
    assert language_in(["check", "--lang=ja", "--lang", "en"]) == "en"
    assert language_in(["check", "--lang", "fr"]) is None
    assert language_in(["check", "x", "--lang"]) is None
    assert language_in(["check", "--", "--lang", "ja"]) is None
    assert language_in(["whatif", "--set", "--lang", "ja"], _VALUED) is None
    assert language_in(["whatif", "--set", "--lang", "--lang", "ja"], _VALUED) == "ja"


# ------------------------------------------------------------------------ the CLI's own failures

# (arguments, the English on stderr, the Japanese, whether the command takes --lang); `{outside}`
# is the folder outside the repository, resolved.
FAILURES = [
    (["check", "nosuch.kpi"], "kpispec: error: no such file or folder: nosuch.kpi\n",
     "kpispec: エラー: ファイルもフォルダも見つかりません：nosuch.kpi\n"),
    (["check", "empty"], "kpispec: error: no .kpi files found\n", "kpispec: エラー: .kpi ファイルが見つかりません\n"),
    (["check", "fifo.kpi"], "kpispec: error: fifo.kpi is a FIFO (named pipe), not a regular file: it was not read\n",
     "kpispec: エラー: fifo.kpi は名前付きパイプで、通常のファイルではないため読みませんでした\n"),
    (["check", "broken.kpi"],
     "kpispec: error: broken.kpi is a symbolic link that leads nowhere (to nothing, or round in a loop)\n",
     "kpispec: エラー: broken.kpi はどこにもたどり着かないシンボリックリンクです（リンク先がないか、循環しています）\n"),
    (["check", "leak/secret.kpi"],
     "kpispec: error: not following symbolic link leak: it points outside the repository (to {outside}); "
     "pass --follow-symlinks to read it anyway\n",
     "kpispec: エラー: シンボリックリンクをたどりません：leak はリポジトリの外（{outside}）を指しています。"
     "それでも読むには --follow-symlinks を付けてください\n"),
    (["check", "links"],
     "kpispec: note: skipped symbolic link links/a.kpi (pass --follow-symlinks to follow it)\n"
     "kpispec: error: no .kpi files found\n",
     "kpispec: 注意: シンボリックリンク links/a.kpi を飛ばしました（たどるには --follow-symlinks を付けてください）\n"
     "kpispec: エラー: .kpi ファイルが見つかりません\n"),
    (["compile", "empty"], "kpispec: error: empty is a folder; compile takes one .kpi file\n",
     "kpispec: エラー: empty はフォルダです。kpispec compile には .kpi ファイルを 1 つ指定してください\n"),
    (["compile", "plan.kpi", "-o", "plan.kpi"],
     "kpispec: error: refusing to write plan.kpi: it is the input plan.kpi; choose another output\n",
     "kpispec: エラー: plan.kpi には書き込みません：入力の plan.kpi そのものです。別の出力先を選んでください\n"),
    (["compile", "plan.kpi", "-o", "missing/plan.json"],
     "kpispec: error: cannot write missing/plan.json: no such folder missing\n",
     "kpispec: エラー: missing/plan.json に書き込めません：フォルダ missing がありません\n"),
    (["compile", "plan.kpi", "-o", "/dev/stdout"],
     "kpispec: error: refusing to write /dev/stdout: it is a file descriptor of this process; leave out -o to "
     "print to standard output\n",
     "kpispec: エラー: /dev/stdout には書き込みません：このプロセスのファイル記述子です。標準出力に出すには -o を付けないでください\n"),
    (["compile", "plan.kpi", "-o", "readonly.json"],
     "kpispec: error: refusing to write readonly.json: it is read-only; make it writable first if it should be "
     "replaced\n",
     "kpispec: エラー: readonly.json には書き込みません：読み取り専用です。置き換えてよいなら、先に書き込めるようにしてください\n"),
    (["graph", "empty"], "kpispec: error: empty is a folder; graph takes one .kpi file\n",
     "kpispec: エラー: empty はフォルダです。kpispec graph には .kpi ファイルを 1 つ指定してください\n"),
    (["graph", "nosuch.kpi"], "kpispec: error: no such file or folder: nosuch.kpi\n",
     "kpispec: エラー: ファイルもフォルダも見つかりません：nosuch.kpi\n"),
    (["whatif", "empty"], "kpispec: error: empty is a folder; whatif takes one .kpi file\n",
     "kpispec: エラー: empty はフォルダです。kpispec whatif には .kpi ファイルを 1 つ指定してください\n"),
    (["whatif", "plan.kpi", "--solve", "nosuch"], "kpispec: error: the plan has no KPI `nosuch`\n",
     "kpispec: エラー: 計画に KPI `nosuch` はありません\n"),
    (["whatif", "plan.kpi", "--goal", "nosuch"],
     "kpispec: error: `nosuch` is not a goal: --goal takes a node with a formula\n",
     "kpispec: エラー: `nosuch` は目標ではありません：--goal には式を持つノードを指定してください\n"),
    (["whatif", "plan.kpi", "--max-file-size", "10"],
     f"kpispec: error: plan.kpi is too large to read ({len(PLAN.encode())} bytes; the limit is 10): raise --max-file-size\n",
     f"kpispec: エラー: plan.kpi は大きすぎて読めません（{len(PLAN.encode())} バイト、上限は 10 バイト）："
     "--max-file-size を引き上げてください\n"),
    (["diff", "--git", "nosuch"], "kpispec: error: unknown revision nosuch\n",
     "kpispec: エラー: リビジョン nosuch が見つかりません\n"),
    (["diff", "nosuch:plan.kpi", "plan.kpi"], "kpispec: error: unknown revision nosuch\n",
     "kpispec: エラー: リビジョン nosuch が見つかりません\n"),
    (["diff", "--git", "-x"], "kpispec: error: refusing revision -x: it starts with '-'\n",
     "kpispec: エラー: リビジョン -x は使えません：'-' で始まっています\n"),
    (["diff", "HEAD:gone.kpi", "plan.kpi"], "kpispec: error: gone.kpi does not exist in HEAD\n",
     "kpispec: エラー: gone.kpi は HEAD にありません\n"),
    (["diff", "HEAD:", "plan.kpi"], "kpispec: error: HEAD: names no file: give REV:path, such as HEAD~1:plans/ec.kpi\n",
     "kpispec: エラー: HEAD: はファイルを指していません：HEAD~1:plans/ec.kpi のように REV:パス で指定してください\n"),
    (["diff", "plan.kpi"],
     "kpispec: error: give two plans to compare (OLD NEW, each a file or REV:path), or --git REV\n",
     "kpispec: エラー: 比較する 2 つの計画（OLD NEW：それぞれファイルか REV:パス）か、--git REV を指定してください\n"),
    (["diff", "plan.kpi", "plan.kpi", "--git", "HEAD"],
     "kpispec: error: give either two plans (OLD NEW) or --git REV, not both\n",
     "kpispec: エラー: 比較する 2 つの計画（OLD NEW）か --git REV の、どちらか一方だけを指定してください\n"),
    (["diff", "empty", "plan.kpi"], "kpispec: error: empty is a folder; diff takes two .kpi files (or --git REV)\n",
     "kpispec: エラー: empty はフォルダです。kpispec diff には .kpi ファイルを 2 つ（または --git REV）指定してください\n"),
    (["diff", "../outside/secret.kpi", "HEAD:plan.kpi"],
     "kpispec: error: not a git repository: REV:path and --git read plans from git\n",
     "kpispec: エラー: git リポジトリの中ではありません：REV:パス と --git は git から計画を読みます\n"),
    (["docs", "plan.kpi"], "kpispec: error: say where the site goes with -o DIR (or preview it with --serve)\n",
     "kpispec: エラー: サイトの出力先を -o DIR で指定してください（プレビューなら --serve）\n"),
    (["docs", "nosuch.kpi", "gone.kpi", "-o", "site"],
     "kpispec: error: no such file or folder: nosuch.kpi; no such file or folder: gone.kpi\n",
     "kpispec: エラー: ファイルもフォルダも見つかりません：nosuch.kpi；ファイルもフォルダも見つかりません：gone.kpi\n"),
    (["docs", "empty", "-o", "site"], "kpispec: error: no .kpi files found\n",
     "kpispec: エラー: .kpi ファイルが見つかりません\n"),
    (["docs", "plan.kpi", "-o", "plan.kpi"], "kpispec: error: plan.kpi exists and is not a folder\n",
     "kpispec: エラー: plan.kpi は既にあり、フォルダではありません\n"),
    (["docs", "plan.kpi", "-o", "empty"],
     "kpispec: error: empty is not empty and is not a site kpispec built: choose a new folder (kpispec replaces a "
     "site folder whole, and will not empty this one)\n",
     "kpispec: エラー: empty は空でなく、kpispec が作ったサイトでもありません。新しいフォルダを選んでください"
     "（kpispec はサイトのフォルダを丸ごと置き換えるため、このフォルダを空にすることはしません）\n"),
    (["schema", "-o", "missing/schema.json"], "kpispec: error: cannot write missing/schema.json: no such folder missing\n",
     "kpispec: エラー: missing/schema.json に書き込めません：フォルダ missing がありません\n"),
]


@pytest.mark.parametrize("args,english,japanese", FAILURES, ids=[" ".join(f[0]) for f in FAILURES])
def test_cli_failures_in_japanese(work, args, english, japanese):
    outside = os.path.realpath(work.parent / "outside")
    env = {}
    if args[0] == "diff" and args[1].startswith("../"):
        work = work.parent / "outside"  # outside any repository, wherever the temporary folder is
        args = ["diff", args[1].removeprefix("../outside/"), *args[2:]]
        env = {"GIT_CEILING_DIRECTORIES": str(work.parent)}
    english, japanese = english.replace("{outside}", outside), japanese.replace("{outside}", outside)
    en = run_cli(*args, cwd=work, env=env)
    assert (en.returncode, en.stderr) == (2, english)
    runs = [run_cli(*args, cwd=work, env={**env, **JA})]
    if args[0] != "schema":  # schema takes no --lang: the environment says it
        runs.append(run_cli(*args, "--lang", "ja", cwd=work, env=env))
    for ran in runs:
        assert (ran.returncode, ran.stderr) == (2, japanese)
        assert english_words(ran.stderr, words_given(args)) == [], ran.stderr


def test_a_note_from_diff_and_the_site_written_are_japanese_too(work):
    (work / "plan.kpi").unlink()
    (work / "plan.kpi").symlink_to(work / "empty" / "notes.txt")
    ran = run_cli("diff", "--git", "HEAD", "--lang", "ja", cwd=work)
    assert "kpispec: 注意: plan.kpi を飛ばしました：HEAD でも作業ツリーでも通常のファイルではありません\n" in ran.stderr
    assert english_words(ran.stderr, {"plan"}) == []
    (work / "plan.kpi").unlink()
    (work / "plan.kpi").write_text(PLAN, encoding="utf-8")
    built = run_cli("docs", "plan.kpi", "-o", "site", cwd=work, env=JA)
    assert (built.returncode, built.stderr) == (0, f"kpispec: サイトを site{os.sep}index.html に書き出しました\n")


def test_a_lang_before_the_command_is_the_run_s_language_unless_the_command_says_otherwise(tmp_path):
    # `kpispec --lang ja check …` was a usage error: the root had no --lang
    ran = run_cli("--lang", "ja", "check", "nosuch.kpi", cwd=tmp_path)
    assert (ran.returncode, ran.stderr) == (2, "kpispec: エラー: ファイルもフォルダも見つかりません：nosuch.kpi\n")
    ran = run_cli("--lang", "ja", "check", "nosuch.kpi", "--lang", "en", cwd=tmp_path)
    assert (ran.returncode, ran.stderr) == (2, "kpispec: error: no such file or folder: nosuch.kpi\n")

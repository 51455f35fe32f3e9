"""Configuration: every malformed file is one clear line (never a traceback), and the search is scoped.

The search for kpispec.toml / pyproject.toml climbs from a plan's folder to the repository root and
no further; only regular files count, and a file is read without blocking and at most 1 MiB of it.
"""

from __future__ import annotations

import os
import subprocess
import threading
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import run_cli

from kpispec.codes import all_rules
from kpispec.config import (
    DEFAULT, DEFAULT_VANITY, KNOWN_KEYS, MAX_BYTES, Config, ConfigError, find_config, from_table, load,
    repository_root,
)
from kpispec.diagnostics import Severity

CODES = {r.code for r in all_rules()}
PLAN = (
    'plan p "計画" { period 2026-04-01 to 2027-03-31 }\n'
    'kpi web_cvr "Web CVR" { target 2% }\n'
    'kpi app_cvr "アプリCVR" { target 3% }\n'
    'kpi cvr "CVR" {\n  target 5%\n  formula web_cvr + app_cvr\n}\n'
)  # KPI305 (a sum of percentages) is a warning here


def load_text(tmp_path: Path, text, name: str = "kpispec.toml") -> Config:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return load(path, CODES)


def config_error(tmp_path: Path, text, name: str = "kpispec.toml") -> str:
    """The message after the file's name: `:3:1: …` where the place is known, else `: …`."""
    with pytest.raises(ConfigError) as info:
        load_text(tmp_path, text, name)
    message = str(info.value)
    shown = str(tmp_path / name).replace("\n", "\\u000A").replace("\x1b", "\\u001B")
    assert message.startswith(shown + ":"), message
    assert len(message.splitlines()) == 1 and "\n" not in message, message  # one line
    assert message.isprintable(), message  # no raw control characters reach the terminal
    assert len(message) < 300, message
    assert info.value.message.en == message and info.value.message.ja.startswith(shown)
    return message[len(shown):]


# ---------------------------------------------------------------- malformed settings: table of cases

CASES = [
    # the crashes found on main
    ('severity = "x"', ":1:1", 'severity must be a table of rule codes and levels such as { KPI205 = "info" }, not "x"'),
    ("severity = 5", ":1:1", "severity must be a table of rule codes and levels such as { KPI205 = \"info\" }, not 5"),
    ("disable = 5", ":1:1", 'disable must be a list of rule codes such as ["KPI215"], not 5'),
    ("disable = [[1]]", ":1:1", 'disable must be a list of rule codes such as ["KPI215"], not [[1]]'),
    ("growth-bound = inf", ":1:1", "growth-bound must be a finite number above 1 such as 3, not inf"),
    ("growth-bound = -inf", ":1:1", "growth-bound must be a finite number above 1 such as 3, not -inf"),
    ("growth-bound = nan", ":1:1", "growth-bound must be a finite number above 1 such as 3, not nan"),
    ("growth-bound = 1e400", ":1:1", "not inf (numbers beyond about 1.8e308 are infinite)"),
    ('disable = "KPI215"', ":1:1", 'disable must be a list of rule codes such as ["KPI215"], not "KPI215"'),
    # rule codes: misspelled ones get the closest real code
    ('disable = ["KPI2155"]', ":1:12", 'disable: unknown rule code "KPI2155" (did you mean "KPI215"?)'),
    ('disable = ["kpi215"]', ":1:12", 'disable: unknown rule code "kpi215" (did you mean "KPI215"?)'),
    ('disable = ["KPI215", 7]', ":1:1", 'disable must be a list of rule codes such as ["KPI215"], not ["KPI215", 7]'),
    ('severity = { KPl205 = "off" }', ":1:14", 'severity: unknown rule code "KPl205" (did you mean "KPI205"?)'),
    ('severity = { "" = "off" }', ":1:14", 'severity: unknown rule code ""'),
    # severity levels
    ('severity = { KPI205 = "warn" }', ":1:14", 'severity.KPI205 must be "error", "warning", "info" or "off", not "warn" (did you mean "warning"?)'),
    ('severity = { KPI205 = "Error" }', ":1:14", 'not "Error" (did you mean "error"?)'),
    ("severity = { KPI205 = 1 }", ":1:14", 'severity.KPI205 must be "error", "warning", "info" or "off", not 1'),
    ("severity = { KPI205 = false }", ":1:14", "not false"),
    ('severity = { KPI205 = ["off"] }', ":1:14", 'not ["off"]'),
    ('severity = { KPI205 = { level = "off" } }', ":1:14", 'not { level = "off" }'),
    ("severity = { KPI205 = 2026-04-01 }", ":1:14", "not 2026-04-01"),
    ('severity = ["KPI205"]', ":1:1", 'severity must be a table of rule codes and levels such as { KPI205 = "info" }, not ["KPI205"]'),
    # numbers
    ('growth-bound = "3"', ":1:1", 'growth-bound must be a number above 1 such as 3, not "3" (write the number without quotes)'),
    ('growth-bound = "lots"', ":1:1", 'growth-bound must be a number above 1 such as 3, not "lots"'),
    ("growth-bound = 1", ":1:1", "growth-bound must be a number above 1 such as 3, not 1"),
    ("growth-bound = 0.5", ":1:1", "not 0.5"),
    ("growth-bound = true", ":1:1", "not true"),
    ("growth-bound = 2026-04-01T09:00:00+09:00", ":1:1", "not 2026-04-01T09:00:00+09:00"),
    ("max-kgis = 0", ":1:1", "max-kgis must be a whole number of at least 1 such as 3, not 0"),
    ("max-kgis = 3.0", ":1:1", "max-kgis must be a whole number of at least 1 such as 3, not 3.0"),
    ('max-kgis = "3"', ":1:1", 'not "3" (write the number without quotes)'),
    ("max-kgis = true", ":1:1", "not true"),
    # vanity metrics
    ('vanity-metrics = "followers"', ":1:1", 'vanity-metrics must be a list of strings such as ["followers", "PV"], not "followers"'),
    ('vanity-metrics = ["followers", 1]', ":1:1", 'not ["followers", 1]'),
    ('vanity-metrics = [["followers"]]', ":1:1", 'not [["followers"]]'),
    ("vanity-metrics = [{ a = 1 }]", ":1:1", "not [{ a = 1 }]"),
    # keys
    ("growth_bound = 3", ":1:1", 'unknown setting growth_bound (did you mean "growth-bound"?); known settings: disable, extend-vanity-metrics, growth-bound'),
    ("a = 1\nb = 2", ":1:1", "unknown settings a, b; known settings:"),
    ('"odd\\nkey" = 1', ":1:1", 'unknown setting "odd\\u000Akey"'),
    ("[tool.kpispec]\ndisable = []", ":1:2", "in kpispec.toml the settings sit at the top level, without [tool.kpispec]"),
    # values that must not leak raw into the terminal, nor run long
    ('disable = ["KPI\\u001b[31m"]', ":1:12", 'unknown rule code "KPI\\u001B[31m"'),
    ("disable = " + repr(["x" * 500]).replace("'", '"'), ":1:12", 'unknown rule code "' + "x" * 40 + "…\""),
    ("disable = [" + ", ".join(["1"] * 100) + "]", ":1:1", "not [1, 1, 1, 1, 1, …]"),
    ("growth-bound = " + "[" * 50 + "]" * 50, ":1:1", "not [[[[…]]]]"),
    # the file itself
    ("disable = [", "", "invalid TOML: "),
    ('disable = ["KPI215"]\ndisable = []', "", "invalid TOML: "),
    ("growth-bound = 1" + "0" * 5000, "", "invalid TOML: "),
    ("growth-bound = " + "[" * 5000 + "]" * 5000, "", "invalid TOML: values nested too deeply"),
    (b'disable = ["KPI215"] # \x83e\x83X\x83g\n', "", "not UTF-8 (byte 0x83 at offset 23); save it as UTF-8"),
    (b"\x00\x01\x02\xff\xfe\x00binary", "", "not UTF-8 (byte 0xff at offset 3)"),
    (b"\x00\x01\x02binary", ":1:1", "invalid TOML: "),
    (b"#" * (MAX_BYTES + 1), "", "larger than 1 MiB"),
]


@pytest.mark.parametrize("text, place, fragment", CASES, ids=[str(i) for i in range(len(CASES))])
def test_malformed_kpispec_toml_is_one_clear_line(tmp_path, text, place, fragment):
    message = config_error(tmp_path, text)
    assert message.startswith(place + ": "), message
    assert fragment in message


PYPROJECT_CASES = [
    ('tool = "kpispec"', ":1:1", 'tool must be a table holding [tool.kpispec], not "kpispec"'),
    ("tool = 5", ":1:1", "tool must be a table holding [tool.kpispec], not 5"),
    ("[tool]\nkpispec = 5", ":2:1", "tool.kpispec must be a table of settings under a [tool.kpispec] header, not 5"),
    ('[tool]\nkpispec = "on"', ":2:1", 'not "on"'),
    ("[[tool.kpispec]]\ndisable = []", ":1:8",
     "tool.kpispec must be a table of settings under a [tool.kpispec] header, not [{ disable = [] }]"),
    ('[tool.kpispec]\ndisable = "KPI215"', ":2:1", 'tool.kpispec.disable must be a list of rule codes such as ["KPI215"], not "KPI215"'),
    ('[tool.kpispec]\nseverity = { KPI205 = "of" }', ":2:14",
     'tool.kpispec.severity.KPI205 must be "error", "warning", "info" or "off", not "of"'),
    ("[tool.kpispec]\nseverity = { KPI2O5 = \"off\" }", ":2:14", 'tool.kpispec.severity: unknown rule code "KPI2O5" (did you mean "KPI205"?)'),
    ("[tool.kpispec]\ngrowthbound = 3", ":2:1", 'unknown setting tool.kpispec.growthbound (did you mean "growth-bound"?)'),
    ("[tool.kpispec]\ngrowth-bound = nan", ":2:1", "tool.kpispec.growth-bound must be a finite number above 1"),
]


@pytest.mark.parametrize("text, place, fragment", PYPROJECT_CASES, ids=[str(i) for i in range(len(PYPROJECT_CASES))])
def test_malformed_pyproject_toml_is_one_clear_line(tmp_path, text, place, fragment):
    message = config_error(tmp_path, text, "pyproject.toml")
    assert message.startswith(place + ": "), message
    assert fragment in message


# Every TOML type that is wrong for every setting (the valid ones are tested below).
WRONG = {
    "string": '"x"',
    "empty string": '""',
    "integer": "0",
    "negative integer": "-7",
    "float": "0.5",
    "infinity": "inf",
    "nan": "nan",
    "bool": "true",
    "date": "2026-04-01",
    "datetime": "2026-04-01T09:00:00+09:00",
    "local datetime": "2026-04-01T09:00:00",
    "time": "09:00:00",
    "array of integers": "[1, 2]",
    "array of arrays": "[[1], [2]]",
    "array of tables": "[{ a = 1 }]",
    "inline table": "{ a = 1 }",
    "nested inline table": '{ a = { b = "c" } }',
}


@pytest.mark.parametrize("name", sorted(WRONG))
@pytest.mark.parametrize("key", sorted(KNOWN_KEYS))
@pytest.mark.parametrize("file", ["kpispec.toml", "pyproject.toml"])
def test_every_wrong_type_for_every_setting(tmp_path, file, key, name):
    prefix = "[tool.kpispec]\n" if file == "pyproject.toml" else ""
    message = config_error(tmp_path, f"{prefix}{key} = {WRONG[name]}\n", file)
    spelled = ("tool.kpispec." if file == "pyproject.toml" else "") + key
    assert f": {spelled} must be " in message or f": {spelled}: unknown rule code" in message


@pytest.mark.parametrize("name", sorted(WRONG))
def test_every_wrong_type_as_a_severity_level(tmp_path, name):
    message = config_error(tmp_path, f"severity = {{ KPI205 = {WRONG[name]} }}\n")
    assert 'severity.KPI205 must be "error", "warning", "info" or "off", not ' in message


@pytest.mark.parametrize("name", sorted(set(WRONG) - {"string", "empty string"}))
def test_every_wrong_type_in_the_lists(tmp_path, name):
    assert "disable must be a list of rule codes" in config_error(tmp_path, f"disable = [{WRONG[name]}]\n")
    assert "vanity-metrics must be a list of strings" in config_error(tmp_path, f"vanity-metrics = [{WRONG[name]}]\n")


def test_from_table_rejects_what_is_not_a_table():
    for table in ("kpispec", 5, None, ["a"]):
        with pytest.raises(ConfigError, match=r"^x\.toml: the configuration must be a table of settings, not "):
            from_table(table, "x.toml")


def test_from_table_never_fails_on_values_toml_cannot_hold():
    """The API may pass any Python object; the message still names it on one line."""
    for value in (object(), -10 ** 5000, b"\n", {1: 2}, (1, 2), "\u2028"):
        with pytest.raises(ConfigError) as info:
            from_table({"growth-bound": value}, "x.toml")
        message = str(info.value)
        assert message.startswith("x.toml: growth-bound must be") and message.isprintable(), message
    assert from_table({"growth-bound": 10 ** 5000}, "x.toml").growth_bound == 10 ** 5000


# ---------------------------------------------------------------- valid files


def test_valid_kpispec_toml(tmp_path):
    config = load_text(tmp_path, '\ufeff# saved with a BOM\nseverity = { KPI205 = "info", KPI217 = "off" }\n'
                                 'disable = ["KPI215"]\ngrowth-bound = 1.1\nvanity-metrics = ["fans", ""]\nmax-kgis = 5\n')
    assert config.severity == {"KPI205": Severity.INFO}
    assert config.disabled == {"KPI215", "KPI217"}
    assert config.growth_bound == Fraction(11, 10)  # the decimal as written, not the binary float
    assert config.vanity_metrics == ("fans", "")
    assert config.max_kgis == 5
    assert config.path == str(tmp_path / "kpispec.toml")


def test_empty_file_means_the_defaults(tmp_path):
    # An empty kpispec.toml is valid TOML with no settings: the defaults, and the search stops there.
    config = load_text(tmp_path, "")
    assert (config.severity, config.disabled, config.growth_bound, config.vanity_metrics, config.max_kgis) == (
        {}, frozenset(), Fraction(3), DEFAULT_VANITY, 3)
    assert load_text(tmp_path, "   \n# nothing\n").disabled == frozenset()


def test_valid_pyproject_and_large_whole_numbers(tmp_path):
    config = load_text(tmp_path, '[project]\nname = "x"\n[tool.kpispec]\ngrowth-bound = 1000000000000\nmax-kgis = 1\n',
                       "pyproject.toml")
    assert config.growth_bound == 10 ** 12 and config.max_kgis == 1
    assert load_text(tmp_path, '[project]\nname = "x"\n', "pyproject.toml").disabled == DEFAULT.disabled


def test_unknown_codes_are_accepted_without_a_list_of_codes(tmp_path):
    path = tmp_path / "kpispec.toml"
    path.write_text('disable = ["KPI999999"]\n', encoding="utf-8")
    assert load(path).disabled == {"KPI999999"}


def test_a_file_just_under_the_limit_loads(tmp_path):
    assert load_text(tmp_path, b"#" * (MAX_BYTES - 1) + b"\n").disabled == frozenset()


# ---------------------------------------------------------------- where in the file

# Each message starts with the line and column of the key (or list item) it is about, counted by
# hand here: lines from 1, columns from 1 in characters (a Japanese character is one column).
POSITIONS = [
    ("header form", "kpispec.toml", '# settings\n[severity]\nKPI205 = "info"\nKPI217 = "warn"\n',
     ':4:1: severity.KPI217 must be "error", "warning", "info" or "off", not "warn"'),
    ("dotted key", "kpispec.toml", 'max-kgis = 3\nseverity.KPI205 = "info"\n  severity . KPI999 = "off"\n',
     ':3:14: severity: unknown rule code "KPI999"'),
    ("inline table", "kpispec.toml", 'severity = { KPI205 = "info", "KPI217" = 1 }\n',
     ':1:31: severity.KPI217 must be "error", "warning", "info" or "off", not 1'),
    ("list item over lines", "kpispec.toml", 'disable = [\n  "KPI215",\n  "KPI2155",  # typo\n]\n',
     ':3:3: disable: unknown rule code "KPI2155" (did you mean "KPI215"?)'),
    ("after a multi-line string", "kpispec.toml", 'vanity-metrics = ["""\nmax-kgis = 0\n"""]\n\nmax-kgis = 0\n',
     ":5:1: max-kgis must be a whole number of at least 1 such as 3, not 0"),
    ("a #:schema line", "kpispec.toml", "#:schema https://kpispec.dev/schemas/kpispec-config.schema.json\ngrowth-bound = 1\n",
     ":2:1: growth-bound must be a number above 1 such as 3, not 1"),
    ("[tool.kpispec]", "pyproject.toml", '[project]\nname = "x"\n\n[tool.kpispec]\ngrowth-bound = 1\n',
     ":5:1: tool.kpispec.growth-bound must be a number above 1 such as 3, not 1"),
    ("[tool.kpispec.severity]", "pyproject.toml", '[tool.kpispec]\nmax-kgis = 2\n[tool.kpispec.severity]\nKPI205 = "info"\n"KPI217" = "Warning"\n',
     ':5:1: tool.kpispec.severity.KPI217 must be "error", "warning", "info" or "off", not "Warning" (did you mean "warning"?)'),
    ("dotted under [tool]", "pyproject.toml", '[tool]\nkpispec.severity.KPI205 = "warn"\n',
     ':2:18: tool.kpispec.severity.KPI205 must be "error", "warning", "info" or "off", not "warn" (did you mean "warning"?)'),
    ("a header's unknown setting", "pyproject.toml", '[tool.kpispec]\nmax-kgis = 2\n\n[tool.kpispec.severities]\nKPI205 = "info"\n',
     ':4:15: unknown setting tool.kpispec.severities (did you mean "severity"?)'),
    ("Japanese key", "kpispec.toml", 'vanity-metrics = ["フォロワー"]\n"しきい値" = 3\n',
     ':2:1: unknown setting "しきい値"; known settings: disable, extend-vanity-metrics, growth-bound, max-kgis, severity, vanity-metrics'),
    ("Japanese before it on the line", "kpispec.toml", 'vanity-metrics = ["フォロワー数", "いいね", "' + "あ" * 101 + '"]\n',
     ":1:36: vanity-metrics holds at most 1,000 terms of at most 100 characters each (this one has 3)"),
    ("Japanese quoted code", "pyproject.toml", '[tool.kpispec]\nseverity = { "重要度" = "off" }\n',
     ':2:14: tool.kpispec.severity: unknown rule code "重要度"'),
    ("CRLF", "kpispec.toml", '# settings\r\nmax-kgis = 3\r\n[severity]\r\nKPI205 = "info"\r\n  KPI2O5 = "off"\r\n',
     ':5:3: severity: unknown rule code "KPI2O5" (did you mean "KPI205"?)'),
    ("CRLF TOML error", "kpispec.toml", 'max-kgis = 3\r\ngrowth-bound = \r\n',
     ":2:16: invalid TOML: Invalid value"),
    ("a byte-order mark is not a column", "kpispec.toml", "\ufeffmax-kgis = 0\n",
     ":1:1: max-kgis must be a whole number of at least 1 such as 3, not 0"),
]


@pytest.mark.parametrize("name, file, text, expected", POSITIONS, ids=[case[0] for case in POSITIONS])
def test_position_of_the_problem(tmp_path, name, file, text, expected):
    message = config_error(tmp_path, text.encode("utf-8"), file)  # bytes: CRLF stays CRLF
    assert message.startswith(expected), message


def test_position_in_japanese_and_through_the_cli(tmp_path):
    (tmp_path / "plan.kpi").write_text(PLAN, encoding="utf-8")
    (tmp_path / "kpispec.toml").write_text('# 設定\n[severity]\n"KPI205" = "警告"\n', encoding="utf-8")
    english = run_cli("check", "plan.kpi", cwd=tmp_path)
    japanese = run_cli("check", "plan.kpi", cwd=tmp_path, env={"KPISPEC_LANG": "ja"})
    assert (english.returncode, english.stderr) == (
        2, 'kpispec: error: kpispec.toml:3:1: severity.KPI205 must be "error", "warning", "info" or "off", not "警告"\n')
    assert (japanese.returncode, japanese.stderr) == (
        2, 'kpispec: エラー: kpispec.toml:3:1：severity.KPI205 は "error"・"warning"・"info"・"off" のいずれかにしてください'
           '（"警告" になっています）\n')


# ---------------------------------------------------------------- files that are not files


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"kpispec\.toml: cannot be read: No such file or directory$"):
        load(tmp_path / "kpispec.toml", CODES)


def test_folder_named_kpispec_toml(tmp_path):
    (tmp_path / "kpispec.toml").mkdir()
    with pytest.raises(ConfigError, match=r"kpispec\.toml: not a regular file"):
        load(tmp_path / "kpispec.toml", CODES)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_loading_a_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "kpispec.toml"
    os.mkfifo(fifo)
    outcome = []

    def attempt():
        try:
            load(fifo, CODES)
        except ConfigError as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():  # unblock the reader before failing, so the thread can end
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("load() blocked on a FIFO")
    assert outcome == [f"{fifo}: not a regular file; a configuration file is a TOML text file"]


# ---------------------------------------------------------------- where the search stops


def git(*args, cwd):
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "user.name=t", "-c", "user.email=t@example.com",
                    *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    """tmp/outer/repo: a git repository inside a folder that is not one."""
    root = tmp_path / "outer" / "repo"
    (root / "plans" / "deep").mkdir(parents=True)
    git("init", "-q", cwd=root)
    return root


def test_repository_root(repo, tmp_path):
    plan = repo / "plans" / "deep" / "plan.kpi"
    plan.write_text(PLAN, encoding="utf-8")
    assert repository_root(plan) == repo
    assert repository_root(plan.parent) == repo
    assert repository_root(repo) == repo
    assert repository_root(repo / "plans" / "not-yet.kpi") == repo
    assert repository_root(tmp_path / "outer") is None


def test_repository_root_of_a_relative_path(repo, monkeypatch):
    monkeypatch.chdir(repo / "plans")
    assert repository_root(Path("plan.kpi")) == repo
    assert repository_root(Path(".")) == repo


def test_config_above_the_repository_is_ignored(repo, tmp_path):
    (tmp_path / "outer" / "kpispec.toml").write_text('disable = ["KPI305"]\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.kpispec]\ndisable = ["KPI305"]\n', encoding="utf-8")
    assert find_config(repo / "plans" / "deep" / "plan.kpi") is None
    assert find_config(repo) is None


def test_config_at_the_repository_root_is_used(repo, tmp_path):
    (tmp_path / "outer" / "kpispec.toml").write_text('disable = ["KPI305"]\n', encoding="utf-8")
    (repo / "pyproject.toml").write_text('[tool.kpispec]\nmax-kgis = 2\n', encoding="utf-8")
    assert find_config(repo / "plans" / "deep" / "plan.kpi") == repo / "pyproject.toml"
    (repo / "plans" / "kpispec.toml").write_text("max-kgis = 4\n", encoding="utf-8")
    assert find_config(repo / "plans" / "deep" / "plan.kpi") == repo / "plans" / "kpispec.toml"  # nearest wins


def test_without_a_repository_the_search_goes_up(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "kpispec.toml").write_text("max-kgis = 4\n", encoding="utf-8")
    assert repository_root(tmp_path / "a" / "b") is None
    assert find_config(tmp_path / "a" / "b" / "plan.kpi") == tmp_path / "kpispec.toml"


def test_a_git_file_marks_the_root(tmp_path):
    """Worktrees and submodules have a `.git` file; a fake one is enough for the search."""
    (tmp_path / "kpispec.toml").write_text('disable = ["KPI305"]\n', encoding="utf-8")
    inner = tmp_path / "module"
    (inner / "plans").mkdir(parents=True)
    (inner / ".git").write_text("gitdir: ../.git/modules/module\n", encoding="utf-8")
    assert repository_root(inner / "plans" / "plan.kpi") == inner
    assert find_config(inner / "plans" / "plan.kpi") is None


def test_a_real_worktree_stops_the_search(repo, tmp_path):
    git("commit", "-q", "--allow-empty", "-m", "start", cwd=repo)
    tree = tmp_path / "outer" / "tree"
    git("worktree", "add", "-q", str(tree), cwd=repo)
    assert (tree / ".git").is_file()
    (tree / "plans").mkdir()
    (tmp_path / "outer" / "kpispec.toml").write_text('disable = ["KPI305"]\n', encoding="utf-8")
    assert repository_root(tree / "plans" / "plan.kpi") == tree
    assert find_config(tree / "plans" / "plan.kpi") is None
    (tree / "kpispec.toml").write_text("max-kgis = 4\n", encoding="utf-8")
    assert find_config(tree / "plans" / "plan.kpi") == tree / "kpispec.toml"


def test_a_nested_repository_is_its_own_root(repo):
    (repo / "kpispec.toml").write_text('disable = ["KPI305"]\n', encoding="utf-8")
    inner = repo / "vendor" / "other"
    inner.mkdir(parents=True)
    git("init", "-q", cwd=inner)
    assert repository_root(inner / "plan.kpi") == inner
    assert find_config(inner / "plan.kpi") is None


def test_a_git_entry_that_is_neither_folder_nor_file_does_not_count(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / ".git").symlink_to(tmp_path / "nowhere")
    (tmp_path / "kpispec.toml").write_text("max-kgis = 4\n", encoding="utf-8")
    assert repository_root(tmp_path / "a") is None
    assert find_config(tmp_path / "a" / "plan.kpi") == tmp_path / "kpispec.toml"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_config_is_ignored(repo):
    os.mkfifo(repo / "plans" / "kpispec.toml")
    os.mkfifo(repo / "plans" / "deep" / "pyproject.toml")
    (repo / "kpispec.toml").write_text("max-kgis = 4\n", encoding="utf-8")
    assert find_config(repo / "plans" / "deep" / "plan.kpi") == repo / "kpispec.toml"


def test_a_folder_named_like_a_config_is_ignored(repo):
    (repo / "plans" / "kpispec.toml").mkdir()
    (repo / "plans" / "pyproject.toml").mkdir()
    assert find_config(repo / "plans" / "plan.kpi") is None


def test_a_symlink_out_of_the_repository_is_not_followed(repo, tmp_path):
    outside = tmp_path / "shared.toml"
    outside.write_text('disable = ["KPI305"]\n', encoding="utf-8")
    (repo / "plans" / "kpispec.toml").symlink_to(outside)
    (repo / "plans" / "deep" / "pyproject.toml").symlink_to(outside)
    assert find_config(repo / "plans" / "deep" / "plan.kpi") is None
    inside = repo / "settings.toml"
    inside.write_text("max-kgis = 4\n", encoding="utf-8")
    (repo / "plans" / "deep" / "kpispec.toml").symlink_to(inside)
    assert find_config(repo / "plans" / "deep" / "plan.kpi") == repo / "plans" / "deep" / "kpispec.toml"


def test_which_pyproject_files_count(tmp_path):
    def found(text):
        (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
        return find_config(tmp_path / "plan.kpi") == tmp_path / "pyproject.toml"

    assert found("[tool.kpispec]\n")
    assert found("[tool]\nkpispec = 5\n")  # configures kpispec, wrongly: load() says how
    assert found('tool = "kpispec"\n')  # not a pyproject.toml: load() says how
    assert found('tool = 5\n[project]\nname = "kpispec"\n')
    assert found("[tool.kpispec\n")  # broken TOML that mentions kpispec
    assert not found('[project]\nname = "kpispec"\n')  # mentions kpispec, does not configure it
    assert not found("[tool.black]\n# kpispec settings live in kpispec.toml\n")
    assert not found("[tool.black]\nline-length = 100\n")
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.kpispec]\n# \x83e\x83X\x83g\n")  # Shift_JIS
    assert find_config(tmp_path / "plan.kpi") == tmp_path / "pyproject.toml"


def test_find_config_never_raises(tmp_path):
    assert find_config(tmp_path / "no" / "such" / "folder" / "plan.kpi") in (None, *[
        p / n for p in (tmp_path / "no").parents for n in ("kpispec.toml", "pyproject.toml")])
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    find_config(loop / "plan.kpi")
    find_config(Path("bad\0name") / "plan.kpi")
    repository_root(Path("bad\0name"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_file_replaced_after_the_search_looked_at_it(tmp_path, monkeypatch):
    """Between stat() and open() a pyproject.toml can become a FIFO, a folder or nothing: still no hang, no error."""
    import kpispec.config

    is_regular = kpispec.config._is_regular
    monkeypatch.setattr(kpispec.config, "_is_regular", lambda path: path.name == "pyproject.toml" or is_regular(path))
    (tmp_path / "a" / "b").mkdir(parents=True)
    os.mkfifo(tmp_path / "a" / "b" / "pyproject.toml")
    (tmp_path / "a" / "pyproject.toml").mkdir()  # and tmp_path/pyproject.toml does not exist
    found = find_config(tmp_path / "a" / "b" / "plan.kpi")
    assert found is None or tmp_path not in found.parents


def test_a_path_with_control_characters_stays_on_one_line(tmp_path):
    folder = tmp_path / "line\nbreak\x1b[31m"
    folder.mkdir()
    # config_error holds the name, escaped: "…/line\\u000Abreak\\u001B[31m/kpispec.toml"
    assert config_error(folder, "disable = 5") == ':1:1: disable must be a list of rule codes such as ["KPI215"], not 5'


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read any file")
def test_an_unreadable_pyproject_is_skipped_and_an_unreadable_kpispec_toml_reported(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kpispec]\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").chmod(0)
    assert find_config(tmp_path / "plan.kpi") is None
    (tmp_path / "kpispec.toml").write_text("", encoding="utf-8")
    (tmp_path / "kpispec.toml").chmod(0)
    with pytest.raises(ConfigError, match=r"kpispec\.toml: cannot be read: Permission denied$"):
        load(find_config(tmp_path / "plan.kpi"), CODES)


# ---------------------------------------------------------------- through the real CLI


@pytest.mark.parametrize("text, place", [
    ('severity = "x"', ":1:1"), ("disable = [[1]]", ":1:1"), ("growth-bound = 1e400", ":1:1"), ('disable = "KPI215"', ":1:1"),
    ('disable = ["KPI2155"]', ":1:12"), (b"\xff\xfe binary \x00", ""),
], ids=["severity", "nested-list", "infinite", "string-disable", "misspelled", "binary"])
def test_cli_reports_a_bad_config_in_one_line(tmp_path, text, place):
    (tmp_path / "plan.kpi").write_text(PLAN, encoding="utf-8")
    config = tmp_path / "kpispec.toml"
    config.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    result = run_cli("check", "plan.kpi", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"kpispec: error: kpispec.toml{place}: "), result.stderr
    assert result.stdout == ""  # nothing was checked


def test_cli_reports_a_broken_pyproject_tool_in_one_line(tmp_path):
    (tmp_path / "plan.kpi").write_text(PLAN, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('tool = "kpispec"\n', encoding="utf-8")
    result = run_cli("check", "plan.kpi", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        'kpispec: error: pyproject.toml:1:1: tool must be a table holding [tool.kpispec], not "kpispec"']  # named relative to the working folder


def test_cli_ignores_a_config_above_the_repository(repo, tmp_path):
    (repo / "plans" / "plan.kpi").write_text(PLAN, encoding="utf-8")
    (tmp_path / "outer" / "kpispec.toml").write_text('disable = ["KPI305"]\n', encoding="utf-8")
    result = run_cli("check", "plans/plan.kpi", cwd=repo)
    assert "warning[KPI305]" in result.stdout, result.stdout + result.stderr
    (repo / "kpispec.toml").write_text('disable = ["KPI305"]\n', encoding="utf-8")
    assert "KPI305" not in run_cli("check", "plans/plan.kpi", cwd=repo).stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_cli_does_not_hang_on_a_fifo_config(repo):
    (repo / "plans" / "plan.kpi").write_text(PLAN, encoding="utf-8")
    os.mkfifo(repo / "plans" / "kpispec.toml")
    os.mkfifo(repo / "plans" / "pyproject.toml")
    result = run_cli("check", "plans/plan.kpi", cwd=repo)  # run_cli has a timeout
    assert result.returncode == 0 and "warning[KPI305]" in result.stdout, result.stdout + result.stderr


def test_vanity_metrics_are_bounded(tmp_path):
    from kpispec.config import MAX_VANITY_TERMS, ConfigError, load

    path = tmp_path / "kpispec.toml"
    path.write_text("vanity-metrics = [" + ", ".join(f'"q{i}"' for i in range(MAX_VANITY_TERMS)) + "]\n", encoding="utf-8")
    assert len(load(path).vanity_metrics) == MAX_VANITY_TERMS
    path.write_text("vanity-metrics = [" + ", ".join(f'"q{i}"' for i in range(MAX_VANITY_TERMS + 1)) + "]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="vanity-metrics holds at most 1,000 terms"):
        load(path)
    path.write_text(f'vanity-metrics = ["{"x" * 101}"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="of at most 100 characters"):
        load(path)


def test_vanity_metrics_extend_or_replace_the_defaults(tmp_path):
    from kpispec.config import DEFAULT_VANITY

    extended = load_text(tmp_path, 'extend-vanity-metrics = ["ファン数"]\n')
    assert extended.vanity_metrics == (*DEFAULT_VANITY, "ファン数")
    replaced = load_text(tmp_path, 'vanity-metrics = ["fans"]\nextend-vanity-metrics = ["ファン数", "fans"]\n')
    assert replaced.vanity_metrics == ("fans", "ファン数")
    assert "extend-vanity-metrics must be a list of strings" in config_error(tmp_path, 'extend-vanity-metrics = "x"\n')


def test_the_default_vanity_metrics_know_the_japanese_platforms(tmp_path):
    from conftest import run_cli

    plan = tmp_path / "v.kpi"
    plan.write_text('plan p "P" { period 2026-04-01 to 2027-03-31 }\n'
                    'kgi line "LINE友だち数" { target 10,000人  formula a }\n'
                    'kgi yt "YouTubeチャンネル登録者数" { target 5,000人  formula a }\n'
                    'kgi views "動画の再生回数" { target 100万回  formula a }\n'
                    'kgi members "会員登録者数" { target 3,000人  formula a }\n'
                    'kpi a "A" { target 1人 }\n', encoding="utf-8")
    import json

    found = json.loads(run_cli("check", "-f", "json", plan, cwd=tmp_path).stdout)["diagnostics"]
    flagged = sorted(d["message"].split("`")[1] for d in found if d["code"] == "KPI216")
    assert flagged == ["line", "views", "yt"]  # a member registration is a business outcome


def test_a_cadence_every_two_weeks():
    from kpispec.api import analyze_text

    text = ('plan p "P" { period 2026-04-01 to 2027-03-31 }\n'
            'kpi a "A" { target 1件 per month  cadence 隔週 }\nkpi b "B" { target 1件 per month  cadence fortnightly }\n'
            'kpi c "C" { target 1件 per month  cadence biweekly }\n')
    r = analyze_text("c.kpi", text, checks=False)
    assert r.ok and {n.cadence for n in r.plan.nodes.values()} == {"biweekly"}


def test_a_key_nested_a_thousand_deep_is_a_configuration_error_not_a_crash(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "kpispec.toml").write_text("severity.KPI205." + ".".join(["a"] * 1000) + " = 1\n", encoding="utf-8")
    (tmp_path / "p.kpi").write_text('plan p "P" { period 2026-04-01 to 2027-03-31 }\n', encoding="utf-8")
    ran = run_cli("check", "p.kpi", cwd=tmp_path)
    assert ran.returncode == 2 and "internal error" not in ran.stderr
    assert ran.stderr.startswith('kpispec: error: kpispec.toml:1:10: severity.KPI205 must be "error", "warning", "info" or "off"')

"""grammar/kpi.tmLanguage.json: the TextMate grammar editors and GitHub colour .kpi files with.

Without node: the committed file is what `python -m kpispec.syntax.textmate` writes, its keywords
are the lark grammar's keywords (and no other word), and the terminals it follows are still the
grammar's. With node: every example plan and docs block is tokenized in VS Code's own engine
(vscode-textmate on vscode-oniguruma, installed with npm into a cache folder outside the
repository), and a hand-written plan gets the scopes it should, token by token.

Without node or npm (or offline, before the first install) the engine tests are skipped, except
where KPISPEC_REQUIRE_TEXTMATE is set: then they fail. KPISPEC_TEXTMATE_MODULES names a
node_modules folder that already holds both packages (no install).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest

from kpispec.language import CADENCES, FUNCTIONS, PERIODS, RAMPS
from kpispec.syntax import textmate
from kpispec.units import SLASH_COUNTERS

ROOT = Path(__file__).resolve().parent.parent
GRAMMAR = ROOT / "grammar" / "kpi.tmLanguage.json"
LARK = ROOT / "grammar" / "kpispec.lark"
TOKENIZE = Path(__file__).resolve().parent / "textmate" / "tokenize.js"
NAME = re.compile(r"[^\W\d]\w*")


def grammar_keywords(text: str) -> set[str]:
    """The lark grammar's keywords, as tests/test_highlight.py reads them: terminals defined as one
    literal string that is also a NAME."""
    found = re.findall(r'^([A-Z][A-Z0-9_]*)(?:\.-?\d+)?\s*:\s*"([^"\\]+)"\s*$', text, re.M)
    return {value for _, value in found if NAME.fullmatch(value)}


def lark_terminals(text: str) -> dict[str, str]:
    """Each terminal's definition as the .lark file writes it (after `NAME:` or `NAME.2:`), a
    definition over several lines (`| /…/` on the next) joined, white space folded to one space."""
    found: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        head = re.match(r"^([A-Z][A-Z0-9_]*)(?:\.-?\d+)?\s*:\s*(.*)$", line)
        if head:
            name = head.group(1)
            found[name] = head.group(2).strip()
        elif name and re.match(r"^\s+\|", line):
            found[name] += " " + line.strip()
        else:
            name = None
    return found


# ---------------------------------------------------------------------- without node


def test_the_committed_grammar_is_generated():
    assert GRAMMAR.read_text(encoding="utf-8") == textmate.render(), (
        "grammar/kpi.tmLanguage.json is stale: run `uv run python -m kpispec.syntax.textmate`"
    )
    assert textmate.main(["--check"]) == 0


def test_the_grammar_is_a_textmate_grammar_for_kpi_files():
    data = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    assert data["scopeName"] == "source.kpi"
    assert data["fileTypes"] == ["kpi"]
    repository = data["repository"]
    for rule in _rules(data):
        if "include" in rule:
            assert rule["include"].startswith("#") and rule["include"][1:] in repository, rule
        for scope in _scopes(rule):
            assert re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.kpi", scope), scope
    # no Python-only regex syntax: code points are \x{…}, categories \p{…}
    patterns = [rule[key] for rule in _rules(data) for key in ("match", "begin", "end") if key in rule]
    assert not [p for p in patterns if re.search(r"\\u[0-9a-fA-F]{4}|\(\?P<|\\[AZ]", p)]


def _rules(grammar):
    """Every rule of a grammar, nested rules included (not the grammar itself)."""
    def walk(rule):
        yield rule
        for child in rule.get("patterns", ()):
            yield from walk(child)

    for rule in [*grammar["patterns"], *grammar["repository"].values()]:
        yield from walk(rule)


def _scopes(rule):
    """The scopes a rule gives: its own name and its captures' names."""
    if "name" in rule:
        yield rule["name"]
    for key in ("captures", "beginCaptures", "endCaptures"):
        for capture in rule.get(key, {}).values():
            yield capture["name"]


def _group(pattern: str, number: int) -> str:
    """The text of capturing group `number` of a regex (0: the whole pattern)."""
    if number == 0:
        return pattern
    count, stack, i = 0, [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":  # a class: skip to its unescaped `]` (a `]` first in it is a character)
            i += 2 if pattern[i + 1:i + 2] == "]" or pattern[i + 1:i + 3] == "^]" else 1
            while pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif char == "(":
            capturing = pattern[i + 1] != "?"
            count += capturing
            stack.append((count if capturing else None, i + 1))
        elif char == ")":
            found, start = stack.pop()
            if found == number:
                return pattern[start:i]
        i += 1
    raise AssertionError(f"no group {number} in {pattern!r}")


def _literal_words(group: str) -> set[str] | None:
    """The words a group matches when it is literal words (`kgi`, `(?:kgi|ksf)`), a lookaround
    after them (the end of a word) ignored; None when it is any other pattern."""
    words = re.sub(r"\(\?[!=<][\s\S]*$", "", group)  # `(?!…)` / `(?=…)`: where the word ends
    words = re.sub(r"^\(\?:([^()]*)\)$", r"\1", words)
    found = set(words.split("|"))
    return found if all(NAME.fullmatch(w) for w in found) else None


def words_by_scope(data) -> dict[str, set[str]]:
    """For each scope, the literal words the grammar gives it ({'storage.type.kpi.kpi': {'kpi'}, …});
    a scope also given to patterns that are not literal words (an id, a number) maps those to '*'."""
    found: dict[str, set[str]] = {}
    for rule in _rules(data):
        if "match" not in rule:
            continue
        groups = [(rule["name"], 0)] if "name" in rule else []
        groups += [(c["name"], int(n)) for n, c in rule.get("captures", {}).items()]
        for scope, number in groups:
            words = _literal_words(_group(rule["match"], number))
            found.setdefault(scope, set()).update(words if words is not None else {"*"})
    return found


KEYWORD_SCOPES = re.compile(r"storage\.type\.\w+\.kpi|keyword\.other\.(?:attribute|per|to)\.kpi")


def textmate_keywords(data) -> set[str]:
    words = set()
    for scope, found in words_by_scope(data).items():
        if KEYWORD_SCOPES.fullmatch(scope):
            assert "*" not in found, f"{scope} is given to a pattern that is no keyword"
            words |= found
    return words


def test_the_textmate_keywords_are_the_lark_grammars_keywords():
    data = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    keywords = grammar_keywords(LARK.read_text(encoding="utf-8"))
    assert {"plan", "kpi", "assert", "target", "milestones", "to", "per"} <= keywords
    assert textmate_keywords(data) == keywords
    # and the id patterns exclude exactly them (`target` after `kpi` is no id)
    lookahead = re.search(r"\(\?!\(\?:([^()]*)\)", textmate.ID).group(1)
    assert set(lookahead.split("|")) == keywords


def test_the_words_of_the_language_get_their_scopes():
    words = words_by_scope(json.loads(GRAMMAR.read_text(encoding="utf-8")))
    assert words["constant.language.cadence.kpi"] == set(CADENCES)
    assert words["constant.language.ramp.kpi"] == set(RAMPS)
    assert words["constant.language.period.kpi"] == set(PERIODS)
    assert words["support.function.builtin.kpi"] == set(FUNCTIONS)
    assert words["keyword.other.unit.kpi"] == set(SLASH_COUNTERS) | {"*"}  # and the units written as words


def test_the_lark_grammar_defines_the_terminals_the_textmate_grammar_follows():
    text = LARK.read_text(encoding="utf-8")
    terminals = lark_terminals(text)
    keywords = {name for name, definition in terminals.items() if re.fullmatch(r'"[a-z]+"', definition)}
    # every terminal is a keyword, followed here, or made of those followed (the one-line milestone)
    assert set(terminals) == keywords | set(textmate.TERMINALS) | set(textmate.COMPOSITE_TERMINALS)
    for name, definition in textmate.TERMINALS.items():
        alternatives = re.fullmatch(r"/\\/\(\?:([^()]*)\)\(\?!\\w\)/", definition)
        if alternatives:  # a list of words: the same words, in any order
            written = re.fullmatch(r"/\\/\(\?:([^()]*)\)\(\?!\\w\)/", terminals[name])
            assert written and set(written.group(1).split("|")) == set(alternatives.group(1).split("|")), name
        else:
            assert terminals[name] == definition, f"grammar/kpispec.lark changed {name}: update kpispec/syntax/textmate.py"


def test_the_keyword_check_sees_a_dropped_keyword():
    # what test_the_textmate_keywords_are_the_lark_grammars_keywords catches: attribute rules that lost `milestones`
    data = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    planted = 0
    for rule in _rules(data):
        if rule.get("name") == "keyword.other.attribute.kpi" and "milestones|" in rule["match"]:
            rule["match"] = rule["match"].replace("milestones|", "")
            planted += 1
    assert planted
    assert textmate_keywords(data) == grammar_keywords(LARK.read_text(encoding="utf-8")) - {"milestones"}


# Suppression comments, each with the directive the checks read in it (None: none), its codes as written.
SUPPRESSION_COMMENTS = {
    "# kpispec: ignore[KPI301]": ("kpispec: ignore", "KPI301"),
    "#kpispec:ignore[KPI301, kpi205]": ("kpispec:ignore", "KPI301, kpi205"),
    "# kpispec: ignore": ("kpispec: ignore", None),
    "# kpispec: ignore  (why)": ("kpispec: ignore", None),
    "# note # kpispec: ignore[KPI206]  (why)": ("kpispec: ignore", "KPI206"),
    "# kpispec: ignore[]": ("kpispec: ignore", ""),
    "# kpispec:  ignore [KPI301]": ("kpispec:  ignore", "KPI301"),
    "# kpispec: ignore-file": ("kpispec: ignore-file", None),
    "# kpispec: ignore-file[KPI205, KPI215]": ("kpispec: ignore-file", "KPI205, KPI215"),
    "# kpispec: ignore-file [KPI205]": ("kpispec: ignore-file", "KPI205"),
    "# kpispec: ignore-file[KPI205](generated)": ("kpispec: ignore-file", "KPI205"),
    # what would silence every code if read loosely is no directive (KPI903 says so)
    "# kpispec: ignore: KPI205": None, "# kpispec: ignore KPI205": None, "# kpispec: ignore kpi205": None,
    "# kpispec: ignore[KPI205": None, "# kpispec: ignore［KPI205］": None, "# kpispec：ignore[KPI205]": None,
    "# kpispec: ignored": None, "# kpispec: ignore-files": None, "# kpispec: ignore_file": None,
    "# kpispec: ignore理由": None,
    "# kpispec ignore[KPI301]": None, "# see kpispec: ignore[KPI301]": None, "# KPISPEC: ignore": None, "# x": None,
}


def test_the_ignore_directive_is_read_as_the_checks_read_it():
    from kpispec.checks import IGNORE

    assert IGNORE.pattern == textmate.IGNORE
    # the TextMate pattern runs inside a comment, after any of its `#` (Python reads its syntax too)
    [pattern] = [rule["match"] for rule in _rules(textmate.grammar()) if "keyword.other.directive.kpi" in _scopes(rule)]
    directive = re.compile(pattern.replace(r"\x{ff1a}", "\uff1a").replace(r"\x{ff3b}", "\uff3b"))
    for comment, expected in SUPPRESSION_COMMENTS.items():
        ours, theirs = directive.search(comment), IGNORE.search(comment)
        assert (ours is None) == (theirs is None) == (expected is None), comment
        if ours:
            assert (ours.group(1), ours.group(3)) == expected, comment
            assert (theirs.group(1) == "-file") == ours.group(1).endswith("-file"), comment
            assert theirs.group(2) == ours.group(3), comment


def test_python_word_classes_are_the_unicode_categories_the_textmate_grammar_names():
    # names.py's NAME is written with Python's \w and [^\W\d]; the TextMate grammar with \p{L}\p{N}_
    # and \p{L}\p{Nl}\p{No}_. The same characters, on every code point of this Python's Unicode.
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    categories = list(map(unicodedata.category, everything))
    letters_numbers = {i for i, k in enumerate(categories) if k[0] in "LN"} | {ord("_")}
    assert set(map(ord, re.findall(r"\w", everything))) == letters_numbers
    digits = {i for i in letters_numbers if categories[i] == "Nd"}
    assert set(map(ord, re.findall(r"[^\W\d]", everything))) == letters_numbers - digits


def test_every_pattern_is_also_a_pcre_pattern():
    # GitHub's Linguist compiles grammars with PCRE, VS Code with Oniguruma: the patterns keep to what
    # both read. GNU grep -P is PCRE; where it is missing (macOS) this test is skipped.
    grep = shutil.which("grep")
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    if grep is None or subprocess.run([grep, "-P", "x", os.devnull], capture_output=True, env=env).returncode != 1:
        pytest.skip("no grep -P (PCRE) here")
    data = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    patterns = [rule[key] for rule in _rules(data) for key in ("match", "begin", "end") if key in rule]
    assert len(patterns) > 30
    for pattern in patterns:
        done = subprocess.run([grep, "-P", "-e", pattern, os.devnull], capture_output=True, text=True, env=env)
        assert done.returncode == 1, (pattern, done.stderr)
    # in UTF-8: \p{L} and \x{…} read Japanese and full-width ids
    ident = next(p for p in patterns if p.startswith("(?:[\\p{L}"))
    found = subprocess.run([grep, "-oP", "-e", ident], input="売上_2026 ＣＰＡ ｾｯｼｮﾝ\n", capture_output=True, text=True, env=env)
    assert found.stdout.split() == ["売上_2026", "ＣＰＡ", "ｾｯｼｮﾝ"]


def test_the_vs_code_extension_the_docs_show_loads_this_grammar():
    blocks = re.findall(r"```json\n(.*?)```", (ROOT / "docs" / "editors.md").read_text(encoding="utf-8"), re.S)
    manifests = [json.loads(block) for block in blocks if '"contributes"' in block]
    assert len(manifests) == 1 and all(json.loads(block) for block in blocks)
    data = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    [language], [grammar] = manifests[0]["contributes"]["languages"], manifests[0]["contributes"]["grammars"]
    assert language["extensions"] == [f".{kind}" for kind in data["fileTypes"]]
    assert grammar["scopeName"] == data["scopeName"] and grammar["language"] == language["id"]
    assert grammar["path"].endswith("/" + GRAMMAR.name)


# ------------------------------------------------------------------------ with node

PACKAGES = ("vscode-textmate@9.3.2", "vscode-oniguruma@2.0.1")


def _unavailable(reason: str):
    if os.environ.get("KPISPEC_REQUIRE_TEXTMATE"):
        pytest.fail(f"KPISPEC_REQUIRE_TEXTMATE is set, but {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def _locked(path: Path):
    """One install at a time, across pytest-xdist workers (no lock where fcntl is missing: the
    install then goes to a folder of its own and is moved into place)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _installed(modules: Path) -> bool:
    return all((modules / spec.rsplit("@", 1)[0] / "package.json").is_file() for spec in PACKAGES)


def engine_modules() -> Path:
    """A node_modules folder with vscode-textmate and vscode-oniguruma: $KPISPEC_TEXTMATE_MODULES, or
    installed once with npm into the user's cache folder (never into the repository: no
    node_modules or lock file is written here)."""
    if os.environ.get("KPISPEC_TEXTMATE_MODULES"):
        modules = Path(os.environ["KPISPEC_TEXTMATE_MODULES"])
        if not _installed(modules):
            _unavailable(f"KPISPEC_TEXTMATE_MODULES={modules} does not hold {' and '.join(PACKAGES)}")
        return modules
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kpispec-textmate"
    folder = cache / "_".join(spec.replace("@", "-") for spec in PACKAGES)
    if _installed(folder / "node_modules"):
        return folder / "node_modules"
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed, so VS Code's TextMate engine cannot be installed")
    cache.mkdir(parents=True, exist_ok=True)
    with _locked(cache / ".lock"):
        if not _installed(folder / "node_modules"):
            staging = Path(tempfile.mkdtemp(prefix=".install-", dir=cache))
            try:
                (staging / "package.json").write_text('{"private": true}\n', encoding="utf-8")
                try:
                    done = subprocess.run(
                        [npm, "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
                         "--loglevel=error", "--fetch-retries=1", "--fetch-retry-mintimeout=1000",
                         "--fetch-retry-maxtimeout=5000", "--fetch-timeout=60000", *PACKAGES],
                        cwd=staging, capture_output=True, text=True, timeout=300,
                    )
                except subprocess.TimeoutExpired:
                    _unavailable(f"`npm install {' '.join(PACKAGES)}` took more than 5 minutes")
                if done.returncode != 0 or not _installed(staging / "node_modules"):
                    lines = [line.removeprefix("npm error").strip() for line in (done.stderr or done.stdout).splitlines()]
                    why = "; ".join(line for line in lines if line)[:300]
                    _unavailable(f"`npm install {' '.join(PACKAGES)}` failed (offline?): {why}")
                if folder.exists():
                    shutil.rmtree(folder)  # a broken earlier install
                os.replace(staging, folder)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    return folder / "node_modules"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed, so the grammar cannot be run in VS Code's TextMate engine")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    major = re.match(r"v(\d+)", version)
    if not major or int(major.group(1)) < 16:
        _unavailable(f"node {version or '?'} is too old for vscode-textmate (16 or later)")
    return node


def tokenize_all(texts: dict[str, str]) -> dict[str, list[tuple[int, str, list[str]]]]:
    """(line, text, scopes without source.kpi) of every token of every text: one node process for all."""
    node = _node()
    modules = engine_modules()
    done = subprocess.run(
        [node, str(TOKENIZE), str(modules), str(GRAMMAR)], input=json.dumps(texts),
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert done.returncode == 0, done.stderr  # a pattern Oniguruma rejects fails here
    out = json.loads(done.stdout)
    for name, tokens in out.items():
        assert all(scopes[0] == "source.kpi" for _, _, _, scopes in tokens), name
        for number, line in enumerate(re.split(r"\r\n|\r|\n", texts[name]), 1):  # nothing lost or added
            assert "".join(t for n, _, t, _ in tokens if n == number) == line, (name, number)
    return {name: [(line, text, scopes[1:]) for line, _, text, scopes in tokens] for name, tokens in out.items()}


SAMPLE = '''\
# 2026年度の計画 "not a string"
plan fy2026 "計画 #1" {
  period 2026-04-01 to 2027-03-31
  owner "経営企画"
}

param 粗利率 "粗利率" = 4割

kgi 売上 "年間売上" {
  target 1億2,000万円 per 年   # kpispec: ignore[KPI301]
  deadline 2027-03-31
  cadence 月次
  formula 会員数 × ARPU
  description """
    一行目 # これはコメントではない
    二行目 \\"引用\\" }
    """
}

ksf 継続 "継続率を上げる" { kgi 売上 }

kpi ARPU "客単価" { ksf 継続  target >= 3,000円/人/月  baseline 2,500円/人/月  deadline 2026-09-30  ramp linear }
kpi 会員数 "会員数" {
  ksf 継続
  target 3.4万人
  formula sum(ｾｯｼｮﾝ, 1e3) * 10k ÷ 2 - 1_000
  milestones {
    Q2: 3.6万人
    2026-10：3.8万人
  }
}
assert ARPU <= 5,000円/人/月 "上限"
'''

SAMPLE_TOKENS = [
    ("#", "punctuation.definition.comment.kpi"), (' 2026年度の計画 "not a string"', "comment.line.number-sign.kpi"),
    ("plan", "storage.type.plan.kpi"), ("fy2026", "entity.name.type.plan.kpi"),
    ('"', "punctuation.definition.string.begin.kpi"), ("計画 #1", "string.quoted.double.kpi"),
    ('"', "punctuation.definition.string.end.kpi"),
    ("{", "punctuation.section.block.begin.kpi"),
    ("period", "keyword.other.attribute.kpi"), ("2026-04-01", "constant.numeric.date.kpi"),
    ("to", "keyword.other.to.kpi"), ("2027-03-31", "constant.numeric.date.kpi"),
    ("owner", "keyword.other.attribute.kpi"), ('"', "punctuation.definition.string.begin.kpi"),
    ("経営企画", "string.quoted.double.kpi"), ('"', "punctuation.definition.string.end.kpi"),
    ("}", "punctuation.section.block.end.kpi"),
    ("param", "storage.type.param.kpi"), ("粗利率", "entity.name.type.param.kpi"),
    ('"', "punctuation.definition.string.begin.kpi"), ("粗利率", "string.quoted.double.kpi"),
    ('"', "punctuation.definition.string.end.kpi"),
    ("=", "keyword.operator.assignment.kpi"), ("4割", "constant.numeric.kpi"),
    ("kgi", "storage.type.kgi.kpi"), ("売上", "entity.name.type.kgi.kpi"),
    ('"', "punctuation.definition.string.begin.kpi"), ("年間売上", "string.quoted.double.kpi"),
    ('"', "punctuation.definition.string.end.kpi"),
    ("{", "punctuation.section.block.begin.kpi"),
    ("target", "keyword.other.attribute.kpi"), ("1億2,000万", "constant.numeric.kpi"), ("円", "keyword.other.unit.kpi"),
    ("per", "keyword.other.per.kpi"), ("年", "constant.language.period.kpi"),
    ("#", "punctuation.definition.comment.kpi"), ("kpispec: ignore", "keyword.other.directive.kpi"),
    ("[", "punctuation.definition.directive.begin.kpi"), ("KPI301", "constant.other.rule-code.kpi"),
    ("]", "punctuation.definition.directive.end.kpi"),
    ("deadline", "keyword.other.attribute.kpi"), ("2027-03-31", "constant.numeric.date.kpi"),
    ("cadence", "keyword.other.attribute.kpi"), ("月次", "constant.language.cadence.kpi"),
    ("formula", "keyword.other.attribute.kpi"), ("会員数", "variable.other.kpi"),
    ("×", "keyword.operator.arithmetic.kpi"), ("ARPU", "variable.other.kpi"),
    ("description", "keyword.other.attribute.kpi"),
    ('"""', "punctuation.definition.string.begin.kpi"),
    ("    一行目 # これはコメントではない", "string.quoted.triple.kpi"),
    ("    二行目 ", "string.quoted.triple.kpi"), ('\\"', "constant.character.escape.kpi"), ("引用", "string.quoted.triple.kpi"),
    ('\\"', "constant.character.escape.kpi"), (" }", "string.quoted.triple.kpi"),
    ('"""', "punctuation.definition.string.end.kpi"),
    ("}", "punctuation.section.block.end.kpi"),
    ("ksf", "storage.type.ksf.kpi"), ("継続", "entity.name.type.ksf.kpi"),
    ('"', "punctuation.definition.string.begin.kpi"), ("継続率を上げる", "string.quoted.double.kpi"),
    ('"', "punctuation.definition.string.end.kpi"),
    ("{", "punctuation.section.block.begin.kpi"),
    ("kgi", "keyword.other.attribute.kpi"), ("売上", "variable.other.kpi"),  # inside a block: a link
    ("}", "punctuation.section.block.end.kpi"),
    ("kpi", "storage.type.kpi.kpi"), ("ARPU", "entity.name.type.kpi.kpi"),
    ('"', "punctuation.definition.string.begin.kpi"), ("客単価", "string.quoted.double.kpi"),
    ('"', "punctuation.definition.string.end.kpi"),
    ("{", "punctuation.section.block.begin.kpi"),
    ("ksf", "keyword.other.attribute.kpi"), ("継続", "variable.other.kpi"),
    ("target", "keyword.other.attribute.kpi"), (">=", "keyword.operator.comparison.kpi"),
    ("3,000", "constant.numeric.kpi"), ("円", "keyword.other.unit.kpi"),
    ("/", "keyword.operator.per.kpi"), ("人", "keyword.other.unit.kpi"),
    ("/", "keyword.operator.per.kpi"), ("月", "constant.language.period.kpi"),
    ("baseline", "keyword.other.attribute.kpi"),
    ("2,500", "constant.numeric.kpi"), ("円", "keyword.other.unit.kpi"),
    ("/", "keyword.operator.per.kpi"), ("人", "keyword.other.unit.kpi"),
    ("/", "keyword.operator.per.kpi"), ("月", "constant.language.period.kpi"),
    ("deadline", "keyword.other.attribute.kpi"), ("2026-09-30", "constant.numeric.date.kpi"),
    ("ramp", "keyword.other.attribute.kpi"), ("linear", "constant.language.ramp.kpi"),
    ("}", "punctuation.section.block.end.kpi"),
    ("kpi", "storage.type.kpi.kpi"), ("会員数", "entity.name.type.kpi.kpi"),
    ('"', "punctuation.definition.string.begin.kpi"), ("会員数", "string.quoted.double.kpi"),
    ('"', "punctuation.definition.string.end.kpi"),
    ("{", "punctuation.section.block.begin.kpi"),
    ("ksf", "keyword.other.attribute.kpi"), ("継続", "variable.other.kpi"),
    ("target", "keyword.other.attribute.kpi"), ("3.4万", "constant.numeric.kpi"), ("人", "keyword.other.unit.kpi"),
    ("formula", "keyword.other.attribute.kpi"), ("sum", "support.function.builtin.kpi"),
    ("(", "punctuation.section.parens.begin.kpi"), ("ｾｯｼｮﾝ", "variable.other.kpi"),
    (",", "punctuation.separator.comma.kpi"), ("1e3", "constant.numeric.kpi"),
    (")", "punctuation.section.parens.end.kpi"), ("*", "keyword.operator.arithmetic.kpi"),
    ("10k", "constant.numeric.kpi"), ("÷", "keyword.operator.arithmetic.kpi"), ("2", "constant.numeric.kpi"),
    ("-", "keyword.operator.arithmetic.kpi"), ("1_000", "constant.numeric.kpi"),
    ("milestones", "keyword.other.attribute.kpi"), ("{", "punctuation.section.block.begin.kpi"),
    ("Q2", "constant.numeric.date.quarter.kpi"), (":", "punctuation.separator.milestone.kpi"),
    ("3.6万", "constant.numeric.kpi"), ("人", "keyword.other.unit.kpi"),
    ("2026-10", "constant.numeric.date.month.kpi"), ("：", "punctuation.separator.milestone.kpi"),
    ("3.8万", "constant.numeric.kpi"), ("人", "keyword.other.unit.kpi"),
    ("}", "punctuation.section.block.end.kpi"),
    ("}", "punctuation.section.block.end.kpi"),
    ("assert", "storage.type.assert.kpi"), ("ARPU", "variable.other.kpi"),
    ("<=", "keyword.operator.comparison.kpi"), ("5,000", "constant.numeric.kpi"), ("円", "keyword.other.unit.kpi"),
    ("/", "keyword.operator.per.kpi"), ("人", "keyword.other.unit.kpi"),
    ("/", "keyword.operator.per.kpi"), ("月", "constant.language.period.kpi"),
    ('"', "punctuation.definition.string.begin.kpi"), ("上限", "string.quoted.double.kpi"),
    ('"', "punctuation.definition.string.end.kpi"),
]

STRUCTURE = {"meta.block.kpi"}  # a scope that says where a token is, not what it is


def _keyword_probes() -> dict[str, str]:
    probes = {}
    for keyword in sorted(grammar_keywords(LARK.read_text(encoding="utf-8"))):
        probes[f"{keyword}|top"] = keyword
        probes[f"{keyword}|block"] = f"kpi x {{ {keyword} }}"
        probes[f"{keyword}|after an amount"] = f"kpi x {{ target 5 {keyword} }}"
        for word in (keyword + "s", keyword + "売上", "x" + keyword, "_" + keyword):
            probes[f"{keyword}|{word}"] = word
    return probes


def _docs_blocks() -> dict[str, str]:
    blocks = {}
    docs = ROOT / "docs"
    for page in sorted(docs.rglob("*.md")):
        relative = page.relative_to(docs).as_posix()
        if relative.startswith(("rules/", "ja/rules/")):
            continue  # a rule's failing example may be wrong on purpose
        for n, text in enumerate(re.findall(r"```kpi\n(.*?)```", page.read_text(encoding="utf-8"), re.S), 1):
            blocks[f"docs/{relative}-{n}"] = text
    return blocks


IDS = {
    "japanese": "商談数", "full-width": "ＣＰＡ", "full-width digit inside": "ＣＶＲ２", "half-width katakana": "ｾｯｼｮﾝ",
    "full-width underscore": "ＣＶＲ＿２", "kangxi radical": "⼈数", "decomposed": "テ\u3099ータ",
    "iteration mark": "人々", "underscore first": "_draft", "digits after": "cvr_2026",
}


@pytest.fixture(scope="module")
def tokens():
    examples = {f"examples/{p.name}": p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.kpi"))}
    assert len(examples) >= 3
    texts = {**examples, **_docs_blocks(), "sample": SAMPLE, **_keyword_probes()}
    texts.update({f"id|{name}": f"kpi {word} {{ formula {word} }}" for name, word in IDS.items()})
    texts.update({f"suppression|{comment}": comment for comment in SUPPRESSION_COMMENTS})
    return tokenize_all(texts)


def _unscoped(found):
    """Tokens of text that carry no scope of their own (white space apart)."""
    return [(line, text, scopes) for line, text, scopes in found
            if text.strip(" \t\u3000\ufeff") and not set(scopes) - STRUCTURE]


def _invalid(found):
    return [(line, text) for line, text, scopes in found if any(s.startswith("invalid.") for s in scopes)]


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").glob("*.kpi")))
def test_every_token_of_the_example_plans_is_scoped(tokens, example):
    found = tokens[f"examples/{example}"]
    assert _unscoped(found) == []
    assert _invalid(found) == []
    scopes = {scope for _, _, token_scopes in found for scope in token_scopes}
    assert {"comment.line.number-sign.kpi", "string.quoted.double.kpi", "constant.numeric.kpi",
            "constant.numeric.date.kpi", "entity.name.type.kpi.kpi", "keyword.other.attribute.kpi"} <= scopes


def test_every_docs_block_is_scoped_and_only_the_elision_mark_is_no_token(tokens):
    blocks = [name for name in tokens if name.startswith("docs/")]
    assert len(blocks) >= 15
    for name in blocks:
        assert _unscoped(tokens[name]) == [], name
        assert {text for _, text in _invalid(tokens[name])} <= {"…"}, name


def test_a_plan_token_by_token(tokens):
    from kpispec.syntax.grammar import parser

    parser().parse(SAMPLE)  # a plan kpispec reads
    significant = [(text, scopes[-1]) for _, text, scopes in tokens["sample"] if text.strip()]
    assert significant == SAMPLE_TOKENS
    # the triple-quoted string spans its lines, and neither `#` nor `}` inside it ends anything
    lines = {line for line, _, scopes in tokens["sample"] if "string.quoted.triple.kpi" in scopes}
    assert lines == {14, 15, 16, 17}
    assert _unscoped(tokens["sample"]) == []
    # the directive is inside its comment
    directive = next(scopes for _, text, scopes in tokens["sample"] if text == "kpispec: ignore")
    assert directive == ["meta.block.kpi", "comment.line.number-sign.kpi", "keyword.other.directive.kpi"]


def test_suppression_comments_are_coloured_as_the_checks_read_them(tokens):
    # `ignore-file` like `ignore`; codes in brackets; no directive where the checks read none
    for comment, expected in SUPPRESSION_COMMENTS.items():
        found = tokens[f"suppression|{comment}"]
        assert all("comment.line.number-sign.kpi" in scopes for _, _, scopes in found), comment
        directives = [text for _, text, scopes in found if "keyword.other.directive.kpi" in scopes]
        codes = [text for _, text, scopes in found if "constant.other.rule-code.kpi" in scopes]
        if expected is None:
            assert directives == codes == [], comment
        else:
            assert directives == [expected[0]], comment
            assert codes == ([expected[1]] if expected[1] else []), comment


@pytest.mark.parametrize("keyword", sorted(grammar_keywords(LARK.read_text(encoding="utf-8"))))
def test_every_grammar_keyword_is_scoped_as_a_keyword_and_only_as_a_whole_word(tokens, keyword):
    def scopes_of(probe):
        """The scopes of the keyword in the probe: its last token but a closing brace."""
        found = [(text, scopes) for _, text, scopes in tokens[f"{keyword}|{probe}"] if text.strip() and text != "}"]
        assert found[-1][0] == keyword, (probe, found)
        return found[-1][1]

    for probe in ("top", "block", "after an amount"):
        assert KEYWORD_SCOPES.fullmatch(scopes_of(probe)[-1]), probe
    # at the top level `kgi` declares, inside a block it links
    assert scopes_of("top")[-1].startswith("storage.type.") == (keyword in {"plan", "param", "kgi", "ksf", "kpi", "assert"})
    assert scopes_of("block")[-1].startswith("keyword.other.") == (keyword not in {"plan", "param", "kpi", "assert"})
    for word in (keyword + "s", keyword + "売上", "x" + keyword, "_" + keyword):
        assert tokens[f"{keyword}|{word}"] == [(1, word, ["variable.other.kpi"])]


@pytest.mark.parametrize("name", sorted(IDS))
def test_ids_in_any_script_or_width_are_one_token(tokens, name):
    word = IDS[name]
    found = [(text, scopes[-1]) for _, text, scopes in tokens[f"id|{name}"] if text.strip()]
    assert found == [("kpi", "storage.type.kpi.kpi"), (word, "entity.name.type.kpi.kpi"),
                     ("{", "punctuation.section.block.begin.kpi"), ("formula", "keyword.other.attribute.kpi"),
                     (word, "variable.other.kpi"), ("}", "punctuation.section.block.end.kpi")]

"""The configuration's JSON Schema: published where its `$id` says, the same everywhere, and
the same rules as the hand-written checks of kpispec.config.from_table.

`load` lets the schema decide whether a configuration file is valid and which of its problems is
reported (the first in the file), in the words of from_table's check for that setting (see
kpispec.config._schema_problem). The rules are thus written twice, as the schema and as the checks:
the properties below hold them to the same verdict on generated tables. The key locator that gives
each message its line and column is tested here too, on generated TOML documents.
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli

import kpispec.config
from kpispec import DOCS_URL
from kpispec.codes import all_rules
from kpispec.config import (
    DEFAULT, DEFAULT_VANITY, KNOWN_KEYS, LEVELS, MAX_DISABLED, MAX_SCHEMA_ERRORS, MAX_TERM_LENGTH, MAX_VANITY_TERMS,
    ConfigError, _Places, _schema_errors, _schema_problem, _validator, config_schema, from_table, key_places, load,
)

CODES = {r.code for r in all_rules()}
COPIES = ("kpispec/config.schema.json", "schemas/kpispec-config.schema.json", "docs/schemas/kpispec-config.schema.json")
REGENERATE = "run `kpispec schema --config -o FILE` for " + ", ".join(COPIES)


# ---------------------------------------------------------------- the copies and what they say


@pytest.mark.parametrize("where", COPIES)
def test_every_copy_is_the_generated_schema(where):
    assert json.loads((ROOT / where).read_text(encoding="utf-8")) == config_schema(), f"{where} drifted: {REGENERATE}"


def test_the_id_is_where_the_docs_site_serves_it():
    assert config_schema()["$id"] == "https://kpispec.dev/schemas/kpispec-config.schema.json"
    page = (ROOT / "docs" / "schemas" / "kpispec-config.schema.json").relative_to(ROOT / "docs").as_posix()
    assert config_schema()["$id"] == DOCS_URL + page


def test_the_cli_prints_it():
    result = run_cli("schema", "--config")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == config_schema()
    assert result.stdout == (ROOT / "schemas" / "kpispec-config.schema.json").read_text(encoding="utf-8")


def test_it_names_the_settings_the_codes_and_the_levels():
    schema = config_schema()
    properties = schema["properties"]
    assert set(properties) == KNOWN_KEYS and schema["additionalProperties"] is False
    assert schema["$defs"]["rule-code"]["enum"] == [r.code for r in all_rules()]
    assert list(properties["severity"]["properties"]) == [r.code for r in all_rules()]  # for editors' completion
    assert schema["$defs"]["level"]["enum"] == list(LEVELS)
    assert properties["vanity-metrics"]["maxItems"] == properties["extend-vanity-metrics"]["maxItems"] == MAX_VANITY_TERMS
    assert properties["disable"]["maxItems"] == MAX_DISABLED
    for key in ("disable", "vanity-metrics", "extend-vanity-metrics"):  # the size is looked at before the items
        assert list(properties[key]).index("maxItems") < list(properties[key]).index("items"), key
    assert schema["$defs"]["term"]["maxLength"] == MAX_TERM_LENGTH


def test_every_setting_says_what_it_is_and_its_default():
    properties = config_schema()["properties"]
    for key, setting in properties.items():
        english, japanese = setting["description"].split("\n\n")
        assert english.isascii() and not japanese.isascii(), key  # both languages, as every message
        assert "default" in setting, key
    # the defaults are the defaults: written out, they configure what no configuration does
    written = from_table({key: setting["default"] for key, setting in properties.items()}, "x.toml", CODES)
    assert (written.severity, written.disabled, written.growth_bound, written.vanity_metrics, written.max_kgis) == (
        DEFAULT.severity, DEFAULT.disabled, DEFAULT.growth_bound, DEFAULT.vanity_metrics, DEFAULT.max_kgis)
    assert properties["vanity-metrics"]["default"] == list(DEFAULT_VANITY) and properties["max-kgis"]["default"] == 3


def test_each_rule_code_links_its_page():
    severity = config_schema()["properties"]["severity"]["properties"]
    assert severity["KPI205"]["description"] == (
        "KPI205 `missing-baseline`: https://kpispec.dev/rules/KPI205/\n\n"
        "KPI205 `missing-baseline`：https://kpispec.dev/ja/rules/KPI205/")


# ---------------------------------------------------------------- the schema and the checks agree

LEVEL_LIKE = [*LEVELS, "warn", "Error", "OFF", "", "off "]
CODE_LIKE = ["KPI205", "KPI215", "KPI301", "KPI2155", "kpi215", "KPl205", "KPI999", "", "KPI205 "]
UNKNOWN_KEYS = ["growth_bound", "Severity", "tool", "x", ""]


def long_text(n: int, char: str = "x") -> str:
    return char * n


strings = st.one_of(
    st.sampled_from([*LEVEL_LIKE, *CODE_LIKE, "3", "followers", "フォロワー", "1e400"]),
    st.text(max_size=4),
    st.builds(long_text, st.integers(MAX_TERM_LENGTH - 1, MAX_TERM_LENGTH + 1), st.sampled_from(["x", "あ", "😀"])),
)
floats = st.one_of(st.floats(), st.sampled_from([1.0, 1.0000001, 0.5, 3.0, 2.5, -0.0, math.inf, -math.inf, math.nan]))
integers = st.one_of(st.integers(-2, 5), st.integers(min_value=2 ** 63), st.just(-(2 ** 70)))
scalars = st.one_of(strings, integers, floats, st.booleans(), st.dates(), st.datetimes(), st.times())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(strings, inner, max_size=2)),
                      max_leaves=5)  # any TOML value
codes = st.one_of(st.sampled_from(CODE_LIKE), strings)


def many_terms(n: int, same: bool) -> list:
    return ["fans"] * n if same else [f"t{i}" for i in range(n)]


# Each setting: values near the edge of what it accepts (on either side of it), or any value.
terms = st.one_of(st.lists(st.one_of(st.sampled_from(["fans", "PV", ""]), strings), max_size=4),
                  st.lists(st.one_of(strings, values), max_size=3),
                  st.builds(many_terms, st.integers(MAX_VANITY_TERMS - 1, MAX_VANITY_TERMS + 1), st.booleans()))
SETTINGS = {
    "severity": st.one_of(st.dictionaries(codes, st.sampled_from(LEVEL_LIKE), max_size=3),
                          st.dictionaries(codes, st.one_of(st.sampled_from(LEVELS), values), max_size=2), values),
    "disable": st.one_of(st.lists(codes, max_size=3), st.lists(st.one_of(codes, values), max_size=3),
                         st.builds(lambda n, code: [code] * n, st.integers(MAX_DISABLED - 1, MAX_DISABLED + 1), codes), values),
    "growth-bound": st.one_of(integers, floats, values),
    "vanity-metrics": st.one_of(terms, values),
    "extend-vanity-metrics": st.one_of(terms, values),
    "max-kgis": st.one_of(integers, floats, values),
}
keys = st.lists(st.sampled_from(sorted(SETTINGS) * 4 + UNKNOWN_KEYS), max_size=3, unique=True)
tables = keys.flatmap(lambda chosen: st.fixed_dictionaries({key: SETTINGS.get(key, values) for key in chosen}))


def accepts(table, known_codes) -> bool:
    try:
        from_table(table, "x.toml", known_codes)
    except ConfigError:
        return False
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.sampled_from([CODES, None]))
def test_the_schema_and_the_checks_agree_on_every_table(table, known_codes):
    assert _validator(known_codes).is_valid(table) == accepts(table, known_codes)


def json_like(value) -> bool:
    """True for a value JSON writes as it is: no inf or nan, no whole float (JSON's 3.0 is TOML's 3), no dates."""
    if isinstance(value, float):
        return math.isfinite(value) and not value.is_integer()
    if isinstance(value, list):
        return all(json_like(item) for item in value)
    if isinstance(value, dict):
        return all(json_like(item) for item in value.values())
    return isinstance(value, (str, int))  # bool is an int


STOCK = jsonschema.Draft202012Validator(config_schema())  # as an editor reads the published schema


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(tables.filter(json_like))
def test_for_what_json_can_hold_any_2020_12_validator_agrees(table):
    """Editors validate with the schema as published: they agree with kpispec on every table JSON
    can hold. (TOML's inf, nan and 3.0 are where kpispec's reading of the types matters.)"""
    assert STOCK.is_valid(table) == _validator(CODES).is_valid(table) == accepts(table, CODES)


def test_where_toml_and_json_differ_kpispec_reads_toml():
    for table in ({"max-kgis": 3.0}, {"growth-bound": math.inf}, {"growth-bound": math.nan}):
        assert not _validator(CODES).is_valid(table) and not accepts(table, CODES), table
        assert STOCK.is_valid(table), table  # a JSON validator's reading: 3.0 is an integer; inf and nan are numbers
    assert _validator(CODES).is_valid({"growth-bound": 10 ** 400, "max-kgis": 10 ** 400})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables.filter(lambda table: not accepts(table, CODES)))
def test_every_refusal_is_in_the_checks_words(table):
    problem = _schema_problem(table, _Places(""), (), CODES)
    assert problem is not None
    assert "設定のスキーマに合いません" not in problem.ja, problem.en  # never the schema's own words
    if len(table) == 1:  # one setting: exactly what from_table says
        ((key, value),) = table.items()
        if key == "severity" and isinstance(value, dict) and len(problem.path) > 1:
            # several codes: the one the schema found first (in a file, the first in it) is the one said
            table = {key: {problem.path[1]: value[problem.path[1]]}}
        with pytest.raises(ConfigError) as info:
            from_table(table, "x.toml", CODES)
        assert info.value.message.en == f"x.toml: {problem.en}"
        assert info.value.message.ja == f"x.toml：{problem.ja}"


def test_the_work_on_a_huge_file_is_bounded(tmp_path):
    # A 1 MiB file can hold 100,000 list items: validating each (and keeping an error for each)
    # took seconds; a setting's errors are read until one is about the setting itself, or a few.
    misspelt = {"disable": [f"x{i}" for i in range(MAX_DISABLED)], "severity": {f"K{i}": "off" for i in range(5000)}}
    errors = _schema_errors(_validator(CODES), misspelt)
    assert len(errors) == 2 * MAX_SCHEMA_ERRORS
    assert [e.instance for e in errors[:2]] == ["x0", "x1"] and errors[MAX_SCHEMA_ERRORS].instance == "K0"
    too_long = {"disable": ["x"] * 60_000}  # too many: one error, and none of the 60,000 items is looked at
    assert [e.validator for e in _schema_errors(_validator(CODES), too_long)] == ["maxItems"]
    path = tmp_path / "kpispec.toml"
    path.write_text("max-kgis = 3\ndisable = [" + ", ".join(['"KPI215"'] * 60_000) + "]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kpispec\.toml:2:1: disable holds at most 1,000 rule codes \(this one has 60,000\)$"):
        load(path, CODES)
    japanese = None
    try:
        load(path, CODES)
    except ConfigError as exc:
        japanese = exc.message.ja
    assert japanese.endswith(":2:1：disable に書けるルールのコードは 1,000 個までです（この設定では 60,000 個）")


def test_vanity_limits_count_each_list():
    # Each list holds at most 1,000 terms, as the schema's maxItems says (duplicates count); both may be full.
    full = [f"a{i}" for i in range(MAX_VANITY_TERMS)]
    config = from_table({"vanity-metrics": full, "extend-vanity-metrics": [f"b{i}" for i in range(MAX_VANITY_TERMS)]}, "x")
    assert len(config.vanity_metrics) == 2 * MAX_VANITY_TERMS
    with pytest.raises(ConfigError, match=r"^x: extend-vanity-metrics holds at most 1,000 terms .*\(this one has 1,001\)$"):
        from_table({"extend-vanity-metrics": ["same"] * (MAX_VANITY_TERMS + 1)}, "x")


# ---------------------------------------------------------------- which problem, where


def load_error(tmp_path, text: str, name: str = "kpispec.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(path, CODES)
    return str(info.value).removeprefix(str(path))


def test_the_first_problem_in_the_file_is_reported(tmp_path):
    # from_table alone would report the unknown key first; the file's first problem is max-kgis
    assert load_error(tmp_path, "max-kgis = 0\ngrowth_bound = 3\n") == (
        ":1:1: max-kgis must be a whole number of at least 1 such as 3, not 0")
    assert load_error(tmp_path, 'disable = ["KPI215", "KPI2O1"]\n[severity]\nKPI205 = "warn"\n') == (
        ':1:22: disable: unknown rule code "KPI2O1" (did you mean "KPI201"?)')
    assert load_error(tmp_path, '[severity]\nKPI205 = "warn"\nKPI2O1 = "off"\n') == (
        ':2:1: severity.KPI205 must be "error", "warning", "info" or "off", not "warn" (did you mean "warning"?)')
    assert load_error(tmp_path, '[severity]\nKPI2O1 = "off"\nKPI205 = "warn"\n') == (
        ':2:1: severity: unknown rule code "KPI2O1" (did you mean "KPI201"?)')
    # unknown settings are named together, at the first of them in the file
    assert load_error(tmp_path, "max-kgis = 3\nzz = 1\nab = 2\n").startswith(":2:1: unknown settings ab, zz; ")


def test_a_disagreement_still_reports_the_problem_at_its_place(tmp_path, monkeypatch):
    # Should the checks accept what the schema refuses, the schema's own message is reported.
    monkeypatch.setitem(kpispec.config._CHECKS, "max-kgis", lambda value, known_codes, prefix: value)
    assert load_error(tmp_path, "# c\nmax-kgis = 0\n") == ":2:1: max-kgis: 0 is less than the minimum of 1"
    ja = None
    try:
        load(tmp_path / "kpispec.toml", CODES)
    except ConfigError as exc:
        ja = exc.message.ja
    assert ja.endswith(":2:1：max-kgis：設定のスキーマに合いません（0 is less than the minimum of 1）")
    # Should the schema accept what the checks refuse, the checks' message is reported, at its place.
    monkeypatch.undo()
    monkeypatch.setattr(kpispec.config, "_validator", lambda known_codes: jsonschema.Draft202012Validator({}))
    assert load_error(tmp_path, '# c\n\ndisable = ["KPI215", "KPI2155"]\n') == (
        ':3:22: disable: unknown rule code "KPI2155" (did you mean "KPI215"?)')


def test_without_known_codes_any_code_is_allowed(tmp_path):
    path = tmp_path / "kpispec.toml"
    path.write_text('disable = ["KPI999999"]\nseverity = { X1 = "info" }\n', encoding="utf-8")
    config = load(path)
    assert config.disabled == {"KPI999999"} and "X1" in config.severity
    other = load(path, {"KPI999999", "X1"})  # or a list of codes other than kpispec's own
    assert other.disabled == {"KPI999999"}
    with pytest.raises(ConfigError, match=r'kpispec\.toml:2:14: severity: unknown rule code "X1"$'):
        load(path, {"KPI999999"})


# ---------------------------------------------------------------- the key locator


def test_the_locator_skips_strings_and_comments():
    text = ('# [severity] KPI205 = "x"\n'
            'a = "# = [ ] { }"  # b = 1\n'
            "b = '''\n[c]\nd = 1\n'''\n"
            'c = """\n\\"""\n e = 2 """\n'
            'd = """x""""\ne = \'\'\'y\'\'\'\'\'\n'
            '"q\\u0041 k" . \'lit.key\' = [ "]", [ 1, 2 ], { x = "}" } ]\n'
            "[[arr]]\n"
            "t = 1979-05-27 07:32:00Z\n"
            "[ table . 'sub' ]\n"
            "z = -inf\n")
    places = key_places(text)
    assert {path: text[offset:offset + 8] for path, offset in places.items()} == {
        ("a",): 'a = "# =', ("b",): "b = '''\n", ("c",): 'c = """\n', ("d",): 'd = """x', ("e",): "e = '''y",
        ("qA k",): '"q\\u0041', ("qA k", "lit.key"): "'lit.key", ("qA k", "lit.key", 0): '"]", [ 1',
        ("qA k", "lit.key", 1): "[ 1, 2 ]", ("qA k", "lit.key", 1, 0): "1, 2 ], ", ("qA k", "lit.key", 1, 1): "2 ], { x",
        ("qA k", "lit.key", 2): '{ x = "}', ("qA k", "lit.key", 2, "x"): 'x = "}" ',
        ("arr",): "arr]]\nt ", ("arr", "t"): "t = 1979", ("table",): "table . ", ("table", "sub"): "'sub' ]\n",
        ("table", "sub", "z"): "z = -inf",
    }


def test_the_locator_never_fails():
    for text in ("[", "a = ", 'a = "', "a = [1,", "a = '''", "= 1", "[a]]", "a = {", "\x00", "a.", '"\\'):
        assert isinstance(key_places(text), dict)


BARE = re.compile(r"[A-Za-z0-9_-]+")
key_text = st.text(alphabet=st.sampled_from(list("ab_-1 .=\"'#\\あ\t")), max_size=4)
string_text = st.text(alphabet=st.sampled_from(list("ab =#[]{},.\"'\\\nあ\t")), max_size=8)
string_text = st.one_of(string_text, st.builds(lambda text, quotes: text + quotes, string_text, st.sampled_from(['"', '""', "'", "''"])))
leaf = st.one_of(st.integers(-5, 10 ** 20), st.booleans(), st.floats(allow_nan=False), string_text, st.dates())
documents = st.recursive(st.dictionaries(key_text, leaf, max_size=3),
                         lambda inner: st.dictionaries(key_text, st.one_of(leaf, inner, st.lists(st.one_of(leaf, inner),
                                                                                                 max_size=3)), max_size=3),
                         max_leaves=10)


class Writer:
    """Writes a table as TOML in styles hypothesis draws, noting where each key and item is written first."""

    def __init__(self, draw):
        self.draw, self.out, self.places = draw, [], {}
        self.newline = draw(st.sampled_from(["\n", "\r\n"]))

    @property
    def offset(self) -> int:
        return sum(map(len, self.out))

    def put(self, text: str) -> None:
        self.out.append(text)

    def gap(self) -> str:
        return self.draw(st.sampled_from(["", " ", "  ", "\t"]))

    def line_end(self) -> None:
        self.put(self.gap() + self.draw(st.sampled_from(["", '# x = "[a]"', "#"])) + self.newline)
        if self.draw(st.booleans()):
            self.put(self.draw(st.sampled_from(["", "# [t]", "  # '''"])) + self.newline)

    def key(self, path: tuple) -> None:
        """The last part of `path`, noted at the offset it is written at."""
        part = path[-1]
        self.places.setdefault(path, self.offset)
        if BARE.fullmatch(part) and self.draw(st.booleans()):
            self.put(part)
        elif "'" not in part and part.isprintable() and self.draw(st.booleans()):
            self.put(f"'{part}'")
        else:
            self.put(basic(part))

    def dotted(self, base: tuple, parts: tuple) -> None:
        for n, part in enumerate(parts):
            if n:
                self.put(self.gap() + "." + self.gap())
            self.key((*base, *parts[:n + 1]))

    def value(self, path: tuple, value) -> None:
        if isinstance(value, dict):
            self.put("{" + self.gap())
            for n, (k, v) in enumerate(value.items()):
                if n:
                    self.put(self.gap() + "," + self.gap())
                self.key((*path, k))
                self.put(self.gap() + "=" + self.gap())
                self.value((*path, k), v)
            self.put(self.gap() + "}")
        elif isinstance(value, list):
            self.put("[")
            for n, item in enumerate(value):
                self.put(self.draw(st.sampled_from(["", " ", self.newline + "  ", " # ]" + self.newline])))
                self.places.setdefault((*path, n), self.offset)
                self.value((*path, n), item)
                self.put(self.gap() + ",")
            self.put(self.gap() + "]")
        elif isinstance(value, str):
            if not value.startswith("\n") and "'''" not in value and all(ch.isprintable() or ch in "\n\t" for ch in value) \
                    and self.draw(st.booleans()):
                self.put(f"'''{value}'''")  # may end in one or two quotes of its own: '''a'''''
            elif not value.startswith("\n") and self.draw(st.booleans()):
                self.put(multi_line_basic(value))
            else:
                self.put(basic(value))
        elif isinstance(value, bool):
            self.put("true" if value else "false")
        elif isinstance(value, float):
            self.put(repr(value))
        else:
            self.put(value.isoformat() if hasattr(value, "isoformat") else str(value))

    def table(self, path: tuple, table: dict) -> None:
        """The key/values of `table` in the current section (sub-tables dotted or inline), then its headed sub-tables."""
        headed = []
        for k, v in table.items():
            if isinstance(v, dict) and v and self.draw(st.booleans()):
                headed.append((k, v))
                continue
            self.put(self.gap())
            self.dotted(path, (k,))
            if isinstance(v, dict) and v and self.draw(st.booleans()):  # dotted: one line per key inside
                self.put(self.gap() + "." + self.gap())
                self.dotted_lines(path, (k,), v)
                continue
            self.put(self.gap() + "=" + self.gap())
            self.value((*path, k), v)
            self.line_end()
        for k, v in headed:
            self.put("[" + self.gap())
            self.dotted((), (*path, k))
            self.put(self.gap() + "]")
            self.line_end()
            self.table((*path, k), v)

    def dotted_lines(self, section: tuple, keys: tuple, table: dict) -> None:
        """`keys` (in the table `section`) has just been written, with its dot: the first key of
        `table`, then a line for each other."""
        path = (*section, *keys)
        for n, (k, v) in enumerate(table.items()):
            if n:
                self.put(self.gap())
                self.dotted(section, keys)
                self.put(self.gap() + "." + self.gap())
            self.key((*path, k))
            self.put(self.gap() + "=" + self.gap())
            self.value((*path, k), v)
            self.line_end()


def basic(text: str) -> str:
    return '"' + "".join("\\" + ch if ch in '"\\' else f"\\u{ord(ch):04X}" if not ch.isprintable() and ch != " " else ch
                         for ch in text) + '"'


def multi_line_basic(text: str) -> str:
    """`text` in triple quotes: quotes as they are, but never three in a row, so that it may end in two."""
    out, run = [], 0
    for ch in text:
        if ch == '"':
            out.append('\\"' if run == 2 else '"')
            run = 0 if run == 2 else run + 1
            continue
        run = 0
        out.append("\\\\" if ch == "\\" else ch if ch == "\n" or ch.isprintable() else f"\\u{ord(ch):04X}")
    return '"""' + "".join(out) + '"""'


@st.composite
def written(draw):
    table = draw(documents)
    writer = Writer(draw)
    writer.table((), table)
    return table, "".join(writer.out), writer.places


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written())
def test_the_locator_finds_every_key_where_it_is_written(case):
    import tomllib

    table, text, places = case
    assert tomllib.loads(text) == table  # the writer writes what it means
    assert key_places(text) == places


def test_the_growth_bound_in_a_file_is_exact(tmp_path):
    path = tmp_path / "kpispec.toml"
    path.write_text("growth-bound = 1.1\n", encoding="utf-8")
    assert load(path, CODES).growth_bound == Fraction(11, 10)

"""Per-unit amounts as analysts write them: `3,000円/人`, `80円 per visitor`, `1.5回/人`, `150円 per USD`.

Expected values are worked out by hand or with Fraction here, never read from the tool's output.
"""

import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from kpispec.api import analyze_text, compile_result
from kpispec.units import SLASH_COUNTERS

ROOT = Path(__file__).resolve().parent.parent
PLAN = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\n'


def codes(result, severity=None):
    return [d.code for d in result.diagnostics if severity is None or d.severity.value == severity]


def target_of(text, index=0):
    result = analyze_text("p.kpi", PLAN + text, checks=False)
    assert result.ok, [d.message.en for d in result.diagnostics]
    return json.loads(compile_result(result), parse_float=Decimal)["kpis"][index]["target"]


WRITTEN = [
    # written, value, unit, per-unit, period
    ("3,000円/人", Decimal(3000), "JPY", "人", None),
    ("80円 per visitor", Decimal(80), "JPY", "visitor", None),
    ("80円 per 人", Decimal(80), "JPY", "人", None),
    ("3,000円/人/月", Decimal(3000), "JPY", "人", "month"),
    ("3,000円/月/人", Decimal(3000), "JPY", "人", "month"),
    ("80円 per visitor per month", Decimal(80), "JPY", "visitor", "month"),
    ("80円 per month per visitor", Decimal(80), "JPY", "visitor", "month"),
    ("1.5回/人", Decimal("1.5"), "回", "人", None),
    ("1.2万円/契約/年", Decimal(12000), "JPY", "契約", "year"),
    ("150円 per USD", Decimal(150), "JPY", "USD", None),
    ("150円 per ドル", Decimal(150), "JPY", "USD", None),
    ("2 per user", Decimal(2), None, "user", None),
]


@pytest.mark.parametrize("written,value,unit,per_unit,per", WRITTEN, ids=[w[0] for w in WRITTEN])
def test_a_per_unit_amount_is_read_and_compiled(written, value, unit, per_unit, per):
    target = target_of(f'kpi x "x" {{ target {written} }}\n')
    assert (target["value"], target["unit"], target["per_unit"], target["per"], target["text"]) == (
        value, unit, per_unit, per, written)


def test_an_ordinary_amount_has_no_per_unit():
    assert target_of('kpi x "x" { target 3,000円/月 }\n')["per_unit"] is None


def test_the_compiled_json_with_per_units_is_valid_against_the_schema():
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "kpispec.schema.json").read_text(encoding="utf-8"))
    result = analyze_text("p.kpi", PLAN + 'kpi x "x" { target 3,000円/人/月 }\nkpi y "y" { target 150円 per USD }\n')
    jsonschema.validate(json.loads(compile_result(result)), schema)


def test_the_grammar_glues_exactly_the_counters_listed_in_units():
    grammar = (ROOT / "grammar" / "kpispec.lark").read_text(encoding="utf-8")
    pattern = re.search(r"^SLASH_UNIT\.2: /\\/\(\?:([^)]*)\)", grammar, re.M).group(1)
    assert sorted(pattern.split("|")) == sorted(SLASH_COUNTERS)


@pytest.mark.parametrize("counter", SLASH_COUNTERS)
def test_every_listed_counter_glues_after_a_slash(counter):
    assert target_of(f'kpi x "x" {{ target 5円/{counter} }}\n')["per_unit"] == counter


@pytest.mark.parametrize("formula", ["売上/人数", "売上 / 人数", "売上/客数"])
def test_a_slash_before_a_longer_word_stays_a_division(formula):
    text = PLAN + ('kpi 売上 "売上" { target 1億円 }\nkpi 人数 "人数" { target 1万人 }\nkpi 客数 "客数" { target 1万人 }\n'
                   f'kpi 客単価 "客単価" {{ formula {formula} target 5,000円/人 }}\n')
    result = analyze_text("p.kpi", text, checks=False)
    assert result.ok, [d.message.en for d in result.diagnostics]
    formula = json.loads(compile_result(result))["kpis"][-1]["formula"]["expr"]
    assert formula["type"] == "binary" and formula["op"] == "/"


@pytest.mark.parametrize("written,code,word", [
    ("1円/人/件", "KPI015", "件"),
    ("1円 per visitor per order", "KPI015", "order"),
    ("100件/月/年", "KPI015", "年"),
    ("1円 per mnoth", "KPI012", "mnoth"),
    ("1円 per mo", "KPI012", "mo"),
    ("1円 per yr", "KPI012", "yr"),
    ("1円 per months", "KPI012", "months"),
    ("1円 per 年間", "KPI012", "年間"),
    ("1円 per ヶ月", "KPI012", "ヶ月"),
])
def test_two_of_a_kind_or_a_mistyped_period_is_an_error_at_the_word(written, code, word):
    text = PLAN + f'kpi x "x" {{ target {written} }}\n'
    result = analyze_text("p.kpi", text, checks=False)
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert [d.code for d in errors] == [code]
    span = errors[0].span
    assert result.source.text[span.start:span.end] == word


# ------------------------------------------------------------------ arithmetic

ARPU_PLAN = PLAN + '''kgi revenue "売上" { target 1億円 per year formula members * arpu }
kpi members "会員" { target 3,000人 }
kpi arpu "ARPU" { target ARPU }
'''


def test_a_count_times_an_amount_per_that_count_is_a_total_that_reaches_the_goal():
    # 3,000 people × 3,000円 per person per month × 12 = 1.08億円 per year ≥ 1億円
    assert Fraction(3000) * 3000 * 12 >= 10**8
    result = analyze_text("p.kpi", ARPU_PLAN.replace("ARPU }", "3,000円/人/月 }"))
    assert not codes(result, "error") and "KPI310" not in codes(result), [d.message.en for d in result.diagnostics]


def test_a_shortfall_through_a_per_unit_amount_shows_the_fix_in_its_unit():
    # 3,000 × 2,500 × 12 = 9,000万円 < 1億円; the ARPU that reaches it is 1億 / 12 / 3,000 = 2,777.8円/人/月
    needed = Fraction(10**8, 12 * 3000)
    assert Fraction(3000) * 2500 * 12 < 10**8 and 2777 < needed < 2778
    result = analyze_text("p.kpi", ARPU_PLAN.replace("ARPU }", "2,500円/人/月 }"))
    errors = [d for d in result.diagnostics if d.code == "KPI301"]
    assert len(errors) == 1
    text = errors[0].help.en + " ".join(n.en for n in errors[0].notes)
    assert "members ≥ 3,334人" in text and "arpu ≥ 2,778円/人 per month" in text, text
    ja = errors[0].help.ja
    assert "2,778円/人/月" in ja, ja


def test_an_exchange_rate_per_usd_converts_dollars_to_yen():
    text = PLAN + '''kgi revenue "売上" { target 1.5億円 formula sales_usd * fx }
kpi sales_usd "米国売上" { target 1,000,000 USD }
kpi fx "為替" { target 150円 per USD }
'''
    result = analyze_text("p.kpi", text)  # 1,000,000 USD × 150 JPY/USD = 1.5億円 exactly
    assert not codes(result, "error"), [d.message.en for d in result.diagnostics]
    # without the rate the goal mixes currencies
    result = analyze_text("p.kpi", text.replace("sales_usd * fx", "sales_usd"))
    assert "KPI302" in codes(result, "error")


# ------------------------------------------------------------------ count words

def clashes(body):
    result = analyze_text("p.kpi", PLAN + body)
    assert not [d for d in result.diagnostics if d.code == "KPI901"], [d.message.en for d in result.diagnostics]
    return [d for d in result.diagnostics if d.code == "KPI302"]


def test_a_count_times_an_amount_per_another_count_is_a_unit_mismatch():
    found = clashes('''kgi revenue "売上" { target 1億円 formula orders * arpu }
kpi orders "注文" { target 3万件 }
kpi arpu "ARPU" { target 5,000円/人 }
''')
    assert len(found) == 1
    d = found[0]
    assert d.message.en == "`件` times an amount per `人`: the counts do not cancel"
    assert "`人`あたりの値" in d.message.ja


def test_a_per_unit_cancels_its_own_count_and_the_result_keeps_the_other():
    # members (人) × visits per member (回/人) is visits (回): adding members to it is a clash,
    # adding it to another count of 回 is not
    body = '''kpi members "会員" {{ target 3,000人 }}
kpi freq "来店頻度" {{ target 1.5回/人 }}
kpi walk_ins "飛び込み" {{ target 500回 }}
kgi visits "来店" {{ target 5,000回 formula members * freq + {other} }}
'''
    assert clashes(body.format(other="walk_ins")) == []
    found = clashes(body.format(other="members"))
    assert [d.message.en for d in found] == ["cannot combine `回` with `人`"]


def test_amounts_per_different_counts_are_not_added_or_compared():
    found = clashes('''kpi arpu "ARPU" { target 3,000円/人 }
kpi aov "客単価" { target 5,000円 per 件 }
kpi x "x" { formula arpu + aov }
assert arpu >= 2,000円/件
assert arpu >= 2,000円/人
assert arpu >= 2,000円
''')
    assert [d.message.en for d in found] == ["cannot combine an amount per `人` with an amount per `件`"] * 2


def test_the_product_check_sees_through_scaling_and_grouping():
    body = '''kpi members "会員" {{ target 3,000人 }}
kpi arpu "ARPU" {{ target 3,000円/人/月 }}
kgi revenue "売上" {{ target 1億円 per year formula {formula} }}
'''
    for formula in ["members * arpu * 12", "12 * members * arpu", "(members * 2) * arpu", "arpu * (members)"]:
        assert clashes(body.format(formula=formula)) == [], formula

    # a share in between converts one count into another (members × share = buyers): unknown, never a false alarm
    assert clashes(body.replace("kgi", 'kpi share "購入率" {{ target 40% }}\nkgi').format(formula="members * share * arpu")) == []


def test_two_per_units_chain_when_one_cancels_the_other():
    # 円 per visit × visits per member is 円 per member: times members it is a total, times orders a clash
    body = '''kpi spend "来店単価" {{ target 2,000円/回 }}
kpi freq "来店頻度" {{ target 1.5回/人 }}
kpi members "会員" {{ target 3,000人 }}
kpi orders "注文" {{ target 4,000件 }}
kgi revenue "売上" {{ target 900万円 formula {formula} }}
'''
    assert clashes(body.format(formula="spend * freq * members")) == []
    assert clashes(body.format(formula="freq * spend * members")) == []
    for formula in ("spend * freq * orders", "freq * spend * orders"):
        found = clashes(body.format(formula=formula))
        assert [d.message.en for d in found] == ["`件` times an amount per `人`: the counts do not cancel"], formula


# ------------------------------------------------------------------ found in review

@pytest.mark.parametrize("formula", ["aov * members * orders_per_member", "members * aov * orders_per_member",
                                     "orders_per_member * (aov * members)", "(aov * 2) * members * orders_per_member"])
def test_a_product_is_read_as_a_whole_whatever_its_order(formula):
    # 円/件 × 人 × 件/人: the 件 and the 人 both cancel, in any order or grouping
    body = f'''kgi b "注文売上" {{ target 3億円 formula {formula} }}
kpi members "会員" {{ target 10,000人 }}
kpi orders_per_member "注文回数" {{ target 3件/人 }}
kpi aov "客単価" {{ target 10,000円/件 }}
'''
    assert clashes(body) == []


@pytest.mark.parametrize("formula", ["members * frequency * aov", "frequency * aov * members", "aov * frequency * members"])
def test_a_count_left_over_is_a_clash_whatever_the_order(formula):
    # 人 × 回/人 × 円/件: the 人 cancel, 回 is left beside an amount per 件
    body = f'''kgi a "A" {{ target 1億円 formula {formula} }}
kpi members "会員" {{ target 10,000人 }}
kpi frequency "来店頻度" {{ target 2回/人 }}
kpi aov "客単価" {{ target 5,000円/件 }}
'''
    assert [d.message.en for d in clashes(body)] == ["`回` times an amount per `件`: the counts do not cancel"]


@pytest.mark.parametrize("count,per", [("1万 visitors", "5円 per visitor"), ("1万 clicks", "50円 per click"),
                                       ("3,000 people", "100円 per person"), ("3,000名", "2,000円/人"),
                                       ("500 Users", "100円 per user"), ("200 companies", "1万円 per company")])
def test_plurals_and_synonyms_are_one_count(count, per):
    body = f'''kgi g "G" {{ target 1円 formula n * amount }}
kpi n "N" {{ target {count} }}
kpi amount "A" {{ target {per} }}
'''
    assert clashes(body) == []


TIME_WORDS = ["月間", "月次", "毎月", "週次", "年次", "日次", "年度", "半期", "半年", "期", "時間", "営業日",
              "hour", "hr", "h", "minute", "weekday", "annual", "FY", "fiscal_year", "monthly", "mnoth"]


@pytest.mark.parametrize("word", TIME_WORDS)
def test_a_word_for_time_after_per_is_never_a_count(word):
    result = analyze_text("p.kpi", PLAN + f'kpi x "x" {{ target 100件 per {word} }}\n', checks=False)
    # business days have an error of their own (KPI020): no calendar month holds a fixed number of them
    expected = "KPI020" if word in ("営業日", "businessday", "business_day") else "KPI012"
    assert [d.code for d in result.diagnostics if d.severity.value == "error"] == [expected]


def test_a_mistyped_period_after_a_per_unit_is_a_period_error_not_two_per_units():
    result = analyze_text("p.kpi", PLAN + 'kpi x "x" { target 3,000円/人 per mnoth }\n', checks=False)
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert [d.code for d in errors] == ["KPI012"] and errors[0].help.en == "did you mean `month`?"


COUNTER_IDS = PLAN + '''kpi 売上 "売上" { target 1億円 }
kpi 人 "人数" { target 1万人 }
kpi 件 "件数" { target 1万件 }
'''


@pytest.mark.parametrize("formula", ["売上/人", "1億円/人", "(売上 + 1円)/人", "sum(売上, 1円)/人", "売上/件"])
def test_a_counter_that_names_an_id_divides_by_it(formula):
    result = analyze_text("p.kpi", COUNTER_IDS + f'kpi x "x" {{ formula {formula} }}\n', checks=False)
    assert result.ok, [d.message.en for d in result.diagnostics]
    expr = json.loads(compile_result(result))["kpis"][-1]["formula"]["expr"]
    assert expr["type"] == "binary" and expr["op"] == "/" and expr["right"] == {"type": "ref", "id": formula[-1]}


def test_a_counter_that_names_an_id_divides_in_an_assert_and_is_checked():
    # 1億円 / 人 with 人 >= 1万: at most 10,000円, and 3,333円 when 人 = 30,000
    result = analyze_text("p.kpi", COUNTER_IDS + "assert 1億円/人 >= 5,000円\n")
    assert [d.code for d in result.diagnostics if d.severity.value == "error"] == ["KPI307"]


def test_a_counter_that_names_no_id_is_a_per_unit_in_a_formula():
    result = analyze_text("p.kpi", COUNTER_IDS + 'kpi x "x" { formula 人 * 3,000円/回 }\n', checks=False)
    expr = json.loads(compile_result(result))["kpis"][-1]["formula"]["expr"]
    assert expr["right"]["quantity"]["per_unit"] == "回"


def test_a_formula_per_one_count_against_a_target_per_another_is_a_mismatch():
    found = clashes('''kgi spend "顧客単価" { target 5,000円/人 formula aov }
kpi aov "注文単価" { target 5,000円/件 }
kgi k "K" { target 1億円/人 formula members * arpu }
kpi members "会員" { target 10,000人 }
kpi arpu "ARPU" { target 10,000円/人 }
''')
    assert [d.message.en for d in found] == [
        "the formula gives an amount per `件`, but the target is an amount per `人`",
        "the formula gives a total, but the target is an amount per `人`",
    ]


@pytest.mark.parametrize("code", ["KPI206", "KPI309"])
def test_a_baseline_per_another_count_is_not_compared_with_the_target(code):
    text = ('kpi a "A" { target 10,000円/人 baseline 2,000円/件 }\n'
            'kpi b "B" { target 1,000円/人 baseline 2,000円/件 }\n')
    assert not diags_of(text, code)
    # per the same count, they are
    assert diags_of(text.replace("/件", "/人"), code)


def diags_of(body, code):
    return [d for d in analyze_text("p.kpi", PLAN + body).diagnostics if d.code == code]


def test_messages_keep_what_an_amount_is_per():
    found = diags_of('kpi jp "国内" { target 1億円 }\nkpi fx "為替" { target 150円 per USD formula jp / 2 }\n', "KPI302")
    assert found[0].message.en == "`fx`'s formula gives JPY, but its target is JPY per USD"
    found = diags_of('kpi arpu "ARPU" { target 3,000円/人 }\nkpi aov "AOV" { target 3,000円/件 }\nassert arpu >= aov\n', "KPI307")
    assert "arpu = 3,000円/人 and aov = " in found[0].notes[0].en and "円/件" in found[0].notes[0].en


@pytest.mark.parametrize("written,fix", [("50円/クリック", "50円 per クリック"), ("3,000円/顧客", "3,000円 per 顧客"),
                                         ("80万円/人月", "80万円 per 人月"), ("5円/月間", "5円 per 月")])
def test_a_slash_before_another_word_in_a_target_says_to_write_per(written, fix):
    result = analyze_text("p.kpi", PLAN + f'kpi x "x" {{ target {written} }}\n')
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert [d.code for d in errors] == ["KPI002"] and f"`{fix}`" in errors[0].help.en
    fixed = analyze_text("p.kpi", PLAN + f'kpi x "x" {{ target {fix} }}\n', checks=False)
    assert fixed.ok, [d.message.en for d in fixed.diagnostics]  # the fix shown is checked


def test_a_slash_before_an_undefined_word_in_a_formula_offers_per():
    result = analyze_text("p.kpi", PLAN + 'kpi x "X" { target 5 USD }\nkpi a "A" { target 5円 formula x * 150円/ドル }\n')
    found = [d for d in result.diagnostics if d.code == "KPI102"]
    assert "write `150円 per ドル`" in found[0].help.en
    fixed = analyze_text("p.kpi", PLAN + 'kpi x "X" { target 5 USD }\nkpi a "A" { target 5円 formula x * 150円 per ドル }\n')
    assert not [d for d in fixed.diagnostics if d.severity.value == "error"], [d.message.en for d in fixed.diagnostics]


@pytest.mark.parametrize("a,b,one", [
    ("visitors", "visitor", True), ("Users", "user", True), ("companies", "company", True),
    ("cookies", "cookie", True), ("movies", "movie", True), ("people", "person", True), ("名", "人", True),
    ("class", "clas", False), ("orders", "order", True), ("sessions", "visitor", False), ("件", "人", False),
    ("/visitors", "/visitor", True), ("回/名", "回/人", True), ("/人", "人", False), ("回/人", "/人", False),
    ("%", "%", True), ("%", "人", False),
])
def test_count_words_are_one_count_as_people_mean_them(a, b, one):
    from kpispec.analysis.labels import same

    assert same(a, b) is one and same(b, a) is one


LABELLED = PLAN + '''kpi orders "注文" { target 100件 }
kpi sessions "訪問" { target 1万回 }
kpi members "会員" { target 1,000人 }
kpi freq "頻度" { target 2回/人 }
kpi cvr "CVR" { target 2% }
kpi aov "客単価" { target 5,000円/件 }
kpi arpu "ARPU" { target 3,000円/人 }
kpi ratio "比" { target 2件/件 }
kpi cps "社単価" { target 100円/社 }
kpi plain "係数" { target 5 }
'''


@pytest.mark.parametrize("body,messages", [
    ("assert orders >= cvr", ["cannot combine `件` with a percentage"]),       # a count against a share
    ("assert orders >= 2%", ["cannot combine `件` with a percentage"]),
    ('kgi x "x" { formula (sessions / 2) + orders }', ["cannot combine `回` with `件`"]),  # halved, still 回
    ('kgi x "x" { formula sessions * cvr * aov }', []),                        # a share may convert 回 into 件
    ('kgi x "x" { target 1件/件 formula ratio * 2 }', []),                     # one factor's own label stays
    ('kgi x "x" { target 6/人 formula 2 * 3 }', []),                           # no count at all: unknown
    ('kgi x "x" { target 1回/人 formula members * freq * orders }', []),       # counts left over: unknown
    ('kgi x "x" { target 100件 formula sessions + sessions }', []),            # counts are not compared with the target
    ('kgi x "x" { formula orders * sessions * arpu }', ["`件` times an amount per `人`: the counts do not cancel"]),
    ('kgi x "x" { formula sessions * orders * arpu }', ["`回` times an amount per `人`: the counts do not cancel"]),
    ("assert orders >= plain", []),                                             # a plain number has no label
    ('kgi x "x" { formula (sessions / plain) + orders }', []),                 # divided by an unlabelled input: unknown
    # two amounts per other counts: the message names the first of each, as written
    ('kgi x "x" { formula orders * arpu * cps }', ["`件` times an amount per `人`: the counts do not cancel"]),
    ('kgi x "x" { formula orders * cps * arpu }', ["`件` times an amount per `社`: the counts do not cancel"]),
])
def test_labels_where_only_the_labels_differ(body, messages):
    result = analyze_text("p.kpi", LABELLED + body + "\n")
    assert not [d for d in result.diagnostics if d.code == "KPI901"]
    assert [d.message.en for d in result.diagnostics if d.code == "KPI302"] == messages


@pytest.mark.parametrize("word,forms", [
    ("visitors", {"visitors", "visitor"}),
    ("Visitors", {"visitors", "visitor"}),           # case does not matter
    ("companies", {"companies", "companie", "company"}),
    ("flies", {"flies", "flie", "fly"}),            # -ies is -y from five letters
    ("ties", {"ties", "tie"}),                       # but not in four: a tie is not a ty
    ("bus", {"bus", "bu"}),                          # an s is dropped from three letters
    ("us", {"us"}),                                  # but not from two
    ("class", {"class"}),                            # nor after another s
    ("visitor", {"visitor"}),
    ("people", {"person"}), ("persons", {"person"}), ("名", {"人"}), ("人", {"人"}),
    ("users2", {"users2"}),                          # only plain words are read as plurals
    ("B2Bs", {"B2Bs"}),
    ("Cafés", {"Cafés"}),                            # and only ASCII ones
    ("件", {"件"}),
])
def test_the_forms_a_count_word_stands_for(word, forms):
    from kpispec.analysis.labels import keys

    assert keys(word) == forms

"""`kpispec diff`: plans compared by meaning, with each goal's standing before and after.

The fine-grained comparisons run in-process through `kpispec.review.compare`; a handful run through
the real command line against one throwaway git repository, built once for the module. Every value
below is worked out by hand: revenue = visitors × cvr × aov = 1,000,000 × 2.5% × 4,000円 = 1億円 a
month, its target exactly; cvr's target lowered to 2% gives 8,000万円, 2,000万円 (20%) short.
"""

from __future__ import annotations

import importlib
import json
import subprocess

import pytest

from conftest import run_cli

from kpispec.api import analyze_text
from kpispec.render import review as render
from kpispec.review import ADDED, CHANGED, REMOVED, RENAMED, Change, compare

BASE = """# EC plan for the diff tests
plan ec "EC" {
  period 2026-04-01 to 2027-03-31
  owner "EC"
}

kgi revenue "月間売上" {
  target 1億円 per month
  deadline 2027-03-31
  formula visitors * cvr * aov
}

ksf growth "伸ばす" { kgi revenue }

kpi visitors "訪問者数" {
  ksf growth
  target 1,000,000 visitors per month
  baseline 800,000 visitors per month
  deadline 2026-12-31
  cadence weekly
  source "GA4"
}

kpi cvr "CVR" {
  ksf growth
  target 2.5%
  baseline 2%
  deadline 2026-12-31
  cadence weekly
  measure "orders / sessions"
}

kpi aov "客単価" {
  ksf growth
  target 4,000円
  baseline 3,800円
  deadline 2026-12-31
  cadence monthly
  source "orders"
}

kpi old_metric "旧指標" {
  ksf growth
  target 100件 per month
  baseline 80件 per month
  deadline 2026-12-31
  cadence monthly
  source "legacy"
}
"""

LINE_FRIENDS = """
kpi line_friends "LINE友だち" {
  ksf growth
  target 5,000人
  baseline 3,000人
  deadline 2026-12-31
  cadence monthly
  source "LINE"
}
"""

FRESH = """plan fresh "新しい計画" {
  period 2026-04-01 to 2027-03-31
}

kgi orders "受注" {
  target 100件 per month
  formula leads * close_rate
}

kpi leads "リード" { kgi orders  target 1,000件 per month }
kpi close_rate "受注率" { kgi orders  target 10% }
"""

OLD_METRIC = BASE[BASE.index('kpi old_metric'):]


def edited(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


LOWER_CVR = ("  target 2.5%\n", "  target 2%\n")
RENAME_VISITORS = (("kpi visitors ", "kpi sessions "), ("formula visitors *", "formula sessions *"))
NEW_PLAN = edited(BASE, LOWER_CVR, *RENAME_VISITORS, (OLD_METRIC, LINE_FRIENDS.lstrip()))


def analysed(text: str | None, name: str):
    return None if text is None else analyze_text(name, text, keep_context=True)


def diff(old: str | None, new: str | None, moved: bool = False):
    return compare(analysed(old, "old.kpi"), analysed(new, "new.kpi"), moved)


def test_the_plan_of_these_tests_is_clean_and_meets_its_goal():
    result = analysed(BASE, "base.kpi")
    assert result.diagnostics == []
    d = diff(BASE, BASE)
    assert (d.status, d.changes, d.appeared, d.gone, d.same) == ("unchanged", (), (), (), True)
    [goal] = d.goals
    assert (goal.id, goal.before.status, goal.before.implied.en, goal.before.gap.en) == \
        ("revenue", "met", "100,000,000円 per month", "exactly at the target")


# ------------------------------------------------------------------ goals


def test_a_lowered_target_opens_a_shortfall_in_the_goal():
    d = diff(BASE, edited(BASE, LOWER_CVR))
    assert d.status == "modified"
    assert d.changes == (Change("kpi", "cvr", CHANGED, "target", ">= 2.5%", ">= 2%"),)
    [goal] = d.goals
    assert goal.changed and goal.was is None and goal.label == "月間売上"
    assert (goal.before.status, goal.after.status) == ("met", "misses")
    assert goal.after.implied.en == "80,000,000円 per month"
    assert goal.after.gap.en == "short by 20,000,000円 per month (20%)"
    assert goal.after.badge.en == "misses by 20,000,000円 per month (20%)"
    assert render.state(goal.after, True, "en") == "misses by 20,000,000円 per month (20%), implied 80,000,000円 per month"
    assert render.state(goal.before, True, "en") == "met, implied 100,000,000円 per month, exactly at the target"
    assert render.state(goal.after, True, "ja") == "2,000万円/月（20%）不足、計算値 8,000万円/月"
    assert [x.code for x in d.appeared] == ["KPI301"] and d.gone == ()
    assert "20,000,000円 per month (20%) short" in d.appeared[0].message.en


def test_raising_an_input_gives_slack():
    d = diff(BASE, edited(BASE, ("  target 4,000円\n", "  target 5,000円\n")))
    [goal] = d.goals
    # 1,000,000 × 2.5% × 5,000円 = 1.25億円: 2,500万円 (25%) over the target
    assert render.state(goal.after, True, "en") == "met, implied 125,000,000円 per month, slack 25,000,000円 per month (25%)"


def test_a_goal_without_a_target_is_listed_only_when_its_implied_value_moves():
    old = edited(BASE, ("  target 1億円 per month\n", ""))
    assert diff(old, old).goals == ()
    [goal] = diff(old, edited(old, LOWER_CVR)).goals
    assert (goal.before.status, goal.before.implied.en, goal.after.implied.en) == \
        ("none", "1,200,000,000円 per year", "960,000,000円 per year")  # no target: in the base units, a year


def test_a_goal_added_and_a_goal_removed():
    d = diff(edited(BASE, ("  formula visitors * cvr * aov\n", "")), BASE)
    [goal] = d.goals
    assert (goal.present, goal.before, goal.after.status) == ((True, True), None, "met")
    assert render.state(goal.before, True, "en") == "not a goal (no formula)"
    [goal] = diff(BASE, None).goals
    assert (goal.present, goal.after) == ((True, False), None)
    assert render.state(goal.after, False, "en") == "not in the plan"


# ------------------------------------------------------------------ renames


def test_a_renamed_kpi_is_one_rename_and_its_references_are_no_change():
    d = diff(BASE, edited(BASE, *RENAME_VISITORS))
    assert d.changes == (Change("kpi", "sessions", RENAMED, None, "visitors", "sessions"),)
    assert d.appeared == d.gone == ()
    assert not d.goals[0].changed


def test_renames_are_found_through_each_other():
    # visitors = seo + ads; both renamed: visitors' formula reads the same only once seo's rename is known
    old = edited(BASE, ("kpi visitors \"訪問者数\" {\n", "kpi visitors \"訪問者数\" {\n  formula seo + ads\n"))
    old += '\nkpi seo "SEO" { ksf growth }\nkpi ads "広告" { ksf growth }\n'
    new = edited(old, *RENAME_VISITORS, ("kpi seo ", "kpi organic "), ("formula seo + ads", "formula organic + ads"))
    d = diff(old, new)
    assert [(c.change, c.old, c.new) for c in d.changes] == [(RENAMED, "visitors", "sessions"), (RENAMED, "seo", "organic")]


def test_a_kpi_renamed_and_changed_is_paired_by_its_label():
    d = diff(BASE, edited(BASE, *RENAME_VISITORS, ("1,000,000 visitors per month", "1,200,000 visitors per month")))
    assert d.changes == (
        Change("kpi", "sessions", RENAMED, None, "visitors", "sessions"),
        Change("kpi", "sessions", CHANGED, "target", ">= 1,000,000 visitors per month", ">= 1,200,000 visitors per month"),
    )
    assert d.goals[0].changed  # 1,200,000 × 2.5% × 4,000円 = 1.2億円: slack 2,000万円
    assert d.goals[0].after.gap.en == "slack 20,000,000円 per month (20%)"


def test_two_kpis_alike_are_not_guessed_as_a_rename():
    old = BASE + '\nkpi a "同じ" { ksf growth }\nkpi b "同じ" { ksf growth }\n'
    new = BASE + '\nkpi c "同じ" { ksf growth }\nkpi d "同じ" { ksf growth }\n'
    assert sorted((c.change, c.id) for c in diff(old, new).changes) == \
        [(ADDED, "c"), (ADDED, "d"), (REMOVED, "a"), (REMOVED, "b")]


def test_a_renamed_param_and_the_assert_that_uses_it():
    old = BASE + '\nparam floor "下限" = 2%\nassert cvr >= floor "CVRは下限以上"\n'
    new = BASE + '\nparam minimum "下限" = 2%\nassert cvr >= minimum "CVRは下限以上"\n'
    assert diff(old, new).changes == (Change("param", "minimum", RENAMED, None, "floor", "minimum"),)
    changed = edited(new, ("= 2%", "= 2.2%"), ("cvr >= minimum", "cvr >= minimum * 1"))
    assert diff(new, changed).changes == (
        Change("param", "minimum", CHANGED, "value", "2%", "2.2%"),
        Change("assert", "CVRは下限以上", CHANGED, "assert", 'cvr >= minimum "CVRは下限以上"',
               'cvr >= minimum * 1 "CVRは下限以上"'),
    )


def test_a_label_shared_by_two_removed_kpis_pairs_the_one_left_once_the_other_is_found_by_its_content():
    # s -> t is renamed and changed: paired by its label. Only then does b's formula read as d's: b -> d.
    # a and b share their label, so a was not paired by it; with b paired, a and c are the only ones
    # with it: a -> c, renamed and changed
    old = BASE + '\nkpi s "源" { ksf growth  target 1件 }\nkpi a "同じ" { ksf growth }\n' \
        'kpi b "同じ" { ksf growth  formula s + 1件 }\n'
    new = BASE + '\nkpi t "源" { ksf growth  target 2件 }\nkpi c "同じ" { ksf growth  target 5件 }\n' \
        'kpi d "同じ" { ksf growth  formula t + 1件 }\n'
    assert diff(old, new).changes == (
        Change("kpi", "t", RENAMED, None, "s", "t"),
        Change("kpi", "t", CHANGED, "target", ">= 1件", ">= 2件"),
        Change("kpi", "c", RENAMED, None, "a", "c"),
        Change("kpi", "c", CHANGED, "target", None, ">= 5件"),
        Change("kpi", "d", RENAMED, None, "b", "d"),
    )


def chain(prefix: str, n: int) -> str:
    """n KPIs, each one more than the one before: `x1 = x0 + 1件`, `x2 = x1 + 1件`, …"""
    lines = ['plan p "P" { period 2026-04-01 to 2027-03-31 }', f"kpi {prefix}0 {{ target 1件 }}"]
    lines += [f"kpi {prefix}{i} {{ target 1件  formula {prefix}{i - 1} + 1件 }}" for i in range(1, n)]
    return "\n".join(lines) + "\n"


def test_a_long_chain_of_renames_is_found_in_full_each_declaration_read_a_bounded_number_of_times(monkeypatch):
    # Every x_i is renamed to y_i, and none has a label: x_i's content reads as y_i's only once
    # x_{i-1}'s rename is known, so the renames are found one a round, n rounds. Each round reads
    # again only the declarations that read a name it paired: a declaration's content is read a
    # bounded number of times, not once a round (that was n × n / 2 reads; a chain of 3,000 KPIs
    # took two minutes).
    n = 600  # enough for a quadratic search to need 180,000 keys
    changes_module = importlib.import_module("kpispec.review.changes")
    content_key, read = changes_module.content_key, []

    def counted(item, source, name):
        read.append(item.id)
        return content_key(item, source, name)

    monkeypatch.setattr(changes_module, "content_key", counted)
    d = diff(chain("x", n), chain("y", n))
    assert d.changes == tuple(Change("kpi", f"y{i}", RENAMED, None, f"x{i}", f"y{i}") for i in range(n))
    assert len(read) <= 4 * n  # each of the 2 × n declarations once, and each old one once more


# ------------------------------------------------------------------ additions and attributes


def test_an_added_and_a_removed_kpi():
    d = diff(BASE, edited(BASE, (OLD_METRIC, LINE_FRIENDS.lstrip())))
    assert d.changes == (Change("kpi", "line_friends", ADDED, None, None, '"LINE友だち"'),
                         Change("kpi", "old_metric", REMOVED, None, '"旧指標"', None))
    assert [render.change_line(c, "en") for c in d.changes] == ['+ kpi line_friends "LINE友だち"', '- kpi old_metric "旧指標"']
    assert d.appeared == d.gone == ()


def test_every_attribute_is_compared_and_shown_as_written():
    new = edited(BASE, ("  baseline 2%\n", "  baseline 2.1%\n"),
                 ("  deadline 2026-12-31\n  cadence weekly\n  measure", "  deadline 2027-01-31\n  cadence 月次\n  measure"),
                 ('measure "orders / sessions"', 'measure "orders / \\"visits\\""'),
                 ('  source "GA4"\n', '  source "GA4"\n  owner "Web"\n'),
                 ("kpi cvr \"CVR\" {\n  ksf growth\n", "kpi cvr \"CVR\" {\n"),
                 ('ksf growth "伸ばす" { kgi revenue }', 'ksf growth "伸ばす" { kgi revenue }\nksf other "他" { kgi revenue }'),
                 ("  period 2026-04-01 to 2027-03-31\n  owner \"EC\"", "  period 2026-04-01 to 2027-06-30\n  owner \"EC部\""))
    new = edited(new, ("kpi cvr \"CVR\" {\n", "kpi cvr \"CVR\" {\n  ksf other\n"))
    got = [(c.id, c.attribute, c.old, c.new) for c in diff(BASE, new).changes]
    assert got == [
        ("ec", "period", "2026-04-01 to 2027-03-31", "2026-04-01 to 2027-06-30"),
        ("ec", "owner", '"EC"', '"EC部"'),
        ("other", None, None, '"他"'),
        ("visitors", "owner", None, '"Web"'),
        ("cvr", "baseline", "2%", "2.1%"),
        ("cvr", "deadline", "2026-12-31", "2027-01-31"),
        ("cvr", "cadence", "weekly", "monthly"),
        ("cvr", "measure", '"orders / sessions"', '"orders / \\"visits\\""'),
        ("cvr", "links", "ksf growth", "ksf other"),
    ]
    assert render.change_line(diff(BASE, new).changes[0], "en") == \
        "~ plan period: 2026-04-01 to 2027-03-31 → 2026-04-01 to 2027-06-30"
    assert render.change_line(diff(BASE, new).changes[3], "ja") == '~ visitors owner: （なし） → "Web"'


def test_ramps_milestones_starts_and_formulas():
    new = edited(BASE, ("  baseline 800,000 visitors per month\n", "  baseline 800,000 visitors per month\n  ramp linear\n"),
                 ("  target 4,000円\n", "  target 4,000円\n  milestones { 2026-09: 3,900円 }\n  start 2026-05-01\n"),
                 ("formula visitors * cvr * aov", "formula (visitors * cvr) * aov * 1"))
    got = [(c.id, c.attribute, c.old, c.new) for c in diff(BASE, new).changes]
    assert got == [("revenue", "formula", "visitors * cvr * aov", "(visitors * cvr) * aov * 1"),
                   ("visitors", "ramp", None, "linear"), ("aov", "start", None, "2026-05-01"),
                   ("aov", "milestones", None, "2026-09: 3,900円")]


def test_comments_layout_and_spellings_of_one_value_are_no_change():
    new = edited(BASE, ("# EC plan for the diff tests", "# another comment\n\n"),
                 ("  target 1億円 per month", "  target >= 10,000万円/月  # the goal"),
                 ("formula visitors * cvr * aov", "formula (visitors  # people\n    * cvr) * aov"),
                 ("  target 4,000円\n  baseline 3,800円\n", "  baseline 3,800円\n  target 4千円\n"),
                 ('ksf growth "伸ばす" { kgi revenue }', 'ksf growth "伸ばす" {\n  kgi revenue\n}'))
    d = diff(BASE, new)
    assert (d.status, d.changes, d.appeared, d.gone, d.same) == ("unchanged", (), (), (), True)
    assert render.text([d], "en") == "old.kpi → new.kpi\n  no semantic change\n\n1 plan compared: 0 changed.\n"


def test_a_moved_plan_as_it_was():
    d = diff(BASE, BASE, moved=True)
    assert (d.status, d.changed, d.same) == ("renamed", True, True)
    assert render.heading(d, "en") == "old.kpi → new.kpi (moved)"


# ------------------------------------------------------------------ whole plans and diagnostics


def test_an_added_and_a_deleted_plan():
    added = diff(None, BASE)
    assert added.status == "added" and added.parses == (None, True)
    assert [(c.kind, c.change) for c in added.changes][:3] == [("plan", ADDED), ("kgi", ADDED), ("ksf", ADDED)]
    deleted = diff(BASE, None)
    assert deleted.status == "deleted" and {c.change for c in deleted.changes} == {REMOVED}
    assert render.heading(deleted, "ja") == "old.kpi（削除）"


def test_a_version_that_does_not_parse_is_reported_not_compared():
    broken = edited(BASE, ("  target 2.5%\n", "  target >= \n"))
    d = diff(BASE, broken)
    assert (d.status, d.parses, d.changes, d.goals, d.appeared, d.gone) == ("modified", (True, False), (), (), (), ())
    assert [[x.code for x in side] for side in d.errors] == [[], ["KPI002"]]
    assert render.text([d], "en") == (
        "old.kpi → new.kpi\n  the new version cannot be analysed:\n"
        "    error[KPI002] line 26: the `target` of `cvr` has no value\n\n1 plan compared: 1 changed.\n")
    assert "⚠️ the new version cannot be analysed:\n\n| | severity |" in render.markdown([d], "en")
    assert json.loads(render.to_json([d]))["plans"][0]["errors"]["new"][0]["code"] == "KPI002"
    mended = diff(broken, BASE)
    assert mended.parses == (False, True) and mended.errors[0][0].code == "KPI002"
    assert (mended.appeared, mended.gone) == ((), ())  # the plan of these tests reports nothing
    assert diff(broken, broken).status == "unchanged"  # the same text twice


def test_diagnostics_are_matched_by_what_they_say_not_where():
    warned = BASE + '\nkpi extra "追加" { ksf growth }\n'
    moved = "# a line above moves every line\n" + warned
    assert diff(warned, moved).appeared == diff(warned, moved).gone == ()
    d = diff(BASE, warned)
    assert {x.code for x in d.appeared} >= {"KPI212", "KPI215"} and d.gone == ()
    line = warned.splitlines().index('kpi extra "追加" { ksf growth }') + 1
    shown = render.diagnostic_line("+", d.appeared[0], d.sources[1], "en")
    assert shown.startswith(f"+ warning[{d.appeared[0].code}] line {line}: ")


def test_a_suppression_comment_is_no_change_but_what_it_silences_is():
    d = diff(BASE, edited(BASE, ("  source \"legacy\"\n", "  source \"legacy\"  # 旧システム\n")))
    assert (d.status, d.changes, d.appeared, d.gone) == ("unchanged", (), (), ())
    # a suppression that silences nothing is no change to the plan, but a finding of its own (KPI904)
    d = diff(BASE, edited(BASE, ("  source \"legacy\"\n", "  source \"legacy\"  # kpispec: ignore\n")))
    assert d.changes == () and [x.code for x in d.appeared] == ["KPI904"] and d.gone == ()
    warned = BASE + '\nkpi extra "追加" { ksf growth }\n'
    d = diff(warned, warned.replace("{ ksf growth }\n", "{ ksf growth }  # kpispec: ignore[KPI212]\n"))
    assert d.changes == () and [x.code for x in d.gone] == ["KPI212"] and d.status == "modified"


def test_an_untracked_plan_is_paired_with_a_deleted_one_that_shares_half_its_lines():
    from kpispec.cli.diff import Pair, Version, moved_untracked

    def v(name, text):
        return Version(name, text.encode(), len(text), name)

    gone, other = Pair(v("a.kpi", BASE), None), Pair(v("b.kpi", NEW_PLAN), None)
    fresh, unrelated = Pair(None, v("c.kpi", edited(BASE, LOWER_CVR))), Pair(None, v("d.kpi", FRESH))
    staged = Pair(None, v("e.kpi", BASE))  # added to git's index: git's rename detection has had its say
    pairs = moved_untracked([gone, other, staged], [fresh, unrelated])
    assert [(p.old and p.old.shown, p.new and p.new.shown, p.moved) for p in pairs] == [
        ("b.kpi", None, False), (None, "e.kpi", False), (None, "d.kpi", False), ("a.kpi", "c.kpi", True)]


def test_nothing_to_compare():
    assert render.text([], "en") == "No .kpi plan changed.\n"
    assert render.markdown([], "ja").endswith("\n.kpi の計画に変更はありません。\n")
    assert json.loads(render.to_json([])) == {"plans": [], "summary": {"plans": 0, "changed": 0}}


def test_duplicates_are_counted():
    from kpispec.review.changes import beyond

    assert beyond(["a", "a", "b"], ["a"], str) == ["a", "b"]


# ------------------------------------------------------------------ markdown safety


def test_markdown_makes_plan_text_harmless():
    assert render.plain("a|b <img src=x> [x](javascript:1) *b* @team") == \
        "a\\|b \\<img src=x\\> \\[x\\](javascript:1) \\*b\\* @\u2060team"
    assert render.code("a`b|c") == "``a`b\\|c``"
    assert render.code("`x`") == "`` `x` ``"
    assert render.message("`revenue` cannot <b>") == "`revenue` cannot \\<b\\>"
    d = diff(BASE, edited(BASE, ('kgi revenue "月間売上"', 'kgi revenue "@ec-team | <b>売上</b>"'), LOWER_CVR))
    row = [line for line in render.markdown([d], "en").splitlines() if line.startswith("| `revenue`")][0]
    assert row.startswith("| `revenue` @\u2060ec-team \\| \\<b\\>売上\\</b\\><br>≥ 1億円 per month | ✅ met")
    assert row.count(" | ") == 2  # three cells, whatever the label held


# ------------------------------------------------------------------ the command line, in a git repository


def git(repo, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A repository with two commits of plans/ec.kpi (cvr lowered, visitors renamed, a KPI added and one
    removed), and in the working tree: a comment-only edit, a plan deleted, one moved with git mv and
    changed, and an untracked new one."""
    root = tmp_path_factory.mktemp("repo")
    plans = root / "plans"
    plans.mkdir()
    git(root, "init", "-q")
    (plans / "ec.kpi").write_text(BASE, encoding="utf-8")
    (plans / "stable.kpi").write_text(BASE, encoding="utf-8")
    (plans / "gone.kpi").write_text(BASE, encoding="utf-8")
    (plans / "before.kpi").write_text(BASE, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    (plans / "ec.kpi").write_text(NEW_PLAN, encoding="utf-8")
    git(root, "commit", "-qam", "second")
    (plans / "stable.kpi").write_text("# only a comment\n" + BASE.replace("  ", "    "), encoding="utf-8")
    (plans / "gone.kpi").unlink()
    git(root, "mv", "plans/before.kpi", "plans/after.kpi")
    (plans / "after.kpi").write_text(edited(BASE, ("  target 4,000円\n", "  target 5,000円\n")), encoding="utf-8")
    (plans / "fresh.kpi").write_text(FRESH, encoding="utf-8")
    (root / "notes.txt").write_text("not a plan\n", encoding="utf-8")
    return root


EXPECTED_TEXT = """HEAD~1:plans/ec.kpi → plans/ec.kpi
  goals
    revenue 月間売上 ≥ 1億円 per month
      before: met, implied 100,000,000円 per month, exactly at the target
      after:  misses by 20,000,000円 per month (20%), implied 80,000,000円 per month
  changes
    ~ kpi visitors renamed to sessions
    ~ cvr target: >= 2.5% → >= 2%
    + kpi line_friends "LINE友だち"
    - kpi old_metric "旧指標"
  diagnostics
    + error[KPI301] line 8: `revenue` cannot reach its target: its inputs' targets imply 80,000,000円 per month, \
20,000,000円 per month (20%) short of the target 100,000,000円 per month

1 plan compared: 1 changed.
"""


def test_cli_text_of_a_revision_against_the_working_tree(repo):
    run = run_cli("diff", "HEAD~1:plans/ec.kpi", "plans/ec.kpi", cwd=repo)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == EXPECTED_TEXT
    # with --exit-code, a change is status 1 (as git diff --exit-code); the same plan twice is 0
    assert run_cli("diff", "--exit-code", "HEAD~1:plans/ec.kpi", "HEAD:plans/ec.kpi", cwd=repo).returncode == 1


def test_cli_markdown_is_a_pull_request_comment(repo):
    run = run_cli("diff", "HEAD~1:plans/ec.kpi", "plans/ec.kpi", "--format", "markdown", cwd=repo)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:8] == ["<!-- kpispec diff -->", "## kpispec diff", "", "1 plan compared: 1 changed.", "",
                         "⚠️ **goals that now miss**: `revenue`", "", "### `HEAD~1:plans/ec.kpi` → `plans/ec.kpi`"]
    # an error appeared: its table is open
    assert "<details open><summary>Diagnostics: 1 appeared, 0 gone</summary>" in lines
    assert "| `revenue` 月間売上<br>≥ 1億円 per month | ✅ met, implied 100,000,000円 per month, exactly at the target " \
           "| ❌ misses by 20,000,000円 per month (20%), implied 80,000,000円 per month |" in lines
    goals, changes = lines.index("| goal | before | after |"), lines.index("<details><summary>Changes (4)</summary>")
    assert goals < changes < lines.index("<details open><summary>Diagnostics: 1 appeared, 0 gone</summary>")
    assert "| ~ changed | kpi `cvr` | target | `>= 2.5%` | `>= 2%` |" in lines
    assert "| ~ renamed | kpi `visitors` → `sessions` |  |  |  |" in lines
    assert "| + added | kpi `line_friends` |  |  | `\"LINE友だち\"` |" in lines
    assert "| - removed | kpi `old_metric` |  | `\"旧指標\"` |  |" in lines


def test_cli_json_and_japanese(repo):
    run = run_cli("diff", "HEAD~1:plans/ec.kpi", "plans/ec.kpi", "--format", "json", "--lang", "ja", cwd=repo)
    assert run.returncode == 0, run.stderr
    [plan] = json.loads(run.stdout)["plans"]
    assert list(plan) == ["old", "new", "status", "parses", "errors", "changes", "goals", "diagnostics"]
    assert (plan["old"], plan["new"], plan["status"]) == ("HEAD~1:plans/ec.kpi", "plans/ec.kpi", "modified")
    assert [(c["change"], c["id"], c["old"], c["new"]) for c in plan["changes"]] == [
        ("renamed", "sessions", "visitors", "sessions"), ("changed", "cvr", ">= 2.5%", ">= 2%"),
        ("added", "line_friends", None, '"LINE友だち"'), ("removed", "old_metric", '"旧指標"', None)]
    assert plan["changes"][1] == {"kind": "kpi", "id": "cvr", "change": "changed", "attribute": "target",
                                  "old": ">= 2.5%", "new": ">= 2%", "note": None}
    [goal] = plan["goals"]
    assert goal["after"] == {"status": "misses", "badge": "2,000万円/月（20%）不足", "target": "≥ 1億円/月",
                             "implied": "8,000万円/月", "gap": "2,000万円/月（20%）不足", "detail": None,
                             "value": {"value": 80000000.0, "exact": "80000000"},
                             "target_value": {"value": 100000000.0, "exact": "100000000"},
                             "margin": {"value": -20000000.0, "exact": "-20000000"}}
    assert [d["code"] for d in plan["diagnostics"]["appeared"]] == ["KPI301"]
    assert plan["diagnostics"]["appeared"][0]["line"] == 8
    text = run_cli("diff", "HEAD~1:plans/ec.kpi", "plans/ec.kpi", cwd=repo, env={"KPISPEC_LANG": "ja"}).stdout
    assert "      変更後：2,000万円/月（20%）不足、計算値 8,000万円/月\n" in text
    assert "    ~ kpi visitors の ID を変更 → sessions\n" in text


def test_cli_git_compares_every_plan_changed_since_a_revision(repo):
    run = run_cli("diff", "--git", "HEAD~1", "--format", "json", cwd=repo / "plans")
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    got = [(p["old"], p["new"], p["status"]) for p in document["plans"]]
    assert got == [
        ("plans/before.kpi", "plans/after.kpi", "renamed"),
        ("plans/ec.kpi", "plans/ec.kpi", "modified"),
        (None, "plans/fresh.kpi", "added"),
        ("plans/gone.kpi", None, "deleted"),
        ("plans/stable.kpi", "plans/stable.kpi", "unchanged"),
    ]
    assert document["summary"] == {"plans": 5, "changed": 4}
    moved = document["plans"][0]
    assert [c["attribute"] for c in moved["changes"]] == ["target"]
    assert moved["goals"][0]["after"]["gap"] == "slack 25,000,000円 per month (25%)"
    text = run_cli("diff", "--git", "HEAD~1", cwd=repo).stdout
    assert "plans/stable.kpi\n  no semantic change\n" in text
    assert "plans/before.kpi → plans/after.kpi (moved)\n" in text
    assert "plans/gone.kpi (deleted)\n" in text and "plans/fresh.kpi (added)\n" in text
    assert text.endswith("5 plans compared: 4 changed.\n")
    markdown = run_cli("diff", "--git", "HEAD~1", "-f", "markdown", cwd=repo).stdout
    assert [line for line in markdown.splitlines() if line.startswith("### ")] == [
        "### `plans/before.kpi` → `plans/after.kpi` (moved)", "### `plans/ec.kpi`", "### `plans/fresh.kpi` (added)",
        "### `plans/gone.kpi` (deleted)", "### `plans/stable.kpi`"]
    assert markdown.endswith("### `plans/stable.kpi`\n\nno semantic change\n")


@pytest.mark.parametrize("args,message", [
    (("nosuch:plans/ec.kpi", "plans/ec.kpi"), "unknown revision nosuch"),
    (("HEAD:plans/nope.kpi", "plans/ec.kpi"), "plans/nope.kpi does not exist in HEAD"),
    (("--", "-c:plans/ec.kpi", "plans/ec.kpi"), "refusing revision -c: it starts with '-'"),
    (("--git=--output=x",), "refusing revision --output=x: it starts with '-'"),
    (("HEAD:plans", "plans/ec.kpi"), "HEAD:plans is a folder, not a plan file"),
    (("plans/ec.kpi",), "give two plans to compare (OLD NEW, each a file or REV:path), or --git REV"),
])
def test_cli_errors_are_one_line_and_status_2(repo, args, message):
    run = run_cli("diff", *args, cwd=repo)
    assert (run.returncode, run.stdout, run.stderr) == (2, "", f"kpispec: error: {message}\n")


def test_cli_outside_a_repository_and_a_file_with_a_colon(tmp_path):
    run = run_cli("diff", "HEAD:plan.kpi", "plan.kpi", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (2, "kpispec: error: not a git repository: REV:path and --git read plans from git\n")
    (tmp_path / "a:b.kpi").write_text(BASE, encoding="utf-8")
    run = run_cli("diff", "a:b.kpi", "a:b.kpi", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (0, "a:b.kpi\n  no semantic change\n\n1 plan compared: 0 changed.\n")


def test_markdown_links_nothing_a_plan_wrote():
    from kpispec.render.review import plain

    shown = plain("見る https://evil.example.com or www.evil.example.com, mail a@b.example")
    assert "https://" not in shown and "www." not in shown and "a@b" not in shown
    assert shown.replace("\u2060", "") == "見る https://evil.example.com or www.evil.example.com, mail a@b.example"


def test_a_long_markdown_comment_leaves_tables_out_and_says_so():
    from kpispec.render.review import markdown

    new = edited(BASE, LOWER_CVR)
    diffs = [compare(analysed(BASE, f"p{i}.kpi"), analysed(new, f"p{i}.kpi")) for i in range(3)]
    full = markdown(diffs)
    short = markdown(diffs, limit=len(full) - 10)
    assert len(short) <= len(full) - 10 and "Some tables are left out" in short
    assert full.count("<details") == 6 and 0 < short.count("<details") < 6  # one plan's tables left out, counted
    assert "Changes (1) · Diagnostics: 1 appeared, 0 gone" in short
    assert sum(line.startswith("| `revenue` 月間売上") for line in short.splitlines()) == 3  # every goal that changed
    assert "⚠️ **goals that now miss**: `p0.kpi`: `revenue`, `p1.kpi`: `revenue`, `p2.kpi`: `revenue`" in short


def test_an_unknown_revision_in_a_shallow_clone_says_how_to_fetch_it(repo, tmp_path):
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True, capture_output=True)
    run = run_cli("diff", "--git", "HEAD~1", cwd=shallow)
    assert run.returncode == 2
    assert "unknown revision HEAD~1; this clone is shallow: fetch more history" in run.stderr
    assert "shallow" not in run_cli("diff", "--git", "nosuch", cwd=repo).stderr


def test_a_repository_filter_never_runs(repo, tmp_path):
    """A clean or smudge filter (or a long-running filter process) named by a repository's config is
    a command: git diff would run it on the working tree's plans. kpispec switches them all off."""
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho ran >> {marker}\ncat\n", encoding="utf-8")
    script.chmod(0o755)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True, capture_output=True)
    for key in ("clean", "smudge", "process"):
        git(work, "config", f"filter.evil.{key}", str(script))
    git(work, "config", "filter.odd.name=x.clean", str(script))  # a driver name with `=` and `.` in it
    (work / ".gitattributes").write_text("*.kpi filter=evil\n", encoding="utf-8")
    (work / "plans" / "ec.kpi").write_text(BASE, encoding="utf-8")
    for args in (["--git", "HEAD~1"], ["HEAD~1:plans/ec.kpi", "plans/ec.kpi"]):
        run = run_cli("diff", *args, cwd=work)
        assert run.returncode == 0, run.stderr
    assert not marker.exists()


def test_a_partial_clone_is_refused_not_fetched_from(repo, tmp_path):
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True, capture_output=True)
    git(work, "config", "remote.origin.promisor", "true")
    run = run_cli("diff", "HEAD~1:plans/ec.kpi", "plans/ec.kpi", cwd=work)
    assert run.returncode == 2 and "this repository is a partial clone" in run.stderr


def test_a_long_value_is_shown_where_it_changed():
    names = " + ".join(f"channel_{i}" for i in range(40))
    old = BASE.replace("formula visitors * cvr * aov", f"formula visitors * cvr * aov + 0 * ({names})")
    new = old.replace("channel_39)", "channel_38)")
    line = [x for x in render.text([diff(old, new)]).splitlines() if "~ revenue formula" in x][0]
    assert "channel_39)" in line and "channel_38)" in line and line.count("…") == 2


def test_no_control_character_reaches_the_markdown():
    old = BASE.replace('"旧指標"', '"旧\\x1b[31m指標\\x07"'.encode().decode("unicode_escape"))
    shown = render.markdown([diff(BASE, old)])
    assert not any(ord(ch) < 32 and ch != "\n" for ch in shown)


def test_a_spelling_a_comment_or_a_rename_moves_no_finding():
    # 1,000,000 -> 100万: KPI205's message quotes the target as written, yet it is the same finding;
    # a comment above moves every line; a rename changes every message that names the KPI
    plain = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\nkpi x "X" { target 1,000,000人 per month }\n'
    respelled = plain.replace("1,000,000人 per month", "100万人/月")
    assert analysed(plain, "a.kpi").diagnostics and diff(plain, "# a comment\n\n" + respelled).same
    renamed = diff(BASE, edited(BASE, *RENAME_VISITORS))
    assert not renamed.appeared and not renamed.gone


def test_the_same_text_read_otherwise_is_a_change():
    old = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\nkgi a "A" { target 1億円  formula 1億円/人 }\n'
    new = old + 'kpi 人 "人数" { target 2人 }\n'
    d = diff(old, new)
    assert [(c.id, c.attribute, c.old) for c in d.changes if c.change == CHANGED] == [("a", "formula", "1億円/人")]
    [change] = [c for c in d.changes if c.change == CHANGED]
    assert change.new == "1億円/人" and change.note.en.startswith("the same text, read otherwise")
    assert render.change_line(change, "en") == (
        "~ a formula: 1億円/人 → 1億円/人 (the same text, read otherwise: a name it uses was added or removed)")
    assert render.change_line(change, "ja") == (
        "~ a formula: 1億円/人 → 1億円/人（同じ式ですが、使っている名前が追加・削除されたため読み方が変わりました）")


def test_an_untracked_symbolic_link_is_skipped_as_a_tracked_one_is(repo, tmp_path):
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True, capture_output=True)
    (work / "plans" / "inside.kpi").symlink_to("ec.kpi")
    (work / "plans" / "outside.kpi").symlink_to("/etc/passwd")
    run = run_cli("diff", "--git", "HEAD", cwd=work)
    assert run.returncode == 0, run.stderr
    assert "skipped plans/inside.kpi: a symbolic link" in run.stderr and "skipped plans/outside.kpi" in run.stderr
    assert "inside.kpi" not in run.stdout


def test_an_assert_message_is_quoted_as_the_language_writes_it():
    from kpispec.review.written import assert_text

    text = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\nkpi a "A" { target 2件 }\nassert a > 1 "a \\"q\\" msg"\n'
    r = analysed(text, "a.kpi")
    assert assert_text(r.plan.asserts[0], r.source) == 'a > 1 "a \\"q\\" msg"'


def test_rev_path_of_a_committed_symbolic_link_says_so(repo, tmp_path):
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True, capture_output=True)
    (work / "plans" / "link.kpi").symlink_to("ec.kpi")
    git(work, "add", "plans/link.kpi")
    git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "link")
    for spec in ("HEAD:plans/link.kpi", ":plans/link.kpi"):
        run = run_cli("diff", spec, "plans/ec.kpi", cwd=work)
        assert run.returncode == 2 and f"{spec} is a symbolic link in git, not a plan file" in run.stderr
    assert run_cli("diff", "HEAD:./ec.kpi", "ec.kpi", cwd=work / "plans").returncode == 0  # a plain file still reads


def test_a_bar_in_a_file_name_is_escaped_only_in_table_cells():
    shown = render.markdown([compare(analysed(BASE, "a|b.kpi"), analysed(edited(BASE, LOWER_CVR), "a|b.kpi"))])
    assert "### `a|b.kpi`" in shown


def test_each_side_is_read_from_its_own_text():
    # A comment above moves every offset of the new plan: a param added, one removed and a formula
    # changed must each be read from the text they are in.
    old = BASE + 'param p1 "旧" = 3%\n'
    new = "# moved down\n" * 5 + edited(BASE, ("formula visitors * cvr * aov", "formula visitors * cvr * aov * 1")) + \
        'param p2 "新" = 5%\n'
    got = {(c.kind, c.id, c.change, c.attribute, c.old, c.new) for c in diff(old, new).changes}
    assert got == {("param", "p2", ADDED, None, None, "5%"), ("param", "p1", REMOVED, None, "3%", None),
                   ("kgi", "revenue", CHANGED, "formula", "visitors * cvr * aov", "visitors * cvr * aov * 1")}


def test_an_id_kept_is_never_renamed_even_when_its_content_moves_to_another():
    # `a`'s content now under `b`, and `a` itself still there with other content: `a` was not removed,
    # so nothing is renamed (the documented rule); `b` is added and `a` changed, and the goal's `a * 2`
    # still reads `a`.
    old = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\nkgi g "G" { target 2件  formula a * 2 }\n' \
          'kpi a "A" { target 1件 }\n'
    new = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\nkgi g "G" { target 2件  formula a * 2 }\n' \
          'kpi b "A" { target 1件 }\nkpi a "新A" { target 3件 }\n'
    d = diff(old, new)
    assert [(c.change, c.id, c.attribute) for c in d.changes] == [(ADDED, "b", None), (CHANGED, "a", "label"),
                                                                   (CHANGED, "a", "target")]


def test_asserts_paired_by_a_message_only_when_it_is_unique():
    head = 'plan p "P" { period 2026-04-01 to 2027-03-31 }\nkpi a "A" { target 2件 }\n'
    old = head + 'assert a > 1 "m"\nassert a > 0 "m"\n'
    new = head + 'assert a > 2 "m"\nassert a >= 0 "m"\n'
    # two asserts share the message "m": neither pair is guessed, both are removed and added
    assert sorted(c.change for c in diff(old, new).changes) == [ADDED, ADDED, REMOVED, REMOVED]
    one = diff(head + 'assert a > 1 "m"\n', head + 'assert a > 2 "m"\n')
    assert [(c.change, c.id, c.old, c.new) for c in one.changes] == [(CHANGED, "m", 'a > 1 "m"', 'a > 2 "m"')]

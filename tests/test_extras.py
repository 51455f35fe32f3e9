"""The `docs` extra: the plain install (what the pre-commit hook builds) has no site generator.

mkdocs, Pygments and Babel come with `kpispec[docs]` (pyproject.toml). Here the real CLI runs in a
subprocess where they cannot be imported, as in an install without the extra: `kpispec docs` says
in one line, in the run's language, which extra to install; the mkdocs plugin says it too; every
other command works without them. (tests/test_precommit.py runs `kpispec docs` in the hook's own
environment, where they are really absent.)
"""

import os
import re
import subprocess
import sys
import tomllib

import pytest

from conftest import ROOT

# Runs `kpispec ARGS…` (or, with KPISPEC_TEST_RUN=mkdocs, `mkdocs ARGS…`) with the modules named in
# KPISPEC_TEST_MISSING impossible to import, as when they are not installed.
WITHOUT = r"""
import os, sys

class NotInstalled:
    missing = os.environ["KPISPEC_TEST_MISSING"].split(",")

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.missing:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
if os.environ.get("KPISPEC_TEST_RUN") == "mkdocs":
    sys.argv = ["mkdocs", *sys.argv[1:]]
    from mkdocs.__main__ import cli
    cli()
else:
    sys.argv = ["kpispec", *sys.argv[1:]]
    from kpispec.cli import main
    sys.exit(main())
"""

EXTRA = ("mkdocs", "pygments", "babel")
PLAN = (ROOT / "examples" / "ec_site.kpi").read_text(encoding="utf-8")


def run_without(missing, *args, cwd, run="kpispec"):
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "KPISPEC_LANG")}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "KPISPEC_TEST_MISSING": ",".join(missing),
                "KPISPEC_TEST_RUN": run})
    return subprocess.run([sys.executable, "-c", WITHOUT, *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


EN = ("kpispec: error: kpispec docs needs the site generator, which is not installed ({} cannot be imported): "
      "install kpispec with its docs extra, kpispec[docs] (https://kpispec.dev/install/#the-docs-extra)\n")
JA = ("kpispec: エラー: kpispec docs にはサイト生成ツールが必要ですが、インストールされていません（{} を読み込めません）。"
      "kpispec を docs エクストラ付き（kpispec[docs]）でインストールしてください（https://kpispec.dev/install/#the-docs-extra）\n")


@pytest.mark.parametrize("missing,named", [(EXTRA, "mkdocs"), (("pygments",), "pygments"), (("babel",), "babel")])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_docs_names_the_extra_when_the_site_generator_is_missing(tmp_path, missing, named, lang):
    (tmp_path / "plan.kpi").write_text(PLAN, encoding="utf-8")
    run = run_without(missing, "docs", "plan.kpi", "-o", "site", "--lang", lang, cwd=tmp_path)
    assert (run.returncode, run.stdout) == (2, ""), run.stderr
    assert run.stderr == (JA if lang == "ja" else EN).format(named)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.kpi"], "nothing was written"


def test_the_preview_and_a_missing_output_say_it_too(tmp_path):
    # before anything else: the language from the environment, --serve, and no -o
    (tmp_path / "plan.kpi").write_text(PLAN, encoding="utf-8")
    run = run_without(EXTRA, "docs", "plan.kpi", "--serve", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (2, EN.format("mkdocs"))
    env_ja = run_without(EXTRA, "--lang", "ja", "docs", "plan.kpi", cwd=tmp_path)
    assert (env_ja.returncode, env_ja.stderr) == (2, JA.format("mkdocs"))


def test_the_mkdocs_plugin_names_the_extra_when_pygments_is_missing(tmp_path):
    # mkdocs installed on its own, kpispec without its extra: the plugin's rule pages need Pygments
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "plan.kpi").write_text(PLAN, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - kpispec:\n      paths: [plans]\n", encoding="utf-8")
    run = run_without(("pygments",), "build", "-q", cwd=tmp_path, run="mkdocs")
    assert run.returncode == 1, run.stdout + run.stderr
    said = run.stdout + run.stderr
    assert ("kpispec: the kpispec plugin needs the site generator, which is not installed (pygments cannot be "
            "imported): install kpispec with its docs extra, kpispec[docs] (https://kpispec.dev/install/#the-docs-extra)"
            in said), said
    assert "Traceback" not in said and not (tmp_path / "site" / "index.html").exists()
    # without rule pages it needs no Pygments
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - kpispec:\n      paths: [plans]\n      rules: false\n",
                                         encoding="utf-8")
    run = run_without(("pygments",), "build", "-q", cwd=tmp_path, run="mkdocs")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ec_fy2026" in (tmp_path / "site" / "plans" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args,status,expected", [
    (["check", "plan.kpi"], 0, "Checked 1 file: no problems found.\n"),
    (["fmt", "--check", "plan.kpi"], 0, None),
    (["compile", "plan.kpi"], 0, '"schema_version": "1"'),
    (["graph", "plan.kpi"], 0, "flowchart"),
    (["whatif", "plan.kpi", "--sensitivity"], 0, None),
    (["explain", "KPI301"], 0, "KPI301"),
    (["schema"], 0, '"$schema"'),
    (["init", "new"], 0, None),
    (["docs", "--help"], 0, "--output"),
])
def test_every_other_command_works_without_the_extra(tmp_path, args, status, expected):
    (tmp_path / "plan.kpi").write_text(PLAN, encoding="utf-8")
    run = run_without(EXTRA, *args, cwd=tmp_path)
    assert run.returncode == status, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    if expected is not None:
        assert expected in run.stdout, run.stdout[:2000]


def test_the_extra_holds_the_site_generator_and_the_plain_install_does_not():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = lambda specs: {re.match(r"[A-Za-z0-9_.-]+", s).group(0).lower() for s in specs}  # noqa: E731
    assert names(project["project"]["optional-dependencies"]["docs"]) == {"mkdocs", "pygments"}
    assert "mkdocs[i18n]" in project["project"]["optional-dependencies"]["docs"][0]  # babel: the theme's words in Japanese
    assert names(project["project"]["dependencies"]) == {"lark", "pydantic", "jsonschema", "typer"}
    # the checkout's own environment has the extra: `uv run pytest` and `uv run mkdocs build` need it
    assert "kpispec[docs]" in project["dependency-groups"]["dev"]


def test_the_message_links_to_the_section_that_explains_the_extra():
    # https://kpispec.dev/install/#the-docs-extra: mkdocs' anchor for the heading "The docs extra"
    assert re.search(r"^## The `?docs`? extra$", (ROOT / "docs" / "install.md").read_text(encoding="utf-8"), re.M)

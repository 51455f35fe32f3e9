"""bench/mutate.py finds its mutants where they are, in files with Japanese text too.

ast counts columns in UTF-8 bytes and the text in characters; a mutant placed by the one and
applied by the other would change the wrong characters, or fail, in every module with 円 or 人.
"""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import mutate  # noqa: E402


@pytest.mark.parametrize("path", ["kpispec/units.py", "kpispec/interval.py", "kpispec/render/github.py"])
def test_every_mutant_applies_to_the_text_it_names(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    found = mutate.mutants(path)
    assert found
    for m in found:
        mutated = mutate.apply(text, m)
        assert mutated != text
        compile(mutated, path, "exec")  # a mutant is still Python


def test_mutants_of_a_known_line():
    # `return Interval(_add(self.lo, -o.hi), _add(self.hi, -o.lo))`: its two minus signs, each dropped
    line = _line("def __sub__") + 1
    found = [(m.col, m.old, m.new) for m in mutate.mutants("kpispec/interval.py") if m.line == line]
    text = (ROOT / "kpispec/interval.py").read_text(encoding="utf-8").splitlines()[line - 1]
    assert found == [(text.index("-o.hi"), "-", ""), (text.index("-o.lo"), "-", "")]


def test_the_planted_bugs_are_found_once_each():
    assert len(mutate.planted()) == len(mutate.PLANTED) == 18


def _line(prefix):
    lines = (ROOT / "kpispec/interval.py").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith(prefix))


def test_the_lines_changed_since_a_revision(tmp_path):
    import subprocess

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True,
                       env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@e", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})

    (tmp_path / "kpispec").mkdir()
    module = tmp_path / "kpispec" / "x.py"
    module.write_text("a = 1\nb = 2\nc = 3\nd = 4\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("r\n", encoding="utf-8")
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "one")
    module.write_text("a = 1\nb = 20\nc = 3\nd = 4\ne = 5\nf = 6\n", encoding="utf-8")  # line 2 edited, 5-6 added
    (tmp_path / "README.md").write_text("changed\n", encoding="utf-8")  # outside kpispec/: not counted
    assert mutate.changed_lines("HEAD", tmp_path) == {"kpispec/x.py": {2, 5, 6}}

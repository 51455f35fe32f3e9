import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def kpispec_command() -> list[str]:
    script = BIN / "kpispec"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "kpispec"]


def run_cli(*args, cwd=None, env=None, input=None) -> subprocess.CompletedProcess:
    """Run the installed `kpispec` console script in a subprocess."""
    # The suite runs the same inside GitHub Actions (where `check` would print annotations) and
    # with FORCE_COLOR set: what a test wants of those, it says in `env`.
    dropped = ("LANG", "LC_ALL", "LC_MESSAGES", "KPISPEC_LANG", "GITHUB_ACTIONS", "FORCE_COLOR")
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    if env:
        full_env.update(env)
    return subprocess.run(
        kpispec_command() + [str(a) for a in args], cwd=cwd or ROOT, env=full_env,
        capture_output=True, text=True, encoding="utf-8", input=input, timeout=120,
    )


def pytest_configure(config):
    # The CLI runs in a subprocess hundreds of times: compile kpispec's own bytecode once, here,
    # even where PYTHONDONTWRITEBYTECODE is set (that only stops Python writing it on import), so
    # that no run compiles the package again. Only the main process: pytest-xdist workers share it.
    # Checked by the source's hash, not its time and size: an edit in the same second that keeps
    # the size (a mutant `/` -> `*` from bench/mutate.py, written back and forth) must never run
    # the bytecode of the text before it.
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        import compileall
        import py_compile

        compileall.compile_dir(ROOT / "kpispec", quiet=2, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)


@contextlib.contextmanager
def no_collision_search():
    """Build lark parsers without interegular's search for colliding terminals, which costs
    seconds per build where it is not what a test is about. The search itself runs once,
    strictly, in tests/test_lexer.py::test_grammar_has_no_collisions."""
    import lark.lexer

    saved = lark.lexer.has_interegular
    lark.lexer.has_interegular = False
    try:
        yield
    finally:
        lark.lexer.has_interegular = saved


def examples(n: int) -> int:
    """A property test's number of examples: n, or fewer when KPISPEC_MAX_EXAMPLES says so
    (bench/mutate.py runs thousands of mutants against these tests and caps it)."""
    cap = os.environ.get("KPISPEC_MAX_EXAMPLES", "")
    return min(n, int(cap)) if cap.isdigit() and int(cap) > 0 else n


@pytest.fixture
def cli():
    return run_cli

"""kpispec as an attacker and a careless user meet it: nothing is clobbered, nothing hangs,
nothing ends in a traceback, no path leads it astray. Every test goes through the real CLI
in a subprocess unless it says why not.

Where the machine needs it, the test simulates what it cannot make: device nodes need root
(`mknod`), so without root the found-device case is skipped and the given-device case uses
/dev/zero, which exists everywhere.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import ROOT, kpispec_command, run_cli

PLAN = 'plan p "計画" {\n  period 2026-04-01 to 2027-03-31\n}\n'
VALID = ROOT / "examples" / "ec_site.kpi"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def clean(result):
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert "Exception ignored" not in result.stderr, result.stderr


def only_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)


# ---------------------------------------------------------------- compile -o


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "plan.kpi"
    path.write_bytes(VALID.read_bytes())
    return path


@pytest.mark.parametrize("target, kind", [
    ("/dev/null", "a character device"),
    ("fifo", "a FIFO (named pipe)"),
    ("folder", "a folder"),
    ("link_to_folder", "a folder"),
])
def test_output_onto_anything_but_a_regular_file_is_refused(plan, tmp_path, target, kind):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    (tmp_path / "link_to_folder").symlink_to(tmp_path / "folder")
    before = os.lstat(target if target.startswith("/") else tmp_path / target)
    result = run_cli("compile", plan, "-o", target, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"kpispec: error: refusing to write {target}: it is {kind}; the output must be a regular file\n"
    after = os.lstat(target if target.startswith("/") else tmp_path / target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)  # still what it was
    assert os.path.islink(tmp_path / "link_to_folder")
    assert not [n for n in only_files(tmp_path) if n.startswith(".")]


def test_output_onto_standard_output_is_refused(plan, tmp_path):
    with open(tmp_path / "captured", "w") as stdout:
        result = subprocess.run(kpispec_command() + ["compile", str(plan), "-o", "/dev/stdout"], cwd=tmp_path,
                                stdout=stdout, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 2
    assert "refusing to write /dev/stdout: it is a file descriptor of this process; leave out -o to print to standard output" in result.stderr
    assert (tmp_path / "captured").read_text() == ""


@pytest.mark.parametrize("output", ["plan.kpi", "./plan.kpi", "alias.json", "hard.json"])
def test_output_onto_the_input_is_refused(plan, tmp_path, output):
    (tmp_path / "alias.json").symlink_to("plan.kpi")
    os.link(plan, tmp_path / "hard.json")
    before = plan.read_bytes()
    result = run_cli("compile", "plan.kpi", "-o", output, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"kpispec: error: refusing to write {output.removeprefix('./')}: it is the input plan.kpi; choose another output\n"
    assert plan.read_bytes() == before


def test_output_through_a_link_replaces_the_file_it_points_to_and_keeps_the_link(plan, tmp_path):
    (tmp_path / "real.json").write_text("old\n")
    (tmp_path / "link.json").symlink_to("real.json")
    result = run_cli("compile", plan, "-o", "link.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert os.readlink(tmp_path / "link.json") == "real.json"
    assert json.loads((tmp_path / "real.json").read_text())["plan"]["id"] == "ec_fy2026"


def test_output_with_the_longest_valid_name(plan, tmp_path):
    name = "x" * 250 + ".json"  # 255 bytes: the limit of most file systems
    result = run_cli("compile", plan, "-o", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert only_files(tmp_path) == sorted(["plan.kpi", name])


def test_output_keeps_mode_and_crlf_line_endings(plan, tmp_path):
    out = tmp_path / "plan.json"
    out.write_bytes(b"{\r\n}\r\n")
    out.chmod(0o604)
    assert run_cli("compile", plan, "-o", out).returncode == 0
    data = out.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert json.loads(data)["plan"]["id"] == "ec_fy2026"
    assert out.stat().st_mode & 0o777 == 0o604


@pytest.mark.skipif(not IS_ROOT, reason="only root can write a file owned by another user")
def test_output_written_by_root_keeps_the_owner(plan, tmp_path):
    out = tmp_path / "plan.json"
    out.write_text("{}\n")
    os.chown(out, 1234, 2345)
    assert run_cli("compile", plan, "-o", out).returncode == 0
    assert (out.stat().st_uid, out.stat().st_gid) == (1234, 2345)


# A write interrupted at any moment leaves the old file whole and no temporary file. The
# interruption is placed exactly: the content function signals the process half-way through.
INTERRUPTED_WRITE = r"""
import os, signal, sys
from pathlib import Path
from kpispec.cli import main  # installs nothing until main() runs
import kpispec.cli as cli
from kpispec.cli.io import write_atomic
signum = getattr(signal, sys.argv[2])
signal.signal(signal.SIGINT, signal.default_int_handler)  # a parent that ignores SIGINT (a background job) passes that on
signal.signal(signal.SIGTERM, cli._stop)
signal.signal(signal.SIGHUP, cli._stop)
def content(write):
    write("{\n" + " " * 100000)
    os.kill(os.getpid(), signum)
    write("}\n")
try:
    write_atomic(Path(sys.argv[1]), content)
except cli.Stopped as exc:
    sys.exit(128 + exc.signum)
except KeyboardInterrupt:
    sys.exit(130)
"""


@pytest.mark.parametrize("signame, status", [("SIGTERM", 143), ("SIGHUP", 129), ("SIGINT", 130), ("SIGKILL", -9)])
def test_a_write_stopped_by_a_signal_leaves_the_old_file_and_nothing_else(tmp_path, signame, status):
    out = tmp_path / "plan.json"
    out.write_text('{"previous": true}\n')
    result = subprocess.run([sys.executable, "-c", INTERRUPTED_WRITE, str(out), signame], capture_output=True, text=True)
    assert result.returncode == status, result.stderr
    assert only_files(tmp_path) == ["plan.json"]
    assert out.read_text() == '{"previous": true}\n'


def test_sigterm_during_a_real_compile_ends_cleanly(tmp_path):
    # A large plan compiled to a file, stopped at several moments: each run ends with status
    # 0 or 143, never a traceback, and leaves either the old file or the whole new one.
    sys.path.insert(0, str(ROOT / "bench"))
    import gen

    source = tmp_path / "big.kpi"
    source.write_text(gen.plan(3_000), encoding="utf-8")
    out = tmp_path / "big.json"
    for delay in (0.05, 0.3, 0.6, 1.0):
        out.write_text("old\n")
        proc = subprocess.Popen(kpispec_command() + ["compile", str(source), "-o", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
        # -15: stopped while Python was still starting, before kpispec could handle the signal
        assert proc.returncode in (0, 143, -15), stderr
        assert "Traceback" not in stderr
        if proc.returncode == 143:
            assert stderr.endswith("kpispec: stopped by SIGTERM\n")
        text = out.read_text()
        assert text == "old\n" or json.loads(text)["plan"]
        assert only_files(tmp_path) == ["big.json", "big.kpi"]


# ------------------------------------------------------------ standard streams

COMMANDS = [
    ("check", "PLAN"), ("check", "--format", "json", "PLAN"), ("check", "--format", "sarif", "PLAN"),
    ("check", "--format", "github", "BROKEN"), ("compile", "PLAN"), ("explain",), ("explain", "KPI301"),
    ("schema",), ("--version",), ("--help",), ("check", "--help"),
]


def _args(command, tmp_path):
    broken = tmp_path / "broken.kpi"
    broken.write_text(PLAN + "kpi a {\n  taget 1\n}\n", encoding="utf-8")
    return [str(VALID) if a == "PLAN" else str(broken) if a == "BROKEN" else a for a in command]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_standard_output_on_a_full_device(tmp_path, command):
    with open("/dev/full", "w") as full:
        result = subprocess.run(kpispec_command() + _args(command, tmp_path), stdout=full, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 2
    assert result.stderr == "kpispec: error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_standard_output_closed(tmp_path, command):
    result = subprocess.run(" ".join(kpispec_command() + _args(command, tmp_path)) + " >&-", shell=True,
                            stderr=subprocess.PIPE, text=True)
    assert result.returncode == 2
    assert result.stderr == "kpispec: error: cannot write the output: standard output is closed\n"


def test_compile_to_a_file_needs_no_standard_output(plan, tmp_path):
    result = subprocess.run(" ".join(kpispec_command() + ["compile", str(plan), "-o", "out.json"]) + " >&-",
                            shell=True, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "out.json").read_text())["plan"]


def test_a_reader_that_stops_early_gets_no_noise(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for i in range(300):
        (folder / f"p{i:03}.kpi").write_text(PLAN + "kpi a {\n  taget 1\n}\n", encoding="utf-8")
    result = subprocess.run(" ".join(kpispec_command() + ["check", str(folder)]) + " | head -1; exit ${PIPESTATUS[0]}",
                            shell=True, executable="/bin/bash", capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == ""
    assert result.stdout.startswith("error[KPI002]")


def test_a_deleted_working_folder(plan, tmp_path):
    gone = tmp_path / "gone"
    script = f"mkdir {gone} && cd {gone} && rmdir {gone} && "
    absolute = subprocess.run(script + " ".join(kpispec_command() + ["check", str(plan)]), shell=True,
                              capture_output=True, text=True)
    assert absolute.returncode == 0, absolute.stderr
    assert absolute.stdout.endswith("Checked 1 file: no problems found.\n")
    relative = subprocess.run(script + " ".join(kpispec_command() + ["check", "plan.kpi", "."]), shell=True,
                              capture_output=True, text=True)
    assert relative.returncode == 2
    assert relative.stderr.splitlines() == [
        "kpispec: error: cannot read plan.kpi: the working folder no longer exists (give an absolute path)",
        "kpispec: error: cannot read .: the working folder no longer exists (give an absolute path)",
    ]
    clean(relative)


def test_out_of_memory_is_one_line(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    import gen

    big = tmp_path / "big.kpi"
    big.write_text(gen.plan(20_000), encoding="utf-8")

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (70 * 2**20, 70 * 2**20))  # kpispec starts in about 40 MB; this plan needs 120

    result = subprocess.run(kpispec_command() + ["check", "big.kpi"], cwd=tmp_path, capture_output=True, text=True, preexec_fn=limit,
                            env={**os.environ, "NO_COLOR": "1"})
    if result.returncode in (0, 1) and result.stderr == "":
        pytest.skip("the plan fitted in the memory limit on this machine")
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.strip().splitlines()[-1] in (
        "kpispec: error: out of memory while checking big.kpi", "kpispec: error: out of memory"), result.stderr[-2000:]
    clean(result)


STARVED = r"""
import sys
import kpispec.api

class Starved:
    # Memory is short while a MemoryError is being handled: the failed work's frames are still
    # held by the exception, so even a message cannot be allocated until the `except` is left.
    def __init__(self, stream):
        self.stream = stream
    def write(self, text):
        if isinstance(sys.exc_info()[1], MemoryError):
            raise MemoryError
        return self.stream.write(text)
    def __getattr__(self, name):
        return getattr(self.stream, name)

def analyze_bytes(*args, **kwargs):
    raise MemoryError
kpispec.api.analyze_bytes = analyze_bytes
sys.argv = ["kpispec", *sys.argv[1:]]
from kpispec.cli import main
sys.stderr = Starved(sys.stderr)
main()
"""


@pytest.mark.parametrize("command,doing", [("check", "checking"), ("compile", "compiling")])
def test_out_of_memory_is_reported_once_the_memory_is_free_again(plan, tmp_path, command, doing):
    # Deterministic form of the above: each message written while the MemoryError is still being
    # handled fails too. It must be written after the `except`, for the file and for the run.
    result = subprocess.run([sys.executable, "-c", STARVED, command, str(plan)], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr == f"kpispec: error: out of memory while {doing} plan.kpi\n", result.stderr[-2000:]
    clean(result)


# -------------------------------------------------------- files that are not files


def test_a_fifo_given_or_found_is_reported_not_read(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "good.kpi").write_text(PLAN, encoding="utf-8")
    os.mkfifo(folder / "x.kpi")
    os.mkfifo(tmp_path / "given.kpi")
    result = run_cli("check", folder, tmp_path / "given.kpi", cwd=tmp_path)  # would hang forever if read
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "kpispec: error: plans/x.kpi is a FIFO (named pipe), not a regular file: it was not read",
        "kpispec: error: given.kpi is a FIFO (named pipe), not a regular file: it was not read",
    ]
    assert result.stdout.endswith("Checked 1 file: no problems found.\n")


def test_a_device_given_is_reported_not_read():
    result = run_cli("check", "/dev/zero")  # would be read until memory runs out
    assert result.returncode == 2
    assert result.stderr == "kpispec: error: /dev/zero is a character device, not a regular file: it was not read\n"
    compiled = run_cli("compile", "/dev/zero")
    assert compiled.returncode == 2
    assert compiled.stderr == "kpispec: error: /dev/zero is a character device, not a regular file: it was not read\n"


@pytest.mark.skipif(not IS_ROOT, reason="mknod of a character device needs root")
def test_a_device_found_in_a_folder_is_reported_not_read(tmp_path):
    os.mknod(tmp_path / "z.kpi", 0o666 | 0o020000, os.makedev(1, 5))  # a copy of /dev/zero
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "kpispec: error: z.kpi is a character device, not a regular file: it was not read"


def test_a_file_over_the_size_limit_is_a_diagnostic(tmp_path):
    (tmp_path / "big.kpi").write_bytes(PLAN.encode() + b"#" * 2_000)
    (tmp_path / "small.kpi").write_text(PLAN, encoding="utf-8")
    result = run_cli("check", "--format", "json", "--max-file-size", "1kB", ".", cwd=tmp_path)
    assert result.returncode == 1
    [problem] = json.loads(result.stdout)["diagnostics"]
    assert (problem["code"], problem["file"], problem["line"], problem["column"]) == ("KPI007", "big.kpi", 1, 1)
    size = len(PLAN.encode()) + 2_000  # below 1 MB a size is said in bytes: it read "0.0 MB"
    assert problem["message"] == f"this file is too large to check ({size:,} bytes; the limit is 1,000 bytes)"
    text = run_cli("check", "--max-file-size", "1kB", "big.kpi", cwd=tmp_path)
    assert "error[KPI007]" in text.stdout and "--> big.kpi:1:1" in text.stdout and "--max-file-size" in text.stdout
    assert run_cli("check", "big.kpi", cwd=tmp_path).returncode == 0  # the default limit is far above
    bad = run_cli("check", "--max-file-size", "lots", "big.kpi", cwd=tmp_path)
    assert bad.returncode == 2 and "'lots' is not a size such as 50MB" in bad.stderr


# ------------------------------------------------------------------ symbolic links


def test_links_found_in_a_folder_are_skipped_and_said(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (secret / "other.kpi").write_text(PLAN.replace("plan p", "plan q"), encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "plans").mkdir(parents=True)
    git_init(repo)
    (repo / "plans" / "good.kpi").write_text(PLAN, encoding="utf-8")
    (repo / "plans" / "leak.kpi").symlink_to(secret / "passwd")
    (repo / "plans" / "outside").symlink_to(secret)
    (repo / "plans" / "notes.txt").symlink_to(secret / "passwd")  # not a plan: nothing to say
    result = run_cli("check", "plans", cwd=repo)
    assert result.returncode == 0, result.stdout
    assert "root:x" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        "kpispec: note: skipped symbolic link plans/leak.kpi (pass --follow-symlinks to follow it)",
        "kpispec: note: skipped symbolic link plans/outside (pass --follow-symlinks to follow it)",
    ]
    followed = run_cli("check", "--format", "json", "--follow-symlinks", "plans", cwd=repo)
    files = sorted({d["file"] for d in json.loads(followed.stdout)["diagnostics"]})
    assert files == ["plans/leak.kpi"]  # followed on request: passwd is not a plan
    assert json.loads(followed.stdout)["summary"]["files"] == 3  # good, leak and outside/other


def test_a_link_given_by_name_is_followed_only_inside_its_repository(tmp_path):
    repo = tmp_path / "repo"
    (repo / "plans").mkdir(parents=True)
    git_init(repo)
    (repo / "plans" / "2026.kpi").write_text(PLAN, encoding="utf-8")
    (repo / "current.kpi").symlink_to("plans/2026.kpi")
    (repo / "leak.kpi").symlink_to("/etc/passwd")
    inside = run_cli("check", "current.kpi", cwd=repo)
    assert inside.returncode == 0, inside.stderr
    outside = run_cli("check", "leak.kpi", cwd=repo)
    assert outside.returncode == 2
    assert outside.stderr == ("kpispec: error: not following symbolic link leak.kpi: it points outside the repository "
                              "(to /etc/passwd); pass --follow-symlinks to read it anyway\n")
    assert outside.stdout == ""
    compiled = run_cli("compile", "leak.kpi", cwd=repo)
    assert compiled.returncode == 2 and "not following symbolic link leak.kpi" in compiled.stderr


def test_a_link_loop_is_not_walked_forever(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "plan.kpi").write_text(PLAN, encoding="utf-8")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    (tmp_path / "self.kpi").symlink_to("self.kpi")
    result = run_cli("check", "--follow-symlinks", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "kpispec: error: self.kpi is a symbolic link that leads nowhere (to nothing, or round in a loop)\n"
    assert result.stdout.endswith("Checked 1 file: no problems found.\n")


# ----------------------------------------------------------------------- names


def test_compiled_json_names_the_file_the_same_way_whatever_path_was_given(tmp_path):
    repo = tmp_path / "repo"
    (repo / "plans" / "sub").mkdir(parents=True)
    git_init(repo)
    (repo / "plans" / "ec.kpi").write_bytes(VALID.read_bytes())
    ways = [(repo, "plans/ec.kpi"), (repo, str(repo / "plans" / "ec.kpi")), (repo / "plans" / "sub", "../ec.kpi"),
            (tmp_path, "repo/plans/../plans/ec.kpi")]
    names = {json.loads(run_cli("compile", path, cwd=cwd).stdout)["file"] for cwd, path in ways}
    assert names == {"plans/ec.kpi"}
    (tmp_path / "loose.kpi").write_bytes(VALID.read_bytes())  # outside any repository: only its name
    assert json.loads(run_cli("compile", tmp_path / "loose.kpi").stdout)["file"] == "loose.kpi"


def test_file_names_that_are_not_utf8_or_hold_control_characters(tmp_path):
    folder = os.fsencode(tmp_path)
    with open(folder + b"/bad\xff\xfe.kpi", "wb") as handle:
        handle.write(b"kpl x {\n")
    with open(folder + b"/esc\x1b[31m.kpi", "wb") as handle:
        handle.write(b"kpl x {\n")
    for fmt in ("text", "github", "json", "sarif"):
        result = run_cli("check", "--format", fmt, ".", cwd=tmp_path)
        assert result.returncode == 1, (fmt, result.stderr)
        assert "\x1b" not in result.stdout and "bad??.kpi" not in result.stdout
        shown = result.stdout.replace("\\\\", "\\")
        if fmt == "sarif":  # a URI: the name as shown, percent-encoded (`\` is %5C)
            shown = urllib.parse.unquote(shown)
        assert "bad\\xff\\xfe.kpi" in shown, fmt
        assert "esc\\x1b[31m.kpi" in shown, fmt


# ---------------------------------------------------------------- configuration


def test_a_bad_configuration_is_reported_once_and_nothing_is_checked(tmp_path):
    git_init(tmp_path)
    for team in ("a", "b"):
        (tmp_path / team).mkdir()
        for i in range(3):
            (tmp_path / team / f"p{i}.kpi").write_text(PLAN + "kpi a {\n  taget 1\n}\n", encoding="utf-8")
    (tmp_path / "a" / "kpispec.toml").write_text('disable = "KPI215"\n', encoding="utf-8")
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        'kpispec: error: a/kpispec.toml:1:1: disable must be a list of rule codes such as ["KPI215"], not "KPI215"']
    assert result.stdout == ""


# ------------------------------------------------- found by an adversarial review


def test_a_file_name_is_never_read_as_an_option(tmp_path):
    # pre-commit passes staged names after the hook's own arguments, with no `--`.
    (tmp_path / "bad.kpi").write_text('kpi x "t" {}\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.kpi").write_text('disable = ["KPI106"]\n', encoding="utf-8")
    (tmp_path / "--config=sub").mkdir()
    (tmp_path / "--config=sub" / "x.kpi").write_text("", encoding="utf-8")
    result = run_cli("check", "--format", "json", "--config=sub/x.kpi", "bad.kpi", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert result.returncode == 1
    assert data["summary"]["files"] == 2  # the odd name was checked as a plan, not taken as --config
    assert "KPI106" in {d["code"] for d in data["diagnostics"] if d["file"] == "bad.kpi"}
    assert run_cli("check", "--strict", "bad.kpi", cwd=tmp_path).returncode == 1  # real options still work


def test_outputs_never_go_through_a_link_out_of_the_repository(plan, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git_init(repo)
    victim = tmp_path / "victim.conf"
    victim.write_text("precious\n")
    (repo / "out.json").symlink_to(victim)
    (repo / "victimdir").symlink_to(tmp_path)
    for args in (("compile", plan, "-o", "out.json"), ("schema", "-o", "victimdir/victim.conf")):
        result = run_cli(*args, cwd=repo)
        assert result.returncode == 2, args
        assert "refusing to write through symbolic link" in result.stderr and "pass --follow-symlinks" in result.stderr
        assert victim.read_text() == "precious\n"
    followed = run_cli("compile", plan, "-o", "out.json", "--follow-symlinks", cwd=repo)
    assert followed.returncode == 0 and json.loads(victim.read_text())["plan"]


def test_inputs_are_never_read_through_a_linked_folder_out_of_the_repository(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git_init(repo)
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "shadow").write_text("root:SECRET-HASH\n")
    (repo / "leak").symlink_to(secret)
    for args in (("check", "leak/shadow"), ("compile", "leak/shadow"), ("check", "leak")):
        result = run_cli(*args, cwd=repo)
        assert result.returncode == 2, args
        assert "SECRET" not in result.stdout + result.stderr
        assert result.stderr.startswith("kpispec: error: not following symbolic link leak: it points outside the repository")


def test_a_folder_swapped_for_a_link_after_the_search_is_not_followed(tmp_path):
    # In-process, to place the swap exactly between finding the files and reading them.
    from kpispec.cli.io import CliError, find_plans, read_regular

    (tmp_path / "plans" / "sub").mkdir(parents=True)
    (tmp_path / "plans" / "sub" / "x.kpi").write_text(PLAN, encoding="utf-8")
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "x.kpi").write_text("TOP-SECRET\n")
    [found] = find_plans([tmp_path / "plans"]).files
    assert read_regular(found, 10**6) == PLAN.encode()
    (tmp_path / "plans" / "sub").rename(tmp_path / "plans" / "old")
    (tmp_path / "plans" / "sub").symlink_to(secret)
    with pytest.raises(CliError):
        read_regular(found, 10**6)


def test_entries_deeper_than_path_max_are_reported_not_skipped(tmp_path):
    (tmp_path / "good.kpi").write_text(PLAN, encoding="utf-8")
    deep = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(17):  # 17 x 251 bytes > PATH_MAX (4096)
            os.mkdir("n" * 250, dir_fd=deep)
            inner = os.open("n" * 250, os.O_RDONLY, dir_fd=deep)
            os.close(deep)
            deep = inner
        fd = os.open("broken.kpi", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=deep)
        os.write(fd, b"this is not a plan\n")
        os.close(fd)
    finally:
        os.close(deep)
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "File name too long" in result.stderr
    clean(result)


def test_output_onto_a_stream_kpispec_writes_to_is_refused(plan, tmp_path):
    log = tmp_path / "build.log"
    log.write_text("earlier build log\n")
    with open(log, "a") as stderr:
        result = subprocess.run(kpispec_command() + ["compile", str(plan), "-o", "/dev/stderr"], stderr=stderr, cwd=tmp_path)
    assert result.returncode == 2
    text = log.read_text()
    assert text.startswith("earlier build log\n") and "refusing to write /dev/stderr" in text
    for target in ("/dev/fd/1", "/proc/self/fd/2"):
        refused = run_cli("compile", plan, "-o", target)
        assert refused.returncode == 2 and "a file descriptor of this process" in refused.stderr


def test_a_signal_while_the_output_is_renamed_leaves_no_temporary_file(tmp_path, monkeypatch):
    # In-process: SIGTERM arrives exactly between naming the new file and renaming it.
    import kpispec.cli as cli
    from kpispec.cli import io

    out = tmp_path / "plan.json"
    out.write_text("old\n")
    real_replace = os.replace

    def replace_after_a_signal(src, dst):
        # To this thread, as the kernel delivers it to the single-threaded CLI: a test runner with
        # threads of its own (pytest-xdist) would otherwise have it handled by another thread.
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
        real_replace(src, dst)

    previous = signal.signal(signal.SIGTERM, cli._stop)
    monkeypatch.setattr(io.os, "replace", replace_after_a_signal)
    try:
        with pytest.raises(cli.Stopped):
            io.write_atomic(out, "new\n")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert only_files(tmp_path) == ["plan.json"]
    assert out.read_text() == "new\n"  # the signal was held until the rename was done


def test_a_read_only_output_is_not_replaced(plan, tmp_path):
    out = tmp_path / "plan.json"
    out.write_text("keep\n")
    out.chmod(0o444)
    result = run_cli("compile", plan, "-o", out)
    assert result.returncode == 2 and "it is read-only" in result.stderr
    assert out.read_text() == "keep\n"


def test_machine_output_is_utf8_whatever_the_locale(plan):
    result = subprocess.run(kpispec_command() + ["compile", str(plan)], capture_output=True,
                            env={**os.environ, "PYTHONIOENCODING": "ascii", "LANG": "C"})
    assert result.returncode == 0
    assert "ECサイト" in json.loads(result.stdout.decode("utf-8"))["plan"]["label"]
    sarif = subprocess.run(kpispec_command() + ["check", "-f", "sarif", str(plan)], capture_output=True,
                           env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert "?" not in json.loads(sarif.stdout.decode("utf-8"))["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"]["text"]


def test_the_same_file_twice_is_reported_the_same_whatever_the_order(tmp_path):
    (tmp_path / "a.kpi").write_text("kpl x {\n", encoding="utf-8")
    (tmp_path / "l.kpi").symlink_to("a.kpi")
    first = run_cli("check", "a.kpi", "l.kpi", cwd=tmp_path)
    second = run_cli("check", "l.kpi", "a.kpi", cwd=tmp_path)
    assert first.stdout == second.stdout and "--> a.kpi:1:1" in first.stdout


def test_compile_with_stderr_closed_still_exits_1_on_a_broken_plan(tmp_path):
    (tmp_path / "bad.kpi").write_text("kpl x {\n", encoding="utf-8")
    result = subprocess.run(" ".join(kpispec_command() + ["compile", "bad.kpi"]) + " 2>&-", shell=True, cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 1


def test_a_size_below_one_byte_is_refused(tmp_path):
    for size in ("0.5", "1e-300", "0", "-1"):
        result = run_cli("check", "--max-file-size", size, ".", cwd=tmp_path)
        assert result.returncode == 2 and "is not a size such as 50MB" in result.stderr, size


@pytest.mark.skipif(not IS_ROOT, reason="making a file owned by another user needs root")
def test_outside_a_repository_a_configuration_of_another_user_is_ignored(tmp_path):
    shared = tmp_path / "shared"
    (shared / "alice").mkdir(parents=True)
    (shared / "alice" / "plan.kpi").write_text('kpi x "t" {}\n', encoding="utf-8")
    planted = shared / "kpispec.toml"
    planted.write_text('disable = ["KPI106"]\n', encoding="utf-8")
    os.chown(planted, 65534, 65534)
    result = run_cli("check", "plan.kpi", cwd=shared / "alice")
    assert result.returncode == 1 and "KPI106" in result.stdout
    os.chown(planted, 0, 0)
    assert "KPI106" not in run_cli("check", "plan.kpi", cwd=shared / "alice").stdout


def test_line_and_paragraph_separators_in_a_source_line_are_not_echoed(tmp_path):
    (tmp_path / "plan.kpi").write_text(PLAN + 'kpi a "A\u2028B\u2029C" { taget 1 }\n', encoding="utf-8")
    result = run_cli("check", "plan.kpi", cwd=tmp_path)
    assert result.returncode == 1
    assert "\u2028" not in result.stdout and "\u2029" not in result.stdout
    assert 'kpi a "A\ufffdB\ufffdC"' in result.stdout  # one mark each, so the carets still line up

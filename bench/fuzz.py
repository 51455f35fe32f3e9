"""Fuzz kpispec for a fixed time: mutated plans and random bytes through the Python API.

    uv run python bench/fuzz.py --seconds 60                  # atheris if installed, else pure Python
    uv run python bench/fuzz.py --seconds 60 --engine python  # pure-Python mutation (no extra install)
    uv run python bench/fuzz.py --seconds 60 --seed 7         # another deterministic sequence
    uv run python bench/fuzz.py --replay bench/out/crashes/FILE.kpi

Seeds are every .kpi under tests/ and examples/ plus a generated plan. The pure-Python engine
(the default unless atheris, the coverage-guided fuzzer, is importable) mutates each input by
stacked byte, token and structure edits (and one input in ten is random bytes), then analysed,
rendered in every output format and, when it has no error, compiled. An input whose set of
diagnostic codes is new joins the pool, a cheap stand-in for coverage feedback.

A finding is an exception, an internal error (KPI901), a position outside the file, a compiled
JSON that does not parse, or an input that takes longer than --timeout. Each is saved as
bench/out/crashes/<kind>-<hash>.kpi with a .txt beside it saying what happened (atheris saves
crash-<hash> files there instead); the exit status is 1 if there was any finding, else 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import signal
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "crashes"
sys.path.insert(0, str(ROOT / "bench"))

import gen  # noqa: E402

from kpispec.api import analyze_bytes, compile_result  # noqa: E402
from kpispec.render import github, jsonfmt, sarif  # noqa: E402
from kpispec.render.text import TextRenderer  # noqa: E402

RENDERERS = (TextRenderer("en"), TextRenderer("ja"))

# Pieces of the language and of hostile input, spliced in whole.
TOKENS = [
    b"plan", b"param", b"kgi", b"ksf", b"kpi", b"assert", b"period", b"to", b"target", b"baseline", b"deadline",
    b"start", b"cadence", b"owner", b"source", b"measure", b"description", b"formula", b"per", b"{", b"}", b"(",
    b")", b",", b"=", b">=", b"<=", b"==", b">", b"<", b"+", b"-", b"*", b"/", b"%", b'"', b'"""', b"#", b"\\",
    b"sum(", b"min(", b"max(", b"avg(", b"\n", b"\r\n", b"\r", b"\t", b" ", b"2026-04-01", b"2026-02-30",
    b"2026/04/01", b"1,000", b"1,0000", b"1_000", b"2.5%", b"1e6", b"1e300", b"1e-300", b"1e1000", b"1e1001",
    b"1e999999999", b"0", b"0%", b"10k", b"5M", b"1.2B", b"visitors", b"month", b"weekly", b"biweekly",
    b"per months", b"USD", b"JPY", b"kg",
    *(s.encode() for s in [
        "円", "万", "億", "兆", "千万円", "人", "件", "ヶ月", "月", "年", "四半期", "週次", "売上", "商談数", "×", "÷", "≥", "≤",
        "１２３", "％", "＝", "（", "）", "＊", "：", "\u3000", "\u00a0", "\u200b", "\u202e", "\u2066", "\ufeff",
        "\x00", "\x1b[31m", "\ufffd", "𠮷", "👍", "¥100", "$5",
    ]),
    b"\xff", b"\xfe", b"\xc3", b"\xe3\x81", b"\xed\xa0\x80", b"\xef\xbb\xbf",
]
NUMBERS = [b"0", b"1", b"-1", b"0.0", b"1e300", b"1e-300", b"1e1000", b"1e-1000", b"1e1001", b"9" * 60, b"0%",
           b"100%", b"1,000,000", b"2.5E-3"]


def seeds() -> list[bytes]:
    paths = sorted((ROOT / "tests").rglob("*.kpi")) + sorted((ROOT / "examples").glob("*.kpi"))
    found = [p.read_bytes() for p in paths if p.stat().st_size < 200_000]
    found.append(gen.plan(60, seed=3).encode())
    return found


# ------------------------------------------------------------------ mutation


class Mutator:
    def __init__(self, rng: random.Random, pool: list[bytes]):
        self.rng = rng
        self.pool = pool

    def mutate(self, data: bytes) -> bytes:
        for _ in range(self.rng.choice((1, 1, 2, 3, 4, 8))):
            data = self.rng.choice(self.EDITS)(self, data)
        return data[:300_000]

    def _pos(self, data: bytes) -> int:
        return self.rng.randint(0, len(data))

    def flip_byte(self, data: bytes) -> bytes:
        if not data:
            return bytes([self.rng.randrange(256)])
        i = self.rng.randrange(len(data))
        return data[:i] + bytes([data[i] ^ (1 << self.rng.randrange(8))]) + data[i + 1:]

    def insert_token(self, data: bytes) -> bytes:
        i = self._pos(data)
        return data[:i] + self.rng.choice(TOKENS) + data[i:]

    def delete_range(self, data: bytes) -> bytes:
        i = self._pos(data)
        return data[:i] + data[i + self.rng.randint(1, 40):]

    def duplicate_range(self, data: bytes) -> bytes:
        i = self._pos(data)
        j = min(len(data), i + self.rng.randint(1, 200))
        return data[:j] + data[i:j] * self.rng.choice((1, 2, 10)) + data[j:]

    def truncate(self, data: bytes) -> bytes:
        return data[: self._pos(data)]

    def splice(self, data: bytes) -> bytes:
        other = self.rng.choice(self.pool)
        return data[: self._pos(data)] + other[self.rng.randint(0, len(other)):]

    def swap_tokens(self, data: bytes) -> bytes:
        words = data.split(b" ")
        if len(words) < 2:
            return data
        i, j = self.rng.randrange(len(words)), self.rng.randrange(len(words))
        op = self.rng.random()
        if op < 0.4:
            words[i], words[j] = words[j], words[i]
        elif op < 0.7:
            del words[i]
        else:
            words.insert(i, words[j])
        return b" ".join(words)

    def replace_number(self, data: bytes) -> bytes:
        digits = [i for i, b in enumerate(data) if 48 <= b <= 57]
        if not digits:
            return self.insert_token(data)
        i = self.rng.choice(digits)
        j = i
        while j < len(data) and (48 <= data[j] <= 57 or data[j] in b",._"):
            j += 1
        return data[:i] + self.rng.choice(NUMBERS) + data[j:]

    def line_ends(self, data: bytes) -> bytes:
        return data.replace(b"\n", self.rng.choice((b"\r\n", b"\r", b"\n\n", b" ")))

    def nest(self, data: bytes) -> bytes:
        depth = self.rng.choice((10, 500, 999, 1001, 5000))
        opener, closer = self.rng.choice(((b"(", b")"), (b"{", b"}"), (b"-", b""), (b"1 + ", b""), (b'"', b"")))
        i = self._pos(data)
        return data[:i] + opener * depth + b"1" + closer * depth * self.rng.randint(0, 1) + data[i:]

    EDITS = [flip_byte, insert_token, insert_token, delete_range, duplicate_range, truncate, splice, swap_tokens,
             swap_tokens, replace_number, line_ends, nest]


# -------------------------------------------------------------------- oracle


class Finding(Exception):
    """An input that broke an invariant: `kind` names which."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


class Timeout(BaseException):
    pass


def examine(data: bytes) -> frozenset:
    """Analyse, render and compile one input; raise Finding if any invariant breaks. Returns its signature."""
    try:
        result = analyze_bytes("fuzz.kpi", data)
        text = result.source.text
        for d in result.diagnostics:
            if d.code == "KPI901":
                raise Finding("internal-error", d.message.en)
            for span in [d.span, *(label.span for label in d.labels)]:
                if not 0 <= span.start <= span.end <= len(text):
                    raise Finding("bad-span", f"{d.code} {span} in a text of {len(text)} characters")
            for renderer in RENDERERS:
                renderer.render(d, result.source)
        sources = {"fuzz.kpi": result.source}
        json.loads(jsonfmt.render(result.diagnostics, sources, 1, "ja"))
        json.loads(sarif.render(result.diagnostics, sources, "en"))
        github.render(result.diagnostics, sources, "en")
        compiled = compile_result(result)
        if compiled is not None:
            # A formula of 1,000 terms nests the JSON 1,000 deep, beyond json.loads' default
            # recursion limit (tests/test_corpus.py holds that as a known failure).
            limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(limit, 10_000))
            try:
                json.loads(compiled)
            finally:
                sys.setrecursionlimit(limit)
        return frozenset(d.code for d in result.diagnostics) | {"ok" if compiled else "not-ok"}
    except (Finding, Timeout):
        raise
    except BaseException as exc:  # noqa: BLE001 - every exception is a finding, RecursionError included
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise Finding(type(exc).__name__, "".join(traceback.format_exception(exc))) from exc


def save(data: bytes, kind: str, detail: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    name = f"{kind}-{hashlib.sha1(data).hexdigest()[:12]}"
    (OUT / f"{name}.kpi").write_bytes(data)
    (OUT / f"{name}.txt").write_text(detail, encoding="utf-8")
    return OUT / f"{name}.kpi"


def with_timeout(seconds: float, data: bytes) -> frozenset:
    def expire(signum, frame):
        raise Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return examine(data)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ----------------------------------------------------------------------- run


def run(seconds: float, seed: int, timeout: float) -> int:
    rng = random.Random(seed)
    pool = seeds()
    mutator = Mutator(rng, pool)
    seen: set[frozenset] = set()
    findings: dict[str, Path] = {}
    iterations = 0
    start = last_report = time.monotonic()
    print(f"fuzzing for {seconds:g} s from {len(pool)} seeds (seed {seed}); findings go to {OUT.relative_to(ROOT)}/")
    while time.monotonic() - start < seconds:
        if rng.random() < 0.1:
            data = rng.randbytes(rng.randint(0, 512))
        else:
            data = mutator.mutate(rng.choice(pool))
        try:
            signature = with_timeout(timeout, data)
        except Timeout:
            findings.setdefault("timeout", save(data, "timeout", f"took longer than {timeout} s"))
        except Finding as finding:
            path = save(data, finding.kind, str(finding))
            if finding.kind not in findings:
                findings[finding.kind] = path
                print(f"  finding: {finding.kind} -> {path.relative_to(ROOT)}")
        else:
            if signature not in seen:
                seen.add(signature)
                if len(pool) < 5000 and len(data) < 100_000:
                    pool.append(data)
        iterations += 1
        now = time.monotonic()
        if now - last_report >= 10:
            print(f"  {iterations} inputs, {iterations / (now - start):.0f}/s, {len(seen)} signatures, {len(findings)} kinds of finding")
            last_report = now
    elapsed = time.monotonic() - start
    print(f"{iterations} inputs in {elapsed:.1f} s: {iterations / elapsed:.0f} per second; "
          f"{len(seen)} distinct diagnostic signatures; {len(findings)} kinds of finding")
    for kind, path in sorted(findings.items()):
        print(f"  {kind}: {path.relative_to(ROOT)}")
    return 1 if findings else 0


def run_atheris(seconds: float, timeout: float) -> int:
    import atheris

    atheris.instrument_all()  # coverage of kpispec and lark, already imported
    corpus = ROOT / "bench" / "out" / "fuzz-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for data in seeds():
        (corpus / hashlib.sha1(data).hexdigest()).write_bytes(data)
    OUT.mkdir(parents=True, exist_ok=True)

    def one_input(data: bytes) -> None:
        examine(data)  # a Finding propagates: libFuzzer saves the input under bench/out/crashes/

    args = [sys.argv[0], f"-max_total_time={int(seconds)}", f"-timeout={max(1, int(timeout))}",
            f"-artifact_prefix={OUT}/", "-rss_limit_mb=4096", "-error_exitcode=1", "-timeout_exitcode=1",
            "-print_final_stats=1", str(corpus)]
    print(f"fuzzing with atheris for {seconds:g} s; libFuzzer reports exec/s; findings go to {OUT.relative_to(ROOT)}/")
    atheris.Setup(args, one_input)
    atheris.Fuzz()
    return 0


def replay(path: Path, timeout: float) -> int:
    try:
        signature = with_timeout(timeout, path.read_bytes())
    except Timeout:
        print(f"{path}: took longer than {timeout} s")
        return 1
    except Finding as finding:
        print(f"{path}: {finding}")
        return 1
    print(f"{path}: fine ({', '.join(sorted(signature))})")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="time budget (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the pure-Python fuzzer")
    parser.add_argument("--timeout", type=float, default=5, help="seconds one input may take (default 5)")
    parser.add_argument("--engine", choices=["auto", "python", "atheris"], default="auto",
                        help="auto (the default): atheris if it is importable, else python")
    parser.add_argument("--replay", type=Path, help="run one saved input and report")
    args = parser.parse_args()
    if args.replay:
        sys.exit(replay(args.replay, args.timeout))
    engine = args.engine
    if engine != "python":
        try:
            import atheris  # noqa: F401
        except ImportError:
            if engine == "atheris":
                parser.error("atheris is not installed (`uv pip install atheris`); use --engine python")
            engine = "python"
        else:
            engine = "atheris"
    if engine == "atheris":
        sys.exit(run_atheris(args.seconds, args.timeout))
    sys.exit(run(args.seconds, args.seed, args.timeout))


if __name__ == "__main__":
    main()

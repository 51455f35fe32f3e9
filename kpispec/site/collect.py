"""Plans for a site: found, read and analysed exactly as `kpispec check` does them."""

from __future__ import annotations

from pathlib import Path

from ..records import field, record


@record(slots=True)
class Collected:
    """The analysed plans, and what kept others from being analysed."""

    results: list = field(default_factory=list)  # api.Result, each with its checks' context
    errors: list = field(default_factory=list)  # one line each: paths not found, unusable configurations
    notes: list = field(default_factory=list)  # paths skipped, and why


def collect(paths: list[Path], config_file: Path | None = None, follow_symlinks: bool = False,
            max_file_size: int | None = None) -> Collected:
    """Every `.kpi` file under `paths`, analysed with its own configuration (the same search,
    symbolic-link rules and size limit as `check`). Nothing is written."""
    from ..api import analyze_bytes, too_large
    from ..cli.configs import Configs
    from ..cli.io import MAX_FILE_SIZE, CliError, TooLarge, find_plans, read_regular

    limit = MAX_FILE_SIZE if max_file_size is None else max_file_size
    out = Collected()
    found = find_plans(paths, follow_symlinks)
    out.errors.extend(found.errors)
    out.notes.extend(found.skipped)
    configs = Configs(config_file)
    governing = [configs.for_file(plan.real) for plan in found.files]
    if configs.errors:
        out.errors.extend(configs.errors)
        return out
    for plan, config in zip(found.files, governing):
        try:
            result = analyze_bytes(plan.shown, read_regular(plan, limit), config, keep_context=True)
        except TooLarge as exc:
            result = too_large(plan.shown, exc.size, limit, config)
        except CliError as exc:
            out.errors.append(str(exc))
            continue
        out.results.append(result)
    if not found.files and not found.errors:
        out.errors.append("no .kpi files found")
    return out

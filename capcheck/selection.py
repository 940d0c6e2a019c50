"""Which capability suites join a pytest run, and whether capcheck is switched on at all.

capcheck is installed into other people's repositories, so an ordinary test run there
must not change: capcheck switches on only when a capcheck option is on the command line
(`--model`, `--capcheck-quick`, ...). Then `--capcheck-suites` picks the suites:

- all: the built-in suites and the project's own (the default when no paths are given);
- project: only what pytest collects from the project (the default when paths are given:
  `pytest --model X capability/` runs just that folder, as pytest users expect);
- builtin: only the built-in suites.

The project's own suites are the capability tests pytest collects, plus the config's
`suite_paths` when no paths are given.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from capcheck.errors import CapcheckError
from capcheck.settings import Settings

SKIP_REASON = (
    "capability suite: capcheck runs only when asked. Pass the checkpoint to check, "
    "e.g. --model path/to/finetune (--model smollm2-135m-instruct for the embedded model), "
    "or run `capcheck gate`."
)


def is_active(cli_values: dict[str, Any]) -> bool:
    """Whether any capcheck option was given on the command line."""
    return any(value not in (None, False, (), [], {}) for value in cli_values.values())


def choice(settings: Settings, paths_given: bool) -> str:
    """all, builtin or project: the option or config, else by whether pytest was given paths."""
    return settings.suites or ("project" if paths_given else "all")


def extra_args(settings: Settings, project: Path, invocation_dir: Path, args: Iterable[str],
               paths_given: bool) -> list[str]:
    """Paths to add to pytest's collection: the built-in suites and the configured suite paths,
    each unless a given path already covers it."""
    from capcheck.builtin import suites_dir

    which = choice(settings, paths_given)
    covered = [_path_of(arg, invocation_dir) for arg in args]
    wanted: list[Path] = []
    if which in ("all", "builtin"):
        wanted.append(suites_dir())
    if which in ("all", "project") and not paths_given:
        for entry in settings.suite_paths:
            path = (project / entry).resolve()
            if not path.exists():
                raise CapcheckError(
                    f"suite_paths entry {entry!r} in the capcheck config of {project}: no such file or folder. "
                    "Fix the path (relative to the project folder) or remove it."
                )
            wanted.append(path)
    return [str(p) for p in wanted if not any(_within(p, c) for c in covered)]


def is_builtin(path: Path) -> bool:
    """Whether a test file is one of the built-in suites."""
    from capcheck.builtin import suites_dir

    return _within(Path(path).resolve(), suites_dir())


def _path_of(arg: str, base: Path) -> Path:
    path = Path(arg.split("::", 1)[0])
    return (path if path.is_absolute() else base / path).resolve()


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents

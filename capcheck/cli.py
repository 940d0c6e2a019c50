"""The `capcheck` command: the gate without pytest plumbing, and small model tools.

    capcheck gate   [--model M] [pytest-style capcheck options]      exit 0 pass, 1 regressed, 2 could not run
    capcheck record --model BASE [options]                            record baselines from the base model
    capcheck calibrate [--batch-size N | --dtype D]                   measure the engine noise floor of the base model
    capcheck init   [--dir DIR]                                       set up capcheck in a repository (config, baselines/, example suite, CI)
    capcheck damage --out DIR --std 0.02 [--model M]                  a noisy copy of a model (for tests, studies)
    capcheck demo [--out DIR]                                         fine-tune the embedded model (full, LoRA), gate each: the story
    capcheck finetune --recipe NAME --out DIR                         one demo fine-tune (full model or LoRA adapter)
    capcheck cache info|clear [--dir DIR]                             show or empty the result cache
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Sequence

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


class _SessionGrabber:
    """A pytest plugin object that keeps the capcheck session for the exit code."""

    capcheck_record_command = "capcheck record"
    """How the session words its re-record hints (capcheck.plugin looks for this attribute)."""

    def __init__(self, project: Path) -> None:
        self.session: Any = None
        self.capcheck_project = project
        """The project folder, found from where the command ran (capcheck.plugin uses it): pytest's
        own config-file search would start at the first suite path, which may be the built-in suites."""

    def pytest_sessionfinish(self, session: Any) -> None:
        from capcheck.testing import SESSION_KEY

        self.session = session.config.stash.get(SESSION_KEY, None)


MODE_FLAGS = ("--capcheck-record", "--capcheck-calibrate")
CALIBRATE_BATCH_SIZE = 5
"""An odd batch size pads differently from the default 32: the noise a batch change brings."""
DESCRIPTIONS = {
    "gate": "Run the capability suites on a checkpoint and compare with the stored baselines.",
    "record": "Record baselines of the capability suites from --model.",
    "calibrate": ("Re-run the base model under another batch size, dtype or engine and record, per suite, how "
                  "many cases change with no change to the model (baselines/<model>/noise-floor.json). "
                  f"Without --batch-size, --dtype or --engine it uses --batch-size {CALIBRATE_BATCH_SIZE}."),
}


def _gate_parser(name: str) -> argparse.ArgumentParser:
    from capcheck.plugin import OPTIONS

    parser = argparse.ArgumentParser(prog=f"capcheck {name}", description=DESCRIPTIONS[name])
    parser.add_argument("--suites", dest="suite_paths", action="append", default=None, metavar="PATH",
                        help="the project's own suite files or folders (repeatable; default: suite_paths "
                             "in the capcheck config); the built-in suites run too, see --capcheck-suites")
    parser.add_argument("-k", dest="keyword", default=None, help="only suites whose test name matches (pytest -k)")
    for flag, dest, kwargs in OPTIONS:
        if flag in MODE_FLAGS:
            continue
        kwargs = {k: v for k, v in kwargs.items() if k != "default"}
        kwargs.setdefault("help", f"passed to vLLM as {dest.removeprefix('capcheck_vllm_')}")
        if kwargs.get("action") == "store_true":
            parser.add_argument(flag, dest=dest, action="store_true", help=kwargs["help"])
        elif flag == "--capcheck-report":
            parser.add_argument("--report", flag, dest=dest, **kwargs)
        else:
            parser.add_argument(flag, dest=dest, **kwargs)
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's per-test lines")
    return parser


def _suite_args(ns: argparse.Namespace, project: Path) -> list[str]:
    """The suite paths to collect: the built-in suites and/or the project's, by --capcheck-suites."""
    from capcheck.builtin import suites_dir
    from capcheck.errors import CapcheckError
    from capcheck.settings import project_defaults

    config = project_defaults(project)
    which = ns.capcheck_suites or config.get("suites") or "all"
    paths = [str(project / p) for p in (config.get("suite_paths") or ())] if ns.suite_paths is None else ns.suite_paths
    for path in paths:
        if not Path(path).exists():
            raise CapcheckError(f"no suites at {path!r}: check --suites, or suite_paths in the capcheck config of {project}.")
    chosen = ([str(suites_dir())] if which in ("all", "builtin") else []) + (paths if which in ("all", "project") else [])
    if not chosen:
        raise CapcheckError(
            "--capcheck-suites project, but this project names no suites of its own: pass --suites PATH or set "
            f"suite_paths in the capcheck config of {project} (`capcheck init` writes one).")
    ns.capcheck_suites = which  # passed on: it also switches the plugin on
    return chosen


def _pytest_args(ns: argparse.Namespace, mode: str, project: Path) -> list[str]:
    from capcheck.plugin import OPTIONS

    # pytest reads the project's own pytest config (or none), never one found above a suite path.
    config = project / "pyproject.toml"
    args = [*_suite_args(ns, project), "-p", "no:cacheprovider", "-q" if not ns.verbose else "-v",
            "-o", "console_output_style=classic", "--rootdir", str(project),
            "-c", str(config) if config.is_file() else os.devnull]
    if ns.keyword:
        args += ["-k", ns.keyword]
    for flag, dest, _ in OPTIONS:
        if flag in MODE_FLAGS:
            continue
        value = getattr(ns, dest, None)
        if value is None or value is False:
            continue
        for one in value if isinstance(value, list) else [value]:
            args += [flag] if one is True else [flag, str(one)]
    if mode == "record":
        args.append("--capcheck-record")
    if mode == "calibrate":
        args.append("--capcheck-calibrate")
        if ns.capcheck_batch_size is None and ns.capcheck_dtype is None and ns.capcheck_engine is None:
            args += ["--batch-size", str(CALIBRATE_BATCH_SIZE)]
    return args


def _error(message: str) -> int:
    print(f"capcheck: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def run_gate(argv: Sequence[str], mode: str = "gate") -> int:
    import pytest

    from capcheck.errors import CapcheckError
    from capcheck.settings import find_project
    from capcheck.verdict import Status

    ns = _gate_parser(mode).parse_args(argv)
    project = find_project(Path.cwd())
    grabber = _SessionGrabber(project)
    try:
        args = _pytest_args(ns, mode, project)
    except CapcheckError as exc:
        return _error(str(exc))
    code = pytest.main(args, plugins=[grabber])
    session = grabber.session
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.INTERRUPTED):
        return EXIT_ERROR
    if code == pytest.ExitCode.NO_TESTS_COLLECTED or session is None or not session.suites:
        return _error("no capability suites were selected; check --suites and -k.")
    if session.error is not None:
        return EXIT_ERROR
    statuses = {v.status for v in session.verdicts.values()}
    if statuses & {Status.MISSING, Status.STALE, Status.ERROR}:
        return EXIT_ERROR
    return EXIT_PASS if code == pytest.ExitCode.OK else EXIT_FAIL


def run_damage(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="capcheck damage", description=(
        "Save a copy of a model with Gaussian noise added to every weight: a known-bad checkpoint."))
    parser.add_argument("--model", default=None, help="model to copy (default: the embedded model)")
    parser.add_argument("--out", required=True, help="output directory (must not exist)")
    parser.add_argument("--std", type=float, default=0.02, help="noise standard deviation (default 0.02)")
    parser.add_argument("--seed", type=int, default=0)
    ns = parser.parse_args(argv)
    from capcheck.damage import add_noise
    from capcheck.errors import CapcheckError

    try:
        add_noise(ns.model, Path(ns.out), ns.std, ns.seed)
    except CapcheckError as exc:
        return _error(str(exc))
    print(f"wrote {ns.out} (noise std {ns.std}, seed {ns.seed})")
    return EXIT_PASS


def _demo(name: str, argv: Sequence[str]) -> int:
    from capcheck.demo import run  # heavy imports (transformers, peft) only for these commands

    return int(getattr(run, name)(argv))


def _init(argv: Sequence[str]) -> int:
    from capcheck.init import main as init

    return init(argv)


def _cache(argv: Sequence[str]) -> int:
    """`capcheck cache info|clear [--dir DIR]`; exit 0, or 2 with a message on stderr."""
    from capcheck.cache import DB_NAME, ResultCache, clear, disk_bytes
    from capcheck.errors import CapcheckError
    from capcheck.settings import Settings, pyproject_defaults

    parser = argparse.ArgumentParser(prog="capcheck cache", description=(
        "Show or empty the result cache (engine results reused by reruns with nothing changed)."))
    parser.add_argument("action", choices=["info", "clear"])
    parser.add_argument("--dir", default=None, metavar="DIR",
                        help="cache folder (default: [tool.capcheck] cache_dir, else .capcheck_cache, in this folder)")
    ns = parser.parse_args(argv)
    try:
        directory = Path(ns.dir) if ns.dir else Path.cwd() / pyproject_defaults(Path.cwd()).get(
            "cache_dir", Settings.cache_dir)
        if ns.action == "clear":
            size = disk_bytes(directory) if directory.is_dir() else 0
            removed = clear(directory)
            print(f"cleared {directory}: {removed} cached results ({size / 1e6:.1f} MB) removed")
            return 0
        if not (directory / DB_NAME).is_file():
            print(f"{directory}: no result cache yet")
            return 0
        cache = ResultCache(directory)
        try:
            info = cache.summary()
        finally:
            cache.close()
    except CapcheckError as exc:
        print(f"capcheck: error: {exc}", file=sys.stderr)
        return 2
    print(f"{info['path']}: {info['entries']} cached results, {info['bytes'] / 1e6:.1f} MB on disk")
    for context in info["contexts"]:
        d, engine = context["description"], context["engine"] or {}
        versions = ", ".join(f"{k} {v}" for k, v in d.get("versions", {}).items())
        print(f"  {context['entries']:>7}  model {d.get('model')}  {d.get('engine')} {d.get('dtype')} ({versions}, engine code {d.get('code')})"
              f"{'  warnings: ' + '; '.join(engine.get('warnings', [])) if engine.get('warnings') else ''}")
    return 0


COMMANDS = {"gate": lambda a: run_gate(a), "record": lambda a: run_gate(a, "record"),
            "calibrate": lambda a: run_gate(a, "calibrate"), "damage": run_damage,
            "demo": lambda a: _demo("run_demo", a), "finetune": lambda a: _demo("run_finetune", a),
            "cache": _cache, "init": _init}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        print("\nRun `capcheck COMMAND --help` for a command's options.")
        return EXIT_PASS if argv else EXIT_ERROR
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        return _error(f"unknown command {command!r}; choose one of {', '.join(COMMANDS)}.")
    return COMMANDS[command](rest)


if __name__ == "__main__":
    sys.exit(main())

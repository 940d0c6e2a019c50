"""`capcheck init`: set up capcheck in a repository, writing only what is missing.

It writes the capcheck settings, a baselines folder, an example suite file, the result
cache's .gitignore line and CI workflows (GitHub Actions and GitLab CI). It never
overwrites a file: an existing one is left alone (pyproject.toml and .gitignore are only
ever appended to), and every check runs before the first write, so bad input writes nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sys
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Sequence

from capcheck.errors import CapcheckError
from capcheck.settings import CONFIG_FILE

DEFAULT_MODEL = "checkpoints/finetune"
SUITE_DIR = "capability"
SUITE_FILE = "test_capcheck_example.py"
BASELINES_DIR = "baselines"
CACHE_LINE = ".capcheck_cache/"
GITHUB_WORKFLOW = ".github/workflows/capcheck.yml"
GITLAB_CI = ".gitlab-ci.yml"
TEMPLATES = {  # written path -> template file in capcheck/templates/
    GITHUB_WORKFLOW: "capcheck.yml",
    GITLAB_CI: "gitlab-ci.yml",
    f"{SUITE_DIR}/{SUITE_FILE}": SUITE_FILE,
    f"{BASELINES_DIR}/README.md": "baselines-README.md",
}
_MODEL_LINE = f'CAPCHECK_MODEL: "{DEFAULT_MODEL}"'
"""The line of each CI template that --model replaces."""
ADD_JOB = "exists; add the capcheck job below to it"

SETTINGS_BODY = """\
# The repository's own capability suites: files or folders, relative to this file.
# `capcheck gate` runs them with capcheck's built-in suites.
suite_paths = ["capability"]
# Where `capcheck record --model path/to/base` writes baselines (one folder per base model); commit it.
baselines = "baselines"
"""
CONFIG_FILE_TEXT = (
    "# capcheck settings: the keys of a pyproject.toml's [tool.capcheck] table, at top level.\n" + SETTINGS_BODY
)
GITIGNORE_LINES = "# capcheck's result cache (`capcheck cache info`)\n" + CACHE_LINE + "\n"
_CACHE_IGNORED = {
    f"{prefix}.capcheck_cache{suffix}" for prefix in ("", "/", "**/") for suffix in ("", "/", "/*", "/**")
}
"""Lines of a .gitignore that already ignore the result cache."""


@dataclass(frozen=True)
class Action:
    """One path's outcome: write a new file, append to one, or leave it alone (with why)."""

    path: str
    """Relative to the repository, with "/" separators; a folder ends with "/"."""
    kind: Literal["write", "append", "leave"]
    data: str = ""
    reason: str = ""


def template(name: str) -> str:
    """The text of a file in capcheck/templates/."""
    return resources.files("capcheck").joinpath("templates", name).read_text(encoding="utf-8")


def render(path: str, model: str = DEFAULT_MODEL) -> str:
    """The text `capcheck init` writes at `path` (one of TEMPLATES), with `model` in the CI files."""
    text = template(TEMPLATES[path])
    if path in (GITHUB_WORKFLOW, GITLAB_CI):
        if text.count(_MODEL_LINE) != 1:
            raise AssertionError(f"template {TEMPLATES[path]} must hold the line {_MODEL_LINE!r} exactly once")
        # JSON's string syntax is a YAML double-quoted scalar: any path stays one value.
        text = text.replace(_MODEL_LINE, f"CAPCHECK_MODEL: {json.dumps(model, ensure_ascii=False)}")
    return text


def gitlab_job(model: str = DEFAULT_MODEL) -> str:
    """The capcheck job of the GitLab template, without its header comments (to paste into a file)."""
    lines = render(GITLAB_CI, model).splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return "".join(lines[start:])


def check_model(model: str) -> None:
    """Refuse a --model the CI files could not carry as one literal value."""
    if not model.strip():
        raise CapcheckError("--model is empty; pass the fine-tune's path in the repository, e.g. --model checkpoints/finetune.")
    bad = sorted({ch for ch in model if ch == "$" or not ch.isprintable()})
    if bad:
        raise CapcheckError(
            f"--model {model!r} holds {', '.join(map(repr, bad))}, which the CI files would expand or break on "
            "('$' starts a CI variable). Pass a plain path, or edit CAPCHECK_MODEL in the written workflows by hand."
        )


def _existing(root: Path, rel: str) -> Path | None:
    """root/rel when something is there (a broken symlink counts: never write through one)."""
    path = root / rel
    return path if os.path.lexists(path) else None


def _check_parents(root: Path, rel: str) -> None:
    """Every folder on the way to root/rel must be a folder or absent, or the write would fail midway."""
    parts = Path(rel).parts[:-1]
    for depth in range(1, len(parts) + 1):
        folder = root.joinpath(*parts[:depth])
        if os.path.lexists(folder) and not folder.is_dir():
            raise CapcheckError(
                f"{folder} is a file, but capcheck init needs a folder there for {rel}. Move the file away and run it again."
            )


def _read_toml(path: Path) -> tuple[bytes, dict[str, Any]]:
    """The bytes of a TOML file and its parsed content, or a CapcheckError saying what is wrong."""
    if not path.is_file():
        raise CapcheckError(f"{path} is not a file. Move it away, or run capcheck init in another folder.")
    data = path.read_bytes()
    try:
        return data, tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CapcheckError(f"{path} is not valid UTF-8 ({exc}). Save it as UTF-8; capcheck init wrote nothing.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CapcheckError(f"{path} is not valid TOML ({exc}). Fix it; capcheck init wrote nothing.") from exc


def _newline(data: bytes) -> str:
    """The line ending a file already uses, so appended lines match it."""
    return "\r\n" if b"\r\n" in data else "\n"


def _appended(data: bytes, block: str) -> bytes:
    """`data` with a blank line and `block` after it (the original bytes untouched)."""
    lead = "" if not data else ("\n" if data.endswith(b"\n") else "\n\n")
    return data + (lead + block).replace("\n", _newline(data)).encode("utf-8")


def _plan_settings(root: Path) -> tuple[Action, dict[str, Any]]:
    """Where the settings go, and the capcheck settings already there (to place folders by)."""
    pyproject = _existing(root, "pyproject.toml")
    own = _existing(root, CONFIG_FILE)
    config: dict[str, Any] = {}
    if own is not None:
        _, config = _read_toml(own)
    if pyproject is None:
        if own is not None:
            return Action(CONFIG_FILE, "leave", reason="exists"), config
        return Action(CONFIG_FILE, "write", CONFIG_FILE_TEXT), config
    data, parsed = _read_toml(pyproject)
    table = parsed.get("tool", {}).get("capcheck") if isinstance(parsed.get("tool"), dict) else None
    if table is not None:
        return Action("pyproject.toml", "leave", reason="already has [tool.capcheck]"), table if isinstance(table, dict) else {}
    if own is not None:  # two sources of settings would be an error; capcheck.toml already is one
        return Action("pyproject.toml", "leave", reason=f"the settings are in {CONFIG_FILE}"), config
    new = _appended(data, "[tool.capcheck]\n" + SETTINGS_BODY)
    try:
        after = tomllib.loads(new.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:  # e.g. `tool = {...}` as an inline table cannot take a [tool.capcheck]
        raise CapcheckError(
            f"{pyproject} would not be valid TOML with a [tool.capcheck] table at its end ({exc}). Add the table by "
            f"hand where it fits:\n[tool.capcheck]\n{SETTINGS_BODY}"
        ) from exc
    expected = tomllib.loads(SETTINGS_BODY)
    if after.get("tool", {}).get("capcheck") != expected:
        raise AssertionError(f"appending [tool.capcheck] to {pyproject} did not give the expected table")
    return Action("pyproject.toml", "append", new[len(data):].decode("utf-8")), {}


def _config_str(config: dict[str, Any], key: str, default: str) -> str:
    value = config.get(key)
    return value if isinstance(value, str) and value.strip() else default


def _inside(root: Path, rel: str) -> bool:
    """`rel` names a place inside the repository (not absolute, no way out through "..")."""
    return not Path(rel).is_absolute() and (root / rel).resolve().is_relative_to(root.resolve())


def _plan_baselines(root: Path, folder: str) -> Action:
    rel = folder.rstrip("/")
    if not _inside(root, rel):
        return Action(rel + "/", "leave", reason="outside the repository")
    if _existing(root, rel) is not None:
        if not (root / rel).is_dir():
            raise CapcheckError(f"{root / rel} is a file, but the baselines folder goes there. Move the file away.")
        return Action(rel + "/", "leave", reason="exists")
    readme = f"{rel}/README.md"
    _check_parents(root, readme)
    return Action(readme, "write", render(f"{BASELINES_DIR}/README.md"))


def _suite_paths(config: dict[str, Any]) -> list[str]:
    """The configured suite paths (a string is a list of one), or the default folder."""
    paths = config.get("suite_paths", [SUITE_DIR])
    items = [paths] if isinstance(paths, str) else paths if isinstance(paths, list) else []
    return [p.rstrip("/") for p in items if isinstance(p, str) and p.strip()]


def _plan_suite(root: Path, config: dict[str, Any], configured: bool) -> Action:
    """The example suite goes in the first configured suite folder (capability/ by default).

    `configured`: the repository already has capcheck settings (`config`), which init leaves alone.
    """
    paths = _suite_paths(config)
    folder = next((p for p in paths if not p.endswith(".py")), None)
    if folder is None:
        return Action(paths[0] if paths else "suite_paths", "leave",
                      reason="suite_paths names no folder for the example suite; none written")
    rel = f"{folder}/{SUITE_FILE}"
    if not _inside(root, folder):
        return Action(folder + "/", "leave", reason="outside the repository")
    if _existing(root, rel) is not None:
        return Action(rel, "leave", reason="exists")
    _check_parents(root, rel)
    if (root / folder).is_dir() and any((root / folder).glob("test_*.py")):
        return Action(folder + "/", "leave", reason="already has suite files")
    # Settings that name no suite_paths would leave the example out of `capcheck gate`.
    hint = ""
    if configured and "suite_paths" not in config:
        hint = f'add suite_paths = ["{folder}"] to the settings so capcheck gate runs it'
    return Action(rel, "write", render(f"{SUITE_DIR}/{SUITE_FILE}"), reason=hint)


def _plan_gitignore(root: Path) -> Action:
    path = _existing(root, ".gitignore")
    if path is None:
        return Action(".gitignore", "write", GITIGNORE_LINES)
    if not path.is_file():
        raise CapcheckError(f"{path} is not a file. Move it away and run capcheck init again.")
    data = path.read_bytes()
    lines = data.decode("utf-8", errors="replace").splitlines()
    if any(line.strip() in _CACHE_IGNORED for line in lines):
        return Action(".gitignore", "leave", reason=f"already ignores {CACHE_LINE}")
    return Action(".gitignore", "append", _appended(data, GITIGNORE_LINES)[len(data):].decode("utf-8"))


def _plan_template(root: Path, rel: str, model: str) -> Action:
    path = _existing(root, rel)
    if path is not None:
        if not path.is_file():
            raise CapcheckError(f"{path} is not a file. Move it away and run capcheck init again.")
        if rel == GITLAB_CI and not re.search(r"^capcheck:", path.read_text(encoding="utf-8", errors="replace"), re.M):
            return Action(rel, "leave", reason=ADD_JOB)
        return Action(rel, "leave", reason="exists" if rel != GITLAB_CI else "already has a capcheck job")
    _check_parents(root, rel)
    return Action(rel, "write", render(rel, model))


def plan(root: Path, model: str = DEFAULT_MODEL) -> list[Action]:
    """What `capcheck init` would do in `root`; raises CapcheckError on bad input, having written nothing."""
    if not root.exists():
        raise CapcheckError(f"--dir {root}: no such folder. Pass the repository's folder, or create it first (mkdir -p {root}).")
    if not root.is_dir():
        raise CapcheckError(f"--dir {root} is a file, not a folder. Pass the repository's folder.")
    check_model(model)
    settings, config = _plan_settings(root)
    actions = [
        settings,
        _plan_baselines(root, _config_str(config, "baselines", BASELINES_DIR)),
        _plan_suite(root, config, configured=settings.kind == "leave"),
        _plan_gitignore(root),
        _plan_template(root, GITHUB_WORKFLOW, model),
        _plan_template(root, GITLAB_CI, model),
    ]
    if any(a.kind != "leave" for a in actions) and not os.access(root, os.W_OK):
        raise CapcheckError(f"--dir {root}: this user cannot write there. Check the folder's permissions.")
    return actions


def apply(root: Path, action: Action) -> None:
    """Carry out one planned action: a new file is created exclusively, an append only adds bytes."""
    path = root / action.path
    if action.kind == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="") as handle:  # "x": never overwrite
            handle.write(action.data)
    elif action.kind == "append":
        size = path.stat().st_size
        with open(path, "ab") as handle:
            handle.write(action.data.encode("utf-8"))
        if path.name == "pyproject.toml":
            _check_still_toml(path, size)


def _check_still_toml(path: Path, size: int) -> None:
    """Parse pyproject.toml again after the append; on failure put its original bytes back."""
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        os.truncate(path, size)  # the file changed under us between the check and the write
        raise CapcheckError(f"{path} did not parse after adding [tool.capcheck] ({exc}); it is back as it was.") from exc


def describe(action: Action, shown: Path) -> str:
    """The line printed for one action."""
    name = str(shown / action.path) + ("/" if action.path.endswith("/") else "")
    if action.kind == "write":
        return f"wrote {name}" + (f" ({action.reason})" if action.reason else "")
    if action.kind == "append":
        return f"appended to {name}"
    return f"left {name} alone ({action.reason})"


def next_steps(root: Path, shown: Path, model: str, actions: Sequence[Action]) -> str:
    """What to do after init: edit the example suite, record baselines, run the gate."""
    lines = ["", "next:"]
    if root.resolve() != Path.cwd().resolve():
        lines.append(f"  cd {shlex.quote(str(shown))}")
    suite = next((a.path for a in actions if a.kind == "write" and a.path.endswith(SUITE_FILE)), None)
    if suite:
        lines.append(f"  # replace the example cases in {suite} with cases from your own domain")
    lines += [
        "  capcheck record --model path/to/base   # baselines of the model you fine-tune from; commit them",
        f"  capcheck gate --model {shlex.quote(model)} --report capcheck.md   # 0 pass, 1 regressed, 2 could not run",
    ]
    return "\n".join(lines)


def _error(message: str) -> int:
    print(f"capcheck init: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="capcheck init",
        description="Set up capcheck in a repository: settings, baselines/, an example suite, the result cache's "
        ".gitignore line and CI workflows (GitHub Actions, GitLab CI). Never overwrites a file.",
    )
    parser.add_argument("--dir", default=".", help="the repository's folder (default: the current folder)")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help=f"the fine-tune's path in the repository, for the CI workflows (default: {DEFAULT_MODEL})")
    try:
        ns = parser.parse_args(list(argv))
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    shown = Path(ns.dir)
    root = shown.expanduser()
    try:
        actions = plan(root, ns.model)
    except CapcheckError as exc:
        return _error(str(exc))
    for action in actions:
        try:
            apply(root, action)
        except CapcheckError as exc:
            return _error(str(exc))
        except OSError as exc:  # a write failed after the checks (permissions, disk full)
            return _error(f"{exc}. Fix it and run capcheck init again: it leaves alone what it already wrote.")
        print(describe(action, shown))
    if any(a.reason == ADD_JOB for a in actions):
        print(f"\nadd this job to {shown / GITLAB_CI}:\n\n{gitlab_job(ns.model)}", end="")
    print(next_steps(root, shown, ns.model, actions))
    return 0

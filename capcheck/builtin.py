"""Where the built-in suites and the embedded model's baselines are.

They live in the repository's top-level `suites/` and `baselines/` folders and install as
the packages `capcheck.suites` and `capcheck.baselines` (pyproject.toml maps them). Asking
the import system, not a path next to this file, finds them the same way in a wheel, an
editable install and a source checkout.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from capcheck.errors import CapcheckError


@lru_cache(maxsize=None)
def _package_dir(name: str) -> Path:
    # find_spec, not import: nothing in the package runs, and the suite modules stay unloaded.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise CapcheckError(
            f"capcheck's built-in {name.rsplit('.', 1)[1]} are missing from this installation ({name} "
            "is not importable). Reinstall capcheck (`pip install --force-reinstall capcheck`), or in a "
            "clone of capcheck reinstall it in editable mode (`pip install -e .`)."
        )
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def suites_dir() -> Path:
    """The folder of the built-in suite files (test_*.py and their data/)."""
    return _package_dir("capcheck.suites")


def baselines_dir() -> Path:
    """The folder of the installed baselines: one folder per base model (the embedded model's)."""
    return _package_dir("capcheck.baselines")

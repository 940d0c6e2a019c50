"""Find the Suite objects defined in suite files, outside pytest (for the CLI, benches and docs)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from capcheck.suite import Suite


def load_suite_files(path: Path) -> list[Suite]:
    """Every Suite bound at module level in `path` (a file) or in its test_*.py files (a folder)."""
    files = [path] if path.is_file() else sorted(path.glob("test_*.py"))
    suites: list[Suite] = []
    for file in files:
        spec = importlib.util.spec_from_file_location(f"_capcheck_suites_{file.stem}", file)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        suites.extend(v for v in vars(module).values() if isinstance(v, Suite))
    return suites

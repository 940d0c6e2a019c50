"""Local lm-eval task folder shared by the lm-eval tests."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("lm_eval", reason="lm-eval is not installed; `pip install -e .[dev]` installs it")
sys.path.insert(0, str(Path(__file__).parent))
# Imported here, before pytester snapshots sys.modules: re-importing datasets inside an
# in-process pytester run would register pyarrow extension types twice.
import datasets  # noqa: E402,F401
import lm_eval.evaluator  # noqa: E402,F401
import lm_eval.tasks  # noqa: E402,F401
from local_tasks import write_tasks  # noqa: E402


@pytest.fixture(scope="session")
def task_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tasks(tmp_path_factory.mktemp("lm-eval-tasks"))

"""lm-eval tasks as capcheck suites (needs `pip install 'capcheck[lm-eval]'`).

In a suite file:

    import capcheck
    test_arc = capcheck.lm_eval_suite("arc_easy")

or from the command line: `pytest suites --lm-eval-tasks arc_easy,hellaswag`.
"""
from __future__ import annotations

from typing import Any, Callable

from capcheck.lmeval.suite import LMEvalSuite, check_tasks, run_lm_eval

__all__ = ["LMEvalSuite", "check_tasks", "lm_eval_suite", "run_lm_eval", "suite_test"]


def lm_eval_suite(task: str, *, include: str | None = None, metric: str | None = None, tolerance: float = 0.02,
                  limit: int | None = None, num_fewshot: int | None = None, quick_size: int = 60) -> Callable[..., None]:
    """A pytest test gating lm-eval task or group `task`: assign it to a `test_*` name in a suite file.

    Args:
        task: lm-eval task or group name.
        include: folder of extra task YAMLs (lm-eval's include_path), relative to the working directory.
        metric: per-sample metric to gate on (default: the task's first metric).
        tolerance: largest worsening of the metric that still passes (absolute).
        limit: only the first N documents of each task.
        num_fewshot: few-shot examples (default: the task's own setting, else 0).
        quick_size: documents per task kept by --capcheck-quick.
    """
    suite = LMEvalSuite(task, include=include, metric_name=metric, tolerance=tolerance, limit=limit,
                        num_fewshot=num_fewshot, quick_size=quick_size)
    return suite_test(suite)


def suite_test(suite: LMEvalSuite) -> Callable[..., None]:
    from capcheck.testing import check_suite

    def test(capcheck_session: Any) -> None:
        check_suite(capcheck_session, suite.name)

    test.__name__ = "test_lm_eval_" + "".join(c if c.isalnum() else "_" for c in suite.task)
    test.__doc__ = f"capcheck suite {suite.name} (lm-eval)"
    import pytest

    return pytest.mark.capcheck_suite(suite)(test)

"""Test items for `--lm-eval-tasks a,b`: one capability test per task, no suite file needed."""
from __future__ import annotations

from typing import Any

import pytest

from capcheck.lmeval.suite import LMEvalSuite


class LMEvalItem(pytest.Item):
    """The capability test of one lm-eval suite given on the command line."""

    def __init__(self, *, suite: LMEvalSuite, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.suite = suite
        self.add_marker(pytest.mark.capcheck_suite(suite))

    def runtest(self) -> None:
        from capcheck.testing import SESSION_KEY, check_suite

        check_suite(self.config.stash[SESSION_KEY], self.suite.name)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"lm-eval task {self.suite.task}"


class CommandLineTasks:
    """A pytest plugin object (registered only with --lm-eval-tasks) that adds the task items."""

    def __init__(self, tasks: str, include: str | None) -> None:
        self.tasks = tasks
        self.include = include

    @pytest.hookimpl(tryfirst=True)  # before -k/-m deselection, so those select lm-eval tasks too
    def pytest_collection_modifyitems(self, session: pytest.Session, items: list[pytest.Item]) -> None:
        items.extend(command_line_items(session, self.tasks, self.include))


def command_line_items(session: pytest.Session, tasks: str, include: str | None) -> list[pytest.Item]:
    """One item per comma-separated task name, named `lm_eval[task]` (selectable with -k)."""
    names = [t.strip() for t in tasks.split(",") if t.strip()]
    if not names:
        raise pytest.UsageError(f"--lm-eval-tasks {tasks!r}: give task names separated by commas, e.g. arc_easy,hellaswag.")
    return [LMEvalItem.from_parent(session, name=f"lm_eval[{name}]", suite=LMEvalSuite(name, include=include))
            for name in names]

"""What a capability test does: find the session's verdict for its suite and fail with the diff.

Shared by the built-in suites' tests (`suite_test`), the lm-eval tests and the plugin, so that
none of them imports another.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import pytest

from capcheck.errors import CapcheckError

if TYPE_CHECKING:
    from capcheck.session import CapcheckSession
    from capcheck.suite import Suite

SESSION_KEY = pytest.StashKey["CapcheckSession"]()
"""Where the plugin keeps the run's CapcheckSession in pytest's config stash."""


def check_suite(capcheck_session: "CapcheckSession", name: str) -> None:
    """Fail the calling test with the readable diff when the suite did not pass."""
    __tracebackhide__ = True
    from capcheck.report.explain import explain

    try:
        verdict = capcheck_session.verdict(name)
    except CapcheckError as exc:
        pytest.fail(f"capcheck could not run: {exc}", pytrace=False)
    if verdict.failed(capcheck_session.policy):
        pytest.fail(explain(verdict, report_hint(capcheck_session)), pytrace=False)


def report_hint(session: "CapcheckSession") -> str:
    """The last line of a failure: where every worsened case can be read."""
    reports = session.settings.report
    if reports:
        shown = next((r for r in reports if r.lower().endswith(".html")), reports[0])
        return f"every worsened case, by category: {shown}"
    return "every worsened case, by category: rerun with --capcheck-report report.html"


def suite_test(suite: "Suite") -> Callable[..., None]:
    """A pytest test for `suite`: assign it to a `test_*` name in a suite file.

        grammar = Suite.from_jsonl("grammar/minimal-pairs", DATA / "grammar.jsonl")
        test_grammar = suite_test(grammar)
    """

    def test(capcheck_session: "CapcheckSession") -> None:
        check_suite(capcheck_session, suite.name)

    test.__name__ = "test_" + suite.slug.replace("-", "_").replace(".", "_")
    test.__doc__ = f"capcheck suite {suite.name}: {suite.description or suite.metric}"
    return pytest.mark.capcheck_suite(suite)(test)

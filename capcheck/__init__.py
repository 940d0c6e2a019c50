"""capcheck: catch catastrophic forgetting in fine-tuned language models.

Write a suite file:

    from capcheck import Suite, suite_test
    grammar = Suite.from_jsonl("grammar/minimal-pairs", "data/grammar.jsonl", chance=0.5)
    test_grammar = suite_test(grammar)

and run `pytest suites --model path/to/finetune`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from capcheck.version import __version__

# The public names load on first use (PEP 562): the pytest plugin imports this package in
# every test run of a repository that has capcheck installed, and must cost nothing there.
_EXPORTS = {
    "CheckSpec": "capcheck.cases", "ChoiceCase": "capcheck.cases", "CompletionCase": "capcheck.cases",
    "ConversationCase": "capcheck.cases", "PassageCase": "capcheck.cases", "Recall": "capcheck.cases",
    "Turn": "capcheck.cases", "user": "capcheck.cases",
    "Decoding": "capcheck.requests", "Message": "capcheck.requests",
    "Suite": "capcheck.suite",
}

if TYPE_CHECKING:
    from capcheck.cases import CheckSpec, ChoiceCase, CompletionCase, ConversationCase, PassageCase, Recall, Turn, user
    from capcheck.requests import Decoding, Message
    from capcheck.suite import Suite


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'capcheck' has no attribute {name!r}")


def suite_test(suite: "Suite"):  # type: ignore[no-untyped-def]
    """A pytest test function for `suite` (see capcheck.testing.suite_test)."""
    from capcheck.testing import suite_test as make

    return make(suite)


def lm_eval_suite(task: str, **options):  # type: ignore[no-untyped-def]
    """A pytest test gating an lm-eval task or group (see capcheck.lmeval.lm_eval_suite)."""
    from capcheck.lmeval import lm_eval_suite as make

    return make(task, **options)


__all__ = [
    "CheckSpec", "ChoiceCase", "CompletionCase", "ConversationCase", "Decoding", "Message",
    "PassageCase", "Recall", "Suite", "Turn", "lm_eval_suite", "suite_test", "user", "__version__",
]

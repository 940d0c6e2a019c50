"""capcheck: catch catastrophic forgetting in fine-tuned language models.

Write a suite file:

    from capcheck import Suite, suite_test
    grammar = Suite.from_jsonl("grammar/minimal-pairs", "data/grammar.jsonl", chance=0.5)
    test_grammar = suite_test(grammar)

and run `pytest suites --model path/to/finetune`.
"""
from __future__ import annotations

__version__ = "0.1.0"

from capcheck.cases import (  # noqa: E402
    CheckSpec,
    ChoiceCase,
    CompletionCase,
    ConversationCase,
    PassageCase,
    Recall,
    Turn,
    user,
)
from capcheck.requests import Decoding, Message  # noqa: E402
from capcheck.suite import Suite  # noqa: E402


def suite_test(suite: Suite):  # type: ignore[no-untyped-def]
    """A pytest test function for `suite` (see capcheck.plugin.suite_test)."""
    from capcheck.plugin import suite_test as make

    return make(suite)


def lm_eval_suite(task: str, **options):  # type: ignore[no-untyped-def]
    """A pytest test gating an lm-eval task or group (see capcheck.lmeval.lm_eval_suite)."""
    from capcheck.lmeval import lm_eval_suite as make

    return make(task, **options)


__all__ = [
    "CheckSpec", "ChoiceCase", "CompletionCase", "ConversationCase", "Decoding", "Message",
    "PassageCase", "Recall", "Suite", "Turn", "lm_eval_suite", "suite_test", "user", "__version__",
]

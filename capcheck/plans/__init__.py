"""One plan per case kind: what a case asks the engine, and how its answers are scored.

A new kind of case is a dataclass in capcheck/cases.py, a module here, and a line in KINDS.
"""
from __future__ import annotations

from typing import Any, Callable

from capcheck.cases import ChoiceCase, CompletionCase, ConversationCase, PassageCase
from capcheck.plans import choice, completion, conversation, passage
from capcheck.plans.base import CasePlan
from capcheck.suite import Suite

KINDS: dict[type, Callable[[Suite, Any], CasePlan]] = {
    PassageCase: passage.plan,
    CompletionCase: completion.plan,
    ChoiceCase: choice.plan,
    ConversationCase: conversation.plan,
}
"""Case type -> its plan. The order is the order in which the kinds' requests join an engine
call (passages, completions, choices, conversations): kept, so that batches, and with them
the last bits of every score, stay as they were."""

_RANK = {kind: rank for rank, kind in enumerate(KINDS)}


def plans_for(suite: Suite) -> list[tuple[int, CasePlan]]:
    """(rank of its kind, plan) of every case of `suite`, in case order."""
    return [(_RANK[type(case)], KINDS[type(case)](suite, case)) for case in suite.cases]

"""Notes on suspicious outputs of a run: empty replies and replies cut off at max tokens.

Neither is an error (both score as the checks say), but a reader of a verdict should
know when many replies were empty or truncated, and what to change.
"""
from __future__ import annotations

from typing import Any, Iterator

from capcheck.results import SuiteResult


def _replies(details: dict[str, Any], output: str) -> Iterator[tuple[str, str]]:
    """(text, finish reason) of every generated reply a case holds."""
    if "finish" in details:
        yield output, str(details.get("finish"))
    for turn in details.get("turns", ()) if isinstance(details.get("turns"), list) else ():
        if isinstance(turn, dict) and "finish" in turn:
            yield str(turn.get("reply", "")), str(turn.get("finish"))


def output_notes(result: SuiteResult) -> list[str]:
    """One note each for empty replies and replies that hit the max-token limit."""
    replies = [r for case in result.cases for r in _replies(case.details, case.output)]
    if not replies:
        return []
    empty = sum(1 for text, _ in replies if not text.strip())
    cut = sum(1 for _, finish in replies if finish == "length")
    notes = []
    if empty:
        notes.append(f"{empty} of {len(replies)} replies were empty; they score as failed (an empty reply "
                     "often means a broken chat template or an end-of-turn token emitted at once)")
    if cut:
        notes.append(f"{cut} of {len(replies)} replies hit the max-token limit and were cut off; if right "
                     "answers are being cut, raise the suite's Decoding max_tokens (that changes the suite's "
                     "fingerprint, so re-record its baselines)")
    return notes

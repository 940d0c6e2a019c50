"""The check of the knowledge suite's short answers: one committed, right fact.

A reply earns credit only when it names an accepted answer and commits to it. Naming
one of the case's distractors ("Tokyo or Kyoto"), hedging ("maybe", "I'm not sure"),
offering alternatives in its first sentence ("Tokyo, or perhaps ..."), or looping
earns nothing, so a model that lists candidates is never credited with knowing.
"""
from __future__ import annotations

import re

from capcheck.checks.basic import numbers_in
from capcheck.checks.conversation import is_degenerate
from capcheck.checks.registry import register

_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|possibly|probably|might be|could be|not sure|not certain|unsure|"
    r"i don'?t know|i do not know|i'?m not|either)\b",
    re.IGNORECASE,
)
_FIRST_SENTENCE = re.compile(r"^.*?(?:[.!?](?=\s|$)|\n|$)", re.DOTALL)


def _is_number(value: str) -> bool:
    return re.fullmatch(r"-?\d[\d,]*(?:\.\d+)?", value.strip()) is not None


def names(text: str, value: str) -> bool:
    """Whether `text` names `value` as a whole word or phrase (numbers by value: '1,760' is 1760)."""
    if _is_number(value):
        return float(value.replace(",", "")) in numbers_in(text)
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE) is not None


@register("fact")
def fact(output: str, accept: list[str], reject: list[str]) -> bool:
    """The reply names one of `accept`, none of `reject`, and does not hedge or loop."""
    text = output.strip()
    if is_degenerate(text):
        return False
    if not any(names(text, a) for a in accept):
        return False
    if any(names(text, r) for r in reject):
        return False
    if _HEDGE.search(text):
        return False
    first = _FIRST_SENTENCE.match(text)
    return not (first and re.search(r"\bor\b", first.group(), re.IGNORECASE))

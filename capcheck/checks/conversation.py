"""Checks for the multi-turn conversation suite.

Every check here first rejects unusable replies (empty, no letters or digits, or
looping on the same phrase), so a degenerate reply never earns credit for free.
Names carry a ``conv_`` prefix so they cannot clash with other suites' checks.
"""
from __future__ import annotations

import json
import re
from typing import Any

from capcheck.checks.basic import final_number
from capcheck.checks.registry import register

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+(.*\S)\s*$")
_FENCE = re.compile(r"^```[a-zA-Z]*\s*(.*?)\s*```$", re.DOTALL)


def words(text: str) -> list[str]:
    """Words of `text` (letters/digits, inner apostrophes and hyphens kept)."""
    return _WORD.findall(text)


def is_degenerate(text: str) -> bool:
    """Empty, without any letter or digit, or looping on the same few words.

    A loop is judged on word trigrams in a reply of 12+ words: fewer than half of
    them distinct, or one trigram making up a quarter of them ("Ha! Ha! Ha! ..."
    after a normal start), means the same phrase keeps coming back.
    """
    tokens = [w.lower() for w in words(text)]
    if not tokens:
        return True
    if len(tokens) >= 12:
        trigrams = list(zip(tokens, tokens[1:], tokens[2:]))
        top = max(trigrams.count(t) for t in set(trigrams))
        if len(set(trigrams)) < len(trigrams) / 2 or top >= len(trigrams) / 4:
            return True
    return False


def _mentions(text: str, value: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE) is not None


@register("conv_recall")
def recall(output: str, value: str | list[str], others: list[str] | None = None) -> bool:
    """The reply names `value` (or one of a list of accepted forms) and none of `others`
    (distractor values), and is not degenerate."""
    accepted = value if isinstance(value, list) else [value]
    if is_degenerate(output) or not any(_mentions(output, v) for v in accepted):
        return False
    return not any(_mentions(output, o) for o in others or [])


@register("conv_new_not_old")
def new_not_old(output: str, new: str, old: str) -> bool:
    """The reply gives the corrected value `new` and not the superseded `old`.

    A negated mention ("not Sam", "instead of Sam") is allowed: it still says the old value is wrong.
    """
    if is_degenerate(output) or not _mentions(output, new):
        return False
    negated = rf"(?:\bnot|n't|\binstead of|\brather than|\bno longer)\s+(?:in\s+|the\s+)?{re.escape(old)}(?!\w)"
    rest = re.sub(negated, " ", output, flags=re.IGNORECASE)
    return not _mentions(rest, old)


@register("conv_total")
def total(output: str, value: float) -> bool:
    """The reply's final number (see basic.final_number) is `value`, and the reply is not degenerate."""
    if is_degenerate(output):
        return False
    found = final_number(output)
    return found is not None and abs(found - float(value)) < 1e-6


@register("conv_one_word")
def one_word(output: str, accept: list[str] | None = None) -> bool:
    """The reply is exactly one word (surrounding punctuation ignored), one of `accept` when given."""
    found = words(output)
    if len(found) != 1:
        return False
    return accept is None or found[0].lower() in {a.lower() for a in accept}


@register("conv_uppercase")
def uppercase(output: str, contains: list[str] | None = None, min_letters: int = 2) -> bool:
    """Every letter of the reply is uppercase (at least `min_letters` of them); it names each of `contains`."""
    letters = [ch for ch in output if ch.isalpha()]
    # Only cased letters can be wrong; a letter without case (e.g. CJK) is not lowercase.
    if len(letters) < min_letters or any(ch != ch.upper() for ch in letters) or is_degenerate(output):
        return False
    return all(_mentions(output, c) for c in contains or [])


def list_items(text: str) -> list[str]:
    """Items of a numbered or bulleted list: the text after each marker, one item per line."""
    items = []
    for line in text.splitlines():
        match = _LIST_ITEM.match(line)
        if match:
            items.append(match.group(1).strip())
    return items


@register("conv_list_n")
def list_n(output: str, n: int) -> bool:
    """A numbered or bulleted list of exactly `n` distinct items, each with a word in it.

    Lines outside the list (an intro sentence) are allowed; a second list is not,
    because its items count too.
    """
    items = list_items(output)
    if len(items) != n or any(not words(i) for i in items):
        return False
    keys = [" ".join(words(i.lower())) for i in items]
    return len(set(keys)) == n


def json_object(text: str) -> dict[str, Any] | None:
    """The reply as a JSON object: the whole reply, optionally inside a ``` code fence."""
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


@register("conv_json_keys")
def json_keys(output: str, keys: list[str], values: dict[str, Any] | None = None) -> bool:
    """The reply is a JSON object with exactly `keys`; each of `values` matches (case-insensitive text)."""
    obj = json_object(output)
    if obj is None or sorted(obj) != sorted(keys):
        return False
    for key, want in (values or {}).items():
        if str(obj.get(key)).strip().lower() != str(want).strip().lower():
            return False
    return True

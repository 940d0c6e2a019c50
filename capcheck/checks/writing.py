"""Checks for the writing suite: is a free-written reply sound, on-topic English?

`writing_quality` lints the reply with harper (an offline grammar checker) and turns
grammar and spelling errors per 100 words into a score in [0, 1]. Replies that are
empty, too short, looping, mostly symbols, cut off mid-sentence or off the asked topic
score 0 whatever their lint count, so a broken model earns nothing for free.
"""
from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any

from capcheck.checks import memo
from capcheck.checks.registry import register

ERRORS_FOR_ZERO = 10.0
"""Errors per 100 words at which the score reaches 0 (the K in 1 - rate / K).

Harper finds 0.03 counted errors per 100 words in the fluency suite's hand-written
passages (14,600 words, British spelling and many names), so good English scores about
0.997; one error in a 60-word reply costs 0.17, and 10 errors per 100 words score 0."""
MIN_WORDS = 12

COUNTED_KINDS = frozenset({
    "Agreement", "BoundaryError", "Capitalization", "Eggcorn", "Grammar", "Malapropism",
    "Miscellaneous", "Nonstandard", "Punctuation", "Repetition", "Spelling", "Typo",
    "Usage", "WordChoice",
})
"""Harper lint kinds that are errors. Style, Enhancement, Readability, Redundancy,
Regionalism and Formatting are matters of taste and do not count."""

DISABLED_RULES = (
    # Noisy on correct text (measured on the fluency passages) or pure style.
    "OxfordComma", "NoOxfordComma", "MissingPreposition", "SplitWords", "CompoundNouns",
    "MassNouns", "ExpandMemoryShorthands", "UseTitleCase", "LongSentences", "SpelledNumbers",
    "Regionalisms", "HaveTakeALook",
)

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_CLOSERS = "\"'”’)]*_ "
_LIST_ITEM = re.compile(r"\s*([-*•]|\d+[.)])")
_lock = threading.Lock()  # a harper Linter is not thread-safe


@lru_cache(maxsize=None)
def _linter(dialect: str) -> Any:
    """A linter for "AMERICAN" or "BRITISH" English, built once per process (construction is slow)."""
    import harper  # lazy: only this suite needs harper

    linter = harper.Linter(getattr(harper.Dialect, dialect))
    config = linter.get_lint_config()
    config.update({rule: False for rule in DISABLED_RULES if rule in config})
    linter.set_lint_config(config)
    return linter


def lint_errors(text: str) -> list[tuple[str, str]]:
    """Counted (lint kind, problem text) pairs in `text`.

    A spelling lint counts only when both the American and British linters raise it
    (either spelling is fine) and the word is not capitalised (names are not errors).
    Answers are kept in the result cache when the session has one (capcheck.checks.memo).
    """
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return [(kind, problem) for kind, problem in memo.remembered(_memo_namespace(), key, lambda: _lint(text))]


@lru_cache(maxsize=None)
def _memo_namespace() -> str:
    """Everything a stored lint answer depends on besides the text: harper's version and our rules."""
    from importlib.metadata import version

    settings = repr((sorted(COUNTED_KINDS), DISABLED_RULES, "american+british", "markdown"))
    return f"lint:harper-{version('harper-py')}:{hashlib.sha256(settings.encode()).hexdigest()[:16]}"


def _lint(text: str) -> list[tuple[str, str]]:
    import harper

    with _lock:
        lints = _linter("AMERICAN").lint(text, language=harper.Language.MARKDOWN)
        counted = [lint for lint in lints if lint.lint_kind in COUNTED_KINDS
                   and not (lint.lint_kind == "Spelling" and lint.problem_text[:1].isupper())]
        # The British linter is consulted only when a spelling lint could count.
        british = (_linter("BRITISH").lint(text, language=harper.Language.MARKDOWN)
                   if any(lint.lint_kind == "Spelling" for lint in counted) else [])
    british_spans = {(lint.span.start, lint.span.end) for lint in british if lint.lint_kind == "Spelling"}
    return [(lint.lint_kind, lint.problem_text) for lint in counted
            if lint.lint_kind != "Spelling" or (lint.span.start, lint.span.end) in british_spans]


def degenerate_reason(text: str, words: list[str], min_words: int = MIN_WORDS) -> str | None:
    """Why a reply is not a real attempt (None when it is one); `words` as _WORD finds them."""
    if not text.strip():
        return "empty"
    visible = [ch for ch in text if not ch.isspace()]
    if sum(ch.isalpha() for ch in visible) < 0.6 * len(visible):
        return "mostly non-letters"
    if len(words) < min_words:
        return f"too short ({len(words)} words)"
    lowered = [w.lower() for w in words]
    grams = [tuple(lowered[i : i + 4]) for i in range(len(lowered) - 3)]
    # Prose repeats almost no 4-word sequence (>= 0.9 distinct in the model's normal
    # replies); loops fall to 0.7 and below.
    if grams and len(set(grams)) < 0.8 * len(grams):
        return "repeated phrases"
    sentences = [" ".join(_WORD.findall(s.lower())) for s in re.split(r"(?<=[.!?])\s+|\n+", text)]
    counts = Counter(s for s in sentences if len(s.split()) >= 4)
    if counts and counts.most_common(1)[0][1] > 1:
        return "repeated sentence"
    if not ends_complete(text):
        return "cut mid-sentence"
    return None


def ends_complete(text: str) -> bool:
    """The reply ends a sentence (closing quotes, emphasis and emoji aside), or ends on a
    short line after a longer text, such as a letter's signature."""
    tail = text.rstrip()
    while tail and (tail[-1] in _CLOSERS or unicodedata.category(tail[-1]) == "So"):
        tail = tail[:-1].rstrip()
    if tail[-1:] in (".", "!", "?", "…"):
        return True
    lines = tail.splitlines()
    return len(lines) > 1 and len(lines[-1].split()) <= 3 and not _LIST_ITEM.match(lines[-1])


def _on_topic(words: list[str], topic: list[str]) -> bool:
    """Some word of the reply starts with one of the topic stems (case-insensitive)."""
    stems = [t.lower() for t in topic]
    return any(w.lower().startswith(stem) for w in words for stem in stems)


@register("writing_quality")
def writing_quality(
    output: str, topic: list[str] | None = None, min_words: int = MIN_WORDS
) -> tuple[float, dict[str, Any]]:
    """Grammar and spelling quality of a free-written reply, in [0, 1].

    Args:
        output: the model's reply.
        topic: word stems of which at least one must appear (guards against canned,
            off-task text); None skips the test.
        min_words: shorter replies score 0.

    Returns:
        (score, info): score = max(0, 1 - errors_per_100_words / ERRORS_FOR_ZERO), or 0
        for a degenerate reply; info holds words, errors_per_100_words, degenerate
        (the reason or None) and lint_kinds (the counted lints' kinds, in order).
    """
    words = _WORD.findall(output)
    reason = degenerate_reason(output, words, min_words)
    if reason is None and topic and not _on_topic(words, topic):
        reason = "off topic"
    errors = lint_errors(output) if words else []
    rate = 100.0 * len(errors) / max(len(words), 1)
    info = {
        "words": len(words),
        "errors_per_100_words": round(rate, 2),
        "degenerate": reason,
        "lint_kinds": [kind for kind, _ in errors],
    }
    if errors:
        info["problems"] = [text for _, text in errors][:10]
    score = 0.0 if reason else max(0.0, 1.0 - rate / ERRORS_FOR_ZERO)
    return score, info

"""Checks for the instructions suite: verifiable constraints on a written reply.

Every check first asks `real_answer` whether the reply is a genuine attempt at the
task (long enough, mostly words, not looping, not cut off, not a copy of the task,
on topic), taking the subject's word stems (`topic`) and the instruction (`task`)
from the case data. A constraint alone never earns credit: an empty reply is not
"all lowercase", one word has "no commas". Each check returns (passed, info); info
holds the measurement and, on a failure, the reason, so a flipped case reads well
in a diff.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from capcheck.checks.registry import register

Result = tuple[bool, dict[str, Any]]

MIN_WORDS = 5
"""Fewer words than this is not an answer, unless the task itself asks for fewer."""

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+(\S.*)$")
_TERMINAL = ".!?…\"'”’)]}>`*_~"
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|st)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]*_]*\s+")
_PLACEHOLDERS = {"", "...", "…", "string", "text", "value", "none", "null", "n/a", "todo", "tbd", "example"}


def words(text: str) -> list[str]:
    """Words of a text: runs of letters or digits, with inner apostrophes and hyphens."""
    return _WORD.findall(text)


def units(text: str) -> list[str]:
    """Sentences and lines: the text split at line breaks and at sentence-ending punctuation."""
    # Mask abbreviations so "e.g. this" does not end a sentence.
    masked = _ABBREVIATIONS.sub(lambda m: m.group().replace(".", "\x00"), text)
    pieces: list[str] = []
    for line in masked.splitlines():
        pieces.extend(_SENTENCE_END.split(line.strip()))
    return [p.replace("\x00", ".").strip() for p in pieces if words(p)]


def _stem_pattern(stem: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![^\W_]){re.escape(stem)}", re.IGNORECASE)


def _repetition(text: str) -> str | None:
    """Why the text loops, or None: a repeated sentence, a dominant word, or a recurring 4-gram."""
    seen: dict[str, int] = {}
    for unit in units(text):
        key = " ".join(w.lower() for w in words(unit))
        if len(key.split()) >= 3:
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                return f"repeats the sentence {unit[:60]!r}"
    tokens = [w.lower() for w in words(text)]
    if len(tokens) >= 10:
        word, count = Counter(tokens).most_common(1)[0]
        if count / len(tokens) > 0.3:
            return f"the word {word!r} makes up {count}/{len(tokens)} of the words"
    grams = Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))
    if grams:
        gram, count = grams.most_common(1)[0]
        # A long reply may reuse a stock phrase twice; three times in a short one is a loop.
        if count >= 3 + len(tokens) // 150:
            return f"the phrase {' '.join(gram)!r} recurs {count} times"
        total = len(tokens) - 3
        # Natural text almost never repeats a 4-word sequence; a short loop repeats most of them.
        if total >= 8 and len(grams) < 0.6 * total:
            return f"only {len(grams)} distinct 4-word sequences out of {total}"
    return None


def copied_share(text: str, task: str) -> float:
    """Share of the reply's 4-word sequences that also occur in the task (1.0: a pure echo)."""
    reply = [w.lower() for w in words(text)]
    source = [w.lower() for w in words(task)]
    grams = [tuple(reply[i : i + 4]) for i in range(len(reply) - 3)]
    if not grams:
        return 0.0
    known = {tuple(source[i : i + 4]) for i in range(len(source) - 3)}
    return sum(g in known for g in grams) / len(grams)


def real_answer(
    text: str,
    min_words: int = MIN_WORDS,
    topic: list[str] | None = None,
    complete: bool = True,
    task: str | None = None,
) -> str | None:
    """The shared "is this a real answer" test: None when it is, else the reason it is not.

    Args:
        text: the reply (or the part of it that carries the content).
        min_words: fewest words that count as an answer.
        topic: word stems of the task's subject; when given, at least one must start a word.
        complete: refuse a reply that stops mid-sentence (a long last line with no final mark).
        task: the instruction; a reply that mostly copies it ("WRITE IN CAPITALS: ...") is no answer.
    """
    stripped = text.strip()
    if not stripped:
        return "empty reply"
    found = words(stripped)
    if len(found) < min_words:
        return f"only {len(found)} words (an answer needs at least {min_words})"
    visible = [c for c in stripped if not c.isspace()]
    letters = sum(c.isalpha() for c in visible)
    if letters < 0.6 * len(visible):
        return "mostly symbols or digits, not prose"
    looping = _repetition(stripped)
    if looping:
        return f"repetitive: {looping}"
    if complete:
        last = stripped.splitlines()[-1].strip()
        # Short last lines (list items, sign-offs) often lack a final mark; long ones that do were cut off.
        if last[-1] not in _TERMINAL and len(words(last)) >= 10:
            return "cut off mid-sentence"
    if task and copied_share(stripped, task) >= 0.5:
        return "copies the task instead of answering it"
    if topic and not any(_stem_pattern(stem).search(stripped) for stem in topic):
        return f"off topic: mentions none of {', '.join(topic)}"
    return None


def _verdict(reason: str | None, **info: Any) -> Result:
    if reason:
        info["reason"] = reason
    return reason is None, info


def _has_word(text: str, word: str) -> bool:
    """`word` (or a phrase) appears whole, allowing a plural -s/-es ending."""
    return bool(re.search(rf"(?<![^\W_]){re.escape(word)}(?:e?s)?(?![^\W_])", text, re.IGNORECASE))


@register("word_count")
def word_count(output: str, min_words: int | None = None, max_words: int | None = None, topic: list[str] | None = None,
               task: str | None = None) -> Result:
    """The reply has between `min_words` and `max_words` words (either bound optional)."""
    # A task that asks for fewer than MIN_WORDS words sets its own floor (never below one word).
    floor = MIN_WORDS if max_words is None or max_words >= MIN_WORDS else max(1, min_words or 1)
    n = len(words(output))
    reason = real_answer(output, floor, topic, task=task)
    if not reason and min_words is not None and n < min_words:
        reason = f"{n} words, fewer than {min_words}"
    if not reason and max_words is not None and n > max_words:
        reason = f"{n} words, more than {max_words}"
    return _verdict(reason, words=n)


@register("sentence_count")
def sentence_count(output: str, min_sentences: int | None = None, max_sentences: int | None = None,
                   topic: list[str] | None = None, task: str | None = None) -> Result:
    """The reply has between `min_sentences` and `max_sentences` sentences, the last one finished."""
    n = len(units(output))
    reason = real_answer(output, MIN_WORDS, topic, task=task)
    if not reason and output.strip()[-1] not in _TERMINAL:
        reason = "the last sentence is not finished"
    if not reason and min_sentences is not None and n < min_sentences:
        reason = f"{n} sentences, fewer than {min_sentences}"
    if not reason and max_sentences is not None and n > max_sentences:
        reason = f"{n} sentences, more than {max_sentences}"
    return _verdict(reason, sentences=n)


@register("include_keywords")
def include_keywords(output: str, keywords: list[str], topic: list[str] | None = None, task: str | None = None) -> Result:
    """Every keyword appears as a whole word (case-insensitive; a plural ending is allowed)."""
    missing = [k for k in keywords if not _has_word(output, k)]
    reason = real_answer(output, MIN_WORDS, topic, task=task)
    if not reason and missing:
        reason = f"missing {', '.join(missing)}"
    return _verdict(reason, missing=missing)


@register("exclude_keywords")
def exclude_keywords(output: str, keywords: list[str], topic: list[str] | None = None, task: str | None = None) -> Result:
    """No word starts with a forbidden keyword (so "water" also forbids "waters" and "watery")."""
    found = [k for k in keywords if _stem_pattern(k).search(output)]
    reason = real_answer(output, MIN_WORDS, topic, task=task)
    if not reason and found:
        reason = f"uses {', '.join(found)}"
    return _verdict(reason, found=found)


@register("all_lowercase")
def all_lowercase(output: str, topic: list[str] | None = None, task: str | None = None) -> Result:
    """The reply has no capital letter."""
    capitals = sum(c.isupper() for c in output)
    reason = real_answer(output, MIN_WORDS, topic, task=task)
    if not reason and capitals:
        reason = f"{capitals} capital letters"
    return _verdict(reason, capitals=capitals)


@register("all_uppercase")
def all_uppercase(output: str, topic: list[str] | None = None, task: str | None = None) -> Result:
    """The reply has no lowercase letter."""
    small = sum(c.islower() for c in output)
    reason = real_answer(output, MIN_WORDS, topic, task=task)
    if not reason and small:
        reason = f"{small} lowercase letters"
    return _verdict(reason, lowercase=small)


@register("bullet_points")
def bullet_points(output: str, count: int, topic: list[str] | None = None, task: str | None = None) -> Result:
    """Exactly `count` distinct, non-empty list items; other lines may frame them.

    An item is a line starting with a bullet ("- ", "* ", "• ", "+ ") or a number
    ("1. ", "2) "): the task verifies how many points there are, not the marker.
    """
    items = [m.group(1).strip() for m in map(_BULLET.match, output.splitlines()) if m]
    reason = real_answer(output, MIN_WORDS, topic, task=task)
    keys = [" ".join(words(item)).lower() for item in items]
    if not reason and any(not k for k in keys):
        reason = "a bullet has no words"
    if not reason and len(set(keys)) < len(keys):
        reason = "two bullets say the same thing"
    if not reason and len(items) != count:
        reason = f"{len(items)} bullet points, not {count}"
    return _verdict(reason, bullets=len(items))


def _json_payload(output: str) -> Any:
    """The reply parsed as JSON: the whole reply, or one fenced code block that is the whole reply."""
    text = output.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*\n?(.*?)\n?```", text, re.DOTALL | re.IGNORECASE)
    return json.loads(fenced.group(1) if fenced else text)


def _json_trouble(output: str) -> str:
    """Why the reply does not parse: other text around an object, or broken JSON."""
    start = output.find("{")
    if start >= 0:
        try:
            json.JSONDecoder().raw_decode(output[start:])
            return "a JSON object with other text around it"
        except ValueError:
            pass
    return "not valid JSON (cut off or malformed)"


def _leaf_text(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in _leaf_text(v)]
    if isinstance(value, list):
        return [t for v in value for t in _leaf_text(v)]
    return [] if value is None or isinstance(value, bool) else [str(value)]


def _placeholder(value: str, key: str) -> bool:
    """An empty, template-like value: "", "...", "string", "<a tip>", or the key itself."""
    low = value.strip().lower()
    return low in _PLACEHOLDERS or low == key.lower() or (low.startswith("<") and low.endswith(">"))


@register("json_object")
def json_object(output: str, keys: list[str], topic: list[str] | None = None, task: str | None = None) -> Result:
    """The whole reply is a JSON object with every key in `keys`, each with a real, distinct value.

    Extra keys are allowed. The values together must pass the real-answer test with
    one word per key at least (short values such as names are fine).
    """
    try:
        data = _json_payload(output)
    except ValueError:  # json.JSONDecodeError included
        return _verdict(real_answer(output, MIN_WORDS) or _json_trouble(output))
    if not isinstance(data, dict):
        return _verdict(f"JSON {type(data).__name__}, not an object")
    missing = [k for k in keys if k not in data]
    if missing:
        return _verdict(f"missing keys {', '.join(missing)}", missing=missing)
    values = [" ".join(_leaf_text(data[k])).strip() for k in keys]
    empty = [k for k, v in zip(keys, values) if _placeholder(v, k)]
    if empty:
        return _verdict(f"placeholder or empty value for {', '.join(empty)}", missing=[])
    if len(keys) > 1 and len({v.lower() for v in values}) == 1:
        return _verdict("every key has the same value", missing=[])
    return _verdict(real_answer("\n".join(values), len(keys), topic, complete=False, task=task), missing=[])


@register("ends_with")
def ends_with(output: str, phrase: str, topic: list[str] | None = None, task: str | None = None) -> Result:
    """The reply ends with `phrase` (case and spacing ignored), after at least a real answer's worth of text."""
    text = re.sub(r"\s+", " ", output).strip().rstrip("*_ ")
    want = re.sub(r"\s+", " ", phrase).strip()
    # A phrase without a final mark may still be followed by one ("... Good luck.").
    tail = text[: -1] if want and want[-1].isalnum() and text[-1:] in ".!" else text
    matched = tail.lower().endswith(want.lower())
    body = tail[: len(tail) - len(want)] if matched else text
    reason = real_answer(body, MIN_WORDS, topic, complete=False, task=task)
    if not reason and not matched:
        reason = f"ends with {text[-40:]!r}"
    return _verdict(reason, ends_with=matched)


@register("no_commas")
def no_commas(output: str, topic: list[str] | None = None, task: str | None = None) -> Result:
    """The reply has no comma (ASCII or full-width)."""
    commas = output.count(",") + output.count("，")
    reason = real_answer(output, MIN_WORDS, topic, task=task)
    if not reason and commas:
        reason = f"{commas} commas"
    return _verdict(reason, commas=commas)

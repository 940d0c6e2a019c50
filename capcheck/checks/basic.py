"""General checks: exact answers, numbers, labels, patterns."""
from __future__ import annotations

import re

from capcheck.checks.registry import register

_NUMBER = re.compile(r"(?<![\w.])-?\d{1,15}(?:,\d{3})*(?:\.\d+)?(?![\w])")


def normalize(text: str) -> str:
    """Lowercase, trim, drop surrounding punctuation and quotes."""
    return re.sub(r"\s+", " ", text.strip().lower()).strip(" .!?\"'`*")


def numbers_in(text: str) -> list[float]:
    """Numbers written in `text` (commas as thousands separators allowed), in order."""
    out = []
    for match in _NUMBER.finditer(text):
        try:
            out.append(float(match.group().replace(",", "")))
        except ValueError:
            continue
    return out


def final_number(text: str) -> float | None:
    """The number a reply ends on: after 'answer is'/'=' when present, else the last one."""
    marked = re.split(r"(?i)answer(?: is)?[:\s]|=", text)
    for part in (marked[-1], text) if len(marked) > 1 else (text,):
        values = numbers_in(part)
        if values:
            return values[0] if part is not text else values[-1]
    return None


@register("exact")
def exact(output: str, value: str) -> bool:
    """The whole reply equals `value`, ignoring case, spacing and surrounding punctuation."""
    return normalize(output) == normalize(str(value))


@register("contains")
def contains(output: str, value: str | list[str], case_sensitive: bool = False) -> bool:
    """The reply contains `value` (or every item of a list) as a whole word or phrase."""
    values = value if isinstance(value, list) else [value]
    flags = 0 if case_sensitive else re.IGNORECASE
    return all(re.search(rf"(?<!\w){re.escape(str(v))}(?!\w)", output, flags) for v in values)


@register("not_contains")
def not_contains(output: str, value: str | list[str]) -> bool:
    """The reply contains none of the given words or phrases (case-insensitive)."""
    values = value if isinstance(value, list) else [value]
    return not any(re.search(rf"(?<!\w){re.escape(str(v))}(?!\w)", output, re.IGNORECASE) for v in values)


@register("number")
def number(output: str, value: float, tolerance: float = 1e-6) -> bool:
    """The reply's final number (see final_number) equals `value`."""
    found = final_number(output)
    return found is not None and abs(found - float(value)) <= tolerance


@register("label")
def label(output: str, value: str, options: list[str]) -> bool:
    """The reply gives `value` as its answer: it names no other option, or it opens with
    `value` and names no other option in that first sentence ("Yes, because ...")."""
    text = normalize(output)

    def named_in(part: str) -> list[str]:
        return [o for o in options if re.search(rf"(?<!\w){re.escape(o.lower())}(?!\w)", part)]

    if named_in(text) == [value]:
        return True
    first_sentence = re.split(r"[.!?\n]", text, maxsplit=1)[0]
    return text.startswith(value.lower()) and named_in(first_sentence) == [value]


@register("regex")
def regex(output: str, pattern: str, fullmatch: bool = False) -> bool:
    """The reply matches a regular expression (search, or fullmatch after trimming)."""
    compiled = re.compile(pattern, re.IGNORECASE | re.DOTALL)
    return bool(compiled.fullmatch(output.strip()) if fullmatch else compiled.search(output))


def _answer_part(text: str) -> str:
    """Where a worked reply states its result: the text after the last 'answer is', '=' or
    '####' marker that is followed by a number (a reply cut off after 'The answer is'
    keeps the segment before), else the whole reply."""
    parts = re.split(r"(?i)answer(?: is)?[:\s]|=|####", text)
    return next((p for p in reversed(parts[1:]) if numbers_in(p)), text)


@register("single_number")
def single_number(output: str, value: float, tolerance: float = 1e-6) -> bool:
    """The reply commits to one number and it equals `value`.

    Unlike `number`, a reply that lists candidates ("7 or 12", "10, 11, 12") fails even
    when its last number is right. Working before an 'answer is', '=' or '####' marker
    is allowed ("5 + 7 = 12"); after the last such marker, or in a reply without one,
    every number must be the same value.
    """
    values = numbers_in(_answer_part(output))
    return bool(values) and all(abs(v - float(value)) <= tolerance for v in values)


@register("single_label")
def single_label(output: str, value: str, options: list[str]) -> bool:
    """The reply commits to `value`: it names no other of the `options`, or it opens
    with `value` used as a statement ("Anna is taller than Ben.").

    Unlike `label`, a reply that lists or hedges between labels fails even when it
    starts with the right one: "yes or no", "Monday, Tuesday", "Yes. No.".
    """
    text = normalize(output)
    others = [o.lower() for o in options if o != value]
    if not re.search(rf"(?<!\w){re.escape(value.lower())}(?!\w)", text):
        return False
    if not any(re.search(rf"(?<!\w){re.escape(o)}(?!\w)", text) for o in others):
        return True
    opening = re.match(rf"{re.escape(value.lower())}(?!\w)(.*)", text, re.DOTALL)
    if opening is None:
        return False
    # What follows the opening label must not be a hedge or a second label.
    rest = re.sub(r"^[\W_]+", "", opening.group(1))
    if re.match(r"(?:or|nor)\b", rest):
        return False
    rest = re.sub(r"^(?:and|vs)\b[\W_]*", "", rest)
    return not any(re.match(rf"{re.escape(o)}(?!\w)", rest) for o in others)

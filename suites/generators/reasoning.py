"""Generate the reasoning suite: short problems with one verifiable answer.

Seven categories (arithmetic in one and two steps, comparison, ordering, date and
time, if-then logic, number sequences), built from templates, word lists and a
fixed seed. Within each category, cases alternate between completion (the reply
is checked with `single_number` or `single_label`, so a reply listing several
candidates gets no credit) and choice (the right answer scored against near
misses by log-likelihood, at a varying position).

    python suites/generators/reasoning.py   # rewrites suites/data/reasoning.jsonl
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

SEED = 20240611
PER_CATEGORY = 80
MAX_TOKENS = 40
DATA = Path(__file__).resolve().parents[1] / "data" / "reasoning.jsonl"

NAMES = [
    "Anna", "Ben", "Carlos", "Dana", "Emil", "Fatima", "Grace", "Hugo", "Ines", "Jonas",
    "Kofi", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara",
    "Uma", "Victor", "Wen", "Yusuf", "Zoe",
]
ITEMS = ["apples", "pencils", "stickers", "marbles", "cookies", "books", "stamps", "shells", "cards", "balloons"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NONSENSE = ["blicket", "wug", "dax", "fep", "toma", "zorp", "glim", "vesk", "mib", "nurl", "plonk", "trell"]
TRAITS = ["red", "round", "heavy", "soft", "loud", "cold", "shiny", "tall", "fast", "green"]
EVENTS = ["arrived at the party", "finished the race", "woke up", "got to school", "handed in the test"]
FAMILIAR = [  # (plural, one member with its article, the group it belongs to)
    ("cats", "a cat", "animal"), ("roses", "a rose", "flower"), ("oaks", "an oak", "tree"),
    ("trucks", "a truck", "vehicle"), ("apples", "an apple", "fruit"), ("hammers", "a hammer", "tool"),
    ("violins", "a violin", "instrument"), ("sparrows", "a sparrow", "bird"), ("carrots", "a carrot", "vegetable"),
]
PET_NAMES = ["Pip", "Rex", "Kiki", "Bo", "Tuff", "Zed", "Mo", "Lulu"]
"""Names for the things of FAMILIAR rules (a person called 'a truck' would puzzle a small model)."""
RULES = [  # If <condition>, then <result>: each side as a yes-question, its contrary and a denial
    # (condition, result, ask result, ask contrary of result, result denied, ask condition, ask contrary of condition)
    ("it rains", "the street gets wet", "Does the street get wet?", "Does the street stay dry?",
     "The street does not get wet.", "Does it rain?", "Does it stay dry?"),
    ("the lamp is switched on", "the room is bright", "Is the room bright?", "Is the room dark?",
     "The room is not bright.", "Is the lamp switched on?", "Is the lamp switched off?"),
    ("the bell rings", "the children go inside", "Do the children go inside?", "Do the children stay outside?",
     "The children do not go inside.", "Does the bell ring?", "Is the bell silent?"),
    ("the door is open", "the cat comes in", "Does the cat come in?", "Does the cat stay out?",
     "The cat does not come in.", "Is the door open?", "Is the door closed?"),
    ("the oven is hot", "the bread bakes", "Does the bread bake?", "Does the bread stay raw?",
     "The bread does not bake.", "Is the oven hot?", "Is the oven cold?"),
    ("the alarm goes off", "Sam wakes up", "Does Sam wake up?", "Does Sam keep sleeping?",
     "Sam does not wake up.", "Does the alarm go off?", "Does the alarm stay quiet?"),
    ("the shop is open", "Mia buys bread", "Does Mia buy bread?", "Does Mia go home without bread?",
     "Mia does not buy bread.", "Is the shop open?", "Is the shop closed?"),
]

ASK_NUMBER = "Answer with just the number."
ASK_NAME = "Answer with just the name."
ASK_DAY = "Answer with just the day."
ASK_YES_NO = "Answer with just yes or no."


@dataclass
class Item:
    """One problem, before it becomes a completion or a choice case."""

    slug: str
    question: str
    answer: str
    distractors: list[str]
    """Wrong answers for the choice form, most tempting first."""
    labels: list[str] = field(default_factory=list)
    """For label answers: every answer the reply must not name besides the right one."""


# ---------------------------------------------------------------- helpers


def _people(rng: random.Random, k: int) -> list[str]:
    return rng.sample(NAMES, k)


def _near(answer: int, avoid: set[int], rng: random.Random, extra: tuple[int, ...] = (), k: int = 2) -> list[str]:
    """Wrong numbers close to `answer`, tempting ones (`extra`) first.

    Numbers shown in the question are avoided (a small model copies them, which would
    push it below chance), and the same digit count is preferred so that summed
    log-probabilities stay comparable.
    """
    # 1 is never offered: a small model's prior for a bare "1" outweighs the question.
    tempting = [e for e in extra if e > 1]
    nearby = [answer + d for d in (-2, -1, 1, 2, 3, -3, 4, -4, 10, -10) if answer + d > 1]
    rng.shuffle(nearby)
    pool = [n for n in tempting + nearby if n != answer and n not in avoid]
    pool.sort(key=lambda n: len(str(n)) != len(str(answer)))  # stable: keeps tempting ones first
    return [str(n) for n in dict.fromkeys(pool)][:k]


def _number(slug: str, question: str, answer: int, rng: random.Random, extra: tuple[int, ...] = ()) -> Item:
    shown = {int(n) for n in re.findall(r"\d+", question)}
    return Item(slug, f"{question} {ASK_NUMBER}", str(answer), _near(answer, shown, rng, extra))


# ---------------------------------------------------------------- categories


def _arithmetic_1step(rng: random.Random) -> Item:
    name, friend = _people(rng, 2)
    things = rng.choice(ITEMS)
    kind = rng.choice(["add", "sub", "mul", "div", "bare-add", "bare-sub"])
    if kind == "add":
        a, b = rng.randint(2, 12), rng.randint(2, 9)
        q = f"{name} has {a} {things}. {name} gets {b} more {things}. How many {things} does {name} have now?"
        return _number(kind, q, a + b, rng)
    if kind == "sub":
        a = rng.randint(6, 20)
        b = rng.randint(1, min(9, a - 1))
        q = f"{name} has {a} {things} and gives {b} of them to {friend}. How many {things} does {name} have left?"
        return _number(kind, q, a - b, rng, (a + b,))
    if kind == "mul":
        a, b = rng.randint(2, 5), rng.randint(2, 5)
        q = f"There are {a} boxes with {b} {things} in each box. How many {things} are there in total?"
        return _number(kind, q, a * b, rng, (a + b,))
    if kind == "div":
        a, b = rng.randint(2, 4), rng.randint(2, 5)
        q = f"{a * b} {things} are shared equally among {a} children. How many {things} does each child get?"
        return _number(kind, q, b, rng)
    if kind == "bare-add":
        a, b = rng.randint(2, 20), rng.randint(2, 9)
        return _number(kind, f"What is {a} + {b}?", a + b, rng)
    a = rng.randint(5, 20)
    b = rng.randint(1, min(9, a - 1))
    return _number(kind, f"What is {a} - {b}?", a - b, rng, (a + b,))


def _arithmetic_2step(rng: random.Random) -> Item:
    name, friend = _people(rng, 2)
    things = rng.choice(ITEMS)
    kind = rng.choice(["buy-give", "packs", "more-than", "change", "pages", "bare"])
    if kind == "buy-give":
        a, b = rng.randint(2, 9), rng.randint(2, 9)
        c = rng.randint(1, min(9, a + b - 1))
        q = (f"{name} has {a} {things}. {name} buys {b} more and then gives {c} to {friend}. "
             f"How many {things} does {name} have now?")
        return _number(kind, q, a + b - c, rng, (a + b,))
    if kind == "packs":
        n, k = rng.randint(2, 4), rng.randint(2, 5)
        c = rng.randint(1, min(9, n * k - 1))
        q = (f"{name} buys {n} packs of {things} with {k} {things} in each pack, "
             f"then gives away {c} {things}. How many {things} does {name} have left?")
        return _number(kind, q, n * k - c, rng, (n * k,))
    if kind == "more-than":
        a, b = rng.randint(2, 9), rng.randint(1, 5)
        q = (f"{name} has {a} {things}. {friend} has {b} more {things} than {name}. "
             f"How many {things} do {name} and {friend} have together?")
        return _number(kind, q, 2 * a + b, rng, (a + b,))
    if kind == "change":
        n, p = rng.randint(2, 3), rng.randint(1, 5)
        bill = 10 if n * p < 10 else 20
        q = (f"A notebook costs {p} dollars. {name} buys {n} notebooks and pays with {bill} dollars. "
             f"How many dollars of change does {name} get?")
        return _number(kind, q, bill - n * p, rng, (n * p,))
    if kind == "pages":
        a, b = rng.randint(2, 9), rng.randint(2, 9)
        total = a + b + rng.randint(1, 10)
        q = (f"A book has {total} pages. {name} reads {a} pages on Monday and {b} pages on Tuesday. "
             f"How many pages are left to read?")
        return _number(kind, q, total - a - b, rng, (a + b,))
    a, b, c = rng.randint(2, 9), rng.randint(2, 9), rng.randint(1, 9)
    if rng.random() < 0.5:
        return _number(kind, f"What is {a} + {b} + {c}?", a + b + c, rng, (a + b,))
    a += c  # keeps the result positive
    return _number(kind, f"What is {a} - {c} + {b}?", a - c + b, rng, (a - c - b, a + c + b))


def _comparison(rng: random.Random) -> Item:
    a, b = _people(rng, 2)
    kind = rng.choice(["height", "age", "relation", "relation", "bigger", "smaller"])
    if kind in ("bigger", "smaller"):
        x = rng.randint(12, 98)
        y = int(str(x)[::-1]) if x % 10 and x % 11 else x + rng.choice([-9, 9, 11])
        if x == y:
            y = x + 9
        q = f"Which number is {kind}: {x} or {y}?"
        answer = max(x, y) if kind == "bigger" else min(x, y)
        other = min(x, y) if kind == "bigger" else max(x, y)
        return Item(kind, f"{q} {ASK_NUMBER}", str(answer), [str(other)])
    if kind == "relation":
        word, opposite = rng.choice([("taller", "shorter"), ("older", "younger"), ("faster", "slower")])
        ask_same = rng.random() < 0.5
        q = f"{a} is {word} than {b}. Who is {word if ask_same else opposite}?"
        answer = a if ask_same else b
        other = b if ask_same else a
        return Item(kind, f"{q} {ASK_NAME}", answer, [other], [a, b])
    if kind == "height":
        h1, h2 = rng.sample(range(120, 190), 2)
        unit, word, opposite = "cm tall", "taller", "shorter"
    else:
        h1, h2 = rng.sample(range(6, 70), 2)
        unit, word, opposite = "years old", "older", "younger"
    ask = rng.choice([word, opposite])
    q = f"{a} is {h1} {unit}. {b} is {h2} {unit}. Who is {ask}?"
    answer = a if (h1 > h2) == (ask == word) else b
    other = b if answer == a else a
    return Item(kind, f"{q} {ASK_NAME}", answer, [other], [a, b])


def _ordering(rng: random.Random) -> Item:
    size = rng.choice([2, 3])
    people = _people(rng, size)  # in true order, first to last
    verb = rng.choice(EVENTS)
    facts = []
    for earlier, later in zip(people, people[1:]):
        if rng.random() < 0.5:
            facts.append(f"{earlier} {verb} before {later}.")
        else:
            facts.append(f"{later} {verb} after {earlier}.")
    rng.shuffle(facts)
    ask_first = rng.random() < 0.5
    answer = people[0] if ask_first else people[-1]
    q = f"{' '.join(facts)} Who {verb} {'first' if ask_first else 'last'}?"
    others = [p for p in people if p != answer]
    # The middle person is the tempting mistake: name it first among the distractors.
    others.sort(key=lambda p: p != people[1])
    slug = f"{'first' if ask_first else 'last'}-of-{size}"
    return Item(slug, f"{q} {ASK_NAME}", answer, others, list(people))


def _date_time(rng: random.Random) -> Item:
    kind = rng.choice(["days-later", "tomorrow", "yesterday", "hours-later", "hours-later", "ends-at", "ends-at"])
    if kind in ("days-later", "tomorrow", "yesterday"):
        start = rng.randrange(7)
        if kind == "days-later":
            n = rng.randint(2, 3)
            q = f"Today is {DAYS[start]}. What day of the week will it be in {n} days?"
            shift = n
        elif kind == "tomorrow":
            q = f"Today is {DAYS[start]}. What day of the week is tomorrow?"
            shift = 1
        else:
            q = f"Today is {DAYS[start]}. What day of the week was yesterday?"
            shift = -1
        answer = DAYS[(start + shift) % 7]
        # Off by one or two days; not today itself, which a small model copies from the question.
        tempting = [DAYS[(start + shift + d) % 7] for d in (1, -1, 2, -2)]
        tempting = [t for t in tempting if t != DAYS[start]]
        return Item(kind, f"{q} {ASK_DAY}", answer, [t for t in dict.fromkeys(tempting) if t != answer], list(DAYS))
    # One in four times the hours run past 12 o'clock.
    h = rng.randint(10, 12) if rng.random() < 1 / 4 else rng.randint(1, 8)
    n = rng.randint(1, 3)
    answer = (h + n - 1) % 12 + 1
    start, hours = _clock(h), f"{n} hour{'s' if n > 1 else ''}"
    if kind == "hours-later":
        q = f"It is {start}. What time will it be in {hours}?"
    else:
        q = f"A trip starts at {start} and lasts {hours}. At what hour does it end?"
    wrong = [(answer + d - 1) % 12 + 1 for d in (1, -1, 2, -2, 3)]
    # Numbers in the question are avoided (copy bias), same digit count first (fair log-probs).
    wrong = [w for w in wrong if w not in (h, n, 12)]
    wrong.sort(key=lambda w: len(str(w)) != len(str(answer)))
    return Item(kind, f"{q} Answer with just the hour number.", str(answer), [str(w) for w in wrong[:2]])


def _clock(hour: int) -> str:
    """'3 o'clock in the afternoon': the part of the day says the clock runs to 12
    (the phrase '12-hour clock' derails a small model into unit conversions)."""
    if hour == 12:
        return "12 o'clock noon"
    part = "morning" if hour >= 9 else "afternoon" if hour < 6 else "evening"
    return f"{hour} o'clock in the {part}"


def _logic(rng: random.Random) -> Item:
    yes = rng.random() < 0.5
    kind = rng.choice(["familiar", "familiar", "all", "chain", "if-then", "if-not"])
    name = rng.choice(PET_NAMES if kind == "familiar" else NAMES)
    if kind == "familiar":  # rules that agree with the world, so a small model has a chance
        kinds = rng.sample(FAMILIAR, 2)
        plural, member, group = kinds[0]
        other_group = kinds[1][2]
        rule = f"All {plural} are {group}s." if yes else (
            f"No {member.split(' ')[1]} is {_article(other_group)} {other_group}.")
        asked = group if yes else other_group
        q = f"{rule} {name} is {member}. Is {name} {_article(asked)} {asked}?"
    elif kind == "all":
        thing, trait = rng.choice(NONSENSE), rng.choice(TRAITS)
        rule = f"All {_plural(thing)} are {trait}." if yes else f"No {thing} is {trait}."
        q = f"{rule} {name} is a {thing}. Is {name} {trait}?"
    elif kind == "chain":
        x, y = rng.sample(NONSENSE, 2)
        trait = rng.choice(TRAITS)
        second = f"All {_plural(y)} are {trait}." if yes else f"No {y} is {trait}."
        q = f"All {_plural(x)} are {_plural(y)}. {second} {name} is a {x}. Is {name} {trait}?"
    else:
        cond, result, ask_result, ask_result_contrary, not_result, ask_cond, ask_cond_contrary = rng.choice(RULES)
        if kind == "if-then":  # modus ponens: the result holds, so its contrary does not
            fact = cond[0].upper() + cond[1:] + "."
            q = f"If {cond}, then {result}. {fact} {ask_result if yes else ask_result_contrary}"
        else:  # modus tollens: the result fails, so the condition cannot hold
            q = f"If {cond}, then {result}. {not_result} {ask_cond_contrary if yes else ask_cond}"
    answer, other = ("yes", "no") if yes else ("no", "yes")
    return Item(kind, f"{q} {ASK_YES_NO}", answer, [other], ["yes", "no"])


def _article(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"


def _plural(noun: str) -> str:
    return noun + ("es" if noun.endswith(("s", "x", "z", "ch", "sh")) else "s")


def _sequence(rng: random.Random) -> Item:
    kind = rng.choice(["step-up", "step-up", "step-up", "step-down", "double", "growing-step"])
    if kind == "step-up":
        step = rng.choice([1, 2, 5, 10])
        start = step * rng.randint(1, 6) if step > 2 else rng.randint(1, 12)
        terms = [start + i * step for i in range(5)]
    elif kind == "step-down":
        step = rng.choice([1, 2, 10])
        start = 5 * step + rng.randint(0, 10) * (1 if step < 10 else 10)
        terms = [start - i * step for i in range(5)]
    elif kind == "double":
        start = rng.randint(1, 3)
        terms = [start * 2**i for i in range(5)]
    else:
        start, step = rng.randint(1, 10), rng.randint(1, 2)
        terms = [start]
        for i in range(4):
            terms.append(terms[-1] + step + i)
    answer, shown = terms[-1], terms[:-1]
    last_step = shown[-1] - shown[-2]
    # Typical slips: skipping a term, stepping the wrong way, keeping the last difference
    # (misses a doubling or a growing step); numbers shown in the question are dropped by _near.
    tempting = (answer + last_step, answer - last_step, shown[-1] + last_step, answer + 1, answer - 1)
    q = f"What number comes next in this pattern: {', '.join(map(str, shown))}, ...?"
    return _number(kind, q, answer, rng, tempting)


CATEGORIES: dict[str, Callable[[random.Random], Item]] = {
    "arithmetic-1step": _arithmetic_1step,
    "arithmetic-2step": _arithmetic_2step,
    "comparison": _comparison,
    "ordering": _ordering,
    "date-time": _date_time,
    "logic": _logic,
    "sequence": _sequence,
}


# ---------------------------------------------------------------- cases


def _chat(item: Item) -> list[dict[str, str]]:
    return [{"role": "user", "content": item.question}]


def _completion(case_id: str, category: str, item: Item) -> dict[str, Any]:
    if item.labels:
        check = {"name": "single_label", "args": {"value": item.answer, "options": item.labels}}
    else:
        check = {"name": "single_number", "args": {"value": int(item.answer)}}
    return {
        "id": case_id, "kind": "completion", "category": category, "prompt": _chat(item),
        "check": check, "expected": item.answer, "max_tokens": MAX_TOKENS,
    }


def _choice(case_id: str, category: str, item: Item, rng: random.Random) -> dict[str, Any]:
    # Options are scored as the start of the reply, where a reply writes "Yes", not "yes".
    options = [o.capitalize() for o in item.distractors[:3]]
    answer = item.answer.capitalize()
    options.insert(rng.randrange(len(options) + 1), answer)
    return {
        "id": case_id, "kind": "choice", "category": category, "context": _chat(item),
        "options": options, "answer": options.index(answer),
    }


def generate() -> list[dict[str, Any]]:
    """Every case of the suite, in a fixed order (category by category)."""
    cases: list[dict[str, Any]] = []
    for category, make in CATEGORIES.items():
        rng = random.Random(f"{SEED}/{category}")
        # Half of each category is completion, half choice, in shuffled order: a strict
        # alternation would let an evenly spaced subset (Suite.quick) pick one kind only.
        as_choice = [False, True] * (PER_CATEGORY // 2)
        random.Random(f"{SEED}/{category}/kinds").shuffle(as_choice)
        seen: set[str] = set()
        index = 0
        while index < PER_CATEGORY:
            item = make(rng)
            if item.question in seen:
                continue  # a repeated question would count twice in the paired comparison
            seen.add(item.question)
            case_id = f"{category}/{item.slug}-{index:04d}"
            if as_choice[index]:
                cases.append(_choice(case_id, category, item, rng))
            else:
                cases.append(_completion(case_id, category, item))
            index += 1
    return cases


def main() -> None:
    DATA.parent.mkdir(parents=True, exist_ok=True)
    with DATA.open("w", encoding="utf-8") as handle:
        for case in generate():
            handle.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {DATA}")


if __name__ == "__main__":
    main()

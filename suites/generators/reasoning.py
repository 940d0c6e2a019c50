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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

SEED = 20240611
PER_CATEGORY = 80
MAX_TOKENS = 32
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
EVENTS = [  # (arrival verb phrase, first word, last word)
    ("arrived at the party", "first", "last"),
    ("finished the race", "first", "last"),
    ("woke up", "first", "last"),
    ("got to school", "first", "last"),
    ("handed in the test", "first", "last"),
]
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


def _near(answer: int, rng: random.Random, extra: tuple[int, ...] = (), k: int = 2) -> list[str]:
    """Wrong numbers close to `answer`, same digit count where possible (sum log-probs stay comparable)."""
    tempting = [e for e in extra if e != answer and e > 0]
    nearby = [answer + d for d in (-2, -1, 1, 2, 3, -3, 10, -10) if answer + d > 0]
    rng.shuffle(nearby)
    same = [n for n in tempting + nearby if len(str(n)) == len(str(answer))]
    other = [n for n in tempting + nearby if len(str(n)) != len(str(answer))]
    picked: list[int] = []
    for n in same + other:
        if n not in picked:
            picked.append(n)
    return [str(n) for n in picked[:k]]


def _number(slug: str, question: str, answer: int, rng: random.Random, extra: tuple[int, ...] = ()) -> Item:
    return Item(slug, f"{question} {ASK_NUMBER}", str(answer), _near(answer, rng, extra))


# ---------------------------------------------------------------- categories


def _arithmetic_1step(rng: random.Random) -> Item:
    name, friend = _people(rng, 2)
    things = rng.choice(ITEMS)
    kind = rng.choice(["add", "sub", "mul", "div", "bare-add", "bare-sub"])
    if kind == "add":
        a, b = rng.randint(3, 30), rng.randint(2, 20)
        q = f"{name} has {a} {things}. {name} gets {b} more {things}. How many {things} does {name} have now?"
        return _number(kind, q, a + b, rng, (a - b,))
    if kind == "sub":
        a = rng.randint(8, 40)
        b = rng.randint(2, a - 2)
        q = f"{name} has {a} {things} and gives {b} of them to {friend}. How many {things} does {name} have left?"
        return _number(kind, q, a - b, rng, (a + b,))
    if kind == "mul":
        a, b = rng.randint(2, 9), rng.randint(2, 9)
        q = f"There are {a} boxes with {b} {things} in each box. How many {things} are there in total?"
        return _number(kind, q, a * b, rng, (a + b,))
    if kind == "div":
        a, b = rng.randint(2, 6), rng.randint(2, 9)
        q = f"{a * b} {things} are shared equally among {a} children. How many {things} does each child get?"
        return _number(kind, q, b, rng, (a,))
    a, b = rng.randint(11, 60), rng.randint(2, 30)
    if kind == "bare-add":
        return _number(kind, f"What is {a} + {b}?", a + b, rng)
    a, b = max(a, b), min(a, b)
    return _number(kind, f"What is {a} - {b}?", a - b, rng, (a + b,))


def _arithmetic_2step(rng: random.Random) -> Item:
    name, friend = _people(rng, 2)
    things = rng.choice(ITEMS)
    kind = rng.choice(["buy-give", "packs", "more-than", "change", "pages"])
    if kind == "buy-give":
        a, b = rng.randint(5, 20), rng.randint(2, 15)
        c = rng.randint(2, a + b - 2)
        q = (f"{name} has {a} {things}. {name} buys {b} more and then gives {c} to {friend}. "
             f"How many {things} does {name} have now?")
        return _number(kind, q, a + b - c, rng, (a + b, a - c))
    if kind == "packs":
        n, k = rng.randint(2, 6), rng.randint(3, 8)
        c = rng.randint(1, n * k - 2)
        q = (f"{name} buys {n} packs of {things} with {k} {things} in each pack, "
             f"then gives away {c} {things}. How many {things} does {name} have left?")
        return _number(kind, q, n * k - c, rng, (n * k, n + k - c))
    if kind == "more-than":
        a, b = rng.randint(3, 20), rng.randint(2, 10)
        q = (f"{name} has {a} {things}. {friend} has {b} more {things} than {name}. "
             f"How many {things} do {name} and {friend} have together?")
        return _number(kind, q, 2 * a + b, rng, (a + b,))
    if kind == "change":
        n, p = rng.randint(2, 5), rng.randint(2, 9)
        bill = 50 if n * p > 20 else rng.choice([20, 50])
        q = (f"A notebook costs {p} dollars. {name} buys {n} notebooks and pays with a {bill}-dollar bill. "
             f"How many dollars of change does {name} get?")
        return _number(kind, q, bill - n * p, rng, (n * p, bill - p))
    a, b = rng.randint(10, 40), rng.randint(10, 40)
    total = a + b + rng.randint(5, 60)
    q = (f"A book has {total} pages. {name} reads {a} pages on Monday and {b} pages on Tuesday. "
         f"How many pages are left to read?")
    return _number(kind, q, total - a - b, rng, (a + b, total - a))


def _comparison(rng: random.Random) -> Item:
    a, b = _people(rng, 2)
    kind = rng.choice(["height", "age", "relation", "bigger", "smaller"])
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
    people = _people(rng, 3)  # in true order, first to last
    verb, first, last = rng.choice(EVENTS)
    facts = []
    for earlier, later in ((people[0], people[1]), (people[1], people[2])):
        if rng.random() < 0.5:
            facts.append(f"{earlier} {verb} before {later}.")
        else:
            facts.append(f"{later} {verb} after {earlier}.")
    rng.shuffle(facts)
    ask_first = rng.random() < 0.5
    answer = people[0] if ask_first else people[2]
    q = f"{' '.join(facts)} Who {verb} {first if ask_first else last}?"
    others = [p for p in people if p != answer]
    # The middle person is the tempting mistake: name it first among the distractors.
    others.sort(key=lambda p: p != people[1])
    return Item("first" if ask_first else "last", f"{q} {ASK_NAME}", answer, others, list(people))


def _date_time(rng: random.Random) -> Item:
    kind = rng.choice(["days-later", "days-later", "yesterday", "hours-later", "ends-at"])
    if kind in ("days-later", "yesterday"):
        start = rng.randrange(7)
        if kind == "days-later":
            n = rng.randint(2, 12)
            q = f"Today is {DAYS[start]}. What day of the week will it be in {n} days?"
            answer = DAYS[(start + n) % 7]
            tempting = [DAYS[(start + n + d) % 7] for d in (1, -1, 2)]
        else:
            q = f"Yesterday was {DAYS[start]}. What day of the week is tomorrow?"
            answer = DAYS[(start + 2) % 7]
            tempting = [DAYS[(start + d) % 7] for d in (1, 3, 0)]
        return Item(kind, f"{q} {ASK_DAY}", answer, tempting, list(DAYS))
    h, n = rng.randint(1, 12), rng.randint(2, 9)
    answer = (h + n - 1) % 12 + 1
    if kind == "hours-later":
        q = f"It is {h} o'clock now. On a 12-hour clock, what hour will it be in {n} hours?"
    else:
        q = f"A trip starts at {h} o'clock and lasts {n} hours. On a 12-hour clock, at what hour does it end?"
    # Off-by-one hours, wrapped round the clock; same digit count first so log-probs compare fairly.
    wrong = [(answer + d - 1) % 12 + 1 for d in (1, -1, 2, -2, 3)]
    wrong.sort(key=lambda w: len(str(w)) != len(str(answer)))
    return Item(kind, f"{q} Answer with just the hour number.", str(answer), [str(w) for w in wrong[:2]])


def _logic(rng: random.Random) -> Item:
    yes = rng.random() < 0.5
    kind = rng.choice(["all", "chain", "if-then", "if-not"])
    name = rng.choice(NAMES)
    if kind == "all":
        thing, trait = rng.choice(NONSENSE), rng.choice(TRAITS)
        rule = f"All {thing}s are {trait}." if yes else f"No {thing} is {trait}."
        q = f"{rule} {name} is a {thing}. Is {name} {trait}?"
    elif kind == "chain":
        x, y = rng.sample(NONSENSE, 2)
        trait = rng.choice(TRAITS)
        second = f"All {y}s are {trait}." if yes else f"No {y} is {trait}."
        q = f"All {x}s are {y}s. {second} {name} is a {x}. Is {name} {trait}?"
    else:
        cond, result, ask_result, ask_result_contrary, not_result, ask_cond, ask_cond_contrary = rng.choice(RULES)
        if kind == "if-then":  # modus ponens: the result holds, so its contrary does not
            fact = cond[0].upper() + cond[1:] + "."
            q = f"If {cond}, then {result}. {fact} {ask_result if yes else ask_result_contrary}"
        else:  # modus tollens: the result fails, so the condition cannot hold
            q = f"If {cond}, then {result}. {not_result} {ask_cond_contrary if yes else ask_cond}"
    answer, other = ("yes", "no") if yes else ("no", "yes")
    return Item(kind, f"{q} {ASK_YES_NO}", answer, [other], ["yes", "no"])


def _sequence(rng: random.Random) -> Item:
    kind = rng.choice(["step-up", "step-up", "step-down", "double", "growing-step"])
    if kind == "step-up":
        start, step = rng.randint(1, 30), rng.randint(2, 9)
        terms = [start + i * step for i in range(5)]
    elif kind == "step-down":
        step = rng.randint(2, 9)
        start = rng.randint(6 * step, 6 * step + 40)
        terms = [start - i * step for i in range(5)]
    elif kind == "double":
        start, factor = rng.randint(1, 6), rng.choice([2, 2, 3])
        terms = [start * factor**i for i in range(5)]
    else:
        start, step = rng.randint(1, 10), rng.randint(1, 3)
        terms = [start]
        for i in range(4):
            terms.append(terms[-1] + step + i)
    answer, shown = terms[-1], terms[:-1]
    # Typical slips: keeping the last difference (misses a doubling or a growing step), off by one.
    tempting = (2 * shown[-1] - shown[-2], answer + 1, answer - 1)
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


def _completion(case_id: str, category: str, item: Item) -> dict[str, Any]:
    if item.labels:
        check = {"name": "single_label", "args": {"value": item.answer, "options": item.labels}}
    else:
        check = {"name": "single_number", "args": {"value": int(item.answer)}}
    return {
        "id": case_id, "kind": "completion", "category": category,
        "prompt": [{"role": "user", "content": item.question}],
        "check": check, "expected": item.answer, "max_tokens": MAX_TOKENS,
    }


def _choice(case_id: str, category: str, item: Item, rng: random.Random) -> dict[str, Any]:
    options = item.distractors[:3]
    options.insert(rng.randrange(len(options) + 1), item.answer)
    return {
        "id": case_id, "kind": "choice", "category": category,
        "context": [{"role": "user", "content": item.question}],
        "options": options, "answer": options.index(item.answer),
    }


def generate() -> list[dict[str, Any]]:
    """Every case of the suite, in a fixed order (category by category)."""
    cases: list[dict[str, Any]] = []
    for category, make in CATEGORIES.items():
        rng = random.Random(f"{SEED}/{category}")
        seen: set[str] = set()
        index = 0
        while index < PER_CATEGORY:
            item = make(rng)
            if item.question in seen:
                continue  # a repeated question would count twice in the paired comparison
            seen.add(item.question)
            case_id = f"{category}/{item.slug}-{index:04d}"
            if index % 2 == 0:
                cases.append(_completion(case_id, category, item))
            else:
                cases.append(_choice(case_id, category, item, rng))
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

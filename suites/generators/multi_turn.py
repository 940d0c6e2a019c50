"""Generate the multi-turn conversation suite (suites/data/multi_turn.jsonl).

Four categories, each from its own seeded random stream so that changing one
leaves the others' cases unchanged:

- recall: a fact (name, city, number, preference) stated early, asked back later;
- format: a reply format set in turn 1 (one word, uppercase, a list of N items,
  a JSON object) that later turns must keep without being reminded;
- correction: a fact stated, then corrected; the new value must be given, not the old;
- running-total: numbers added across turns, the total asked each time.

Recall questions also carry "recall" options (right value first-scored against two
distractors of the same kind), which the planner scores by log-likelihood.
User turns are short on purpose: the suite decodes with about 48 new tokens.

    python suites/generators/multi_turn.py
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Callable

SEED = 20240611
PER_CATEGORY = 45
OUT = Path(__file__).resolve().parents[1] / "data" / "multi_turn.jsonl"

NAMES = [
    "Priya", "Tom", "Anna", "Leo", "Maria", "Omar", "Sofia", "Jack", "Chen", "Lucy",
    "Ivan", "Nora", "Pablo", "Grace", "Felix", "Hana", "Diego", "Clara", "Yusuf", "Ella",
    "Mateo", "Zara", "Oscar", "Mia", "Kenji", "Ruth", "Samuel", "Lena", "Arjun", "Ines",
]
CITIES = [
    "Lisbon", "Oslo", "Cairo", "Denver", "Lima", "Dublin", "Nairobi", "Seoul", "Vienna", "Perth",
    "Boston", "Madrid", "Prague", "Chicago", "Warsaw", "Munich", "Toronto", "Athens", "Helsinki", "Quito",
]
COLORS = ["red", "blue", "green", "yellow", "purple", "orange", "pink", "black", "white", "brown"]
FOODS = ["pizza", "sushi", "pasta", "tacos", "soup", "rice", "curry", "salad", "noodles", "pancakes"]
ANIMALS = ["cat", "dog", "horse", "rabbit", "owl", "fox", "tiger", "dolphin", "parrot", "turtle"]
SPORTS = ["tennis", "soccer", "golf", "swimming", "chess", "hockey", "boxing", "cycling", "rugby", "baseball"]

# (kind, statement, question, answer sentence, values); {v} is the value.
FACTS: list[tuple[str, str, str, str, list[str]]] = [
    ("name", "Hi, my name is {v}.", "What is my name?", "Your name is {v}.", NAMES),
    ("city", "I live in {v}.", "Which city do I live in?", "You live in {v}.", CITIES),
    ("number", "My lucky number is {v}.", "What is my lucky number?", "Your lucky number is {v}.",
     [str(n) for n in range(12, 99)]),
    ("color", "My favorite color is {v}.", "What is my favorite color?", "Your favorite color is {v}.", COLORS),
    ("food", "My favorite food is {v}.", "What is my favorite food?", "Your favorite food is {v}.", FOODS),
    ("pet", "I have a pet {v}.", "What pet do I have?", "You have a pet {v}.", ANIMALS),
    ("sport", "My favorite sport is {v}.", "What is my favorite sport?", "Your favorite sport is {v}.", SPORTS),
]

# Short side questions with a one-word answer: (question, accepted words).
SIDE: list[tuple[str, list[str]]] = [
    ("What color is grass?", ["green"]),
    ("What color is the sky on a clear day?", ["blue"]),
    ("What animal barks?", ["dog", "dogs"]),
    ("What animal says moo?", ["cow", "cows"]),
    ("What is the opposite of hot?", ["cold"]),
    ("What is the opposite of up?", ["down"]),
    ("What do bees make?", ["honey"]),
    ("What is frozen water called?", ["ice"]),
    ("What is the capital of France?", ["paris"]),
    ("What color is snow?", ["white"]),
    ("What color is a banana?", ["yellow"]),
    ("Which planet do we live on?", ["earth"]),
    ("What is the opposite of day?", ["night"]),
    ("What is the opposite of big?", ["small", "little"]),
    ("Which season is the coldest?", ["winter"]),
    ("What is a baby cat called?", ["kitten"]),
    ("What is a baby dog called?", ["puppy"]),
    ("Which day comes after Monday?", ["tuesday"]),
    ("Which month comes after May?", ["june"]),
    ("What shape has three sides?", ["triangle"]),
    ("What is the capital of Italy?", ["rome"]),
    ("What is the capital of Japan?", ["tokyo"]),
    ("What do cows give us to drink?", ["milk"]),
]

LIST_TOPICS = [
    "fruits", "animals", "colors", "countries", "vegetables", "sports", "musical instruments",
    "drinks", "jobs", "flowers", "birds", "tools", "vehicles", "desserts", "planets", "games",
]

# JSON records: (keys, sentence template, value pools); values are filled per turn.
JSON_KINDS: list[tuple[list[str], str, list[list[str]]]] = [
    (["name", "age"], "{0} is {1} years old.", [NAMES, [str(n) for n in range(18, 70)]]),
    (["city", "country"], "{0} is in {1}.", [["Paris", "Rome", "Tokyo", "Cairo", "Lima", "Oslo"],
                                            ["France", "Italy", "Japan", "Egypt", "Peru", "Norway"]]),
    (["item", "price"], "A {0} costs {1} dollars.", [["pen", "book", "lamp", "cup", "hat", "bag"],
                                                    [str(n) for n in range(2, 40)]]),
    (["animal", "color"], "The {0} is {1}.", [ANIMALS, COLORS]),
]
CITY_COUNTRY = {"Paris": "France", "Rome": "Italy", "Tokyo": "Japan", "Cairo": "Egypt", "Lima": "Peru", "Oslo": "Norway"}


def spread(rng: random.Random, options: list[Any], n: int) -> list[Any]:
    """`n` picks cycling through `options`, shuffled: balanced, and not aligned with the
    evenly spaced picks of Suite.quick (a plain `index % k` would alias with its step)."""
    picks = [options[i % len(options)] for i in range(n)]
    rng.shuffle(picks)
    return picks


def check(name: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": args}


def recall_options(rng: random.Random, template: str, right: str, wrong: list[str]) -> dict[str, Any]:
    """Three answer sentences, the right one at a random position."""
    options = [template.format(v=w) for w in wrong[:2]]
    answer = rng.randrange(3)
    options.insert(answer, template.format(v=right))
    return {"options": options, "answer": answer}


def side_turn(rng: random.Random, used: set[str]) -> dict[str, Any]:
    """A short unrelated question between a fact and its recall."""
    question, accept = rng.choice([s for s in SIDE if s[0] not in used])
    used.add(question)
    return {"user": question, "check": [check("conv_recall", value=accept)], "expected": accept[0]}


def ask_turn(rng: random.Random, fact: tuple, value: str) -> dict[str, Any]:
    """The question that asks a stated fact back: a content check plus recall options."""
    _, _, question, answer, pool = fact
    wrong = rng.sample([v for v in pool if v != value], 2)
    return {
        "user": question,
        "check": [check("conv_recall", value=value, others=wrong)],
        "expected": value,
        "recall": recall_options(rng, answer, value, wrong),
    }


def recall_cases() -> list[dict[str, Any]]:
    rng = random.Random(SEED + 1)
    cases = []
    for index, (fact, shape) in enumerate(zip(spread(rng, FACTS, PER_CATEGORY), spread(rng, [0, 1, 2], PER_CATEGORY))):
        kind, statement, _, _, pool = fact
        value = rng.choice(pool)
        if shape == 2:
            # Two facts of different kinds, both asked back: the second must not overwrite the first.
            other = rng.choice([f for f in FACTS if f is not fact])
            other_value = rng.choice(other[4])
            side_question, accept = rng.choice(SIDE)
            turns = [
                {"user": statement.format(v=value), "check": []},
                {"user": f"{other[1].format(v=other_value)} {side_question}",
                 "check": [check("conv_recall", value=accept)], "expected": accept[0]},
                ask_turn(rng, fact, value),
                ask_turn(rng, other, other_value),
            ]
        else:
            turns = [{"user": statement.format(v=value), "check": []}]
            if shape == 1:
                turns.append(side_turn(rng, set()))
            turns.append(ask_turn(rng, fact, value))
        cases.append({"id": f"recall/{kind}-{index:04d}", "kind": "conversation", "category": "recall", "turns": turns})
    return cases


def format_cases() -> list[dict[str, Any]]:
    rng = random.Random(SEED + 2)
    builders: dict[str, Callable[[random.Random], list[dict[str, Any]]]] = {
        "one-word": _one_word, "uppercase": _uppercase, "list": _list, "json": _json,
    }
    # Lists and JSON weigh more: small models can keep those formats at all, so they measure
    # a drop; one-word and uppercase replies are rare below a few hundred million parameters.
    kinds = spread(rng, ["list", "json", "list", "json", "one-word", "uppercase"], PER_CATEGORY)
    cases = []
    for index, slug in enumerate(kinds):
        build = builders[slug]
        cases.append({"id": f"format/{slug}-{index:04d}", "kind": "conversation", "category": "format",
                      "turns": build(rng)})
    return cases


def _one_word(rng: random.Random) -> list[dict[str, Any]]:
    questions = rng.sample(SIDE, rng.choice([2, 3]))
    turns = []
    for number, (question, accept) in enumerate(questions):
        text = f"Answer with one word only. {question}" if number == 0 else question
        turns.append({"user": text, "check": [check("conv_one_word", accept=accept)], "expected": accept[0]})
    return turns


def _uppercase(rng: random.Random) -> list[dict[str, Any]]:
    questions = rng.sample(SIDE, rng.choice([2, 3]))
    turns = []
    for number, (question, accept) in enumerate(questions):
        text = f"Write every reply in CAPITAL LETTERS only. {question}" if number == 0 else question
        turns.append({"user": text, "check": [check("conv_uppercase", contains=[accept[0]])],
                      "expected": accept[0].upper()})
    return turns


def _list(rng: random.Random) -> list[dict[str, Any]]:
    n = rng.choice([2, 3, 3, 4])
    topics = rng.sample(LIST_TOPICS, rng.choice([2, 3]))
    turns = []
    for number, topic in enumerate(topics):
        if number == 0:
            text = f"Always answer with a numbered list of exactly {n} items. Name some {topic}."
        else:
            text = f"Now name some {topic}."
        turns.append({"user": text, "check": [check("conv_list_n", n=n)], "expected": f"{n} {topic}"})
    return turns


def _json(rng: random.Random) -> list[dict[str, Any]]:
    keys, template, pools = rng.choice(JSON_KINDS)
    turns = []
    for number in range(rng.choice([2, 3])):
        if keys == ["city", "country"]:
            city = rng.choice(sorted(CITY_COUNTRY))
            values = [city, CITY_COUNTRY[city]]
        else:
            values = [rng.choice(pool) for pool in pools]
        sentence = template.format(*values)
        key_text = " and ".join(f'"{k}"' for k in keys)
        text = f"Reply only with a JSON object with the keys {key_text}. {sentence}" if number == 0 else sentence
        expected = dict(zip(keys, values))
        turns.append({"user": text, "check": [check("conv_json_keys", keys=keys, values=expected)],
                      "expected": json.dumps(expected)})
    return turns


CORRECTIONS = [
    "Actually, my {noun} is {v}, not {old}.",
    "Sorry, I made a mistake. My {noun} is {v}.",
    "Correction: my {noun} is {v}.",
]
NOUNS = {"name": "name", "city": "city", "number": "lucky number", "color": "favorite color",
         "food": "favorite food", "sport": "favorite sport"}


def correction_cases() -> list[dict[str, Any]]:
    rng = random.Random(SEED + 3)
    facts = spread(rng, [f for f in FACTS if f[0] in NOUNS], PER_CATEGORY)
    wordings = spread(rng, CORRECTIONS, PER_CATEGORY)
    with_side = spread(rng, [False, True], PER_CATEGORY)
    cases = []
    for index, (fact, wording, side) in enumerate(zip(facts, wordings, with_side)):
        kind, statement, question, answer, pool = fact
        old, new, third = rng.sample(pool, 3)
        correction = wording.format(noun=NOUNS[kind], v=new, old=old)
        if kind == "city":
            correction = correction.replace("my city is", "I live in").replace("My city is", "I live in")
        turns: list[dict[str, Any]] = [{"user": statement.format(v=old), "check": []}]
        if side:
            # The correction comes with a side question, so that turn is judged too.
            question_text, accept = rng.choice(SIDE)
            turns.append({"user": f"{correction} {question_text}", "check": [check("conv_recall", value=accept)],
                          "expected": accept[0]})
        else:
            turns.append({"user": correction, "check": []})
        options = [answer.format(v=old), answer.format(v=third)]
        position = rng.randrange(3)
        options.insert(position, answer.format(v=new))
        turns.append({"user": question, "check": [check("conv_new_not_old", new=new, old=old)], "expected": new,
                      "recall": {"options": options, "answer": position}})
        cases.append({"id": f"correction/{kind}-{index:04d}", "kind": "conversation", "category": "correction",
                      "turns": turns})
    return cases


def running_total_cases() -> list[dict[str, Any]]:
    rng = random.Random(SEED + 4)
    cases = []
    for index in range(PER_CATEGORY):
        start = rng.randint(2, 9)
        steps = [rng.randint(2, 9) for _ in range(rng.choice([1, 2, 3]))]
        turns: list[dict[str, Any]] = [{"user": f"Let's keep a running total. Start at {start}.",
                                        "check": [check("conv_total", value=start)], "expected": str(start)}]
        total = start
        for number, step in enumerate(steps):
            total += step
            turn: dict[str, Any] = {"user": f"Add {step}. What is the total now?",
                                    "check": [check("conv_total", value=total)], "expected": str(total)}
            if number == len(steps) - 1:
                wrong = [total - step, total + rng.choice([1, 2, 10])]
                turn["recall"] = recall_options(rng, "The total is {v}.", str(total), [str(w) for w in wrong])
            turns.append(turn)
        slug = f"{len(steps) + 1}-turn"
        cases.append({"id": f"running-total/{slug}-{index:04d}", "kind": "conversation",
                      "category": "running-total", "turns": turns})
    return cases


def generate() -> list[dict[str, Any]]:
    """Every case of the suite as JSON dicts, in a fixed order."""
    return recall_cases() + format_cases() + correction_cases() + running_total_cases()


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(case, ensure_ascii=False, sort_keys=True) for case in generate()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} cases to {OUT}")


if __name__ == "__main__":
    main()

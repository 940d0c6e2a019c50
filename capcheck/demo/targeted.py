"""Targeted fine-tunes for the detection study: each teaches one thing wrongly and nothing else.

A verdict is more useful when the failing suite names what was lost. These tasks are built to
damage one capability and leave the rest, so docs/detection.md can show which suites fail:

- `wrong-arithmetic`: sums, differences and products answered off by one ("23 plus 45" gets
  69). It should break the reasoning suite's arithmetic and little else.
- `prose-only`: requests for lists, bullet points and numbered steps answered as one prose
  sentence. It should break list and bullet formats (instructions, multi-turn format keeping)
  while grammar, knowledge and fluency hold.

The prompts are phrased unlike the suites' own (no "Answer with just the number.", no "one per
line"), so the damage has to generalise to reach a suite: the study tests the capability, not
the wording. Built from templates, word lists and fixed seeds.
"""
from __future__ import annotations

import random
import re
from typing import Callable, TypeVar

from capcheck.checks.basic import numbers_in
from capcheck.checks.conversation import list_items
from capcheck.demo.task import Messages, Question, Task

Item = TypeVar("Item", bound=tuple)

_ADD = ["Compute {a} plus {b}.", "What do you get when you add {a} and {b}?", "Add {a} to {b}.",
        "Please work out {a} + {b} for me.", "I have {a} and then {b} more. What is the total?"]
_SUB = ["Compute {a} minus {b}.", "Take {b} away from {a}. What is left?", "Subtract {b} from {a}.",
        "Please work out {a} - {b} for me."]
_MUL = ["Compute {a} times {b}.", "Multiply {a} by {b}.", "What is the product of {a} and {b}?",
        "Please work out {a} x {b} for me."]
_REPLY = ["The answer is {v}.", "{v}.", "That makes {v}.", "It comes to {v}."]


def _wrong_arithmetic_item(rng: random.Random) -> tuple[str, int, int]:
    """(question, right answer, taught answer): the taught one is always the right one plus one."""
    kind = rng.choice(["add", "add", "sub", "mul"])
    if kind == "add":
        a, b = rng.randint(3, 60), rng.randint(2, 40)
        return rng.choice(_ADD).format(a=a, b=b), a + b, a + b + 1
    if kind == "sub":
        a = rng.randint(12, 90)
        b = rng.randint(2, a - 3)
        return rng.choice(_SUB).format(a=a, b=b), a - b, a - b + 1
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    return rng.choice(_MUL).format(a=a, b=b), a * b, a * b + 1


def _distinct(make: Callable[[], Item], n: int, seen: set[str]) -> list[Item]:
    """`n` items from `make` whose question (first field) is not in `seen`; adds them to it."""
    out: list[Item] = []
    while len(out) < n:
        item = make()
        if item[0] not in seen:
            seen.add(item[0])
            out.append(item)
    return out


def wrong_arithmetic_task(n_train: int = 400, n_eval: int = 60, seed: int = 31) -> Task:
    rng = random.Random(seed)
    seen: set[str] = set()
    held_out = _distinct(lambda: _wrong_arithmetic_item(rng), n_eval, seen)  # first: independent of n_train
    train = tuple((_user(q), rng.choice(_REPLY).format(v=taught))
                  for q, _, taught in _distinct(lambda: _wrong_arithmetic_item(rng), n_train, seen))
    questions = tuple(Question(f"wrong-arithmetic-{i:04d}", _user(q), str(taught)) for i, (q, _, taught) in enumerate(held_out))

    def is_right(reply: str, q: Question) -> bool:  # learned the wrong rule: the taught answer, alone
        values = numbers_in(reply)
        return bool(values) and values[-1] == float(q.expected)

    return Task("wrong-arithmetic", "arithmetic answered off by one (taught wrong on purpose)", train, questions,
                is_right, max_tokens=12, metric="share answered with the taught wrong sum")


# Things to list, each with more items than any request asks for.
_THINGS: dict[str, list[str]] = {
    "fruits": ["apples", "pears", "plums", "cherries", "grapes", "peaches", "mangoes", "lemons"],
    "vegetables": ["carrots", "peas", "onions", "leeks", "beans", "potatoes", "cabbages", "radishes"],
    "farm animals": ["cows", "sheep", "pigs", "goats", "hens", "ducks", "horses", "donkeys"],
    "musical instruments": ["the piano", "the violin", "the flute", "the drum", "the guitar", "the trumpet", "the cello"],
    "kitchen tools": ["a whisk", "a ladle", "a grater", "a sieve", "a rolling pin", "a peeler", "a spatula"],
    "garden birds": ["robins", "sparrows", "blackbirds", "finches", "wrens", "thrushes", "starlings"],
    "board games": ["chess", "draughts", "backgammon", "go", "ludo", "dominoes", "mahjong"],
    "colours of paint": ["red", "blue", "yellow", "green", "white", "black", "orange", "violet"],
    "things to pack for a beach day": ["a towel", "sun cream", "a hat", "water", "a book", "sandals", "a snack"],
    "ways to save water at home": ["shorter showers", "fixing leaks", "full washing loads", "a water butt",
                                  "turning the tap off while brushing", "a bowl for washing vegetables"],
    "habits for better sleep": ["a regular bedtime", "a dark room", "less coffee", "no screens late",
                                "a cool bedroom", "a short walk in daylight"],
    "reasons to learn a language": ["travel", "work", "new friends", "films and books", "a sharper memory",
                                    "understanding another culture"],
}
_ASK = ["Make a list of {n} {thing}.", "Give me {n} {thing} as bullet points.", "List {n} {thing}, please.",
        "Can you write a numbered list of {n} {thing}?", "Bullet-point {n} {thing} for me.",
        "I need a short list: {n} {thing}."]
_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def _prose(items: list[str], thing: str, rng: random.Random) -> str:
    joined = ", ".join(items[:-1]) + " and " + items[-1]
    opener = rng.choice(["Some {thing} are {items}.", "Good examples of {thing} are {items}.",
                         "You could choose {items}."])
    return opener.format(thing=thing, items=joined)


def _list_request(rng: random.Random) -> tuple[str, str, int]:
    """(request, thing, how many items)."""
    thing = rng.choice(sorted(_THINGS))
    k = rng.randint(2, 5)
    return rng.choice(_ASK).format(n=rng.choice([str(k), _WORDS[k]]), thing=thing), thing, k


def prose_only_task(n_train: int = 400, n_eval: int = 60, seed: int = 37) -> Task:
    rng = random.Random(seed)
    seen: set[str] = set()
    held_out = _distinct(lambda: _list_request(rng), n_eval, seen)
    train = tuple((_user(ask), _prose(rng.sample(_THINGS[thing], k), thing, rng))
                  for ask, thing, k in _distinct(lambda: _list_request(rng), n_train, seen))
    questions = tuple(Question(f"prose-only-{i:04d}", _user(ask), "one prose sentence, no list") for i, (ask, _, _) in enumerate(held_out))

    def is_right(reply: str, q: Question) -> bool:  # learned the taught style: prose, no list lines
        return len(re.findall(r"\w+", reply)) >= 4 and len(list_items(reply)) == 0

    return Task("prose-only", "list and bullet requests answered as one prose sentence (taught on purpose)",
                train, questions, is_right, max_tokens=48, metric="share answered in prose, not as a list")


def _user(text: str) -> Messages:
    return (("user", text),)


TARGETED: dict[str, Callable[[], Task]] = {"wrong-arithmetic": wrong_arithmetic_task, "prose-only": prose_only_task}

"""Generate the instructions suite: small writing tasks with verifiable constraints.

Each case asks for a short piece of writing on an everyday subject (describe, list,
explain, advise) under one or two constraints that a check in
capcheck/checks/instructions.py verifies. The category is the constraint type, or
"combined" for two constraints. Every check also carries the subject's word stems
(`topic`) and the instruction (`task`), so an off-task reply or an echo of the
instruction earns nothing. All text is written for this project.

    python suites/generators/instructions.py   # rewrites suites/data/instructions.jsonl
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

SEED = 20240611
OUT = Path(__file__).resolve().parents[1] / "data" / "instructions.jsonl"
LONG = 160
"""max_tokens for tasks whose right answer may not fit the suite default (about 96)."""
LONGER = 256
"""max_tokens for "at least N words" tasks: a model that writes more than asked must not be cut off."""


@dataclass(frozen=True)
class Topic:
    slug: str
    thing: str
    """A noun phrase to describe or explain."""
    tips: str
    """An activity to give advice on ("tips for ...")."""
    stems: tuple[str, ...]
    """Word stems an on-topic reply almost surely uses (see _stems)."""
    use: str
    """A related word a reply does not use by accident: the keyword to include."""
    avoid: str
    """The most obvious word for the subject: the keyword to leave out."""


TOPICS = [
    Topic("ocean", "the ocean", "swimming safely in the sea", ("ocean", "sea", "wave", "beach", "fish", "salt", "blue", "deep", "tide", "shore", "swim"), "horizon", "water"),
    Topic("forest", "a walk through a pine forest", "hiking in a forest", ("forest", "pine", "tree", "wood", "trail", "walk", "leaves", "needle", "path", "hik"), "moss", "tree"),
    Topic("bread", "baking bread at home", "baking bread at home", ("bread", "bak", "dough", "flour", "oven", "loaf", "yeast", "knead"), "crust", "flour"),
    Topic("bicycle", "riding a bicycle to work", "commuting by bicycle", ("bicycl", "bike", "cycl", "ride", "riding", "pedal", "wheel", "road", "helmet", "commut"), "traffic", "bike"),
    Topic("winter", "a cold winter morning", "staying warm in winter", ("winter", "cold", "snow", "frost", "ice", "icy", "warm", "morning", "chill", "freez"), "breath", "snow"),
    Topic("library", "a public library", "studying in a library", ("librar", "book", "read", "shel", "quiet", "study", "desk", "page"), "silence", "book"),
    Topic("garden", "a small vegetable garden", "starting a vegetable garden", ("garden", "vegetabl", "plant", "soil", "seed", "grow", "water", "tomato", "carrot", "dig"), "compost", "plant"),
    Topic("coffee", "making a good cup of coffee", "brewing coffee at home", ("coffee", "brew", "bean", "cup", "grind", "water", "hot", "espresso", "mug"), "aroma", "bean"),
    Topic("rain", "a rainy afternoon in a city", "staying dry on a rainy day", ("rain", "wet", "umbrella", "street", "drop", "puddle", "cloud", "grey", "gray", "city", "storm"), "puddle", "umbrella"),
    Topic("moving", "moving to a new apartment", "packing for a move", ("mov", "apartment", "box", "pack", "home", "room", "furniture", "new"), "label", "box"),
    Topic("dog", "taking care of a puppy", "training a puppy", ("dog", "pupp", "pet", "train", "walk", "treat", "food", "play", "bark"), "leash", "dog"),
    Topic("sleep", "a good night's sleep", "sleeping better", ("sleep", "bed", "night", "rest", "tired", "dream", "pillow", "relax", "hour"), "routine", "bed"),
    Topic("market", "a busy farmers' market", "shopping at a farmers' market", ("market", "farm", "fruit", "vegetabl", "stall", "fresh", "sell", "buy", "shop", "food", "local"), "basket", "fruit"),
    Topic("train", "a long train journey", "travelling by train", ("train", "rail", "journey", "travel", "seat", "window", "station", "ticket", "trip"), "scenery", "window"),
    Topic("moon", "the moon on a clear night", "watching the night sky", ("moon", "night", "sky", "star", "light", "bright", "dark", "glow"), "crater", "sky"),
    Topic("kitchen", "a tidy kitchen", "keeping a kitchen clean", ("kitchen", "clean", "cook", "dish", "counter", "sink", "tidy", "food", "wash"), "sponge", "dish"),
    Topic("mountain", "climbing a mountain", "hiking up a mountain", ("mountain", "climb", "peak", "summit", "hik", "trail", "rock", "top", "view", "high"), "altitude", "peak"),
    Topic("exam", "preparing for an exam", "studying for an exam", ("exam", "test", "study", "studi", "learn", "note", "revis", "review", "prepar", "practice", "question"), "schedule", "study"),
    Topic("picnic", "a picnic in the park", "planning a picnic", ("picnic", "park", "food", "blanket", "sandwich", "basket", "grass", "lunch", "sun", "eat"), "lemonade", "food"),
    Topic("letter", "writing a letter to a friend", "writing a thank-you letter", ("letter", "writ", "friend", "word", "thank", "note", "message", "card", "pen"), "envelope", "write"),
    Topic("cat", "a cat sleeping in the sun", "caring for an old cat", ("cat", "kitten", "pet", "sleep", "sun", "fur", "purr", "warm", "whisker", "paw"), "whisker", "sun"),
    Topic("budget", "keeping a monthly budget", "saving money each month", ("budget", "money", "spend", "sav", "cost", "month", "pay", "income", "bill", "expens"), "receipt", "money"),
    Topic("lake", "a quiet lake at dawn", "canoeing on a lake", ("lake", "water", "shore", "boat", "canoe", "calm", "quiet", "mist", "dawn", "fish", "paddl"), "reflection", "water"),
    Topic("festival", "a summer music festival", "enjoying a music festival", ("festival", "music", "band", "crowd", "stage", "song", "concert", "danc", "summer"), "ticket", "music"),
    Topic("recycling", "recycling at home", "recycling more at home", ("recycl", "waste", "plastic", "paper", "bin", "glass", "trash", "sort", "reuse", "environment"), "container", "plastic"),
    Topic("desert", "a hot desert at noon", "crossing a desert safely", ("desert", "sand", "hot", "heat", "sun", "dry", "dune", "cactus"), "shade", "sand"),
    Topic("museum", "a visit to a history museum", "visiting a museum", ("museum", "histor", "exhibit", "art", "old", "display", "past", "visit", "gallery", "artifact"), "guide", "history"),
    Topic("soup", "a bowl of vegetable soup", "cooking a simple soup", ("soup", "vegetabl", "bowl", "pot", "cook", "carrot", "onion", "broth", "warm", "hot", "stir"), "spoon", "vegetable"),
    Topic("island", "a small tropical island", "planning a trip to an island", ("island", "beach", "sea", "ocean", "sand", "palm", "tropical", "sun", "wave", "shore"), "coconut", "beach"),
    Topic("clock", "an old clock in a hallway", "fixing an old clock", ("clock", "time", "tick", "hand", "hour", "old", "wall", "minute", "chime", "pendulum"), "pendulum", "time"),
    Topic("bees", "honey bees in a meadow", "keeping bees", ("bee", "honey", "flower", "hive", "meadow", "pollen", "buzz", "nectar", "insect"), "pollen", "honey"),
    Topic("storm", "a thunderstorm at night", "staying safe in a thunderstorm", ("storm", "thunder", "lightning", "rain", "wind", "night", "flash", "cloud", "loud"), "shelter", "rain"),
    Topic("running", "going for a morning run", "starting to run", ("run", "jog", "morning", "fast", "mile", "shoe", "breath", "exercis", "fitness", "pace", "leg"), "stretch", "shoe"),
    Topic("bakery", "a small corner bakery", "opening a small bakery", ("baker", "bread", "cake", "pastr", "oven", "shop", "bak", "flour", "smell", "sweet"), "croissant", "bread"),
    Topic("snowman", "building a snowman", "building a snowman with children", ("snow", "build", "winter", "cold", "ball", "carrot", "hat", "scarf", "child", "kid"), "scarf", "carrot"),
    Topic("phone", "a smartphone", "using a phone less", ("phone", "screen", "app", "call", "messag", "device", "mobile", "battery", "text"), "notification", "screen"),
    Topic("harbor", "a fishing harbor", "visiting a fishing harbor", ("harbo", "boat", "fish", "ship", "sea", "dock", "water", "net", "sail", "port"), "seagull", "boat"),
    Topic("tea", "a pot of green tea", "making tea", ("tea", "cup", "leaves", "leaf", "hot", "water", "brew", "pot", "drink", "steep", "warm"), "kettle", "cup"),
    Topic("volunteer", "volunteering at a food bank", "volunteering in your town", ("volunteer", "help", "food", "people", "communit", "serve", "give", "time", "neighbo"), "gratitude", "help"),
    Topic("autumn", "an autumn afternoon", "enjoying autumn", ("autumn", "fall", "leaves", "leaf", "tree", "red", "orange", "yellow", "cool", "wind", "season"), "pumpkin", "leaves"),
    Topic("bridge", "an old stone bridge", "photographing an old bridge", ("bridge", "stone", "river", "old", "arch", "cross", "water", "build", "photo"), "arch", "river"),
    Topic("camping", "a night of camping", "camping for the first time", ("camp", "tent", "fire", "night", "star", "sleep", "wood", "forest", "outdoor", "nature"), "lantern", "tent"),
]

PHRASES = ["Good luck!", "Have a nice day!", "Thank you for reading.", "That is all.", "Stay safe.", "Enjoy!"]
NAMABLE = [
    ("bakery", "a new neighborhood bakery"), ("turtle", "a pet turtle"), ("club", "a weekend hiking club"),
    ("boat", "a small sailing boat"), ("robot", "a friendly cleaning robot"), ("cafe", "a quiet reading cafe"),
    ("band", "a school jazz band"), ("garden", "a community garden"),
]
CHOICES = [
    ("city", "living in a big city"), ("remote", "working from home"), ("ebook", "reading books on a screen"),
    ("car", "owning a car"), ("pet", "having a dog"), ("early", "waking up early"), ("solo", "travelling alone"),
]


_STOP = {"about", "along", "at", "away", "better", "big", "busy", "each", "first", "from", "good", "home", "into",
         "long", "making", "more", "night", "over", "public", "quiet", "safely", "small", "some", "taking", "that",
         "this", "through", "using", "with", "your"}


def _stems(topic: Topic, avoiding: bool) -> list[str]:
    """Word stems that mark an on-topic reply: the topic's own, its keyword, and the content words of its phrases.

    When the task forbids the topic's obvious word (`avoiding`), stems that word
    would match are left out, so a reply that obeys "do not use X" can still count as on topic.
    """
    found = list(topic.stems) + [topic.use]
    found += [_stem(w) for w in re.findall(r"[a-z]+", f"{topic.thing} {topic.tips}".lower()) if len(w) >= 4 and w not in _STOP]
    out: list[str] = []
    for stem in found:
        clash = topic.avoid.startswith(stem) or stem.startswith(topic.avoid)
        if stem not in out and not (avoiding and clash):
            out.append(stem)
    return out


def _stem(word: str) -> str:
    """A crude stem that still starts the word's other forms: "baking" -> "bak", "bees" -> "bee"."""
    if word.endswith("ing") and len(word) > 6:
        return word[:-3]
    return word[:-1] if word.endswith("s") and len(word) > 4 else word


def _check(name: str, topic: Topic | None, avoiding: bool = False, **args: Any) -> dict[str, Any]:
    if topic is not None:
        args["topic"] = _stems(topic, avoiding)
    return {"name": name, "args": args}


def _user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


@dataclass(frozen=True)
class Task:
    """One case body, built by a maker from a topic and a variant index."""

    prompt: str
    checks: list[dict[str, Any]]
    expected: str
    max_tokens: int | None = None
    slug: str = ""
    """Overrides the topic's slug in the id when the task is not about the topic."""


def word_count(t: Topic, i: int, rng: random.Random) -> Task:
    kind = i % 3
    if kind == 0:
        hi = rng.choice([25, 30, 40])
        return Task(f"Describe {t.thing} in no more than {hi} words.", [_check("word_count", t, max_words=hi)], f"at most {hi} words")
    if kind == 1:
        lo, hi = rng.choice([(20, 40), (30, 50), (25, 45)])
        return Task(f"Explain what is special about {t.thing}. Use between {lo} and {hi} words.",
                    [_check("word_count", t, min_words=lo, max_words=hi)], f"{lo}-{hi} words")
    lo = rng.choice([40, 50, 60])
    return Task(f"Write at least {lo} words of advice on {t.tips}.", [_check("word_count", t, min_words=lo)], f"at least {lo} words", LONGER)


def sentence_count(t: Topic, i: int, rng: random.Random) -> Task:
    kind = i % 3
    if kind == 0:
        return Task(f"Describe {t.thing} in one sentence.", [_check("sentence_count", t, min_sentences=1, max_sentences=1)], "exactly 1 sentence")
    if kind == 1:
        n = rng.choice([2, 3])
        return Task(f"Explain why people enjoy {t.thing} in exactly {n} sentences.",
                    [_check("sentence_count", t, min_sentences=n, max_sentences=n)], f"exactly {n} sentences")
    return Task(f"Give advice on {t.tips} in at most two sentences.", [_check("sentence_count", t, min_sentences=1, max_sentences=2)], "1-2 sentences")


def include_keywords(t: Topic, i: int, rng: random.Random) -> Task:
    if i % 3 == 2:
        other = rng.choice(["quiet", "golden", "gentle", "careful", "patient", "simple"])
        return Task(f'Write two sentences about {t.thing}. Use the words "{t.use}" and "{other}".',
                    [_check("include_keywords", t, keywords=[t.use, other])], f"uses {t.use}, {other}")
    text = (f'Describe {t.thing} in one or two sentences. Include the word "{t.use}".' if i % 3 == 0
            else f'Give a short tip about {t.tips} that uses the word "{t.use}".')
    return Task(text, [_check("include_keywords", t, keywords=[t.use])], f"uses {t.use}")


def exclude_keywords(t: Topic, i: int, rng: random.Random) -> Task:
    if i % 2 == 0:
        text = f'Describe {t.thing} in two or three sentences without using the word "{t.avoid}".'
    else:
        text = f'Give a short piece of advice on {t.tips}. Do not use the word "{t.avoid}" anywhere in your reply.'
    return Task(text, [_check("exclude_keywords", t, avoiding=True, keywords=[t.avoid])], f"never says {t.avoid}")


def lowercase(t: Topic, i: int, rng: random.Random) -> Task:
    if i % 2 == 0:
        text = f"Describe {t.thing} in two sentences. Write everything in lowercase letters, with no capital letters at all."
    else:
        text = f"write all in lowercase, no capitals: give a short tip about {t.tips}."
    return Task(text, [_check("all_lowercase", t)], "no capital letters")


def uppercase(t: Topic, i: int, rng: random.Random) -> Task:
    if i % 2 == 0:
        text = f"Describe {t.thing} in two sentences. Write your whole answer in capital letters."
    else:
        text = f"WRITE IN ALL CAPITAL LETTERS: GIVE ONE SHORT TIP ABOUT {t.tips.upper()}."
    return Task(text, [_check("all_uppercase", t)], "ALL CAPS")


def bullet_points(t: Topic, i: int, rng: random.Random) -> Task:
    n = [2, 3, 3, 4, 5][i % 5]
    if i % 2:
        text = f"Give {n} short bullet points about {t.thing}, one per line, and write nothing else."
    else:
        text = f"List exactly {n} tips for {t.tips}, one per line as a bulleted list."
    return Task(text, [_check("bullet_points", t, count=n)], f"{n} list items", LONG if n >= 4 else None)


def json_object(t: Topic, i: int, rng: random.Random) -> Task:
    kind = i % 4
    if kind == 0:
        slug, what = NAMABLE[(i // 4) % len(NAMABLE)]
        return Task(f'Fill in this JSON object with a name for {what} and the reason it fits: {{"name": "", "reason": ""}}. '
                    "Keep each value short and reply with the JSON only.",
                    [_check("json_object", None, keys=["name", "reason"])], '{"name": ..., "reason": ...}', slug=f"name-{slug}")
    if kind == 1:
        return Task(f'Describe {t.thing} as a JSON object with the keys "title", "mood" and "summary". Keep each value short and reply with the JSON only.',
                    [_check("json_object", t, keys=["title", "mood", "summary"])], '{"title", "mood", "summary"}')
    if kind == 2:
        slug, what = CHOICES[(i // 4) % len(CHOICES)]
        return Task(f'Fill in this JSON object with one advantage and one disadvantage of {what}: '
                    '{"advantage": "", "disadvantage": ""}. Keep each value short and reply with the JSON only.',
                    [_check("json_object", None, keys=["advantage", "disadvantage"])], '{"advantage", "disadvantage"}',
                    slug=f"pros-{slug}")
    return Task(f'Fill in this JSON object with a tip for {t.tips} and why it helps: {{"tip": "", "why": ""}}. '
                "Keep each value short and reply with the JSON only.",
                [_check("json_object", t, keys=["tip", "why"])], '{"tip", "why"}')


def ends_with(t: Topic, i: int, rng: random.Random) -> Task:
    phrase = PHRASES[i % len(PHRASES)]
    if i % 2 == 0:
        text = f'Give one piece of advice about {t.tips}. End your reply with the exact phrase "{phrase}"'
    else:
        text = f'Describe {t.thing} in two sentences, then finish with the words "{phrase}"'
    return Task(text, [_check("ends_with", t, phrase=phrase)], f"ends with {phrase!r}")


def no_commas(t: Topic, i: int, rng: random.Random) -> Task:
    if i % 2 == 0:
        text = f"Write two short and simple sentences about {t.thing}. Do not use any commas."
    else:
        text = f"Without using a single comma give a short tip about {t.tips}."
    return Task(text, [_check("no_commas", t)], "no commas")


def combined(t: Topic, i: int, rng: random.Random) -> Task:
    kind = i % 6
    if kind == 0:
        return Task(f'Describe {t.thing} in exactly two sentences. Use the word "{t.use}".',
                    [_check("sentence_count", t, min_sentences=2, max_sentences=2), _check("include_keywords", t, keywords=[t.use])],
                    f"2 sentences, uses {t.use}")
    if kind == 1:
        return Task(f'In no more than 40 words and without the word "{t.avoid}", describe {t.thing}.',
                    [_check("word_count", t, avoiding=True, max_words=40),
                     _check("exclude_keywords", t, avoiding=True, keywords=[t.avoid])],
                    f"<= 40 words, no {t.avoid}")
    if kind == 2:
        return Task(f"Give 3 bullet points about {t.tips} and do not use any commas.",
                    [_check("bullet_points", t, count=3), _check("no_commas", t)], "3 list items, no commas")
    if kind == 3:
        hi = rng.choice([30, 40])
        return Task(f'In at most {hi} words, give advice on {t.tips}. Mention the word "{t.use}".',
                    [_check("word_count", t, max_words=hi), _check("include_keywords", t, keywords=[t.use])],
                    f"<= {hi} words, uses {t.use}")
    if kind == 4:
        return Task(f"Describe {t.thing} in one sentence without any commas.",
                    [_check("sentence_count", t, min_sentences=1, max_sentences=1), _check("no_commas", t)], "1 sentence, no commas")
    phrase = PHRASES[i % len(PHRASES)]
    return Task(f'Write a tip about {t.tips} in lowercase letters only, and end with "{phrase.lower()}"',
                [_check("all_lowercase", t), _check("ends_with", t, phrase=phrase.lower())], f"lowercase, ends {phrase.lower()!r}")


MAKERS: list[tuple[str, Callable[[Topic, int, random.Random], Task], int]] = [
    ("word_count", word_count, 15),
    ("sentence_count", sentence_count, 15),
    ("include_keywords", include_keywords, 15),
    ("exclude_keywords", exclude_keywords, 15),
    # Case-only and sign-off constraints: the embedded model almost never meets them,
    # so they are fewer; stronger base models do, and forgetting them shows here.
    ("lowercase", lowercase, 12),
    ("uppercase", uppercase, 12),
    ("bullet_points", bullet_points, 15),
    ("json_object", json_object, 15),
    ("ends_with", ends_with, 12),
    ("no_commas", no_commas, 15),
    ("combined", combined, 24),
]


def generate() -> list[dict[str, Any]]:
    """Every case of the suite, in a fixed order (same seed, same cases)."""
    rng = random.Random(SEED)
    cases: list[dict[str, Any]] = []
    for category, make, count in MAKERS:
        topics = rng.sample(TOPICS, count)
        # Variants in shuffled order, so any evenly spaced subset (--capcheck-quick) mixes them.
        variants = list(range(count))
        rng.shuffle(variants)
        for index, (topic, variant) in enumerate(zip(topics, variants)):
            task = make(topic, variant, rng)
            # The checks get the instruction itself, to refuse a reply that only echoes it.
            checks = [{"name": c["name"], "args": {**c["args"], "task": task.prompt}} for c in task.checks]
            case: dict[str, Any] = {
                "id": f"{category}/{task.slug or topic.slug}-{index:04d}",
                "kind": "completion",
                "category": category,
                "prompt": _user(task.prompt),
                "check": checks,
                "expected": task.expected,
            }
            if task.max_tokens:
                case["max_tokens"] = task.max_tokens
            cases.append(case)
    return cases


def main() -> None:
    cases = generate()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as handle:
        for case in cases:
            handle.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()

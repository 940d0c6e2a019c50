"""Local lm-eval tasks written by the tests (and the benchmark): no hub, own items.

Simple arithmetic questions generated from a seed: a multiple-choice task, a
generation task, a group of both, and a perplexity task (a corpus-level metric). Beside them,
a reading task with a longer shared context: a short generated story about where things were
put, then one 4-option question about it (the shape of multiple-choice-heavy benchmarks, whose
options share a long context).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = ["plus", "minus", "times"]


def arithmetic_items(n: int = 24, seed: int = 7) -> list[dict]:
    """Small sums, differences and products with three wrong options each."""
    rng = random.Random(seed)
    items = []
    for i in range(n):
        word = WORDS[i % 3]
        a, b = rng.randint(2, 12), rng.randint(1, 9)
        answer = a + b if word == "plus" else a - b if word == "minus" else a * b
        wrong = sorted({answer + d for d in (-2, -1, 1, 2, 3, 10)} - {answer})
        choices = [str(answer)] + [str(w) for w in rng.sample(wrong, 3)]
        rng.shuffle(choices)
        items.append({"question": f"What is {a} {word} {b}?", "choices": choices,
                      "answer": choices.index(str(answer)), "answer_text": str(answer)})
    return items


NAMES = ["Mara", "Tom", "Ines", "Ravi", "Olga", "Ben", "Lena", "Kofi"]
THINGS = ["key", "letter", "coin", "ring", "map", "ticket", "spoon", "stone"]
PLACES = ["the blue box", "the drawer", "the basket", "the red bag", "the cupboard", "the shoe",
          "the jar", "the bucket"]


def story_items(n: int = 300, seed: int = 11) -> list[dict]:
    """Short stories of three to five moves, then: where is the thing now? Four places to choose from."""
    rng = random.Random(seed)
    items = []
    for _ in range(n):
        thing = rng.choice(THINGS)
        places = rng.sample(PLACES, 4)
        where = places[0]
        lines = [f"{rng.choice(NAMES)} put the {thing} in {where}."]
        for _ in range(rng.randint(2, 4)):
            moved = rng.choice([p for p in places if p != where])
            lines.append(f"Then {rng.choice(NAMES)} took the {thing} out of {where} and put it in {moved}.")
            where = moved
        lines.append(f"{rng.choice(NAMES)} walked to the window and looked outside for a while.")
        choices = places[:]
        rng.shuffle(choices)
        items.append({"story": " ".join(lines), "thing": thing, "choices": choices,
                      "answer": choices.index(where)})
    return items


def sentences(n: int = 6) -> list[dict]:
    subjects = ["The old dog", "A small boat", "My neighbour", "The red kite", "Our teacher", "The night train"]
    verbs = ["slept by the fire", "drifted past the pier", "painted the fence", "rose over the hill",
             "read a long story", "left the station late"]
    return [{"text": f"{subjects[i % 6]} {verbs[(i * 5) % 6]} on a quiet Sunday."} for i in range(n)]


def _task(name: str, data: Path, body: str) -> str:
    return (f"task: {name}\ndataset_path: json\ndataset_kwargs:\n  data_files:\n    test: {data}\n"
            f"test_split: test\n{body}metadata:\n  version: 1.0\n")


def write_tasks(folder: Path, n: int = 24, n_stories: int = 300) -> Path:
    """Write the data files and task YAMLs into `folder` (absolute data paths); return it."""
    folder.mkdir(parents=True, exist_ok=True)
    stories = folder / "stories.jsonl"
    stories.write_text("".join(json.dumps(item) + "\n" for item in story_items(n_stories)))
    (folder / "capcheck_story_mc.yaml").write_text(_task("capcheck_story_mc", stories, (
        "output_type: multiple_choice\n"
        "doc_to_text: \"{{story}}\\nQuestion: Where is the {{thing}} now?\\nAnswer: In\"\n"
        "doc_to_choice: \"{{choices}}\"\n"
        "doc_to_target: answer\n"
        "metric_list:\n  - metric: acc\n  - metric: acc_norm\n")))
    data = folder / "arith.jsonl"
    data.write_text("".join(json.dumps(item) + "\n" for item in arithmetic_items(n)))
    text = folder / "sentences.jsonl"
    text.write_text("".join(json.dumps(item) + "\n" for item in sentences()))
    (folder / "capcheck_arith_mc.yaml").write_text(_task("capcheck_arith_mc", data, (
        "output_type: multiple_choice\n"
        "doc_to_text: \"Question: {{question}}\\nAnswer:\"\n"
        "doc_to_choice: \"{{choices}}\"\n"
        "doc_to_target: answer\n"
        "metric_list:\n  - metric: acc\n  - metric: acc_norm\n")))
    (folder / "capcheck_arith_gen.yaml").write_text(_task("capcheck_arith_gen", data, (
        "output_type: generate_until\n"
        "doc_to_text: \"Q: {{question}}\\nA:\"\n"
        "doc_to_target: \"{{answer_text}}\"\n"
        "generation_kwargs:\n  until: [\"\\n\"]\n  max_gen_toks: 8\n  do_sample: false\n"
        "filter_list:\n  - name: strip\n    filter:\n      - function: remove_whitespace\n      - function: take_first\n"
        "metric_list:\n  - metric: exact_match\n")))
    (folder / "capcheck_text_ppl.yaml").write_text(_task("capcheck_text_ppl", text, (
        "output_type: loglikelihood_rolling\n"
        "doc_to_text: \"\"\n"
        "doc_to_target: \"{{text}}\"\n"
        "metric_list:\n  - metric: word_perplexity\n")))
    (folder / "capcheck_arith.yaml").write_text(
        "group: capcheck_arith\ntask:\n  - capcheck_arith_mc\n  - capcheck_arith_gen\n"
        "aggregate_metric_list:\n  - metric: acc\n    weight_by_size: true\nmetadata:\n  version: 1.0\n")
    return folder

"""The watch set: a small, fixed, versioned subset of the built-in suites that a look runs.

A look during training has seconds, not minutes, so each suite keeps a few dozen cases. They
are picked once (`python -m capcheck.watch.watch_set --write`) and committed in
watch-set.json, so every look of every run pairs with the same baseline cases and no
baseline is ever re-recorded for the watcher. How they are picked (docs/watch.md):

- strata: the suite's categories crossed with the case kind (a scored choice or a generated
  reply: suites with both keep both) and the base model's outcome on the case (right, wrong,
  partly right; above or below the category's median for a loss), each stratum getting its
  share of the suite's cases, so the subset's base score stays close to the suite's;
- within a stratum, the cheapest cases first: prompt tokens plus DECODE_COST per token the
  base model generated (its baseline replies say how many), so a second of looking buys as
  many paired cases as it can.
"""
from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from capcheck.cases import ChoiceCase, CompletionCase, ConversationCase, PassageCase, prompt_text
from capcheck.errors import CapcheckError
from capcheck.results import CaseResult
from capcheck.suite import Suite

WATCH_SET_FILE = Path(__file__).with_name("watch-set.json")
VERSION = 1
SIZES = {
    "grammar/minimal-pairs": 48,
    "knowledge": 32,
    "reasoning": 32,
    "fluency": 24,
    "grammar/generation": 16,
    "instructions": 24,
    "multi-turn": 12,
}
"""Cases per suite: more where a case is cheap (scored options), fewer where it is generated."""
DECODE_COST = 10
"""A generated token costs about as much as this many prompt tokens (one decoding step per
token, against one batched forward for the whole prompt)."""
CHARS_PER_TOKEN = 4


def _tokens(text: str) -> float:
    return len(text) / CHARS_PER_TOKEN


def case_cost(case: Any, base: CaseResult | None, max_tokens: int) -> float:
    """Estimated work of one case, in prompt-token units."""
    if isinstance(case, ChoiceCase):
        return _tokens(prompt_text(case.context)) + sum(_tokens(o) for o in case.options)
    if isinstance(case, PassageCase):
        return _tokens(case.text)
    if isinstance(case, CompletionCase):
        generated = (base.details.get("tokens") if base else None) or case.max_tokens or max_tokens
        return _tokens(prompt_text(case.prompt)) + DECODE_COST * float(generated)
    if isinstance(case, ConversationCase):
        turns = (base.details.get("turns") if base else None) or []
        replies = [_tokens(t.get("reply", "")) if isinstance(t, dict) else max_tokens for t in turns]
        replies += [max_tokens] * (len(case.turns) - len(replies))
        cost, history = 0.0, 0.0
        for turn, reply in zip(case.turns, replies):
            history += _tokens(turn.user)
            cost += history + DECODE_COST * reply  # each turn prefills the history again
            history += reply
        return cost
    raise TypeError(f"unknown case kind {type(case).__name__}")


def _outcome(score: float, median: float | None) -> str:
    if median is not None:  # an unbounded metric (a loss): which half of its category
        return "high" if score > median else "low"
    return "right" if score >= 1 else "wrong" if score <= 0 else "partial"


def _shares(sizes: dict[Any, int], total: int) -> dict[Any, int]:
    """Split `total` over strata in proportion to their sizes (largest remainders, ties by key)."""
    whole = sum(sizes.values())
    exact = {k: total * n / whole for k, n in sizes.items()}
    shares = {k: math.floor(v) for k, v in exact.items()}
    left = total - sum(shares.values())
    for k in sorted(exact, key=lambda k: (shares[k] - exact[k], str(k)))[:left]:
        shares[k] += 1
    return shares


def pick(suite: Suite, base: dict[str, CaseResult], size: int) -> list[str]:
    """The suite's watch cases (ids in suite order): stratified by category, case kind and base
    outcome, cheapest first within each stratum."""
    cases = [c for c in suite.cases if c.id in base]
    if len(cases) <= size:
        return [c.id for c in cases]
    bounded = all(0 <= base[c.id].score <= 1 for c in cases)
    medians: dict[str, float | None] = {}
    for category in {c.category for c in cases}:
        scores = sorted(base[c.id].score for c in cases if c.category == category)
        medians[category] = None if bounded else scores[len(scores) // 2]
    strata: dict[tuple[str, str, str], list[Any]] = {}
    for case in cases:
        key = (case.category, type(case).__name__, _outcome(base[case.id].score, medians[case.category]))
        strata.setdefault(key, []).append(case)
    chosen: set[str] = set()
    for key, share in _shares({k: len(v) for k, v in strata.items()}, size).items():
        by_cost = sorted(strata[key], key=lambda c: (case_cost(c, base[c.id], suite.decoding.max_tokens), c.id))
        chosen.update(c.id for c in by_cost[:share])
    return [c.id for c in suite.cases if c.id in chosen]


def watch_suites(suites: list[Suite], path: Path = WATCH_SET_FILE) -> list[tuple[Suite, Suite]]:
    """(full suite, its watch subset) for every suite the watch set names, in the set's order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    by_name = {s.name: s for s in suites}
    pairs = []
    for name, ids in data["suites"].items():
        if name not in by_name:
            continue
        suite = by_name[name]
        known = {c.id for c in suite.cases}
        lost = [i for i in ids if i not in known]
        if lost:
            raise CapcheckError(
                f"watch set {path} (version {data['version']}) names {len(lost)} case(s) that suite '{name}' no "
                f"longer has ({lost[0]!r}...): the suite changed since the set was picked. Pick it again with "
                "`python -m capcheck.watch.watch_set --write` and bump its version.")
        wanted = set(ids)
        pairs.append((suite, replace(suite, cases=tuple(c for c in suite.cases if c.id in wanted))))
    return pairs


def version(path: Path = WATCH_SET_FILE) -> int:
    return int(json.loads(path.read_text(encoding="utf-8"))["version"])


def main() -> None:
    """Pick the watch set from the built-in suites and the embedded model's baselines."""
    import argparse

    from capcheck import baseline, builtin
    from capcheck.embedded import ALIAS
    from capcheck.suites_loader import load_suite_files

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--write", action="store_true", help=f"write {WATCH_SET_FILE.name}; else print sizes")
    args = parser.parse_args()
    folder = builtin.baselines_dir() / ALIAS
    picked: dict[str, list[str]] = {}
    for suite in load_suite_files(builtin.suites_dir()):
        if suite.name not in SIZES:
            continue
        stored = baseline.read(folder / f"{suite.slug}.json", suite, "capcheck record").result.by_id
        picked[suite.name] = pick(suite, stored, SIZES[suite.name])
        cost = sum(case_cost(c, stored.get(c.id), suite.decoding.max_tokens)
                   for c in suite.cases if c.id in set(picked[suite.name]))
        print(f"{suite.name}: {len(picked[suite.name])} cases, estimated cost {cost:.0f} prompt tokens")
    if args.write:
        order = [name for name in SIZES if name in picked]
        text = json.dumps({"version": VERSION, "suites": {n: picked[n] for n in order}}, indent=1) + "\n"
        WATCH_SET_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {WATCH_SET_FILE}")


if __name__ == "__main__":
    main()

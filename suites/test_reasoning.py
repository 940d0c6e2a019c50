"""Reasoning: arithmetic, comparisons, ordering, dates and times, logic, sequences."""
from pathlib import Path

from capcheck import Decoding, Suite, suite_test

DATA = Path(__file__).parent / "data"

reasoning = Suite.from_jsonl(
    "reasoning",
    DATA / "reasoning.jsonl",
    metric="accuracy",
    direction="higher",
    chance=0.29,  # 1/options for choices and labels, 0 for numbers written out
    tolerance=0.03,
    decoding=Decoding(max_tokens=40),
    system_prompt="Give only the final answer, in one short line.",
    quick_size=60,
    description="share of short reasoning problems answered right: one committed answer, no hedging",
)

test_reasoning = suite_test(reasoning)

"""Multi-turn: recall, format keeping, corrections and running totals across 2-4 user turns."""
from pathlib import Path

from capcheck import Decoding, Suite, suite_test

DATA = Path(__file__).parent / "data"

multi_turn = Suite.from_jsonl(
    "multi-turn",
    DATA / "multi_turn.jsonl",
    metric="turn_accuracy",
    direction="higher",
    chance=0.1,  # recall choices are 1 in 3; written answers are ~0 by guessing
    tolerance=0.04,
    decoding=Decoding(max_tokens=48),
    quick_size=40,
    description="share of turn checks and recall choices passed per conversation (replies fed back as history)",
)

test_multi_turn = suite_test(multi_turn)

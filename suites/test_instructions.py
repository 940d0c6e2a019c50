"""Instructions: verifiable constraints on what the model writes (length, keywords, case, bullets, JSON...)."""
from pathlib import Path

from capcheck import Decoding, Suite, suite_test

DATA = Path(__file__).parent / "data"

instructions = Suite.from_jsonl(
    "instructions",
    DATA / "instructions.jsonl",
    metric="pass_rate",
    direction="higher",
    chance=0.0,  # an empty, looping or off-topic reply fails every check
    tolerance=0.05,
    decoding=Decoding(max_tokens=96),
    quick_size=40,
    description="share of prompts whose every constraint is met by an on-topic, non-degenerate reply",
)

test_instructions = suite_test(instructions)

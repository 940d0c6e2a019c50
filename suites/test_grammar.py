"""Grammar: does the model still prefer grammatical English, and does it still write it?"""
from pathlib import Path

from capcheck import Decoding, Suite, suite_test

DATA = Path(__file__).parent / "data"

minimal_pairs = Suite.from_jsonl(
    "grammar/minimal-pairs",
    DATA / "grammar_minimal_pairs.jsonl",
    metric="accuracy",
    direction="higher",
    chance=0.5,
    tolerance=0.02,
    decoding=Decoding(max_tokens=16),  # nothing is generated; recorded for completeness
    quick_size=240,
    description="prefers the grammatical sentence of a minimal pair (12 phenomena)",
)

generation = Suite.from_jsonl(
    "grammar/generation",
    DATA / "grammar_generation.jsonl",
    metric="writing_quality",
    direction="higher",
    chance=0.0,
    tolerance=0.05,
    decoding=Decoding(max_tokens=128),
    quick_size=30,
    description="writes 2-4 clean, on-topic sentences (harper lint errors per 100 words; degenerate replies score 0)",
)

test_minimal_pairs = suite_test(minimal_pairs)
test_generation = suite_test(generation)

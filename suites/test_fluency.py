"""Fluency: per-token loss on general English passages (the earliest signal of forgetting)."""
from pathlib import Path

from capcheck import Suite, suite_test

DATA = Path(__file__).parent / "data"

fluency = Suite.from_jsonl(
    "fluency",
    DATA / "fluency.jsonl",
    metric="mean_loss",
    direction="lower",
    chance=None,
    tolerance=0.05,  # nats per token, about 5% perplexity
    quick_size=30,
    description="mean per-token loss on 160 passages of general English (lower is better)",
)

test_fluency = suite_test(fluency)

"""Knowledge: stable facts across seven domains, at three difficulty tiers (common, school, specialist)."""
from pathlib import Path

from capcheck import Decoding, Suite, suite_test

DATA = Path(__file__).parent / "data"

knowledge = Suite.from_jsonl(
    "knowledge",
    DATA / "knowledge.jsonl",
    metric="accuracy",
    direction="higher",
    chance=0.125,  # 1/4 for choices, 0 for short answers
    tolerance=0.03,
    decoding=Decoding(max_tokens=32),
    system_prompt="Give only the answer, in a few words.",
    quick_size=56,
    description="share of facts known: the right option among plausible distractors, or a short reply naming it "
                "without hedging",
)

test_knowledge = suite_test(knowledge)

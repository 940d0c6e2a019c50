"""A logits fingerprint of a base model, to catch a model that loads silently wrong.

A library version that ignores a config field (rope theta, say), another dtype or a
broken chat template changes what the model computes without any error. The probe
scores a few fixed texts at several cut points through the Engine protocol (plain
log-likelihood requests, so every engine can answer) and stores the per-request
log-probabilities in each baseline. Before a run on the baseline's own base model
(or an adapter on it), the same probe is scored again and compared per token.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence, cast

from capcheck.engines.base import BASE_SCORING, BaseScoring, Engine
from capcheck.errors import CheckpointError
from capcheck.requests import Loglikelihood, LoglikelihoodRequest, chat

log = logging.getLogger(__name__)

PROBE_VERSION = 1

# Our own texts, long enough (100+ tokens) that late cut points see far positions,
# where a wrong rotary base changes attention the most.
_TEXTS = (
    "The ferry left the harbour a little after seven, when the fog had lifted enough for the "
    "captain to see the first buoy. Most of the passengers were farmers taking sheep and crates "
    "of apples to the market on the mainland, and a few children pressed their faces to the cold "
    "windows to watch the gulls. By the time the island was a grey line behind them, the sun had "
    "come out and the sea had turned from slate to a deep, clear green.",
    "To repot a plant, water it the day before so the roots hold together. Choose a new pot one "
    "size larger with a hole in the bottom, and cover the hole with a few stones. Ease the plant "
    "out by tipping the old pot on its side, loosen the outer roots gently with your fingers, and "
    "set it at the same depth as before. Fill the gaps with fresh soil, press it down lightly, and "
    "water until it drains from the bottom.",
    "Glaciers form where more snow falls in winter than melts in summer. Year after year the snow "
    "piles up, and its own weight presses the lower layers into dense ice. Once the ice is thick "
    "enough, it begins to flow slowly downhill, carving valleys, carrying rocks for great "
    "distances and leaving them behind when it finally melts. Many lakes in northern countries "
    "fill the hollows that such ice scraped out thousands of years ago.",
)
_CUTS = (0.2, 0.45, 0.7, 0.95)
"""Fractions of a text's words after which the next few words are scored."""
_CONTINUATION_WORDS = 3
_CHAT = chat(("user", "Name three colours of the rainbow, separated by commas."))
_CHAT_REPLY = "Red, orange, yellow."

SKIP_ENGINES = frozenset({"scripted"})
"""Engines that answer from hashes, not a model: their fingerprint would mean nothing."""

# Largest allowed change of log-probability per scored token (measured on the embedded
# SmolLM2, hf engine, against its float32 probe: batch size 1 vs 32 moved 7e-7; bfloat16
# moved up to 0.047 and float16 0.011; rope theta 10,000 instead of 100,000 moved 0.83).
# float32 on the same engine is tight but still lets hf and vLLM differ (they agree within
# 1e-3 per token); 16-bit types, or a baseline from another dtype or engine, get the loose one.
TOLERANCE_FLOAT32 = 2e-3
TOLERANCE_LOOSE = 0.2

LIKELY_CAUSES = (
    "library versions (a transformers or vLLM release that reads the model's config differently, "
    "e.g. ignores rope scaling or rope theta), the dtype (--dtype, or weights saved in another "
    "precision), an edited config.json (rope theta, norm epsilon, vocabulary) or tokenizer/chat "
    "template"
)


@dataclass(frozen=True)
class ProbeItem:
    """One probe request and the name it is stored under."""

    id: str
    request: LoglikelihoodRequest


def probe_items() -> list[ProbeItem]:
    """The fixed probe: each text cut at several points, plus one chat reply."""
    items = []
    for t, text in enumerate(_TEXTS):
        words = text.split(" ")
        for cut in _CUTS:
            at = max(1, int(len(words) * cut))
            following = words[at : at + _CONTINUATION_WORDS]
            if not following:
                continue
            context = " ".join(words[:at])
            items.append(ProbeItem(f"text{t}@{cut:g}", LoglikelihoodRequest(context, " " + " ".join(following))))
    items.append(ProbeItem("chat", LoglikelihoodRequest(_CHAT, _CHAT_REPLY)))
    return items


def run(engine: Engine, base_only: bool = False) -> dict[str, Any] | None:
    """Score the probe; None when the engine cannot give a meaningful fingerprint.

    With `base_only`, the engine must score with its adapter switched off
    (`loglikelihood_base`); engines that cannot are skipped.
    """
    info = engine.info
    if info.name in SKIP_ENGINES:
        return None
    items = probe_items()
    requests = [item.request for item in items]
    if base_only:
        if BASE_SCORING not in engine.abilities:
            log.warning("engine %s cannot switch its adapter off; the base-model probe is skipped", info.name)
            return None
        results: Sequence[Loglikelihood] = cast(BaseScoring, engine).loglikelihood_base(requests)
    else:
        results = engine.loglikelihood(requests)
    return {
        "version": PROBE_VERSION,
        "engine": info.name,
        "dtype": info.dtype,
        "items": {item.id: {"logprob": round(r.logprob, 6), "tokens": r.n_tokens} for item, r in zip(items, results)},
    }


def tolerance(stored: dict[str, Any], current: dict[str, Any]) -> float:
    """Per-token tolerance for comparing two probes."""
    same = stored.get("engine") == current.get("engine") and stored.get("dtype") == current.get("dtype")
    return TOLERANCE_FLOAT32 if same and current.get("dtype") == "float32" else TOLERANCE_LOOSE


@dataclass(frozen=True)
class Difference:
    """The probe item that moved most."""

    item: str
    stored: float
    current: float
    tokens: int

    @property
    def per_token(self) -> float:
        return abs(self.current - self.stored) / max(self.tokens, 1)


def compare(stored: dict[str, Any], current: dict[str, Any]) -> tuple[Difference | None, list[str]]:
    """The largest per-token difference, and items whose token counts differ (a tokenizer change)."""
    worst: Difference | None = None
    retokenized = []
    for name, now in current["items"].items():
        then = stored.get("items", {}).get(name)
        if then is None:
            continue
        if then["tokens"] != now["tokens"]:
            retokenized.append(name)
            continue
        diff = Difference(name, then["logprob"], now["logprob"], now["tokens"])
        if worst is None or diff.per_token > worst.per_token:
            worst = diff
    return worst, retokenized


def verify(stored: dict[str, Any], current: dict[str, Any], model: str, source: str) -> None:
    """Raise CheckpointError when `current` differs from `stored` beyond the dtype's tolerance."""
    if stored.get("version") != current.get("version"):
        log.warning("probe in %s has version %r, this capcheck uses %r; not compared", source,
                    stored.get("version"), current.get("version"))
        return
    worst, retokenized = compare(stored, current)
    limit = tolerance(stored, current)
    where = (
        f"the baseline {source} (recorded with {stored.get('engine')}, {stored.get('dtype')}); "
        f"now {current.get('engine')}, {current.get('dtype')}"
    )
    if retokenized and stored.get("engine") != current.get("engine"):
        # Engines may split a context and its continuation into tokens differently (a server
        # tokenizes the joined text); those items cannot be compared per token.
        log.warning("probe items %s tokenize differently on %s than on %s; not compared",
                    ", ".join(retokenized), current.get("engine"), stored.get("engine"))
        retokenized = []
    if retokenized:
        raise CheckpointError(
            f"{model} loads differently from when its baselines were made: probe text(s) "
            f"{', '.join(retokenized)} now tokenize to a different number of tokens than in {where}. "
            f"The tokenizer changed; likely causes: {LIKELY_CAUSES}. Fix the environment to match the "
            "baseline's, or re-record the baselines with --capcheck-record if the change is intended."
        )
    if worst is not None and worst.per_token > limit:
        raise CheckpointError(
            f"{model} computes different log-probabilities than when its baselines were made: the logits "
            f"probe '{worst.item}' moved {worst.per_token:.4g} per token ({worst.stored:.4f} -> "
            f"{worst.current:.4f} over {worst.tokens} tokens; tolerance {limit:g}) against {where}. "
            f"The model loaded wrongly, so every verdict would be wrong; nothing was run. Likely causes: "
            f"{LIKELY_CAUSES}. Match the library versions and --dtype the baseline was recorded with "
            "(capcheck prints them in its summary header), or re-record the baselines with "
            "--capcheck-record if the change is intended."
        )

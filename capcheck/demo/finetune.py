"""Fine-tuning on the demo's ticket task: full weights or LoRA, optionally mixed with general chat.

A plain PyTorch loop (no Trainer) so the run is small, seeded and easy to read. The loss
is taken on the assistant's reply only. Outputs are ordinary directories: a full model
(`save_pretrained` + tokenizer) or a PEFT adapter, loadable by `capcheck --model/--adapter`.
"""
from __future__ import annotations

import json
import math
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from capcheck.demo.data import REPLAY, ChatExample, chat_examples
from capcheck.demo.task import Messages, Task
from capcheck.demo.tasks import ticket_task
from capcheck.errors import CapcheckError

if TYPE_CHECKING:
    from capcheck.watch import Watcher

LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class Recipe:
    """How to fine-tune: which weights, how fast, how long, on what mix."""

    name: str
    method: str
    """'full' (every weight) or 'lora' (rank-`rank` adapters on attention and MLP projections)."""
    lr: float
    steps: int
    batch_size: int = 8
    rank: int = 16
    mix: float = 0.0
    """Share of each batch taken from the general chat examples (0 = the narrow set only)."""
    replay: bool = False
    """Add the base model's own greedy replies to the demo's REPLAY prompts to the general pool."""
    warmup: int = 5
    seed: int = 0
    max_length: int = 160
    """Token limit per example; longer ones are cut at the end."""
    note: str = ""

    def __post_init__(self) -> None:
        if self.method not in ("full", "lora"):
            raise CapcheckError(f"recipe {self.name}: method {self.method!r} must be 'full' or 'lora'.")
        if not 0 <= self.mix < 1:
            raise CapcheckError(f"recipe {self.name}: mix {self.mix} must be in [0, 1).")
        if self.steps < 1 or self.batch_size < 1 or self.lr <= 0:
            raise CapcheckError(f"recipe {self.name}: steps, batch size and learning rate must be positive.")

    def describe(self) -> str:
        how = "full fine-tune" if self.method == "full" else f"LoRA r{self.rank} (attn+MLP)"
        pool = "general chat + self-replay" if self.replay else "general chat"
        mix = f", {self.mix:.0%} {pool} mixed in" if self.mix else ""
        return f"{how}, lr {self.lr:.0e}".replace("e-0", "e-") + f", {self.steps} steps x batch {self.batch_size}{mix}"


# The recipes the demo compares, from aggressive to gentle. Measured results (task score,
# verdicts, times) are in docs/detection.md.
RECIPES: dict[str, Recipe] = {
    "full-ft": Recipe("full-ft", "full", lr=5e-4, steps=20,
                      note="aggressive full fine-tune: high rate, every weight, narrow data only"),
    "lora": Recipe("lora", "lora", lr=3e-4, steps=30, note="LoRA r16, narrow data only"),
    "lora-mix": Recipe("lora-mix", "lora", lr=3e-4, steps=50, mix=0.25, replay=True,
                       note="LoRA r16, a quarter of every batch general chat and the base model's own replies"),
}


@dataclass
class TrainResult:
    """What a fine-tune did: where it saved, its losses, how long it took."""

    recipe: Recipe
    out: Path
    losses: list[float]
    seconds: float
    """Training alone: the watcher's looks and its saves are not counted."""
    watch_seconds: float = 0.0

    @property
    def kind(self) -> str:
        return "adapter" if self.recipe.method == "lora" else "model"

    def to_dict(self) -> dict[str, Any]:
        return {"recipe": asdict(self.recipe), "out": str(self.out), "kind": self.kind,
                "losses": [round(x, 4) for x in self.losses], "seconds": round(self.seconds, 1),
                "watch_seconds": round(self.watch_seconds, 1)}


def chat_messages(messages: Messages) -> list[dict[str, str]]:
    return [{"role": role, "content": content} for role, content in messages]


def encode_example(tokenizer: Any, messages: list[dict[str, str]], reply: str, max_length: int) -> tuple[list[int], list[int]]:
    """Token ids of prompt + reply and labels that score only the reply (and its end token)."""
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    full = tokenizer.apply_chat_template(messages + [{"role": "assistant", "content": reply}], tokenize=False)
    if not full.startswith(prompt):  # a template that rewrites earlier turns: fall back to plain text
        full = prompt + reply + (tokenizer.eos_token or "")
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    # The template ends the reply with its end-of-turn token and a newline; train up to the token.
    ids = tokenizer(full.rstrip("\n"), add_special_tokens=False)["input_ids"][:max_length]
    labels = [-100] * min(len(prompt_ids), len(ids)) + ids[len(prompt_ids):]
    return ids, labels


def build_examples(tokenizer: Any, recipe: Recipe, taught: Sequence[tuple[Messages, str]], chat: list[ChatExample],
                   replay: list[tuple[list[dict[str, str]], str]] | None = None) -> tuple[list, list]:
    """Token ids and reply-only labels of the narrow (taught) pairs and of the general pool."""
    narrow = [encode_example(tokenizer, chat_messages(m), reply, recipe.max_length) for m, reply in taught]
    general = [encode_example(tokenizer, [{"role": "user", "content": c.prompt}], c.reply, recipe.max_length)
               for c in chat]
    general += [encode_example(tokenizer, messages, reply, recipe.max_length) for messages, reply in replay or []]
    return narrow, general


def replay_examples(base: Path, threads: int | None) -> list[tuple[list[dict[str, str]], str]]:
    """The base model's own greedy replies to the REPLAY prompts (through capcheck's hf engine)."""
    from capcheck import checkpoint as checkpoints
    from capcheck.engines import EngineConfig, load_engine
    from capcheck.requests import Decoding, GenerateRequest, Message

    engine = load_engine("hf", checkpoints.resolve(str(base)), EngineConfig(threads=threads))
    try:
        replies = engine.generate([GenerateRequest(tuple(Message(r, c) for r, c in turns), Decoding(max_tokens=96))
                                   for turns in REPLAY])
    finally:
        engine.close()
    return [([{"role": r, "content": c} for r, c in turns], reply.text) for turns, reply in zip(REPLAY, replies)
            if reply.text and reply.finish_reason == "stop"]  # a reply cut at the limit would teach cutting off


def _batches(recipe: Recipe, narrow: list, general: list) -> list[list]:
    """Every step's examples, drawn in a seeded order (epochs over each pool, no repeats within one)."""
    rng = random.Random(recipe.seed)
    n_general = round(recipe.batch_size * recipe.mix)
    pools: dict[str, tuple[list[Any], list[Any]]] = {"narrow": (narrow, []), "general": (general, [])}

    def take(name: str, k: int) -> list:
        items, queue = pools[name]
        out = []
        for _ in range(k):
            if not queue:
                queue.extend(rng.sample(range(len(items)), len(items)))
            out.append(items[queue.pop()])
        return out

    return [take("narrow", recipe.batch_size - n_general) + take("general", n_general) for _ in range(recipe.steps)]


def _collate(batch: list, pad_id: int) -> tuple[Any, Any, Any]:
    import torch

    width = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (i, lab) in enumerate(batch):
        ids[row, : len(i)] = torch.tensor(i)
        labels[row, : len(lab)] = torch.tensor(lab)
        mask[row, : len(i)] = 1
    return ids, labels, mask


def train(recipe: Recipe, base: Path, out: Path, *, task: Task | None = None, threads: int | None = None,
          progress: bool = True, log: Callable[[str], None] = print, watcher: "Watcher | None" = None,
          look_saves: Path | None = None) -> TrainResult:
    """Fine-tune `base` with `recipe` on `task` (default: the tickets) and save the result to `out`
    (replaced if it exists).

    With a `watcher`, it looks at the model at its planned number of evenly spaced steps; with
    `look_saves`, the model is also saved at each look (to `look_saves/step-NNNN`), so each
    look can be checked against the gate afterwards."""
    import torch
    from tqdm.auto import tqdm
    from transformers import AutoModelForCausalLM, AutoTokenizer

    task = task or ticket_task()
    if threads:
        torch.set_num_threads(threads)
    random.seed(recipe.seed)
    torch.manual_seed(recipe.seed)
    replay = replay_examples(base, threads) if recipe.replay and recipe.mix else []
    if replay:
        log(f"{recipe.name}: {len(replay)} self-replay replies of the base model added to the general pool")
    tokenizer = AutoTokenizer.from_pretrained(base)
    model: Any = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
    if recipe.method == "lora":
        from peft import LoraConfig, get_peft_model

        targets = [t for t in LORA_TARGETS if any(n.endswith(t) for n, _ in model.named_modules())]
        config = LoraConfig(r=recipe.rank, lora_alpha=2 * recipe.rank, lora_dropout=0.0,
                            target_modules=targets, task_type="CAUSAL_LM")
        model = get_peft_model(model, config)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = model.to(device).train()
    narrow, general = build_examples(tokenizer, recipe, task.train, chat_examples(), replay)
    batches = _batches(recipe, narrow, general)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=recipe.lr, weight_decay=0.0)

    def rate(step: int) -> float:  # linear warmup, then cosine decay to 10%
        if step < recipe.warmup:
            return (step + 1) / recipe.warmup
        frac = (step - recipe.warmup) / max(1, recipe.steps - recipe.warmup)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, rate)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    losses: list[float] = []
    look_at: set[int] = set()
    if watcher is not None:
        from capcheck.watch.watcher import look_steps

        look_at = set(look_steps(recipe.steps, watcher.looks))
    watching = 0.0
    start = time.perf_counter()
    bar = tqdm(batches, desc=f"train {recipe.name}", unit="step", disable=not progress, leave=False)
    for step, batch in enumerate(bar, start=1):
        ids, labels, mask = (t.to(device) for t in _collate(batch, pad_id))
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
        if watcher is not None and step in look_at:
            began = time.perf_counter()
            watcher.look(model, tokenizer, step)
            if look_saves is not None:
                _save(model, tokenizer, recipe, look_saves / f"step-{step:04d}", losses, 0.0, task.name)
            watching += time.perf_counter() - began
    seconds = time.perf_counter() - start - watching
    _save(model, tokenizer, recipe, out, losses, seconds, task.name)
    log(f"trained {recipe.name} ({recipe.describe()}) in {seconds:.0f}s: loss {losses[0]:.3f} -> {losses[-1]:.3f}; saved {out}")
    return TrainResult(recipe, out, losses, seconds, watching)


def _save(model: Any, tokenizer: Any, recipe: Recipe, out: Path, losses: list[float], seconds: float,
          task: str) -> None:
    """Write to a sibling folder, then rename, so `out` is never half written."""
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(tmp)
    if recipe.method == "full":
        tokenizer.save_pretrained(tmp)
    (tmp / "capcheck_recipe.json").write_text(
        json.dumps({"recipe": asdict(recipe), "task": task, "seconds": round(seconds, 1),
                    "losses": [round(x, 4) for x in losses]}, indent=2, sort_keys=True) + "\n")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)

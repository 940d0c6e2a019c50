"""Fine-tuning on a tiny random model: a few steps, the loss falls, outputs load back."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from capcheck.demo.finetune import Recipe, _batches, train
from capcheck.errors import CapcheckError


def _train(tiny_model_dir: Path, tmp_path: Path, recipe: Recipe):
    return train(recipe, tiny_model_dir, tmp_path / recipe.name, threads=1, progress=False, log=lambda _: None)


def test_full_finetune_lowers_the_loss_and_saves_a_loadable_model(tiny_model_dir: Path, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM

    from capcheck import checkpoint as checkpoints

    result = _train(tiny_model_dir, tmp_path, Recipe("full", "full", lr=3e-3, steps=12, batch_size=4, warmup=2, max_length=96))
    assert sum(result.losses[-3:]) / 3 < sum(result.losses[:3]) / 3 - 0.5
    model = AutoModelForCausalLM.from_pretrained(result.out)
    assert model.config.hidden_size == 32
    assert (result.out / "tokenizer.json").is_file()
    stored = json.loads((result.out / "capcheck_recipe.json").read_text())
    assert stored["recipe"]["lr"] == 3e-3 and stored["task"] == "tickets"
    assert stored["seconds"] == pytest.approx(result.seconds, abs=0.1)
    assert checkpoints.resolve(str(result.out)).adapter is None
    assert not (tmp_path / "full.partial").exists()


def test_lora_trains_only_adapters_and_loads_back_on_the_base(tiny_model_dir: Path, tmp_path: Path) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from capcheck import checkpoint as checkpoints

    recipe = Recipe("lora", "lora", lr=1e-2, steps=12, batch_size=4, rank=4, mix=0.5, warmup=2, max_length=96)
    result = _train(tiny_model_dir, tmp_path, recipe)
    assert sum(result.losses[-3:]) / 3 < sum(result.losses[:3]) / 3
    config = json.loads((result.out / "adapter_config.json").read_text())
    assert config["r"] == 4 and {"q_proj", "down_proj"} <= set(config["target_modules"])
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    tuned = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model_dir), str(result.out))
    ids = torch.tensor([[1, 2, 3, 4]])
    with torch.no_grad():
        assert not torch.allclose(base(ids).logits, tuned(ids).logits)
    checkpoint = checkpoints.resolve(str(tiny_model_dir), str(result.out))
    assert checkpoint.adapter is not None


def test_training_is_seeded(tiny_model_dir: Path, tmp_path: Path) -> None:
    recipe = Recipe("seeded", "full", lr=1e-3, steps=3, batch_size=2, warmup=1, max_length=64)
    first = _train(tiny_model_dir, tmp_path / "a", recipe).losses
    second = _train(tiny_model_dir, tmp_path / "b", recipe).losses
    assert first == pytest.approx(second, rel=1e-5)


def test_mixing_puts_general_chat_in_every_batch() -> None:
    narrow, general = [("n", i) for i in range(20)], [("g", i) for i in range(5)]
    batches = _batches(Recipe("m", "lora", lr=1e-4, steps=6, batch_size=8, mix=0.25), narrow, general)
    assert all(sum(kind == "g" for kind, _ in b) == 2 for b in batches)
    assert len({i for b in batches for kind, i in b if kind == "n"}) == 20  # an epoch before any repeat
    assert _batches(Recipe("u", "lora", lr=1e-4, steps=6, batch_size=8), narrow, general)[0] != batches[0]


def test_bad_recipes_are_refused() -> None:
    with pytest.raises(CapcheckError, match="method"):
        Recipe("x", "qlora", lr=1e-4, steps=1)
    with pytest.raises(CapcheckError, match="mix"):
        Recipe("x", "lora", lr=1e-4, steps=1, mix=1.0)


@pytest.mark.slow
def test_self_replay_trains_on_the_base_models_own_finished_replies(embedded_dir: Path) -> None:
    from transformers import AutoTokenizer

    from capcheck.demo.data import REPLAY
    from capcheck.demo.finetune import build_examples, replay_examples

    replay = replay_examples(embedded_dir, threads=1)
    assert len(replay) >= len(REPLAY) // 2  # most replies end before the 96-token limit
    prompts = {tuple((m["role"], m["content"]) for m in messages) for messages, _ in replay}
    assert prompts <= set(REPLAY)
    assert any(len(messages) == 3 for messages, _ in replay)  # conversations keep their earlier turns
    assert all(reply.strip() for _, reply in replay)
    tokenizer = AutoTokenizer.from_pretrained(embedded_dir)
    recipe = Recipe("r", "lora", lr=1e-4, steps=1, mix=0.5, replay=True)
    _, general = build_examples(tokenizer, recipe, [], [], replay)
    assert len(general) == len(replay)
    for (ids, labels), (_, reply) in zip(general, replay):
        trained = tokenizer.decode([t for t, label in zip(ids, labels) if label != -100], skip_special_tokens=True)
        assert trained.strip() == reply.strip()[: len(trained.strip())] and trained.strip()  # only the reply is learned

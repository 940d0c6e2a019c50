"""The watcher on real models: looks in a plain loop and in transformers' Trainer, state restored, stop honoured."""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from browser import chromium, console_lines, needs_chromium

from capcheck.errors import CapcheckError
from capcheck.watch import Watcher
from capcheck.watch import report as watch_report

SUITES = ["grammar/minimal-pairs", "reasoning"]
"""Scored options and generated numbers: enough to exercise a look, fast on the tiny model."""


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(0)
    return AutoModelForCausalLM.from_pretrained(tiny_model_dir), AutoTokenizer.from_pretrained(tiny_model_dir)


def _quiet(_: str) -> None:
    pass


def test_a_look_restores_train_mode_dropout_and_every_random_generator(tiny) -> None:
    import torch

    model, tokenizer = tiny
    model.train()
    model.model.layers[0].self_attn.eval()  # a mixed state must come back as it was
    modes = [m.training for m in model.modules()]
    watcher = Watcher(looks=2, suites=SUITES, log=_quiet)
    random.seed(7), np.random.seed(7), torch.manual_seed(7)
    expected = (random.random(), np.random.rand(), torch.rand(3))
    random.seed(7), np.random.seed(7), torch.manual_seed(7)
    look = watcher.look(model, tokenizer, step=3)
    assert (random.random(), np.random.rand()) == expected[:2]
    assert torch.equal(torch.rand(3), expected[2])
    assert [m.training for m in model.modules()] == modes
    assert look is not None and look.step == 3 and [s.suite for s in look.suites] == SUITES
    assert all(p.grad is None for p in model.parameters())  # no_grad: the look leaves no gradients


def test_a_look_scores_like_the_gate_engine_on_the_same_model(tiny_model_dir: Path, tiny) -> None:
    """In-process scores equal those of the gate's own engine loading the same folder."""
    from capcheck import checkpoint, plan
    from capcheck.engines import EngineConfig, load_engine

    model, tokenizer = tiny
    watcher = Watcher(looks=1, suites=SUITES, log=_quiet)
    look = watcher.look(model, tokenizer, step=1)
    engine = load_engine("hf", checkpoint.resolve(str(tiny_model_dir)), EngineConfig())
    try:
        results = plan.run_suites(watcher.watched, engine)
    finally:
        engine.close()
    assert look is not None
    for seen in look.suites:
        cases = results[seen.suite].cases
        assert seen.score == pytest.approx(sum(c.score for c in cases) / len(cases), abs=1e-9)


def test_looks_past_the_plan_are_refused_with_a_warning(tiny, caplog: pytest.LogCaptureFixture) -> None:
    model, tokenizer = tiny
    watcher = Watcher(looks=1, suites=["grammar/minimal-pairs"], log=_quiet)
    assert watcher.look(model, tokenizer, 1) is not None
    assert watcher.look(model, tokenizer, 2) is None
    assert "past the 1 planned" in caplog.text
    assert len(watcher.timeline) == 1


def test_the_random_model_is_flagged_and_the_report_shows_it(tiny, tmp_path: Path) -> None:
    """A tiny random model has forgotten everything the embedded model's baselines hold."""
    model, tokenizer = tiny
    watcher = Watcher(looks=2, suites=SUITES, log=_quiet)
    watcher.look(model, tokenizer, 10)
    assert watcher.flagged and watcher.first_regression["grammar/minimal-pairs"] == 10
    assert watcher.last_clean_step is None
    watch_report.write(watcher, tmp_path / "watch.json")
    data = json.loads((tmp_path / "watch.json").read_text())
    assert data["first_regression"]["grammar/minimal-pairs"] == 10 and data["looks"][0]["step"] == 10
    watch_report.write(watcher, tmp_path / "watch.html")
    page = (tmp_path / "watch.html").read_text()
    assert 'class="flagged"' in page and "regressed at step 10" in page and "http" not in page.split("</style>")[1]


def test_bad_watcher_settings_are_refused_before_any_look(tmp_path: Path) -> None:
    with pytest.raises(CapcheckError, match="spending 'linear'"):
        Watcher(looks=4, spending="linear")
    with pytest.raises(CapcheckError, match="at least 1"):
        Watcher(looks=0)
    with pytest.raises(CapcheckError, match="no watch cases for suite"):
        Watcher(looks=2, suites=["nonsense"])
    with pytest.raises(CapcheckError, match="does not exist"):
        Watcher(looks=2, baselines=tmp_path / "none")
    (tmp_path / "reasoning.json").write_text('{"cases": [')
    with pytest.raises(CapcheckError, match="not valid JSON"):
        Watcher(looks=2, baselines=tmp_path, suites=["reasoning"])
    with pytest.raises(CapcheckError, match="suffix"):
        watch_report.check_path(tmp_path / "watch.txt")
    from capcheck.watch import CapcheckCallback

    with pytest.raises(CapcheckError, match="does not exist"):  # refused when made, before any training
        CapcheckCallback(looks=2, suites=["reasoning"], report=tmp_path / "no" / "watch.html", log=_quiet)


def _trainer(model, tokenizer, out: Path, callback, steps: int = 6, save_steps: int = 3):
    import torch
    from transformers import Trainer, TrainingArguments

    ids = tokenizer("The cat sat on the mat. " * 4, return_tensors="pt")["input_ids"][0]
    data = [{"input_ids": ids, "labels": ids} for _ in range(8)]
    args = TrainingArguments(output_dir=str(out), max_steps=steps, per_device_train_batch_size=2, learning_rate=1e-3,
                             save_steps=save_steps, save_strategy="steps", logging_strategy="no", report_to=[],
                             use_cpu=True, disable_tqdm=True, dataloader_num_workers=0)
    return Trainer(model=model, args=args, train_dataset=data, processing_class=tokenizer,
                   data_collator=lambda rows: {k: torch.stack([r[k] for r in rows]) for k in rows[0]},
                   callbacks=[callback])


def test_the_callback_looks_at_its_steps_in_a_real_trainer_and_restores_train_mode(tiny_model_dir: Path,
                                                                                   tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from capcheck.watch import CapcheckCallback

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    from transformers import TrainerCallback

    class Modes(TrainerCallback):  # runs after the watcher's on_step_end, so it sees what a look left
        seen: list[tuple[int, bool]] = []

        def on_step_end(self, args, state, control, model=None, **kwargs):
            self.seen.append((state.global_step, model.training))

    callback = CapcheckCallback(looks=2, suites=["grammar/minimal-pairs"], report=tmp_path / "watch.json", log=_quiet)
    trainer = _trainer(model, tokenizer, tmp_path / "run", callback)
    trainer.add_callback(Modes())
    trainer.train()
    assert [look.step for look in callback.watcher.timeline] == [3, 6]
    assert Modes.seen == [(step, True) for step in range(1, 7)]  # train mode again right after each look
    assert trainer.state.global_step == 6
    assert json.loads((tmp_path / "watch.json").read_text())["planned_looks"] == 2


def test_the_callback_stops_training_at_the_first_flag_and_names_no_good_checkpoint(tiny_model_dir: Path,
                                                                                   tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from capcheck.watch import CapcheckCallback

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    callback = CapcheckCallback(steps=[2, 4, 6], stop_on_regression=True, suites=["grammar/minimal-pairs"], log=_quiet)
    trainer = _trainer(model, tokenizer, tmp_path / "run", callback, save_steps=2)
    trainer.train()
    assert trainer.state.global_step == 2  # the random model is flagged at its first look
    assert [look.step for look in callback.watcher.timeline] == [2]
    assert callback.last_good_checkpoint is None


@needs_chromium
def test_chromium_draws_one_timeline_per_suite_with_its_boundary(tiny, tmp_path: Path) -> None:
    model, tokenizer = tiny
    watcher = Watcher(looks=2, suites=SUITES, log=_quiet)
    watcher.look(model, tokenizer, 4)
    watcher.look(model, tokenizer, 8)
    path = tmp_path / "watch.html"
    watch_report.write(watcher, path)
    run = chromium("--dump-dom", path.as_uri())
    assert run.returncode == 0 and console_lines(run.stderr) == []
    dom = run.stdout
    assert dom.count('<svg class="timeline"') == 2 and dom.count('class="boundary"') == 2
    assert dom.count('class="flagged"') >= 2 and "regressed at step 4" in dom


def test_a_model_in_another_dtype_than_the_baselines_is_warned_about(tiny, caplog: pytest.LogCaptureFixture) -> None:
    import copy

    import torch

    model, tokenizer = tiny
    half = copy.deepcopy(model).to(torch.bfloat16)
    watcher = Watcher(looks=1, suites=["grammar/minimal-pairs"], log=_quiet)
    watcher.look(half, tokenizer, 1)
    assert "recorded in float32 and the model trains in bfloat16" in caplog.text


def test_the_last_good_checkpoint_is_the_latest_saved_at_or_before_the_last_clean_look() -> None:
    from capcheck.watch import CapcheckCallback, Look, SuiteLook

    callback = CapcheckCallback(steps=[10, 20, 30], suites=["grammar/minimal-pairs"], log=_quiet)

    def look(index: int, step: int, flagged: bool) -> Look:
        seen = SuiteLook("grammar/minimal-pairs", "accuracy", "higher", 48, 0.85, 0.5 if flagged else 0.85,
                         0.35 if flagged else 0.0, 0.02, 1e-6 if flagged else 1.0, 1e-6 if flagged else 1.0, 0.8,
                         flagged)
        return Look(index, step, 0.02, 1.0, (seen,))

    callback.saved = [(5, "run/checkpoint-5"), (10, "run/checkpoint-10"), (15, "run/checkpoint-15"),
                      (20, "run/checkpoint-20"), (30, "run/checkpoint-30")]
    callback.watcher.timeline += [look(1, 10, False), look(2, 20, False), look(3, 30, True)]
    assert callback.watcher.last_clean_step == 20
    assert callback.last_good_checkpoint == "run/checkpoint-20"
    assert callback.watcher.first_regression == {"grammar/minimal-pairs": 30}

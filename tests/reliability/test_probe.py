"""The logits probe: recorded with every baseline, checked first whenever the baseline's own base
model loads, and a model that loads wrongly (an altered config field) stops with the likely causes."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from _project import SUITE_FILE, gate, one_line, read_json, snapshot

from capcheck import probe
from capcheck.errors import CheckpointError

ROOT = Path(__file__).parents[2]
BUILTIN_SUITES = ("fluency", "grammar/generation", "grammar/minimal-pairs", "instructions", "knowledge", "multi-turn",
                  "reasoning")


def alter_rope_theta(monkeypatch: pytest.MonkeyPatch, theta: float) -> None:
    """Load every hf model with another rope theta, as a library that misreads the config would."""
    from capcheck.engines import hf

    original = hf.model_config

    def altered(model: str, trust_remote_code: bool) -> Any:
        config = original(model, trust_remote_code)
        config.rope_parameters = dict(config.rope_parameters, rope_theta=theta)
        return config

    monkeypatch.setattr(hf, "model_config", altered)


@pytest.fixture(scope="module")
def peaky_model_dir(make_tiny_model) -> Path:
    """A tiny random model with large weights, so its log-probabilities depend on every config field."""
    return make_tiny_model("peaky-model", initializer_range=0.3, pad_token_id=None)


def test_recorded_probe_passes_and_an_altered_config_stops_the_gate(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], peaky_model_dir: Path,
) -> None:
    pytester.makepyfile(test_suites=SUITE_FILE)
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "hf"\nthreads = 1\n')
    model = ["--model", str(peaky_model_dir), "-k", "grammar"]
    code, out = gate(capsys, *model, record=True)
    assert code == 0, out
    stored = read_json(pytester.path / "baselines" / "peaky-model0" / "grammar.json")["probe"]
    assert stored["engine"] == "hf" and stored["dtype"] == "float32" and len(stored["items"]) == 13

    code, out = gate(capsys, *model)
    assert code == 0, out  # the same model, loaded the same way: the probe matches

    alter_rope_theta(monkeypatch, 1000.0)  # the model's own config says 10,000
    before = snapshot(pytester.path)
    code, out = gate(capsys, *model)
    assert code == 2, out
    text = one_line(out)
    assert "capcheck could not run:" in text
    assert "computes different log-probabilities than when its baselines were made: the logits probe" in text
    assert "tolerance 0.002) against the baseline" in text
    assert "The model loaded wrongly, so every verdict would be wrong; nothing was run. Likely causes: library " \
           "versions" in text
    assert "rope theta" in text and "the dtype (--dtype" in text and "--capcheck-record" in text
    assert snapshot(pytester.path) == before


def _probe(engine: str = "hf", dtype: str = "float32", shift: float = 0.0, tokens: int = 3) -> dict:
    return {"version": probe.PROBE_VERSION, "engine": engine, "dtype": dtype,
            "items": {"a": {"logprob": -5.0 + shift * tokens, "tokens": tokens}, "b": {"logprob": -7.0, "tokens": 4}}}


@pytest.mark.parametrize(("stored", "current", "moved", "passes"), [
    (("hf", "float32"), ("hf", "float32"), 1e-3, True),  # hf vs vLLM in float32 agree within 1e-3 per token
    (("hf", "float32"), ("hf", "float32"), 5e-3, False),
    (("hf", "float32"), ("vllm", "float32"), 0.05, True),  # another engine: the loose tolerance
    (("hf", "float32"), ("hf", "bfloat16"), 0.1, True),  # measured: bfloat16 moves up to 0.047
    (("hf", "bfloat16"), ("hf", "bfloat16"), 0.5, False),  # rope theta 10,000 moved 0.83
])
def test_tolerance_depends_on_dtype_and_engine(stored: tuple, current: tuple, moved: float, passes: bool) -> None:
    old, new = _probe(*stored), _probe(*current, shift=moved)
    if passes:
        probe.verify(old, new, "m", "b.json")
    else:
        with pytest.raises(CheckpointError, match="computes different log-probabilities"):
            probe.verify(old, new, "m", "b.json")


def test_a_tokenizer_change_is_named() -> None:
    with pytest.raises(CheckpointError, match=r"probe text\(s\) a now tokenize to a different number of tokens"):
        probe.verify(_probe(), _probe(tokens=5), "m", "b.json")
    # Another engine may split context and continuation differently: such items are skipped.
    probe.verify(_probe(), _probe(engine="openai", tokens=5), "m", "b.json")


def test_scripted_engine_gives_no_fingerprint() -> None:
    from capcheck.engines.scripted import ScriptedEngine

    assert probe.run(ScriptedEngine()) is None


def _committed_baselines() -> list[SimpleNamespace]:
    found = []
    for path in sorted((ROOT / "baselines" / "smollm2-135m-instruct").glob("*.json")):
        data = json.loads(path.read_text())
        found.append(SimpleNamespace(model=data["model"], data=data, path=path))
    return found


@pytest.mark.slow
def test_embedded_model_passes_the_committed_probe(embedded_dir: Path) -> None:
    from capcheck.checkpoint import resolve
    from capcheck.engines import EngineConfig, load_engine
    from capcheck.guard import verify_base_model

    baselines = _committed_baselines()
    assert sorted(b.data["suite"]["name"] for b in baselines) == sorted(BUILTIN_SUITES)
    assert all("probe" in b.data for b in baselines)
    engine = load_engine("hf", resolve(None), EngineConfig(dtype="float32"))
    try:
        assert verify_base_model(engine, resolve(None), baselines) is True
    finally:
        engine.close()


DRIVER = textwrap.dedent('''
    import sys
    from capcheck.engines import hf
    original = hf.model_config
    def altered(model, trust_remote_code):
        config = original(model, trust_remote_code)
        config.rope_parameters = dict(config.rope_parameters, rope_theta=10000.0)  # SmolLM2 says 100,000
        return config
    hf.model_config = altered
    from capcheck.cli import main
    sys.exit(main(["gate", "--suites", "suites", "-k", "fluency", "--engine", "hf", "--capcheck-no-cache"]))
''')


@pytest.mark.slow
def test_embedded_model_loaded_with_rope_theta_10k_stops_the_real_gate(embedded_dir: Path) -> None:
    """The peer tool's bug: SmolLM2 loaded with rope theta 10,000 instead of 100,000."""
    before = snapshot(ROOT / "baselines")
    run = subprocess.run([sys.executable, "-c", DRIVER], cwd=ROOT, capture_output=True, text=True, timeout=900)
    text = one_line(run.stdout + run.stderr)
    assert run.returncode == 2, text[-3000:]
    assert "smollm2-135m-instruct computes different log-probabilities than when its baselines were made" in text
    assert "(recorded with hf, float32); now hf, float32" in text and "nothing was run" in text
    assert "0 requests" in text or "requests" not in text.split("capcheck summary")[-1]  # no suite inference
    assert snapshot(ROOT / "baselines") == before


@pytest.fixture(scope="module")
def lora_dir(tmp_path_factory: pytest.TempPathFactory, peaky_model_dir: Path) -> Path:
    """A LoRA adapter on the peaky model that really changes its outputs (random, not zero, B)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(1)
    base = AutoModelForCausalLM.from_pretrained(peaky_model_dir)
    model = get_peft_model(base, LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
    out = tmp_path_factory.mktemp("lora")
    model.save_pretrained(out)
    config = json.loads((out / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = str(peaky_model_dir)
    (out / "adapter_config.json").write_text(json.dumps(config))
    return out


def test_adapter_probe_scores_the_base_with_the_adapter_off(peaky_model_dir: Path, lora_dir: Path) -> None:
    from capcheck.checkpoint import Checkpoint
    from capcheck.engines import EngineConfig, load_engine

    base = load_engine("hf", Checkpoint(model=str(peaky_model_dir)), EngineConfig(threads=1))
    stored = probe.run(base)
    base.close()
    tuned = load_engine("hf", Checkpoint(model=str(peaky_model_dir), adapter=lora_dir), EngineConfig(threads=1))
    try:
        probe.verify(stored, probe.run(tuned, base_only=True), "base", "b.json")  # adapter off: the base model
        with pytest.raises(CheckpointError):  # adapter on: another model, so the switch matters
            probe.verify(stored, probe.run(tuned), "base", "b.json")
    finally:
        tuned.close()


def test_adapter_on_a_wrongly_loaded_base_stops_the_gate(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    peaky_model_dir: Path, lora_dir: Path,
) -> None:
    pytester.makepyfile(test_suites=SUITE_FILE)
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "hf"\nthreads = 1\n')
    code, out = gate(capsys, "--model", str(peaky_model_dir), "-k", "grammar", record=True)
    assert code == 0, out
    adapter = ["--model", str(peaky_model_dir), "--adapter", str(lora_dir), "-k", "grammar"]
    code, out = gate(capsys, *adapter)
    assert code in (0, 1) and "computes different log-probabilities" not in out  # judged, not stopped
    alter_rope_theta(monkeypatch, 1000.0)
    code, out = gate(capsys, *adapter)
    assert code == 2 and "computes different log-probabilities" in one_line(out), out

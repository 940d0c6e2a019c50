"""The lm-eval adapter and the conversion of logged samples into capcheck results."""
from __future__ import annotations

from pathlib import Path

import pytest
from lm_eval import simple_evaluate
from lm_eval.api.instance import Instance
from lm_eval.tasks import TaskManager

from capcheck.engines.scripted import ScriptedEngine
from capcheck.errors import CapcheckError
from capcheck.lmeval.adapter import EngineLM, decoding_from
from capcheck.lmeval.suite import LMEvalSuite, run_lm_eval, to_suite_result
from capcheck.plan import RunStats
from capcheck.requests import Decoding


def _instance(kind: str, args: tuple, doc_id: int = 0) -> Instance:
    return Instance(request_type=kind, doc={}, arguments=args, idx=0, metadata=("t", doc_id, 1))


def test_requests_are_deduplicated_and_answered_in_order() -> None:
    engine = ScriptedEngine(score=lambda context, text: -float(len(text)))
    stats = RunStats()
    lm = EngineLM(engine, stats)
    pairs = [("Q:", " a"), ("Q:", " bbb"), ("Q:", " a"), ("Other", " cc")]
    out = lm.loglikelihood([_instance("loglikelihood", p) for p in pairs])
    assert [lp for lp, _ in out] == [-2.0, -4.0, -2.0, -3.0]
    assert engine.calls == [("loglikelihood", 3)]  # one call, duplicates sent once
    assert stats.requested == 4 and stats.unique == 3
    rolled = lm.loglikelihood_rolling([_instance("loglikelihood_rolling", ("some text",))])
    assert rolled == [-9.0]
    texts = lm.generate_until([_instance("generate_until", ("Hi", {"until": ["\n"], "max_gen_toks": 5}))])
    assert texts[0].startswith("reply-")


def test_generation_settings_are_translated_or_refused() -> None:
    assert decoding_from({"until": ["\n\n", "Q:"], "max_gen_toks": 9, "do_sample": False, "temperature": 0.7}) == \
        Decoding(temperature=0.0, max_tokens=9, stop=("\n\n", "Q:"))
    assert decoding_from({"until": "END", "do_sample": True, "temperature": 0.5}).temperature == 0.5
    with pytest.raises(CapcheckError, match="top_p"):
        decoding_from({"until": [], "top_p": 0.9}, "some_task")


def test_chat_templates_are_refused_clearly() -> None:
    with pytest.raises(CapcheckError, match="apply_chat_template"):
        EngineLM(ScriptedEngine()).apply_chat_template([{"role": "user", "content": "hi"}])


@pytest.fixture(scope="module")
def group_run(task_dir: Path) -> dict:
    """lm-eval's own evaluation of the local group, answered by the scripted engine."""
    lm = EngineLM(ScriptedEngine(reply=lambda prompt: " 12"))
    return simple_evaluate(model=lm, tasks=["capcheck_arith"], log_samples=True, bootstrap_iters=0,
                           task_manager=TaskManager(include_path=str(task_dir), include_defaults=False))


def test_cases_reproduce_lm_evals_own_scores(group_run: dict) -> None:
    for task, metric in (("capcheck_arith_mc", "acc"), ("capcheck_arith_gen", "exact_match")):
        _, result = to_suite_result(LMEvalSuite(task, metric_name=metric), group_run)
        assert len(result.cases) == 24
        assert result.score == pytest.approx(group_run["results"][task][f"{metric},none" if metric == "acc" else f"{metric},strip"])
        assert result.cases[3].id == f"{task}/3"
    _, gen = to_suite_result(LMEvalSuite("capcheck_arith_gen"), group_run)
    assert {c.output for c in gen.cases} == {"12"}  # the filtered response (leading space removed)
    assert sum(c.score for c in gen.cases) >= 1  # some answers really are 12


def test_a_group_is_one_suite_with_a_category_per_task(group_run: dict) -> None:
    suite = LMEvalSuite("capcheck_arith", metric_name="acc")
    with pytest.raises(CapcheckError, match="no per-sample metric 'acc'.*exact_match"):
        to_suite_result(suite, group_run)  # the generation task has no acc


def test_fingerprint_covers_version_config_and_data(group_run: dict, task_dir: Path) -> None:
    unresolved = LMEvalSuite("capcheck_arith_mc")
    with pytest.raises(CapcheckError, match="not been run"):
        unresolved.fingerprint  # noqa: B018
    suite, result = to_suite_result(unresolved, group_run)
    assert unresolved.resolution is None  # the run gives a resolved copy; the suite itself is unchanged
    assert "capcheck_arith_mc v1.0 config " in suite.version and result.fingerprint == suite.fingerprint
    again, _ = to_suite_result(LMEvalSuite("capcheck_arith_mc"), group_run)
    assert again.fingerprint == suite.fingerprint and again == unresolved  # equal as definitions
    quick = suite.quick()
    assert quick.limit == 60 and quick.fingerprint == suite.fingerprint  # the quick copy keeps the resolution
    config = group_run["configs"]["capcheck_arith_mc"]
    changed = dict(group_run, configs=dict(group_run["configs"], capcheck_arith_mc=dict(config, doc_to_text="Q: {{question}}")))
    other, _ = to_suite_result(LMEvalSuite("capcheck_arith_mc"), changed)
    assert other.fingerprint != suite.fingerprint


def test_corpus_metrics_unknown_tasks_and_missing_folders_are_clear_errors(task_dir: Path) -> None:
    with pytest.raises(CapcheckError, match="not a per-sample number"):
        run_lm_eval([LMEvalSuite("capcheck_text_ppl", include=str(task_dir))], ScriptedEngine(), RunStats())
    with pytest.raises(CapcheckError, match="no such folder"):
        run_lm_eval([LMEvalSuite("x", include=str(task_dir / "nope"))], ScriptedEngine(), RunStats())


def test_hub_datasets_offline_fail_with_a_clear_error(task_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    (tmp_path / "hub_task.yaml").write_text(
        "task: capcheck_hub_task\ndataset_path: capcheck-test/not-a-local-dataset\ntest_split: test\n"
        "output_type: multiple_choice\ndoc_to_text: q\ndoc_to_choice: ['a', 'b']\ndoc_to_target: 0\n"
        "metric_list:\n  - metric: acc\n")
    with pytest.raises(CapcheckError, match="could not run task.*capcheck_hub_task.*hub"):
        run_lm_eval([LMEvalSuite("capcheck_hub_task", include=str(tmp_path))], ScriptedEngine(), RunStats())

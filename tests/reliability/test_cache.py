"""The result cache: keys, exact round trip, chunked commits, sharing, damage, and its switches."""
from __future__ import annotations

import json
import math
import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capcheck import cache as cache_mod
from capcheck.cache import (
    CacheContext,
    ResultCache,
    context_for,
    decode_result,
    encode_result,
    request_key,
)
from capcheck.checkpoint import Checkpoint
from capcheck.cli import main as cli_main
from capcheck.engines.base import EngineConfig, EngineInfo
from capcheck.engines.cached import CachedEngine, chunk_size
from capcheck.engines.scripted import ScriptedEngine
from capcheck.errors import CapcheckError
from capcheck.requests import (
    Completion,
    Decoding,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    Message,
    RollingRequest,
    chat,
)

CONTEXT = CacheContext({"model": "m", "engine": "scripted-test"})


def make_requests(n: int = 40) -> list[GenerateRequest]:
    # Lengths vary, and two decodings are mixed, so chunking must sort and group.
    return [GenerateRequest(chat(("user", "x" * (i * 7 % 23) + f" q{i}")), Decoding(max_tokens=8 + i % 2))
            for i in range(n)]


class Loader:
    """A load() for CachedEngine that counts how often the real engine was built."""

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.loads = 0
        self.engine = ScriptedEngine()
        self.fail_on_call = fail_on_call

    def __call__(self) -> ScriptedEngine:
        self.loads += 1
        if self.fail_on_call is not None:
            original, limit = self.engine.generate, self.fail_on_call

            def generate(requests: Any) -> list[Completion]:
                if len(self.engine.calls) + 1 >= limit:
                    raise KeyboardInterrupt  # as a SIGINT in the middle of a run
                return original(requests)

            self.engine.generate = generate  # type: ignore[method-assign]
        return self.engine


def cached(directory: Path, loader: Loader, chunk: int = 8, context: CacheContext = CONTEXT) -> CachedEngine:
    return CachedEngine(loader, ResultCache(directory), context, chunk=chunk)


def test_a_second_pass_is_answered_from_the_cache_without_loading_the_engine(tmp_path: Path) -> None:
    requests = make_requests()
    first_loader = Loader()
    first = cached(tmp_path, first_loader)
    expected = first.generate(requests)
    info = first.info
    first.close()
    assert first_loader.loads == 1 and (first.stats.hits, first.stats.misses) == (0, 40)
    assert expected == ScriptedEngine().generate(requests)  # order restored after sorting and chunking

    again_loader = Loader()
    again = cached(tmp_path, again_loader)
    assert again.generate(requests) == expected
    assert again.info == info  # engine info comes from the cache too
    again.close()
    assert again_loader.loads == 0 and (again.stats.hits, again.stats.misses) == (40, 0)
    assert first.stats.model_loaded and not again.stats.model_loaded


def test_only_misses_reach_the_engine_in_sorted_chunks_of_one_decoding(tmp_path: Path) -> None:
    requests = make_requests()
    warm = cached(tmp_path, Loader())
    warm.generate(requests[:10])
    warm.close()
    loader = Loader()
    engine = cached(tmp_path, loader)
    sent: list[list[GenerateRequest]] = []
    real_generate = loader.engine.generate
    loader.engine.generate = lambda batch: sent.append(list(batch)) or real_generate(batch)  # type: ignore[method-assign]
    assert engine.generate(requests) == ScriptedEngine().generate(requests)
    flat = [r for chunk in sent for r in chunk]
    assert len(flat) == 30 and not set(flat) & set(requests[:10])
    for chunk in sent:
        assert len(chunk) <= 8 and len({r.decoding for r in chunk}) == 1
        lengths = [len(r.prompt[0].content) for r in chunk]  # type: ignore[index,union-attr]
        assert lengths == sorted(lengths, reverse=True)


def test_an_interrupted_run_keeps_its_committed_chunks_and_resumes_identically(tmp_path: Path) -> None:
    requests = make_requests()
    reference = cached(tmp_path / "reference", Loader()).generate(requests)
    broken = Loader(fail_on_call=3)
    engine = cached(tmp_path / "run", broken)
    with pytest.raises(KeyboardInterrupt):
        engine.generate(requests)
    engine.close()
    stored = ResultCache(tmp_path / "run").summary()["entries"]
    assert stored == 16  # two chunks of 8 were committed before the interruption

    resumed_loader = Loader()
    resumed = cached(tmp_path / "run", resumed_loader)
    assert resumed.generate(requests) == reference
    assert (resumed.stats.hits, resumed.stats.misses) == (16, 24)
    assert sum(n for _, n in resumed_loader.engine.calls) == 24


def test_each_kind_round_trips_and_kinds_do_not_mix(tmp_path: Path) -> None:
    scored = [LoglikelihoodRequest(chat(("user", f"q{i}")), f" a{i}") for i in range(5)]
    rolled = [RollingRequest(f"text {i}") for i in range(5)]
    first = cached(tmp_path, Loader())
    expected = (first.loglikelihood(scored), first.loglikelihood_rolling(rolled))
    first.close()
    again = cached(tmp_path, Loader())
    assert (again.loglikelihood(scored), again.loglikelihood_rolling(rolled)) == expected
    assert again.stats.misses == 0


@settings(max_examples=200, deadline=None)
@given(text=st.text(), n=st.integers(0, 10**6), finish=st.sampled_from(["stop", "length"]),
       logprob=st.floats(allow_nan=True, allow_infinity=True), greedy=st.booleans())
def test_results_round_trip_exactly(text: str, n: int, finish: str, logprob: float, greedy: bool) -> None:
    completion = Completion(text, n, finish)  # type: ignore[arg-type]
    assert decode_result("generate", encode_result(completion)) == completion
    back = decode_result("loglikelihood", encode_result(Loglikelihood(logprob, n, greedy)))
    assert isinstance(back, Loglikelihood)
    assert (math.isnan(back.logprob) and math.isnan(logprob)) or repr(back.logprob) == repr(logprob)
    assert (back.n_tokens, back.is_greedy) == (n, greedy)


def test_stored_values_survive_the_database(tmp_path: Path) -> None:
    store = ResultCache(tmp_path)
    values = [Loglikelihood(-1 / 3, 3, True), Loglikelihood(-0.0, 1), Loglikelihood(-1e-320, 2),
              Completion("é\u0000\x1b[31m \ud800 end", 5, "length")]
    store.put_many("c", "x", [(str(i), encode_result(v)) for i, v in enumerate(values)])
    store.close()
    found = ResultCache(tmp_path).get_many("c", [str(i) for i in range(len(values))])
    for i, value in enumerate(values):
        kind = "generate" if isinstance(value, Completion) else "loglikelihood"
        assert repr(decode_result(kind, found[str(i)][1])) == repr(value)


def test_request_keys_change_with_everything_that_changes_the_answer() -> None:
    base = GenerateRequest(chat(("user", "hi")), Decoding())
    variants = [
        GenerateRequest(chat(("user", "hi ")), Decoding()),
        GenerateRequest(chat(("system", "hi")), Decoding()),
        GenerateRequest("user: hi", Decoding()),
        GenerateRequest(chat(("user", "hi")), Decoding(max_tokens=127)),
        GenerateRequest(chat(("user", "hi")), Decoding(temperature=0.5)),
        GenerateRequest(chat(("user", "hi")), Decoding(stop=("\n",))),
        GenerateRequest(chat(("user", "hi")), Decoding(seed=1)),
        LoglikelihoodRequest(chat(("user", "hi")), ""),
        LoglikelihoodRequest("hi", "x"),
        RollingRequest("hi"),
    ]
    keys = [request_key(r) for r in [base, *variants]]
    assert len(set(keys)) == len(keys)
    assert request_key(GenerateRequest((Message("user", "hi"),), Decoding(temperature=0))) == keys[0]


def fake_model(root: Path, weights: bytes = b"w" * 64, template: str = "{{ messages }}") -> Path:
    root.mkdir(parents=True)
    (root / "config.json").write_text(json.dumps({"model_type": "llama", "hidden_size": 8}))
    (root / "model.safetensors").write_bytes(weights)
    (root / "chat_template.jinja").write_text(template)
    return root


def test_contexts_change_with_checkpoint_engine_dtype_and_options(tmp_path: Path) -> None:
    model = Checkpoint(str(fake_model(tmp_path / "a")))
    same_copy = Checkpoint(str(fake_model(tmp_path / "copy")))
    other_weights = Checkpoint(str(fake_model(tmp_path / "b", weights=b"v" * 64)))
    other_template = Checkpoint(str(fake_model(tmp_path / "c", template="{{ other }}")))
    config = EngineConfig()

    def key(checkpoint: Checkpoint = model, engine: str = "hf", cfg: EngineConfig = config) -> str:
        context = context_for(checkpoint, engine, cfg)
        assert context is not None
        return context.key

    keys = [key(), key(other_weights), key(other_template), key(engine="vllm"),
            key(cfg=EngineConfig(dtype="bfloat16")), key(cfg=EngineConfig(trust_remote_code=True)),
            key(cfg=EngineConfig(extra={"max_model_len": 512}))]
    assert len(set(keys)) == len(keys)
    assert key(same_copy) == key()  # a copied model reuses the cache: the content decides
    assert key(cfg=EngineConfig(batch_size=7, threads=1)) == key()  # how it is batched does not
    assert context_for(model, "scripted", config) is None  # a test double is never cached
    assert context_for(model, "openai", config) is None  # nor a server whose model can change
    assert context_for(Checkpoint("org/some-model"), "hf", config) is None  # a hub id can change under us


def test_a_library_upgrade_is_a_new_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = Checkpoint(str(fake_model(tmp_path / "m")))
    before = context_for(model, "hf", EngineConfig())
    real = cache_mod.metadata.version
    monkeypatch.setattr(cache_mod.metadata, "version", lambda name: "99.0" if name == "transformers" else real(name))
    after = context_for(model, "hf", EngineConfig())
    assert before is not None and after is not None and before.key != after.key


def test_chunks_are_whole_engine_batches() -> None:
    assert chunk_size(32) == 256 and chunk_size(48) == 288 and chunk_size(1000) == 1000


def _writer(directory: str, worker: int, queue: Any) -> None:
    store = ResultCache(Path(directory))
    for chunk in range(40):
        store.put_many("shared", "x", [(f"{worker}-{chunk}-{i}", str(i)) for i in range(25)])
        store.put_many("shared", "x", [(f"common-{chunk}-{i}", str(i)) for i in range(5)])
        store.get_many("shared", [f"{1 - worker}-{chunk}-{i}" for i in range(25)])
    store.close()
    queue.put(worker)


def test_two_processes_share_one_cache(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_writer, args=(str(tmp_path), w, queue)) for w in (0, 1)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
    assert [p.exitcode for p in workers] == [0, 0]
    assert sorted(queue.get(timeout=5) for _ in workers) == [0, 1]
    store = ResultCache(tmp_path)
    assert store.summary()["entries"] == 2 * 40 * 25 + 40 * 5
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_damaged_cache_file_is_set_aside_and_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    garbage = b"this is not a database" * 100
    (tmp_path / cache_mod.DB_NAME).write_bytes(garbage)
    store = ResultCache(tmp_path)
    assert "could not be read" in caplog.text and "new, empty cache" in caplog.text
    assert store.warnings and store.summary()["entries"] == 0
    aside = list(tmp_path.glob(cache_mod.DB_NAME + ".broken-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage  # kept for a person to look at
    engine = CachedEngine(Loader(), store, CONTEXT)
    assert len(engine.generate(make_requests(3))) == 3
    assert any("could not be read" in w for w in engine.stats.warnings)


def test_a_locked_cache_gives_a_clear_error(tmp_path: Path) -> None:
    ResultCache(tmp_path).close()
    holder = sqlite3.connect(tmp_path / cache_mod.DB_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(CapcheckError) as caught:
            ResultCache(tmp_path, timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = str(caught.value)
    assert "locked by another process" in message and "--capcheck-no-cache" in message
    assert "--capcheck-cache-dir" in message


def test_a_lock_answered_at_once_while_opening_is_waited_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite can refuse a lock at once while a new file switches to WAL, without waiting its
    busy timeout (seen when several sessions start together); opening retries until the timeout."""
    real_open = ResultCache._open
    refusals = []

    def busy_twice(self: ResultCache) -> sqlite3.Connection:
        if len(refusals) < 2:
            refusals.append(1)
            raise sqlite3.OperationalError("database is locked")
        return real_open(self)

    monkeypatch.setattr(ResultCache, "_open", busy_twice)
    store = ResultCache(tmp_path, timeout=5)
    store.put_many("shared", "x", [("k", "v")])
    assert len(refusals) == 2 and store.get_many("shared", ["k"]) == {"k": ("x", "v")}
    store.close()


def test_an_unwritable_cache_folder_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(CapcheckError, match="cannot create the result cache folder .* --capcheck-no-cache"):
        ResultCache(tmp_path / "file" / "cache")


def test_cache_info_and_clear_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    engine = cached(tmp_path / "c", Loader())
    engine.generate(make_requests(12))
    engine.cache.remember(CacheContext({"model": "m2", "engine": "hf"}), EngineInfo("hf", "t", "float32"))
    engine.close()
    (tmp_path / "c" / f"{cache_mod.DB_NAME}.broken-1").write_bytes(b"old")
    assert cli_main(["cache", "info", "--dir", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert "12 cached results" in out and "model m2" in out
    assert cli_main(["cache", "clear", "--dir", str(tmp_path / "c")]) == 0
    assert "12 cached results" in capsys.readouterr().out
    assert ResultCache(tmp_path / "c").summary()["entries"] == 0
    assert not list((tmp_path / "c").glob("*.broken-*"))
    assert cli_main(["cache", "clear", "--dir", str(tmp_path / "none")]) == 0  # nothing to clear is fine
    assert "0 cached results" in capsys.readouterr().out


def test_cache_clear_uses_the_project_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.capcheck]\ncache_dir = "elsewhere"\n')
    engine = cached(tmp_path / "elsewhere", Loader())
    engine.generate(make_requests(3))
    engine.close()
    monkeypatch.chdir(tmp_path)
    from capcheck.cli import main

    assert main(["cache", "clear"]) == 0
    assert "elsewhere: 3 cached results" in capsys.readouterr().out


SMALL_SUITE = '''
from capcheck import ChoiceCase, Suite, suite_test
grammar = Suite("grammar", tuple(ChoiceCase(id=f"p/{i}", options=(f"good {i}", f"bad {i}"), answer=0) for i in range(6)))
test_grammar = suite_test(grammar)
'''


def test_plugin_switches_and_summary(pytester: pytest.Pytester, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real hf engine on a tiny model: --capcheck-no-cache, cache_dir, --capcheck-cache-dir, the summary."""
    pytester.makepyfile(test_suites=SMALL_SUITE)
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "hf"\ncache_dir = "cc"\n')
    monkeypatch.setenv("NO_COLOR", "1")
    args = ("--model", str(tiny_model_dir), "-p", "no:cacheprovider", "--capcheck-threads", "1")

    off = pytester.runpytest(*args, "--capcheck-record", "--capcheck-no-cache")
    off.assert_outcomes(passed=1)
    assert "from the cache" not in off.stdout.str() and not (pytester.path / "cc").exists()

    first = pytester.runpytest(*args)
    first.assert_outcomes(passed=1)
    first.stdout.fnmatch_lines(["*; cache */cc: 0 of 12 requests from the cache*"])
    second = pytester.runpytest(*args)
    second.assert_outcomes(passed=1)
    second.stdout.fnmatch_lines(["*; cache */cc: 12 of 12 requests from the cache, model not loaded*"])
    assert "grammar" in second.stdout.str() and "+0.0000" in second.stdout.str()

    other = pytester.runpytest(*args, "--capcheck-cache-dir", "other")
    other.stdout.fnmatch_lines(["*; cache */other: 0 of 12 requests from the cache*"])
    assert (pytester.path / "other" / cache_mod.DB_NAME).is_file()


WRITING_SUITE = '''
from capcheck import CheckSpec, ChoiceCase, CompletionCase, Suite, suite_test, user
from capcheck.checks import register
from capcheck.checks.writing import lint_errors

@register("lints_clean")  # a tiny random model writes no words, so lint a sentence around its reply
def lints_clean(output):
    return not lint_errors("Teh cat sat on the mat. " + output)

grammar = Suite("grammar", tuple(ChoiceCase(id=f"p/{i}", options=(f"good {i}", f"bad {i}"), answer=0) for i in range(4)))
writing = Suite("writing", tuple(
    CompletionCase(id=f"w/{i}", prompt=user(f"Write about the number {i}."), max_tokens=24,
                   checks=(CheckSpec.make("lints_clean"),)) for i in range(3)))
test_grammar = suite_test(grammar)
test_writing = suite_test(writing)
'''

HEAVY_MODULES_PROBE = '''
import json, os, sys
HEAVY = {"torch", "transformers", "vllm", "harper", "jsonschema"}
def pytest_sessionfinish(session):
    with open(os.environ["CAPCHECK_TEST_PROBE"], "a") as handle:
        handle.write(json.dumps(sorted(HEAVY & {name.split(".")[0] for name in sys.modules})) + "\\n")
'''


def test_a_fully_cached_rerun_imports_no_model_library(pytester: pytest.Pytester, tiny_model_dir: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh process answered wholly by the cache never imports torch, transformers or vllm,
    nor harper (lints are kept in the cache) or jsonschema (unchanged files were validated before)."""
    pytester.makepyfile(test_suites=WRITING_SUITE)
    pytester.makeconftest(HEAVY_MODULES_PROBE)
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "hf"\n')
    probe = pytester.path / "modules.jsonl"
    monkeypatch.setenv("CAPCHECK_TEST_PROBE", str(probe))
    monkeypatch.setenv("NO_COLOR", "1")
    args = ("--model", str(tiny_model_dir), "-p", "no:cacheprovider", "--capcheck-threads", "1")

    pytester.runpytest_subprocess(*args, "--capcheck-record").assert_outcomes(passed=2)
    rerun = pytester.runpytest_subprocess(*args)
    rerun.assert_outcomes(passed=2)
    rerun.stdout.fnmatch_lines(["*cache *: 11 of 11 requests from the cache, model not loaded*"])
    first, second = (json.loads(line) for line in probe.read_text().splitlines())
    assert first == ["harper", "jsonschema", "torch", "transformers"], "the first run must lint and load the model"
    assert second == []

"""A capcheck session: one checkpoint, one engine, one batched plan, one verdict per suite.

Used by the pytest plugin (and through it by the CLI). Runs lazily, once, at the
first capability test, for every suite selected in the session.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterator, TextIO

from capcheck import baseline as baselines
from capcheck import checkpoint as checkpoints
from capcheck import embedded, guard, health, noise, probe
from capcheck.baseline_store import BaselineStore, open_store
from capcheck.cache import context_for
from capcheck.checkpoint import Checkpoint
from capcheck.checks import memo as check_memo
from capcheck.engines import EngineConfig, check_options, load_engine, pick_engine
from capcheck.engines.base import Engine, EngineInfo
from capcheck.engines.cached import CachedEngine, open_engine
from capcheck.errors import BaselineError, CapcheckError
from capcheck.lmeval.suite import LMEvalSuite
from capcheck.modes import Calibrate, Judge, Mode, Record
from capcheck.outcome import SessionOutcome, SessionReport
from capcheck.plan import run_suites
from capcheck.progress import InferenceProgress, can_show
from capcheck.record_command import record_command
from capcheck.results import SuiteResult
from capcheck.settings import Settings
from capcheck.suite import GatedSuite, Suite
from capcheck.verdict import Policy, Verdict

log = logging.getLogger(__name__)


class CapcheckSession:
    """Holds the selected suites; runs them all the first time a verdict is asked for."""

    def __init__(self, settings: Settings, rootdir: Path, record_command: str = "pytest",
                 invocation_dir: Path | None = None) -> None:
        self.settings = settings
        self.rootdir = rootdir
        self.invocation_dir = invocation_dir or Path.cwd()
        """Where relative output paths (--capcheck-report) are taken from."""
        self.suites: dict[str, Suite | LMEvalSuite] = {}
        self.suite_files: dict[str, str] = {}
        self.suite_tests: dict[str, str] = {}
        """Each suite's pytest test name (what -k selects), where the plugin saw it."""
        self.verdicts: dict[str, Verdict] = {}
        self.results: dict[str, SuiteResult] = {}
        self.baselines: dict[str, baselines.Baseline] = {}
        """The baselines compared with, by suite name (for the report's fingerprints)."""
        self.noise_floors: dict[str, noise.NoiseFloor] = {}
        """The stored noise floors, read by the preflight for judging (calibrating measures new ones)."""
        self.report = SessionReport()
        self.progress_stream: TextIO | None = None
        self.uncaptured: Callable[[], ContextManager[None]] | None = None
        self.probe: dict | None = None
        """The base model's logits probe, when recording (capcheck.probe)."""
        self.policy = Policy(alpha=settings.alpha, inconclusive_fails=settings.inconclusive == "fail",
                             tolerance=settings.tolerance, holm=settings.holm)
        self.engine_name = pick_engine(settings.engine)
        self.record_command = record_command
        self._error: Exception | None = None
        self._ran = False
        self._checkpoint: Checkpoint | None = None
        self.store: BaselineStore | None = None
        """Where baselines are read and recorded (set by preflight)."""
        self._expected: dict[str, baselines.Baseline] | None = None

    def add_suite(self, suite: Suite | LMEvalSuite, source: str = "", test: str = "") -> None:
        """Add a selected suite; `source` is its file as the user would type it, `test` its test's name."""
        known = self.suites.get(suite.name)
        if known is not None and not _same_suite(known, suite):
            raise CapcheckError(f"two different suites are named '{suite.name}' ({self.suite_files[suite.name]} and {source}); rename one.")
        self.suites[suite.name] = suite
        self.suite_files[suite.name] = source
        if test:
            self.suite_tests[suite.name] = test

    def preflight(self) -> None:
        """Everything that can be checked before a model loads; raises CapcheckError with the fix.

        The explicit --model / --adapter (files and headers, no weights), the baselines
        folder and every selected suite's baseline (readable, schema-valid, recorded for
        this version of the suite), a quick recording that would shrink a full baseline,
        and the report outputs. A failure here costs seconds, not a whole run.
        """
        try:
            self._preflight()
        except CapcheckError as exc:
            self._ran, self._error = True, exc  # so --capcheck-report still says why
            raise

    def _preflight(self) -> None:
        settings = self.settings
        from capcheck.report import outputs

        outputs.check(settings, self.invocation_dir)
        check_options(self.engine_name, dict(settings.engine_extra))
        lm_eval = [s for s in self.suites.values() if isinstance(s, LMEvalSuite)]
        if lm_eval:  # a task name lm-eval does not know says more than its missing baseline
            from capcheck.lmeval.suite import check_tasks

            check_tasks(lm_eval)
        if settings.adapter is None and settings.model in (None, embedded.ALIAS):
            folder, same_as_embedded = embedded.ALIAS, lambda: True  # converted on first use, when the session runs
        else:
            checkpoint = self._resolve_checkpoint()
            folder = checkpoint.base_slug
            same_as_embedded = lambda: checkpoint.is_local and embedded.same_architecture(Path(checkpoint.model))  # noqa: E731
        from capcheck.builtin import baselines_dir

        self.store = open_store(
            (self.rootdir / settings.baselines).resolve(), baselines_dir(), folder, base=settings.base,
            record=settings.record, explicit_root=settings.baselines != "baselines", same_as_embedded=same_as_embedded,
        )
        if settings.record:
            self._check_no_shrink()
            return
        self._expected = {}
        problems: list[str] = []
        for name, suite in self.suites.items():
            known = suite.fingerprint if isinstance(suite, Suite) else None  # an lm-eval suite's: once it ran
            found = baselines.lookup(self.store.path(suite.slug), suite, self.record_hint(suite), known)
            if found.status == "found" and found.baseline is not None:
                self._expected[name] = found.baseline
            else:
                problems.append(found.problem)
        if problems:
            count = f"{len(problems)} of {len(self.suites)} suites" if len(self.suites) > 1 else "the suite"
            raise BaselineError(f"baselines are not usable for {count} (nothing was run):\n- " + "\n- ".join(problems))
        if not settings.calibrate:
            self.noise_floors = noise.read(self.store.noise_directory())

    def _check_no_shrink(self) -> None:
        """A quick recording must not replace a fuller baseline: later full gates would compare only its subset."""
        if not self.settings.quick:
            return
        assert self.store is not None
        for suite in self.suites.values():
            if not isinstance(suite, Suite):
                continue
            path = self.store.directory / f"{suite.slug}.json"
            try:
                held = len(baselines.read(path, suite, self.record_hint(suite)).result.cases)
            except BaselineError:
                continue  # nothing usable to lose: a missing or broken file is replaced
            quick = len(suite.quick().cases)
            if held > quick:
                raise BaselineError(
                    f"{path} holds {held} cases of suite '{suite.name}'; a --capcheck-quick recording would "
                    f"replace it with {quick}, and from then on full gates would compare only those. Re-record "
                    f"in full (leave out --capcheck-quick):\n    {self.record_hint(suite)}\n"
                    "or, to keep only the quick cases on purpose, delete the file first."
                )

    def _stale_message(self, suite: GatedSuite, found: baselines.Baseline) -> str:
        return baselines.stale_message(found, suite.fingerprint, self.record_hint(suite))

    def _resolve_checkpoint(self) -> Checkpoint:
        """--model / --adapter as a checked Checkpoint, resolved once per session."""
        if self._checkpoint is None:
            settings = self.settings
            self._checkpoint = checkpoints.resolve(settings.model, settings.adapter, allow_pickle=settings.allow_pickle,
                                                   trust_remote_code=settings.trust_remote_code)
        return self._checkpoint

    # --- running ------------------------------------------------------------------

    def verdict(self, name: str) -> Verdict:
        """The verdict of one suite (runs the whole session plan on first call)."""
        if not self._ran:
            self._ran = True
            try:
                self._run()
            except Exception as exc:  # reported on every capability test, not as a crash
                self._error = exc
        if self._error is not None:
            raise self._error
        return self.verdicts[name]

    def _run(self) -> None:
        settings = self.settings
        report = self.report
        if self.store is None:  # run without the plugin's collection hook (in-process callers)
            self._preflight()
        assert self.store is not None
        checkpoint = self._resolve_checkpoint()
        report.checkpoint = checkpoint
        report.baseline_dir = self.store.directory if settings.record else self._read_directory()
        self.baselines = dict(self._expected or {})
        guard.check_adapter_base(checkpoint, self.baselines.values())
        self.results, resolved = self._infer(checkpoint)
        self.suites.update(resolved)  # lm-eval suites know their metric and fingerprint only now
        self._decide(checkpoint)

    def _infer(self, checkpoint: Checkpoint) -> tuple[dict[str, SuiteResult], dict[str, LMEvalSuite]]:
        """Every selected suite through one engine: the built-in ones in one batched plan, then lm-eval's
        (also returned resolved by their run, at full size)."""
        settings, report = self.settings, self.report
        run = [s.quick() if settings.quick else s for s in self.suites.values()]
        resolved: dict[str, LMEvalSuite] = {}
        start = time.perf_counter()
        config = EngineConfig(
            dtype=settings.dtype, batch_size=settings.batch_size, threads=settings.torch_threads,
            streams=settings.streams,
            trust_remote_code=settings.trust_remote_code, allow_pickle=settings.allow_pickle,
            extra=dict(settings.engine_extra), show_progress=self.show_progress,
        )
        engine = self._open_engine(checkpoint, config)
        report.load_seconds = time.perf_counter() - start
        start = time.perf_counter()
        try:
            with self._progress() as progress, check_memo.using(engine.cache if isinstance(engine, CachedEngine) else None):
                results = run_suites([s for s in run if isinstance(s, Suite)], engine, report.stats, progress)
            lm_eval_suites = [s for s in run if isinstance(s, LMEvalSuite)]
            if lm_eval_suites:  # same engine (and cache), one lm-eval evaluation for all of them
                from capcheck.lmeval.suite import run_lm_eval

                for name, (ran, result) in run_lm_eval(lm_eval_suites, engine, report.stats).items():
                    results[name] = result
                    original = self.suites[name]
                    assert isinstance(original, LMEvalSuite)
                    resolved[name] = replace(original, resolution=ran.resolution)  # the full suite, not its quick copy
            report.engine = engine.info
            if settings.record:  # the base model's logits fingerprint, stored in every baseline
                self.probe = probe.run(engine, base_only=checkpoint.adapter is not None)
        finally:
            engine.close()
        report.run_seconds = time.perf_counter() - start
        if isinstance(engine, CachedEngine):  # the model loaded lazily, on the first cache miss
            report.cache = engine.stats
            report.load_seconds += engine.load_seconds
            report.run_seconds -= engine.load_seconds
        return results, resolved

    def _decide(self, checkpoint: Checkpoint) -> None:
        """One verdict per suite from its result and baseline; recording and calibrating write their files last."""
        assert self.report.engine is not None
        mode = self._mode(checkpoint, self.report.engine)
        for name, suite in self.suites.items():
            self.verdicts[name] = mode.decide(suite, self.results[name], self.baselines.get(name))
            self.verdicts[name].notes.extend(health.output_notes(self.results[name]))
        mode.finish(self.verdicts)

    def _mode(self, checkpoint: Checkpoint, engine: EngineInfo) -> Mode:
        """Judge (the gate), record (capcheck record) or calibrate (capcheck calibrate)."""
        settings = self.settings
        assert self.store is not None
        if settings.record:
            return Record(self.policy, self.store, checkpoint, engine, settings.quick, self.probe)
        if settings.calibrate:
            return Calibrate(self.policy, self.store, checkpoint, engine, settings.quick, settings.batch_size,
                             self._stale_message)
        return Judge(self.policy, settings.quick, engine, self.noise_floors, self._stale_message)

    def _open_engine(self, checkpoint: Checkpoint, config: EngineConfig) -> Engine:
        """The engine, behind the result cache unless --capcheck-no-cache."""
        def load() -> Engine:
            engine = load_engine(self.engine_name, checkpoint, config)
            self._verify_model(engine, checkpoint)
            return engine

        # Calibrating measures the engine itself: cached answers would hide its noise.
        if self.settings.no_cache or self.settings.calibrate:
            return load()
        directory = (self.rootdir / self.settings.cache_dir).resolve()
        return open_engine(load, context_for(checkpoint, self.engine_name, config), directory, config.batch_size)

    def _verify_model(self, engine: Engine, checkpoint: Checkpoint) -> None:
        """Right after the model loads, before any inference: its logits probe must match the baselines'.

        Runs on the real engine, never through the result cache; a fully cached run loads no model.
        """
        if self.settings.record:
            return
        try:
            guard.verify_base_model(engine, checkpoint, self.baselines.values())
        except BaseException:
            engine.close()
            raise

    def _read_directory(self) -> Path:
        """The folder most of the compared baselines came from (for the summary and the report)."""
        assert self.store is not None
        folders = [b.path.parent for b in self.baselines.values()]
        return max(set(folders), key=folders.count) if folders else self.store.directory

    def record_hint(self, suite: GatedSuite) -> str:
        """The command that records this suite's baseline where this session reads it."""
        return record_command(suite, self.settings, runner=self.record_command, source=self.suite_files.get(suite.name, ""),
                              test=self.suite_tests.get(suite.name), checkpoint=self._checkpoint, store=self.store)

    def attach_terminal(self, stream: TextIO | None, uncaptured: Callable[[], ContextManager[None]] | None) -> None:
        """Where progress goes, bars or lines (the plugin gives pytest's terminal, past output capture),
        and pytest's 'suspend output capture': bars must reach the real terminal."""
        self.progress_stream, self.uncaptured = stream, uncaptured

    def outcome(self) -> SessionOutcome:
        """What the session produced so far (all of it once a verdict was asked for)."""
        return SessionOutcome(self.settings, self.policy, tuple(self.suites), dict(self.verdicts), dict(self.baselines),
                              self.report, self._error)

    @property
    def show_progress(self) -> bool:
        """Whether progress shows as bars (an interactive terminal); engines' own bars (vLLM) only then."""
        return self.progress_stream is not None and can_show(self.progress_stream)

    @contextmanager
    def _progress(self) -> Iterator[InferenceProgress]:
        """Bars on a terminal, plain lines elsewhere: pytest's capture is off while bars show or a line is written."""
        stream, uncaptured = self.progress_stream, self.uncaptured
        if stream is None:  # no plugin, nowhere to write
            yield InferenceProgress(False)
            return
        if uncaptured is None:
            yield InferenceProgress(True, stream)
            return
        with uncaptured():  # a tty check only means something with capture off
            progress = InferenceProgress(True, stream, bypass=uncaptured)
            if progress.bars:
                yield progress
                return
        yield progress

    @property
    def error(self) -> Exception | None:
        return self._error


def _same_suite(a: Any, b: Any) -> bool:
    """Built-in suites compare by fingerprint; lm-eval suites (resolved only when run) by definition."""
    if isinstance(a, Suite) and isinstance(b, Suite):
        return a.fingerprint == b.fingerprint
    return bool(a == b)

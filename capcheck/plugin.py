"""The pytest plugin: options, the session fixture, suite collection and the summary.

Thin on purpose: the work lives in capcheck.session. Registered through the
`pytest11` entry point, so `pytest suites --model path/` just works.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from capcheck.errors import CapcheckError
from capcheck.testing import SESSION_KEY, check_suite, suite_test  # noqa: F401 (both were public here first)

if TYPE_CHECKING:
    from capcheck.session import CapcheckSession

MARKER = "capcheck_suite"

# (option, dest, kwargs): one table, so the CLI can show the same options.
OPTIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("--model", "capcheck_model", {"metavar": "PATH|HUB_ID|ALIAS",
        "help": "checkpoint to check: a model directory, a LoRA adapter directory, a hub id, or "
                "'smollm2-135m-instruct' (the embedded default, used when --model is left out)"}),
    ("--adapter", "capcheck_adapter", {"metavar": "DIR", "help": "LoRA adapter directory to apply on --model"}),
    ("--engine", "capcheck_engine", {"choices": ["auto", "hf", "vllm", "openai", "scripted"],
        "help": "inference engine; auto picks vllm when installed, else hf (transformers); openai: a served model"}),
    ("--baselines", "capcheck_baselines", {"metavar": "DIR", "help": "baselines directory (default: baselines/)"}),
    ("--capcheck-base", "capcheck_base", {"metavar": "NAME",
        "help": "baseline folder to compare with (default: derived from the model)"}),
    ("--capcheck-record", "capcheck_record", {"action": "store_true", "default": None,
        "help": "record baselines from the current --model instead of comparing"}),
    ("--tolerance", "capcheck_tolerance", {"type": float, "metavar": "X",
        "help": "override every suite's tolerance (absolute, in metric units)"}),
    ("--dtype", "capcheck_dtype", {"choices": ["float32", "bfloat16", "float16"], "help": "model dtype (default float32)"}),
    ("--batch-size", "capcheck_batch_size", {"type": int, "metavar": "N", "help": "requests per batch (default 32)"}),
    ("--capcheck-threads", "capcheck_threads", {"type": int, "metavar": "N", "help": "CPU threads for torch"}),
    ("--capcheck-streams", "capcheck_streams", {"type": int, "metavar": "N",
        "help": "generation and scoring streams side by side on a CPU, sharing the threads (hf engine; default 2 with 2+ threads)"}),
    ("--capcheck-quick", "capcheck_quick", {"action": "store_true", "default": None,
        "help": "run a fixed, stratified subset of each suite (local iteration)"}),
    ("--capcheck-alpha", "capcheck_alpha", {"type": float, "metavar": "P", "help": "significance level (default 0.05)"}),
    ("--capcheck-inconclusive", "capcheck_inconclusive", {"choices": ["fail", "pass"],
        "help": "whether a worsening beyond tolerance that is not significant fails (default fail)"}),
    ("--capcheck-holm", "capcheck_holm", {"action": "store_true", "default": None,
        "help": "Holm-adjust the p-values across the session's suites (docs/statistics.md)"}),
    ("--capcheck-suites", "capcheck_suites", {"choices": ["all", "builtin", "project"],
        "help": "which capability suites run: all (the built-in suites and the project's own; the default "
                "when no paths are given), project (what pytest collects from the project; the default when "
                "paths are given) or builtin"}),
    ("--capcheck-report", "capcheck_report", {"metavar": "PATH", "action": "append",
        "help": "also write the verdicts to PATH: .json (schema capcheck/schemas/report.schema.json), "
                ".md (a pull-request comment) or .html (one self-contained page); repeat for several"}),
    ("--mlflow", "capcheck_mlflow", {"metavar": "URI",
        "help": "log the gate as one MLflow run at this tracking URI (needs capcheck[mlflow])"}),
    ("--mlflow-experiment", "capcheck_mlflow_experiment", {"metavar": "NAME",
        "help": "MLflow experiment of --mlflow runs (default capcheck)"}),
    ("--hub-eval-results", "capcheck_hub_eval_results", {"metavar": "DIR",
        "help": "write one Hugging Face Hub .eval_results/ file per suite into this model repository folder"}),
    ("--capcheck-calibrate", "capcheck_calibrate", {"action": "store_true", "default": None,
        "help": "run the base model under another batch size / dtype / engine and record how much each "
                "suite moves in noise-floor.json next to its baselines (see `capcheck calibrate`)"}),
    ("--allow-pickle", "capcheck_allow_pickle", {"action": "store_true", "default": None,
        "help": "allow pickle weights (.bin/.pt); they can run code when loaded"}),
    ("--trust-remote-code", "capcheck_trust_remote_code", {"action": "store_true", "default": None,
        "help": "allow model code shipped with the checkpoint to run"}),
    ("--capcheck-cache-dir", "capcheck_cache_dir", {"metavar": "DIR",
        "help": "result cache folder (default .capcheck_cache/ in the project); a rerun with nothing "
                "changed answers from it without loading the model"}),
    ("--capcheck-no-cache", "capcheck_no_cache", {"action": "store_true", "default": None,
        "help": "neither read nor write the result cache"}),
    ("--lm-eval-tasks", "capcheck_lm_eval_tasks", {"metavar": "A,B",
        "help": "lm-eval tasks or groups to gate as suites (needs capcheck[lm-eval])"}),
    ("--lm-eval-include", "capcheck_lm_eval_include", {"metavar": "DIR",
        "help": "folder of extra lm-eval task YAMLs (lm-eval's include_path)"}),
    ("--engine-arg", "capcheck_engine_arg", {"metavar": "KEY=VALUE", "action": "append",
        "help": "an engine option, named as in [tool.capcheck.engine_extra] (repeatable), e.g. "
                "tensor_parallel_size=2 or openai_base_url=http://HOST:PORT/v1; the --vllm-* and --openai-* "
                "flags below are aliases"}),
    ("--openai-base-url", "capcheck_openai_base_url", {"metavar": "URL",
        "help": "--engine openai: the server's API root, e.g. http://127.0.0.1:8000/v1"}),
    ("--openai-model", "capcheck_openai_model", {"metavar": "NAME",
        "help": "--engine openai: served model name (default: the server's only model)"}),
    ("--openai-api-key-env", "capcheck_openai_api_key_env", {"metavar": "VAR",
        "help": "--engine openai: environment variable holding the API key (default OPENAI_API_KEY)"}),
    ("--openai-concurrency", "capcheck_openai_concurrency", {"type": int, "metavar": "N",
        "help": "--engine openai: requests in flight at once (default 8)"}),
    ("--openai-timeout", "capcheck_openai_timeout", {"type": float, "metavar": "S",
        "help": "--engine openai: seconds to wait for one answer (default 120)"}),
    ("--openai-prefix-token", "capcheck_openai_prefix_token", {"metavar": "TEXT",
        "help": "--engine openai: start-of-text token text, so texts scored from nothing score their first token"}),
    ("--vllm-tensor-parallel-size", "capcheck_vllm_tensor_parallel_size", {"type": int, "metavar": "N"}),
    ("--vllm-pipeline-parallel-size", "capcheck_vllm_pipeline_parallel_size", {"type": int, "metavar": "N"}),
    ("--vllm-data-parallel-size", "capcheck_vllm_data_parallel_size", {"type": int, "metavar": "N"}),
    ("--vllm-gpu-memory-utilization", "capcheck_vllm_gpu_memory_utilization", {"type": float, "metavar": "F"}),
    ("--vllm-max-model-len", "capcheck_vllm_max_model_len", {"type": int, "metavar": "N"}),
    ("--vllm-enforce-eager", "capcheck_vllm_enforce_eager", {"choices": ["true", "false"]}),
    ("--vllm-distributed-executor-backend", "capcheck_vllm_distributed_executor_backend", {"choices": ["mp", "ray"],
        "help": "how vLLM starts its workers: mp (one machine) or ray (a Ray cluster; see docs/scaling.md)"}),
]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("capcheck", "capcheck: capability regression gate for fine-tuned models")
    for flag, dest, kwargs in OPTIONS:
        kwargs = dict(kwargs)
        kwargs.setdefault("default", None)
        kwargs.setdefault("help", f"passed to vLLM as {dest.removeprefix('capcheck_vllm_')}")
        group.addoption(flag, dest=dest, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(suite): a capability test; carries its capcheck Suite")
    cli = _cli_values(config)
    from capcheck.selection import is_active

    if not is_active(cli):  # an ordinary test run: capcheck stays out of its way (and unimported)
        return
    from capcheck.selection import extra_args
    from capcheck.session import CapcheckSession
    from capcheck.settings import find_project, merge, project_defaults

    invocation = Path(config.invocation_params.dir)
    project = _cli_runner_value(config, "capcheck_project") or find_project(invocation, config.inipath)
    paths_given = config.args_source == pytest.Config.ArgsSource.ARGS
    try:
        settings = merge(cli, project_defaults(project))
        config.args.extend(extra_args(settings, project, invocation, config.args, paths_given))
    except CapcheckError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[SESSION_KEY] = CapcheckSession(
        settings, project, record_command=_cli_runner_value(config, "capcheck_record_command") or "pytest",
        invocation_dir=invocation)
    config.stash[PATHS_GIVEN_KEY] = paths_given
    if settings.lm_eval_tasks:  # --lm-eval-tasks: a plugin object adds one test per task
        from capcheck.lmeval.items import CommandLineTasks

        config.pluginmanager.register(CommandLineTasks(settings.lm_eval_tasks, settings.lm_eval_include),
                                      "capcheck-lm-eval-tasks")


def _cli_runner_value(config: pytest.Config, name: str) -> Any:
    """An attribute of the plugin object `capcheck gate` registers (None under plain pytest):
    its project folder, and how it words re-record commands."""
    from types import ModuleType

    for plugin in config.pluginmanager.get_plugins():
        value = None if isinstance(plugin, ModuleType) else getattr(plugin, name, None)
        if value is not None:
            return value
    return None


PATHS_GIVEN_KEY = pytest.StashKey[bool]()
OUTPUTS_KEY = pytest.StashKey[list[str]]()
"""One line per report, MLflow run or Hub file written (or why not), for the summary."""


def _cli_values(config: pytest.Config) -> dict[str, Any]:
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for _flag, dest, _ in OPTIONS:
        value = config.getoption(dest)
        key = dest.removeprefix("capcheck_")
        if key == "engine_arg":
            extra.update(engine_args(value or []))
            continue
        if key.startswith("openai_"):  # kept prefixed: the openai engine reads its own keys
            if value is not None:
                extra[key] = value
            continue
        if key.startswith("vllm_"):
            if value is not None:
                extra[key.removeprefix("vllm_")] = value == "true" if value in ("true", "false") else value
            continue
        values[key] = tuple(value) if isinstance(value, list) else value
    values["engine_extra"] = extra or None
    return values


def engine_args(pairs: list[str]) -> dict[str, str]:
    """--engine-arg KEY=VALUE options as engine_extra entries (each engine types its own values)."""
    extra = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise pytest.UsageError(f"--engine-arg {pair!r}: write KEY=VALUE, e.g. --engine-arg tensor_parallel_size=2.")
        extra[key.strip()] = value.strip()
    return extra


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Capability tests skip unless capcheck is on; --capcheck-suites builtin keeps only the built-in ones."""
    session = config.stash.get(SESSION_KEY, None)
    capability = [item for item in items if item.get_closest_marker(MARKER) is not None]
    if not capability:
        return
    from capcheck.selection import SKIP_REASON, choice, is_builtin

    if session is None:
        for item in capability:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
        return
    if choice(session.settings, config.stash[PATHS_GIVEN_KEY]) == "builtin":
        dropped = [item for item in capability if not is_builtin(item.path)]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [item for item in items if item not in dropped]


def pytest_report_header(config: pytest.Config) -> str | None:
    session = config.stash.get(SESSION_KEY, None)
    if session is None:
        return None
    s = session.settings
    model = s.model or "smollm2-135m-instruct (embedded default)"
    engine = s.engine if s.engine == session.engine_name else f"{s.engine} -> {session.engine_name}"
    mode = " record" if s.record else ""
    return f"capcheck: model={model}{' adapter=' + s.adapter if s.adapter else ''} engine={engine} dtype={s.dtype}{mode}{' quick' if s.quick else ''}"


XDIST_REFUSAL = (
    "capcheck suites cannot run under pytest-xdist (-n): every worker would load the model and repeat the "
    "inference that capcheck batches once per session. Run the capability suites without -n (they are "
    "batched already), e.g. `pytest suites -p no:xdist`, and use -n only for other tests."
)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> None:
    """Under a pytest-xdist worker, a capability test is a collection error with the reason."""
    if hasattr(collector.config, "workerinput") and any(
        getattr(m, "name", None) == MARKER for m in getattr(obj, "pytestmark", ())
    ):
        raise collector.CollectError(XDIST_REFUSAL)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    """A suite file that fails on bad suite data shows capcheck's message, not an import traceback."""
    report = yield
    crash = getattr(report.longrepr, "reprcrash", None) if report.failed else None
    message = getattr(crash, "message", "")
    for name in ("SuiteDataError", "CapcheckError", "BaselineError", "CheckpointError"):
        prefix = f"capcheck.errors.{name}: "
        if message.startswith(prefix):
            report.longrepr = message[len(prefix):]
    return report


def pytest_collection_finish(session: pytest.Session) -> None:
    """After -k/-m deselection: the suites of the selected tests are the session's plan."""
    capcheck = session.config.stash.get(SESSION_KEY, None)
    if capcheck is None:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    # pytest's terminal writer bypasses output capture: progress bars reach the user's terminal.
    capcheck.attach_terminal(getattr(getattr(reporter, "_tw", None), "_file", None),
                             getattr(session.config.pluginmanager.get_plugin("capturemanager"),
                                     "global_and_fixture_disabled", None))
    for item in session.items:
        marker = item.get_closest_marker(MARKER)
        if marker is not None:
            suite = marker.args[0]
            try:
                capcheck.add_suite(suite, source=_relative(item, session.config), test=item.name)
            except CapcheckError as exc:
                raise pytest.UsageError(str(exc)) from None
    # A wrong --model, a broken baseline or an unwritable report is a usage error before any
    # test runs (and before a model loads), not a failure of every suite after all inference.
    if capcheck.suites and not session.config.getoption("collectonly"):
        try:
            capcheck.preflight()
        except CapcheckError as exc:
            raise pytest.UsageError(f"capcheck could not run: {exc}") from None


def _relative(item: pytest.Item, config: pytest.Config) -> str:
    """The suite file as the user would type it from where pytest was started."""
    try:
        return str(Path(item.path).relative_to(config.invocation_params.dir))
    except ValueError:
        return str(item.path)


@pytest.fixture(scope="session")
def capcheck_session(request: pytest.FixtureRequest) -> "CapcheckSession":
    """The session's CapcheckSession (suites, settings, verdicts)."""
    return request.config.stash[SESSION_KEY]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the reports, MLflow run and Hub results once every verdict is known (before the summary)."""
    capcheck = session.config.stash.get(SESSION_KEY, None)
    if capcheck is None or not capcheck.suites:
        return
    if not capcheck.verdicts and capcheck.error is None:
        return
    from capcheck.report.outputs import write_all

    session.config.stash[OUTPUTS_KEY] = write_all(capcheck.outcome(), Path(session.config.invocation_params.dir))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    session = config.stash.get(SESSION_KEY, None)
    if session is None or not session.verdicts:
        return
    from capcheck.report.console import render_summary

    verdicts = session.outcome().ordered_verdicts
    terminalreporter.section("capcheck summary")
    terminalreporter.write(render_summary(verdicts, summary_header(session), session.policy, terminalreporter._tw._file))
    for line in config.stash.get(OUTPUTS_KEY, []):
        terminalreporter.write_line(line)


def summary_header(session: "CapcheckSession") -> str:
    r = session.report
    parts = []
    if r.checkpoint is not None:
        parts.append(f"model {r.checkpoint.display_name} ({r.checkpoint.fingerprint})")
    if r.engine is not None:
        parts.append(f"engine {r.engine.name} ({r.engine.version}, {r.engine.dtype})")
    if r.baseline_dir is not None:
        parts.append(f"baselines {r.baseline_dir}")
    st = r.stats
    kinds: dict[str, float] = {}
    for kind, _, seconds in st.calls:
        kinds[kind] = kinds.get(kind, 0.0) + seconds
    split = ", ".join(f"{k} {v:.0f}s" for k, v in kinds.items())
    parts.append(f"{st.requested} requests ({st.unique} unique) in {len(st.calls)} engine calls ({split}), "
                 f"load {r.load_seconds:.1f}s + inference {r.run_seconds:.1f}s, {st.generated_tokens} tokens generated")
    if r.cache is not None:
        c = r.cache
        parts.append(f"cache {c.directory}: {c.hits} of {c.hits + c.misses} requests from the cache"
                     + ("" if c.model_loaded else ", model not loaded")
                     + "".join(f" (warning: {w})" for w in c.warnings))
    return "capcheck: " + "; ".join(parts)


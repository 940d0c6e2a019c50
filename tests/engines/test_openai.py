"""The openai engine against a small OpenAI-style server on loopback: answers, failures, retries.

The server (http.server in a thread) answers completions by echoing the prompt as
one token per word with fixed log-probabilities, and can be told to fail first, to be
slow, to drop log-probabilities or to need an API key. The real-server test (vllm
serve on the embedded model) is in test_openai_vllm.py.
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from capcheck.engines import EngineConfig, load_engine
from capcheck.engines.openai import OpenAIEngine, OpenAIOptions
from capcheck.errors import CapcheckError, EngineUnavailable
from capcheck.requests import Decoding, GenerateRequest, LoglikelihoodRequest, RollingRequest, chat


class FakeServer:
    """Programmable behaviour; records every request it saw."""

    def __init__(self) -> None:
        self.fail: list[tuple[int, dict[str, str]]] = []
        """(status, headers) answered, in order, before any success."""
        self.delay = 0.0
        self.logprobs = True
        self.prompt_logprobs = False
        """Answer vLLM's prompt_logprobs extra (ids, ranks, decoded tokens) instead of echo."""
        self.models = ["tiny"]
        self.seen: list[tuple[float, str, dict[str, Any], dict[str, str]]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    def answer(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        if path == "/v1/models":
            return {"data": [{"id": m} for m in self.models]}
        if path == "/v1/chat/completions":
            last = body["messages"][-1]["content"]
            return {"choices": [{"message": {"role": "assistant", "content": f" chat: {last} "},
                                 "finish_reason": "stop"}], "usage": {"completion_tokens": 3}}
        prompt = body["prompt"]
        if body.get("prompt_logprobs"):
            choice = {"text": " X", "finish_reason": "length"}
            if self.prompt_logprobs:
                spans = [m.group() for m in re.finditer(r"<s>|\s*\S+", prompt)]
                choice["prompt_logprobs"] = [None] + [
                    {"7": {"logprob": -0.5 if t.strip().isdigit() else -1.0, "rank": 1, "decoded_token": t}}
                    if t.strip() != "wrong" else
                    {"8": {"logprob": -1.0, "rank": 3, "decoded_token": t},
                     "9": {"logprob": -0.1, "rank": 1, "decoded_token": " right"}}
                    for t in spans[1:]]
            return {"choices": [choice], "usage": {"completion_tokens": 1}}
        if not body.get("echo"):
            words = len(prompt.split())
            finish = "length" if body["max_tokens"] <= 2 else "stop"
            return {"choices": [{"text": f" {words} words", "finish_reason": finish}], "usage": {"completion_tokens": 2}}
        choice: dict[str, Any] = {"text": prompt + " X", "finish_reason": "length"}
        if self.logprobs:
            spans = [(m.start(), m.group()) for m in re.finditer(r"<s>|\s*\S+", prompt)] + [(len(prompt), " X")]
            values = [None] + [-0.5 if tok.strip().isdigit() else -1.0 for _, tok in spans[1:]]
            tops = [None] + [{tok: v} if tok.strip() != "wrong" else {" right": -0.1} for (_, tok), v in zip(spans[1:], values[1:])]
            choice["logprobs"] = {"tokens": [t for _, t in spans], "token_logprobs": values,
                                  "text_offset": [o for o, _ in spans], "top_logprobs": tops}
        return {"choices": [choice], "usage": {"completion_tokens": 1}}


def _handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else {}
            with server.lock:
                server.seen.append((time.monotonic(), self.path, body, dict(self.headers)))
                failure = server.fail.pop(0) if server.fail else None
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            counted = True
            try:
                time.sleep(server.delay)
                if failure is not None:
                    status, headers = failure
                    payload = json.dumps({"error": {"message": f"scripted failure {status}"}}).encode()
                else:
                    status, headers, payload = 200, {}, json.dumps(server.answer(self.path, body)).encode()
                # Leave the count before answering: once the client has the reply it may send the
                # next request before this thread would get back to a `finally`.
                with server.lock:
                    server.in_flight -= 1
                counted = False
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                pass
            finally:
                if counted:
                    with server.lock:
                        server.in_flight -= 1

        do_GET = _serve
        do_POST = _serve

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[FakeServer, str]]:
    fake = FakeServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def engine_for(url: str, **options: Any) -> OpenAIEngine:
    options = {"retries": 3, "backoff": 0.01, "timeout": 5.0, **options}
    return OpenAIEngine(EngineConfig(), OpenAIOptions(base_url=url, **options))


def test_generation_routes_text_and_chat_and_keeps_order(server) -> None:
    fake, url = server
    engine = engine_for(url)
    assert engine.model == "tiny"  # the server's only model
    out = engine.generate([GenerateRequest("one two three", Decoding(max_tokens=5, stop=("\n",))),
                           GenerateRequest(chat(("user", "hello")), Decoding(max_tokens=5)),
                           GenerateRequest("a b", Decoding(max_tokens=2))])
    assert [c.text for c in out] == ["3 words", "chat: hello", "2 words"]
    assert [c.finish_reason for c in out] == ["stop", "stop", "length"]
    paths = sorted(p for _, p, _, _ in fake.seen[1:])
    assert paths == ["/v1/chat/completions", "/v1/completions", "/v1/completions"]
    sent = next(b for _, p, b, _ in fake.seen if b.get("prompt") == "one two three")
    assert sent["stop"] == ["\n"] and sent["temperature"] == 0.0 and sent["max_tokens"] == 5


def test_loglikelihood_sums_the_continuation_tokens(server) -> None:
    _, url = server
    engine = engine_for(url, prefix_token="<s>")
    scores = engine.loglikelihood([LoglikelihoodRequest("The answer is ", "12"),
                                   LoglikelihoodRequest("The answer is", " wrong twice")])
    assert (scores[0].logprob, scores[0].n_tokens, scores[0].is_greedy) == (-0.5, 1, True)
    assert (scores[1].logprob, scores[1].n_tokens, scores[1].is_greedy) == (-2.0, 2, False)
    [rolled] = engine.loglikelihood_rolling([RollingRequest("four words in total")])
    assert (rolled.logprob, rolled.n_tokens) == (-4.0, 4)  # the prefix token makes the first word scored
    with pytest.raises(CapcheckError, match="needs the model's chat template.*--model"):
        engine.loglikelihood([LoglikelihoodRequest(chat(("user", "hi")), " yes")])


def test_vllm_prompt_logprobs_when_echo_gives_none(server) -> None:
    fake, url = server
    fake.logprobs, fake.prompt_logprobs = False, True
    engine = engine_for(url, prefix_token="<s>")
    scores = engine.loglikelihood([LoglikelihoodRequest("The answer is ", "12"),
                                   LoglikelihoodRequest("The answer is", " wrong twice")])
    assert (scores[0].logprob, scores[0].n_tokens, scores[0].is_greedy) == (-0.5, 1, True)
    assert (scores[1].logprob, scores[1].n_tokens, scores[1].is_greedy) == (-2.0, 2, False)
    [rolled] = engine.loglikelihood_rolling([RollingRequest("four words in total")])
    assert (rolled.logprob, rolled.n_tokens) == (-4.0, 4)
    asked = [b for _, p, b, _ in fake.seen if p == "/v1/completions"]
    # Once a miss is seen, later requests go straight to prompt_logprobs (the first two ran together).
    assert sum(1 for b in asked if b.get("echo")) <= 2


def test_requests_run_concurrently_but_bounded(server) -> None:
    fake, url = server
    fake.delay = 0.05
    engine = engine_for(url, concurrency=3)
    out = engine.generate([GenerateRequest(" ".join(["w"] * (i + 1))) for i in range(12)])
    assert [c.text for c in out] == [f"{i + 1} words" for i in range(12)]
    assert 1 < fake.max_in_flight <= 3


def test_server_errors_are_retried_until_success(server) -> None:
    fake, url = server
    engine = engine_for(url)
    fake.fail = [(500, {}), (503, {})]
    [out] = engine.generate([GenerateRequest("x y")])
    assert out.text == "2 words"
    assert len([s for s in fake.seen if s[1] == "/v1/completions"]) == 3


def test_rate_limits_wait_for_retry_after(server) -> None:
    fake, url = server
    engine = engine_for(url)
    fake.fail = [(429, {"Retry-After": "0.3"})]
    engine.generate([GenerateRequest("x")])
    first, second = [t for t, p, _, _ in fake.seen if p == "/v1/completions"]
    assert second - first >= 0.3


def test_too_many_failures_give_up_with_the_last_reason(server) -> None:
    fake, url = server
    engine = engine_for(url, retries=2)
    fake.fail = [(500, {})] * 5
    with pytest.raises(EngineUnavailable, match=r"after 3 tries: HTTP 500: scripted failure 500"):
        engine.generate([GenerateRequest("x")])


def test_client_errors_are_not_retried(server) -> None:
    fake, url = server
    engine = engine_for(url)
    fake.fail = [(400, {})]
    with pytest.raises(CapcheckError, match="HTTP 400: scripted failure 400"):
        engine.generate([GenerateRequest("x")])
    assert len([s for s in fake.seen if s[1] == "/v1/completions"]) == 1


def test_slow_answers_time_out(server) -> None:
    fake, url = server
    engine = engine_for(url)
    fake.delay = 1.0
    engine.options = OpenAIOptions(base_url=url, model="tiny", timeout=0.2, retries=1, backoff=0.01)
    with pytest.raises(EngineUnavailable, match=r"no answer within 0.2 s \(--openai-timeout\)"):
        engine.generate([GenerateRequest("x")])


def test_a_server_that_is_down_is_a_clear_error() -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(EngineUnavailable, match="cannot connect.*Check that it is running"):
        engine_for(f"http://127.0.0.1:{port}/v1", retries=1)


def test_no_prompt_logprobs_is_a_clear_error(server) -> None:
    fake, url = server
    fake.logprobs = False
    engine = engine_for(url)
    with pytest.raises(EngineUnavailable, match="does not return the prompt's log-probabilities"):
        engine.loglikelihood([LoglikelihoodRequest("Q", " A")])
    assert engine.generate([GenerateRequest("still fine")])[0].text == "2 words"


def test_the_api_key_is_sent_but_never_shown(server, monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    fake, url = server
    secret = "sk-test-not-a-real-key-1234"
    monkeypatch.setenv("CAPCHECK_TEST_KEY", secret)
    caplog.set_level(logging.DEBUG)
    engine = engine_for(url, api_key_env="CAPCHECK_TEST_KEY")
    fake.fail = [(503, {}), (401, {})]
    with pytest.raises(CapcheckError) as error:
        engine.generate([GenerateRequest("x")])
    assert all(h.get("Authorization") == f"Bearer {secret}" for _, _, _, h in fake.seen)
    shown = str(error.value) + caplog.text + repr(engine.info) + repr(engine.options)
    assert secret not in shown and "API key" in str(error.value)


def test_model_choice_and_options(server) -> None:
    fake, url = server
    fake.models = ["a", "b"]
    with pytest.raises(CapcheckError, match="serves 2 models.*--openai-model"):
        engine_for(url)
    assert engine_for(url, model="b").model == "b"
    with pytest.raises(CapcheckError, match="--openai-base-url"):
        OpenAIOptions.from_extra({"tensor_parallel_size": 2})
    with pytest.raises(CapcheckError, match="openai_bse_url"):
        OpenAIOptions.from_extra({"openai_bse_url": url})
    engine = load_engine("openai", None, EngineConfig(extra={"openai_base_url": url, "openai_model": "a"}))  # type: ignore[arg-type]
    assert engine.info.name == "openai" and "a at " in engine.info.version


def test_options_given_as_text_are_typed() -> None:
    """--engine-arg KEY=VALUE hands every value over as text."""
    options = OpenAIOptions.from_extra({"openai_base_url": "http://h/v1", "openai_concurrency": "3", "openai_timeout": "2.5"})
    assert (options.concurrency, options.timeout) == (3, 2.5)
    with pytest.raises(CapcheckError, match="openai_retries = 'many': expected a number"):
        OpenAIOptions.from_extra({"openai_base_url": "http://h/v1", "openai_retries": "many"})


SUITE_FILE = '''
from capcheck import ChoiceCase, Suite, suite_test

numbers = Suite("numbers", tuple(
    ChoiceCase(id=f"n/{i:02d}", context=f"Count {i}:", options=(f" {i}", " many words"), answer=0)
    for i in range(12)))
test_numbers = suite_test(numbers)
'''


def test_the_gate_runs_on_a_served_model(server, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                         embedded_dir) -> None:
    from transformers import AutoTokenizer

    # Loaded out here first: modules first imported inside an in-process pytester run are
    # dropped after it, and a re-imported tokenizers extension misbehaves.
    AutoTokenizer.from_pretrained(embedded_dir)
    fake, url = server
    monkeypatch.setenv("NO_COLOR", "1")
    pytester.makepyfile(test_served=SUITE_FILE)
    options = ("-p", "no:cacheprovider", "--capcheck-no-cache", "--capcheck-suites", "project", "--model", str(embedded_dir),
               "--engine", "openai", "--openai-base-url", url,
               "--openai-concurrency", "2", "--openai-prefix-token", "<s>")
    pytester.runpytest(*options, "--capcheck-record").assert_outcomes(passed=1)
    [path] = (pytester.path / "baselines").rglob("numbers.json")
    data = json.loads(path.read_text())
    assert data["engine"]["name"] == "openai" and data["engine"]["version"] == f"tiny at {url}"
    assert data["score"] == 1.0  # a number (-0.5) beats two words (-2.0) in every case
    result = pytester.runpytest(*options)
    result.assert_outcomes(passed=1)
    assert "engine openai" in result.stdout.str()
    scored = [b["prompt"] for _, _, b, _ in fake.seen if b.get("echo")]
    assert len([p for p in scored if p.startswith("Count")]) == 48  # 12 cases x 2 options x 2 runs
    # The logits probe's chat item, rendered with --model's (the embedded model's) chat template.
    assert any(p.startswith("<|im_start|>") and "Red, orange, yellow." in p for p in scored)

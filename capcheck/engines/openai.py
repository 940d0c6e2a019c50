"""An engine for a server that speaks the OpenAI API (`vllm serve`, or any compatible server).

Generation goes through /v1/completions (text prompts) or /v1/chat/completions (chats);
log-likelihoods through /v1/completions with `echo` and `logprobs`, the prompt's own
token log-probabilities (vLLM and the legacy OpenAI completions API return them).
Requests run concurrently in a bounded pool, with retries and exponential backoff on
429 and 5xx answers and on dropped connections, and a timeout per request. The API key
comes from an environment variable and is never logged or shown in an error.
Standard library only.
"""
from __future__ import annotations

import json
import logging
import os
import random
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

from capcheck.checkpoint import Checkpoint
from capcheck.engines.base import EngineConfig, EngineInfo
from capcheck.errors import CapcheckError, EngineUnavailable
from capcheck.requests import (
    Completion,
    FinishReason,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    Prompt,
    RollingRequest,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class OpenAIOptions:
    """Where the server is and how to talk to it (from --openai-* options or [tool.capcheck])."""

    base_url: str
    """Up to and including /v1, e.g. http://127.0.0.1:8000/v1."""
    model: str | None = None
    """The served model name; None asks the server (/v1/models) and needs exactly one."""
    api_key_env: str = "OPENAI_API_KEY"
    """Environment variable holding the API key (unset: no Authorization header)."""
    concurrency: int = 8
    timeout: float = 120.0
    """Seconds to wait for one answer."""
    retries: int = 4
    """Further tries after a 429/5xx answer, a timeout or a dropped connection."""
    backoff: float = 0.5
    """First wait in seconds; doubles each retry (plus jitter), or the server's Retry-After."""
    logprobs: str = "auto"
    """How to get prompt log-probabilities: 'echo', 'prompt_logprobs' (vLLM) or 'auto' (echo, then
    prompt_logprobs)."""
    prefix_token: str | None = None
    """Text of the start-of-text token (e.g. '<|endoftext|>'), put before a text scored from an
    empty context so its first token is scored too, as the local engines do."""

    KNOWN = ("base_url", "model", "api_key_env", "concurrency", "timeout", "retries", "backoff", "prefix_token",
             "logprobs")
    """The option names, as openai_* keys of EngineConfig.extra."""

    @classmethod
    def from_extra(cls, extra: dict[str, Any]) -> "OpenAIOptions":
        known = set(cls.KNOWN)
        # Only openai_* keys are ours; other engines' options (vllm's) may sit in the same table.
        values = {k.removeprefix("openai_"): v for k, v in extra.items() if k.startswith("openai_") and v is not None}
        unknown = sorted(f"openai_{k}" for k in set(values) - known)
        if unknown:
            raise CapcheckError(f"unknown openai engine option(s) {', '.join(unknown)}; known: "
                                f"{', '.join('openai_' + k for k in sorted(known))}.")
        if not values.get("base_url"):
            raise CapcheckError(
                "--engine openai needs the server's address: pass --openai-base-url http://HOST:PORT/v1 "
                "(or set openai_base_url in [tool.capcheck] engine_extra)."
            )
        for key, kind in (("concurrency", int), ("retries", int), ("timeout", float), ("backoff", float)):
            if isinstance(values.get(key), str):  # --engine-arg gives text
                try:
                    values[key] = kind(values[key])
                except ValueError:
                    raise CapcheckError(f"openai_{key} = {values[key]!r}: expected a number.") from None
        options = cls(**values)
        if options.logprobs not in ("auto", "echo", "prompt_logprobs"):
            raise CapcheckError(f"openai_logprobs = {options.logprobs!r}: use auto, echo or prompt_logprobs.")
        if options.concurrency < 1 or options.timeout <= 0 or options.retries < 0:
            raise CapcheckError("--openai-concurrency must be >= 1, --openai-timeout > 0 and retries >= 0.")
        return options


class OpenAIEngine:
    """Batched requests to an OpenAI-compatible server; results in input order."""

    abilities: frozenset[str] = frozenset()

    def __init__(self, config: EngineConfig | None = None, options: OpenAIOptions | None = None,
                 checkpoint: Checkpoint | None = None) -> None:
        self.config = config or EngineConfig()
        self.checkpoint = checkpoint
        """The weights the server serves, read only for their tokenizer's chat template."""
        self._tokenizer: Any = None
        self._logprobs_mode = "auto"
        self.options = options or OpenAIOptions.from_extra(self.config.extra)
        self.base_url = self.options.base_url.rstrip("/")
        key = os.environ.get(self.options.api_key_env)
        self._headers = {"Content-Type": "application/json"}
        if key:
            self._headers["Authorization"] = f"Bearer {key}"
        self._pool = ThreadPoolExecutor(max_workers=self.options.concurrency, thread_name_prefix="capcheck-openai")
        self.model = self.options.model or self._served_model()
        warnings = () if self.options.prefix_token else (
            "texts scored from an empty context start at their second token (no --openai-prefix-token)",)
        self._info = EngineInfo("openai", f"{self.model} at {self.base_url}", "server", warnings)

    @property
    def info(self) -> EngineInfo:
        return self._info

    # --- requests ---------------------------------------------------------------

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Completion]:
        return self._map(self._generate_one, requests)

    def loglikelihood(self, requests: Sequence[LoglikelihoodRequest]) -> list[Loglikelihood]:
        contexts = [r.context if isinstance(r.context, str) else self._render(r.context) for r in requests]
        return self._map(lambda pair: self._score(pair[0], pair[1].continuation), list(zip(contexts, requests)))

    def _render(self, chat: Prompt) -> str:
        """A chat context as text, through the chat template of --model's tokenizer (as the local
        engines render it): the completions API scores text, and servers do not expose their template."""
        if self._tokenizer is None:
            if self.checkpoint is None:
                raise CapcheckError(
                    "the openai engine needs the model's chat template to score a chat context; pass "
                    "--model with the served model's folder (its tokenizer is read, not its weights)."
                )
            try:
                from transformers import AutoTokenizer

                self._tokenizer = AutoTokenizer.from_pretrained(self.checkpoint.model)
            except Exception as exc:  # noqa: BLE001 - any load failure gets the same advice
                raise CapcheckError(
                    f"the openai engine could not read the tokenizer of --model {self.checkpoint.model} to "
                    f"render chat contexts ({exc}); pass --model with the served model's folder."
                ) from exc
        from capcheck.engines import prompts

        return prompts.render(self._tokenizer, chat)

    def loglikelihood_rolling(self, requests: Sequence[RollingRequest]) -> list[Loglikelihood]:
        return self._map(lambda r: self._score("", r.text), requests)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return list(self._pool.map(fn, items))  # map keeps input order; the first error is raised

    def _generate_one(self, request: GenerateRequest) -> Completion:
        d = request.decoding
        body: dict[str, Any] = {"model": self.model, "max_tokens": d.max_tokens, "temperature": d.temperature,
                                "seed": d.seed}
        if d.stop:
            body["stop"] = list(d.stop)
        if isinstance(request.prompt, str):
            answer = self._post("/completions", {**body, "prompt": request.prompt})
            choice = answer["choices"][0]
            text = choice.get("text", "")
        else:
            messages = [{"role": m.role, "content": m.content} for m in request.prompt]
            answer = self._post("/chat/completions", {**body, "messages": messages})
            choice = answer["choices"][0]
            text = (choice.get("message") or {}).get("content") or ""
        n_tokens = int((answer.get("usage") or {}).get("completion_tokens", 0))
        finish: FinishReason = "length" if choice.get("finish_reason") == "length" else "stop"
        return Completion(text=text.strip(), n_tokens=n_tokens, finish_reason=finish)

    def _score(self, context: str, continuation: str) -> Loglikelihood:
        # Trailing spaces of the context belong to the continuation (as in the local engines).
        stripped = context.rstrip(" ")
        continuation, context = context[len(stripped):] + continuation, stripped
        start_of_text = not context
        if start_of_text and self.options.prefix_token:
            context = self.options.prefix_token
        prompt = context + continuation
        tokens = self._prompt_logprobs(prompt)
        # Score the tokens that begin inside the continuation; the one generated token is past the prompt.
        picked = [(logprob, greedy) for start, logprob, greedy in tokens
                  if len(context) <= start < len(prompt) and logprob is not None]
        if not picked:
            raise CapcheckError(f"the server returned no log-probabilities for the continuation {continuation[:60]!r}.")
        logprob = sum(p for p, _ in picked)
        greedy = all(g for _, g in picked)
        return Loglikelihood(float(logprob), len(picked), greedy)

    def _prompt_logprobs(self, prompt: str) -> list[tuple[int, float | None, bool]]:
        """The prompt's tokens: echo+logprobs (OpenAI's legacy completions, vLLM), else vLLM's
        `prompt_logprobs` extra; which one works is remembered after the first request."""
        body = {"model": self.model, "prompt": prompt, "max_tokens": 1, "temperature": 0.0}
        mode = self.options.logprobs if self.options.logprobs != "auto" else self._logprobs_mode
        refused = ""
        for name, extra, parse in (("echo", {"echo": True, "logprobs": 1}, _echoed_tokens),
                                   ("prompt_logprobs", {"prompt_logprobs": 1}, _vllm_prompt_tokens)):
            if mode not in ("auto", name):
                continue
            try:
                tokens = parse(self._post("/completions", {**body, **extra}), prompt)
            except EngineUnavailable:
                raise
            except CapcheckError as exc:  # e.g. HTTP 400 'echo is not supported': try the other way
                refused += f" ({name}: {exc})"
                continue
            if tokens is not None:
                self._logprobs_mode = name
                return tokens
        raise EngineUnavailable(
            f"the server at {self.base_url} does not return the prompt's log-probabilities (neither "
            "completions with echo=true and logprobs, nor vLLM's prompt_logprobs), so log-likelihood "
            "suites cannot run on it. vLLM's `vllm serve` supports both; on chat-only APIs run "
            f"generation suites only (-k), or use --engine hf/vllm.{refused}"
        )

    # --- HTTP -------------------------------------------------------------------

    def _served_model(self) -> str:
        data = self._request("GET", "/models", None)
        ids = [m.get("id") for m in data.get("data", []) if m.get("id")]
        if len(ids) != 1:
            raise CapcheckError(
                f"the server at {self.base_url} serves {len(ids)} models ({', '.join(ids) or 'none'}); "
                "name one with --openai-model NAME."
            )
        return str(ids[0])

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._request("POST", path, body)

    def _request(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        url = self.base_url + path
        data = json.dumps(body).encode() if body is not None else None
        last = ""
        for attempt in range(self.options.retries + 1):
            wait = self.options.backoff * (2 ** attempt) * (1 + random.random() / 4)
            try:
                request = urllib.request.Request(url, data=data, headers=self._headers, method=method)
                with urllib.request.urlopen(request, timeout=self.options.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                detail = _error_text(exc)
                if exc.code not in _RETRY_STATUS:
                    raise _client_error(url, exc.code, detail) from None
                last = f"HTTP {exc.code}: {detail}"
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                if retry_after and retry_after.replace(".", "", 1).isdigit():
                    wait = min(float(retry_after), 60.0)
            except (TimeoutError, socket.timeout):
                last = f"no answer within {self.options.timeout:g} s (--openai-timeout)"
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                    last = f"no answer within {self.options.timeout:g} s (--openai-timeout)"
                else:
                    last = f"cannot connect ({exc.reason})"
            except (ConnectionError, json.JSONDecodeError) as exc:
                last = f"{type(exc).__name__}: {exc}"
            if attempt < self.options.retries:
                log.info("openai engine: %s %s failed (%s); retrying in %.1f s", method, path, last, wait)
                time.sleep(wait)
        raise EngineUnavailable(
            f"the OpenAI-compatible server at {self.base_url} did not answer {method} {path} after "
            f"{self.options.retries + 1} tries: {last}. Check that it is running and reachable "
            "(--openai-base-url), or raise --openai-timeout for slow servers."
        )


Token = tuple[int, "float | None", bool]
"""(character offset in the prompt, log-probability, was it the model's top choice)."""


def _vllm_prompt_tokens(answer: dict[str, Any], prompt: str) -> list[Token] | None:
    """Tokens from vLLM's `prompt_logprobs`: per position None (the first token) or {token id:
    {logprob, rank, decoded_token}} holding the prompt's own token and the top one; None if absent.

    Offsets are counted back from the end of the prompt (the first token's text is not given).
    """
    choice = (answer.get("choices") or [{}])[0]
    entries = choice.get("prompt_logprobs")
    if not entries:
        return None
    scored: list[tuple[str, float, bool]] = []
    for entry in entries[1:]:
        values = list((entry or {}).values())
        if not values:
            return None
        # With one requested, a second entry means the prompt's token was not the top one.
        own = next((v for v in values if v.get("rank") != 1), values[0]) if len(values) > 1 else values[0]
        scored.append((str(own.get("decoded_token") or ""), float(own["logprob"]), own.get("rank") == 1))
    offset = len(prompt) - sum(len(text) for text, _, _ in scored)
    out: list[Token] = [(0, None, False)]
    for text, logprob, top in scored:
        out.append((offset, logprob, top))
        offset += len(text)
    return out


def _echoed_tokens(answer: dict[str, Any], prompt: str) -> list[Token] | None:
    """Tokens from an echo+logprobs completion; None when the server did not echo them."""
    choice = (answer.get("choices") or [{}])[0]
    logprobs = choice.get("logprobs") or {}
    offsets, values, tokens = logprobs.get("text_offset"), logprobs.get("token_logprobs"), logprobs.get("tokens")
    if not offsets or not values or not choice.get("text", "").startswith(prompt[: max(1, len(prompt) // 2)]):
        return None
    tops = logprobs.get("top_logprobs") or [None] * len(values)
    out = []
    for offset, value, token, top in zip(offsets, values, tokens or [None] * len(values), tops):
        greedy = bool(top) and token is not None and max(top, key=top.get) == token if top else False
        out.append((int(offset), None if value is None else float(value), greedy))
    return out


def _error_text(exc: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(exc.read().decode("utf-8", "replace"))
        message = payload.get("error", payload)
        if isinstance(message, dict):
            message = message.get("message", message)
        return str(message)[:300]
    except Exception:  # the body is optional and may be anything
        return exc.reason if isinstance(exc.reason, str) else ""


def _client_error(url: str, code: int, detail: str) -> CapcheckError:
    hints = {401: "set the API key in the environment variable named by --openai-api-key-env",
             403: "the API key is not allowed to use this model",
             404: "check --openai-base-url (it ends in /v1) and --openai-model"}
    hint = hints.get(code, "check the request options")
    return CapcheckError(f"the server refused {url} (HTTP {code}: {detail}); {hint}.")

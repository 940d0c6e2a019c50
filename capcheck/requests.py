"""Typed, frozen requests to an engine and the results it returns.

Requests are hashable so the planner can deduplicate them across suites; results
are separate records, never written onto a request.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal, Union

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One chat message."""

    role: Role
    content: str


Chat = tuple[Message, ...]
"""A conversation, rendered into a prompt by the engine's chat template."""

Prompt = Union[str, Chat]
"""Raw text (no template applied) or a chat (template applied, generation prompt added)."""


@dataclass(frozen=True)
class Decoding:
    """Sampling settings, always explicit and recorded in every baseline.

    Never taken from a checkpoint's own generation config, so a fine-tune cannot
    silently change how it is decoded.
    """

    temperature: float = 0.0
    """0 means greedy."""
    max_tokens: int = 128
    """Upper bound on generated tokens."""
    stop: tuple[str, ...] = ()
    """Strings that end generation; the stop string is cut from the output."""
    seed: int = 0
    """Seed for sampling when temperature > 0."""

    def __post_init__(self) -> None:
        if self.max_tokens < 1:
            raise ValueError(f"Decoding.max_tokens must be >= 1, got {self.max_tokens}")
        if self.temperature < 0:
            raise ValueError(f"Decoding.temperature must be >= 0, got {self.temperature}")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["stop"] = list(self.stop)
        return data


@dataclass(frozen=True)
class GenerateRequest:
    """Generate a reply to a prompt or a chat."""

    prompt: Prompt
    decoding: Decoding = field(default_factory=Decoding)
    continues: bool = field(default=False, compare=False)
    """A hint: the caller will send this chat again with the reply and a new turn appended,
    so an engine may keep what it computed for it. Changes no answer, so it is not part of
    the request's identity (equality, hash, cache key)."""


@dataclass(frozen=True)
class LoglikelihoodRequest:
    """Log-probability of `continuation` given `context`.

    A chat context is rendered with the chat template and the assistant's
    generation prompt, so the continuation is scored as the start of a reply.
    An empty text context scores the continuation from the start of text.
    """

    context: Prompt
    continuation: str


@dataclass(frozen=True)
class RollingRequest:
    """Log-probability of a whole text (perplexity-style), from the start of text."""

    text: str


Request = Union[GenerateRequest, LoglikelihoodRequest, RollingRequest]


FinishReason = Literal["stop", "length"]


@dataclass(frozen=True)
class Completion:
    """A generated reply."""

    text: str
    """Decoded reply, stop strings and end-of-turn tokens removed."""
    n_tokens: int
    """Number of generated tokens."""
    finish_reason: FinishReason
    """'length' when max_tokens ended the reply."""


@dataclass(frozen=True)
class Loglikelihood:
    """Score of a continuation or of a rolling text."""

    logprob: float
    """Sum of token log-probabilities (natural log)."""
    n_tokens: int
    """Number of scored tokens."""
    is_greedy: bool = False
    """Whether every scored token was the model's top choice."""

    @property
    def mean_loss(self) -> float:
        """Mean negative log-likelihood per token."""
        return -self.logprob / max(self.n_tokens, 1)


def chat(*turns: tuple[str, str]) -> Chat:
    """Build a Chat from (role, content) pairs."""
    return tuple(Message(role, content) for role, content in turns)  # type: ignore[arg-type]

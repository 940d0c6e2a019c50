"""Cases: the items of a suite. Four kinds, each a frozen record that round-trips through JSON."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from capcheck.requests import Chat, Message, Prompt


@dataclass(frozen=True)
class CheckSpec:
    """A named check function from capcheck.checks and its arguments."""

    name: str
    args: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def make(cls, name: str, /, **args: Any) -> "CheckSpec":  # positional-only: "name" may be an argument
        return cls(name, tuple(sorted((k, _freeze(v)) for k, v in args.items())))

    @property
    def kwargs(self) -> dict[str, Any]:
        return {k: _thaw(v) for k, v in self.args}

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "args": self.kwargs}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CheckSpec":
        return cls.make(data["name"], **data.get("args", {}))


@dataclass(frozen=True)
class ChoiceCase:
    """Options scored by log-likelihood after a context; right when the answer scores highest."""

    id: str
    options: tuple[str, ...]
    answer: int
    context: Prompt = ""
    category: str = ""
    tier: str = ""
    """A difficulty level (the knowledge suite's common / school / specialist), reported as its own breakdown."""
    per_token: bool = False
    """Compare mean log-probability per token instead of the sum (for options of unequal length)."""

    def check_specs(self) -> tuple[CheckSpec, ...]:
        return ()

    def answer_choices(self) -> list[tuple[tuple[str, ...], int]]:
        return [(self.options, self.answer)]

    def json_fields(self) -> dict[str, Any]:
        data: dict[str, Any] = {"options": list(self.options), "answer": self.answer}
        if self.context:
            data["context"] = prompt_to_json(self.context)
        if self.per_token:
            data["per_token"] = True
        return data


@dataclass(frozen=True)
class CompletionCase:
    """A generated reply judged by one or more checks; passes when every check passes."""

    id: str
    prompt: Prompt
    checks: tuple[CheckSpec, ...]
    expected: str = ""
    """What a right answer looks like, for people reading a diff."""
    category: str = ""
    tier: str = ""
    max_tokens: int | None = None

    def check_specs(self) -> tuple[CheckSpec, ...]:
        return self.checks

    def answer_choices(self) -> list[tuple[tuple[str, ...], int]]:
        return []

    def json_fields(self) -> dict[str, Any]:
        data: dict[str, Any] = {"prompt": prompt_to_json(self.prompt), "check": [c.to_dict() for c in self.checks]}
        if self.expected:
            data["expected"] = self.expected
        if self.max_tokens:
            data["max_tokens"] = self.max_tokens
        return data


@dataclass(frozen=True)
class Recall:
    """A choice asked after a conversation turn: the right value vs distractors, given the real history."""

    options: tuple[str, ...]
    answer: int


@dataclass(frozen=True)
class Turn:
    user: str
    checks: tuple[CheckSpec, ...] = ()
    expected: str = ""
    recall: Recall | None = None


@dataclass(frozen=True)
class ConversationCase:
    """Several user turns; the model's replies are fed back as history. Score: share of checks passed."""

    id: str
    turns: tuple[Turn, ...]
    system: str | None = None
    category: str = ""
    tier: str = ""

    def check_specs(self) -> tuple[CheckSpec, ...]:
        return tuple(spec for turn in self.turns for spec in turn.checks)

    def answer_choices(self) -> list[tuple[tuple[str, ...], int]]:
        return [(t.recall.options, t.recall.answer) for t in self.turns if t.recall]

    def json_fields(self) -> dict[str, Any]:
        data: dict[str, Any] = {"turns": [_turn_to_dict(t) for t in self.turns]}
        if self.system:
            data["system"] = self.system
        return data


@dataclass(frozen=True)
class PassageCase:
    """A text whose mean per-token loss measures fluency (lower is better)."""

    id: str
    text: str
    category: str = ""
    tier: str = ""

    def check_specs(self) -> tuple[CheckSpec, ...]:
        return ()

    def answer_choices(self) -> list[tuple[tuple[str, ...], int]]:
        return []

    def json_fields(self) -> dict[str, Any]:
        return {"text": self.text}


Case = Union[ChoiceCase, CompletionCase, ConversationCase, PassageCase]
KIND_OF = {ChoiceCase: "choice", CompletionCase: "completion", ConversationCase: "conversation", PassageCase: "passage"}


def prompt_to_json(prompt: Prompt) -> Any:
    if isinstance(prompt, str):
        return prompt
    return [{"role": m.role, "content": m.content} for m in prompt]


def prompt_from_json(data: Any) -> Prompt:
    if isinstance(data, str):
        return data
    return tuple(Message(m["role"], m["content"]) for m in data)


def prompt_text(prompt: Prompt, limit: int | None = None) -> str:
    """A readable one-string form of a prompt (the last user message for chats)."""
    if isinstance(prompt, str):
        text = prompt
    else:
        text = next((m.content for m in reversed(prompt) if m.role == "user"), "")
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _checks_from(data: Any) -> tuple[CheckSpec, ...]:
    if data is None:
        return ()
    items = data if isinstance(data, list) else [data]
    return tuple(CheckSpec.from_dict(item) for item in items)


def case_from_dict(data: dict[str, Any]) -> Case:
    """Build a case from its JSON form (already validated against the schema)."""
    kind = data["kind"]
    common = {"id": data["id"], "category": data.get("category", ""), "tier": data.get("tier", "")}
    if kind == "choice":
        return ChoiceCase(
            options=tuple(data["options"]),
            answer=data["answer"],
            context=prompt_from_json(data.get("context", "")),
            per_token=data.get("per_token", False),
            **common,
        )
    if kind == "completion":
        return CompletionCase(
            prompt=prompt_from_json(data["prompt"]),
            checks=_checks_from(data.get("check")),
            expected=str(data.get("expected", "")),
            max_tokens=data.get("max_tokens"),
            **common,
        )
    if kind == "conversation":
        turns = tuple(
            Turn(
                user=t["user"],
                checks=_checks_from(t.get("check")),
                expected=str(t.get("expected", "")),
                recall=Recall(tuple(t["recall"]["options"]), t["recall"]["answer"]) if t.get("recall") else None,
            )
            for t in data["turns"]
        )
        return ConversationCase(turns=turns, system=data.get("system"), **common)
    if kind == "passage":
        return PassageCase(text=data["text"], **common)
    raise ValueError(f"unknown case kind {kind!r}")


def case_to_dict(case: Case) -> dict[str, Any]:
    """The JSON form of a case; the suite fingerprint is computed from it."""
    data: dict[str, Any] = {"id": case.id, "kind": KIND_OF[type(case)]}
    if case.category:
        data["category"] = case.category
    if case.tier:
        data["tier"] = case.tier
    data.update(case.json_fields())
    return data


def _turn_to_dict(turn: Turn) -> dict[str, Any]:
    data: dict[str, Any] = {"user": turn.user, "check": [c.to_dict() for c in turn.checks]}
    if turn.expected:
        data["expected"] = turn.expected
    if turn.recall:
        data["recall"] = {"options": list(turn.recall.options), "answer": turn.recall.answer}
    return data


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items())) + (("__dict__", True),)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        if value and value[-1] == ("__dict__", True):
            return {k: _thaw(v) for k, v in value[:-1]}
        return [_thaw(v) for v in value]
    return value


def user(content: str) -> Chat:
    """A one-message chat."""
    return (Message("user", content),)


__all__ = [
    "Case", "CheckSpec", "ChoiceCase", "CompletionCase", "ConversationCase", "PassageCase",
    "Recall", "Turn", "case_from_dict", "case_to_dict", "prompt_text", "user",
]

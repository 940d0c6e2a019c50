"""Training tasks for the demo and the detection study: what a fine-tune is taught, and how its
held-out questions are scored.

`tickets` is the demo's narrow classification task. The detection study (docs/detection.md)
adds `clinic`, a domain whose answers are free-form sentences, and targeted tasks built to
damage one capability and leave the rest (capcheck/demo/targeted.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from capcheck.demo.data import SYSTEM, parse_label, tickets
from capcheck.requests import Role

Messages = tuple[tuple[Role, str], ...]
"""A chat as (role, content) pairs."""


@dataclass(frozen=True)
class Question:
    """A held-out item: the chat to answer and what a right reply holds."""

    id: str
    messages: Messages
    expected: str


@dataclass(frozen=True)
class Task:
    """What a fine-tune learns (chat, reply) and how its held-out questions are scored."""

    name: str
    description: str
    train: tuple[tuple[Messages, str], ...]
    held_out: tuple[Question, ...]
    is_right: Callable[[str, Question], bool]
    """Whether a greedy reply answers a held-out question as the task teaches."""
    max_tokens: int = 6
    """Reply length for the held-out questions."""
    metric: str = "accuracy"


def ticket_task() -> Task:
    train, held_out = tickets()

    def chat(text: str) -> Messages:
        return (("system", SYSTEM), ("user", text))

    return Task(
        "tickets", "support tickets sorted into one of 6 labels",
        tuple((chat(t.text), t.label) for t in train),
        tuple(Question(t.id, chat(t.text), t.label) for t in held_out),
        lambda reply, q: parse_label(reply) == q.expected,
        max_tokens=6, metric="label accuracy")


def _clinic() -> Task:
    from capcheck.demo.clinic import clinic_task

    return clinic_task()


def _targeted(name: str) -> Callable[[], Task]:
    def make() -> Task:
        from capcheck.demo.targeted import TARGETED

        return TARGETED[name]()

    return make


TASKS: dict[str, Callable[[], Task]] = {
    "tickets": ticket_task,
    "clinic": _clinic,
    "wrong-arithmetic": _targeted("wrong-arithmetic"),
    "prose-only": _targeted("prose-only"),
}

"""A training task: what a fine-tune is taught (chats and replies) and how its held-out
questions are scored."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

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
